"""Shared machinery of `lintra.numpy`: operand conversion, dtype promotion,
broadcasting, axis normalization, and running array functions eagerly.

Contract:
- `operand(x, name)` accepts a Tracer, a numpy array or scalar of a supported
  dtype, or a Python bool/int/float (weakly typed); anything else is a
  TypeError naming the function. Inside a trace, non-tracers become constants.
- `promote_operands(name, *xs, inexact=False)` converts operands to one dtype
  (JAX promotion, see `lintra.dtypes`) and broadcasts them to one shape;
  incompatible shapes are a TypeError (as in JAX). Python scalars are emitted
  directly as constants of the final dtype and shape.
- `array_function(*array_params)` decorates a function of arrays: inside a
  trace it is called as is; outside it runs through `lintra.jit` (compiled once
  per signature) with the other parameters static, and returns numpy arrays.
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

from . import dtypes
from . import primitives as prim
from .tracing import Tracer, current_trace


def is_python_scalar(x) -> bool:
    return isinstance(x, (bool, int, float)) and not isinstance(x, np.generic)


def operand_type(x, name: str) -> tuple[np.dtype, bool]:
    """(dtype, weak) of an operand, validating it."""
    if isinstance(x, Tracer):
        return x.dtype, x.weak
    if isinstance(x, np.ndarray):
        return dtypes.canonical_dtype(x.dtype, f"{name}: argument"), False
    if isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, complex):
        return dtypes.scalar_type(x)
    raise TypeError(f"{name} requires array or scalar arguments, got {type(x).__name__}")


def operand_shape(x) -> tuple:
    return tuple(x.shape) if isinstance(x, (Tracer, np.ndarray, np.generic)) else ()


def operand(x, name: str = "lintra.numpy", dtype=None) -> Tracer:
    """`x` as a Tracer in the current trace (a constant unless it already is one)."""
    x_dtype, weak = operand_type(x, name)
    if isinstance(x, Tracer):
        result = x
    else:
        result = prim.constant(np.asarray(x, dtype=x_dtype), weak=weak)
    if dtype is not None:
        result = prim.convert(result, dtypes.canonical_dtype(dtype, name))
    return result


def broadcast_shapes(name: str, *shapes) -> tuple:
    rank = max((len(s) for s in shapes), default=0)
    result = []
    for position in range(rank):
        sizes = {s[len(s) - rank + position] for s in shapes if len(s) - rank + position >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            raise TypeError(f"{name} got incompatible shapes for broadcasting: "
                            f"{', '.join(str(tuple(s)) for s in shapes)}")
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def promoted_type(name: str, *xs, inexact: bool = False) -> tuple[np.dtype, bool]:
    dtype, weak = dtypes.promote(*[operand_type(x, name) for x in xs])
    return dtypes.to_inexact(dtype, weak) if inexact else (dtype, weak)


def promote_operands(name: str, *xs, inexact: bool = False, dtype=None, weak=None,
                     shape=None) -> list[Tracer]:
    """Operands converted to their common (or the given) dtype, broadcast to their
    common shape (or to `shape`, which the caller checked)."""
    if dtype is None:
        dtype, weak = promoted_type(name, *xs, inexact=inexact)
    if shape is None:
        shape = broadcast_shapes(name, *[operand_shape(x) for x in xs])
    results = []
    for x in xs:
        if is_python_scalar(x):
            results.append(prim.full(shape, x, dtype, weak))
        else:
            results.append(prim.broadcast_to(prim.convert(operand(x, name), dtype, weak), shape))
    return results


def normalize_axis(axis: int, ndim: int, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name}: axis must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of bounds for array of dimension {ndim}")
    return int(axis) % ndim


def normalize_axes(axis, ndim: int, name: str) -> tuple:
    """`axis` (None, an int or a sequence of ints) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = [normalize_axis(a, ndim, name) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))]
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: repeated axis in {axis}")
    return tuple(sorted(axes))


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value)
    return value


class EagerCall:
    """`fun(**arrays, **static)` as a jit-able function of `arrays` (cache key: fun, static)."""

    def __init__(self, fun, static: dict):
        self.fun = fun
        self.static = static
        self.__name__ = fun.__name__
        self._lintra_key = ("eager", fun, tuple(sorted(static.items(), key=lambda kv: kv[0])))

    def __call__(self, arrays: dict):
        return self.fun(**arrays, **self.static)


def array_function(*array_params):
    """Decorator: compile and run the function when it is called outside a trace."""
    def decorate(fun):
        signature = inspect.signature(fun)

        @functools.wraps(fun)
        def wrapper(*args, **kwargs):
            if current_trace() is not None:
                return fun(*args, **kwargs)
            from .jit import jit
            bound = signature.bind(*args, **kwargs)
            arrays = {k: v for k, v in bound.arguments.items() if k in array_params}
            static = {k: _hashable(v) for k, v in bound.arguments.items() if k not in array_params}
            try:
                hash(tuple(static.items()))
            except TypeError:
                raise TypeError(f"{fun.__name__}: non-array arguments must be hashable, got "
                                f"{static}") from None
            return jit(EagerCall(fun, static))(arrays)
        return wrapper
    return decorate
