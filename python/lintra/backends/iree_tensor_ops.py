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
- A reduction to a 0-d tensor runs once each loop that no operand its body
  reads indexes (a body adding 1 per element counts 1, not 5), and a
  `linalg.fill` of a non-constant scalar that IREE fuses into a reduction
  (directly or through elementwise ops) leaves its body reading no operand: the
  sum of 8 copies of x is x (reproducer:
  test/iree/upstream-full-reduce-of-scalar-fill.mlir). The fills of
  `splats_as_fills` and the fuzzer's generics give such reductions:
  `index_unread_reduced_loops` makes each such `linalg.generic` or
  `linalg.reduce` with 0-d (or 1x...x1) results read `linalg.index` of those loops, adding
  `sitofp(index) * -0.0` (exactly -0.0, which leaves every float, -0.0 and NaN
  included, unchanged) to the first float its body yields. (Broadcasts of a
  0-d tensor in place of every fill make IREE's stream partitioning reject
  other programs: "circular dependency".)
"""

from __future__ import annotations

import re

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


def _is_constant(value: ir.Value) -> bool:
    owner = value.owner
    return isinstance(owner, ir.OpView) and owner.operation.name == "arith.constant"


def _reduces_to_one_element(op: ir.Operation) -> bool:
    """`op` is a linalg op (not a fill) whose results each hold one element (0-d,
    or 1x...x1, which IREE folds to 0-d): all its loops reduce, or run once."""
    return (
        op.name.startswith("linalg.")
        and op.name != "linalg.fill"
        and len(op.results) > 0
        and all(
            isinstance(r.type, ir.RankedTensorType) and all(n == 1 for n in ir.RankedTensorType(r.type).shape)
            for r in op.results
        )
    )


def _inputs(op: ir.Operation) -> list[ir.Value]:
    """The operands of `op` less a linalg op's inits (its last operands, one per result)."""
    operands = list(op.operands)
    return operands[: len(operands) - len(op.results)] if op.name.startswith("linalg.") else operands


def _elementwise(op: ir.Operation) -> bool:
    """`op` is an arith or math op on tensors, a `linalg.map`, or a `linalg.generic` of parallel loops."""
    if op.name == "linalg.generic":
        return all("parallel" in str(t) for t in ir.ArrayAttr(op.attributes["iterator_types"]))
    tensors = len(op.results) > 0 and all(isinstance(r.type, ir.RankedTensorType) for r in op.results)
    return op.name == "linalg.map" or (op.name.split(".")[0] in ("arith", "math") and tensors)


def _from_scalar_fill(value: ir.Value, depth: int = 8) -> bool:
    """`value` is a `linalg.fill` of a non-constant scalar, or an elementwise op
    (`_elementwise`) of one, which IREE fuses into the ops reading it."""
    owner = value.owner
    if depth == 0 or not isinstance(owner, ir.OpView):
        return False
    op = owner.operation
    if op.name == "linalg.fill":
        return not _is_constant(op.operands[0])
    return _elementwise(op) and any(
        isinstance(v.type, ir.RankedTensorType) and _from_scalar_fill(v, depth - 1) for v in _inputs(op)
    )


def _unread_loops(op: ir.Operation) -> list[int]:
    """The loops of the linalg op `op` (with 0-d results) that no operand whose
    block argument its body reads indexes, after IREE fuses into it its inputs
    that `_from_scalar_fill`."""
    if op.name != "linalg.generic":  # a linalg.reduce to 0-d: its loops are its input's dimensions
        fused = any(_from_scalar_fill(v) for v in _inputs(op))
        return list(range(ir.RankedTensorType(op.operands[0].type).rank)) if fused else []
    loops = len(ir.ArrayAttr(op.attributes["iterator_types"]))
    if any(_from_scalar_fill(v) for v in _inputs(op)):
        return list(range(loops))
    block = op.regions[0].blocks[0]
    maps = [str(ir.AffineMapAttr(m).value) for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    read = set()
    for argument, map_ in zip(block.arguments, maps, strict=True):
        if any(True for _ in argument.uses):
            read |= {int(d) for d in re.findall(r"d(\d+)", map_.split("->")[1])}
    return [d for d in range(loops) if d not in read]


def index_unread_reduced_loops(module: ir.Module) -> None:
    """In each `linalg.generic` or `linalg.reduce` with one-element results and a loop
    `_unread_loops`, add `sitofp(linalg.index d) * -0.0` for each such loop `d`
    to the first float the body yields (see the module docstring)."""
    accept = lambda op: op.name in ("linalg.generic", "linalg.reduce") and _reduces_to_one_element(op)  # noqa: E731
    for op in ops_named(module, "linalg.generic", accept) + ops_named(module, "linalg.reduce", accept):
        unread = _unread_loops(op)
        yield_ = op.regions[0].blocks[0].operations[-1]
        floats = [i for i, v in enumerate(yield_.operands) if isinstance(v.type, ir.FloatType)]
        if not unread or not floats:
            continue
        value = yield_.operands[floats[0]]
        with ir.InsertionPoint(yield_), op.location:
            i64 = ir.IntegerType.get_signless(64)
            negative_zero = arith.constant(value.type, -0.0)
            for d in unread:
                index = arith.index_cast(i64, linalg.IndexOp(d).result)
                value = arith.addf(value, arith.mulf(arith.sitofp(value.type, index), negative_zero))
        yield_.operands[floats[0]] = value
