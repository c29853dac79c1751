"""Shared machinery of `lintra.numpy`: operand conversion, dtype promotion,
broadcasting and axis normalization (running array functions eagerly is
`lintra.eager`).

Contract:
- `operand(x, name)` accepts a Tracer, a numpy array or scalar of a supported
  dtype, or a Python bool/int/float (weakly typed); anything else is a
  TypeError naming the function. Inside a trace, non-tracers become constants.
- `promote_operands(name, *xs, inexact=False)` converts operands to one dtype
  (JAX promotion, see `lintra.dtypes`) and broadcasts them to one shape;
  incompatible shapes are a TypeError (as in JAX). Python scalars are emitted
  directly as constants of the final dtype and shape.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import dtypes
from . import primitives as prim
from .tracing import Tracer


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
            raise TypeError(
                f"{name} got incompatible shapes for broadcasting: {', '.join(str(tuple(s)) for s in shapes)}"
            )
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def promoted_type(name: str, *xs, inexact: bool = False) -> tuple[np.dtype, bool]:
    dtype, weak = dtypes.promote(*[operand_type(x, name) for x in xs])
    return dtypes.to_inexact(dtype, weak) if inexact else (dtype, weak)


def promote_operands(
    name: str, *xs, inexact: bool = False, dtype=None, weak=None, shape=None
) -> list[Tracer]:
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
