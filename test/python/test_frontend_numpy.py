"""Differential tests of lintra.numpy and lintra.nn against jax.numpy and jax.nn.

Every function of the table runs on float32 and float64 inputs; values and
result dtypes must match JAX (rtol 1e-4 for f32, 1e-8 for f64). The derivative
table checks the VJP of every differentiable case against jax.vjp. To keep
compilation cheap, all cases of a table are traced into ONE jitted function per
dtype (computed once per module by a fixture), and each case is its own test.
"""

import jax.numpy as jnp
import numpy as np
import pytest
from test_frontend_support import FLOAT_DTYPES, JAX, LINTRA, CaseTable, assert_close

import lintra

# name -> (function of (m, *inputs), names of the inputs from make_inputs)
CASES = {
    # elementwise math
    **{
        name: (lambda m, x, name=name: getattr(m, name)(x), "X")
        for name in (
            "sin",
            "cos",
            "tan",
            "tanh",
            "exp",
            "expm1",
            "abs",
            "sign",
            "negative",
            "positive",
            "square",
            "arctan",
            "sinh",
            "cosh",
            "exp2",
            "floor",
            "ceil",
            "round",
        )
    },
    **{
        name: (lambda m, x, name=name: getattr(m, name)(x), "P")
        for name in ("log", "log1p", "log2", "sqrt", "reciprocal")
    },
    # binary, broadcasting (3x4 with 4), operators and Python scalars
    **{
        name: (lambda m, x, v, name=name: getattr(m, name)(x, v), "XV")
        for name in ("add", "subtract", "multiply", "divide", "maximum", "minimum", "arctan2")
    },
    "power": (lambda m, p, v: m.power(p, v), "PV"),
    "floor_divide": (lambda m, x, p: m.floor_divide(x, p), "XP"),
    "operators": (lambda m, x, y, v: (x + y, x - v, x * y, x / (y + 2.0), -x, +x, v @ v), "XYV"),
    "scalar_operators": (lambda m, x: (2.0 * x, x - 1, 3 / (x + 2), 1.5 - x, x * 2), "X"),
    "pow_operators": (lambda m, p: (p**2, p**3, p**-2, p**0.5, 2.0**p, p**p), "P"),
    "comparisons": (lambda m, x, y: (x < y, x <= y, x > y, x >= y, x == x, x != y, x > 0), "XY"),
    "where": (lambda m, x, y: m.where(x > 0, x, y), "XY"),
    "where_broadcast": (lambda m, x, v: m.where(v > 0, x, 0.5), "XV"),
    "clip": (lambda m, x: m.clip(x, -0.5, 0.5), "X"),
    "clip_lower": (lambda m, x, y: m.clip(x, y), "XY"),
    # reductions
    **{
        f"{name}_axis_{axis}": (lambda m, x, name=name, axis=axis: getattr(m, name)(x, axis=axis), "X")
        for name in ("sum", "mean", "var", "max", "min", "prod")
        for axis in (None, 0, 1, -1, (0, 1))
    },
    "sum_keepdims": (lambda m, x: m.sum(x, axis=1, keepdims=True), "X"),
    "max_keepdims": (lambda m, x: m.max(x, axis=0, keepdims=True), "X"),
    "mean_keepdims": (lambda m, b: m.mean(b, axis=(0, 2), keepdims=True), "B"),
    "var_ddof": (lambda m, x: m.var(x, axis=0, ddof=1), "X"),
    "methods": (lambda m, x: (x.sum(), x.mean(axis=0), x.max(1), x.min(), x.prod(0), x.var()), "X"),
    # products
    "dot_vv": (lambda m, v, w: m.dot(v, w), "VW"),
    "dot_mv": (lambda m, x, v: m.dot(x, v), "XV"),
    "dot_mm": (lambda m, x, mm: m.dot(x, mm), "XM"),
    "dot_nd": (lambda m, b, c: m.dot(b, c), "BC"),
    "dot_scalar": (lambda m, s, x: m.dot(s, x), "SX"),
    "matmul_vm": (lambda m, v, mm: m.matmul(v, mm), "VM"),
    "matmul_batched": (lambda m, b, mm: m.matmul(b, mm), "BM"),
    "matmul_batch_batch": (lambda m, b, c: b @ c, "BC"),
    "matmul_vector_batch": (lambda m, v, c: v @ c, "VC"),
    "outer": (lambda m, v, w: m.outer(v, w), "VW"),
    # shapes
    "transpose": (lambda m, b: (m.transpose(b), m.transpose(b, (1, 0, 2)), b.T, b.transpose(2, 0, 1)), "B"),
    "reshape": (lambda m, b: (m.reshape(b, (4, -1)), b.reshape(6, 4), b.reshape(-1), m.ravel(b)), "B"),
    "expand_squeeze": (
        lambda m, x, s: (
            m.expand_dims(x, 1),
            m.expand_dims(x, (0, 3)),
            m.squeeze(m.expand_dims(x, 0)),
            m.expand_dims(s, 0),
            m.squeeze(x[None, :, None, :], axis=2),
        ),
        "XS",
    ),
    "broadcast_to": (lambda m, v, s: (m.broadcast_to(v, (2, 3, 4)), m.broadcast_to(s, (2,))), "VS"),
    "concatenate": (
        lambda m, x, y, mm: (
            m.concatenate([x, y]),
            m.concatenate((x, y, x), axis=1),
            m.concatenate([x, mm.T], axis=0),
            m.concatenate([x, y], axis=None),
        ),
        "XYM",
    ),
    "stack": (lambda m, x, y: (m.stack([x, y]), m.stack([x, y], axis=-1), m.stack([x[0], y[1]], 1)), "XY"),
    # indexing
    "indexing": (
        lambda m, b: (
            b[1],
            b[:, 1:3],
            b[..., ::2],
            b[None, 1, ..., 1::2],
            b[-1, -2],
            b[..., None],
            b[1, 2, 3],
            b[:, -2:, :3],
            b[0][1],
        ),
        "B",
    ),
    # creation inside a trace
    "creation": (
        lambda m, x: (
            x + m.zeros((3, 4)),
            m.ones_like(x) * x,
            m.full((3, 4), 2.5) * x,
            m.zeros_like(x) + x,
            m.arange(12).reshape(3, 4) * x,
            m.eye(3) @ x,
            m.linspace(0.0, 1.0, 4) * x,
            m.arange(1.0, 2.0, 0.25) + x,
            m.full((4,), 3) + 1,
            m.ones(3),
            m.eye(2, 3, 1),
        ),
        "X",
    ),
    "astype": (lambda m, x: (x.astype(m.float32) * 2, m.astype(x, m.float64) + 1), "X"),
    # nn
    **{
        name: (lambda m, x, name=name: getattr(m, name)(x), "X")
        for name in ("relu", "sigmoid", "softplus", "softmax", "log_softmax", "logsumexp")
    },
    "softmax_axis0": (lambda m, b: (m.softmax(b, axis=0), m.log_softmax(b, axis=(0, 2))), "B"),
    "logsumexp_axis": (
        lambda m, b: (m.logsumexp(b, axis=1), m.logsumexp(b, axis=(0, 2), keepdims=True)),
        "B",
    ),
}

# Cases whose derivatives are compared (all inputs and outputs float, differentiable a.e.).
TABLE = CaseTable(
    CASES, not_differentiated={"floor", "ceil", "round", "sign", "comparisons", "floor_divide", "creation"}
)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", list(CASES))
def test_value_matches_jax(name, dtype):
    assert_close(*TABLE.values.get(name, dtype))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", TABLE.gradient_cases)
def test_vjp_matches_jax(name, dtype):
    assert_close(*TABLE.gradients.get(name, dtype))


INTEGER_CASES = {
    "arithmetic": lambda m, i, j: (i + j, i - j, i * j, -i, i * 2, i + 1.5, i / j, i // j, abs(i), i**2),
    "comparisons": lambda m, i, j: (i < j, i == j, m.where(i > j, i, j), m.maximum(i, j), m.minimum(i, 0)),
    "reductions": lambda m, i, j: (
        m.sum(i),
        m.sum(i, axis=0),
        m.max(i, axis=1),
        m.min(j),
        m.prod(j, 0),
        m.mean(i),
        m.var(j),
    ),
    "products": lambda m, i, j: (i @ j.T, m.dot(i[0], j[1]), m.outer(i[0], j[0])),
    "conversions": lambda m, i, j: (
        i.astype(m.float32),
        m.sin(i),
        m.sqrt(m.abs(j)),
        i > 0,
        (i > 0).astype(m.int32),
        m.where(i > 0, 1.0, 0.0),
    ),
    "bools": lambda m, i, j: (
        (i > 0) & (j > 0),
        (i > 0) | (j > 0),
        ~(i > 0),
        (i > 0) ^ (j > 0),
        m.sum(i > 0),
        m.max(i > j),
        m.min(i > j, axis=0),
        (i > 0) + (j > 0),
    ),
    "mixed_float": lambda m, i, j: (i * m.ones(4, m.float32), m.float32(2) * i, i + m.float64(0.5)),
}


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_and_bool_cases_match_jax(dtype):
    rng = np.random.default_rng(3)
    i, j = (rng.integers(-5, 6, (3, 4)).astype(dtype) for _ in range(2))
    j = np.where(j == 0, 3, j).astype(dtype)
    actual = lintra.jit(lambda i, j: {k: f(LINTRA, i, j) for k, f in INTEGER_CASES.items()})(i, j)
    for name, function in INTEGER_CASES.items():
        assert_close(actual[name], function(JAX, jnp.asarray(i), jnp.asarray(j)))
