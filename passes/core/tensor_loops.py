"""Building blocks for algorithms written as scf loops over tensors.

`extract`/`insert` are tensor.extract_slice/insert_slice with offsets that are
ints or index values (sizes static, so every tensor keeps a static shape),
`loop` an scf.for carrying tensors, `per_matrix` applies a function of single
matrices (or vectors) to every element of leading batch dimensions, and
`generic2d` builds an elementwise linalg.generic over a matrix whose body sees
the row and column indices.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, scf, tensor

from .emit import Emitter, element_type, shape_of, tensor_type
from .structured import PARALLEL, build_generic, empty

DYNAMIC = ir.ShapedType.get_dynamic_stride_or_offset()


def _split(offsets):
    dynamic = [o for o in offsets if isinstance(o, ir.Value)]
    static = [DYNAMIC if isinstance(o, ir.Value) else int(o) for o in offsets]
    return dynamic, static


def _whole(x, offsets, sizes) -> bool:
    """Whether the slice at `offsets` of `sizes` is all of `x`."""
    at_origin = all(not isinstance(o, ir.Value) and o == 0 for o in offsets)
    return at_origin and list(sizes) == shape_of(x.type)


def extract(b: Emitter, x, offsets, sizes, shape=None) -> ir.Value:
    """x[offsets : offsets + sizes], of shape `shape` (default `sizes`; drop unit dims to
    rank-reduce); `x` itself when that is all of it."""
    if _whole(x, offsets, sizes) and (shape is None or list(shape) == list(sizes)):
        return x
    dynamic, static = _split(offsets)
    result = tensor_type(sizes if shape is None else shape, element_type(x.type))
    return tensor.ExtractSliceOp(
        result, x, dynamic, [], [], static, list(sizes), [1] * len(sizes), loc=b.location, ip=b.ip
    ).result


def insert(b: Emitter, source, dest, offsets, sizes=None) -> ir.Value:
    """`dest` with `source` written at `offsets` (sizes default to source's shape);
    `source` itself when it covers all of `dest`."""
    sizes = shape_of(source.type) if sizes is None else list(sizes)
    if _whole(dest, offsets, sizes) and source.type == dest.type:
        return source
    dynamic, static = _split(offsets)
    return tensor.InsertSliceOp(
        source, dest, dynamic, [], [], static, sizes, [1] * len(sizes), loc=b.location, ip=b.ip
    ).result


def scalar(b: Emitter, x, indices) -> ir.Value:
    return tensor.extract(x, list(indices), loc=b.location, ip=b.ip)


def put(b: Emitter, value, x, indices) -> ir.Value:
    return tensor.insert(value, x, list(indices), loc=b.location, ip=b.ip)


def loop(b: Emitter, count: int, inits, body) -> list[ir.Value]:
    """scf.for i in [0, count) carrying `inits`; `body(inner, i, carried)` returns the next values."""
    op = scf.ForOp(b.index(0), b.index(count), b.index(1), list(inits), loc=b.location, ip=b.ip)
    inner = b.nested(ir.InsertionPoint(op.body))
    scf.YieldOp(body(inner, op.induction_variable, list(op.inner_iter_args)), loc=b.location, ip=inner.ip)
    return list(op.results)


def cmpi(b: Emitter, predicate: str, x, y) -> ir.Value:
    return arith.cmpi(arith.CmpIPredicate[predicate], x, y, loc=b.location, ip=b.ip)


def index_to(b: Emitter, value, type_: ir.Type) -> ir.Value:
    return arith.index_cast(type_, value, loc=b.location, ip=b.ip)


def generic2d(b: Emitter, ins_and_dims, out_type: ir.Type, body) -> ir.Value:
    """An elementwise linalg.generic producing a matrix of `out_type`.

    `ins_and_dims` lists (tensor, dims) pairs, dims being which of (row 0,
    column 1) index the tensor ([0, 1] a matrix, [0] a column vector, [1] a row
    vector, [] a 0-d tensor); `body(inner, row, col, scalars)` returns the value.
    """
    ins = [value for value, _ in ins_and_dims]
    maps = [list(dims) for _, dims in ins_and_dims] + [[0, 1]]

    def scalar_body(inner, args):
        row = linalg.IndexOp(0, loc=inner.location, ip=inner.ip).result
        col = linalg.IndexOp(1, loc=inner.location, ip=inner.ip).result
        return [body(inner, row, col, args[: len(ins)])]

    return build_generic(b, ins, [empty(b, out_type)], maps, 2, [PARALLEL, PARALLEL], scalar_body)[0]


def _reassociation(batch: int, rank: int) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    groups = [list(range(batch))] + [[d] for d in range(batch, rank)]
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in g]) for g in groups])


def per_matrix(b: Emitter, operands, core_ranks, result_types, result_core_ranks, fn) -> list[ir.Value]:
    """`fn(b, *unbatched operands) -> unbatched results`, applied to each element
    of the leading batch dimensions (the dims before the last `core_ranks[i]` of
    operand i, the same for all), in an scf.for over their product."""
    batch_shape = shape_of(operands[0].type)[: len(shape_of(operands[0].type)) - core_ranks[0]]
    if not batch_shape:
        return fn(b, *operands)
    count = 1
    for d in batch_shape:
        count *= d
    batch = len(batch_shape)

    def flat(type_, core):
        return tensor_type([count] + shape_of(type_)[batch:], element_type(type_))

    def collapse(value, core):
        if batch == 1:
            return value
        return tensor.CollapseShapeOp(
            flat(value.type, core), value, _reassociation(batch, batch + core), loc=b.location, ip=b.ip
        ).result

    flat_operands = [collapse(v, c) for v, c in zip(operands, core_ranks, strict=True)]
    inits = [empty(b, flat(t, c)) for t, c in zip(result_types, result_core_ranks, strict=True)]

    def step(inner, i, carried):
        pieces = [
            extract(inner, v, [i] + [0] * c, [1] + shape_of(v.type)[1:], shape_of(v.type)[1:])
            for v, c in zip(flat_operands, core_ranks, strict=True)
        ]
        outs = fn(inner, *pieces)
        return [
            insert(inner, out, acc, [i] + [0] * c, [1] + shape_of(out.type))
            for out, acc, c in zip(outs, carried, result_core_ranks, strict=True)
        ]

    results = loop(b, count, inits, step)
    if batch == 1:
        return results
    return [
        tensor.ExpandShapeOp(
            t, r, _reassociation(batch, batch + c), [], shape_of(t), loc=b.location, ip=b.ip
        ).result
        for r, t, c in zip(results, result_types, result_core_ranks, strict=True)
    ]
