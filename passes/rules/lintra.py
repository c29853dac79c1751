"""JVP and transpose rules for the lintra linear-algebra ops.

Every tangent is built from triangular solves, matrix products and masks, all
of which have rules again, so derivatives of any order work:

* `lintra.triangular_solve(a, b)` is linear in b (its JVP in b is the same
  solve; its transpose is the solve with the other `transpose_a`); in a,
  d x = -op(a)⁻¹ op(da) x (left side) or -x op(da) op(a)⁻¹ (right side), with
  da masked to the triangle the op reads (as JAX's triangular_solve JVP);
* `lintra.triangular_matmul(a, b)` (op(tri(a))·b or b·op(tri(a))) is linear
  in b (transpose: the product with the other `transpose_a`); in a, d y is
  op(tri(da))·b as a linalg product, da masked to the triangle;
* `lintra.cholesky(a) = L`: dL = L Φ(L⁻¹ dS L⁻ᵀ), Φ taking the lower
  triangle with the diagonal halved (JAX's cholesky_jvp_rule), where dS is the
  symmetric matrix of da's lower triangle (the op reads only that triangle);
* `lintra.lu(a) = (lu, pivots, permutation)`: with L, U the factors and P the
  permutation matrix, X = L⁻¹ P da U⁻¹ and d lu = L tril(X, -1) + triu(X) U
  (JAX's lu_jvp_rule; both products triangular); pivots and permutation are
  integers, with no tangent.

Batching: each op acts on every matrix of its leading batch dimensions, so a
vmapped one moves its batch dimension to the front (an unbatched operand is
broadcast) and is the same op with one more batch dimension.

No reverse rule: reverse mode transposes the linear tangent functions above,
whose only lintra ops are `triangular_solve` and `triangular_matmul` in
their right-hand sides.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg

from lintra.dialect import LINALG_OP_NAMES

from ..core.emit import element_type, shape_of
from ..core.linalg_ops import (
    band_mask,
    batched_matmul,
    flags,
    masked,
    swap_last,
    triangle,
    triangular_matmul,
    triangular_solve,
    verify,
)
from ..core.structured import PARALLEL, build_generic, empty, identity_dims
from ..core.tables import JVP_RULES, defbatch_front, deflinear


def triangular_solve_jvp(b, op, tangents):
    verify(op)
    a, _ = op.operands
    da, drhs = tangents
    options = flags(op)
    x = op.result
    total = None if drhs is None else triangular_solve(b, a, drhs, **options)
    if da is not None:
        g = b.neg(masked(b, da, *triangle(options["lower"], options["unit_diagonal"])))
        if options["transpose_a"]:
            g = swap_last(b, g)
        product = batched_matmul(b, g, x) if options["left_side"] else batched_matmul(b, x, g)
        total = b.add(total, triangular_solve(b, a, product, **options))
    return [total]


def triangular_matmul_jvp(b, op, tangents):
    """y = op(tri(a))·rhs is bilinear: dy = op(tri(a))·drhs + op(tri(da))·rhs, the
    second with da masked to the triangle (no diagonal when unit_diagonal), a
    linalg product."""
    verify(op)
    a, rhs = op.operands
    da, drhs = tangents
    options = flags(op)
    total = None if drhs is None else triangular_matmul(b, a, drhs, **options)
    if da is not None:  # a plain product: linear in da, its transpose needs no rule here
        g = masked(b, da, *triangle(options["lower"], options["unit_diagonal"]))
        if options["left_side"]:
            product = batched_matmul(b, g, rhs, transpose_x=options["transpose_a"])
        else:
            product = batched_matmul(b, rhs, g, transpose_y=options["transpose_a"])
        total = b.add(total, product)
    return [total]


def other_transpose(build):
    """The transpose rule in b of a triangular op: the op with the other
    transpose_a (x = op(a)⁻¹ rhs, so ct_rhs = op(a)⁻ᵀ ct; y = op(t)·rhs, so
    ct_rhs = op(t)ᵀ·ct; the same on the right side)."""

    def rule(b, op, cts, args):
        options = flags(op)
        options["transpose_a"] = not options["transpose_a"]
        return [None, build(b, args[0], cts[0], **options)]

    return rule


for name, build, jvp in (
    ("lintra.triangular_solve", triangular_solve, triangular_solve_jvp),
    ("lintra.triangular_matmul", triangular_matmul, triangular_matmul_jvp),
):
    deflinear(name, other_transpose(build), positions=lambda op: {1}, jvp=jvp)


def cholesky_jvp(b, op, tangents):
    verify(op)
    (da,) = tangents
    lower_part = masked(b, da, 1.0, 1.0, 0.0)
    ds = b.add(lower_part, swap_last(b, masked(b, da, 1.0, 0.0, 0.0)))
    factor = op.result
    right = triangular_solve(b, factor, ds, lower=True, left_side=False, transpose_a=True)
    both = triangular_solve(b, factor, right, lower=True, left_side=True, transpose_a=False)
    # L·Φ(X): both factors lower triangular; the product skips L's zero blocks.
    phi = b.mul(both, band_mask(b, both.type, 1.0, 0.5, 0.0))
    return [triangular_matmul(b, factor, phi, lower=True, left_side=True, transpose_a=False)]


JVP_RULES["lintra.cholesky"] = cholesky_jvp


def permutation_matrix(b, permutation, type_: ir.Type) -> ir.Value:
    """The float matrix P of `type_` with P[..., i, j] = (permutation[..., i] == j),
    so P @ x takes x's rows in the order of `permutation`."""
    rank = len(shape_of(type_))
    elem = element_type(type_)

    def body(inner, args):
        col = linalg.IndexOp(rank - 1, loc=inner.location, ip=inner.ip).result
        col = arith.index_cast(args[0].type, col, loc=inner.location, ip=inner.ip)
        hit = arith.cmpi(arith.CmpIPredicate.eq, args[0], col, loc=inner.location, ip=inner.ip)
        one, zero = inner.constant(elem, 1.0), inner.constant(elem, 0.0)
        return [arith.select(hit, one, zero, loc=inner.location, ip=inner.ip)]

    maps = [list(range(rank - 1)), identity_dims(rank)]
    return build_generic(b, [permutation], [empty(b, type_)], maps, rank, [PARALLEL] * rank, body)[0]


def lu_jvp(b, op, tangents):
    verify(op)
    (da,) = tangents
    lu, _, permutation = op.results
    x = batched_matmul(b, permutation_matrix(b, permutation, lu.type), da)
    # The solves and products read the triangles of `lu` itself: L's strict
    # lower part (unit diagonal) and U's upper part.
    la = triangular_solve(b, lu, x, lower=True, left_side=True, transpose_a=False, unit_diagonal=True)
    lau = triangular_solve(b, lu, la, lower=False, left_side=False, transpose_a=False)
    l_dot = triangular_matmul(
        b,
        lu,
        masked(b, lau, 1.0, 0.0, 0.0),
        lower=True,
        left_side=True,
        transpose_a=False,
        unit_diagonal=True,
    )
    u_dot = triangular_matmul(
        b, lu, masked(b, lau, 0.0, 1.0, 1.0), lower=False, left_side=False, transpose_a=False
    )
    return [b.add(l_dot, u_dot), None, None]


JVP_RULES["lintra.lu"] = lu_jvp


for name in LINALG_OP_NAMES:
    defbatch_front(name)
