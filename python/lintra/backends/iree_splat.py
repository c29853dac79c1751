"""tensor.splat as linalg.fill for IREE.

IREE 3.13 cannot compile a `tensor.splat` inside a host-level `scf.if` ("failed
to legalize operation 'tensor.splat' that was explicitly marked illegal";
reproducer: test/iree/upstream-splat-in-host-branch.mlir), and lintra-ad emits
splats for the tangents and residuals of branches. `splats_as_fills` rewrites
every `tensor.splat` of a statically shaped tensor into the equivalent
`linalg.fill` of a `tensor.empty`, which IREE dispatches anywhere.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import linalg, tensor


def splats_as_fills(module: ir.Module) -> None:
    """Replace each statically shaped `tensor.splat` of `module` by a `linalg.fill`."""
    found = []

    def collect(op):
        if op.name == "tensor.splat" and ir.RankedTensorType(op.results[0].type).has_static_shape:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(collect)
    for op in found:
        result_type = ir.RankedTensorType(op.results[0].type)
        with ir.InsertionPoint(op), op.location:
            empty = tensor.EmptyOp(result_type.shape, result_type.element_type).result
            op.results[0].replace_all_uses_with(linalg.fill(op.operands[0], outs=[empty]))
        op.erase()
