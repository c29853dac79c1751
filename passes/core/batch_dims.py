"""IR building blocks of batching: values with a batch dimension.

A batched value is a `Batched(value, dim)`: `value` is the new IR value and
`dim` the position of its batch dimension (None: unbatched, the same for every
member of the batch). A batched scalar `f64` is a `tensor<B x f64>` with dim 0;
a batched `tensor<4x3xf64>` at dim 1 is a `tensor<4xBx3xf64>`.

The helpers move a batch dimension (`move_dim`, a linalg.transpose), give an
unbatched value one (`materialize`, a linalg.fill or linalg.broadcast), and
re-create an op with new operands and result types, its regions copied
(`recreate`), which is how most batching rules build the batched op.
"""

from __future__ import annotations

from typing import NamedTuple

from mlir import ir
from mlir.dialects import arith, linalg

from ..diagnostics import LintraError
from .emit import Emitter, clone_op, element_type, shape_of, tensor_type
from .structured import empty, with_body


class Batched(NamedTuple):
    value: ir.Value
    dim: int | None


def batched_type(type_: ir.Type, size: int, dim: int = 0) -> ir.Type:
    """`type_` (a scalar or ranked tensor) with a batch dimension of `size` at `dim`."""
    shape = shape_of(type_)
    return tensor_type(shape[:dim] + [size] + shape[dim:], element_type(type_))


def unbatched_type(type_: ir.Type, dim: int) -> ir.Type:
    """`type_` without its dimension `dim` (a 0-d tensor when none is left)."""
    shape = shape_of(type_)
    return tensor_type(shape[:dim] + shape[dim + 1 :], element_type(type_))


def move_dim(b: Emitter, x: Batched, to: int) -> ir.Value:
    """`x.value` with its batch dim moved to position `to` (x must be batched)."""
    if x.dim == to:
        return x.value
    rank = len(shape_of(x.value.type))
    order = [d for d in range(rank) if d != x.dim]
    order.insert(to, x.dim)
    shape = shape_of(x.value.type)
    init = empty(b, tensor_type([shape[d] for d in order], element_type(x.value.type)))
    op = linalg.TransposeOp([init.type], x.value, init, order, loc=b.location, ip=b.ip)
    return with_body(b, op, [x.value], [init], lambda inner, args: [args[0]])[0]


def materialize(b: Emitter, x: Batched, size: int, to: int = 0) -> ir.Value:
    """`x.value` with its batch dim at `to`; an unbatched value is broadcast."""
    if x.dim is not None:
        return move_dim(b, x, to)
    target = batched_type(x.value.type, size, to)
    owner = x.value.owner
    if not isinstance(owner, ir.Block):  # a bigger tensor.empty or splat constant will do
        owner = owner.operation
        if owner.name == "tensor.empty" and len(owner.operands) == 0:
            return empty(b, target)
        splat = splat_attribute(owner, target)
        if splat is not None:
            return arith.ConstantOp(target, splat, loc=b.location, ip=b.ip).result
    init = empty(b, target)
    if not isinstance(x.value.type, ir.ShapedType):
        op = linalg.FillOp([target], [x.value], [init], loc=b.location, ip=b.ip)
        return with_body(b, op, [x.value], [init], lambda inner, args: [args[0]])[0]
    op = linalg.BroadcastOp([target], x.value, init, [to], loc=b.location, ip=b.ip)
    return with_body(b, op, [x.value], [init], lambda inner, args: [args[0]])[0]


def splat_attribute(op: ir.Operation, target: ir.Type):
    """The splat constant of type `target` with the value of constant `op`, if it is a
    scalar or splat constant (else None)."""
    if op.name != "arith.constant":
        return None
    value = op.attributes["value"]
    if isinstance(value, (ir.FloatAttr, ir.IntegerAttr)):
        return ir.DenseElementsAttr.get_splat(target, value)
    if isinstance(value, ir.DenseElementsAttr) and value.is_splat:
        return ir.DenseElementsAttr.get_splat(target, value.get_splat_value())
    return None


def common_dim(args) -> int | None:
    """The batch dim of the first batched value of `args` (None if none is)."""
    return next((a.dim for a in args if a.dim is not None), None)


def attributes_of(op: ir.Operation) -> dict:
    return {name: op.attributes[name] for name in op.attributes}


def recreate(
    b: Emitter,
    op: ir.Operation,
    operands,
    result_types,
    attributes: dict | None = None,
    body_fix=None,
    leading_index_args: int = 0,
    name: str | None = None,
    keep_attributes: bool = True,
) -> ir.Operation:
    """A new op named `name` (default: like `op`) with `operands`, `result_types` and
    `op`'s attributes updated by `attributes`; each region is copied block by block
    (block argument types unchanged, after `leading_index_args` new `index`
    arguments: tensor.pad's body takes one per dim), and `body_fix(old_op, new_op)`
    may rewrite each copied body op (linalg.index dims shift in a batched generic).
    Without `keep_attributes`, only `attributes` are set (a named op made generic)."""
    attrs = attributes_of(op) if keep_attributes else {}
    attrs.update(attributes or {})
    new = ir.Operation.create(
        name or op.name,
        results=list(result_types),
        operands=list(operands),
        attributes=attrs,
        regions=len(op.regions),
        loc=b.location,
        ip=b.ip,
    )
    for old_region, new_region in zip(op.regions, new.regions, strict=True):
        for block in old_region.blocks:
            types = [ir.IndexType.get()] * leading_index_args + [a.type for a in block.arguments]
            copy = ir.Block.create_at_start(new_region, types, [b.location] * len(types))
            # Values the body captures from outside map through the emitter's scope.
            mapping = dict(b.scope)
            mapping.update(zip(block.arguments, list(copy.arguments)[leading_index_args:], strict=True))
            ip = ir.InsertionPoint(copy)
            for inner in block.operations:
                inner = inner.operation
                cloned = clone_op(inner, mapping, ip)
                if body_fix is not None:
                    body_fix(inner, cloned)
                mapping.update(zip(inner.results, cloned.results, strict=True))
    return new


def check_unbatched(op: ir.Operation, args, positions, what: str) -> None:
    """A located error if any of `args[positions]` is batched (an index, a size)."""
    for i in positions:
        if args[i].dim is not None:
            raise LintraError.at(op, f"cannot be batched: its {what} (operand #{i}) differs across the batch")


def shift_map(affine_map: ir.AffineMap, batched: bool) -> ir.AffineMap:
    """`affine_map` with a new loop dim 0 in front (its dims shift by one), which it
    reads as its first result when `batched`."""
    n_dims = affine_map.n_dims
    results = [expr.shift_dims(n_dims, 1) for expr in affine_map.results]
    first = [ir.AffineDimExpr.get(0)] if batched else []
    return ir.AffineMap.get(n_dims + 1, affine_map.n_symbols, first + results)


def shift_index(old: ir.Operation, new: ir.Operation) -> None:
    """A linalg.index of a body copied into a batched linalg.generic: one dim further."""
    if new.name == "linalg.index":
        dim = ir.IntegerAttr(old.attributes["dim"]).value
        new.attributes["dim"] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), dim + 1)


PARALLEL_ATTR = "#linalg.iterator_type<parallel>"


def batch_structured(b: Emitter, op, args, size: int, maps, iterators, n_inputs: int) -> list[Batched]:
    """Structured op `op` (a linalg.generic, or a named op with `maps` and
    `iterators` as attributes) batched as a linalg.generic with one more parallel
    loop, dim 0: batched inputs and every output (broadcast if unbatched) get the
    batch dim first; unbatched inputs are read as they are, by every batch member.
    The op's scalar body is copied, with linalg.index dims shifted."""
    operands, new_maps = [], []
    for i, (arg, affine_map) in enumerate(zip(args, maps, strict=True)):
        batched = arg.dim is not None or i >= n_inputs
        operands.append(materialize(b, arg, size, 0) if batched else arg.value)
        new_maps.append(ir.AffineMapAttr.get(shift_map(affine_map, batched)))
    attributes = {
        "indexing_maps": ir.ArrayAttr.get(new_maps),
        "iterator_types": ir.ArrayAttr.get([ir.Attribute.parse(PARALLEL_ATTR), *iterators]),
        "operandSegmentSizes": ir.DenseI32ArrayAttr.get([n_inputs, len(args) - n_inputs]),
    }
    types = [batched_type(r.type, size) for r in op.results]
    new = recreate(
        b, op, operands, types, attributes, shift_index, name="linalg.generic", keep_attributes=False
    )
    return [Batched(r, 0) for r in new.results]
