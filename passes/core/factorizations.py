"""Matrix factorizations as scf loops over tensors and linalg.

Each function takes and returns single matrices (static shapes; batching is
`tensor_loops.per_matrix`). The blocked Cholesky unrolls its loop over blocks
of `block` columns, so every block has a static shape and the bulk of the
flops is in `linalg.matmul`s; only the diagonal blocks run an unblocked
kernel, an scf.for taking `WIDTH` columns per step (each step one elementwise
linalg.generic: on IREE every iteration of a loop costs a host step and a
dispatch, whatever its work).

* `cholesky(a)`: left-looking blocked Cholesky (the block column less the
  product of the factor's columns left of it, the diagonal block's kernel,
  the panel below times the inverse of its transpose: `triangular.py`);
* `lu(a)`: unblocked right-looking LU with partial pivoting (first row of
  largest magnitude, as LAPACK getrf), returning (lu, pivots, permutation);
* `pivots_to_permutation(pivots)`: the row swaps applied to 0..n-1.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, math

from .emit import Emitter, element_type, shape_of, tensor_type
from .linalg_ops import batched_matmul
from .structured import PARALLEL, REDUCTION, build_generic, empty
from .tensor_loops import cmpi, extract, generic2d, index_to, insert, loop, put, scalar
from .triangular import BLOCK, diagonal_inverses, triangle_part

I32 = ir.IntegerType.get_signless
WIDTH = 4  # columns per step of the Cholesky kernel


def _select(b: Emitter, condition, x, y):
    return arith.select(condition, x, y, loc=b.location, ip=b.ip)


def _and(b: Emitter, x, y):
    return arith.andi(x, y, loc=b.location, ip=b.ip)


def _f(b: Emitter, name: str, *xs):
    return b.op1(name, *xs)


def _pivot_factor(b: Emitter, p):
    """The Cholesky factor of a small symmetric block from its lower entries
    p[i][k] (k <= i, scalars), and the reciprocals of its diagonal."""
    w = len(p)
    factor = [[None] * w for _ in range(w)]
    inverse = []
    for k in range(w):
        d = p[k][k]
        for m in range(k):
            d = _f(b, "arith.subf", d, _f(b, "arith.mulf", factor[k][m], factor[k][m]))
        factor[k][k] = math.sqrt(d, loc=b.location, ip=b.ip)
        inverse.append(_f(b, "arith.divf", b.constant(d.type, 1.0), factor[k][k]))
        for i in range(k + 1, w):
            e = p[i][k]
            for m in range(k):
                e = _f(b, "arith.subf", e, _f(b, "arith.mulf", factor[i][m], factor[k][m]))
            factor[i][k] = _f(b, "arith.mulf", e, inverse[k])
    return factor, inverse


def _forward(b: Emitter, factor, inverse, row):
    """y with factor·y = row (forward substitution on scalars)."""
    y = []
    for k, value in enumerate(row):
        for m in range(k):
            value = _f(b, "arith.subf", value, _f(b, "arith.mulf", factor[k][m], y[m]))
        y.append(_f(b, "arith.mulf", value, inverse[k]))
    return y


def _offset(b: Emitter, j, k: int):
    """j + k for j an int or an index value."""
    if isinstance(j, int) or k == 0:
        return j + k if isinstance(j, int) else j
    return arith.addi(j, b.index(k), loc=b.location, ip=b.ip)


def _index(b: Emitter, j):
    return b.index(j) if isinstance(j, int) else j


def cholesky_step(b: Emitter, t, j, w: int):
    """One step of the right-looking Cholesky of t (s×s) on its columns j..j+w-1
    (j an int or an index value): in one elementwise linalg.generic, every entry computes
    the w×w pivot block's factor l_p from its lower entries, then its row's
    y_r = l_p⁻¹ t[r, j:j+w]ᵀ; it becomes y_r[c - j] in those columns (on and
    below the diagonal: the factor's rows r >= j) and t_rc - y_r·y_c in the
    trailing lower triangle (r >= c >= j + w)."""
    s = shape_of(t.type)[0]
    offsets = [_offset(b, j, k) for k in range(w)]
    cols = [extract(b, t, [0, o], [s, 1], [s]) for o in offsets]
    pivots = [
        (extract(b, t, [offsets[i], offsets[k]], [1, 1], []), []) for i in range(w) for k in range(i + 1)
    ]
    ins = [(t, [0, 1])] + [(c, [0]) for c in cols] + [(c, [1]) for c in cols] + pivots

    def body(s_, r, c, args):
        t_rc, rows, columns, flat = args[0], args[1 : 1 + w], args[1 + w : 1 + 2 * w], args[1 + 2 * w :]
        p = [[flat[i * (i + 1) // 2 + k] for k in range(i + 1)] for i in range(w)]
        factor, inverse = _pivot_factor(s_, p)
        y_r, y_c = _forward(s_, factor, inverse, rows), _forward(s_, factor, inverse, columns)
        updated = t_rc
        for k in range(w):
            updated = _f(s_, "arith.subf", updated, _f(s_, "arith.mulf", y_r[k], y_c[k]))
        end = _index(s_, _offset(s_, j, w))
        lower = cmpi(s_, "uge", r, c)
        trailing = _and(s_, lower, cmpi(s_, "uge", c, end))
        value = _select(s_, trailing, updated, t_rc)
        for k in range(w):
            at = _index(s_, _offset(s_, j, k))
            value = _select(s_, _and(s_, lower, cmpi(s_, "eq", c, at)), y_r[k], value)
        return value

    return generic2d(b, ins, t.type, body)


def cholesky_kernel(b: Emitter, a, width: int = WIDTH):
    """Unblocked right-looking Cholesky of a (s×s), `width` columns per step
    (`cholesky_step`): an scf.for over the s // width full steps (none if there
    is one), then one step on the s % width columns left. Entries above the
    diagonal are left as they are (masked by the caller)."""
    s = shape_of(a.type)[0]
    t = a
    if s // width == 1:
        t = cholesky_step(b, t, 0, width)
    elif s // width:

        def step(inner, i, carried):
            j = arith.muli(i, inner.index(width), loc=inner.location, ip=inner.ip)
            return [cholesky_step(inner, carried[0], j, width)]

        t = loop(b, s // width, [a], step)[0]
    if s % width:
        t = cholesky_step(b, t, s - s % width, s % width)
    return t


def cholesky(b: Emitter, a, block: int = BLOCK):
    """The lower Cholesky factor of a (n×n), from a's lower triangle; 0 above.

    Left-looking by blocks of columns: the block column k0:k1 (rows k0:n) less
    the product of the factor's rows k0:n and k0:k1 left of it, then the
    diagonal block's factor l11 (`cholesky_kernel`) and the panel below times
    l11⁻ᵀ (`triangular.diagonal_inverses`)."""
    n = shape_of(a.type)[0]
    x = a
    for k0 in range(0, n, block):
        k1 = min(n, k0 + block)
        s = k1 - k0
        panel = extract(b, x, [k0, k0], [n - k0, s])
        if k0 > 0:
            left = extract(b, x, [k0, 0], [n - k0, k0])
            panel = b.sub(panel, batched_matmul(b, left, extract(b, x, [k0, 0], [s, k0]), transpose_y=True))
        l11 = cholesky_kernel(b, extract(b, panel, [0, 0], [s, s]))
        x = insert(b, l11, x, [k0, k0])
        if k1 < n:
            inverse = diagonal_inverses(b, l11, True, False, s)
            inverse = extract(b, inverse, [0, 0, 0], [1, s, s], [s, s])
            l21 = batched_matmul(b, extract(b, panel, [s, 0], [n - k1, s]), inverse, transpose_y=True)
            x = insert(b, l21, x, [k1, k0])
    return triangle_part(b, x, True)


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
