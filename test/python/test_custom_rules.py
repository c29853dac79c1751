"""lintra.custom_jvp, lintra.custom_vjp and lintra.stop_gradient against JAX's.

Each program is written once, `program(T, m, ...)` with T the `lintra` or the
`jax` module (its custom rules and transformations) and m the numpy namespace,
and compiled once with each jit: a program gathers several transformations
(values, grad, jvp, vjp, jacfwd/jacrev, second order) of the same custom
functions, so the file compiles few modules. Then the concrete (outside any
jit) paths, and the errors: forward mode through a custom VJP, a custom JVP
whose tangent part is not linear (located at its Python line), wrong rules.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lintra
import lintra.numpy as lnp

jax.config.update("jax_enable_x64", True)

NAMESPACES = {"lintra": (lintra, lnp), "jax": (jax, jnp)}


def stop_gradient(T):
    return T.stop_gradient if T is lintra else jax.lax.stop_gradient


@functools.cache
def custom_functions(T, m):
    """The custom functions of JAX's documentation, for namespace T (cached, so one
    object per namespace, as users define them once)."""

    @T.custom_jvp
    def log1pexp(x):
        return m.log(1.0 + m.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return log1pexp(x), (1.0 - 1.0 / (1.0 + m.exp(x))) * t

    @functools.partial(T.custom_jvp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    @app.defjvp
    def app_jvp(f, primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * t

    @T.custom_jvp
    def scaled_sin(x, y):  # two arguments, a custom rule with a product in it
        return x * m.sin(y)

    @scaled_sin.defjvp
    def scaled_sin_jvp(primals, tangents):
        (x, y), (dx, dy) = primals, tangents
        return scaled_sin(x, y), dx * m.sin(y) + x * m.cos(y) * dy

    @T.custom_jvp
    def sin_times(x, y):  # defjvps: one rule per argument
        return m.sin(x) * y

    sin_times.defjvps(
        lambda x_dot, out, x, y: m.cos(x) * x_dot * y, lambda y_dot, out, x, y: m.sin(x) * y_dot
    )

    @functools.partial(T.custom_vjp, nondiff_argnums=(0,))
    def app_vjp(f, x):
        return f(x)

    app_vjp.defvjp(lambda f, x: (f(x), x), lambda f, x, g: (5.0 * g,))

    @T.custom_vjp
    def clip_gradient(lo, hi, x):
        return x

    def clip_fwd(lo, hi, x):
        return x, (lo, hi)

    def clip_bwd(res, g):
        lo, hi = res
        return (None, None, m.clip(g, lo, hi))

    clip_gradient.defvjp(clip_fwd, clip_bwd)

    @T.custom_vjp
    def scaled_tanh(params, x):  # pytree argument and residuals, bwd linear in g
        return params["a"] * m.tanh(x) + params["b"]

    def scaled_tanh_fwd(params, x):
        t = m.tanh(x)
        return params["a"] * t + params["b"], {"t": t, "a": params["a"]}

    def scaled_tanh_bwd(res, g):
        return ({"a": m.sum(g * res["t"]), "b": m.sum(g)}, g * res["a"] * (1.0 - res["t"] ** 2))

    scaled_tanh.defvjp(scaled_tanh_fwd, scaled_tanh_bwd)
    return log1pexp, app, scaled_sin, clip_gradient, scaled_tanh, sin_times, app_vjp


X = np.array(1000.0)  # where exp(x) overflows: the naive derivative is inf / inf
V = np.array([-1.5, 0.3, 2.0])
W = np.array([0.5, -0.25, 1.0])


def custom_jvp_program(T, m, x, v, w):
    log1pexp, app, scaled_sin, _, _, sin_times, _ = custom_functions(T, m)

    def loss(u):
        return m.sum(log1pexp(u) * u)

    return {
        "value": log1pexp(x),
        "grad": T.grad(log1pexp)(x),
        "grad_grad": T.grad(T.grad(log1pexp))(v[1]),
        "jvp": T.jvp(log1pexp, (v,), (w,)),
        "vjp": T.vjp(log1pexp, v)[1](w),
        "linearize": T.linearize(log1pexp, v)[1](w),
        "jacfwd": T.jacfwd(log1pexp)(v),
        "jacrev": T.jacrev(log1pexp)(v),
        "hessian": T.hessian(loss)(v),
        "app": T.grad(lambda y: app(lambda z: z**2, y))(v[0]),
        "app_jvp": T.jvp(lambda y: app(m.sin, y), (v,), (w,)),
        "two_args_grad_y": T.grad(lambda a, b: m.sum(scaled_sin(a, b)), argnums=1)(v, w),
        "two_args_hessian": T.hessian(lambda a, b: m.sum(scaled_sin(a, b) ** 2), argnums=(0, 1))(v, w),
        "defjvps": T.jvp(sin_times, (v, w), (w, v)),
        "defjvps_grad": T.grad(lambda a, b: m.sum(sin_times(a, b)), argnums=(0, 1))(v, w),
    }


def custom_vjp_program(T, m, v, w):
    _, _, _, clip_gradient, scaled_tanh, _, app_vjp = custom_functions(T, m)

    def clipped(u):
        return 3.0 * m.sum(clip_gradient(-0.75, 0.75, m.sin(u)))

    def tree_loss(params, u):
        return m.sum(scaled_tanh(params, u) ** 2)

    params = {"a": v[0], "b": w[1]}
    return {
        "value": clipped(v),
        "grad": T.grad(clipped)(v),
        "vjp": T.vjp(lambda u: clip_gradient(-0.5, 0.5, u * u), v)[1](w),
        "jacrev": T.jacrev(lambda u: clip_gradient(-0.5, 0.5, m.exp(u)))(v),
        "hessian": T.hessian(clipped)(v),
        "grad_grad": T.grad(lambda s: T.grad(lambda u: m.sin(clip_gradient(-0.5, 0.5, u)) * u)(s))(v[1]),
        "tree_grad": T.grad(tree_loss, argnums=(0, 1))(params, v),
        "tree_hessian": T.hessian(lambda u: tree_loss(params, u))(w),
        "nondiff": T.grad(lambda u: m.sum(app_vjp(m.sin, u)))(v),
    }


def stop_gradient_program(T, m, v, w):
    sg = stop_gradient(T)
    return {
        "value": sg(v) * v,
        "grad": T.grad(lambda u: m.sum(u * sg(u)))(v),
        "jvp": T.jvp(lambda u: m.sin(u) + sg(m.exp(u)), (v,), (w,)),
        "tree": T.grad(lambda p: m.sum(sg(p)["a"] * p["b"]) + m.sum(p["a"] ** 2))({"a": v, "b": w}),
        "hessian": T.hessian(lambda u: m.sum(u**3 * sg(u)))(v),
        "int_leaf": sg(np.int32(3)) + 1,
    }


def assert_tree_close(actual, expected):
    actual_leaves, actual_tree = lintra.tree_flatten(actual)
    expected_leaves = jax.tree_util.tree_leaves(expected)
    assert len(actual_leaves) == len(expected_leaves), actual_tree
    for a, e in zip(actual_leaves, expected_leaves, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(e), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("program", "args"),
    [
        (custom_jvp_program, (X, V, W)),
        (custom_vjp_program, (V, W)),
        (stop_gradient_program, (V, W)),
    ],
    ids=["custom_jvp", "custom_vjp", "stop_gradient"],
)
def test_program_matches_jax(program, args):
    results = {}
    for name, (T, m) in NAMESPACES.items():
        results[name] = T.jit(functools.partial(program, T, m))(*args)
    for key in results["jax"]:
        assert_tree_close(results["lintra"][key], results["jax"][key])


def test_custom_jvp_result_is_the_rules():
    """The naive derivative of log(1 + exp(x)) at 1000 is nan (inf / inf); the rule's is 1."""
    log1pexp = custom_functions(lintra, lnp)[0]
    assert float(lintra.grad(log1pexp)(X)) == 1.0
    assert np.isnan(lintra.grad(lambda x: lnp.log(1.0 + lnp.exp(x)))(X))


def test_concrete_paths_match_jax():
    """Outside jit: a custom function called on numpy values, and vjp/linearize,
    whose forward halves are compiled separately from their linear halves."""
    jax_fns, lintra_fns = custom_functions(jax, jnp), custom_functions(lintra, lnp)
    np.testing.assert_allclose(lintra_fns[0](V), jax_fns[0](V), rtol=1e-14)
    np.testing.assert_allclose(lintra_fns[3](-0.5, 0.5, V), V)
    out, f_jvp = lintra.linearize(lintra_fns[0], V)
    expected_out, expected_jvp = jax.linearize(jax_fns[0], V)
    np.testing.assert_allclose(out, expected_out, rtol=1e-14)
    np.testing.assert_allclose(f_jvp(W), expected_jvp(W), rtol=1e-14)
    out, vjp_fn = lintra.vjp(lambda u: lintra_fns[3](-0.5, 0.5, lnp.exp(u)), V)
    expected_out, expected_vjp = jax.vjp(lambda u: jax_fns[3](-0.5, 0.5, jnp.exp(u)), V)
    np.testing.assert_allclose(out, expected_out, rtol=1e-14)
    np.testing.assert_allclose(vjp_fn(W)[0], expected_vjp(W)[0], rtol=1e-14)
    np.testing.assert_array_equal(lintra.stop_gradient({"a": V})["a"], V)


# -- errors --------------------------------------------------------------------------


def clipped_sum(u):
    return lnp.sum(custom_functions(lintra, lnp)[3](-0.5, 0.5, u))


@pytest.mark.parametrize(
    "forward",
    [
        lambda: lintra.jvp(clipped_sum, (V,), (W,)),
        lambda: lintra.jacfwd(clipped_sum)(V),
        lambda: lintra.linearize(clipped_sum, V),
    ],
    ids=["jvp", "jacfwd", "linearize"],
)
def test_forward_mode_through_custom_vjp_is_an_error(forward):
    with pytest.raises(ValueError, match=r"can't apply forward-mode autodiff \(jvp\) to a custom_vjp"):
        forward()
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff"):
        jax.jvp(lambda u: jnp.sum(custom_functions(jax, jnp)[3](-0.5, 0.5, u)), (V,), (W,))


@lintra.custom_jvp
def squared_tangent(x):
    return x * x


@squared_tangent.defjvp
def squared_tangent_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return squared_tangent(x), t * t  # NON-LINEAR


def test_non_linear_custom_jvp_is_located_in_reverse_mode():
    """Forward mode accepts any rule (as JAX does); reverse mode transposes its
    tangent part and reports the non-linear op at its Python line."""
    assert float(lintra.jvp(squared_tangent, (2.0,), (3.0,))[1]) == 9.0
    line = next(
        number
        for number, text in enumerate(open(__file__, encoding="utf-8"), start=1)
        if "# NON-LINEAR" in text and "t * t" in text
    )
    with pytest.raises(ValueError, match=rf"multiplies two linear values.*test_custom_rules\.py:{line}:"):
        lintra.grad(squared_tangent)(2.0)


def test_rule_errors():
    @lintra.custom_jvp
    def no_rule(x):
        return x

    with pytest.raises(AttributeError, match="No JVP defined for custom_jvp function no_rule using defjvp"):
        no_rule(1.0)

    @lintra.custom_jvp
    def wrong_shape(x):
        return lnp.sin(x)

    wrong_shape.defjvp(lambda primals, tangents: (wrong_shape(primals[0]), lnp.zeros(2)))
    with pytest.raises(TypeError, match=r"tangent output #0: expected float64\[3\], got float64\[2\]"):
        lintra.grad(lambda x: lnp.sum(wrong_shape(x)))(V)
    wrong_shape.defjvp(lambda primals, tangents: wrong_shape(primals[0]))
    with pytest.raises(TypeError, match="must produce a pair"):
        lintra.grad(lambda x: lnp.sum(wrong_shape(x)))(V)

    @lintra.custom_vjp
    def short_bwd(x, y):
        return x * y

    short_bwd.defvjp(lambda x, y: (x * y, (x, y)), lambda res, g: (g * res[1],))
    with pytest.raises(TypeError, match=r"tuple of length equal to the number of primal inputs \(2\)"):
        lintra.grad(short_bwd)(1.0, 2.0)

    def closes_over(u):
        @lintra.custom_jvp
        def inner(x):
            return x * u

        inner.defjvp(lambda primals, tangents: (inner(primals[0]), tangents[0] * u))
        return lnp.sum(inner(u))

    with pytest.raises(TypeError, match="closes over traced values"):
        lintra.grad(closes_over)(V)
    app = custom_functions(lintra, lnp)[1]
    with pytest.raises(TypeError, match="nondiff_argnums .* must be Python values"):
        lintra.grad(lambda x: app(x, x))(1.0)
