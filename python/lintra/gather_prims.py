"""The gather/scatter-add primitive: one `linalg.generic` that sums the values
whose integer index matches a loop position.

    out[out_dims] = sum over the other loops of
                    (index[index_dims] == d_match) ? values[values_dims] : 0

`d_match` is one loop dimension whose size is given. A gather reads `values`
along `d_match` (the source axis) and writes the index positions; a
scatter-add reads the index positions and writes along `d_match`, so that
duplicate indices accumulate. The two are each other's transpose, and that is
exactly what the `linalg.generic` rules produce: the op is linear in `values`
(a select between it and zero, accumulated additively from a zero init), the
JVP is the same generic on the tangent and the transpose sums the cotangent
over the loops the operand does not index. No new rule is needed, second order
included, and the op lowers on every backend (`linalg.index`, `arith.cmpi`,
`arith.select` in the body).

The cost is the product of all loop sizes: (index positions) x (source axis
length) x (the other dims), so this suits small source axes; an index out of
[0, size) matches nothing (a zero result, a dropped update).
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg

from . import dtypes
from . import primitives as prim
from .tracing import Tracer, build, wrap


def index_sum(
    values: Tracer,
    index: Tracer,
    n_dims: int,
    values_dims,
    index_dims,
    out_dims,
    match_dim: int,
    match_size: int,
) -> Tracer:
    """The generic of the module docstring; `index` is an int32/int64 tensor.
    Loop sizes come from the operands and `match_size` (for `match_dim`)."""
    sizes = {match_dim: match_size}
    for dims, shape in ((values_dims, values.shape), (index_dims, index.shape)):
        sizes.update(zip(dims, shape, strict=True))
    out_shape = [sizes[d] for d in out_dims]
    iterators = [
        linalg.IteratorType.parallel if d in out_dims else linalg.IteratorType.reduction
        for d in range(n_dims)
    ]
    maps = [values_dims, index_dims, out_dims]
    if match_dim not in {d for dims in maps for d in dims}:  # the loop bound comes from an unread input
        raise ValueError("index_sum: the match dimension must be indexed by an operand")
    init = prim.full(out_shape, 0, values.dtype)
    result_type = prim.tensor_type(out_shape, values.dtype)
    op = build(
        linalg.GenericOp,
        [result_type],
        [values, index],
        [init],
        prim._affine_maps(n_dims, maps),
        iterators,
    )
    element = dtypes.element_type(values.dtype)
    add = arith.AddFOp if dtypes.is_floating(values.dtype) else arith.AddIOp

    def body(args, ip):
        value, position, accumulator = args
        loop = linalg.IndexOp(match_dim, ip=ip).result
        position = arith.IndexCastOp(ir.IndexType.get(), position, ip=ip).result
        hit = arith.CmpIOp(arith.CmpIPredicate.eq, position, loop, ip=ip).result
        zero = arith.ConstantOp(
            element,
            ir.FloatAttr.get(element, 0.0)
            if dtypes.is_floating(values.dtype)
            else ir.IntegerAttr.get(element, 0),
            ip=ip,
        ).result
        picked = arith.SelectOp(hit, value, zero, ip=ip).result
        return [add(accumulator, picked, ip=ip).result]

    prim._with_body(op, [element, dtypes.element_type(index.dtype), element], body)
    return wrap(op.results[0], values.weak)


def _take_loops(axis: int, k: int, rest: int) -> tuple[int, list, list, list]:
    """Loops of a gather along `axis` with a k-d index and `rest` trailing dims:
    (count, source dims, index dims, result dims); the source axis is loop axis + k."""
    outer, positions = list(range(axis)), list(range(axis, axis + k))
    match = axis + k
    tail = list(range(match + 1, match + 1 + rest))
    return match + 1 + rest, outer + [match] + tail, positions, outer + positions + tail


def gather(x: Tracer, index: Tracer, axis: int) -> Tracer:
    """x.take(index, axis) for in-range indices: shape x.shape[:axis] + index.shape +
    x.shape[axis+1:]."""
    n, source, positions, result = _take_loops(axis, index.ndim, x.ndim - axis - 1)
    return index_sum(x, index, n, source, positions, result, axis + index.ndim, x.shape[axis])


def scatter_add(updates: Tracer, index: Tracer, axis: int, size: int) -> Tracer:
    """The transpose of `gather`: zeros of length `size` along `axis` plus the
    updates (shape: x.shape[:axis] + index.shape + x.shape[axis+1:]) added at
    their indices; duplicates accumulate and out-of-range indices are dropped."""
    n, target, positions, source = _take_loops(axis, index.ndim, updates.ndim - axis - index.ndim)
    return index_sum(updates, index, n, source, positions, target, axis + index.ndim, size)


def gather_along(x: Tracer, index: Tracer, axis: int) -> Tracer:
    """take_along_axis for in-range indices: index has x's rank and shape except
    along `axis`; out[..., k, ...] = x[..., index[..., k, ...], ...]."""
    n = x.ndim
    dims = list(range(n))
    x_dims = dims[:axis] + [n] + dims[axis + 1 :]
    return index_sum(x, index, n + 1, x_dims, dims, dims, n, x.shape[axis])


def scatter_along(values: Tracer, index: Tracer, size: int) -> Tracer:
    """The transpose of `gather_along` on the last axis: out[..., k] = sum over i
    of values[..., i] where index[..., i] == k (k < `size`)."""
    n = values.ndim
    dims = list(range(n))
    return index_sum(values, index, n + 1, dims, dims, dims[:-1] + [n], n, size)


def band_mask(shape, row_dim: int, col_dim: int, k: int, kind: str) -> Tracer:
    """A bool tensor of `shape`: whether (col - row) is >= k ("triu"), <= k
    ("tril") or == k ("eye") for the loop positions along `row_dim`/`col_dim`.
    Computed by a `linalg.generic` from `linalg.index` rather than held as a
    constant: a constant condition of a select folds into an i1 constant,
    which the mlir-cpu lowering cannot put in memory."""
    predicate = {
        "triu": arith.CmpIPredicate.sge,
        "tril": arith.CmpIPredicate.sle,
        "eye": arith.CmpIPredicate.eq,
    }[kind]
    result_type = prim.tensor_type(shape, dtypes.BOOL)
    n = len(shape)
    op = build(
        linalg.GenericOp,
        [result_type],
        [],
        [prim._empty(shape, dtypes.BOOL)],
        prim._affine_maps(n, [list(range(n))]),
        [linalg.IteratorType.parallel] * n,
    )
    element = dtypes.element_type(dtypes.BOOL)

    def body(args, ip):
        row = linalg.IndexOp(row_dim, ip=ip).result
        col = linalg.IndexOp(col_dim, ip=ip).result
        offset = arith.SubIOp(col, row, ip=ip).result
        bound = arith.ConstantOp(ir.IndexType.get(), k, ip=ip).result
        flag = arith.CmpIOp(predicate, offset, bound, ip=ip).result
        return [arith.ExtUIOp(element, flag, ip=ip).result]

    prim._with_body(op, [element], body)
    return wrap(op.results[0])
