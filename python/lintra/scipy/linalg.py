"""lintra.scipy.linalg: jax.scipy.linalg's triangular solves, Cholesky and LU.

`solve_triangular`, `cholesky`, `cho_factor`/`cho_solve` and
`lu_factor`/`lu_solve` with JAX's signatures and results, built on the lintra
linear-algebra ops of `lintra.linalg` (differentiable in every transformation;
leading dims are batch dims, broadcast between a matrix and a right-hand side;
b is a vector when it has one dim fewer than the matrix, or one dim). Unlike
scipy, the unused triangle of a Cholesky factor is zero (as in JAX).

Derivatives of `cholesky`/`cho_factor` are those of the factorization of the
read triangle (symmetric perturbations of `a`); JAX applies its symmetric
formula to any tangent, so the two differ only for non-symmetric tangents.
"""

from __future__ import annotations

from .. import linalg as la
from .. import primitives as prim
from ..eager import array_function
from ..numpy_core import operand

# trans: 0/'N' solves a·x = b, 1/'T' and 2/'C' (the same for real a) aᵀ·x = b.
TRANS = {0: False, "N": False, 1: True, "T": True, 2: True, "C": True}


def _rhs(name: str, a, b, vector: bool):
    a, rhs = la.matrix_rhs(name, a, b, vector)
    return a, rhs, (lambda x: prim.reshape(x, x.shape[:-1])) if vector else (lambda x: x)


@array_function("a", "b")
def solve_triangular(
    a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, debug=None, check_finite=True
):
    """x with op(a) @ x = b, a triangular (its other triangle is not read)."""
    if trans not in TRANS:
        raise ValueError(f"Invalid 'trans' value {trans}")
    a, b = la.inexact("solve_triangular", a, b)
    la.check_square("solve_triangular", a)
    a, rhs, back = _rhs("solve_triangular", a, b, b.ndim == 1 or b.ndim == a.ndim - 1)
    return back(la.triangular_solve_op(a, rhs, bool(lower), True, TRANS[trans], bool(unit_diagonal)))


@array_function("a")
def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """The Cholesky factor of `a` from its lower (`lower`) or upper triangle."""
    (a,) = la.inexact("cholesky", a)
    la.check_square("cholesky", a)
    factor = la.cholesky_op(a if lower else la.swap_last(a))
    return factor if lower else la.swap_last(factor)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """(c, lower): the factor of `cholesky(a, lower)` and the flag, for cho_solve."""
    return cholesky(a, lower=lower), lower


@array_function("c", "b")
def _cho_solve(c, b, lower: bool):
    c, b = la.inexact("cho_solve", c, b)
    la.check_square("cho_solve", c)
    c, rhs, back = _rhs("cho_solve", c, b, b.ndim == c.ndim - 1)
    # a = L·Lᵀ (lower) or Uᵀ·U: solve with the first factor, then with the second.
    x = la.triangular_solve_op(c, rhs, lower, True, not lower, False)
    return back(la.triangular_solve_op(c, x, lower, True, lower, False))


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """x with a @ x = b, given `cho_factor(a)`."""
    c, lower = c_and_lower
    return _cho_solve(c, b, bool(lower))


@array_function("a")
def lu_factor(a, overwrite_a=False, check_finite=True):
    """(lu, piv): L (unit diagonal, below) and U (on and above) in one matrix, and
    the row swaps (row i was swapped with row piv[i]), as LAPACK getrf."""
    (a,) = la.inexact("lu_factor", a)
    la.check_square("lu_factor", a)
    lu, pivots, _ = la.lu_op(a)
    return lu, pivots


@array_function("lu", "pivots", "b")
def _lu_solve(lu, pivots, b, trans):
    lu, b = la.inexact("lu_solve", lu, b)
    if lu.ndim < 2 or lu.shape[-1] != lu.shape[-2]:
        raise ValueError(f"last two dimensions of LU decomposition must be equal, got shape {lu.shape}")
    if trans not in TRANS:
        raise ValueError(f"'trans' value must be 0, 1, or 2, got {trans}")
    lu, rhs, back = _rhs("lu_solve", lu, b, lu.ndim == b.ndim + 1)
    permutation = la.pivots_to_permutation(prim.broadcast_to(operand(pivots), lu.shape[:-1]))
    return back(la.lu_solve_core(lu, permutation, rhs, int(TRANS[trans])))


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """x with a @ x = b (trans 0) or aᵀ @ x = b (trans 1), given `lu_factor(a)`."""
    lu, pivots = lu_and_piv
    return _lu_solve(lu, pivots, b, trans)


__all__ = ["solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor", "lu_solve"]
