"""Linearize of scf.while (its JVP is in `scf.py`).

Forward mode works for any while: without a bound, linearize splits the JVP's
while (primals and tangents carried together) into a primal while, which the
forward half runs, and the whole JVP while, which the linear half runs again
(recomputing the primal values it needs, as their number is unknown). That
linear half is not transposable: reverse mode reports at the op that it needs
`lintra.max_trip_count`.

With `lintra.max_trip_count = N` the primal while also carries its iteration
count k and stacks the residuals of its before region (N + 1 slots: it runs
once more than the after region) and of its after region (N slots); it stops
after N iterations. The linear half is an scf.for over the recorded count,
whose body is the linear part of the before then of the after region, followed
by the linear part of the before region at slot k. It transposes like any loop.

    %r:2 = scf.while (%a = %x, %da = %dx) ... {lintra.max_trip_count = 10}  // JVP
becomes
    %p:3 = scf.while (%a = %x, %k = %c0, %s = %stack) ...   // primal, stacking
    %t = scf.for %j = %c0 to %p#1 step %c1 iter_args(%da = %dx) ...  // linear
    (the linear part of the before region at slot %p#1)
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, scf

from ..core.emit import Emitter
from ..core.regions import group_by_type, pick, stack_type
from ..core.structured import empty
from ..core.tables import NOT_TRANSPOSABLE, REGION_RULES, RegionRule
from ..core.unzip import propagate
from ..diagnostics import LintraError
from .scf import shell, terminate
from .scf_linear import emit_part, merge, negate, read_residuals, save_residuals, unzip_body

MAX_TRIP_COUNT = "lintra.max_trip_count"


def while_flags(op: ir.Operation, linear: set) -> tuple[list[bool], list[bool]]:
    """(linear carried values, linear forwarded values = results): a fixed point
    through the before region (scf.condition) and the after region (scf.yield)."""
    before, after = (region.blocks[0] for region in op.regions)
    carried = [v in linear for v in op.operands]
    forwarded = [False] * len(op.results)
    while True:
        inner = set(linear) | set(pick(list(before.arguments), carried))
        operations = list(before.operations)
        propagate(operations[:-1], inner)
        forwarded = [
            f or v in inner for f, v in zip(forwarded, list(operations[-1].operands)[1:], strict=True)
        ]
        inner = set(linear) | set(pick(list(after.arguments), forwarded))
        operations = list(after.operations)
        propagate(operations[:-1], inner)
        grown = [f or v in inner for f, v in zip(carried, operations[-1].operands, strict=True)]
        if grown == carried:
            return carried, forwarded
        carried = grown


def max_trip_count(op: ir.Operation):
    """The `lintra.max_trip_count` of `op` (a positive integer), or None."""
    if MAX_TRIP_COUNT not in op.attributes:
        return None
    attr = op.attributes[MAX_TRIP_COUNT]
    if not isinstance(attr, ir.IntegerAttr) or ir.IntegerAttr(attr).value <= 0:
        raise LintraError.at(op, f"has {MAX_TRIP_COUNT} = {attr}; it must be a positive integer")
    return ir.IntegerAttr(attr).value


def while_split(b: Emitter, op: ir.Operation, linear: set) -> list:
    carried, forwarded = while_flags(op, linear)
    before, after = (region.blocks[0] for region in op.regions)
    parts = [
        unzip_body(
            b.ad, before, set(linear) | set(pick(list(before.arguments), carried)), [False] + forwarded
        ),
        unzip_body(b.ad, after, set(linear) | set(pick(list(after.arguments), forwarded)), carried),
    ]
    bound = max_trip_count(op)
    # With a bound, the primal while also carries its iteration count and the
    # residual stacks of both regions (the before region runs once more).
    groups = [{}, {}] if bound is None else [group_by_type(u.residuals) for u in parts]
    state = []
    if bound is not None:
        state = [b.index(0)] + [
            empty(b, stack_type(t, size, len(members)))
            for g, size in zip(groups, (bound + 1, bound), strict=True)
            for t, members in g.items()
        ]
    inits = pick(list(op.operands), negate(carried))
    types = pick([r.type for r in op.results], negate(forwarded))
    state_types = [v.type for v in state]
    primal, blocks = shell(
        b, op, inits + state, types + state_types, [[v.type for v in inits + state], types + state_types]
    )
    for region, (u, source, block) in enumerate(zip(parts, (before, after), blocks, strict=True)):
        inner = b.nested(ir.InsertionPoint(block))
        kept = negate(carried) if region == 0 else negate(forwarded)
        args = list(block.arguments)
        mapping = dict(zip(pick(list(source.arguments), kept), args[: sum(kept)], strict=True))
        emit_part(inner, u, mapping, linear=False)
        flags = [True] + negate(forwarded) if region == 0 else negate(carried)
        values = [mapping.get(v, v) for v in pick(u.yielded, flags)]
        if bound is not None:
            count, stacks = args[sum(kept)], args[sum(kept) + 1 :]
            first = 0 if region == 0 else len(groups[0])
            stacks[first : first + len(groups[region])] = save_residuals(
                inner, mapping, stacks[first : first + len(groups[region])], groups[region], count
            )
            if region == 0:  # stop after `bound` iterations
                loc, ip = inner.location, inner.ip
                below = arith.cmpi(arith.CmpIPredicate.ult, count, inner.index(bound), loc=loc, ip=ip)
                values[0] = arith.andi(values[0], below, loc=loc, ip=ip)
            else:
                count = arith.addi(count, inner.index(1), loc=inner.location, ip=inner.ip)
            values += [count] + stacks
        terminate(inner, block, source, values)
    primal_results = list(primal.results)[: len(types)]
    if bound is None:
        whole = b.clone(op, {})
        return merge(forwarded, primal_results, pick(list(whole.results), forwarded))
    count = primal.results[len(types)]
    saved = list(primal.results)[len(types) + 1 :]
    saved = [saved[: len(groups[0])], saved[len(groups[0]) :]]
    loop = scf.ForOp(b.index(0), count, b.index(1), pick(list(op.operands), carried), loc=b.location, ip=b.ip)
    inner = b.nested(ir.InsertionPoint(loop.body))
    tangents = linear_before(
        inner,
        parts[0],
        before,
        carried,
        list(loop.inner_iter_args),
        saved[0],
        groups[0],
        loop.induction_variable,
    )
    mapping = dict(zip(pick(list(after.arguments), forwarded), pick(tangents, forwarded), strict=True))
    read_residuals(inner, mapping, saved[1], groups[1], loop.induction_variable)
    emit_part(inner, parts[1], mapping, linear=True)
    terminate(inner, loop.body, after, [mapping.get(v, v) for v in pick(parts[1].yielded, carried)])
    results = linear_before(b, parts[0], before, carried, list(loop.results), saved[0], groups[0], count)
    return merge(forwarded, primal_results, pick(results, forwarded))


def linear_before(b: Emitter, u, before: ir.Block, carried, tangents, stacks, groups, slot) -> list:
    """Emit the linear part of the before region at iteration `slot`, its linear
    arguments bound to `tangents`; return the values it forwards (scf.condition's
    operands after the condition, through the mapping)."""
    mapping = dict(zip(pick(list(before.arguments), carried), tangents, strict=True))
    read_residuals(b, mapping, stacks, groups, slot)
    emit_part(b, u, mapping, linear=True)
    return [mapping.get(v, v) for v in u.yielded[1:]]


def why_not_transposable(op: ir.Operation) -> str:
    return (
        "is an unbounded scf.while: reverse mode of an unbounded scf.while needs "
        f"{MAX_TRIP_COUNT} = N (at most N iterations); forward mode works"
    )


REGION_RULES["scf.while"] = RegionRule(lambda op, linear: while_flags(op, linear)[1], while_split)
NOT_TRANSPOSABLE["scf.while"] = why_not_transposable
