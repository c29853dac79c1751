"""Array manipulation for `lintra.numpy`: pad, roll, flip, tile, repeat, split,
array_split, diag, diagonal, trace, triu, tril, identity, meshgrid, kron, cross.

Built from slices, concatenation, broadcasts, reshapes, constant masks (where)
and, for reversals (flip, reflect padding) and array repeats, a gather with
constant indices. Shapes and static arguments are checked before any IR is
emitted.
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .elementwise import multiply, subtract, where
from .gather_prims import band_mask, gather
from .numpy_core import normalize_axes, normalize_axis, operand, promoted_type
from .shape_ops import ravel, reshape, stack

__all__ = [
    "array_split",
    "cross",
    "diag",
    "diagonal",
    "flip",
    "kron",
    "meshgrid",
    "pad",
    "repeat",
    "roll",
    "split",
    "tile",
    "trace",
    "tril",
    "triu",
]


def _slice(x, axis: int, start: int, stop: int):
    offsets, sizes = [0] * x.ndim, list(x.shape)
    offsets[axis], sizes[axis] = start, stop - start
    return prim.extract_slice(x, offsets, sizes, [1] * x.ndim)


def _reverse(x, axis: int):
    n = x.shape[axis]
    if n == 1:
        return x
    return gather(x, prim.constant(np.arange(n - 1, -1, -1, dtype=np.int64)), axis)


@array_function("m")
def flip(m, axis=None):
    """`m` with the order of elements reversed along `axis` (all axes if None)."""
    m = operand(m, "flip")
    for axis_ in normalize_axes(axis, m.ndim, "flip"):
        m = _reverse(m, axis_)
    return m


@array_function("a")
def roll(a, shift, axis=None):
    """Elements shifted by `shift` (static) along `axis`, wrapping around."""
    a = operand(a, "roll")
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    shifts = shift if isinstance(shift, (tuple, list)) else (shift,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    if len(shifts) != len(axes):
        if len(shifts) == 1:
            shifts = shifts * len(axes)
        elif len(axes) == 1:
            axes = axes * len(shifts)
        else:
            raise ValueError("roll: shift and axis must have the same length")
    for s, ax in zip(shifts, axes, strict=True):
        ax = normalize_axis(ax, a.ndim, "roll")
        n = a.shape[ax]
        s = int(s) % n
        if s:
            a = prim.concatenate([_slice(a, ax, n - s, n), _slice(a, ax, 0, n - s)], ax)
    return a


@array_function("A")
def tile(A, reps):
    """`A` repeated `reps` times along each axis."""
    A = operand(A, "tile")
    reps = tuple(int(r) for r in (reps if isinstance(reps, (tuple, list)) else (reps,)))
    if any(r < 1 for r in reps):
        raise ValueError(f"tile: repetitions must be positive (empty arrays are not supported), got {reps}")
    ndim = max(A.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - A.ndim) + A.shape
    interleaved = prim.reshape(A, [d for s in shape for d in (1, s)])
    wide = prim.broadcast_to(interleaved, [d for r, s in zip(reps, shape, strict=True) for d in (r, s)])
    return prim.reshape(wide, [r * s for r, s in zip(reps, shape, strict=True)])


@array_function("a")
def repeat(a, repeats, axis=None, total_repeat_length=None):
    """Each element repeated `repeats` times (an int, or static counts per element)."""
    a = operand(a, "repeat")
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, a.ndim, "repeat")
    n = a.shape[axis]
    if isinstance(repeats, (int, np.integer)):
        if repeats < 1:
            raise ValueError("repeat: repeats must be positive (empty arrays are not supported)")
        expanded = prim.reshape(a, a.shape[: axis + 1] + (1,) + a.shape[axis + 1 :])
        wide = prim.broadcast_to(expanded, a.shape[: axis + 1] + (int(repeats),) + a.shape[axis + 1 :])
        return prim.reshape(wide, a.shape[:axis] + (n * int(repeats),) + a.shape[axis + 1 :])
    if not isinstance(repeats, (list, tuple, np.ndarray)):
        raise TypeError(
            "repeat: repeats must be an int or a static sequence of ints (a traced array is not supported)"
        )
    repeats = np.asarray(repeats)
    if repeats.shape not in ((n,), (1,)) or (repeats < 0).any() or not repeats.sum():
        raise ValueError(f"repeat: repeats of shape {repeats.shape} do not match axis of size {n}")
    index = np.repeat(np.arange(n), np.broadcast_to(repeats, (n,)))
    return gather(a, prim.constant(index.astype(np.int64)), axis)


def _pad_widths(pad_width, ndim: int) -> list:
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu" or widths.ndim > 2 or (widths < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative ints, got {pad_width!r}")
    try:
        return [tuple(int(w) for w in pair) for pair in np.broadcast_to(widths, (ndim, 2))]
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an array of dimension {ndim}") from None


@array_function("array")
def pad(array, pad_width, mode="constant", constant_values=0):
    """`array` padded per axis by (before, after) widths: with `constant_values`,
    the edge values ('edge') or the reflection without the edge ('reflect')."""
    x = operand(array, "pad")
    if mode not in ("constant", "edge", "reflect"):
        raise NotImplementedError(f"pad: mode {mode!r} is not supported (constant, edge, reflect)")
    widths = _pad_widths(pad_width, x.ndim)
    constants = np.broadcast_to(np.asarray(constant_values), (x.ndim, 2)) if mode == "constant" else None
    for axis, (before, after) in enumerate(widths):
        n = x.shape[axis]
        if mode == "reflect" and max(before, after) > n - 1:
            raise NotImplementedError(f"pad: reflect padding wider than the axis ({n} - 1) is not supported")
        pieces = []
        for side, width in ((0, before), (1, after)):
            if not width:
                pieces.append(None)
                continue
            shape = list(x.shape)
            shape[axis] = width
            if mode == "constant":
                pieces.append(prim.full(shape, constants[axis][side], x.dtype, x.weak))
            elif mode == "edge":
                edge = _slice(x, axis, 0, 1) if side == 0 else _slice(x, axis, n - 1, n)
                pieces.append(prim.broadcast_to(edge, shape))
            else:
                mirror = _slice(x, axis, 1, width + 1) if side == 0 else _slice(x, axis, n - 1 - width, n - 1)
                pieces.append(_reverse(mirror, axis))
        x = prim.concatenate([p for p in (pieces[0], x, pieces[1]) if p is not None], axis)
    return x


def _split_points(n: int, indices_or_sections, name: str) -> list:
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{name}: number sections must be larger than 0")
        if name == "split" and n % sections:
            raise ValueError("array split does not result in an equal division")
        sizes = [n // sections + (1 if i < n % sections else 0) for i in range(sections)]
        return list(np.cumsum([0] + sizes))
    points = [0] + [min(max(int(i) + (n if i < 0 else 0), 0), n) for i in indices_or_sections] + [n]
    return points


def _split(ary, indices_or_sections, axis, name: str) -> list:
    ary = operand(ary, name)
    axis = normalize_axis(axis, ary.ndim, name)
    points = _split_points(ary.shape[axis], indices_or_sections, name)
    if any(b <= a for a, b in zip(points, points[1:], strict=False)):
        raise ValueError(f"{name}: empty pieces are not supported (empty arrays), split points {points}")
    return [_slice(ary, axis, int(a), int(b)) for a, b in zip(points, points[1:], strict=False)]


@array_function("ary")
def split(ary, indices_or_sections, axis=0):
    """Equal sections (an int) or pieces between indices along `axis`."""
    return _split(ary, indices_or_sections, axis, "split")


@array_function("ary")
def array_split(ary, indices_or_sections, axis=0):
    """Like split, but an int need not divide the axis (leading pieces are longer)."""
    return _split(ary, indices_or_sections, axis, "array_split")


def _masked(m, k: int, kind: str, name: str):
    m = operand(m, name)
    if m.ndim < 2:
        raise ValueError(f"{name}: input array must be at least 2-D, got {m.ndim}-D")
    mask = band_mask(m.shape, m.ndim - 2, m.ndim - 1, k, kind)
    return where(mask, m, prim.full(m.shape, 0, m.dtype, m.weak))


@array_function("m")
def triu(m, k=0):
    """`m` with the elements below the k-th diagonal zeroed."""
    return _masked(m, k, "triu", "triu")


@array_function("m")
def tril(m, k=0):
    """`m` with the elements above the k-th diagonal zeroed."""
    return _masked(m, k, "tril", "tril")


@array_function("a")
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the (axis1, axis2) planes, as the last axis."""
    a = operand(a, "diagonal")
    if a.ndim < 2:
        raise ValueError("diagonal requires an array of at least two dimensions")
    axis1, axis2 = normalize_axis(axis1, a.ndim, "diagonal"), normalize_axis(axis2, a.ndim, "diagonal")
    if axis1 == axis2:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    a = prim.transpose(a, [d for d in range(a.ndim) if d not in (axis1, axis2)] + [axis1, axis2])
    rows, cols = a.shape[-2:]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    if length == 0:
        raise ValueError("diagonal: the diagonal is empty (empty arrays are not supported)")
    square = _slice(
        _slice(a, a.ndim - 2, max(-offset, 0), max(-offset, 0) + length),
        a.ndim - 1,
        max(offset, 0),
        max(offset, 0) + length,
    )
    return prim.reduce(_masked(square, 0, "eye", "diagonal"), [a.ndim - 1], "add")


@array_function("a")
def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    """Sum along the `offset` diagonal."""
    d = diagonal(a, offset, axis1, axis2)
    dtype = dtypes.canonical_dtype(dtype, "trace") if dtype is not None else dtypes.sum_dtype(d.dtype)
    return prim.reduce(prim.convert(d, dtype), [d.ndim - 1], "add")


@array_function("v")
def diag(v, k=0):
    """The k-th diagonal of a 2-D array, or a 2-D array with 1-D `v` on it."""
    v = operand(v, "diag")
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("diag: input must be 1-D or 2-D")
    n = v.shape[0] + abs(k)
    if k:
        v = prim.concatenate([v, prim.full((abs(k),), 0, v.dtype, v.weak)], 0)
    values = prim.broadcast_to(prim.reshape(v, (n, 1) if k >= 0 else (1, n)), (n, n))
    return _masked(values, k, "eye", "diag")


@array_function("a", "b")
def kron(a, b):
    """The Kronecker product: blocks a[i, j] * b."""
    dtype, weak = promoted_type("kron", a, b)
    a, b = (prim.convert(operand(x, "kron"), dtype, weak) for x in (a, b))
    ndim = max(a.ndim, b.ndim)
    a_shape, b_shape = (1,) * (ndim - a.ndim) + a.shape, (1,) * (ndim - b.ndim) + b.shape
    left = prim.reshape(a, [d for s in a_shape for d in (s, 1)])
    right = prim.reshape(b, [d for s in b_shape for d in (1, s)])
    return reshape(multiply(left, right), [p * q for p, q in zip(a_shape, b_shape, strict=True)])


@array_function("a", "b")
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors, padded with a zero z) along the axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = operand(a, "cross"), operand(b, "cross")
    a = prim.transpose(a, _to_last(a.ndim, normalize_axis(axisa, a.ndim, "cross")))
    b = prim.transpose(b, _to_last(b.ndim, normalize_axis(axisb, b.ndim, "cross")))
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product (dimension must be 2 or 3)")
    both_2d = a.shape[-1] == 2 and b.shape[-1] == 2
    dtype, weak = promoted_type("cross", a, b)
    a, b = (prim.convert(x, dtype, weak) for x in (a, b))
    ca = [reshape(_slice(a, a.ndim - 1, i, i + 1), a.shape[:-1]) for i in range(a.shape[-1])]
    cb = [reshape(_slice(b, b.ndim - 1, i, i + 1), b.shape[:-1]) for i in range(b.shape[-1])]
    if both_2d:
        return subtract(multiply(ca[0], cb[1]), multiply(ca[1], cb[0]))
    zero = 0.0 if dtypes.is_floating(dtype) else 0
    ca, cb = ca + [zero] * (3 - len(ca)), cb + [zero] * (3 - len(cb))
    parts = [
        subtract(multiply(ca[(i + 1) % 3], cb[(i + 2) % 3]), multiply(ca[(i + 2) % 3], cb[(i + 1) % 3]))
        for i in range(3)
    ]
    result = stack(parts, axis=-1)
    return prim.transpose(result, _from_last(result.ndim, normalize_axis(axisc, result.ndim, "cross")))


def _to_last(ndim: int, axis: int) -> list:
    return [d for d in range(ndim) if d != axis] + [axis]


def _from_last(ndim: int, axis: int) -> list:
    order = list(range(ndim - 1))
    return order[:axis] + [ndim - 1] + order[axis:]


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """Coordinate arrays from 1-D coordinate vectors ('xy': Cartesian, 'ij': matrix)."""
    return _meshgrid(xi, sparse, indexing)


@array_function("xi")
def _meshgrid(xi, sparse, indexing):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    arrays = [ravel(operand(x, "meshgrid")) for x in xi]
    shape = [x.shape[0] for x in arrays]
    if indexing == "xy" and len(arrays) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, x in enumerate(arrays):
        position = (1 - i if i < 2 else i) if indexing == "xy" and len(arrays) > 1 else i
        unit = [1] * len(arrays)
        unit[position] = x.shape[0]
        x = prim.reshape(x, unit)
        out.append(x if sparse else prim.broadcast_to(x, shape))
    return out
