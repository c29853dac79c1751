"""Building blocks for the AD of ops with regions (scf.for, scf.if, scf.while, ...).

* `jvp_block` re-emits a region body followed by its tangent ops (as `jvp_ops`
  does for a function body) and returns the primal and tangent values of its
  terminator's operands.
* `until_stable` runs a builder on an activity pattern (which carried values or
  results have a tangent) and grows the pattern until the built op's terminators
  produce no tangent outside it: a carried value gets a tangent only if its
  initial value or a value yielded for it can be non-zero (JAX's fixed point for
  while and scan). Tangents that stay zero through a loop stay symbolic.
* Residual stacks: a loop's forward half saves a per-iteration value `v` into
  slot k of a tensor with a leading trip-count dimension (`stack_type`,
  `stack_insert`); its linear half reads it back (`stack_extract`). i1 values
  are stacked as i8 (bool's layout in memory, which the lowerings give memrefs
  of i1 anyway: test/regressions/lower-memref-of-i1-aborts.mlir), index values
  as i64.
"""

from __future__ import annotations

from typing import Callable

from mlir import ir
from mlir.dialects import arith, tensor

from .emit import Emitter, element_type, shape_of, tensor_type
from .jvp import jvp_ops


def jvp_block(b: Emitter, block: ir.Block, primal_map: dict, tangent_map: dict) -> tuple[list, list]:
    """Emit the JVP of `block`'s ops (not its terminator) at `b`; return the
    (primal values, tangents or None) of the terminator's operands."""
    operations = list(block.operations)
    jvp_ops(b, operations[:-1], primal_map, tangent_map)
    outputs = list(operations[-1].operands)
    return [primal_map.get(v, v) for v in outputs], [tangent_map.get(v) for v in outputs]


def until_stable(build: Callable, assumed: list[bool]) -> tuple[ir.Operation, list[bool]]:
    """(op, activity): `build(activity) -> (op, observed)` emits an op assuming
    `activity` and reports which positions its terminators gave a non-zero
    tangent; the op is rebuilt with a grown activity until nothing new appears."""
    assumed = list(assumed)
    while True:
        op, observed = build(assumed)
        grown = [a or o for a, o in zip(assumed, observed, strict=True)]
        if grown == assumed:
            return op, assumed
        op.erase()
        assumed = grown


def pick(values, flags) -> list:
    """The values whose flag is set."""
    return [v for v, flag in zip(values, flags, strict=True) if flag]


def block_arg_locations(location: ir.Location, types) -> list[ir.Location]:
    return [location] * len(list(types))


# -- residual stacks -------------------------------------------------------------


def stored_type(type_: ir.Type) -> ir.Type:
    """The element type a value of `type_` is stacked as (i1 becomes i8)."""
    elem = element_type(type_)
    if isinstance(elem, ir.IntegerType) and elem.width == 1:
        return ir.IntegerType.get_signless(8)
    if isinstance(elem, ir.IndexType):  # IREE 3.13 cannot distribute tensors of index
        return ir.IntegerType.get_signless(64)
    return elem


def convert(b: Emitter, value: ir.Value, elem: ir.Type) -> ir.Value:
    """`value`, a scalar or a tensor, with its elements converted between their
    type and their stored type `elem` (i1 <-> i8, index <-> i64)."""
    source = element_type(value.type)
    target = tensor_type(shape_of(value.type), elem) if isinstance(value.type, ir.ShapedType) else elem
    if isinstance(source, ir.IndexType) or isinstance(elem, ir.IndexType):
        return arith.index_cast(target, value, loc=b.location, ip=b.ip)
    if ir.IntegerType(source).width < ir.IntegerType(elem).width:
        return arith.extui(target, value, loc=b.location, ip=b.ip)
    return arith.trunci(target, value, loc=b.location, ip=b.ip)


def stack_type(type_: ir.Type, count: int, group: int) -> ir.Type:
    """The stack of `group` values of `type_` per iteration, for `count`
    iterations: tensor<count x group x shape x elem> for tensors, and a flat
    tensor<(count * group) x elem> for scalars (IREE 3.13 writes past a scalar
    `tensor.insert` into the last dimension of a loop-carried 2-d tensor, see
    test/iree/upstream-loop-insert-into-2d.mlir)."""
    if isinstance(type_, ir.RankedTensorType):
        return tensor_type([count, group] + shape_of(type_), stored_type(type_))
    return tensor_type([count * group], stored_type(type_))


def group_by_type(values) -> dict:
    """{type: [values of that type]}, in first-seen order. Residuals of one type
    share a stack: IREE 3.13 gives wrong results when one value initializes two
    iter_args of a loop (as equal `tensor.empty`s do once CSE merges them), see
    test/iree/upstream-shared-iter-arg-init.mlir."""
    groups: dict = {}
    for value in values:
        groups.setdefault(value.type, []).append(value)
    return groups


def slice_position(b: Emitter, slot: ir.Value, member: int, type_: ir.Type):
    """Offsets, sizes and strides of member `member` of iteration `slot`."""
    rank = len(shape_of(type_))
    return dict(
        offsets=[slot],
        sizes=[],
        strides=[],
        static_offsets=[ir.ShapedType.get_dynamic_size(), member] + [0] * rank,
        static_sizes=[1, 1] + shape_of(type_),
        static_strides=[1] * (rank + 2),
        loc=b.location,
        ip=b.ip,
    )


def flat_index(b: Emitter, slot: ir.Value, member: int, group: int) -> ir.Value:
    """slot * group + member: the position of a scalar in its flat stack."""
    scaled = arith.muli(slot, b.index(group), loc=b.location, ip=b.ip)
    return arith.addi(scaled, b.index(member), loc=b.location, ip=b.ip)


def stack_insert(
    b: Emitter, value: ir.Value, stack: ir.Value, slot: ir.Value, member: int, group: int
) -> ir.Value:
    """`stack` with `value` written as member `member` (of `group`) of iteration `slot`."""
    type_ = value.type
    if stored_type(type_) != element_type(type_):
        value = convert(b, value, stored_type(type_))
    if not isinstance(type_, ir.RankedTensorType):
        return tensor.insert(value, stack, [flat_index(b, slot, member, group)], loc=b.location, ip=b.ip)
    return tensor.insert_slice(value, stack, **slice_position(b, slot, member, type_))


def stack_extract(
    b: Emitter, stack: ir.Value, slot: ir.Value, member: int, group: int, type_: ir.Type
) -> ir.Value:
    """The value of type `type_` saved as member `member` (of `group`) of iteration `slot`."""
    if isinstance(type_, ir.RankedTensorType):
        stored = tensor_type(shape_of(type_), stored_type(type_))
        value = tensor.extract_slice(stored, stack, **slice_position(b, slot, member, type_))
    else:
        stored = stored_type(type_)
        value = tensor.extract(stack, [flat_index(b, slot, member, group)], loc=b.location, ip=b.ip)
    if stored != type_:
        value = convert(b, value, element_type(type_))
    return value
