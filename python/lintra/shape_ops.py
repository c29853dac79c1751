"""Shape manipulation and basic indexing for `lintra.numpy` (jax.numpy semantics).

reshape (with one -1), ravel, transpose, expand_dims, squeeze, broadcast_to,
concatenate, stack, and `x[index]` with ints, slices (positive steps), None
and Ellipsis. All shapes are static; every function checks its arguments and
raises TypeError/ValueError/IndexError before emitting IR.
"""

from __future__ import annotations

import math

import numpy as np

from . import primitives as prim
from .eager import array_function
from .numpy_core import normalize_axes, normalize_axis, operand, promoted_type
from .tracing import Tracer


def _shape_tuple(shape, name: str) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        return tuple(int(operator_index(d)) for d in shape)
    except TypeError:
        raise TypeError(f"{name}: shape must be a sequence of ints, got {shape!r}") from None


def operator_index(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"expected an int, got {type(value).__name__}")
    return int(value)


@array_function("a")
def reshape(a, newshape, order="C"):
    """`a` with shape `newshape`; one entry may be -1 (inferred). Only order='C'."""
    a = operand(a, "reshape")
    if order != "C":
        raise NotImplementedError("reshape: only order='C' is supported")
    shape = list(_shape_tuple(newshape, "reshape"))
    if shape.count(-1) > 1 or any(d < -1 for d in shape):
        raise ValueError(f"reshape: invalid shape {tuple(shape)}")
    if -1 in shape:
        known = math.prod(d for d in shape if d != -1)
        if known == 0 or a.size % known:
            raise TypeError(
                f"cannot reshape array of shape {a.shape} (size {a.size}) into shape {tuple(shape)}"
            )
        shape[shape.index(-1)] = a.size // known
    if math.prod(shape) != a.size:
        raise TypeError(
            f"cannot reshape array of shape {a.shape} (size {a.size}) into shape "
            f"{tuple(shape)} (size {math.prod(shape)})"
        )
    return prim.reshape(a, shape)


@array_function("a")
def ravel(a):
    a = operand(a, "ravel")
    return prim.reshape(a, (a.size,))


@array_function("a")
def transpose(a, axes=None):
    """`a` with its axes permuted (reversed when `axes` is None)."""
    a = operand(a, "transpose")
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    axes = [normalize_axis(axis, a.ndim, "transpose") for axis in axes]
    if sorted(axes) != list(range(a.ndim)):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of the {a.ndim} axes")
    return prim.transpose(a, axes)


@array_function("a")
def expand_dims(a, axis):
    a = operand(a, "expand_dims")
    axes = normalize_axes(
        axis, a.ndim + len(axis if isinstance(axis, (tuple, list)) else (axis,)), "expand_dims"
    )
    shape, rest = [], iter(a.shape)
    for position in range(a.ndim + len(axes)):
        shape.append(1 if position in axes else next(rest))
    return prim.reshape(a, shape)


@array_function("a")
def squeeze(a, axis=None):
    a = operand(a, "squeeze")
    if axis is None:
        axes = tuple(i for i, d in enumerate(a.shape) if d == 1)
    else:
        axes = normalize_axes(axis, a.ndim, "squeeze")
        for i in axes:
            if a.shape[i] != 1:
                raise ValueError(
                    f"squeeze: cannot select an axis to squeeze out which has size not "
                    f"equal to one (axis {i} of shape {a.shape})"
                )
    return prim.reshape(a, [d for i, d in enumerate(a.shape) if i not in axes])


@array_function("array")
def broadcast_to(array, shape):
    array = operand(array, "broadcast_to")
    shape = _shape_tuple(shape, "broadcast_to")
    if len(shape) < array.ndim or any(
        d not in (1, s) for d, s in zip(array.shape[::-1], shape[::-1], strict=False)
    ):
        raise ValueError(f"broadcast_to: cannot broadcast an array of shape {array.shape} to {shape}")
    return prim.broadcast_to(array, shape)


def _same_dtype(arrays, name: str) -> list[Tracer]:
    if not isinstance(arrays, (list, tuple)) or not arrays:
        raise TypeError(f"{name} requires a non-empty sequence of arrays")
    dtype, weak = promoted_type(name, *arrays)
    return [prim.convert(operand(x, name), dtype, weak) for x in arrays]


@array_function("arrays")
def concatenate(arrays, axis=0):
    """Arrays (promoted to one dtype) joined along an existing axis (None: flattened)."""
    arrays = _same_dtype(arrays, "concatenate")
    if axis is None:
        arrays, axis = [prim.reshape(x, (x.size,)) for x in arrays], 0
    ndim = arrays[0].ndim
    if ndim == 0:
        raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis(axis, ndim, "concatenate")
    for x in arrays:
        if x.ndim != ndim or any(
            d != e for i, (d, e) in enumerate(zip(x.shape, arrays[0].shape, strict=True)) if i != axis
        ):
            raise TypeError(
                f"concatenate: arrays must have the same shape except along axis {axis}, "
                f"got {', '.join(str(y.shape) for y in arrays)}"
            )
    return prim.concatenate(arrays, axis)


@array_function("arrays")
def stack(arrays, axis=0):
    """Same-shaped arrays joined along a new axis."""
    arrays = _same_dtype(arrays, "stack")
    shape = arrays[0].shape
    if any(x.shape != shape for x in arrays):
        raise ValueError(
            f"stack: all input arrays must have the same shape, got {', '.join(str(x.shape) for x in arrays)}"
        )
    axis = normalize_axis(axis, len(shape) + 1, "stack")
    new_shape = shape[:axis] + (1,) + shape[axis:]
    return prim.concatenate([prim.reshape(x, new_shape) for x in arrays], axis)


def expand_ellipsis(index: tuple, ndim: int) -> tuple:
    if sum(item is Ellipsis for item in index) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(item is not None and item is not Ellipsis for item in index)
    if used > ndim:
        raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {used} were indexed")
    fill = (slice(None),) * (ndim - used)
    # `is`, never `in`/`index`: those compare with ==, which a Tracer overloads.
    positions = [i for i, item in enumerate(index) if item is Ellipsis]
    if positions:
        return index[: positions[0]] + fill + index[positions[0] + 1 :]
    return index + fill


def static_index(item):
    """An index item as a static one: a 0-d integer numpy array is an int."""
    if isinstance(item, np.ndarray) and item.ndim == 0 and np.issubdtype(item.dtype, np.integer):
        return int(item)
    if isinstance(item, (Tracer, np.ndarray)):  # callers route arrays to `lintra.indexing`
        raise TypeError(f"indexing: unexpected array index {item.dtype}{list(item.shape)}")
    return item


def basic_getitem(a, index):
    """`a[index]` for basic (static) indices: ints, slices with positive steps, None,
    `...` (integer arrays are `lintra.indexing.getitem`)."""
    a = operand(a, "indexing")
    index = tuple(static_index(item) for item in (index if isinstance(index, tuple) else (index,)))
    index = expand_ellipsis(index, a.ndim)
    offsets, sizes, strides, shape = [], [], [], []
    dim = 0
    for item in index:
        if item is None:
            shape.append(1)
            continue
        size = a.shape[dim]
        if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            position = int(item) + (size if item < 0 else 0)
            if not 0 <= position < size:
                raise IndexError(f"index {int(item)} is out of bounds for axis {dim} with size {size}")
            offsets.append(position)
            sizes.append(1)
            strides.append(1)
        elif isinstance(item, slice):
            start, stop, step = item.indices(size)
            if step < 0:
                raise NotImplementedError("slices with a negative step are not supported")
            length = len(range(start, stop, step))
            if length == 0:
                raise IndexError(
                    f"the slice {item} of axis {dim} (size {size}) is empty; empty arrays are not supported"
                )
            offsets.append(start)
            sizes.append(length)
            strides.append(step)
            shape.append(length)
        else:
            raise TypeError(f"invalid index {item!r} of type {type(item).__name__}")
        dim += 1
    return prim.reshape(prim.extract_slice(a, offsets, sizes, strides), shape)
