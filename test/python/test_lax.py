"""lintra.lax against jax.lax: values, every transformation through the loops and
branches (nested too), and JAX's errors. Values and derivatives run on both CPU
backends (`BACKENDS`), the rest on the default backend."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import lax

jax.config.update("jax_enable_x64", True)

BACKENDS = ("iree-cpu", "mlir-cpu")
X = np.linspace(0.1, 1.0, 4)
XS = np.linspace(-1.0, 1.0, 12).reshape(6, 2)


def programs(np_):
    """The same programs written against lintra (np_=lnp, lax) or JAX (jnp, jax.lax).
    lintra's while_loop gets max_iterations (reverse mode needs the bound); JAX
    cannot reverse-differentiate a while_loop, so its reference is the fori_loop
    with the same trip count."""
    mod, lx = np_
    is_jax = lx is jax.lax

    def fori(x):
        return mod.sum(lx.fori_loop(0, 3, lambda i, c: mod.sin(c) * x + 0.1 * i, x))

    def scan(x):
        def step(carry, row):
            h, k = carry["h"], carry["k"]
            h = mod.tanh(h * row + k)
            return {"h": h, "k": k * 0.5}, h * h

        (carry, ys) = lx.scan(step, {"h": x[:2], "k": x[2:]}, XS)
        return mod.sum(carry["h"]) + mod.sum(ys * ys)

    def scan_reverse(x):
        carry, ys = lx.scan(lambda c, r: (mod.sin(c) * r, c * r), x[:2], XS, reverse=True)
        return mod.sum(carry) + mod.sum(ys * ys)

    def while_(x):
        if is_jax:
            return mod.sum(lx.fori_loop(0, 4, lambda i, y: mod.sin(y) + x, x))
        n, y = lx.while_loop(
            lambda c: c[0] < 4, lambda c: (c[0] + 1, mod.sin(c[1]) + x), (0, x), max_iterations=4
        )
        return mod.sum(y)

    def cond(x):
        return mod.sum(lx.cond(mod.sum(x) > 1.0, lambda y: mod.sin(y) * y, lambda y: y * 2.0, x))

    def switch(x):
        branches = [lambda y: mod.exp(y), lambda y: y * y, lambda y: -mod.cos(y)]
        return mod.sum(lx.switch(2, branches, x) + lx.switch(-3, branches, x * 2.0))

    def select(x):
        return mod.sum(lx.select(x > 0.5, mod.sin(x), x * x))

    def nested(x):
        def outer(i, c):
            return lx.fori_loop(0, 2, lambda j, d: mod.sin(d) * c + 0.1, c)

        return mod.sum(lx.fori_loop(0, 2, outer, x))

    return {
        "fori": fori,
        "scan": scan,
        "scan_reverse": scan_reverse,
        "while": while_,
        "cond": cond,
        "switch": switch,
        "select": select,
        "nested": nested,
    }


LINTRA, JAX = programs((lnp, lax)), programs((jnp, jax.lax))
NAMES = list(LINTRA)
ALL_IN_ONE = {name: LINTRA[name] for name in NAMES}


@pytest.mark.parametrize("backend", BACKENDS)
def test_values_match_jax(backend):
    """One compiled function returning every program's value."""
    values = lintra.jit(lambda x: [ALL_IN_ONE[n](x) for n in NAMES], backend=backend)(X)
    for name, value in zip(NAMES, values, strict=True):
        np.testing.assert_allclose(value, JAX[name](X), rtol=1e-12, err_msg=name)


def test_stacked_outputs_and_pytree_carries():
    def f(x):
        return lax.scan(
            lambda c, r: ((c[0] + r, c[1] * 2.0), {"a": r * c[0], "b": c[1]}), (x[0], 1.0), XS[:, 0]
        )

    def g(x):
        return jax.lax.scan(
            lambda c, r: ((c[0] + r, c[1] * 2.0), {"a": r * c[0], "b": c[1]}), (x[0], 1.0), XS[:, 0]
        )

    got = lintra.jit(f)(X)
    jax.tree_util.tree_map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-12), got, g(X))


def test_weak_initial_carry_takes_the_body_dtype():
    """As in JAX, a Python-scalar initial carry becomes the dtype the body returns."""
    x32 = np.arange(3, dtype=np.float32)

    def make(mod, lx):
        return lambda x: (
            lx.fori_loop(0, 3, lambda i, c: c + x[0], 0.0),
            lx.scan(lambda c, r: (c * r, c), 1.0, x),
            lx.while_loop(lambda c: c[0] < 2, lambda c: (c[0] + 1, c[1] + x[1]), (0, 0.5)),
        )

    got, want = lintra.jit(make(lnp, lax))(x32), make(jnp, jax.lax)(x32)
    for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b)


def test_eager_calls():
    np.testing.assert_allclose(
        lax.fori_loop(0, 4, lambda i, c: c * 2.0 + i, X), jax.lax.fori_loop(0, 4, lambda i, c: c * 2.0 + i, X)
    )


DIFFERENTIATED = ["fori", "scan", "scan_reverse", "while", "cond", "switch", "select", "nested"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_and_jvp_match_jax(backend):
    """grad and jvp of every program in one compiled function."""

    def all_derivatives(x, t):
        return [(lintra.grad(LINTRA[n])(x), lintra.jvp(LINTRA[n], (x,), (t,))[1]) for n in DIFFERENTIATED]

    results = lintra.jit(all_derivatives, backend=backend)(X, X[::-1])
    for name, (grad, tangent) in zip(DIFFERENTIATED, results, strict=True):
        np.testing.assert_allclose(grad, jax.grad(JAX[name])(X), rtol=1e-10, err_msg=name)
        np.testing.assert_allclose(tangent, jax.jvp(JAX[name], (X,), (X[::-1],))[1], rtol=1e-10, err_msg=name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_transformation_through_scan(backend):
    """vjp, linearize, jacfwd, jacrev and hessian of a small scan, in one compiled function."""
    xs = XS[:3]

    def small(mod, lx):
        def f(x):
            carry, ys = lx.scan(lambda c, r: (mod.sin(c) * r + x, c * r), x, xs)
            return mod.sum(carry) + mod.sum(ys * ys)

        return f

    f, g = small(lnp, lax), small(jnp, jax.lax)
    x = X[:2]

    def everything(x):
        _, vjp_fn = lintra.vjp(f, x)
        _, f_jvp = lintra.linearize(f, x)
        return vjp_fn(1.0)[0], f_jvp(x), lintra.jacfwd(f)(x), lintra.jacrev(f)(x), lintra.hessian(f)(x)

    got = lintra.jit(everything, backend=backend)(x)
    want = (jax.vjp(g, x)[1](1.0)[0], jax.jvp(g, (x,), (x,))[1], jax.jacfwd(g)(x), jax.jacrev(g)(x))
    for a, b in zip(got, [*want, jax.hessian(g)(x)], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_concrete_vjp_runs_the_loop_once_then_its_transpose():
    out, vjp_fn = lintra.vjp(LINTRA["fori"], X)
    np.testing.assert_allclose(out, JAX["fori"](X), rtol=1e-12)
    np.testing.assert_allclose(vjp_fn(np.float64(2.0))[0], 2.0 * jax.grad(JAX["fori"])(X), rtol=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_of_loop_calling_grad(backend):
    """A loop whose body calls grad, differentiated again (grad of grad through a loop)."""

    def make(mod, lx, grad):
        def inner(y):
            return mod.sum(mod.sin(y) * y)

        def f(x):
            return mod.sum(lx.fori_loop(0, 2, lambda i, c: grad(inner)(c) * 0.5 + x, x))

        return f

    f, g = make(lnp, lax, lintra.grad), make(jnp, jax.lax, jax.grad)
    np.testing.assert_allclose(lintra.grad(f, backend=backend)(X), jax.grad(g)(X), rtol=1e-10)


def test_grad_inside_loop_body_values():
    def make(mod, lx, grad):
        return lambda x: lx.fori_loop(
            0, 2, lambda i, c: grad(lambda y: mod.sum(mod.sin(y) * y))(c) * 0.5 + x, x
        )

    np.testing.assert_allclose(
        lintra.jit(make(lnp, lax, lintra.grad))(X), make(jnp, jax.lax, jax.grad)(X), rtol=1e-12
    )


def traced(f, *args):
    return lintra.jit(f).lower(*args).as_text()


@pytest.mark.parametrize(
    "f, error, message",
    [
        (
            lambda x: lax.fori_loop(0, 3, lambda i, c: c.astype(lnp.float32), x),
            TypeError,
            "dtypes do not match",
        ),
        (lambda x: lax.fori_loop(0, 3, lambda i, c: c[:2], x), TypeError, "shapes do not match"),
        (lambda x: lax.fori_loop(0, 3, lambda i, c: (c, c), x), TypeError, "same pytree structure"),
        (lambda x: lax.scan(lambda c, r: (c[:1], r), x, XS), TypeError, "scan body function carry input"),
        (lambda x: lax.scan(lambda c, r: c, x, XS), TypeError, "must be a pair"),
        (lambda x: lax.scan(lambda c, r: (c, r), x, None), ValueError, "`length` not provided"),
        (lambda x: lax.scan(lambda c, r: (c, r), x, XS, length=3), ValueError, "disagrees with leading axis"),
        (
            lambda x: lax.while_loop(lambda c: c, lambda c: c, x),
            TypeError,
            "cond_fun must return a boolean scalar",
        ),
        (
            lambda x: lax.while_loop(lambda c: c[0] > 0, lambda c: c[1:], x),
            TypeError,
            "while_loop body function",
        ),
        (
            lambda x: lax.while_loop(lambda c: True, lambda c: c, x, max_iterations=-1),
            ValueError,
            "max_iterations",
        ),
        (lambda x: lax.cond(x > 0, lambda y: y, lambda y: y, x), TypeError, "Pred must be a scalar"),
        (
            lambda x: lax.cond(True, lambda y: y, lambda y: y.astype(lnp.float32), x),
            TypeError,
            "dtypes do not match",
        ),
        (lambda x: lax.cond(True, lambda y: y, lambda y: (y, y), x), TypeError, "same pytree structure"),
        (lambda x: lax.switch(1, [], x), ValueError, "Empty branch sequence"),
        (
            lambda x: lax.switch(1.0, [lambda y: y, lambda y: y], x),
            TypeError,
            "Branch index must be scalar integer",
        ),
        (lambda x: lax.select(x > 0, x, x.astype(lnp.float32)), TypeError, "same dtypes"),
        (lambda x: lax.select(x, x, x), TypeError, "must be boolean"),
        (lambda x: lax.select(x[:2] > 0, x, x), TypeError, "must be scalar or have the same shape"),
        (lambda x: lax.fori_loop(0.0, 3, lambda i, c: c, x), TypeError, "bounds must be integers"),
    ],
)
def test_errors_follow_jax(f, error, message):
    with pytest.raises(error, match=message):
        traced(f, X)


@pytest.mark.parametrize(
    "f, points_to",
    [
        (lambda x: x if lnp.sum(x) > 0 else -x, "lintra.lax.cond"),
        (lambda x: [x := x * 2.0 for _ in range(1) if bool(lnp.sum(x) < 1)], "lintra.lax.while_loop"),
    ],
)
def test_python_control_flow_on_tracers_points_to_lax(f, points_to):
    with pytest.raises(TypeError, match=points_to.replace(".", r"\.")):
        traced(f, X)


def test_leaked_region_tracer():
    leaked = []

    def f(x):
        lax.fori_loop(0, 2, lambda i, c: leaked.append(c) or c, x)
        return leaked[0] * 2.0

    with pytest.raises(lintra.TracerLeakError, match="loop or branch body"):
        traced(f, X)
