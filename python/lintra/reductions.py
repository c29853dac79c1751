"""More reductions for `lintra.numpy`: cumsum, cumprod, std, average, median,
all and any (`linalg.norm` is in `linalg.py`).

cumsum is a contraction with a constant triangular matrix; cumprod a product
reduction of a triangular masked copy (n x n per row); median the middle of
`sort`. All are built from ops with IR rules, so they are differentiable in
every transformation.
"""

from __future__ import annotations

import math

import numpy as np

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .elementwise import add, divide, isnan, multiply, sqrt, subtract, where
from .gather_prims import band_mask
from .numpy_core import normalize_axes, normalize_axis, operand, promote_operands
from .shape_ops import ravel
from .sorting import sort
from .tracing import Tracer

__all__ = ["all", "any", "average", "cumprod", "cumsum", "median", "std"]


def _sum(x: Tracer, axes, keepdims: bool) -> Tracer:
    result = prim.reduce(x, axes, "add")
    return (
        prim.reshape(result, [1 if i in axes else d for i, d in enumerate(x.shape)]) if keepdims else result
    )


def _cumulative(a, axis, dtype, name: str) -> tuple[Tracer, int]:
    a = operand(a, name)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, a.ndim, name)
    if dtype is not None:
        dtype = dtypes.canonical_dtype(dtype, name)
    else:  # bool accumulates in the default int; other dtypes keep theirs (as JAX)
        dtype = dtypes.DEFAULT_INT if dtypes.is_bool(a.dtype) else a.dtype
    return prim.convert(a, dtype, a.weak), axis


@array_function("a")
def cumsum(a, axis=None, dtype=None):
    """Running sums along `axis` (the flattened array if None)."""
    x, axis = _cumulative(a, axis, dtype, "cumsum")
    n = x.shape[axis]
    lower = prim.constant(np.tril(np.ones((n, n))).astype(x.dtype))  # [i, j] = j <= i
    dims = list(range(x.ndim))
    x_dims = dims[:axis] + [x.ndim] + dims[axis + 1 :]
    return prim.retag(prim.contract(x, lower, x_dims, [axis, x.ndim], dims, x.ndim + 1), x.weak)


@array_function("a")
def cumprod(a, axis=None, dtype=None):
    """Running products along `axis`: out[i] = prod over j <= i of a[j]."""
    x, axis = _cumulative(a, axis, dtype, "cumprod")
    n = x.shape[axis]
    # [..., i, ..., j] = x[..., j, ...] where j <= i, else 1; then a product over j.
    square = x.shape + (n,)
    last = prim.transpose(x, [d for d in range(x.ndim) if d != axis] + [axis])
    moved = prim.reshape(last, x.shape[:axis] + (1,) + x.shape[axis + 1 :] + (n,))
    columns = prim.broadcast_to(moved, square)
    mask = band_mask(square, axis, x.ndim, 0, "tril")  # j <= i
    masked = where(mask, columns, prim.full(square, 1, x.dtype))
    return prim.retag(prim.reduce(masked, [x.ndim], "mul"), x.weak)


@array_function("a")
def std(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """sqrt(var(a))."""
    return sqrt(_var(a, axis, dtype, ddof, keepdims))


def _var(a, axis, dtype, ddof, keepdims):
    a = operand(a, "std")
    dtype = dtype or dtypes.to_inexact(a.dtype, a.weak)[0]
    a = prim.convert(a, dtypes.canonical_dtype(dtype, "std"), a.weak)
    axes = normalize_axes(axis, a.ndim, "std")
    count = math.prod(a.shape[i] for i in axes)
    mean = divide(_sum(a, axes, True), float(count))
    centered = subtract(a, prim.broadcast_to(mean, a.shape))
    return divide(_sum(multiply(centered, centered), axes, keepdims), float(count - ddof))


@array_function("a", "weights")
def average(a, axis=None, weights=None, returned=False, keepdims=False):
    """The weighted mean sum(a * w) / sum(w) along `axis` (w of a's shape, or 1-D
    along a single axis); with `returned`, also sum(w)."""
    a = operand(a, "average")
    axes = normalize_axes(axis, a.ndim, "average")
    if weights is None:
        (a,) = promote_operands("average", a, inexact=True)
        total = prim.full(
            [1 if i in axes else d for i, d in enumerate(a.shape)]
            if keepdims
            else [d for i, d in enumerate(a.shape) if i not in axes],
            float(math.prod(a.shape[i] for i in axes)),
            a.dtype,
        )
        result = divide(_sum(a, axes, keepdims), total)
        return (result, total) if returned else result
    weights = operand(weights, "average")
    if weights.shape != a.shape:
        if axis is None or weights.ndim != 1 or len(axes) != 1:
            raise ValueError("average: weights must have the shape of a, or be 1-D along a single axis")
        if weights.shape[0] != a.shape[axes[0]]:
            raise ValueError("average: length of weights not compatible with specified axis")
        shape = [1] * a.ndim
        shape[axes[0]] = weights.shape[0]
        weights = prim.reshape(weights, shape)
    a, weights = promote_operands("average", a, weights, inexact=True)
    total = _sum(weights, axes, keepdims)
    result = divide(_sum(multiply(a, weights), axes, keepdims), total)
    return (result, total) if returned else result


@array_function("a")
def median(a, axis=None, keepdims=False):
    """The middle value (mean of the two middle values) along `axis`; NaN if the
    reduced elements hold a NaN."""
    a = operand(a, "median")
    (a,) = promote_operands("median", a, inexact=True)
    if axis is not None and not isinstance(axis, int):
        raise NotImplementedError("median: axis must be None or an int")
    x = ravel(a) if axis is None else a
    axis_ = 0 if axis is None else normalize_axis(axis, a.ndim, "median")
    ordered = sort(x, axis=axis_)
    n = x.shape[axis_]
    offsets = [0] * x.ndim
    sizes = list(x.shape)
    sizes[axis_] = 1
    pieces = []
    for k in sorted({(n - 1) // 2, n // 2}):
        offsets[axis_] = k
        pieces.append(prim.extract_slice(ordered, offsets, sizes, [1] * x.ndim))
    middle = pieces[0] if len(pieces) == 1 else divide(add(pieces[0], pieces[1]), 2.0)
    has_nan = prim.reduce(isnan(x), [axis_], "max")
    has_nan = prim.reshape(has_nan, sizes)
    result = where(has_nan, np.nan, middle)
    if keepdims:
        return prim.reshape(result, (1,) * a.ndim) if axis is None else result
    return prim.reshape(result, [d for i, d in enumerate(sizes) if i != axis_])


def _boolean_reduce(a, axis, keepdims, kind: str, name: str) -> Tracer:
    a = operand(a, name)
    flags = prim.convert(a, dtypes.BOOL)
    axes = normalize_axes(axis, a.ndim, name)
    result = prim.reduce(flags, axes, kind)
    return (
        prim.reshape(result, [1 if i in axes else d for i, d in enumerate(a.shape)]) if keepdims else result
    )


@array_function("a")
def all(a, axis=None, keepdims=False):
    """Whether every element along `axis` is nonzero (True)."""
    return _boolean_reduce(a, axis, keepdims, "min", "all")


@array_function("a")
def any(a, axis=None, keepdims=False):
    """Whether some element along `axis` is nonzero (True)."""
    return _boolean_reduce(a, axis, keepdims, "max", "any")
