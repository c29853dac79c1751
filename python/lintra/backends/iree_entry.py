"""The entry function lintra exports to IREE, built around `@name` of a module.

IREE's function ABI passes arrays as buffer views; lintra gives it only
tensors of f32/f64/i8/i32/i64. So `wrap_for_iree(text, name)` parses the module,
makes every function private (IREE then compiles only what the entry reaches)
and adds the public `@__lintra_entry` that takes and returns tensors:

- a scalar argument or result of @name crosses as a 0-d tensor
  (`tensor.extract` / `tensor.from_elements`);
- i1 (scalar or tensor) crosses as i8 (`arith.extui` / `arith.trunci`);
- index crosses as i64 (`arith.index_cast`).

`pre_fused(text)` is what the backend compiles when IREE rejects a module:
its elementwise ops turned into `linalg.generic`s and fused (`PRE_FUSION`).
IREE 3.13 fails to compile the plain softmax pattern (reduce, broadcast, subf,
exp, reduce, broadcast, divf) on llvm-cpu, see
test/regressions/iree-softmax-workgroup-distribution.mlir. It is only a
fallback: the fusion can fold elementwise ops into contractions, which IREE
then no longer compiles as matmuls, or into broadcasts, recomputing them.

`wrap_for_iree` returns the new module text and the `Slot`s of the arguments and results:
what numpy dtype and shape each has at the boundary.
"""

from __future__ import annotations

import functools

import numpy as np
from mlir import ir
from mlir.dialects import arith, func, tensor
from mlir.passmanager import PassManager

from lintra.dialect import make_context
from lintra.dtypes import NUMPY_OF_ELEMENT
from lintra.exported import ENTRY_NAME, Slot

from .index_switch import switches_as_ifs
from .iree_math import rewrite_log1p_expm1
from .iree_tensor_ops import (
    bool_constants_as_bytes,
    index_unread_reduced_loops,
    inserts_as_insert_slices,
    scalar_inserts_as_from_elements,
    splats_as_fills,
)

_BOUNDARY_ELEMENT = {"i1": "i8", "index": "i64"}
PRE_FUSION = "builtin.module(func.func(convert-elementwise-to-linalg,linalg-fuse-elementwise-ops))"


def _parts(type_: ir.Type, what: str):
    """(shape, element type, is_tensor) of a scalar or static ranked tensor type."""
    if isinstance(type_, ir.RankedTensorType):
        if not type_.has_static_shape:
            raise ValueError(f"{what}: tensor type {type_} must have a static shape")
        return tuple(type_.shape), type_.element_type, True
    if isinstance(type_, ir.ShapedType):
        raise ValueError(f"{what}: type {type_} is not supported (use a ranked tensor)")
    return (), type_, False


def _slot(type_: ir.Type, what: str) -> Slot:
    shape, element, is_tensor = _parts(type_, what)
    if str(element) not in NUMPY_OF_ELEMENT:
        raise ValueError(
            f"{what}: unsupported element type '{element}' (supported: {', '.join(NUMPY_OF_ELEMENT)})"
        )
    return Slot(str(type_), np.dtype(NUMPY_OF_ELEMENT[str(element)]), shape, is_tensor)


def _boundary_type(type_: ir.Type) -> ir.Type:
    shape, element, _ = _parts(type_, "")
    name = _BOUNDARY_ELEMENT.get(str(element))
    if name is not None:
        element = ir.IntegerType.get_signless(int(name[1:]))
    return ir.RankedTensorType.get(list(shape), element)


def _convert_element(value: ir.Value, target: ir.Type) -> ir.Value:
    """`value` (element type or tensor of it) converted to `target`'s element type."""
    source_element = _parts(value.type, "")[1]
    target_element = _parts(target, "")[1]
    if source_element == target_element:
        return value
    if isinstance(source_element, ir.IndexType) or isinstance(target_element, ir.IndexType):
        return arith.index_cast(target, value)
    if ir.IntegerType(source_element).width < ir.IntegerType(target_element).width:
        return arith.extui(target, value)
    return arith.trunci(target, value)


def _to_inner(value: ir.Value, inner: ir.Type) -> ir.Value:
    """A boundary tensor value as @name's argument type."""
    if not _parts(inner, "")[2]:
        value = tensor.extract(value, [])
    return _convert_element(value, inner)


def _to_boundary(value: ir.Value, boundary: ir.Type) -> ir.Value:
    """A result of @name as its boundary tensor type."""
    if not isinstance(value.type, ir.RankedTensorType):
        element = _parts(boundary, "")[1]
        return tensor.from_elements(boundary, [_convert_element(value, element)])
    return _convert_element(value, boundary)


def _find_function(module: ir.Module, name: str):
    for op in module.body.operations:
        if isinstance(op, func.FuncOp) and op.sym_name.value == name:
            return op
    raise ValueError(f"no func.func @{name} in the module")


@functools.cache
def _context() -> ir.Context:
    """One context for all wrapping (creating one costs milliseconds; modules do not outlive a call)."""
    return make_context()


def wrap_for_iree(text: str, name: str) -> tuple[str, list[Slot], list[Slot]]:
    """(module text with the public `@__lintra_entry`, argument slots, result slots)."""
    with _context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        rewrite_log1p_expm1(module)
        splats_as_fills(module)
        index_unread_reduced_loops(module)
        scalar_inserts_as_from_elements(module)
        inserts_as_insert_slices(module)
        bool_constants_as_bytes(module)
        function = _find_function(module, name)
        if len(function.regions[0].blocks) == 0:
            raise ValueError(f"@{name} is only a declaration")
        if ENTRY_NAME in ir.SymbolTable(module.operation):
            raise ValueError(f"the symbol @{ENTRY_NAME} is reserved by lintra's IREE backend")
        function_type = function.type
        inputs = [_slot(t, f"@{name} argument #{i}") for i, t in enumerate(function_type.inputs)]
        results = [_slot(t, f"@{name} result #{i}") for i, t in enumerate(function_type.results)]
        switches_as_ifs(module)
        for op in module.body.operations:
            if isinstance(op, func.FuncOp) and len(op.regions[0].blocks):
                op.attributes["sym_visibility"] = ir.StringAttr.get("private")
        in_types = [_boundary_type(t) for t in function_type.inputs]
        out_types = [_boundary_type(t) for t in function_type.results]
        entry = func.FuncOp(ENTRY_NAME, (in_types, out_types), ip=ir.InsertionPoint(module.body))
        block = entry.add_entry_block()
        with ir.InsertionPoint(block):
            arguments = [_to_inner(a, t) for a, t in zip(block.arguments, function_type.inputs, strict=True)]
            call = func.CallOp(list(function_type.results), ir.FlatSymbolRefAttr.get(name), arguments)
            func.ReturnOp([_to_boundary(r, t) for r, t in zip(call.results, out_types, strict=True)])
        return str(module), inputs, results


def rewritten(text: str, rewrite) -> str:
    """`text` parsed, given to `rewrite(module)` (which changes it in place), printed."""
    with _context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        rewrite(module)
        return str(module)


def pre_fused(text: str) -> str:
    """`text` after `PRE_FUSION` (see the module docstring)."""
    return rewritten(text, lambda module: PassManager.parse(PRE_FUSION).run(module.operation))
