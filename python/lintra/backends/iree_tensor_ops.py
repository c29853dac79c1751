"""Tensor ops that IREE 3.13 rejects or miscompiles, rewritten before it sees them.

- `tensor.splat` inside a host-level `scf.if` is illegal to IREE ("failed to
  legalize operation 'tensor.splat' that was explicitly marked illegal";
  reproducer: test/iree/upstream-splat-in-host-branch.mlir), and lintra-ad
  emits splats for the tangents and residuals of branches: `splats_as_fills`
  rewrites every statically shaped `tensor.splat` into the equivalent
  `linalg.fill` of a `tensor.empty`.
- A 0-d `tensor.insert` whose destination constant a `linalg.reduce` also takes
  as its init (a transposed loop with a branch) gives zeros (reproducer:
  test/iree/upstream-0d-insert-shared-destination.mlir):
  `scalar_inserts_as_from_elements` rewrites every 0-d `tensor.insert` into
  `tensor.from_elements`, the same value with no destination.
- A scalar `tensor.insert` into a tensor of rank >= 2 writes three consecutive
  elements instead of one (into a 3x2 tensor at [0, 0]: [0, 0], [0, 1] and
  [1, 0]; past the end of the buffer at the last element), and lintra-ad emits
  such inserts for the cotangents of `tensor.extract` (reproducer:
  test/iree/upstream-insert-into-2d.mlir): `inserts_as_insert_slices` rewrites
  each into the `tensor.insert_slice` of a 1x...x1 `tensor.from_elements`.
- Not an IREE bug but a version skew: this MLIR prints a non-splat constant of
  i1 elements with more than 100 elements as hex of packed bits, and IREE
  3.13's parser expects one byte per element ("elements hex data size is
  invalid"; reproducer: test/iree/upstream-packed-i1-constant.mlir), which
  `lintra.numpy.linalg.slogdet` meets from n = 11 (its diagonal mask):
  `bool_constants_as_bytes` rewrites each non-splat tensor constant of i1 into
  an i8 constant and an `arith.trunci`.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, linalg, tensor


def ops_named(module: ir.Module, name: str, accept=lambda op: True) -> list[ir.Operation]:
    """The ops called `name` in `module` that `accept`, in walk order."""
    found = []

    def collect(op):
        if op.name == name and accept(op):
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(collect)
    return found


def replace(op: ir.Operation, build) -> None:
    """Replace `op`'s single result by `build()`, emitted just before `op`."""
    with ir.InsertionPoint(op), op.location:
        op.results[0].replace_all_uses_with(build())
    op.erase()


def splats_as_fills(module: ir.Module) -> None:
    """Replace each statically shaped `tensor.splat` of `module` by a `linalg.fill`."""
    static = lambda op: ir.RankedTensorType(op.results[0].type).has_static_shape  # noqa: E731
    for op in ops_named(module, "tensor.splat", static):
        result_type = ir.RankedTensorType(op.results[0].type)

        def fill(op=op, result_type=result_type):
            empty = tensor.EmptyOp(result_type.shape, result_type.element_type).result
            return linalg.fill(op.operands[0], outs=[empty])

        replace(op, fill)


def scalar_inserts_as_from_elements(module: ir.Module) -> None:
    """Replace each 0-d `tensor.insert` of `module` by `tensor.from_elements`."""
    zero_d = lambda op: ir.RankedTensorType(op.results[0].type).rank == 0  # noqa: E731
    for op in ops_named(module, "tensor.insert", zero_d):
        replace(op, lambda op=op: tensor.FromElementsOp(op.results[0].type, [op.operands[0]]).result)


def inserts_as_insert_slices(module: ir.Module) -> None:
    """Replace each `tensor.insert` into a tensor of rank >= 2 by the
    `tensor.insert_slice` of a 1x...x1 tensor holding the scalar."""
    at_least_2d = lambda op: ir.RankedTensorType(op.results[0].type).rank >= 2  # noqa: E731
    for op in ops_named(module, "tensor.insert", at_least_2d):
        scalar, dest, *indices = op.operands
        rank = len(indices)

        def insert_slice(scalar=scalar, dest=dest, indices=indices, rank=rank):
            unit = tensor.FromElementsOp(ir.RankedTensorType.get([1] * rank, scalar.type), [scalar]).result
            dynamic = [ir.ShapedType.get_dynamic_size()] * rank
            return tensor.insert_slice(unit, dest, indices, [], [], dynamic, [1] * rank, [1] * rank)

        replace(op, insert_slice)


def bool_constants_as_bytes(module: ir.Module) -> None:
    """Replace each non-splat `arith.constant` tensor of i1 by an i8 constant truncated to i1."""

    def packed(op):
        value = op.attributes["value"]
        return (
            isinstance(value, ir.DenseIntElementsAttr)
            and not value.is_splat
            and ir.IntegerType(ir.ShapedType(value.type).element_type).width == 1
        )

    for op in ops_named(module, "arith.constant", packed):
        result_type = ir.RankedTensorType(op.results[0].type)
        i8 = ir.RankedTensorType.get(result_type.shape, ir.IntegerType.get_signless(8))
        values = np.array(op.attributes["value"]).astype(np.int8)
        replace(
            op,
            lambda result_type=result_type, i8=i8, values=values: arith.trunci(
                result_type, arith.constant(i8, ir.DenseElementsAttr.get(values, type=i8))
            ),
        )
