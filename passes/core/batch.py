"""Batching (vmap): expand `lintra.vmap` into a call of a batched function.

    %y = "lintra.vmap"(%xs, %w) {callee = @f, in_axes = array<i64: 1, -1>,
                                  out_axes = array<i64: 0>, axis_size = 8}
      -> %xs0 = linalg.transpose %xs (batch dim 1 to the front)
         %y = call @f_batched(%xs0, %w)    (@f_batched: @f on a batch, dim 0)

Contract: `batch_function(ad, f, batched, size)` creates (once per `f`,
pattern of batched arguments and size) a private function taking each argument
marked in `batched` with a leading batch dimension of `size` (a scalar becomes a
`tensor<size x T>`), the others as they are; `ad.batched_results[name]` says which
of its results carry the batch dimension (first); the others are the same for
every member of the batch. Inside, each op of @f is re-emitted by its batching
rule (`tables.BATCH_RULES`, filled by `lintra.passes.rules`) when one of its
operands is batched, and cloned otherwise. An op with a batched operand and no
rule is an error at its location (with the reason, for `NOT_BATCHABLE` ops).
Region ops of `BATCH_CAPTURING` (scf) go to their rule also when their regions
read a batched value from outside; the rule batches each body with `batch_block`.

Axes: `in_axes[i]` is the dimension of operand i that is mapped, or -1 for an
unbatched operand; `out_axes[j]` is where result j gets the batch dimension
(-1: unbatched; an error if it depends on a batched operand).
"""

from __future__ import annotations

from mlir import ir

from ..diagnostics import LintraError
from .ad_state import (
    AdState,
    call_function,
    callee_of,
    emit_return,
    function_name,
    function_type,
    linear_arg_positions,
)
from .batch_dims import Batched, batched_type, materialize, move_dim
from .emit import Emitter, check_static, type_list, used_values
from .tables import BATCH_CAPTURING, BATCH_RULES, NOT_BATCHABLE


def batch_ops(b: Emitter, ops, values: dict, dims: dict, size: int) -> None:
    """Re-emit `ops` at `b`: `values` maps old values to new ones, `dims` old values
    to the batch dim of their new value (absent: unbatched). An op whose regions
    read a batched value from outside goes to its rule (ops of `BATCH_CAPTURING`,
    whose rules batch their regions with `batch_block`), even if its operands
    are not batched."""
    b.scope, b.batch_dims = values, dims
    for op in ops:
        op = op.operation
        b.location = op.location
        captured = used_values(op)[len(op.operands) :]
        args = [Batched(values.get(v, v), dims.get(v)) for v in op.operands]
        captures_batched = any(dims.get(v) is not None for v in captured)
        if captures_batched and op.name not in BATCH_CAPTURING:
            raise LintraError.at(
                op, "uses a batched value defined outside its region; pass it as an operand instead"
            )
        if all(a.dim is None for a in args) and not captures_batched:
            new = b.clone(op, values)
            values.update(zip(op.results, new.results, strict=True))
            continue
        rule = BATCH_RULES.get(op.name)
        if rule is None:
            reason = NOT_BATCHABLE.get(op.name, f"no batching rule for '{op.name}'")
            raise LintraError.at(op, f"cannot be batched (vmap): {reason}")
        for value in list(op.operands) + list(op.results):
            check_static(value, op)
        results = rule(b, op, args, size)
        for old, new in zip(op.results, results, strict=True):
            values[old] = new.value
            if new.dim is not None:
                dims[old] = new.dim


def batch_block(b: Emitter, block: ir.Block, args, size: int) -> list[Batched]:
    """Batch the ops of region block `block` (not its terminator) at `b`, its
    arguments bound to `args` (`Batched`); the values it reads from outside map
    through `b.scope` and `b.batch_dims` (those of the op's rule). Returns the
    terminator's operands, batched. The caller emits the terminator."""
    values, dims = dict(b.scope), dict(b.batch_dims)
    for arg, new in zip(block.arguments, args, strict=True):
        values[arg] = new.value
        if new.dim is not None:
            dims[arg] = new.dim
    operations = list(block.operations)
    batch_ops(Emitter(b.ip, b.location, b.ad), operations[:-1], values, dims, size)
    return [Batched(values.get(v, v), dims.get(v)) for v in operations[-1].operands]


def batch_function(
    ad: AdState, source: ir.Operation, batched: tuple[bool, ...], size: int, all_batched: bool = False
) -> str:
    """The name of `source` batched on the arguments marked in `batched` (see the
    module doc); with `all_batched` every result carries the batch dimension."""
    name = function_name(source)
    key = (name, batched, size, all_batched)
    if key in ad.batch_cache:
        return ad.batch_cache[key]
    if all_batched:  # the plain batched function will do if all its results are batched
        plain = batch_function(ad, source, batched, size)
        if all(ad.batched_results[plain]):
            ad.batch_cache[key] = plain
            return plain
    ad.enter(source, "batch")
    inputs = list(function_type(source).inputs)
    arg_types = [batched_type(t, size) if on else t for t, on in zip(inputs, batched, strict=True)]
    function, entry = ad.new_function(
        f"{name}_batched", arg_types, [], source.location, set(linear_arg_positions(source))
    )
    new_name = function_name(function)
    ad.batch_cache[key] = new_name
    block = source.regions[0].blocks[0]
    values = dict(zip(block.arguments, entry.arguments, strict=True))
    dims = {a: 0 for a, on in zip(block.arguments, batched, strict=True) if on}
    b = Emitter(ir.InsertionPoint(entry), source.location, ad)
    operations = list(block.operations)
    batch_ops(b, operations[:-1], values, dims, size)
    terminator = operations[-1]
    b.location = terminator.location
    outs = [Batched(values.get(v, v), dims.get(v)) for v in terminator.operands]
    results = [
        materialize(b, out, size, 0) if out.dim is not None or all_batched else out.value for out in outs
    ]
    emit_return(b.ip, results, terminator.location)
    ad.batched_results[new_name] = tuple(out.dim is not None or all_batched for out in outs)
    function.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get(arg_types, [r.type for r in results])
    )
    ad.leave(source, "batch")
    return new_name


def call_batched(
    b: Emitter, callee: ir.Operation, args, size: int, all_batched: bool = False
) -> list[Batched]:
    """Call `callee` batched: batched `args` (`Batched`) move their dim to the front."""
    pattern = tuple(a.dim is not None for a in args)
    name = batch_function(b.ad, callee, pattern, size, all_batched)
    operands = [move_dim(b, a, 0) if a.dim is not None else a.value for a in args]
    results = call_function(b, name, operands)
    flags = b.ad.batched_results[name]
    return [Batched(r, 0 if on else None) for r, on in zip(results, flags, strict=True)]


def axes_attribute(op: ir.Operation, key: str) -> list[int]:
    """The integers of attribute `key` (`array<i64: ...>` or `[0, -1]`), located errors otherwise."""
    if key not in op.attributes:
        raise LintraError.at(op, f"requires an '{key}' attribute")
    attr = op.attributes[key]
    if isinstance(attr, ir.DenseI64ArrayAttr):
        return list(attr)
    if isinstance(attr, ir.ArrayAttr) and all(isinstance(a, ir.IntegerAttr) for a in attr):
        return [ir.IntegerAttr(a).value for a in attr]
    raise LintraError.at(op, f"requires '{key}' to be an array of integers (array<i64: ...>), not {attr}")


def vmap_axes(op: ir.Operation, inputs, results) -> tuple[list[int], list[int], int]:
    """(in_axes, out_axes, axis_size) of a lintra.vmap op, checked against the
    callee's `inputs` and `results` types (located errors)."""
    in_axes, out_axes = axes_attribute(op, "in_axes"), axes_attribute(op, "out_axes")
    size_attr = op.attributes["axis_size"] if "axis_size" in op.attributes else None
    if not isinstance(size_attr, ir.IntegerAttr) or ir.IntegerAttr(size_attr).value < 1:
        raise LintraError.at(op, "requires a positive integer 'axis_size' attribute")
    size = ir.IntegerAttr(size_attr).value
    for key, axes, types, what in (
        ("in_axes", in_axes, inputs, "argument"),
        ("out_axes", out_axes, results, "result"),
    ):
        if len(axes) != len(types):
            raise LintraError.at(op, f"has {len(axes)} {key} but its callee has {len(types)} {what}s")
        for index, (axis, type_) in enumerate(zip(axes, types, strict=True)):
            rank = len(type_.shape) if isinstance(type_, ir.ShapedType) else 0
            if not -1 <= axis <= rank:
                raise LintraError.at(
                    op,
                    f"has {key}[{index}] = {axis}, out of range for {what} #{index} of type {type_} "
                    f"(expected -1 for unbatched, or 0 to {rank})",
                )
    return in_axes, out_axes, size


def expand_vmap(ad: AdState, op: ir.Operation) -> list[ir.Value]:
    """The values replacing the results of lintra.vmap `op` (see the module doc)."""
    name = callee_of(op)
    callee = ad.lookup(name, op)
    ftype = function_type(callee)
    inputs, outputs = list(ftype.inputs), list(ftype.results)
    in_axes, out_axes, size = vmap_axes(op, inputs, outputs)
    expected_in = [t if a == -1 else batched_type(t, size, a) for t, a in zip(inputs, in_axes, strict=True)]
    expected_out = [
        t if a == -1 else batched_type(t, size, a) for t, a in zip(outputs, out_axes, strict=True)
    ]
    for what, actual, expected in (
        ("operand types", [v.type for v in op.operands], expected_in),
        ("result types", [r.type for r in op.results], expected_out),
    ):
        if [str(t) for t in actual] != [str(t) for t in expected]:
            raise LintraError.at(
                op,
                f"has {what} {type_list(actual)} but @{name} batched by axis_size = {size} "
                f"and the axes requires {type_list(expected)}",
            )
    b = Emitter(ir.InsertionPoint(op), op.location, ad)
    args = [Batched(v, None if a == -1 else a) for v, a in zip(op.operands, in_axes, strict=True)]
    results = []
    for index, (out, axis) in enumerate(zip(call_batched(b, callee, args, size), out_axes, strict=True)):
        if axis == -1:
            if out.dim is not None:
                raise LintraError.at(
                    op,
                    f"has out_axes[{index}] = -1 (unbatched), but result #{index} depends on a "
                    "batched operand",
                )
            results.append(out.value)
        else:
            results.append(materialize(b, out, size, axis))
    return results
