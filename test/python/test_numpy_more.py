"""Differential tests of the lintra.numpy functions of issue 10 (gather/scatter,
sorting, cumulative and statistical reductions, array manipulation, einsum and
friends) against jax.numpy: values and dtypes, and VJPs of every differentiable
case. As in test_frontend_numpy, the cases are traced in chunks into one jitted
function each.
"""

import numpy as np
import pytest
from test_frontend_support import CaseTable, assert_close

I1 = np.array([2, 0, -1, 2, 1])  # in range, negative, duplicated
I2 = np.array([[3, 0], [1, 1]])

# name -> (function of (m, *inputs), names of the inputs from make_inputs)
CASES = {
    # gathers
    "take": (lambda m, x: (m.take(x, I1, axis=1), m.take(x, I2), m.take(x, I2, axis=0, mode="clip")), "X"),
    "take_fill": (lambda m, v: m.take(v, np.array([-5, 4, 1, 7])), "V"),
    "take_along_axis": (
        lambda m, x: (
            m.take_along_axis(x, np.array([[0, 3], [1, 1], [2, 0]]), 1),
            m.take_along_axis(x, np.array([[2, 0, 1, 2]]), 0),
        ),
        "X",
    ),
    "advanced_indexing": (
        lambda m, b: (
            b[I1[:3] % 2],
            b[:, I1],
            b[1, :, I2],
            b[np.array([0, 1]), 1:, np.array([3, 0])],
            b[..., I2],
            b[np.array([True, False])],
            b[I2 % 2, 1],
        ),
        "B",
    ),
    "at_add": (lambda m, x, v: (x.at[I1 % 3].add(v), x.at[1, I1 % 4].add(2.0), x.at[:, 2].add(v[:3])), "XV"),
    "at_set": (
        lambda m, x, v: (x.at[np.array([2, 0])].set(v), x.at[1, 1:3].set(5.0), x.at[0].set(v * 2)),
        "XV",
    ),
    "at_mul_min_max": (
        lambda m, x, y: (
            x.at[np.array([0, 2])].multiply(y[:2], unique_indices=True),
            x.at[1].min(y[0]),
            x.at[np.array([2, 1])].max(y[1:]),
        ),
        "XY",
    ),
    "at_get": (lambda m, x: x.at[np.array([1, 2, -1])].get(), "X"),
    "clamped_get": (lambda m, x: (x.at[np.array([1, 5, -1])].get(), x[np.array([-7, 3])]), "X"),
    # sorting
    "sort": (
        lambda m, b: (m.sort(b), m.sort(b, axis=0), m.sort(b, axis=None), m.sort(b, axis=1, descending=True)),
        "B",
    ),
    "median": (lambda m, b: (m.median(b), m.median(b, axis=2), m.median(b, axis=1, keepdims=True)), "B"),
    # reductions
    "cumsum": (lambda m, b: (m.cumsum(b), m.cumsum(b, axis=1), m.cumsum(b, axis=-1)), "B"),
    "cumprod": (lambda m, b: (m.cumprod(b, axis=2), m.cumprod(b, axis=0), m.cumprod(b[0, 0])), "B"),
    "std": (lambda m, b: (m.std(b), m.std(b, axis=1), m.std(b, axis=(0, 2), ddof=1, keepdims=True)), "B"),
    "average": (
        lambda m, x, v, p: (
            m.average(x),
            m.average(x, axis=1, weights=v),
            m.average(x, weights=p),
            m.average(x, 0, p, returned=True),
        ),
        "XVP",
    ),
    "norm": (
        lambda m, x, v: (
            m.linalg.norm(v),
            m.linalg.norm(x),
            m.linalg.norm(x, axis=1),
            m.linalg.norm(v, 1),
            m.linalg.norm(v, np.inf),
            m.linalg.norm(v, -np.inf),
            m.linalg.norm(v, 3),
            m.linalg.norm(x, "fro"),
            m.linalg.norm(x, axis=0, keepdims=True),
        ),
        "XV",
    ),
    # manipulation
    "pad": (
        lambda m, x: (
            m.pad(x, 1),
            m.pad(x, ((1, 2), (0, 1)), constant_values=3.0),
            m.pad(x, (2, 1), mode="edge"),
            m.pad(x, ((1, 2), (2, 3)), mode="reflect"),
        ),
        "X",
    ),
    "roll_flip": (
        lambda m, b: (
            m.roll(b, 1, axis=2),
            m.roll(b, -2),
            m.roll(b, (1, 2), axis=(0, 1)),
            m.flip(b),
            m.flip(b, 1),
            m.flip(b, (0, 2)),
        ),
        "B",
    ),
    "tile_repeat": (
        lambda m, x, v: (
            m.tile(v, 2),
            m.tile(x, (2, 1, 2)),
            m.repeat(x, 2),
            m.repeat(x, 2, axis=0),
            m.repeat(x, np.array([1, 0, 2, 1]), axis=1),
        ),
        "XV",
    ),
    "split": (
        lambda m, b: (
            m.split(b, 2),
            m.split(b, [1, 3], axis=2),
            m.array_split(b, 2, axis=1),
            m.array_split(b, [3], axis=-1),
        ),
        "B",
    ),
    "diag_trace": (
        lambda m, a, x, v: (
            m.diag(v),
            m.diag(v, 1),
            m.diag(v, -2),
            m.diag(x),
            m.diag(x, 1),
            m.diagonal(x, -1),
            m.trace(x),
            m.trace(a, 1),
            m.diagonal(m.reshape(x, (3, 2, 2)), 0, 1, 2),
        ),
        "AXV",
    ),
    "triu_tril": (lambda m, x, b: (m.triu(x), m.tril(x, -1), m.triu(b, 1), m.tril(x, 2)), "XB"),
    "kron_cross": (
        lambda m, x, a, v, w: (
            m.kron(x, a),
            m.kron(v, w[:2]),
            m.cross(v[:3], w[1:]),
            m.cross(x[:, :3], a),
            m.cross(x[:2, :2], a[:2, 1:]),
            m.cross(a, x[:, :3], axis=0),
        ),
        "XAVW",
    ),
    "meshgrid": (lambda m, v, w: (m.meshgrid(v, w[:3]), m.meshgrid(v[:2], w, v[1:], indexing="ij")), "VW"),
    # contractions
    "einsum": (
        lambda m, x, y, a, b, c, v: (
            m.einsum("ij,kj->ik", x, y),
            m.einsum("ij->", x),
            m.einsum("ii->i", a),
            m.einsum("ii", a),
            m.einsum("bij,bjk->bik", b, c),
            m.einsum("...j,j", b, v),
            m.einsum("ij,jk,kl->il", x, c[0], a),
            m.einsum("i,j->ij", v, v),
            m.einsum("ijk->kji", b),
            m.einsum("ij,ij->i", x, y),
        ),
        "XYABCV",
    ),
    "tensordot": (
        lambda m, b, c, x, v: (
            m.tensordot(b, c, ([1, 2], [2, 1])),
            m.tensordot(x, v, 1),
            m.tensordot(b, x, 2),
            m.tensordot(x, v, axes=(1, 0)),
            m.tensordot(v, v, 0),
        ),
        "BCXV",
    ),
    "inner_vdot": (
        lambda m, x, y, v, s: (m.inner(x, y), m.inner(v, x), m.inner(s, v), m.vdot(x, y), m.vdot(v, v)),
        "XYVS",
    ),
    # elementwise
    "elementwise": (
        lambda m, x, p, y: (m.log10(p), m.hypot(x, y), m.hypot(x, 2.0), m.nan_to_num(x / (x > 0))),
        "XPY",
    ),
}

# meshgrid: broadcasts only. clamped_get: JAX's VJP drops the cotangent of a clamped
# out-of-range index (its scatter-add skips it) while the forward pass reads the
# clamped element; lintra's transpose adds it there (the exact adjoint).
TABLE = CaseTable(CASES, not_differentiated={"meshgrid", "clamped_get"}, size=16)


@pytest.mark.parametrize("name", list(CASES))
def test_value_matches_jax(name):
    assert_close(*TABLE.values.get(name, np.float64))


@pytest.mark.parametrize("name", TABLE.gradient_cases)
def test_vjp_matches_jax(name):
    assert_close(*TABLE.gradients.get(name, np.float64))
