"""Linearize and transpose rules of structured control flow (scf.for, scf.if,
scf.index_switch; scf.while in `scf_while.py`).

Linearize (`RegionRule.split`, run on JVP functions by `unzip.split_block`): a
region op carrying primals and tangents together becomes

* a primal op, which computes the primal results and saves the residuals the
  linear part needs. scf.for stacks each iteration's residuals into a tensor
  with a leading trip-count dimension (`regions.stack_insert`); residuals
  defined outside the loop are not stacked (saved once by the enclosing
  function). Branch ops yield the residuals of every branch, with zeros for the
  branches not taken, so that their residuals are uniform;
* a linear op of the same kind, which carries only tangents and reads the
  residuals (`regions.stack_extract` at the iteration's slot; the saved branch
  residuals under the same condition).

    %r:2 = scf.for ... iter_args(%a = %x, %da = %dx) {      // JVP
      %c = math.cos %a ; %dy = arith.mulf %da, %c ; scf.yield sin(%a), %dy }
becomes
    %p:2 = scf.for %i ... iter_args(%a = %x, %s = %stack) { // primal
      %c = math.cos %a ; %s2 = tensor.insert %c into %s[%i] ; scf.yield sin(%a), %s2 }
    %t = scf.for %i ... iter_args(%da = %dx) {              // linear
      %c = tensor.extract %p#1[%i] ; %dy = arith.mulf %da, %c ; scf.yield %dy }

Transpose: a linear scf.for becomes a loop over the same iterations in reverse
order, carrying the cotangents of its carried values and accumulating those of
the linear values its body reads from outside; its body is transposed by
`transpose.transpose_block`, which also checks that the body is linear. A linear
branch op becomes the same branch op whose branches are transposed one by one
and yield the cotangents of the linear values they read.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir
from mlir.dialects import arith

from ..core.emit import Emitter, is_zero_constant, used_values
from ..core.regions import group_by_type, pick, stack_extract, stack_insert, stack_type
from ..core.structured import empty
from ..core.tables import REGION_RULES, TRANSPOSE_RULES, Linear, RegionRule, TransposeRule
from ..core.transpose import transpose_block
from ..core.unzip import dependents, needed_values, propagate, replicable_values, split_block
from ..diagnostics import LintraError
from .scf import shell, terminate


@dataclass
class Unzipped:
    """A region body partitioned into primal and linear ops (see `unzip_body`)."""

    ops: list
    linear_ops: set
    replicated: set
    residuals: list  # values of the body (or its arguments) the linear ops need
    yielded: list  # the terminator's operands


def unzip_body(ad, block: ir.Block, linear: set, linear_yields: list[bool]) -> Unzipped:
    """Split `block`'s nested region ops, then partition its ops by whether they
    depend on `linear` (outer linear values and linear block arguments)."""
    split_block(ad, block, linear)
    operations = list(block.operations)
    ops, yielded = operations[:-1], list(operations[-1].operands)
    linear_ops, linear_values = dependents(ops, linear)
    residuals, replicated = needed_values(
        ops,
        linear_ops,
        replicable_values(ops, linear_ops),
        [v for v in pick(yielded, linear_yields) if v not in linear_values],
    )
    local = set(block.arguments) | {r for op in ops for r in op.operation.results}
    residuals = [r for r in residuals if r in local and r not in linear_values]
    return Unzipped(ops, linear_ops, replicated, residuals, yielded)


def emit_part(b: Emitter, u: Unzipped, mapping: dict, linear: bool) -> None:
    """Clone the primal ops of `u` (or, with `linear`, its linear ops and the
    re-emitted constants they need) at `b`, through `mapping`."""
    for index, op in enumerate(u.ops):
        op = op.operation
        if linear:
            chosen = index in u.linear_ops or bool(len(op.results) and op.results[0] in u.replicated)
        else:
            chosen = index not in u.linear_ops
        if chosen:
            new = b.clone(op, mapping)
            mapping.update(zip(op.results, new.results, strict=True))


def merge(flags: list[bool], primal, linear) -> list:
    """Results in original order: the linear op's where `flags`, else the primal op's."""
    primal, linear = iter(primal), iter(linear)
    return [next(linear) if flag else next(primal) for flag in flags]


def save_residuals(b: Emitter, mapping: dict, stacks: list, groups: dict, slot: ir.Value) -> list:
    """`stacks` (one per type of `groups`) with the values of the residuals of
    `groups` (through `mapping`) written at iteration `slot`."""
    stacks = list(stacks)
    for index, members in enumerate(groups.values()):
        for member, value in enumerate(members):
            stacks[index] = stack_insert(b, mapping[value], stacks[index], slot, member, len(members))
    return stacks


def read_residuals(b: Emitter, mapping: dict, stacks: list, groups: dict, slot: ir.Value) -> None:
    """Map each residual of `groups` to its value read from `stacks` at `slot`."""
    for stack, members in zip(stacks, groups.values(), strict=True):
        for member, value in enumerate(members):
            mapping[value] = stack_extract(b, stack, slot, member, len(members), value.type)


def negate(flags: list[bool]) -> list[bool]:
    return [not flag for flag in flags]


# -- scf.for ------------------------------------------------------------------------


def index_constant(value: ir.Value):
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.name != "arith.constant":
        return None
    attr = owner.attributes["value"]
    return ir.IntegerAttr(attr).value if isinstance(attr, ir.IntegerAttr) else None


def static_trip_count(op: ir.Operation):
    """The trip count of scf.for `op` when its bounds and step are constants, else None."""
    lower, upper, step = (index_constant(v) for v in list(op.operands)[:3])
    if None in (lower, upper, step) or step <= 0:
        return None
    return max(0, -(-(upper - lower) // step))


def slot_of(b: Emitter, iv: ir.Value, lower: ir.Value, step: ir.Value) -> ir.Value:
    """(iv - lower) / step: the iteration number of induction value `iv`."""
    offset = arith.subi(iv, lower, loc=b.location, ip=b.ip)
    return arith.divui(offset, step, loc=b.location, ip=b.ip)


def for_linear_results(op: ir.Operation, linear: set) -> list[bool]:
    """Carried values that depend on `linear`: through their initial value, or
    (a fixed point) through the value the body yields for them."""
    body = op.regions[0].blocks[0]
    carried = list(body.arguments)[1:]
    flags = [v in linear for v in list(op.operands)[3:]]
    while True:
        inner = set(linear) | set(pick(carried, flags))
        operations = list(body.operations)
        propagate(operations[:-1], inner)
        grown = [f or v in inner for f, v in zip(flags, operations[-1].operands, strict=True)]
        if grown == flags:
            return flags
        flags = grown


# Marks the JVP loop that a linear half recomputes (see `for_split`).
DYNAMIC_TRIP_COUNT = "lintra.dynamic_trip_count"

# Ops that may run before a loop instead of in it: pure, and without integer
# division (which could trap when the loop would not have run).
HOISTABLE_DIALECTS = ("arith.", "math.", "tensor.", "linalg.")
TRAPPING = {"divsi", "divui", "ceildivsi", "ceildivui", "floordivsi", "remsi", "remui"}


def hoist_invariants(op: ir.Operation, linear: set) -> None:
    """Move the primal ops of `op`'s body that read nothing the loop defines
    before the loop, so their results are saved once, not once per iteration."""
    body = op.regions[0].blocks[0]
    defined = set(body.arguments)
    for inner in list(body.operations)[:-1]:
        inner = inner.operation
        used = used_values(inner)
        movable = (
            not len(inner.regions)
            and inner.name.startswith(HOISTABLE_DIALECTS)
            and inner.name.split(".", 1)[1] not in TRAPPING
            and not any(v in defined or v in linear for v in used)
        )
        if movable:
            inner.move_before(op)
        else:
            defined.update(inner.results)


def for_split(b: Emitter, op: ir.Operation, linear: set) -> list:
    hoist_invariants(op, linear)
    flags = for_linear_results(op, linear)
    body = op.regions[0].blocks[0]
    iv, carried = body.arguments[0], list(body.arguments)[1:]
    bounds, inits = list(op.operands)[:3], list(op.operands)[3:]
    u = unzip_body(b.ad, body, set(linear) | set(pick(carried, flags)), flags)
    groups = group_by_type(r for r in u.residuals if r != iv)
    count = static_trip_count(op)
    # Residual stacks have a static size: with a dynamic trip count, the linear
    # half runs the whole JVP loop again (forward mode works; reverse mode is
    # reported by `for_transpose`).
    recompute = bool(groups) and count is None
    if recompute:
        groups = {}
    stacks = [empty(b, stack_type(t, count, len(members))) for t, members in groups.items()]
    primal, (block,) = shell(b, op, bounds + pick(inits, negate(flags)) + stacks, [], [])
    inner, args = b.nested(ir.InsertionPoint(block)), list(block.arguments)
    n_primal = len(args) - 1 - len(stacks)
    mapping = {iv: args[0], **dict(zip(pick(carried, negate(flags)), args[1 : 1 + n_primal], strict=True))}
    emit_part(inner, u, mapping, linear=False)
    stacks = args[1 + n_primal :]
    if groups:
        stacks = save_residuals(inner, mapping, stacks, groups, slot_of(inner, args[0], bounds[0], bounds[2]))
    terminate(inner, block, body, [mapping.get(v, v) for v in pick(u.yielded, negate(flags))] + stacks)
    if recompute:
        whole = b.clone(op, {})
        whole.attributes[DYNAMIC_TRIP_COUNT] = ir.UnitAttr.get()
        return merge(flags, list(primal.results)[:n_primal], pick(list(whole.results), flags))

    tangent, (block,) = shell(b, op, bounds + pick(inits, flags), [], [])
    inner, args = b.nested(ir.InsertionPoint(block)), list(block.arguments)
    mapping = {iv: args[0], **dict(zip(pick(carried, flags), args[1:], strict=True))}
    if groups:
        slot = slot_of(inner, args[0], bounds[0], bounds[2])
        read_residuals(inner, mapping, list(primal.results)[n_primal:], groups, slot)
    emit_part(inner, u, mapping, linear=True)
    terminate(inner, block, body, [mapping.get(v, v) for v in pick(u.yielded, flags)])
    return merge(flags, list(primal.results)[:n_primal], tangent.results)


def trip_count(b: Emitter, lower, upper, step) -> ir.Value:
    """max(0, ceil((upper - lower) / step)), in index arithmetic."""
    loc, ip = b.location, b.ip
    count = arith.ceildivsi(arith.subi(upper, lower, loc=loc, ip=ip), step, loc=loc, ip=ip)
    return arith.maxsi(count, b.index(0), loc=loc, ip=ip)


def for_transpose(b: Emitter, op: ir.Operation, cts: list, args: list, captured: list) -> list:
    if DYNAMIC_TRIP_COUNT in op.attributes:
        raise LintraError.at(
            op,
            "has a dynamic trip count; lintra saves a loop's residuals in stacks of "
            "static size: make its bounds and step constants for reverse mode (forward mode works)",
        )
    lower, upper, step = args[:3]
    for index, (arg, init) in enumerate(zip(args[3:], list(op.operands)[3:], strict=True)):
        if not isinstance(arg, Linear) and not is_zero_constant(init):
            raise LintraError.at(
                op,
                f"carries value #{index}, which does not depend on the linear arguments "
                "and is not zero: the loop is not linear",
            )
    results = list(op.results)
    static = static_trip_count(op)
    count = b.index(static) if static is not None else trip_count(b, lower, upper, step)
    inits = [b.instantiate(ct, r.type) for ct, r in zip(cts, results, strict=True)]
    inits += [b.zeros(v.type) for v in captured]
    loop, (block,) = shell(b, op, [b.index(0), count, b.index(1)] + inits, [], [])
    inner, block_args = b.nested(ir.InsertionPoint(block)), list(block.arguments)
    loc, ip = inner.location, inner.ip
    # Iteration count-1-j of the original loop: lower + (count - 1 - j) * step.
    back = arith.subi(arith.subi(count, block_args[0], loc=loc, ip=ip), inner.index(1), loc=loc, ip=ip)
    iv = arith.addi(lower, arith.muli(back, step, loc=loc, ip=ip), loc=loc, ip=ip)
    body = op.regions[0].blocks[0]
    carried_cts, accumulated = block_args[1 : 1 + len(results)], block_args[1 + len(results) :]
    n = len(results)
    body_cts = transpose_block(
        inner, body, [False] + [True] * n, [iv] + [None] * n, carried_cts, extra_linear=captured
    )
    yielded = [inner.instantiate(ct, r.type) for ct, r in zip(body_cts[:n], results, strict=True)]
    yielded += [inner.add(acc, ct) for acc, ct in zip(accumulated, body_cts[n:], strict=True)]
    terminate(inner, block, body, yielded)
    return [None] * 3 + list(loop.results)


# -- scf.if, scf.index_switch --------------------------------------------------------


def branches_linear_results(op: ir.Operation, linear: set) -> list[bool]:
    flags = [False] * len(op.results)
    for region in op.regions:
        inner = set(linear)
        operations = list(region.blocks[0].operations)
        propagate(operations[:-1], inner)
        flags = [f or v in inner for f, v in zip(flags, operations[-1].operands, strict=True)]
    return flags


def branches_split(b: Emitter, op: ir.Operation, linear: set) -> list:
    flags = branches_linear_results(op, linear)
    sources = [region.blocks[0] for region in op.regions]
    parts = [unzip_body(b.ad, source, set(linear), flags) for source in sources]
    types = [r.type for r in op.results]
    saved = [r.type for u in parts for r in u.residuals]
    primal, blocks = shell(b, op, list(op.operands), pick(types, negate(flags)) + saved, [[]] * len(sources))
    for index, (u, source, block) in enumerate(zip(parts, sources, blocks, strict=True)):
        inner, mapping = b.nested(ir.InsertionPoint(block)), {}
        emit_part(inner, u, mapping, linear=False)
        uniform = [
            mapping.get(r, r) if other == index else inner.zeros(r.type)
            for other, part in enumerate(parts)
            for r in part.residuals
        ]
        terminate(inner, block, source, [mapping.get(v, v) for v in pick(u.yielded, negate(flags))] + uniform)
    n_primal = len(types) - sum(flags)
    slots = iter(list(primal.results)[n_primal:])
    tangent, blocks = shell(b, op, list(op.operands), pick(types, flags), [[]] * len(sources))
    for u, source, block in zip(parts, sources, blocks, strict=True):
        inner = b.nested(ir.InsertionPoint(block))
        mapping = {r: next(slots) for r in u.residuals}
        emit_part(inner, u, mapping, linear=True)
        terminate(inner, block, source, [mapping.get(v, v) for v in pick(u.yielded, flags)])
    return merge(flags, list(primal.results)[:n_primal], tangent.results)


def branches_transpose(b: Emitter, op: ir.Operation, cts: list, args: list, captured: list) -> list:
    sources = [region.blocks[0] for region in op.regions]
    new, blocks = shell(b, op, list(args), [v.type for v in captured], [[]] * len(sources))
    for source, block in zip(sources, blocks, strict=True):
        inner = b.nested(ir.InsertionPoint(block))
        branch_cts = transpose_block(inner, source, [], [], list(cts), extra_linear=captured)
        terminate(
            inner,
            block,
            source,
            [inner.instantiate(ct, v.type) for ct, v in zip(branch_cts, captured, strict=True)],
        )
    return [None] * len(args) + list(new.results)


def all_operands(op) -> set[int]:
    return set(range(len(op.operands)))


REGION_RULES["scf.for"] = RegionRule(for_linear_results, for_split)
TRANSPOSE_RULES["scf.for"] = TransposeRule(for_transpose, lambda op: set(), free_positions=all_operands)
for _name in ("scf.if", "scf.index_switch"):
    REGION_RULES[_name] = RegionRule(branches_linear_results, branches_split)
    TRANSPOSE_RULES[_name] = TransposeRule(branches_transpose, lambda op: set())
