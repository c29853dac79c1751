"""Linearize and transpose of scf.while.

Forward mode works for any while: linearize splits the JVP's while (primals and
tangents carried together) into a primal while, which the forward half runs,
and the whole JVP while, which the linear half runs again (it recomputes the
primal values it needs instead of saving them, since their number is unknown).
That linear half is therefore not transposable: reverse mode is reported at the
op's location. Bounded reverse mode (stacking residuals in
`lintra.max_trip_count` slots) is not implemented yet.

    %r:2 = scf.while (%a = %x, %da = %dx) ...      // JVP
becomes
    %p = scf.while (%a = %x) ...                   // primal: the forward half
    %q:2 = scf.while (%a = %x, %da = %dx) ...      // the JVP again: the linear half
"""

from __future__ import annotations

from mlir import ir

from ..core.emit import Emitter
from ..core.regions import pick
from ..core.tables import REGION_RULES, TRANSPOSE_RULES, RegionRule, TransposeRule
from ..core.unzip import propagate
from ..diagnostics import LintraError
from .scf import shell, terminate
from .scf_linear import emit_part, merge, negate, unzip_body

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


def while_split(b: Emitter, op: ir.Operation, linear: set) -> list:
    carried, forwarded = while_flags(op, linear)
    before, after = (region.blocks[0] for region in op.regions)
    parts = [
        unzip_body(
            b.ad, before, set(linear) | set(pick(list(before.arguments), carried)), [False] + forwarded
        ),
        unzip_body(b.ad, after, set(linear) | set(pick(list(after.arguments), forwarded)), carried),
    ]
    inits = pick(list(op.operands), negate(carried))
    types = pick([r.type for r in op.results], negate(forwarded))
    primal, blocks = shell(b, op, inits, types, [[v.type for v in inits], types])
    for u, source, block, flags in zip(
        parts, (before, after), blocks, ([True] + negate(forwarded), negate(carried)), strict=True
    ):
        inner = b.nested(ir.InsertionPoint(block))
        kept = negate(forwarded) if source is after else negate(carried)
        mapping = dict(zip(pick(list(source.arguments), kept), block.arguments, strict=True))
        emit_part(inner, u, mapping, linear=False)
        terminate(inner, block, source, [mapping.get(v, v) for v in pick(u.yielded, flags)])
    whole = b.clone(op, {})
    return merge(forwarded, primal.results, pick(list(whole.results), forwarded))


def while_check(op: ir.Operation, linear_flags) -> str:
    if MAX_TRIP_COUNT not in op.attributes:
        return (
            f"is an unbounded scf.while: reverse mode of an unbounded scf.while needs "
            f"{MAX_TRIP_COUNT} = N (at most N iterations); forward mode works"
        )
    return (
        f"is an scf.while with {MAX_TRIP_COUNT}: its reverse mode is not implemented yet; forward mode works"
    )


def while_transpose(b, op, cts, args, captured):
    raise LintraError.at(op, while_check(op, None))


REGION_RULES["scf.while"] = RegionRule(lambda op, linear: while_flags(op, linear)[1], while_split)
TRANSPOSE_RULES["scf.while"] = TransposeRule(
    while_transpose,
    lambda op: set(),
    free_positions=lambda op: set(range(len(op.operands))),
    check=while_check,
)
