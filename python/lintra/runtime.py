"""A JIT runner for tensor-level MLIR functions, on the MLIR ExecutionEngine.

    exe = compile_function(module_or_text, "f")
    outputs = exe(np.ones(4, np.float32), 2.0)   # tuple of numpy arrays

Contract:
- `compile_function(module, name)` accepts an `ir.Module` (never mutated: it
  is re-parsed from its text in a fresh `lintra.dialect.make_context()`) or
  MLIR text. `@name` must take and return scalars (f32, f64, i1, i32, i64,
  index) or statically shaped ranked tensors of those; otherwise ValueError.
  A tensor of i1 is a numpy bool array (one byte per element). IR that cannot
  be lowered raises `LintraError`; a static buffer larger than the memory
  available (`available_memory()`) raises MemoryError naming its size and
  location, where malloc would return null when run.
- The module gets an entry function `@__lintra_entry` in destination-passing
  style: it takes @name's arguments plus one output memref per result (a 0-d
  memref for a scalar), calls @name and writes every result into its output.
  @name then becomes private, so the inliner drops it once inlined into the
  entry: LLVM compiles it once, not twice.
  Then `lintra-lower-to-llvm` lowers everything and an ExecutionEngine is made.
- `Executable.__call__(*args)` checks argument count (TypeError), kinds and
  dtypes (TypeError) and shapes (ValueError); tensor arguments must be numpy
  arrays of exactly the element type's dtype, scalar arguments may be Python
  or numpy scalars (or 0-d arrays) of the same kind (float for f32/f64, int
  for integers and index, bool for i1). Inputs are copied: the caller's arrays
  are never modified. It returns a tuple of fresh numpy arrays, one per
  result; a scalar result is a 0-d array.
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource

import numpy as np
from mlir import ir
from mlir.dialects import bufferization, func, memref
from mlir.execution_engine import ExecutionEngine
from mlir.runtime import make_nd_memref_descriptor, make_zero_d_memref_descriptor

from lintra.dialect import make_context
from lintra.dtypes import ELEMENT_DTYPES
from lintra.passes.diagnostics import format_location
from lintra.passes.lintra_lower_to_llvm import BufferTooLarge, LintraLowerToLlvm, runtime_libraries

ENTRY_NAME = "__lintra_entry"


def numpy_dtype(element_type) -> np.dtype:
    """The numpy dtype of an MLIR element type (an `ir.Type` or its text)."""
    key = str(element_type)
    if key not in ELEMENT_DTYPES:
        raise ValueError(f"unsupported element type '{key}' (supported: {', '.join(ELEMENT_DTYPES)})")
    return ELEMENT_DTYPES[key]


def mlir_element_type(dtype) -> str:
    """The MLIR element type text of a numpy dtype (int64 maps to i64, not index)."""
    dtype = np.dtype(dtype)
    for key, value in ELEMENT_DTYPES.items():
        if value == dtype:
            return key
    raise ValueError(f"unsupported numpy dtype '{dtype}'")


class _Slot:
    """One argument or result of @name: its MLIR type text, dtype and shape."""

    def __init__(self, mlir_type: ir.Type, what: str):
        self.type = mlir_type
        self.type_text = str(mlir_type)
        if isinstance(mlir_type, ir.RankedTensorType):
            if not mlir_type.has_static_shape:
                raise ValueError(f"{what}: tensor type {mlir_type} must have a static shape")
            self.is_tensor = True
            self.shape = tuple(mlir_type.shape)
            self.element = str(mlir_type.element_type)
        elif isinstance(mlir_type, ir.ShapedType):
            raise ValueError(f"{what}: type {mlir_type} is not supported (use a ranked tensor)")
        else:
            self.is_tensor = False
            self.shape = ()
            self.element = str(mlir_type)
        try:
            self.dtype = numpy_dtype(self.element)
        except ValueError as error:
            raise ValueError(f"{what}: {error}") from None
        # Memrefs of i1 become memrefs of i8 when lowered (store_i1_as_i8): a bool
        # is one byte, as in numpy.
        self.memref_type = ir.MemRefType.get(list(self.shape), ir.Type.parse(self.element))


def _find_function(module: ir.Module, name: str) -> func.FuncOp:
    table = ir.SymbolTable(module.operation)
    if name not in table or not isinstance(table[name], func.FuncOp):
        raise ValueError(f"no func.func @{name} in the module")
    return table[name]


def _add_entry(module: ir.Module, name: str, inputs: list[_Slot], results: list[_Slot]) -> None:
    """Append the destination-passing entry function: @name's arguments, then one
    output memref per result; it calls @name and writes each result to its memref."""
    with ir.InsertionPoint(module.body):

        @func.FuncOp.from_py_func(
            *[s.type for s in inputs], *[s.memref_type for s in results], name=ENTRY_NAME
        )
        def entry(*args):
            call = func.CallOp([s.type for s in results], name, list(args[: len(inputs)]))
            for value, output, slot in zip(call.results, args[len(inputs) :], results, strict=True):
                if slot.is_tensor:
                    bufferization.MaterializeInDestinationOp(
                        None, value, output, restrict=True, writable=True
                    )
                else:
                    memref.StoreOp(value, output, [])

    entry.func_op.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()


class Executable:
    """A compiled `@name`; call it with numpy arguments (see the module docstring)."""

    def __init__(self, name, inputs, results, context, module, engine, lowered_text):
        self.name = name
        self._inputs = inputs
        self._results = results
        self._context = context  # keep the context and module alive with the engine
        self._module = module
        self._engine = engine
        self._entry = engine.lookup(ENTRY_NAME)
        self.lowered_text = lowered_text

    @property
    def input_types(self) -> tuple[str, ...]:
        return tuple(slot.type_text for slot in self._inputs)

    @property
    def result_types(self) -> tuple[str, ...]:
        return tuple(slot.type_text for slot in self._results)

    def __repr__(self) -> str:
        return (
            f"Executable(@{self.name}: ({', '.join(self.input_types)}) -> ({', '.join(self.result_types)}))"
        )

    def __call__(self, *args):
        if len(args) != len(self._inputs):
            raise TypeError(
                f"@{self.name} takes {len(self._inputs)} arguments ({', '.join(self.input_types)}), "
                f"got {len(args)}"
            )
        keep_alive = []
        pointers = []
        for index, (arg, slot) in enumerate(zip(args, self._inputs, strict=True)):
            if slot.is_tensor:
                array = _check_array(arg, slot, f"@{self.name} argument #{index}")
                pointers.append(_memref_pointer(array, keep_alive))
            else:
                value = _check_scalar(arg, slot, f"@{self.name} argument #{index}")
                cvalue = np.ctypeslib.as_ctypes_type(slot.dtype)(value)
                keep_alive.append(cvalue)
                pointers.append(ctypes.pointer(cvalue))
        outputs = [np.zeros(slot.shape, slot.dtype) for slot in self._results]
        for output in outputs:
            pointers.append(_memref_pointer(output, keep_alive))
        packed = (ctypes.c_void_p * len(pointers))()
        for position, pointer in enumerate(pointers):
            packed[position] = ctypes.cast(pointer, ctypes.c_void_p)
        self._entry(packed)
        return tuple(outputs)


@functools.lru_cache(maxsize=None)
def _descriptor_class(rank: int, element_ctype):
    """One ctypes struct class per (rank, element): fresh classes per call would leak."""
    if rank == 0:
        return make_zero_d_memref_descriptor(element_ctype)
    return make_nd_memref_descriptor(rank, element_ctype)


def _memref_pointer(array: np.ndarray, keep_alive: list):
    """A pointer to a pointer to a memref descriptor of the C-contiguous `array`."""
    element_ctype = np.ctypeslib.as_ctypes_type(array.dtype)
    descriptor = _descriptor_class(array.ndim, element_ctype)()
    descriptor.allocated = array.ctypes.data
    descriptor.aligned = array.ctypes.data_as(ctypes.POINTER(element_ctype))
    descriptor.offset = 0
    if array.ndim:
        descriptor.shape[:] = array.shape
        descriptor.strides[:] = [stride // array.itemsize for stride in array.strides]
    pointer = ctypes.pointer(descriptor)
    keep_alive.extend((array, descriptor, pointer))
    return ctypes.pointer(pointer)


def _check_array(arg, slot: _Slot, what: str) -> np.ndarray:
    if not isinstance(arg, np.ndarray):
        raise TypeError(f"{what} must be a numpy array of type {slot.type_text}, got {type(arg).__name__}")
    if arg.dtype != slot.dtype:
        raise TypeError(f"{what} must have dtype {slot.dtype} for {slot.type_text}, got {arg.dtype}")
    if arg.shape != slot.shape:
        raise ValueError(f"{what} must have shape {slot.shape} for {slot.type_text}, got {arg.shape}")
    return np.array(arg, dtype=slot.dtype, order="C", copy=True)


def _check_scalar(arg, slot: _Slot, what: str):
    if isinstance(arg, np.ndarray):
        if arg.ndim != 0:
            raise ValueError(
                f"{what} must be a scalar of type {slot.type_text}, got an array of shape {arg.shape}"
            )
        arg = arg[()]
    if slot.element == "i1":
        if not isinstance(arg, (bool, np.bool_)):
            raise TypeError(f"{what} must be a bool for i1, got {type(arg).__name__}")
        return bool(arg)
    if isinstance(arg, (bool, np.bool_)):
        raise TypeError(f"{what} must be a number for {slot.type_text}, got a bool")
    if slot.dtype.kind == "f":
        if not isinstance(arg, (int, float, np.integer, np.floating)):
            raise TypeError(f"{what} must be a real number for {slot.type_text}, got {type(arg).__name__}")
        return float(arg)
    if not isinstance(arg, (int, np.integer)):
        raise TypeError(f"{what} must be an integer for {slot.type_text}, got {type(arg).__name__}")
    info = np.iinfo(slot.dtype)
    if not info.min <= int(arg) <= info.max:
        raise ValueError(f"{what} = {arg} does not fit in {slot.type_text}")
    return int(arg)


def _kilobytes(path: str, keys) -> int:
    """The sum of the `keys` fields (in kB) of a /proc file such as /proc/meminfo."""
    with open(path) as lines:
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return sum(int(fields[key].split()[0]) * 1024 for key in keys)


def available_memory() -> int:
    """Bytes a new allocation can get: MemAvailable plus SwapFree (or the physical
    memory where /proc/meminfo is missing), and at most the address space left
    under RLIMIT_AS."""
    try:
        bound = _kilobytes("/proc/meminfo", ("MemAvailable", "SwapFree"))
    except (OSError, KeyError, ValueError):
        bound = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    address_space = resource.getrlimit(resource.RLIMIT_AS)[0]
    if address_space != resource.RLIM_INFINITY:
        try:
            bound = min(bound, address_space - _kilobytes("/proc/self/status", ("VmSize",)))
        except (OSError, KeyError, ValueError):
            bound = min(bound, address_space)
    return max(bound, 0)


def compile_function(module, name: str, *, opt_level: int = 2) -> Executable:
    """JIT-compile `@name` of `module` (an `ir.Module` or MLIR text); see module docs."""
    if isinstance(module, ir.Module):
        text = str(module)
    elif isinstance(module, str):
        text = module
    else:
        raise TypeError(f"module must be an ir.Module or MLIR text, got {type(module).__name__}")
    context = make_context()
    with context, ir.Location.unknown():
        parsed = ir.Module.parse(text)
        function = _find_function(parsed, name)
        function_type = function.type
        if function.is_external:
            raise ValueError(f"@{name} is only a declaration")
        inputs = [_Slot(t, f"@{name} argument #{i}") for i, t in enumerate(function_type.inputs)]
        results = [_Slot(t, f"@{name} result #{i}") for i, t in enumerate(function_type.results)]
        if ENTRY_NAME in ir.SymbolTable(parsed.operation):
            raise ValueError(f"the symbol @{ENTRY_NAME} is reserved by lintra.runtime")
        _add_entry(parsed, name, inputs, results)
        function.sym_visibility = ir.StringAttr.get("private")
        try:
            LintraLowerToLlvm(max_buffer_bytes=available_memory()).run(parsed.operation)
        except BufferTooLarge as error:
            raise MemoryError(f"@{name}: {error.message} (at {format_location(error.location)})") from None
        lowered_text = str(parsed)
        engine = ExecutionEngine(parsed, opt_level=opt_level, shared_libs=runtime_libraries())
    return Executable(name, inputs, results, context, parsed, engine, lowered_text)
