"""Primitive emitters: each appends linalg/tensor/arith ops on tensors to the
current trace scope and returns `Tracer`s.

These take operands that are already `Tracer`s with the shapes and dtypes the
op needs (broadcasting and promotion are done by `lintra.numpy`), and they do
no checking of user input. The IR stays on tensors: elementwise ops are arith
or math ops applied to ranked tensors, reductions are `linalg.reduce`,
contractions are `linalg.matmul`/`matvec`/`vecmat`/`dot` or a
`linalg.generic`, data movement is `linalg.broadcast`/`transpose` and
`tensor.collapse_shape`/`expand_shape`/`extract_slice`/`concat`. Bool arrays
are i8 tensors; comparisons produce i1 and are widened to i8 at once.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor

from . import dtypes
from .tracing import Tracer, build, wrap

# Ordered float predicates (false on NaN), except "ne" (unordered: true on NaN), as in NumPy.
CMPF = {
    "eq": arith.CmpFPredicate.OEQ,
    "gt": arith.CmpFPredicate.OGT,
    "ge": arith.CmpFPredicate.OGE,
    "lt": arith.CmpFPredicate.OLT,
    "le": arith.CmpFPredicate.OLE,
    "ne": arith.CmpFPredicate.UNE,
}
CMPI = {
    "eq": arith.CmpIPredicate.eq,
    "ne": arith.CmpIPredicate.ne,
    "lt": arith.CmpIPredicate.slt,
    "le": arith.CmpIPredicate.sle,
    "gt": arith.CmpIPredicate.sgt,
    "ge": arith.CmpIPredicate.sge,
}


def tensor_type(shape, dtype) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(list(shape), dtypes.element_type(dtype))


def i64_array(values) -> ir.Attribute:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


def constant(array, dtype=None, weak: bool = False) -> Tracer:
    """An `arith.constant` holding numpy `array` (a splat when all elements are equal)."""
    array = np.asarray(array, dtype=dtype)
    dtype = dtypes.canonical_dtype(array.dtype, "constant")
    storage = array.astype(np.int8) if dtypes.is_bool(dtype) else array
    type_ = tensor_type(array.shape, dtype)
    element = dtypes.element_type(dtype)
    flat = storage.reshape(-1)
    if flat.size and np.array_equal(flat, np.full_like(flat, flat[0]), equal_nan=dtypes.is_floating(dtype)):
        scalar = (
            ir.FloatAttr.get(element, float(flat[0]))
            if dtypes.is_floating(dtype)
            else ir.IntegerAttr.get(element, int(flat[0]))
        )
        attr = ir.DenseElementsAttr.get_splat(type_, scalar)
    else:
        attr = ir.DenseElementsAttr.get(np.ascontiguousarray(storage), type=element)
    return wrap(build(arith.ConstantOp, type_, attr).result, weak)


def full(shape, value, dtype, weak: bool = False) -> Tracer:
    return constant(np.full(tuple(shape), value, dtype=dtype), weak=weak)


def retag(x: Tracer, weak: bool) -> Tracer:
    """`x` with a different weak-type flag (no IR)."""
    return x if x.weak == weak else Tracer(x.value, x.scope, weak)


def convert(x: Tracer, dtype, weak: bool = False) -> Tracer:
    """`x` converted to `dtype` (C casts: float->int truncates, nonzero->True)."""
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return retag(x, weak)
    src, dst = x.dtype, dtype
    if dtypes.is_bool(dst):
        return compare("ne", x, full(x.shape, 0, src))
    if dtypes.is_floating(src) and dtypes.is_floating(dst):
        op_class = arith.ExtFOp if dst.itemsize > src.itemsize else arith.TruncFOp
    elif dtypes.is_floating(dst):
        op_class = arith.UIToFPOp if dtypes.is_bool(src) else arith.SIToFPOp
    elif dtypes.is_floating(src):
        op_class = arith.FPToSIOp
    elif dtypes.is_bool(src):
        op_class = arith.ExtUIOp
    else:
        op_class = arith.ExtSIOp if dst.itemsize > src.itemsize else arith.TruncIOp
    return wrap(build(op_class, tensor_type(x.shape, dst), x).result, weak)


def stop_gradient(x: Tracer) -> Tracer:
    """`x` with a zero derivative: a float tensor bitcast to integers and back
    (`arith.bitcast` has no tangent), as jax.lax.stop_gradient."""
    if not dtypes.is_floating(x.dtype):
        return x
    bits = ir.IntegerType.get_signless(x.dtype.itemsize * 8)
    as_bits = build(arith.BitcastOp, ir.RankedTensorType.get(list(x.shape), bits), x).result
    return wrap(build(arith.BitcastOp, tensor_type(x.shape, x.dtype), as_bits).result, x.weak)


def elementwise(op_class, *xs: Tracer, weak: bool = False) -> Tracer:
    """The arith or math op `op_class` (its builder) applied to same-shaped, same-dtype tensors."""
    return wrap(build(op_class, *xs).result, weak)


def to_i1(condition: Tracer) -> ir.Value:
    """A bool (i8) tensor as a tensor of i1, for arith.select."""
    zero = full(condition.shape, 0, dtypes.BOOL)
    return build(arith.CmpIOp, CMPI["ne"], condition, zero).result


def compare(kind: str, x: Tracer, y: Tracer) -> Tracer:
    """Elementwise comparison of same-shaped, same-dtype tensors; a bool tensor."""
    if dtypes.is_floating(x.dtype):
        flags = build(arith.CmpFOp, CMPF[kind], x, y).result
    else:
        flags = build(arith.CmpIOp, CMPI[kind], x, y).result
    return wrap(build(arith.ExtUIOp, tensor_type(x.shape, dtypes.BOOL), flags).result)


def select(condition: Tracer, x: Tracer, y: Tracer, weak: bool = False) -> Tracer:
    """`condition ? x : y` elementwise (all the same shape; x and y the same dtype)."""
    return wrap(build(arith.SelectOp, to_i1(condition), x, y).result, weak)


def _scalar_op(op_class, operands, block_ip) -> ir.Value:
    return op_class(*operands, ip=block_ip).result


def _with_body(op: ir.Operation, element_types, body) -> ir.Operation:
    """Give `op` its single-block region; `body(block_args, ip)` returns the yielded values."""
    block = ir.Block.create_at_start(op.regions[0], list(element_types), [op.location] * len(element_types))
    ip = ir.InsertionPoint(block)
    linalg.YieldOp(body(list(block.arguments), ip), loc=op.location, ip=ip)
    return op


def _empty(shape, dtype) -> ir.Value:
    return build(tensor.EmptyOp, [int(d) for d in shape], dtypes.element_type(dtype)).result


# -- data movement ------------------------------------------------------------


def reshape(x: Tracer, shape) -> Tracer:
    """`x` with a new static shape of the same size (collapse to 1-D, then expand;
    to or from 0-d in one step, with an empty reassociation)."""
    shape = tuple(int(d) for d in shape)
    if shape == x.shape:
        return x
    if x.ndim == 0:
        return _expand(x, [], shape)
    if not shape:
        return _collapse(x, [], shape)
    flat = x if x.ndim == 1 else _collapse(x, [list(range(x.ndim))], (x.size,))
    return flat if len(shape) == 1 else _expand(flat, [list(range(len(shape)))], shape)


def _collapse(x: Tracer, groups, shape) -> Tracer:
    return wrap(
        build(tensor.CollapseShapeOp, tensor_type(shape, x.dtype), x, _reassociation(groups)).result, x.weak
    )


def _expand(x: Tracer, groups, shape) -> Tracer:
    return wrap(
        build(
            tensor.ExpandShapeOp, tensor_type(shape, x.dtype), x, _reassociation(groups), [], i64_array(shape)
        ).result,
        x.weak,
    )


def _reassociation(groups) -> ir.Attribute:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get(
        [ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in group]) for group in groups]
    )


def broadcast_to(x: Tracer, shape) -> Tracer:
    """`x` broadcast to `shape` (numpy rules; the caller checked compatibility)."""
    shape = tuple(shape)
    if x.shape == shape:
        return x
    lead = len(shape) - x.ndim
    kept = [i for i, d in enumerate(x.shape) if d == shape[lead + i]]
    squeezed = reshape(x, [x.shape[i] for i in kept])
    target_dims = {lead + i for i in kept}
    added = [d for d in range(len(shape)) if d not in target_dims]
    op = build(
        linalg.BroadcastOp, [tensor_type(shape, x.dtype)], squeezed, _empty(shape, x.dtype), i64_array(added)
    )
    element = dtypes.element_type(x.dtype)
    _with_body(op, [element, element], lambda args, ip: [args[0]])
    return wrap(op.results[0], x.weak)


def transpose(x: Tracer, permutation) -> Tracer:
    permutation = [int(p) for p in permutation]
    if permutation == list(range(x.ndim)):
        return x
    shape = [x.shape[p] for p in permutation]
    op = build(
        linalg.TransposeOp, [tensor_type(shape, x.dtype)], x, _empty(shape, x.dtype), i64_array(permutation)
    )
    element = dtypes.element_type(x.dtype)
    _with_body(op, [element, element], lambda args, ip: [args[0]])
    return wrap(op.results[0], x.weak)


def extract_slice(x: Tracer, offsets, sizes, strides) -> Tracer:
    if list(offsets) == [0] * x.ndim and tuple(sizes) == x.shape:
        return x
    return wrap(
        build(
            tensor.ExtractSliceOp,
            tensor_type(sizes, x.dtype),
            x,
            [],
            [],
            [],
            i64_array(offsets),
            i64_array(sizes),
            i64_array(strides),
        ).result,
        x.weak,
    )


def concatenate(xs: list, axis: int) -> Tracer:
    """Same-dtype tensors joined along `axis` (other dims equal)."""
    if len(xs) == 1:
        return xs[0]
    shape = list(xs[0].shape)
    shape[axis] = sum(x.shape[axis] for x in xs)
    return wrap(
        build(tensor.ConcatOp, tensor_type(shape, xs[0].dtype), axis, list(xs)).result,
        all(x.weak for x in xs),
    )


# -- reductions and contractions ------------------------------------------------

REDUCERS = {  # kind -> (float op, integer op, identity(dtype))
    "add": (arith.AddFOp, arith.AddIOp, lambda dtype: 0),
    "mul": (arith.MulFOp, arith.MulIOp, lambda dtype: 1),
    "max": (
        arith.MaximumFOp,
        arith.MaxSIOp,
        lambda dtype: (
            -np.inf if dtypes.is_floating(dtype) else (0 if dtypes.is_bool(dtype) else np.iinfo(dtype).min)
        ),
    ),
    "min": (
        arith.MinimumFOp,
        arith.MinSIOp,
        lambda dtype: (
            np.inf if dtypes.is_floating(dtype) else (1 if dtypes.is_bool(dtype) else np.iinfo(dtype).max)
        ),
    ),
}


def reduce(x: Tracer, axes, kind: str) -> Tracer:
    """`linalg.reduce` of `x` over `axes` with an add/mul/max/min body, starting
    from the reduction's identity (a max or min from -inf or inf, which the JVP
    rule does not count among the entries that attain the extremum)."""
    axes = sorted(set(axes))
    if not axes:
        return x
    float_op, int_op, identity = REDUCERS[kind]
    op_class = float_op if dtypes.is_floating(x.dtype) else int_op
    shape = [d for i, d in enumerate(x.shape) if i not in axes]
    init = full(shape, identity(x.dtype), x.dtype)
    op = build(linalg.ReduceOp, [tensor_type(shape, x.dtype)], [x], [init], i64_array(axes))
    element = dtypes.element_type(x.dtype)
    _with_body(op, [element, element], lambda args, ip: [_scalar_op(op_class, args, ip)])
    return wrap(op.results[0], x.weak)


def _affine_maps(n_dims: int, maps) -> ir.Attribute:
    return ir.ArrayAttr.get(
        [
            ir.AffineMapAttr.get(ir.AffineMap.get(n_dims, 0, [ir.AffineDimExpr.get(d) for d in dims]))
            for dims in maps
        ]
    )


NAMED_CONTRACTIONS = {  # (x rank, y rank) -> (op, (n_dims, maps) or None when implicit)
    (1, 1): (linalg.DotOp, None),
    (2, 1): (linalg.MatvecOp, None),
    (1, 2): (linalg.VecmatOp, None),
    (2, 2): (linalg.MatmulOp, (3, [[0, 2], [2, 1], [0, 1]])),
}


def contract(x: Tracer, y: Tracer, x_dims, y_dims, out_dims, n_dims: int, named: bool = False) -> Tracer:
    """out[out_dims] = sum over the other loop dims of x[x_dims] * y[y_dims].

    Dims are loop-dimension positions (projected permutations). With `named`,
    the op is the named linalg op for (x.ndim, y.ndim) in NAMED_CONTRACTIONS.
    """
    sizes = {}
    for dims, shape in ((x_dims, x.shape), (y_dims, y.shape)):
        sizes.update(zip(dims, shape, strict=True))
    out_shape = [sizes[d] for d in out_dims]
    init = full(out_shape, 0, x.dtype)
    result_type = tensor_type(out_shape, x.dtype)
    floating = dtypes.is_floating(x.dtype)
    mul, add = (arith.MulFOp, arith.AddFOp) if floating else (arith.MulIOp, arith.AddIOp)
    if named:
        op_class, maps = NAMED_CONTRACTIONS[(x.ndim, y.ndim)]
        extra = {} if maps is None else {"indexing_maps": _affine_maps(*maps)}
        op = build(op_class, [result_type], [x, y], [init], **extra)
    else:
        iterators = [
            linalg.IteratorType.parallel if d in out_dims else linalg.IteratorType.reduction
            for d in range(n_dims)
        ]
        op = build(
            linalg.GenericOp,
            [result_type],
            [x, y],
            [init],
            _affine_maps(n_dims, [x_dims, y_dims, out_dims]),
            iterators,
        )
    element = dtypes.element_type(x.dtype)
    _with_body(
        op, [element] * 3, lambda args, ip: [_scalar_op(add, [args[2], _scalar_op(mul, args[:2], ip)], ip)]
    )
    return wrap(op.results[0], x.weak and y.weak)
