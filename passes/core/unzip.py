"""Partial evaluation ("unzipping") of a block into a primal and a linear part.

`dependents`, `replicable_values` and `needed_values` partition the ops of a
block (a JVP function's body, or a loop or branch body) into the ops that depend
on linear (tangent) values, and find the residuals: the primal values the linear
ops need, except those cheaper to re-emit (constants, fills, ...).

Ops with regions that mix both (the JVP of scf.for carries primals and tangents
together) are first split in place by `split_block`, through their
`tables.REGION_RULES` entry, into a primal op and a linear op; `propagate`
computes which results of such ops are linear without changing the IR.
"""

from __future__ import annotations

from mlir import ir

from .emit import Emitter, used_values
from .tables import REGION_RULES

# Ops cheaper to re-emit in @f_lin than to save: constants and empty tensors, and
# ops that only spread a smaller value (whose operand becomes the residual).
CONSTANT_LIKE = ("arith.constant", "tensor.empty")
SPREADING = ("linalg.fill", "tensor.splat", "linalg.broadcast")


def dependents(ops, seeds: set) -> tuple[set, set]:
    """(indices of ops depending on `seeds`, all values depending on `seeds`)."""
    dependent_values = set(seeds)
    dependent_ops = set()
    for index, op in enumerate(ops):
        if any(v in dependent_values for v in used_values(op.operation)):
            dependent_ops.add(index)
            dependent_values.update(op.operation.results)
    return dependent_ops, dependent_values


def index_arithmetic(op: ir.Operation) -> bool:
    """An arith op computing indices (a loop's slot, a reversed induction
    variable): re-emitted from its operands rather than saved."""
    return (
        op.name.startswith("arith.")
        and len(op.results) == 1
        and not len(op.regions)
        and all(isinstance(v.type, ir.IndexType) for v in list(op.operands) + list(op.results))
    )


def replicable_values(ops, excluded: set) -> set:
    """Results of the non-linear ops (indices not in `excluded`) that @f_lin
    re-emits instead of taking as residuals."""
    values: set = set()
    for index, op in enumerate(ops):
        op = op.operation
        if index in excluded:
            continue
        if (
            op.name in SPREADING
            or (op.name in CONSTANT_LIKE and not len(op.operands))
            or index_arithmetic(op)
        ):
            values.update(op.results)
    return values


def needed_values(ops, linear_ops: set, replicable: set, extra_uses) -> tuple[list, set]:
    """(residuals in first-use order, replicable values @f_lin re-emits).

    A value is needed if a linear op (or `extra_uses`) reads it, or if a needed
    replicable op reads it; needed values that are neither linear nor
    replicable are residuals.
    """
    producer = {r: op.operation for op in ops for r in op.operation.results}
    residuals: list = []
    replicated: set = set()
    pending = [v for i in sorted(linear_ops) for v in used_values(ops[i].operation)] + list(extra_uses)
    while pending:
        value = pending.pop(0)
        if value in replicable:
            if value not in replicated:
                replicated.add(value)
                pending.extend(used_values(producer[value]))
        elif value not in residuals:
            residuals.append(value)
    return residuals, replicated


def region_rule(op: ir.Operation):
    return REGION_RULES.get(op.name) if len(op.regions) else None


def propagate(ops, linear: set) -> None:
    """Add to `linear` the results of `ops` that depend on a value of `linear`
    (for region ops, as their `RegionRule.linear_results` says)."""
    for op in ops:
        op = op.operation
        if not any(v in linear for v in used_values(op)):
            continue
        rule = region_rule(op)
        flags = rule.linear_results(op, linear) if rule is not None else [True] * len(op.results)
        linear.update(r for r, flag in zip(op.results, flags, strict=True) if flag)


def split_block(ad, block: ir.Block, linear: set) -> None:
    """Split, in place, each op of `block` that reads a value of `linear` and has
    a region rule into a primal op and a linear op (`RegionRule.split`, which may
    return None to keep the op whole); `linear` grows by the linear results."""
    for op in list(block.operations)[:-1]:
        op = op.operation
        if not any(v in linear for v in used_values(op)):
            continue
        rule = region_rule(op)
        flags = rule.linear_results(op, linear) if rule is not None else [True] * len(op.results)
        replacements = None
        if rule is not None and not all(flags):
            replacements = rule.split(Emitter(ir.InsertionPoint(op), op.location, ad), op, linear)
        if replacements is None:
            linear.update(op.results)
            continue
        for old, new, flag in zip(op.results, replacements, flags, strict=True):
            old.replace_all_uses_with(new)
            if flag:
                linear.add(new)
        op.erase()
