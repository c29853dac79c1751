"""Array creation and conversion for `lintra.numpy`: asarray/array, astype,
zeros, ones, full (and the *_like forms), arange, linspace, eye, identity,
shape and ndim. Outside a trace the creation functions return numpy arrays,
inside one constants; `linspace` with traced scalar bounds is computed (and
differentiable).
"""

from __future__ import annotations

import builtins

import numpy as np

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .elementwise import add, divide, multiply, subtract
from .numpy_core import operand, operand_shape, operand_type
from .shape_ops import _shape_tuple, basic_getitem, broadcast_to, concatenate, reshape, stack
from .tracing import Tracer, current_trace


def asarray(a, dtype=None):
    """`a` (an array, scalar, or nested list) as an array: a Tracer inside a trace,
    a numpy array outside."""
    if isinstance(a, (list, tuple)):
        if current_trace() is not None and builtins.any(isinstance(x, Tracer) for x in a):
            return stack([asarray(x, dtype) for x in a])
        a = np.asarray(a)
    if current_trace() is None:
        dtype = operand_type(a, "asarray")[0] if dtype is None else dtype
        return np.asarray(a, dtype=dtypes.canonical_dtype(dtype, "asarray"))
    return operand(a, "asarray", dtype)


array = asarray


def astype(x, dtype):
    return _astype(x, dtypes.canonical_dtype(dtype, "astype"))


@array_function("x")
def _astype(x, dtype):
    return prim.convert(operand(x, "astype"), dtype)


def _creation(values: np.ndarray, weak: bool = False):
    return values if current_trace() is None else prim.constant(values, weak=weak)


def _static(value, name: str):
    if isinstance(value, Tracer):
        raise TypeError(f"{name} requires static (concrete) arguments, got a traced array")
    return value


def zeros(shape, dtype=None):
    return full(shape, 0, dtype or np.float64)


def ones(shape, dtype=None):
    return full(shape, 1, dtype or np.float64)


def full(shape, fill_value, dtype=None):
    """An array of `shape` filled with `fill_value` (a scalar or a broadcastable array)."""
    shape = _shape_tuple(shape, "full")
    if isinstance(fill_value, Tracer):
        value = fill_value if dtype is None else astype(fill_value, dtype)
        return broadcast_to(value, shape)
    if dtype is not None:
        fill_dtype, weak = dtypes.canonical_dtype(dtype, "full"), False
    elif np.ndim(fill_value) == 0:
        fill_dtype, weak = dtypes.scalar_type(fill_value)  # a Python scalar is weakly typed
    else:
        fill_dtype, weak = dtypes.canonical_dtype(np.asarray(fill_value).dtype, "full"), False
    return _creation(np.full(shape, fill_value, dtype=fill_dtype), weak)


def full_like(a, fill_value, dtype=None, shape=None):
    a_dtype = a.dtype if isinstance(a, (Tracer, np.ndarray)) else dtypes.scalar_type(a)[0]
    return full(operand_shape(a) if shape is None else shape, fill_value, dtype or a_dtype)


def zeros_like(a, dtype=None, shape=None):
    return full_like(a, 0, dtype, shape)


def ones_like(a, dtype=None, shape=None):
    return full_like(a, 1, dtype, shape)


def arange(start, stop=None, step=None, dtype=None):
    values = [_static(v, "arange") for v in (start, stop, step) if v is not None]
    default = (
        dtypes.DEFAULT_INT
        if builtins.all(isinstance(v, (int, np.integer)) for v in values)
        else dtypes.DEFAULT_FLOAT
    )
    dtype = dtypes.canonical_dtype(dtype or default, "arange")
    return _creation(np.arange(*values, dtype=dtype))


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """`num` evenly spaced values from start to stop; traced scalar bounds give a
    differentiable start + i * (stop - start) / div (the last one exactly stop)."""
    if isinstance(start, Tracer) or isinstance(stop, Tracer):
        return _traced_linspace(start, stop, int(num), endpoint, dtype)
    values = np.linspace(start, stop, num, endpoint=endpoint)
    return _creation(values.astype(dtypes.canonical_dtype(dtype or np.float64, "linspace")))


def _traced_linspace(start, stop, num: int, endpoint: bool, dtype):
    if operand_shape(start) or operand_shape(stop):
        raise NotImplementedError("linspace: traced start and stop must be scalars")
    dtype = (
        dtypes.canonical_dtype(dtype, "linspace")
        if dtype
        else dtypes.promote(
            dtypes.to_inexact(*operand_type(start, "linspace")),
            dtypes.to_inexact(*operand_type(stop, "linspace")),
        )[0]
    )
    start, stop = astype(start, dtype), astype(stop, dtype)
    div = num - 1 if endpoint else num
    step = divide(subtract(stop, start), float(builtins.max(div, 1)))
    values = add(
        broadcast_to(start, (num,)),
        multiply(prim.constant(np.arange(num, dtype=dtype)), broadcast_to(step, (num,))),
    )
    if endpoint and num > 1:
        values = concatenate([basic_getitem(values, slice(0, num - 1)), reshape(stop, (1,))])
    return values


def eye(N, M=None, k=0, dtype=None):
    return _creation(np.eye(N, M, k, dtype=dtypes.canonical_dtype(dtype or np.float64, "eye")))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def shape(a) -> tuple:
    return operand_shape(a)


def ndim(a) -> int:
    return len(operand_shape(a))
