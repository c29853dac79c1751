"""Checkpointing (rematerialization), as `jax.checkpoint`: the linear half of a
function marked `lintra.checkpoint` recomputes its intermediates from its inputs
instead of saving them; a loop marked `lintra.checkpoint_every = k` becomes a
loop over segments of k iterations, each such a function (`segment_loops`).

Contract: for a function @g with the unit attribute `lintra.checkpoint` whose
ordinary halves are (@g_fwd, @g_lin), `remat_halves(ad, g, (g_fwd, g_lin))`
creates (once per activity pattern)

    @g_remat_fwd(x...) -> (y..., x...)          // y = call @g(x): the primal only;
                                                //  the residuals are the inputs
    @g_remat_lin(x..., dx... {lintra.linear}) -> dy...
        (y, r) = call @g_fwd(x)                 // recompute the residuals
        dy = call @g_lin(r, dx)

with @g_remat_lin(@g_remat_fwd(x).residuals, dx) == @g_lin(@g_fwd(x).residuals, dx).
A caller that linearizes a call of @g thus saves only @g's inputs (which it
usually holds anyway); transposing @g_remat_lin re-emits the call of @g_fwd
forward (it reads no linear value) before the transposed @g_lin, so the
residuals of @g live only while its cotangents are computed.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, scf

from ..diagnostics import LintraError
from .ad_state import AdState, call_function, emit_return, function_name, function_type
from .emit import Emitter, clone_op, used_values

CHECKPOINT_ATTR = "lintra.checkpoint"


def is_checkpointed(function: ir.Operation) -> bool:
    return CHECKPOINT_ATTR in function.attributes


def remat_halves(ad: AdState, source: ir.Operation, halves: tuple[str, str]) -> tuple[str, str]:
    """The (@g_remat_fwd, @g_remat_lin) of checkpointed `source` (see the module doc)."""
    key = (halves, "remat")
    if key in ad.linearize_cache:
        return ad.linearize_cache[key]
    fwd_name, lin_name = halves
    name, location = function_name(source), source.location
    ftype = function_type(source)
    inputs, results = list(ftype.inputs), list(ftype.results)
    fwd, fwd_entry = ad.new_function(f"{name}_remat_fwd", inputs, results + inputs, location)
    b = Emitter(ir.InsertionPoint(fwd_entry), location, ad)
    primal = call_function(b, name, list(fwd_entry.arguments))
    emit_return(b.ip, primal + list(fwd_entry.arguments), location)

    tangent_types = list(function_type(ad.lookup(lin_name)).inputs)
    n_residuals = len(list(function_type(ad.lookup(fwd_name)).results)) - len(results)
    tangent_types = tangent_types[n_residuals:]
    lin_types = inputs + tangent_types
    lin, lin_entry = ad.new_function(
        f"{name}_remat_lin",
        lin_types,
        list(function_type(ad.lookup(lin_name)).results),
        location,
        linear_args=set(range(len(inputs), len(lin_types))),
    )
    b = Emitter(ir.InsertionPoint(lin_entry), location, ad)
    arguments = list(lin_entry.arguments)
    recomputed = call_function(b, fwd_name, arguments[: len(inputs)])[len(results) :]
    emit_return(b.ip, call_function(b, lin_name, recomputed + arguments[len(inputs) :]), location)

    result = (function_name(fwd), function_name(lin))
    ad.zero_results[result[1]] = ad.zero_results[lin_name]
    ad.linearize_cache[key] = result
    return result


# -- loops: lintra.checkpoint_every = k -----------------------------------------------

EVERY_ATTR = "lintra.checkpoint_every"


def constant_int(value: ir.Value):
    """The integer an `arith.constant` `value` holds, else None."""
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.constant":
        return None
    attr = owner.operation.attributes["value"]
    return attr.value if isinstance(attr, ir.IntegerAttr) else None


def index_constant(b: Emitter, value: int) -> ir.Value:
    index = ir.IndexType.get()
    return arith.ConstantOp(index, ir.IntegerAttr.get(index, value), loc=b.location, ip=b.ip).result


def segment_loops(ad: AdState, function: ir.Operation) -> None:
    """Rewrite, in place, every `scf.for` of `function` marked
    `lintra.checkpoint_every = k` (innermost first) into a loop over segments of k
    iterations, each a call of a generated function marked `lintra.checkpoint`:

        %r = scf.for %i = %lb to %ub step %s iter_args(%c = %init) {body}
                                              {lintra.checkpoint_every = k}
     => %o = scf.for %j = %lb to %lb + (N/k)*k*%s step k*%s iter_args(%c = %init) {
              %n = call @f_segment(%j, %c, captured...)   // k iterations of body:
              scf.yield %n }                              // for %t = 0 to k: body(%j + %t*%s)
        %r = scf.for %i = %lb + (N/k)*k*%s to %ub step %s iter_args(%c = %o) {body}  // N mod k

    Linearized, the outer loop saves one carried state per segment and the linear
    half re-runs each segment's k iterations: O(N/k + k) residuals instead of O(N).
    Bounds and step must be constants (error at the loop otherwise)."""
    loops = []

    def visit(op):
        if op.name == "scf.for" and EVERY_ATTR in op.attributes:
            loops.append(op)
        return ir.WalkResult.ADVANCE

    function.walk(visit, ir.WalkOrder.POST_ORDER)
    for loop in loops:
        segment_loop(ad, function, loop)


def segment_loop(ad: AdState, function: ir.Operation, loop: ir.Operation) -> None:
    attr = loop.attributes[EVERY_ATTR]
    every = attr.value if isinstance(attr, ir.IntegerAttr) else 0
    bounds = [constant_int(v) for v in list(loop.operands)[:3]]
    if every <= 0:
        raise LintraError.at(loop, f"has {EVERY_ATTR} = {attr}; it must be a positive integer")
    if any(b is None for b in bounds):
        raise LintraError.at(loop, f"has {EVERY_ATTR} but its bounds and step are not constants")
    lower, upper, step = bounds
    trips = max(0, -(-(upper - lower) // step))
    del loop.attributes[EVERY_ATTR]
    if every >= trips:
        return
    segments, rest = divmod(trips, every)
    carried = [r.type for r in loop.results]
    captured = list(dict.fromkeys(used_values(loop)[len(loop.operands) :]))
    location = loop.location
    # The segment's first iteration number is passed only if the body reads it.
    uses_index = bool(list(loop.regions[0].blocks[0].arguments[0].uses))
    segment, entry = ad.new_function(
        f"{function_name(function)}_segment",
        [ir.IndexType.get()] * uses_index + carried + [v.type for v in captured],
        carried,
        location,
    )
    segment.attributes[CHECKPOINT_ATTR] = ir.UnitAttr.get()
    b = Emitter(ir.InsertionPoint(entry), location, ad)
    arguments = ([None] if not uses_index else []) + list(entry.arguments)
    # The inner loop counts j = 0 .. k (constant bounds, as linearize needs) and
    # its body sees i = start + j * step.
    inner_bounds = [index_constant(b, 0), index_constant(b, every), index_constant(b, 1)]
    inner = clone_op(loop, dict(zip(captured, arguments[1 + len(carried) :], strict=True)), b.ip)
    for position, value in enumerate(inner_bounds + arguments[1 : 1 + len(carried)]):
        inner.operands[position] = value
    if uses_index:
        body = inner.regions[0].blocks[0]
        j = body.arguments[0]
        at_start = Emitter(ir.InsertionPoint.at_block_begin(body), location, ad)
        scaled = arith.MulIOp(j, index_constant(at_start, step), loc=location, ip=at_start.ip)
        index = arith.AddIOp(arguments[0], scaled.result, loc=location, ip=at_start.ip).result
        j.replace_all_uses_with(index)
        scaled.operation.operands[0] = j
    emit_return(b.ip, list(inner.results), location)

    b = Emitter(ir.InsertionPoint(loop), location, ad)
    split = index_constant(b, lower + segments * every * step)
    inits = list(loop.operands)[3:]
    outer = scf.ForOp(loop.operands[0], split, index_constant(b, every * step), inits, loc=location, ip=b.ip)
    body = Emitter(ir.InsertionPoint(outer.body), location, ad)
    start = [outer.induction_variable] if uses_index else []
    state = call_function(body, function_name(segment), [*start, *outer.inner_iter_args, *captured])
    scf.YieldOp(state, loc=location, ip=body.ip)
    results = list(outer.results)
    if rest:
        remainder = clone_op(loop, {}, b.ip)
        for position, value in enumerate([split] + results):
            remainder.operands[0 if position == 0 else position + 2] = value
        results = list(remainder.results)
    for old, new in zip(loop.results, results, strict=True):
        old.replace_all_uses_with(new)
    loop.erase()
