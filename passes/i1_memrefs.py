"""Memrefs of i1 as memrefs of i8, before the LLVM stage of the lowerings.

This MLIR build's finalize-memref-to-llvm aborts the process (an assertion in
its load/store lowering) on a memref of i1
(test/regressions/upstream/finalize-memref-to-llvm-i1.mlir). Such memrefs come
from tensors of i1 that reach memory (a saved branch condition stacked by a
loop, a mask argument) and from ownership-based buffer deallocation, whose
helper passes `memref<?xi1>` ownership flags for every buffer yielded by
scf.for/scf.if/scf.while. `store_i1_as_i8` rewrites them all into memrefs of
i8, numpy's layout of bool (one byte, 0 or 1):

- every value (op result or block argument) of type `memref<...xi1>` (ranked
  with its layout and memory space kept, or unranked) becomes a memref of i8,
  so ops that only pass buffers on (alloc, alloca, cast, subview,
  reinterpret_cast, collapse/expand_shape, view, extract_strided_metadata,
  copy, dealloc, select, branches, calls, ...) stay consistent as they are;
- function types (`function_type` attributes: func.func, gpu.func) follow
  their arguments and results; `memref.global`s of i1 get an i8 type and
  initial value;
- `memref.load` of i1 becomes a load of i8 and `arith.trunci` to i1,
  `memref.store` of an i1 value stores its `arith.extui` to i8.

Any other op known to read or write the elements of a memref of i1 (vector
ops, atomics, affine loads and stores: `ELEMENT_ACCESS`) is a LintraError at
that op, as is a module that does not verify after the rewrite; nothing is left
for finalize-memref-to-llvm to abort on.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, memref

from .diagnostics import LintraError


def is_i1(value_type) -> bool:
    return isinstance(value_type, ir.IntegerType) and value_type.width == 1


def is_i1_memref(value_type) -> bool:
    return isinstance(value_type, (ir.MemRefType, ir.UnrankedMemRefType)) and is_i1(value_type.element_type)


# Ops (besides vector.*) that access elements of a memref and are not rewritten.
ELEMENT_ACCESS = {
    "memref.atomic_rmw",
    "memref.generic_atomic_rmw",
    "affine.load",
    "affine.store",
    "affine.vector_load",
    "affine.vector_store",
}


def widened(value_type):
    """`value_type` with memrefs of i1 (at any depth of a function type) made memrefs of i8."""
    i8 = ir.IntegerType.get_signless(8)
    if isinstance(value_type, ir.FunctionType):
        return ir.FunctionType.get(
            [widened(t) for t in value_type.inputs], [widened(t) for t in value_type.results]
        )
    if not is_i1_memref(value_type):
        return value_type
    if isinstance(value_type, ir.UnrankedMemRefType):
        return ir.UnrankedMemRefType.get(i8, value_type.memory_space)
    return ir.MemRefType.get(value_type.shape, i8, value_type.layout, value_type.memory_space)


def _values(op: ir.Operation) -> list:
    return list(op.results) + [
        arg for region in op.regions for block in region.blocks for arg in block.arguments
    ]


def _touches_i1_memref(op: ir.Operation) -> bool:
    return any(is_i1_memref(value.type) for value in list(op.operands) + _values(op))


def _widen_global(op: ir.Operation) -> None:
    """`memref.global` of i1: an i8 type, and an i8 copy of its initial value."""
    global_type = _typed_attribute(op)
    op.attributes["type"] = ir.TypeAttr.get(widened(global_type))
    if "initial_value" not in op.attributes:
        return
    initial = op.attributes["initial_value"]
    if not isinstance(initial, ir.DenseElementsAttr):
        return  # `uninitialized` (a unit attribute)
    i8_tensor = ir.RankedTensorType.get(global_type.shape, ir.IntegerType.get_signless(8))
    elements = ir.DenseIntElementsAttr(initial)
    array = np.array([elements[i] for i in range(len(elements))], np.int8).reshape(global_type.shape)
    op.attributes["initial_value"] = ir.DenseElementsAttr.get(array, type=i8_tensor)


def _widen_load(op: ir.Operation) -> None:
    """memref.load of i1 -> load of i8, then arith.trunci to i1."""
    at = ir.InsertionPoint(op)
    load = memref.LoadOp(op.operands[0], list(op.operands[1:]), loc=op.location, ip=at)
    for name in ("nontemporal", "alignment"):
        if name in op.attributes:
            load.attributes[name] = op.attributes[name]
    trunc = arith.TruncIOp(op.results[0].type, load.result, loc=op.location, ip=at)
    op.results[0].replace_all_uses_with(trunc.result)
    op.erase()


def _widen_store(op: ir.Operation) -> None:
    """memref.store of an i1 value -> store of its arith.extui to i8."""
    value = op.operands[0]
    byte = ir.IntegerType.get_signless(8)
    op.operands[0] = arith.ExtUIOp(byte, value, loc=op.location, ip=ir.InsertionPoint(op)).result


def store_i1_as_i8(module: ir.Operation) -> None:
    """Rewrite every memref of i1 in `module` into a memref of i8 (see the module docs)."""
    found = []

    def collect(op):
        if _touches_i1_memref(op) or _typed_attribute(op) != widened(_typed_attribute(op)):
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(collect)
    for op in found:
        if op.name.startswith("vector.") or op.name in ELEMENT_ACCESS:
            raise LintraError.at(
                op,
                "reads or writes a memref of i1, which this MLIR build cannot lower to LLVM"
                " (only memref.load and memref.store of i1 are rewritten to i8)",
            )
    if not found:
        return
    with module.context:
        for op in found:  # first the types, so the loads below infer i8
            for value in _values(op):
                if is_i1_memref(value.type):
                    value.set_type(widened(value.type))
        for op in found:
            if op.name == "memref.global":
                _widen_global(op)
            elif "function_type" in op.attributes:
                op.attributes["function_type"] = ir.TypeAttr.get(widened(_typed_attribute(op)))
            elif op.name == "memref.load" and is_i1(op.results[0].type):
                _widen_load(op)
            elif op.name == "memref.store" and is_i1(op.operands[0].type):
                _widen_store(op)
    try:
        module.verify()
    except ir.MLIRError as error:
        raise LintraError.from_mlir(error, "storing i1 as i8 in memory failed", module.location) from None


def _typed_attribute(op: ir.Operation):
    """The type in the `function_type` (func.func, gpu.func) or `type` (memref.global)
    attribute of `op`, or None."""
    name = "type" if op.name == "memref.global" else "function_type"
    if name not in op.attributes or not isinstance(op.attributes[name], ir.TypeAttr):
        return None
    return op.attributes[name].value
