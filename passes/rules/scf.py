"""JVP rules of structured control flow: scf.for, scf.while, scf.if, scf.index_switch.

The JVP of a region op is the same op whose carried values and results are
followed by their tangents, and whose bodies are re-emitted with their tangent
ops (`regions.jvp_block`); scf.yield and scf.condition forward the tangents
beside the primals. Which carried values get a tangent is a fixed point
(`regions.until_stable`): a carried value whose initial and yielded values
have zero tangents keeps a symbolic zero tangent.

    %r = scf.for %i = %lb to %ub step %s iter_args(%a = %x) -> (f64) {
      %y = math.sin %a : f64
      scf.yield %y : f64
    }
becomes
    %r:2 = scf.for %i = %lb to %ub step %s iter_args(%a = %x, %da = %dx) -> (f64, f64) {
      %y = math.sin %a : f64
      %c = math.cos %a : f64
      %dy = arith.mulf %da, %c : f64
      scf.yield %y, %dy : f64, f64
    }

Linearize and transpose rules of these ops are in `scf_linear.py`.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import scf

from ..core.emit import Emitter
from ..core.regions import block_arg_locations, jvp_block, pick, until_stable
from ..core.tables import CAPTURING, JVP_RULES, Replaced


def shell(b: Emitter, op: ir.Operation, operands: list, result_types: list, region_args: list) -> list:
    """An op of `op`'s kind (a builder per kind) with the given operands and
    result types, `op`'s other attributes (such as lintra.max_trip_count), and
    one empty block per region whose arguments have the types `region_args[i]`
    (scf.for's induction variable included); returns (new op, its blocks)."""
    new, blocks = empty_shell(b, op, operands, result_types, region_args)
    for name in op.attributes:
        if name not in new.attributes:
            new.attributes[name] = op.attributes[name]
    return new, blocks


def empty_shell(b: Emitter, op: ir.Operation, operands: list, result_types: list, region_args: list) -> list:
    loc, ip = b.location, b.ip
    if op.name == "scf.for":
        new = scf.ForOp(operands[0], operands[1], operands[2], operands[3:], loc=loc, ip=ip)
        return new.operation, [new.body]
    if op.name == "scf.if":
        new = scf.IfOp(operands[0], result_types, has_else=True, loc=loc, ip=ip)
        return new.operation, [new.then_block, new.else_block]
    if op.name == "scf.index_switch":
        cases = list(ir.DenseI64ArrayAttr(op.attributes["cases"]))
        new = scf.IndexSwitchOp(result_types, operands[0], cases, loc=loc, ip=ip)
        return new.operation, [region.blocks[0] for region in new.regions]
    new = scf.WhileOp(result_types, operands, loc=loc, ip=ip)
    blocks = [
        region.blocks.append(*types, arg_locs=block_arg_locations(loc, types))
        for region, types in zip(new.regions, region_args, strict=True)
    ]
    return new.operation, blocks


def terminate(b: Emitter, block: ir.Block, source: ir.Block, values: list) -> None:
    """End `block` with a terminator of `source`'s terminator's kind."""
    loc, ip = b.location, ir.InsertionPoint(block)
    terminator = list(source.operations)[-1].operation
    if terminator.name == "scf.condition":
        scf.ConditionOp(values[0], values[1:], loc=loc, ip=ip)
    else:
        scf.YieldOp(values, loc=loc, ip=ip)


def body_jvp(b, source: ir.Block, block: ir.Block, args: list, tangent_args: dict, captured: dict):
    """JVP of region body `source` into the new `block`: its arguments map to
    `args`, those of `tangent_args` (source argument -> new tangent argument)
    carry tangents, as do the `captured` values. Returns the primal and tangent
    values of `source`'s terminator operands."""
    primal_map = dict(zip(source.arguments, args, strict=True))
    tangent_map = dict(captured)
    tangent_map.update(tangent_args)
    return jvp_block(b.nested(ir.InsertionPoint(block)), source, primal_map, tangent_map)


def at_end(b: Emitter, block: ir.Block) -> Emitter:
    """An emitter appending to `block` (zeros a region yields are made inside it)."""
    return b.nested(ir.InsertionPoint(block))


def with_tangents(b, primals: list, tangents: list, active: list) -> list:
    """`primals` followed by the tangents of the active ones (zeros where None)."""
    return primals + [
        b.instantiate(t, v.type) for v, t in pick(list(zip(primals, tangents, strict=True)), active)
    ]


def result_tangents(op: ir.Operation, n: int, active: list) -> Replaced:
    """Replace an op by the first `n` results of `op`, whose active results are
    followed by their tangents."""
    results = list(op.results)
    tangents = iter(results[n:])
    return Replaced(results[:n], [next(tangents) if on else None for on in active])


def for_jvp(b: Emitter, op, tangents, captured):
    bounds, inits = list(op.operands[:3]), list(op.operands[3:])
    body = op.regions[0].blocks[0]
    init_tangents = tangents[3:]

    def build(active):
        operands = bounds + with_tangents(b, inits, init_tangents, active)
        new, (block,) = shell(b, op, operands, [], [])
        args = list(block.arguments)
        carried = list(body.arguments)[1:]
        primals, yielded = body_jvp(
            b,
            body,
            block,
            args[: len(body.arguments)],
            dict(zip(pick(carried, active), args[len(body.arguments) :], strict=True)),
            captured,
        )
        terminate(b, block, body, with_tangents(at_end(b, block), primals, yielded, active))
        return new, [t is not None for t in yielded]

    new, active = until_stable(build, [t is not None for t in init_tangents])
    return result_tangents(new, len(inits), active)


def while_jvp(b: Emitter, op, tangents, captured):
    inits = list(op.operands)
    before, after = (region.blocks[0] for region in op.regions)
    n_in, n_out = len(inits), len(op.results)

    def build(active):
        carried, forwarded = active[:n_in], active[n_in:]
        operands = with_tangents(b, inits, tangents, carried)
        result_types = [r.type for r in op.results]
        result_types = result_types + [t for t, on in zip(result_types, forwarded, strict=True) if on]
        new, blocks = shell(b, op, operands, result_types, [[v.type for v in operands], result_types])
        args = list(blocks[0].arguments)
        condition, condition_tangents = body_jvp(
            b,
            before,
            blocks[0],
            args[:n_in],
            dict(zip(pick(list(before.arguments), carried), args[n_in:], strict=True)),
            captured,
        )
        terminate(
            b,
            blocks[0],
            before,
            with_tangents(
                at_end(b, blocks[0]), condition, [None] + condition_tangents[1:], [False] + forwarded
            ),
        )
        args = list(blocks[1].arguments)
        yielded, yielded_tangents = body_jvp(
            b,
            after,
            blocks[1],
            args[:n_out],
            dict(zip(pick(list(after.arguments), forwarded), args[n_out:], strict=True)),
            captured,
        )
        terminate(
            b, blocks[1], after, with_tangents(at_end(b, blocks[1]), yielded, yielded_tangents, carried)
        )
        observed = [t is not None for t in yielded_tangents + condition_tangents[1:]]
        return new, observed

    new, active = until_stable(build, [t is not None for t in tangents] + [False] * n_out)
    return result_tangents(new, n_out, active[n_in:])


def branches_jvp(b: Emitter, op, tangents, captured):
    """scf.if and scf.index_switch: each region is a branch yielding the results."""
    sources = [region.blocks[0] for region in op.regions]
    types = [r.type for r in op.results]

    def build(active):
        result_types = types + [t for t, on in zip(types, active, strict=True) if on]
        new, blocks = shell(b, op, list(op.operands), result_types, [[]] * len(sources))
        observed = [False] * len(types)
        for source, block in zip(sources, blocks, strict=True):
            primals, yielded = body_jvp(b, source, block, [], {}, captured)
            terminate(b, block, source, with_tangents(at_end(b, block), primals, yielded, active))
            observed = [o or t is not None for o, t in zip(observed, yielded, strict=True)]
        return new, observed

    new, active = until_stable(build, [False] * len(types))
    return result_tangents(new, len(types), active)


for _name, _rule in (
    ("scf.for", for_jvp),
    ("scf.while", while_jvp),
    ("scf.if", branches_jvp),
    ("scf.index_switch", branches_jvp),
):
    JVP_RULES[_name] = _rule
    CAPTURING.add(_name)
