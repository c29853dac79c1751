"""Sorting and arg-reductions for `lintra.numpy`: sort, argsort, argmax, argmin.

`argsort` is stable and puts NaNs last, as JAX's. It ranks each element by
counting the elements that come before it (an n x n comparison), then
scatters the positions by rank (`gather_prims.scatter_along`); `sort` gathers
the values by that permutation (`gather_prims.gather_along`), so its JVP is
the tangent gathered by the permutation and its transpose a scatter-add. The
cost is quadratic in the length of the sorted axis.

`argmax`/`argmin` return the first index of the extremum (of the first NaN if
there is one), as int64.
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .elementwise import bitwise_and, bitwise_or, equal, invert, isnan, less, where
from .gather_prims import gather_along, scatter_along
from .numpy_core import normalize_axis, operand
from .shape_ops import ravel
from .tracing import Tracer

__all__ = ["argmax", "argmin", "argsort", "sort"]


def _axis_last(a: Tracer, axis, name: str) -> tuple[Tracer, list | None]:
    """`a` with `axis` moved last (flattened when None), and the permutation
    that moves it back (None when nothing moved)."""
    if axis is None:
        return ravel(a), None
    if a.ndim == 0:
        raise ValueError(f"{name}: axis {axis} is out of bounds for array of dimension 0")
    axis = normalize_axis(axis, a.ndim, name)
    order = [d for d in range(a.ndim) if d != axis] + [axis]
    back = [order.index(d) for d in range(a.ndim)]
    return prim.transpose(a, order), back


def _restore(x: Tracer, back) -> Tracer:
    return x if back is None else prim.transpose(x, back)


def _sorted_before(xj: Tracer, xi: Tracer) -> Tracer:
    """xj < xi in the order that puts NaNs last."""
    if not dtypes.is_floating(xj.dtype):
        return less(xj, xi)
    return bitwise_or(less(xj, xi), bitwise_and(isnan(xi), invert(isnan(xj))))


def _same(xj: Tracer, xi: Tracer) -> Tracer:
    if not dtypes.is_floating(xj.dtype):
        return equal(xj, xi)
    return bitwise_or(equal(xj, xi), bitwise_and(isnan(xi), isnan(xj)))


def permutation(x: Tracer) -> Tracer:
    """The stable ascending argsort (int64) of `x` along its last axis."""
    n = x.shape[-1]
    square = x.shape + (n,)
    xi = prim.broadcast_to(prim.reshape(x, x.shape + (1,)), square)  # [..., i, j] = x[..., i]
    xj = prim.broadcast_to(prim.reshape(x, x.shape[:-1] + (1, n)), square)  # x[..., j]
    earlier = prim.constant(np.broadcast_to(np.tril(np.ones((n, n), dtype=bool), -1), square))  # j < i
    before = bitwise_or(_sorted_before(xj, xi), bitwise_and(_same(xj, xi), earlier))
    rank = prim.reduce(prim.convert(before, dtypes.INT64), [x.ndim], "add")
    positions = prim.constant(np.broadcast_to(np.arange(n, dtype=np.int64), x.shape))
    return scatter_along(positions, rank, n)


@array_function("a")
def argsort(a, axis=-1, kind=None, order=None, stable=True, descending=False):
    """Indices that sort `a` along `axis` (stable; NaNs last)."""
    a = operand(a, "argsort")
    if descending:
        raise NotImplementedError("argsort: descending=True is not supported")
    x, back = _axis_last(a, axis, "argsort")
    return _restore(permutation(x), back)


@array_function("a")
def sort(a, axis=-1, kind=None, order=None, stable=True, descending=False):
    """`a` sorted along `axis` (NaNs last); differentiable (the tangent follows
    the sorting permutation)."""
    a = operand(a, "sort")
    x, back = _axis_last(a, axis, "sort")
    result = gather_along(x, permutation(x), x.ndim - 1)
    if descending:
        n = x.shape[-1]
        reverse = prim.constant(np.broadcast_to(np.arange(n - 1, -1, -1, dtype=np.int64), x.shape))
        result = gather_along(result, reverse, x.ndim - 1)
    return _restore(result, back)


def _arg_extremum(a, axis, keepdims: bool, kind: str, name: str) -> Tracer:
    a = operand(a, name)
    if axis is None:
        x, axis_ = ravel(a), 0
    else:
        x, axis_ = a, normalize_axis(axis, a.ndim, name)
    n = x.shape[axis_]
    extremum = prim.broadcast_to(
        prim.reshape(prim.reduce(x, [axis_], kind), x.shape[:axis_] + (1,) + x.shape[axis_ + 1 :]), x.shape
    )
    hit = bitwise_or(equal(x, extremum), isnan(x))
    shape = [1] * x.ndim
    shape[axis_] = n
    positions = prim.constant(np.broadcast_to(np.arange(n, dtype=np.int64).reshape(shape), x.shape))
    result = prim.reduce(where(hit, positions, prim.full(x.shape, n, dtypes.INT64)), [axis_], "min")
    if keepdims:
        result = prim.reshape(
            result, (1,) * a.ndim if axis is None else x.shape[:axis_] + (1,) + x.shape[axis_ + 1 :]
        )
    return result


@array_function("a")
def argmax(a, axis=None, keepdims=False):
    """The first index of the maximum (of a NaN, if any) along `axis`."""
    return _arg_extremum(a, axis, keepdims, "max", "argmax")


@array_function("a")
def argmin(a, axis=None, keepdims=False):
    """The first index of the minimum (of a NaN, if any) along `axis`."""
    return _arg_extremum(a, axis, keepdims, "min", "argmin")
