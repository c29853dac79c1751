"""Dtypes of lintra arrays and JAX's type promotion (with 64-bit types enabled).

Supported dtypes: float32 and float64 (differentiable), int32, int64 and bool
(not differentiable). `ELEMENT_DTYPES` is the one table of MLIR element types
and numpy dtypes, shared with `lintra.runtime`. bool has two MLIR types, one
per use: i1 is a bool *value* (what comparisons produce; scalar arguments and
results of compiled functions), i8 (0 or 1) is a bool *in memory*: lintra's
bool arrays are tensors of i8, and the runtime writes i1 results to i8
memrefs, because the lowering cannot load or store memrefs of i1 (reproducer:
test/python/test_runtime.py::test_i1_memref_storage_workaround).

Promotion follows JAX's lattice restricted to these types, which is a chain:

    bool < int* < int32 < int64 < float* < float32 < float64

where int* and float* are the *weak* types of Python ints and floats. The
result of combining operands is the largest one; a weak result is int64 or
float64 and stays weak. So `float32_array * 2.0` is float32, `int32_array *
1.5` is a weak float64, and `int64_array + float32_array` is float32 (as in
JAX, unlike NumPy). numpy scalars (`np.float64(2)`) are not weak.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

FLOAT32, FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)
INT32, INT64 = np.dtype(np.int32), np.dtype(np.int64)
BOOL = np.dtype(np.bool_)
DEFAULT_FLOAT, DEFAULT_INT = FLOAT64, INT64

SUPPORTED = (FLOAT32, FLOAT64, INT32, INT64, BOOL)
# MLIR element type -> numpy dtype of a value of that type (index is int64).
ELEMENT_DTYPES = {"f32": FLOAT32, "f64": FLOAT64, "i1": BOOL, "i32": INT32, "i64": INT64, "index": INT64}
BOOL_STORAGE = "i8"  # the element type of bool in memory (tensors, memrefs)
# Every element type a compiled function's values may have, as numpy dtypes (the
# in-memory i8 of bools and the i8 stacks of saved conditions included).
NUMPY_OF_ELEMENT = {**ELEMENT_DTYPES, "i8": np.dtype(np.int8)}
# The element types of lintra arrays (tensors): bool in its storage type.
_ARRAY_ELEMENT = {FLOAT32: "f32", FLOAT64: "f64", INT32: "i32", INT64: "i64", BOOL: BOOL_STORAGE}
_FROM_ARRAY_ELEMENT = {text: dtype for dtype, text in _ARRAY_ELEMENT.items()}
_RANK = {BOOL: 0, INT32: 2, INT64: 3, FLOAT32: 5, FLOAT64: 6}
_WEAK_INT_RANK, _WEAK_FLOAT_RANK = 1, 4


def canonical_dtype(dtype, what: str = "array") -> np.dtype:
    """`dtype` as a supported numpy dtype; TypeError for anything else."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{what}: {dtype!r} is not a dtype") from None
    if dtype not in SUPPORTED:
        raise TypeError(
            f"{what} has unsupported dtype {dtype}; lintra supports {', '.join(str(d) for d in SUPPORTED)}"
        )
    return dtype


def is_floating(dtype) -> bool:
    return np.dtype(dtype) in (FLOAT32, FLOAT64)


def is_integer(dtype) -> bool:
    return np.dtype(dtype) in (INT32, INT64)


def is_bool(dtype) -> bool:
    return np.dtype(dtype) == BOOL


def element_type(dtype) -> ir.Type:
    """The element type of a lintra array of `dtype` (in the current context)."""
    return ir.Type.parse(_ARRAY_ELEMENT[np.dtype(dtype)])


def dtype_of_element(element: ir.Type) -> np.dtype:
    """The dtype of a lintra array with elements of type `element`."""
    text = str(element)
    if text not in _FROM_ARRAY_ELEMENT:
        raise TypeError(f"MLIR element type {text} has no lintra dtype")
    return _FROM_ARRAY_ELEMENT[text]


def _rank(dtype: np.dtype, weak: bool) -> int:
    if weak and is_integer(dtype):
        return _WEAK_INT_RANK
    if weak and is_floating(dtype):
        return _WEAK_FLOAT_RANK
    return _RANK[dtype]


def promote(*typed) -> tuple[np.dtype, bool]:
    """The (dtype, weak) that operands of the given (dtype, weak) pairs promote to."""
    best = max(typed, key=lambda pair: _rank(np.dtype(pair[0]), pair[1]))
    dtype, weak = np.dtype(best[0]), bool(best[1])
    rank = _rank(dtype, weak)
    if rank == _WEAK_INT_RANK:
        return DEFAULT_INT, True
    if rank == _WEAK_FLOAT_RANK:
        return DEFAULT_FLOAT, True
    return dtype, False


def to_inexact(dtype, weak: bool = False) -> tuple[np.dtype, bool]:
    """The float (dtype, weak) that math functions compute in (JAX's rules)."""
    dtype = np.dtype(dtype)
    if is_floating(dtype):
        return dtype, weak
    if weak:
        return DEFAULT_FLOAT, True
    return (FLOAT64, False) if dtype == INT64 else (FLOAT32, False)


def sum_dtype(dtype) -> np.dtype:
    """The dtype of a sum or product: bool and int32 accumulate in int64 (as JAX)."""
    return DEFAULT_INT if np.dtype(dtype) in (BOOL, INT32) else np.dtype(dtype)


def scalar_type(value) -> tuple[np.dtype, bool]:
    """(dtype, weak) of a Python or numpy scalar; TypeError for other values."""
    if isinstance(value, np.generic):  # before float: np.float64 subclasses float
        return canonical_dtype(value.dtype, f"scalar {value!r}"), False
    if isinstance(value, bool):
        return BOOL, False
    if isinstance(value, int):
        return DEFAULT_INT, True
    if isinstance(value, float):
        return DEFAULT_FLOAT, True
    raise TypeError(f"{value!r} of type {type(value).__name__} is not an array or a number")
