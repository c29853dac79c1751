"""Batching rules of the lintra AD ops, so that lintra-batch alone expands
vmap(grad(f)): the AD op is re-emitted on the callee batched on every argument.

Each batch member's derivative depends on its own primal only, so
    vmap(jvp f)(xs, ts)        = jvp(f_batched)(xs, ts)
    vmap(vjp f)(xs, cts)       = vjp(f_batched)(xs, cts)
    vmap(grad f)(xs)           = the cotangents of vjp(f_batched)(xs, ones)
    vmap(transpose g)(rs, cts) = transpose(g_batched)(rs, cts)
where every operand is batched at dim 0 (unbatched ones are broadcast, so that
each member gets its own derivative) and `f_batched` returns every result
batched. lintra-ad expands the re-emitted op afterwards. (lintra-ad itself
expands innermost first, so it never batches an AD op: it expands it first.)
"""

from __future__ import annotations

from mlir import ir

from ..core.ad_state import callee_of, function_type
from ..core.batch import batch_function
from ..core.batch_dims import Batched, batched_type, materialize
from ..core.tables import BATCH_RULES


def emit_lintra(b, name: str, callee: str, operands, result_types) -> list:
    return list(
        ir.Operation.create(
            name,
            results=list(result_types),
            operands=list(operands),
            attributes={"callee": ir.FlatSymbolRefAttr.get(callee)},
            loc=b.location,
            ip=b.ip,
        ).results
    )


def lintra_op_batch(b, op, args, size):
    callee = b.ad.lookup(callee_of(op), op)
    batched = batch_function(
        b.ad, callee, (True,) * len(function_type(callee).inputs), size, all_batched=True
    )
    operands = [materialize(b, a, size, 0) for a in args]
    types = [batched_type(r.type, size) for r in op.results]
    if op.name != "lintra.grad":
        return [Batched(r, 0) for r in emit_lintra(b, op.name, batched, operands, types)]
    # grad: the cotangents of a vjp seeded with ones, one per batch member.
    out_type = function_type(b.ad.lookup(batched)).results[0]
    results = emit_lintra(
        b, "lintra.vjp", batched, operands + [b.constant(out_type, 1.0)], [out_type] + types
    )
    return [Batched(r, 0) for r in results[1:]]


for _name in ("lintra.jvp", "lintra.vjp", "lintra.grad", "lintra.transpose"):
    BATCH_RULES[_name] = lintra_op_batch
