"""Transposition: turn a linear function (tangents -> tangents) into its transpose.

Contract: for a function @g whose `{lintra.linear}` arguments are l_1..l_k and
whose other arguments r are non-linear (e.g. residuals), `transpose_function`
creates (once per @g)

    @g_transpose(r..., cotangents of @g's float results...) -> (cotangents of l_1..l_k)

satisfying <ct, g(r, t)> = <g_transpose(r, ct), t> for all t and ct.

Algorithm (per block, reused for region bodies such as linalg.generic):
1. A value is *linear* if it depends on a linear argument. Every op with a
   linear operand is checked against its `TransposeRule` first, so a function
   that is not linear is rejected with the offending op and its location (for
   example `arith.mulf` of two linear values, `math.sin` of a linear value, or
   adding a non-zero constant: that makes the function affine).
2. Non-linear ops are re-emitted forward (they compute coefficients).
3. Linear ops are visited in reverse; each rule maps result cotangents to
   operand cotangents, which are summed per value. Zero cotangents stay `None`.
"""

from __future__ import annotations

from mlir import ir

from ..diagnostics import LintraError
from .ad_state import AdState, emit_return, function_name, function_type, linear_arg_positions
from .emit import Emitter, is_float, is_float_type, is_zero_constant, used_values
from .tables import CAPTURING, NOT_TRANSPOSABLE, TRANSPOSE_RULES, Linear


def ordinal(index: int) -> str:
    return f"operand #{index}"


def check_linear_op(op: ir.Operation, linear: list[bool]) -> None:
    """Raise a located LintraError unless `op` is linear in its linear operands."""
    rule = TRANSPOSE_RULES.get(op.name)
    linear_indices = {i for i, flag in enumerate(linear) if flag}
    if rule is None and op.name in NOT_TRANSPOSABLE:
        raise LintraError.at(op, NOT_TRANSPOSABLE[op.name](op))
    if rule is None:
        raise LintraError.at(
            op,
            f"is applied to a linear value ({ordinal(min(linear_indices))}) but "
            f"'{op.name}' is not linear: the function is not linear in its "
            "{lintra.linear} arguments",
        )
    if rule.check is not None:
        message = rule.check(op, linear)
        if message:
            raise LintraError.at(op, message)
    pairs = rule.bilinear_pairs(op)
    for first, second in pairs:
        if first in linear_indices and second in linear_indices:
            raise LintraError.at(
                op,
                f"multiplies two linear values ({ordinal(first)} and "
                f"{ordinal(second)}): the function is not linear",
            )
    positions = set(rule.linear_positions(op))
    allowed = positions | {i for pair in pairs for i in pair} | set(rule.free_positions(op))
    for index in sorted(linear_indices - allowed):
        raise LintraError.at(
            op,
            f"is not linear in {ordinal(index)}, which depends on a linear "
            "argument: the function is not linear",
        )
    for index in sorted(positions - linear_indices):
        operand = op.operands[index]
        if is_float(operand) and not is_zero_constant(operand):
            raise LintraError.at(
                op,
                f"combines a linear value with {ordinal(index)}, which does not "
                "depend on the linear arguments and is not zero: the function is "
                "affine, not linear",
            )


def transpose_block(
    b: Emitter,
    block: ir.Block,
    linear_args: list[bool],
    arg_values: list,
    result_cts: list,
    terminator_operands=None,
    extra_linear=(),
) -> list:
    """Transpose `block`; return the cotangents (or None) of its linear arguments,
    followed by those of the `extra_linear` values (linear values from outside
    that the block reads, when it is a region body).

    `arg_values[i]` is the emitted value for non-linear argument i, `result_cts[j]`
    the cotangent (or None) for the terminator's operand j.
    """
    operations = list(block.operations)
    body, terminator = operations[:-1], operations[-1].operation
    outputs = list(terminator.operands) if terminator_operands is None else terminator_operands
    linear_values = {a for a, flag in zip(block.arguments, linear_args, strict=True) if flag}
    linear_values.update(extra_linear)
    mapping = dict(b.scope)
    mapping.update(
        {a: v for a, v, flag in zip(block.arguments, arg_values, linear_args, strict=True) if not flag}
    )
    b.scope = mapping
    linear_ops = []
    for op in body:
        op = op.operation
        used = used_values(op)
        if any(v in linear_values for v in used):
            check_linear_op(op, [v in linear_values for v in op.operands])
            linear_ops.append(op)
            linear_values.update(op.results)
        else:
            b.location = op.location
            new = b.clone(op, mapping)
            mapping.update(zip(op.results, new.results, strict=True))

    cotangents: dict = {}
    for index, (value, ct) in enumerate(zip(outputs, result_cts, strict=True)):
        if value in linear_values:
            cotangents[value] = b.add(cotangents.get(value), ct)
        elif is_float(value) and not is_zero_constant(value):
            raise LintraError.at(
                terminator,
                f"returns {ordinal(index)}, which does not depend on the "
                "linear arguments and is not zero: the function is affine, "
                "not linear",
            )

    for op in reversed(linear_ops):
        cts = [cotangents.get(r) for r in op.results]
        if all(ct is None for ct in cts):
            continue
        args = [Linear(v.type) if v in linear_values else mapping.get(v, v) for v in op.operands]
        b.location = op.location
        rule = TRANSPOSE_RULES[op.name].transpose
        targets = list(op.operands)
        if op.name in CAPTURING:
            captured = [v for v in used_values(op)[len(targets) :] if v in linear_values]
            contributions = rule(b, op, cts, args, captured)
            targets += captured
        else:
            contributions = rule(b, op, cts, args)
        for value, ct in zip(targets, contributions, strict=True):
            if ct is not None and value in linear_values:
                cotangents[value] = b.add(cotangents.get(value), ct)
    linear_block_args = [a for a, flag in zip(block.arguments, linear_args, strict=True) if flag]
    return [cotangents.get(a) for a in linear_block_args + list(extra_linear)]


def transpose_function(ad: AdState, source: ir.Operation, active: tuple[bool, ...] | None = None) -> str:
    """The name of the transpose of linear function `source` (generated on first request).

    `active[j]` says whether float result j has a (possibly non-zero) cotangent;
    the transposed function takes cotangents for the active ones only (default:
    all). `ad.zero_results[name]` records which returned cotangents are known zero.
    """
    name = function_name(source)
    ftype = function_type(source)
    inputs = list(ftype.inputs)
    float_results = [t for t in ftype.results if is_float_type(t)]
    active = active if active is not None else (True,) * len(float_results)
    key = (name, active)
    if key in ad.transpose_cache:
        return ad.transpose_cache[key]
    ad.enter(source, "transpose")
    positions = linear_arg_positions(source)
    if not positions:
        raise LintraError.at(source, "has no {lintra.linear} arguments to transpose with respect to")
    for index in positions:
        if not is_float_type(inputs[index]):
            raise LintraError.at(
                source, f"marks argument #{index} of non-float type {inputs[index]} as {{lintra.linear}}"
            )
    nonlinear = [i for i in range(len(inputs)) if i not in positions]
    ct_types = [t for t, on in zip(float_results, active, strict=True) if on]
    function, entry = ad.new_function(
        f"{name}_transpose",
        [inputs[i] for i in nonlinear] + ct_types,
        [inputs[i] for i in positions],
        source.location,
    )
    ad.transpose_cache[key] = function_name(function)
    block = source.regions[0].blocks[0]
    new_args = list(entry.arguments)
    arg_values = [None] * len(inputs)
    for slot, index in enumerate(nonlinear):
        arg_values[index] = new_args[slot]
    given_cts = iter(new_args[len(nonlinear) :])
    float_activity = iter(active)
    outputs = list(list(block.operations)[-1].operands)
    cts = [(next(given_cts) if next(float_activity) else None) if is_float(v) else None for v in outputs]
    b = Emitter(ir.InsertionPoint(entry), source.location, ad)
    linear_flags = [i in positions for i in range(len(inputs))]
    results = transpose_block(b, block, linear_flags, arg_values, cts)
    ad.zero_results[function_name(function)] = tuple(ct is None for ct in results)
    emit_return(
        b.ip,
        [b.instantiate(ct, inputs[i]) for ct, i in zip(results, positions, strict=True)],
        source.location,
    )
    ad.leave(source, "transpose")
    return function_name(function)
