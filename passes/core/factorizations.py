"""Matrix factorizations and triangular solves as scf loops over tensors and linalg.

Each function takes and returns single matrices (static shapes; batching is
`tensor_loops.per_matrix`). The blocked algorithms unroll their loop over
blocks of `block` rows/columns, so every block has a static shape and the
bulk of the flops is in `linalg.matmul`s; only the diagonal blocks run an
unblocked scf.for kernel (one column or row per iteration, O(block²) work).

* `solve_left(t, rhs, lower)`: t·x = rhs, t triangular (blocked forward or
  backward substitution: x_r = t_rr⁻¹ (rhs_r - t_r,solved · x_solved));
* `triangular_solve(a, rhs, flags)`: any lintra.triangular_solve, reduced to
  a left-side solve by transposing (right side, transpose_a);
* `cholesky(a)`: right-looking blocked Cholesky (factor the diagonal block,
  solve the panel below it, subtract its product from the trailing matrix);
* `lu(a)`: unblocked right-looking LU with partial pivoting (first row of
  largest magnitude, as LAPACK getrf), returning (lu, pivots, permutation);
* `pivots_to_permutation(pivots)`: the row swaps applied to 0..n-1.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, math

from .emit import Emitter, element_type, shape_of, tensor_type
from .linalg_ops import batched_matmul, masked, swap_last
from .structured import PARALLEL, REDUCTION, build_generic, empty
from .tensor_loops import cmpi, extract, generic2d, index_to, insert, loop, put, scalar

BLOCK = 64
I32 = ir.IntegerType.get_signless


def _select(b: Emitter, condition, x, y):
    return arith.select(condition, x, y, loc=b.location, ip=b.ip)


def _and(b: Emitter, x, y):
    return arith.andi(x, y, loc=b.location, ip=b.ip)


def _f(b: Emitter, name: str, *xs):
    return b.op1(name, *xs)


def solve_kernel(b: Emitter, t, rhs, lower: bool, unit_diagonal: bool):
    """t·x = rhs for a triangular t (s×s), one row of x per iteration, from the
    top (lower) or the bottom (upper): x_i = y_i / t_ii, then y_r -= t_ri x_i for
    the rows r not yet solved (right-looking)."""
    s, k = shape_of(rhs.type)

    def step(inner, j, carried):
        (y,) = carried
        i = j if lower else arith.subi(inner.index(s - 1), j, loc=inner.location, ip=inner.ip)
        col = extract(inner, t, [0, i], [s, 1], [s])
        row = extract(inner, y, [i, 0], [1, k], [k])
        ins = [(y, [0, 1]), (col, [0]), (row, [1])]
        if not unit_diagonal:  # t_ii as a 0-d tensor: it stays on the device
            ins.append((extract(inner, t, [i, i], [1, 1], []), []))

        def body(s_, r, c, args):
            y_rc, t_r, y_ic = args[:3]
            x_i = y_ic if unit_diagonal else _f(s_, "arith.divf", y_ic, args[3])
            updated = _f(s_, "arith.subf", y_rc, _f(s_, "arith.mulf", t_r, x_i))
            keep = _select(s_, cmpi(s_, "ugt" if lower else "ult", r, i), updated, y_rc)
            return _select(s_, cmpi(s_, "eq", r, i), x_i, keep)

        return [generic2d(inner, ins, y.type, body)]

    return loop(b, s, [rhs], step)[0]


def solve_left(b: Emitter, t, rhs, lower: bool, unit_diagonal: bool = False, block: int = BLOCK):
    """t·x = rhs for a triangular t (n×n) and rhs (n×k), blocked by rows: blocks
    of x are solved from the top (lower) or the bottom (upper), each after
    subtracting the product of t's off-diagonal block with the solved part."""
    n, k = shape_of(rhs.type)
    x = rhs
    starts = list(range(0, n, block))
    for r0 in starts if lower else reversed(starts):
        r1 = min(n, r0 + block)
        part = extract(b, rhs, [r0, 0], [r1 - r0, k])
        if lower and r0 > 0:
            known = batched_matmul(b, extract(b, t, [r0, 0], [r1 - r0, r0]), extract(b, x, [0, 0], [r0, k]))
            part = _f(b, "arith.subf", part, known)
        elif not lower and r1 < n:
            rest = n - r1
            known = batched_matmul(
                b, extract(b, t, [r0, r1], [r1 - r0, rest]), extract(b, x, [r1, 0], [rest, k])
            )
            part = _f(b, "arith.subf", part, known)
        diagonal = extract(b, t, [r0, r0], [r1 - r0, r1 - r0])
        x = insert(b, solve_kernel(b, diagonal, part, lower, unit_diagonal), x, [r0, 0])
    return x


def triangular_solve(b: Emitter, a, rhs, lower, left_side, transpose_a, unit_diagonal, block: int = BLOCK):
    """The solution of lintra.triangular_solve(a, rhs) with these flags (single matrices)."""
    if not left_side:  # x·op(a) = rhs  <=>  op(a)ᵀ·xᵀ = rhsᵀ
        solved = triangular_solve(b, a, swap_last(b, rhs), lower, True, not transpose_a, unit_diagonal, block)
        return swap_last(b, solved)
    if transpose_a:
        a, lower = swap_last(b, a), not lower
    return solve_left(b, a, rhs, lower, unit_diagonal, block)


def cholesky_kernel(b: Emitter, a):
    """Unblocked right-looking Cholesky of a (s×s): per column j, l_jj = sqrt(a_jj),
    l_rj = a_rj / l_jj below, and a_rc -= a_rj a_cj / a_jj on the trailing part.
    Entries above the diagonal are left as they are (masked by the caller)."""
    s = shape_of(a.type)[0]

    def step(inner, j, carried):
        (t,) = carried
        col = extract(inner, t, [0, j], [s, 1], [s])
        pivot = extract(inner, t, [j, j], [1, 1], [])  # a 0-d tensor: it stays on the device

        def body(s_, r, c, args):
            t_rc, a_r, a_c, a_jj = args
            root = math.sqrt(a_jj, loc=s_.location, ip=s_.ip)
            below, right = cmpi(s_, "ugt", r, j), cmpi(s_, "ugt", c, j)
            on_row = _select(s_, cmpi(s_, "eq", r, j), root, t_rc)
            column = _select(s_, below, _f(s_, "arith.divf", a_r, root), on_row)
            product = _f(s_, "arith.divf", _f(s_, "arith.mulf", a_r, a_c), a_jj)
            trailing = _select(s_, _and(s_, below, right), _f(s_, "arith.subf", t_rc, product), t_rc)
            return _select(s_, cmpi(s_, "eq", c, j), column, trailing)

        return [generic2d(inner, [(t, [0, 1]), (col, [0]), (col, [1]), (pivot, [])], t.type, body)]

    return loop(b, s, [a], step)[0]


def cholesky(b: Emitter, a, block: int = BLOCK):
    """The lower Cholesky factor of a (n×n), from a's lower triangle; 0 above."""
    n = shape_of(a.type)[0]
    x = a
    for k0 in range(0, n, block):
        k1 = min(n, k0 + block)
        l11 = cholesky_kernel(b, extract(b, x, [k0, k0], [k1 - k0, k1 - k0]))
        x = insert(b, l11, x, [k0, k0])
        if k1 < n:
            m = n - k1
            # L21 L11ᵀ = A21  <=>  L11 L21ᵀ = A21ᵀ
            l21t = solve_left(b, l11, swap_last(b, extract(b, x, [k1, k0], [m, k1 - k0])), True, False, block)
            x = insert(b, swap_last(b, l21t), x, [k1, k0])
            update = batched_matmul(b, l21t, l21t, transpose_x=True)
            trailing = _f(b, "arith.subf", extract(b, x, [k1, k1], [m, m]), update)
            x = insert(b, trailing, x, [k1, k1])
    return masked(b, x, 1.0, 1.0, 0.0)


def iota(b: Emitter, n: int) -> ir.Value:
    """[0, 1, ..., n-1] as i32."""
    type_ = tensor_type([n], I32(32))

    def body(inner, args):
        index = linalg.IndexOp(0, loc=inner.location, ip=inner.ip).result
        return [index_to(inner, index, I32(32))]

    return build_generic(b, [], [empty(b, type_)], [[0]], 1, [PARALLEL], body)[0]


def swap_entries(b: Emitter, v, i, j):
    """The vector `v` with entries i and j exchanged."""
    vi, vj = scalar(b, v, [i]), scalar(b, v, [j])
    return put(b, vi, put(b, vj, v, [i]), [j])


def pivot_row(b: Emitter, col, j):
    """The first index i >= j of the largest |col[i]| (index type)."""
    (n,) = shape_of(col.type)
    elem = element_type(col.type)
    best = b.constant(tensor_type([], elem), -1.0)
    where = b.constant(tensor_type([], I32(32)), 0)
    j32 = index_to(b, j, I32(32))

    def body(inner, args):
        x, best_so_far, where_so_far = args
        i = index_to(inner, linalg.IndexOp(0, loc=inner.location, ip=inner.ip).result, I32(32))
        size = math.absf(x, loc=inner.location, ip=inner.ip)
        larger = arith.cmpf(arith.CmpFPredicate.OGT, size, best_so_far, loc=inner.location, ip=inner.ip)
        take = _and(inner, cmpi(inner, "sge", i, j32), larger)
        return [_select(inner, take, size, best_so_far), _select(inner, take, i, where_so_far)]

    results = build_generic(b, [col], [best, where], [[0], [], []], 1, [REDUCTION], body)
    return scalar(b, results[1], [])


def lu(b: Emitter, a):
    """(lu, pivots, permutation) of a (n×n), as lintra.lu."""
    n = shape_of(a.type)[0]
    i32 = I32(32)

    def step(inner, j, carried):
        t, pivots, permutation = carried
        p32 = pivot_row(inner, extract(inner, t, [0, j], [n, 1], [n]), j)
        p = index_to(inner, p32, ir.IndexType.get())
        row_j, row_p = extract(inner, t, [j, 0], [1, n]), extract(inner, t, [p, 0], [1, n])
        t = insert(inner, row_j, insert(inner, row_p, t, [j, 0]), [p, 0])
        permutation = swap_entries(inner, permutation, j, p)
        pivots = put(inner, p32, pivots, [j])
        col = extract(inner, t, [0, j], [n, 1], [n])
        row = extract(inner, t, [j, 0], [1, n], [n])
        pivot = scalar(inner, t, [j, j])

        def body(s_, r, c, args):
            t_rc, a_r, a_c = args
            factor = _f(s_, "arith.divf", a_r, pivot)
            right = _select(
                s_, cmpi(s_, "ugt", c, j), _f(s_, "arith.subf", t_rc, _f(s_, "arith.mulf", factor, a_c)), t_rc
            )
            below = _select(s_, cmpi(s_, "eq", c, j), factor, right)
            return _select(s_, cmpi(s_, "ugt", r, j), below, t_rc)

        t = generic2d(inner, [(t, [0, 1]), (col, [0]), (row, [1])], t.type, body)
        return [t, pivots, permutation]

    pivots = b.constant(tensor_type([n], i32), 0)
    return loop(b, n, [a, pivots, iota(b, n)], step)


def pivots_to_permutation(b: Emitter, pivots):
    """The permutation that swapping entries i and pivots[i], for i = 0..n-1, makes of 0..n-1."""
    (n,) = shape_of(pivots.type)

    def step(inner, i, carried):
        p = index_to(inner, scalar(inner, pivots, [i]), ir.IndexType.get())
        return [swap_entries(inner, carried[0], i, p)]

    return loop(b, n, [iota(b, n)], step)[0]
