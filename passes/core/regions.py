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
  are stacked as i8 (memrefs of i1 do not lower, see
  test/regressions/lower-memref-of-i1-aborts.mlir).
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
    return elem


def stack_type(type_: ir.Type, count: int) -> ir.Type:
    """tensor<count x shape x elem> for values of `type_` (a scalar or a tensor)."""
    return tensor_type([count] + shape_of(type_), stored_type(type_))


def stack_insert(b: Emitter, value: ir.Value, stack: ir.Value, slot: ir.Value) -> ir.Value:
    """`stack` with `value` written at `slot` of its leading dimension."""
    if stored_type(value.type) != element_type(value.type):
        target = tensor_type(shape_of(value.type), stored_type(value.type)) if shape_of(value.type) else None
        value = arith.extui(target or stored_type(value.type), value, loc=b.location, ip=b.ip)
    shape = shape_of(value.type)
    if not isinstance(value.type, ir.RankedTensorType):
        return tensor.insert(value, stack, [slot], loc=b.location, ip=b.ip)
    rank = len(shape)
    return tensor.insert_slice(
        value,
        stack,
        [slot],
        [],
        [],
        static_offsets=[ir.ShapedType.get_dynamic_size()] + [0] * rank,
        static_sizes=[1] + shape,
        static_strides=[1] * (rank + 1),
        loc=b.location,
        ip=b.ip,
    )


def stack_extract(b: Emitter, stack: ir.Value, slot: ir.Value, type_: ir.Type) -> ir.Value:
    """The value of type `type_` saved at `slot` of `stack`."""
    stored = tensor_type(shape_of(type_), stored_type(type_)) if shape_of(type_) else stored_type(type_)
    if isinstance(type_, ir.RankedTensorType):
        rank = len(shape_of(type_))
        value = tensor.extract_slice(
            stored,
            stack,
            [slot],
            [],
            [],
            static_offsets=[ir.ShapedType.get_dynamic_size()] + [0] * rank,
            static_sizes=[1] + shape_of(type_),
            static_strides=[1] * (rank + 1),
            loc=b.location,
            ip=b.ip,
        )
    else:
        value = tensor.extract(stack, [slot], loc=b.location, ip=b.ip)
    if stored != type_:
        value = arith.trunci(type_, value, loc=b.location, ip=b.ip)
    return value
