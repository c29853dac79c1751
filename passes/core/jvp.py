"""Forward mode: emit the JVP of a block or of a whole function.

Contract: `jvp_function(ad, f)` creates (once per `f`) a private function

    @f_jvp(primals..., tangents...) -> (results..., result_tangents...)

with one tangent argument per float argument of @f and one tangent result per
float result, such that result_tangents = J_f(primals) . tangents. Inside, each op
of @f is re-emitted followed by its JVP rule's tangent ops (`tables.JVP_RULES`,
filled by `lintra.passes.rules`).
Tangents known to be zero stay symbolic (`None`) and emit nothing; they are
materialized only at the function boundary. A region op reading a value with a
tangent from outside its regions needs a rule in `tables.CAPTURING` (the scf
ops), which receives those tangents; for any other op it is an error.
"""

from __future__ import annotations

from mlir import ir

from ..diagnostics import LintraError
from .ad_state import AdState, emit_return, function_name, function_type
from .emit import Emitter, check_static, holds_floats, is_float, is_float_type, is_static_type, used_values
from .tables import CAPTURING, JVP_RULES, Replaced


def jvp_ops(b: Emitter, ops, primal_map: dict, tangent_map: dict) -> None:
    """Re-emit `ops` at `b` through `primal_map` and record their tangents in `tangent_map`."""
    b.scope = primal_map
    for op in ops:
        op = op.operation
        b.location = op.location
        new = b.clone(op, primal_map)
        for old, value in zip(op.results, new.results, strict=True):
            primal_map[old] = value
        tangents = [tangent_map.get(v) for v in op.operands]
        captured = {
            primal_map.get(v, v): tangent_map[v]
            for v in used_values(op)[len(op.operands) :]
            if tangent_map.get(v) is not None
        }
        if captured and op.name not in CAPTURING:
            raise LintraError.at(
                op, "uses a differentiable value defined outside its region; pass it as an operand instead"
            )
        if all(t is None for t in tangents) and not captured:
            continue
        # Whatever its result types: only the rule tables declare an op
        # non-differentiable (`rules.NON_DIFFERENTIABLE`, through a zero rule).
        rule = JVP_RULES.get(op.name)
        if rule is None:
            raise LintraError.at(op, f"is not supported by lintra: no JVP rule for '{op.name}'")
        if op.name != "tensor.cast":  # casts may pass through dynamic shapes
            for value in list(op.operands) + list(op.results):
                check_static(value, op)
        result = rule(b, new, tangents, captured) if op.name in CAPTURING else rule(b, new, tangents)
        if isinstance(result, Replaced):
            for old, value in zip(op.results, result.primals, strict=True):
                primal_map[old] = value
            new.erase()
            result = result.tangents
        for old, tangent in zip(op.results, result, strict=True):
            if tangent is not None:
                # Dynamic shapes may pass through casts; their users reject them.
                if not differentiable_type(old.type, static=False):
                    raise LintraError.at(op, f"produces a value of type {old.type}, {UNSUPPORTED_TYPE}")
                tangent_map[old] = tangent


UNSUPPORTED_TYPE = (
    "which lintra cannot differentiate: it differentiates float scalars and "
    "statically shaped ranked tensors of floats"
)


def differentiable_type(type_: ir.Type, static: bool = True) -> bool:
    """False for a type that holds floats lintra cannot differentiate: a complex
    number, a vector, a memref, an unranked tensor (or, with `static`, a
    dynamically shaped tensor)."""
    if not holds_floats(type_):
        return True
    return is_float_type(type_) and (is_static_type(type_) or not static)


def check_signature(source: ir.Operation) -> None:
    """Every argument and result of `source` that holds floats must be
    differentiable (error at the argument, or at the return op for a result),
    so that no derivative is silently dropped. A result may have a dynamic shape
    (a `tensor.cast` of a static value); an argument may not."""
    entry = source.regions[0].blocks[0]
    for index, argument in enumerate(entry.arguments):
        if not differentiable_type(argument.type):
            raise LintraError(
                f"argument #{index} of @{function_name(source)} has type {argument.type}, {UNSUPPORTED_TYPE}",
                argument.location,
            )
    terminator = list(entry.operations)[-1]
    for index, type_ in enumerate(function_type(source).results):
        if not differentiable_type(type_, static=False):
            raise LintraError.at(terminator, f"returns result #{index} of type {type_}, {UNSUPPORTED_TYPE}")


def jvp_function(ad: AdState, source: ir.Operation, active: tuple[bool, ...] | None = None) -> str:
    """The name of the JVP function of `source` (generated on first request).

    `active[i]` says whether float argument i has a (possibly non-zero) tangent;
    the JVP function takes tangents for the active ones only (default: all).
    `ad.zero_results[name]` records which result tangents are known zero.
    """
    name = function_name(source)
    ftype = function_type(source)
    inputs, results = list(ftype.inputs), list(ftype.results)
    float_positions = [i for i, t in enumerate(inputs) if is_float_type(t)]
    active = active if active is not None else (True,) * len(float_positions)
    key = (name, active)
    if key in ad.jvp_cache:
        return ad.jvp_cache[key]
    check_signature(source)
    ad.enter(source, "jvp")
    tangent_inputs = [inputs[i] for i, on in zip(float_positions, active, strict=True) if on]
    tangent_results = [t for t in results if is_float_type(t)]
    function, entry = ad.new_function(
        f"{name}_jvp", inputs + tangent_inputs, results + tangent_results, source.location
    )
    ad.jvp_cache[key] = function_name(function)
    block = source.regions[0].blocks[0]
    primal_map = dict(zip(block.arguments, entry.arguments[: len(inputs)], strict=True))
    active_args = [block.arguments[i] for i, on in zip(float_positions, active, strict=True) if on]
    tangent_map = dict(zip(active_args, entry.arguments[len(inputs) :], strict=True))
    b = Emitter(ir.InsertionPoint(entry), source.location, ad)
    operations = list(block.operations)
    jvp_ops(b, operations[:-1], primal_map, tangent_map)
    terminator = operations[-1]
    b.location = terminator.location
    outs = [primal_map.get(v, v) for v in terminator.operands]
    float_outs = [v for v in terminator.operands if is_float(v)]
    ad.zero_results[function_name(function)] = tuple(tangent_map.get(v) is None for v in float_outs)
    tangents_out = [b.instantiate(tangent_map.get(v), v.type) for v in float_outs]
    emit_return(b.ip, outs + tangents_out, terminator.location)
    ad.leave(source, "jvp")
    return function_name(function)
