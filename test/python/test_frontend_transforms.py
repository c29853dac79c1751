"""Differential tests of lintra's transformations against JAX's, on float32 and float64.

Each case is `lambda T, m, xs: ...` with T the transformation namespace (the
`lintra` or the `jax` module), m the numpy/nn namespace and xs the inputs of
`make_inputs`. Inside `lintra.jit` the transformations run traced (they emit
lintra ops, and closures over traced inputs are captured); cases are compiled a
dozen at a time. `test_concrete_*` call the transformations on numpy values
outside any jit (the compiled and residual-saving code paths).
"""

import jax
import numpy as np
import pytest
from test_frontend_support import FLOAT_DTYPES, JAX, LINTRA, ChunkedResults, assert_close, make_inputs

import lintra


def scalar_fn(m, x):
    """R^(3x4) -> R."""
    return m.sum(m.sin(x) * x) + m.prod(x[0, :2] + 2.0)


def vector_fn(m, v, matrix):
    """R^4 -> R^3 (`matrix` is 4x3)."""
    return m.tanh(v @ matrix) * v[:3]


def two_arg_fn(m, x, y):
    return m.sum(x * m.exp(y)) / (1.0 + m.sum(y**2))


def tree_fn(m, params, x):
    hidden = m.tanh(x @ params["w"] + params["b"])
    return m.mean(hidden**2) + m.logsumexp(params["b"])


CASES = {
    "grad": lambda T, m, xs: T.grad(lambda x: scalar_fn(m, x))(xs["X"]),
    "grad_argnum_1": lambda T, m, xs: T.grad(lambda x, y: two_arg_fn(m, x, y), argnums=1)(xs["X"], xs["Y"]),
    "grad_argnums": lambda T, m, xs: T.grad(lambda x, y: two_arg_fn(m, x, y), argnums=(0, 1))(
        xs["X"], xs["Y"]
    ),
    "grad_has_aux": lambda T, m, xs: T.grad(lambda x: (scalar_fn(m, x), {"aux": x * 2}), has_aux=True)(
        xs["X"]
    ),
    "grad_pytree": lambda T, m, xs: T.grad(lambda p: tree_fn(m, p, xs["X"]))(
        {"w": xs["M"], "b": xs["V"][:3]}
    ),
    "grad_scalar_input": lambda T, m, xs: T.grad(lambda s: m.sin(s) * s**3)(xs["S"]),
    "value_and_grad": lambda T, m, xs: T.value_and_grad(lambda x: scalar_fn(m, x))(xs["X"]),
    "value_and_grad_aux": lambda T, m, xs: T.value_and_grad(
        lambda x, y: (two_arg_fn(m, x, y), [y]), argnums=(0, 1), has_aux=True
    )(xs["X"], xs["Y"]),
    "jvp": lambda T, m, xs: T.jvp(lambda v: vector_fn(m, v, xs["M"]), (xs["V"],), (xs["W"],)),
    "jvp_two_outputs": lambda T, m, xs: T.jvp(
        lambda x, y: (m.sin(x) * y, m.sum(x)), (xs["X"], xs["Y"]), (xs["Y"], xs["X"])
    ),
    "vjp": lambda T, m, xs: _vjp(T, lambda v: vector_fn(m, v, xs["M"]), (xs["V"],), xs["W"][:3]),
    "vjp_two_args": lambda T, m, xs: _vjp(T, lambda x, y: m.sin(x) * y, (xs["X"], xs["Y"]), xs["P"]),
    "linearize": lambda T, m, xs: _linearize(T, lambda v: vector_fn(m, v, xs["M"]), xs["V"], xs["W"]),
    "linear_transpose": lambda T, m, xs: T.linear_transpose(lambda v: (v @ xs["M"], 2.0 * v[1:]), xs["V"])(
        (xs["A"][0], xs["W"][:3])
    ),
    "jacfwd": lambda T, m, xs: T.jacfwd(lambda v: vector_fn(m, v, xs["M"]))(xs["V"]),
    "jacrev": lambda T, m, xs: T.jacrev(lambda v: vector_fn(m, v, xs["M"]))(xs["V"]),
    "jacfwd_argnums": lambda T, m, xs: T.jacfwd(lambda a, b: {"p": a * b, "s": m.sum(a)}, argnums=(0, 1))(
        xs["V"], xs["W"]
    ),
    "jacrev_matrix": lambda T, m, xs: T.jacrev(lambda a: m.sin(a) @ xs["V"][:2])(xs["X"][:2, :3].T),
    "hessian": lambda T, m, xs: T.hessian(lambda v: m.sum(m.sin(v) * m.exp(v[0])))(xs["V"]),
    "hessian_argnums": lambda T, m, xs: T.hessian(lambda a, b: m.sum(a * a * b), argnums=1)(xs["V"], xs["W"]),
    "grad_of_grad": lambda T, m, xs: T.grad(T.grad(lambda s: m.sin(s) * m.exp(s)))(xs["S"]),
    "grad_grad_grad": lambda T, m, xs: T.grad(T.grad(T.grad(lambda s: s**4 * m.cos(s))))(xs["S"]),
    "jvp_of_grad": lambda T, m, xs: T.jvp(T.grad(lambda v: m.sum(m.tanh(v) ** 3)), (xs["V"],), (xs["W"],)),
    "grad_of_vjp": lambda T, m, xs: T.grad(lambda v: m.sum(_vjp(T, m.sin, (v,), xs["W"])[1][0] ** 2))(
        xs["V"]
    ),
    "jacrev_of_jacfwd": lambda T, m, xs: T.jacrev(T.jacfwd(lambda v: m.sum(m.exp(v) * v[0])))(xs["V"]),
    "grad_of_jit": lambda T, m, xs: T.grad(T.jit(lambda v: m.sum(v * m.sin(v))))(xs["V"]),
    "grad_nn": lambda T, m, xs: T.grad(
        lambda x: (
            -m.sum(m.log_softmax(x) * m.softmax(xs["Y"])) + m.sum(m.relu(x) + m.sigmoid(x) + m.softplus(x))
        )
    )(xs["X"]),
    "grad_closure": lambda T, m, xs: T.grad(lambda p: two_arg_fn(m, xs["X"] * p, xs["Y"]))(xs["S"]),
}


def _vjp(T, fun, primals, cotangent):
    out, pullback = T.vjp(fun, *primals)
    return out, pullback(cotangent)


def _linearize(T, fun, primal, tangent):
    out, f_jvp = T.linearize(fun, primal)
    return out, f_jvp(tangent)


def _transforms(names, dtype):
    """(lintra, jax) results of the cases `names`, traced into one lintra.jit."""
    inputs = make_inputs(dtype, seed=4)
    actual = lintra.jit(lambda xs: {n: CASES[n](lintra, LINTRA, xs) for n in names})(inputs)
    expected = jax.jit(lambda xs: {n: CASES[n](jax, JAX, xs) for n in names})(inputs)
    return {name: (actual[name], expected[name]) for name in names}


RESULTS = ChunkedResults(list(CASES), _transforms)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", list(CASES))
def test_transformation_matches_jax(name, dtype):
    actual, expected = RESULTS.get(name, dtype)
    assert_close(actual, expected, dtype)


CONCRETE_CASES = {
    "grad": lambda T, m, xs: T.grad(lambda x, y: two_arg_fn(m, x, y), argnums=(0, 1))(xs["X"], xs["Y"]),
    "value_and_grad": lambda T, m, xs: T.value_and_grad(lambda x: scalar_fn(m, x))(xs["X"]),
    "jvp": CASES["jvp_two_outputs"],
    "vjp": lambda T, m, xs: _vjp(
        T, lambda p, x: tree_fn(m, p, x), ({"w": xs["M"], "b": xs["V"][:3]}, xs["X"]), xs["S"]
    ),
    "linearize": lambda T, m, xs: _linearize(T, lambda x: m.where(x > 0, x**2, m.sin(x)), xs["X"], xs["Y"]),
    "linear_transpose": CASES["linear_transpose"],
    "jacfwd": CASES["jacfwd_argnums"],
    "jacrev": CASES["jacrev"],
    "hessian": CASES["hessian"],
}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", list(CONCRETE_CASES))
def test_concrete_transformation_matches_jax(name, dtype):
    inputs = make_inputs(dtype, seed=5)
    inputs["M"] = np.asarray(inputs["M"])  # closures over numpy arrays become constants
    actual = CONCRETE_CASES[name](lintra, LINTRA, inputs)
    expected = CONCRETE_CASES[name](jax, JAX, jax.tree_util.tree_map(jax.numpy.asarray, inputs))
    assert_close(actual, expected, dtype)


def test_linearize_and_vjp_reuse_residuals_without_rerunning_the_primal(monkeypatch):
    from lintra.residuals import ResidualPieces

    runs = []
    original_run = ResidualPieces.run
    monkeypatch.setattr(
        ResidualPieces,
        "run",
        lambda self, entry, inputs: (runs.append(entry), original_run(self, entry, inputs))[1],
    )
    x, t = make_inputs(np.float64)["V"], np.ones(4)
    out, f_jvp = lintra.linearize(lambda v: lintra.numpy.sin(v) * v, x)
    _, f_vjp = lintra.vjp(lambda v: lintra.numpy.sin(v) * v, x)
    before = lintra.cache_info()
    tangents = [f_jvp(t * k) for k in range(1, 4)]
    (cotangent,) = f_vjp(t)
    assert runs == ["fwd", "fwd", "lin", "lin", "lin", "vjp"]  # one forward run per transformation
    assert lintra.cache_info().misses == before.misses  # no re-tracing per call
    derivative = np.cos(x) * x + np.sin(x)
    for k, tangent in enumerate(tangents, start=1):
        np.testing.assert_allclose(tangent, k * derivative, rtol=1e-12)
    np.testing.assert_allclose(cotangent, derivative, rtol=1e-12)
    np.testing.assert_allclose(out, np.sin(x) * x, rtol=1e-12)
