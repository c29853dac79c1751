"""lintra.numpy.linalg: jax.numpy.linalg's cholesky, solve, inv, det, slogdet, norm.

The factorizations are the lintra dialect's linear-algebra ops
(`lintra.cholesky`, `lintra.triangular_solve`, `lintra.triangular_matmul`,
`lintra.lu`, `lintra.lu_pivots_to_permutation`; contracts in dialect/lintra.irdl.mlir),
differentiated by their own rules (passes/rules/lintra.py) and decomposed into
scf and linalg by `lintra-decompose-linalg` after differentiation. solve, inv,
det and slogdet are compositions of them (an LU factorization, row
permutations as products with one-hot matrices, triangular solves), so every
transformation (grad, jvp, vjp, hessian, ...) applies.

Leading dimensions are batch dimensions, broadcast between the operands of
solve as in JAX; a non-square matrix is a ValueError. Integer inputs are
promoted to floats (JAX's rules). eigh, svd and the matrix norms that need them
(ord=2, -2, 'nuc') are not provided: there is no eigen-decomposition op.
"""

from __future__ import annotations

import collections
import math

import numpy as np
from mlir import ir

from . import numpy as lnp
from . import primitives as prim
from .eager import array_function
from .numpy_core import broadcast_shapes, normalize_axes, operand, promoted_type
from .tracing import Tracer, emit, wrap

SlogdetResult = collections.namedtuple("SlogdetResult", ["sign", "logabsdet"])
I32 = np.dtype(np.int32)


# -- the lintra ops ------------------------------------------------------------------


def _op(name: str, operands, result_types, attributes=None) -> list[Tracer]:
    op = emit(name, operands, [prim.tensor_type(s, d) for s, d in result_types], attributes)
    return [wrap(r) for r in op.results]


def cholesky_op(a: Tracer) -> Tracer:
    """The lower Cholesky factor (reads a's lower triangle)."""
    return _op("lintra.cholesky", [a], [(a.shape, a.dtype)])[0]


def _triangular_op(name: str, a, b, lower: bool, left_side: bool, transpose_a: bool, unit_diagonal: bool):
    flags = {
        "lower": lower,
        "left_side": left_side,
        "transpose_a": transpose_a,
        "unit_diagonal": unit_diagonal,
    }
    attributes = {flag: ir.BoolAttr.get(bool(value)) for flag, value in flags.items()}
    return _op(name, [a, b], [(b.shape, b.dtype)], attributes)[0]


def triangular_solve_op(a, b, lower: bool, left_side: bool, transpose_a: bool, unit_diagonal: bool):
    """op(a)·x = b (left_side) or x·op(a) = b; a and b share batch dims and dtype."""
    return _triangular_op("lintra.triangular_solve", a, b, lower, left_side, transpose_a, unit_diagonal)


def triangular_matmul_op(a, b, lower: bool, left_side: bool, transpose_a: bool, unit_diagonal: bool):
    """op(t)·b (left_side) or b·op(t), t the triangle of a the flags select."""
    return _triangular_op("lintra.triangular_matmul", a, b, lower, left_side, transpose_a, unit_diagonal)


def lu_op(a: Tracer) -> list[Tracer]:
    """(lu, pivots, permutation) with partial pivoting."""
    vector = a.shape[:-1]
    return _op("lintra.lu", [a], [(a.shape, a.dtype), (vector, I32), (vector, I32)])


def pivots_to_permutation(pivots: Tracer) -> Tracer:
    return _op("lintra.lu_pivots_to_permutation", [pivots], [(pivots.shape, I32)])[0]


# -- helpers -----------------------------------------------------------------------------


def inexact(name: str, *xs) -> list[Tracer]:
    """The operands as tracers of their common float dtype (not broadcast)."""
    dtype, weak = promoted_type(name, *xs, inexact=True)
    return [prim.convert(operand(x, name), dtype, weak) for x in xs]


def check_square(name: str, a: Tracer) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"Argument to {name} must have shape [..., n, n], got {a.shape}.")


def swap_last(x: Tracer) -> Tracer:
    return prim.transpose(x, list(range(x.ndim - 2)) + [x.ndim - 1, x.ndim - 2])


def matrix_rhs(name: str, a: Tracer, b: Tracer, vector: bool) -> tuple[Tracer, Tracer]:
    """a (..., n, n) and b (..., n, k), or b (..., n) when `vector` (made (..., n, 1)),
    broadcast to common batch dims; mismatched n is a ValueError."""
    n = a.shape[-1]
    if b.ndim < (1 if vector else 2) or b.shape[-1 if vector else -2] != n:
        raise ValueError(f"{name}: incompatible shapes {a.shape} and {b.shape} (the matrix is {n}x{n})")
    if vector:
        b = prim.reshape(b, b.shape + (1,))
    batch = broadcast_shapes(name, a.shape[:-2], b.shape[:-2])
    return prim.broadcast_to(a, batch + a.shape[-2:]), prim.broadcast_to(b, batch + b.shape[-2:])


def permutation_matrix(permutation: Tracer, dtype) -> Tracer:
    """P (..., n, n) with P[..., i, j] = (permutation[..., i] == j): P @ x takes x's rows in that order."""
    n = permutation.shape[-1]
    columns = lnp.arange(n, dtype=np.int32)
    return lnp.astype(lnp.equal(lnp.expand_dims(permutation, -1), columns), dtype)


def lu_solve_core(lu: Tracer, permutation: Tracer, b: Tracer, trans: int) -> Tracer:
    """x with a·x = b (trans 0) or aᵀ·x = b (trans 1), a[permutation] = L·U, b (..., n, k)."""
    p = permutation_matrix(permutation, b.dtype)
    if trans == 0:
        x = triangular_solve_op(lu, lnp.matmul(p, b), True, True, False, True)
        return triangular_solve_op(lu, x, False, True, False, False)
    x = triangular_solve_op(lu, b, False, True, True, False)
    x = triangular_solve_op(lu, x, True, True, True, True)
    return lnp.matmul(swap_last(p), x)


def diagonal(x: Tracer) -> Tracer:
    """The diagonals of the matrices `x` (..., n, n) as (..., n)."""
    n = x.shape[-1]
    return lnp.sum(lnp.where(np.eye(n, dtype=bool), x, 0), axis=-1)


def permutation_sign(pivots: Tracer, dtype) -> Tracer:
    """(-1) ** (the number of actual row swaps in `pivots`), in `dtype`."""
    n = pivots.shape[-1]
    swaps = lnp.sum(lnp.not_equal(pivots, lnp.arange(n, dtype=np.int32)), axis=-1)
    odd = lnp.equal(lnp.bitwise_and(swaps, 1), 1)
    return lnp.where(odd, lnp.full(swaps.shape, -1, dtype), lnp.full(swaps.shape, 1, dtype))


# -- jax.numpy.linalg ----------------------------------------------------------------------


@array_function("a")
def cholesky(a, *, upper: bool = False, symmetrize_input: bool = True):
    """The Cholesky factor of a symmetric positive-definite `a` (lower, or upper
    with `upper`); the input is symmetrized first, as JAX does."""
    (a,) = inexact("cholesky", a)
    check_square("cholesky", a)
    if symmetrize_input:
        a = lnp.divide(lnp.add(a, swap_last(a)), 2)
    factor = cholesky_op(a)
    return swap_last(factor) if upper else factor


@array_function("a", "b")
def solve(a, b):
    """x with a @ x = b; b is (n,) or (..., n, k) (batch dims broadcast), as jnp.linalg.solve."""
    a, b = inexact("solve", a, b)
    if a.ndim < 2:
        raise ValueError(f"left hand array must be at least two dimensional; got a.shape={a.shape}")
    check_square("solve", a)
    vector = b.ndim == 1
    a, rhs = matrix_rhs("solve", a, b, vector)
    lu, _, permutation = lu_op(a)
    x = lu_solve_core(lu, permutation, rhs, 0)
    return prim.reshape(x, x.shape[:-1]) if vector else x


@array_function("a")
def inv(a):
    (a,) = inexact("inv", a)
    check_square("inv", a)
    return solve(a, lnp.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))


@array_function("a")
def det(a):
    """The determinant: the sign of the LU permutation times the product of U's diagonal."""
    (a,) = inexact("det", a)
    check_square("det", a)
    lu, pivots, _ = lu_op(a)
    return lnp.multiply(permutation_sign(pivots, a.dtype), lnp.prod(diagonal(lu), axis=-1))


@array_function("a")
def slogdet(a):
    """(sign, log|det|) of `a`, from its LU factorization."""
    (a,) = inexact("slogdet", a)
    check_square("slogdet", a)
    lu, pivots, _ = lu_op(a)
    u = diagonal(lu)
    sign = lnp.multiply(permutation_sign(pivots, a.dtype), lnp.prod(lnp.sign(u), axis=-1))
    return SlogdetResult(sign, lnp.sum(lnp.log(lnp.abs(u)), axis=-1))


VECTOR_ORDS = (None, 2, 1, 0, math.inf, -math.inf)
MATRIX_ORDS = (None, "fro", 1, -1, math.inf, -math.inf)


@array_function("x")
def norm(x, ord=None, axis=None, keepdims: bool = False):  # noqa: A002 - numpy's name
    """Vector norms (any ord) and the matrix norms None/'fro', 1, -1, inf, -inf, as jnp.linalg.norm."""
    (x,) = inexact("norm", x)
    if axis is None and ord is None:
        axes = tuple(range(x.ndim))
        return lnp.sqrt(lnp.sum(lnp.multiply(x, x), axis=axes, keepdims=keepdims))
    if axis is None:
        if x.ndim not in (1, 2):
            raise ValueError("Improper number of axes for norm")
        axis = tuple(range(x.ndim))
    axes = normalize_axes(axis, x.ndim, "norm")
    if len(axes) == 1:
        return vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"Improper number of axes for norm: axis={axis}. Pass one or two axes.")


def vector_norm(x: Tracer, ord, axis: int, keepdims: bool) -> Tracer:  # noqa: A002
    if isinstance(ord, str):
        raise ValueError(f"Invalid order '{ord}' for vector norm.")
    size = lnp.abs(x)
    if ord is None or ord == 2:
        return lnp.sqrt(lnp.sum(lnp.multiply(x, x), axis=axis, keepdims=keepdims))
    if ord == math.inf:
        return lnp.max(size, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return lnp.min(size, axis=axis, keepdims=keepdims)
    if ord == 0:
        return lnp.sum(lnp.astype(lnp.not_equal(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return lnp.sum(size, axis=axis, keepdims=keepdims)
    total = lnp.sum(lnp.power(size, ord), axis=axis, keepdims=keepdims)
    return lnp.power(total, 1.0 / ord)


def matrix_norm(x: Tracer, ord, axes, keepdims: bool) -> Tracer:  # noqa: A002
    rows, cols = axes
    if ord in (None, "fro"):
        return lnp.sqrt(lnp.sum(lnp.multiply(x, x), axis=axes, keepdims=keepdims))
    if ord not in MATRIX_ORDS:
        raise NotImplementedError(
            f"norm: matrix norm ord={ord!r} needs singular values, which lintra does not compute; "
            "supported: None, 'fro', 1, -1, inf, -inf"
        )
    summed_axis, kept_axis = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = lnp.sum(lnp.abs(x), axis=summed_axis, keepdims=True)
    pick = lnp.max if ord in (1, math.inf) else lnp.min
    result = pick(sums, axis=kept_axis, keepdims=True)
    return result if keepdims else lnp.squeeze(result, axis=axes)


__all__ = ["cholesky", "solve", "inv", "det", "slogdet", "norm", "SlogdetResult"]
