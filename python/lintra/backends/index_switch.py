"""`scf.index_switch` as a chain of `scf.if`, for IREE.

IREE 3.13 miscompiles a tensor-returning `scf.index_switch`: its stream
conversion yields the resource and its size from each region but leaves the op
with one result ("'scf.index_switch' op expected each region to return 1
values, but default region returns 2"; reproducer:
test/regressions/upstream/iree-index-switch.mlir). `switches_as_ifs(module)`
rewrites every index_switch in place, before IREE sees the module:

    %r = scf.index_switch %i -> T case 0 {A} case 1 {B} default {C}
 => %r = scf.if (%i == 0) -> T {A} else { scf.if (%i == 1) -> T {B} else {C} }
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, scf


def _move(source: ir.Region, target: ir.Block) -> None:
    for op in list(source.blocks[0].operations):
        target.append(op.operation)


def _chain(switch: ir.Operation, regions, cases, ip: ir.InsertionPoint) -> list:
    """Results of the scf.if chain testing `cases` in order (the last region: default)."""
    types = [r.type for r in switch.results]
    index = switch.operands[0]
    case = arith.ConstantOp(index.type, ir.IntegerAttr.get(index.type, cases[0]), loc=switch.location, ip=ip)
    flag = arith.CmpIOp(arith.CmpIPredicate.eq, index, case.result, loc=switch.location, ip=ip).result
    branch = scf.IfOp(flag, types, has_else=True, loc=switch.location, ip=ip)
    _move(regions[0], branch.then_block)
    if len(cases) == 1:
        _move(regions[1], branch.else_block)
    else:
        inner = _chain(switch, regions[1:], cases[1:], ir.InsertionPoint(branch.else_block))
        scf.YieldOp(inner, loc=switch.location, ip=ir.InsertionPoint(branch.else_block))
    return list(branch.results)


def switches_as_ifs(module: ir.Module) -> None:
    """Rewrite every `scf.index_switch` of `module` (innermost first) into `scf.if`s."""
    found = []

    def visit(op):
        if op.name == "scf.index_switch":
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.POST_ORDER)
    for switch in found:
        cases = list(ir.DenseI64ArrayAttr(switch.attributes["cases"]))
        regions = list(switch.regions)
        if not cases:  # only the default region
            results = _chain_default(switch, regions[0])
        else:
            results = _chain(switch, regions[1:] + regions[:1], cases, ir.InsertionPoint(switch))
        for old, new in zip(switch.results, results, strict=True):
            old.replace_all_uses_with(new)
        switch.erase()


def _chain_default(switch: ir.Operation, region: ir.Region) -> list:
    """The default region's yielded values, its ops moved before `switch`."""
    block = region.blocks[0]
    terminator = list(block.operations)[-1].operation
    values = list(terminator.operands)
    for op in list(block.operations)[:-1]:
        op.operation.move_before(switch)
    return values
