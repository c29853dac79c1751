"""lintra.numpy gathers, scatters and integer-valued functions against JAX:
traced index arrays, duplicate indices in scatter-add, arg-reductions and
boolean reductions on floats with NaNs and on integers, JVPs and second-order
derivatives through gathers, scatters and sort, and JAX-like errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_frontend_support import assert_close

import lintra
import lintra.numpy as lnp

jax.config.update("jax_enable_x64", True)

RNG = np.random.default_rng(0)
X = RNG.uniform(-1, 1, (3, 4))
V = RNG.uniform(-1, 1, (5,))
N = np.array([[1.0, np.nan, 3.0, -2.0], [0.5, 0.5, -1.0, np.inf], [2.0, 0.0, 2.0, -np.inf]])
K = np.array([[3, -1, 7, 3], [0, 2, 2, -5], [1, 1, 1, 9]], dtype=np.int32)
IDX = np.array([2, 0, -1, 2, 2])  # duplicates and a negative index
DUP = np.array([1, 1, 3, 1, 0])


def integer_cases(m, x, n, k, v, idx, dup, x32):
    return {
        "float32_and_weak_types": (
            m.sort(x32),
            m.cumsum(x32, 1) + 1.0,
            m.linalg.norm(x32),
            m.einsum("ij->i", x32),
            m.median(x32),
            m.std(x32),
            m.take(x32, idx),
            x32.at[dup % 3].add(1.0),
            m.pad(x32, 1, constant_values=2),
            m.hypot(x32, 2.0),
            m.log10(m.abs(x32)),
            m.median(k),
            m.cumsum(k) * 2,
        ),
        "traced_gather": (x[idx % 3], x[:, idx], m.take(v, idx), x[idx % 3, idx % 4], x.at[idx].get()),
        "scatter_add_duplicates": (m.zeros(4).at[dup].add(v), x.at[dup % 3].add(1.0), k.at[dup].add(1)),
        "scatter_set_duplicates": (m.zeros(4).at[dup].set(v), k.at[dup % 3, 0].set(-4)),
        "scatter_out_of_range": (x.at[np.array([5, -9, 1])].add(1.0), v.at[np.array([9, 0])].set(2.0)),
        "argmax": (
            m.argmax(n),
            m.argmax(n, axis=1),
            m.argmin(n, axis=0),
            m.argmax(k, axis=1, keepdims=True),
            m.argmin(k),
        ),
        "argsort": (
            m.argsort(n),
            m.argsort(n, axis=0),
            m.argsort(k, axis=None),
            m.argsort(x),
            m.sort(k, axis=0),
        ),
        "sort_nan": (m.sort(n), m.median(n, axis=1), m.median(k)),
        "all_any": (m.all(n), m.any(n > 2, axis=1), m.all(k, axis=0, keepdims=True), m.any(k < -4)),
        "isnan_isfinite": (m.isnan(n), m.isfinite(n), m.nan_to_num(n), m.nan_to_num(n, nan=1.0, posinf=2.0)),
        "int_reductions": (m.cumsum(k), m.cumprod(k, axis=1), m.cumsum(k > 0, axis=0), m.trace(k), m.diag(k)),
        "int_manipulation": (
            m.flip(k, 0),
            m.roll(k, 1),
            m.tile(k, 2),
            m.pad(k, 1, mode="edge"),
            m.kron(k[0], k[1]),
        ),
        "int_contractions": (
            m.einsum("ij,ij->j", k, k),
            m.tensordot(k, k, ([0], [0])),
            m.inner(k, k),
            m.vdot(k, x),
        ),
        "creation": (m.eye(3, k=1), m.identity(2), m.linspace(0.0, 1.0, 5), m.tril(m.ones((3, 3)))),
    }


def test_integer_valued_functions_match_jax():
    args = (X, N, K, V, IDX, DUP, X.astype(np.float32))
    actual = lintra.jit(lambda *a: integer_cases(lnp, *a))(*args)
    expected = integer_cases(jnp, *[jnp.asarray(a) for a in args])
    for name in expected:
        assert_close(actual[name], expected[name]), name


def smooth(m, x, v):
    """A function through gathers, scatters, sort and the other new functions.
    (`cos(g) @ s`, not `sum(cos(g) * s)`: iree-compile 3.13 rejects a broadcast
    product summed to a scalar, test/iree/broadcast-product-sum.mlir.)"""
    g = x[np.array([2, 0, 2])]
    s = m.zeros(4).at[np.array([1, 1, 3])].add(m.sin(v[:3]) * 2.0)
    grid = m.linspace(v[0], v[1] * 3.0, 4)
    terms = [
        m.sum(grid * grid),
        m.sum(m.cos(g) @ s),
        m.sum(m.sort(v * v) * m.arange(5.0)),
        m.sum(m.cumsum(x, axis=1) ** 2),
        m.sum(m.cumprod(x[0] + 2.0)),
        m.linalg.norm(x) * m.median(v) + m.sum(m.std(x, axis=0) ** 2),
        m.trace(m.einsum("ij,kj->ik", x, x) @ m.tril(x[:, :3])),
        m.sum(m.pad(x, 1, mode="reflect") ** 3),
        m.sum(m.roll(x, 1) * m.flip(x, 0)),
        m.sum(m.kron(x[:2, :2], x[1:, 2:]) ** 2) + m.sum(m.cross(x[:, :3], x[:, 1:]) ** 2),
        m.sum(x.at[np.array([0, 2])].set(v[:4] * 2.0) ** 3) + m.sum(x.at[1].max(v[:4]) ** 3),
        m.sum(m.take_along_axis(x, np.array([[0, 3], [1, 1], [2, 0]]), 1) ** 3) + m.sum(m.hypot(x, 1.0)),
    ]
    return sum(terms[1:], terms[0])


def test_jvp_and_second_order_match_jax():
    tx, tv = RNG.uniform(-1, 1, X.shape), RNG.uniform(-1, 1, V.shape)

    def derivatives(tr, m, x, v):
        f = lambda x, v: smooth(m, x, v)  # noqa: E731
        primal, tangent = tr.jvp(f, (x, v), (tx, tv))
        grad_x = tr.grad(f)
        hvp = tr.grad(lambda x, v: m.sum(grad_x(x, v) * tx), argnums=(0, 1))(x, v)
        return primal, tangent, hvp

    actual = lintra.jit(lambda x, v: derivatives(lintra, lnp, x, v))(X, V)
    expected = jax.jit(lambda x, v: derivatives(jax, jnp, x, v))(X, V)
    assert_close(actual, expected)


def test_linear_transpose_of_gather_is_scatter_add():
    """<ct, gather(t)> = <scatter_add(ct), t> with duplicate indices."""
    gather = lambda t: t[DUP]  # noqa: E731
    scatter = lintra.linear_transpose(gather, V)
    ct = RNG.uniform(-1, 1, DUP.shape)
    (actual,) = lintra.jit(scatter)(ct)
    np.testing.assert_allclose(actual, np.bincount(DUP, ct, minlength=5))


@pytest.mark.parametrize(
    "fun, error, match",
    [
        (lambda x: lnp.take(x, np.array([0.5])), TypeError, "indices must have an integer type"),
        (lambda x: x[np.array([1.0])], TypeError, "indices must have an integer type"),
        (lambda x: lnp.take(x, np.array([0]), axis=2), ValueError, "axis 2 is out of bounds"),
        (lambda x: lnp.take(x, np.array([0]), mode="raise"), ValueError, "invalid mode 'raise'"),
        (lambda x: lnp.take_along_axis(x, np.array([0]), 0), TypeError, "same number of dimensions"),
        (lambda x: x.at[np.array([0, 1])].set(np.ones(3)), ValueError, r"do not broadcast to \(2, 4\)"),
        (lambda x: x[x > 0], TypeError, "traced boolean array"),
        (lambda x: x.at[0].get(mode="fill"), NotImplementedError, "mode='fill'"),
        (lambda x: x.at[0].add(1.0, mode="clip"), NotImplementedError, "mode='clip'"),
        (lambda x: lnp.sort(x, axis=3), ValueError, "out of bounds"),
        (lambda x: lnp.argmax(x, axis=-3), ValueError, "out of bounds"),
        (lambda x: lnp.cumsum(x, axis=2), ValueError, "out of bounds"),
        (lambda x: lnp.split(x, 3, axis=1), ValueError, "equal division"),
        (lambda x: lnp.pad(x, 1, mode="wrap"), NotImplementedError, "mode 'wrap'"),
        (lambda x: lnp.pad(x, ((1, 2), (0, 1), (1, 1))), ValueError, "pad_width"),
        (lambda x: lnp.einsum("ij,jk->ik", x, x), ValueError, "size of label 'j'"),
        (lambda x: lnp.einsum("ijk->i", x), ValueError, "do not match an operand of rank 2"),
        (lambda x: lnp.tensordot(x, x, ([0], [1])), TypeError, "shape mismatch"),
        (lambda x: lnp.cross(x, x), ValueError, "dimension must be 2 or 3"),
        (lambda x: lnp.diagonal(x[0]), ValueError, "at least two dimensions"),
        (lambda x: lnp.linalg.norm(x, "nuc"), NotImplementedError, "ord='nuc'"),
        (lambda x: lnp.average(x, axis=1, weights=np.ones(3)), ValueError, "not compatible"),
    ],
)
def test_errors_are_raised_before_compiling(fun, error, match):
    with pytest.raises(error, match=match):
        lintra.jit(fun)(X)


def test_views_of_eager_results_survive_later_calls():
    """iree-cpu results are copies: a view of one (`f(x)[0]`) was read from a
    device buffer that the next call reused."""
    x = np.arange(12.0).reshape(3, 4)
    first = lnp.sort(-x)[0]
    lnp.take(x, np.array([0, 2]), axis=1)
    np.testing.assert_array_equal(first, np.sort(-x)[0])
