"""Linearize = JVP, then partial evaluation ("unzipping") of the JVP function.

Contract: `linearize_function(ad, f)` creates (once per `f`) two private functions

    @f_fwd(primals...) -> (results..., residuals...)
    @f_lin(residuals..., tangents {lintra.linear}...) -> (result_tangents...)

such that @f_lin(@f_fwd(x).residuals, t) == @f_jvp(x, t).result_tangents, and
@f_lin is linear in its `{lintra.linear}` arguments. Every op of @f_jvp that
depends on a tangent goes to @f_lin; every other op goes to @f_fwd, and the
values of @f_fwd that @f_lin needs become residuals. Ops cheaper to re-emit
than to save (constants, `tensor.empty`, and fills, splats and broadcasts, whose
smaller operand is saved instead) are re-emitted in @f_lin.
"""

from __future__ import annotations

from mlir import ir

from ..diagnostics import LintraError
from .ad_state import AdState, emit_return, function_name, function_type
from .checkpoint import is_checkpointed, remat_halves, segment_loops
from .custom_rules import tangent_activity
from .emit import Emitter, erase_dead_ops, is_float_type
from .jvp import jvp_function
from .unzip import dependents, needed_values, replicable_values, split_block


def check_primal_results(jvp: ir.Operation, primal_outs, linear_values: set) -> None:
    """The primal results of a JVP function must not depend on its tangents (a
    custom JVP, `lintra.jvp`, could break this): a located error otherwise."""
    for index, value in enumerate(primal_outs):
        if value in linear_values:
            owner = value.owner
            where = jvp if isinstance(owner, ir.Block) else owner.operation
            raise LintraError.at(
                where,
                f"makes primal result #{index} of the JVP @{function_name(jvp)} depend on the "
                "tangent arguments: a custom JVP (lintra.jvp) must compute its primal results "
                "from the primal arguments only",
            )


def unzip_function(
    ad: AdState, source: ir.Operation, active: tuple[bool, ...] | None = None
) -> tuple[str, str]:
    """Names of (@f_fwd, @f_lin) for function `source` (generated on first request),
    saving every residual (`linearize_function` honours `lintra.checkpoint`).

    `active` is as for `jvp_function`: @f_lin takes tangents for the active float
    arguments only. `ad.zero_results[@f_lin]` records its known-zero results.
    """
    name = function_name(source)
    n_float_args = sum(is_float_type(t) for t in function_type(source).inputs)
    active = tangent_activity(source, active if active is not None else (True,) * n_float_args)
    key = (name, active)
    if key in ad.linearize_cache:
        return ad.linearize_cache[key]
    ad.enter(source, "linearize")
    jvp_name = jvp_function(ad, source, active)
    jvp = ad.lookup(jvp_name)
    ftype = function_type(source)
    n_args, n_results = len(ftype.inputs), len(ftype.results)
    block = jvp.regions[0].blocks[0]
    tangent_args = list(block.arguments)[n_args:]
    # Region ops carrying primals and tangents together become a primal op that
    # saves residuals and a linear op that reads them (the JVP function stays
    # equivalent).
    split_block(ad, block, set(tangent_args))
    operations = list(block.operations)
    body, terminator = operations[:-1], operations[-1].operation
    linear_ops, linear_values = dependents(body, set(tangent_args))
    check_primal_results(jvp, list(terminator.operands)[:n_results], linear_values)
    tangent_outs = list(terminator.operands)[n_results:]
    residuals, replicated = needed_values(
        body,
        linear_ops,
        replicable_values(body, linear_ops),
        [v for v in tangent_outs if v not in linear_values],
    )
    residuals = [v for v in residuals if v not in linear_values]

    location = source.location
    fwd, fwd_entry = ad.new_function(
        f"{name}_fwd", ftype.inputs, list(ftype.results) + [r.type for r in residuals], location
    )
    mapping = dict(zip(list(block.arguments)[:n_args], fwd_entry.arguments, strict=True))
    b = Emitter(ir.InsertionPoint(fwd_entry), location, ad)
    for index, op in enumerate(body):
        if index not in linear_ops:
            new = b.clone(op.operation, mapping)
            mapping.update(zip(op.operation.results, new.results, strict=True))
    outs = [mapping[v] for v in list(terminator.operands)[:n_results]] + [mapping[r] for r in residuals]
    emit_return(b.ip, outs, terminator.location)
    erase_dead_ops(fwd_entry)

    lin_types = [r.type for r in residuals] + [a.type for a in tangent_args]
    lin, lin_entry = ad.new_function(
        f"{name}_lin",
        lin_types,
        [v.type for v in tangent_outs],
        location,
        linear_args=set(range(len(residuals), len(lin_types))),
    )
    mapping = dict(zip(residuals + tangent_args, lin_entry.arguments, strict=True))
    b = Emitter(ir.InsertionPoint(lin_entry), location, ad)
    for index, op in enumerate(body):
        op = op.operation
        if index in linear_ops or (len(op.results) and op.results[0] in replicated):
            new = b.clone(op, mapping)
            mapping.update(zip(op.results, new.results, strict=True))
    emit_return(b.ip, [mapping[v] for v in tangent_outs], terminator.location)
    erase_dead_ops(lin_entry)

    result = (function_name(fwd), function_name(lin))
    ad.zero_results[result[1]] = ad.zero_results[jvp_name]
    ad.linearize_cache[key] = result
    ad.leave(source, "linearize")
    return result


def linearize_function(
    ad: AdState, source: ir.Operation, active: tuple[bool, ...] | None = None
) -> tuple[str, str]:
    """Names of (@f_fwd, @f_lin) for function `source`, as `unzip_function`; for
    a function marked `lintra.checkpoint`, halves whose forward part saves only
    the inputs and whose linear part recomputes the rest; loops marked
    `lintra.checkpoint_every` are first cut into such functions (`checkpoint.py`)."""
    segment_loops(ad, source)
    halves = unzip_function(ad, source, active)
    return remat_halves(ad, source, halves) if is_checkpointed(source) else halves
