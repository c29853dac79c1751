"""Gathers and scatters for `lintra.numpy`: take, take_along_axis, integer-array
(advanced) indexing `x[idx]` and the functional updates `x.at[idx].set/add/
multiply/min/max/get`, with jax.numpy's semantics:

- `x[idx]` and `.at[idx].get()` clamp out-of-range indices; `take` and
  `take_along_axis` fill them (NaN for floats, the smallest int for integers,
  True for bools) unless `mode="clip"` or `"wrap"`; `.at[]` updates drop them.
- Negative indices count from the end. A concrete boolean mask is its
  `nonzero()` indices; a traced boolean mask is a TypeError (data-dependent shape).
- `.at[idx].set` with duplicate indices keeps the last update; `.add` accumulates.

Everything is built on `gather_prims` (a gather and its transpose, a
scatter-add) and on elementwise ops, so every function is differentiable in
every transformation through the ordinary IR rules.
"""

from __future__ import annotations

import math

import numpy as np
from mlir.dialects import arith

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .elementwise import (
    add,
    bitwise_and,
    bitwise_or,
    equal,
    greater_equal,
    less,
    maximum,
    minimum,
    multiply,
    subtract,
    where,
)
from .gather_prims import gather, gather_along, scatter_add
from .numpy_core import broadcast_shapes, normalize_axis, operand, operand_type
from .shape_ops import basic_getitem, expand_ellipsis, ravel, reshape, static_index
from .tracing import Tracer

__all__ = ["take", "take_along_axis"]


def index_operand(index, name: str) -> Tracer:
    """An integer index array (or int) as a Tracer; other dtypes are a TypeError."""
    if isinstance(index, (list, tuple)):
        index = np.asarray(index)
    dtype, _ = operand_type(index, name)
    if not dtypes.is_integer(dtype):
        raise TypeError(f"{name}: indices must have an integer type, got {dtype}")
    return operand(index, name)


def _int_like(index: Tracer, value) -> Tracer:
    return prim.full(index.shape, value, index.dtype)


def _flag(condition: Tracer, like: Tracer) -> Tracer:
    """A bool tensor as 0/1 in `like`'s dtype. Index arithmetic multiplies by it
    rather than selecting: with constant indices, a select's condition folds into
    a constant tensor of i1, which the mlir-cpu lowering cannot store."""
    return prim.convert(condition, like.dtype)


def normalize_index(index: Tracer, size: int, mode: str, negative: bool = True) -> tuple[Tracer, Tracer]:
    """(index in [0, size) after counting negatives from the end (unless not
    `negative`), clipping or wrapping per `mode`, whether the index was in range)."""
    lower, upper = _int_like(index, -size), _int_like(index, size)
    valid = bitwise_and(greater_equal(index, lower), less(index, upper))
    if mode == "wrap":
        wrapped = prim.elementwise(arith.RemSIOp, index, upper)
        return add(wrapped, multiply(_flag(less(wrapped, 0), index), upper)), valid
    shifted = add(index, multiply(_flag(less(index, 0), index), upper)) if negative else index
    if mode == "clip":
        return minimum(maximum(shifted, _int_like(index, 0)), _int_like(index, size - 1)), valid
    return shifted, valid


def fill_value(dtype):
    if dtypes.is_floating(dtype):
        return np.nan
    return True if dtypes.is_bool(dtype) else int(np.iinfo(dtype).min)


def _check_mode(mode, name: str) -> str:
    mode = "fill" if mode is None else mode
    if mode not in ("fill", "clip", "wrap"):
        raise ValueError(f"{name}: invalid mode {mode!r}; expected 'fill', 'clip' or 'wrap'")
    return mode


def _filled(result: Tracer, valid: Tracer, mode: str, fill, known: np.ndarray | None) -> Tracer:
    """`result` with `fill` where the index was out of range. With concrete indices
    (`known`: their validity, shaped like `valid`), the fill is added to the zeros
    the gather left there, so no select has a constant condition (see `_flag`)."""
    if mode != "fill":
        return result
    fill = fill_value(result.dtype) if fill is None else fill
    if known is None:
        return where(valid, result, prim.full(result.shape, fill, result.dtype, result.weak))
    if known.all():
        return result
    filler = prim.constant(np.broadcast_to(np.where(known, 0, fill), result.shape).astype(result.dtype))
    combine = bitwise_or if dtypes.is_bool(result.dtype) else add
    return prim.retag(combine(result, filler), result.weak)


def _known_validity(indices, size: int) -> np.ndarray | None:
    """Whether each concrete index is in [-size, size); None for a traced index."""
    if isinstance(indices, Tracer):
        return None
    indices = np.asarray(indices)
    return (indices >= -size) & (indices < size)


@array_function("a", "indices")
def take(a, indices, axis=None, mode=None, fill_value=None):
    """Elements of `a` at `indices` along `axis` (the flattened array if None)."""
    a = operand(a, "take")
    concrete = indices
    indices = index_operand(indices, "take")
    mode = _check_mode(mode, "take")
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, a.ndim, "take")
    index, valid = normalize_index(indices, a.shape[axis], mode, negative=mode != "clip")
    result = gather(a, index, axis)
    shape = (1,) * axis + valid.shape + (1,) * (a.ndim - axis - 1)
    known = _known_validity(concrete, a.shape[axis])
    known = None if known is None else known.reshape(shape)
    return _filled(result, reshape(valid, shape), mode, fill_value, known)


@array_function("arr", "indices")
def take_along_axis(arr, indices, axis, mode=None, fill_value=None):
    """out[..., i, ...] = arr[..., indices[..., i, ...], ...] along `axis` (None:
    the flattened array); the other dims of the two broadcast."""
    arr = operand(arr, "take_along_axis")
    concrete = indices
    indices = index_operand(indices, "take_along_axis")
    mode = _check_mode(mode, "take_along_axis")
    if axis is None:
        arr, indices, axis = ravel(arr), ravel(indices), 0
        concrete = concrete if isinstance(concrete, Tracer) else np.ravel(concrete)
    if indices.ndim != arr.ndim:
        raise TypeError(
            f"take_along_axis: indices and arr must have the same number of dimensions; "
            f"{indices.ndim} vs. {arr.ndim}"
        )
    axis = normalize_axis(axis, arr.ndim, "take_along_axis")
    without = [tuple(d for i, d in enumerate(x.shape) if i != axis) for x in (arr, indices)]
    shape = broadcast_shapes("take_along_axis", *without)
    shape = shape[:axis] + (1,) + shape[axis:]
    arr = prim.broadcast_to(arr, shape[:axis] + (arr.shape[axis],) + shape[axis + 1 :])
    indices = prim.broadcast_to(indices, shape[:axis] + (indices.shape[axis],) + shape[axis + 1 :])
    index, valid = normalize_index(indices, arr.shape[axis], mode)
    known = _known_validity(concrete, arr.shape[axis])
    known = None if known is None else np.broadcast_to(known, valid.shape)
    return _filled(gather_along(arr, index, axis), valid, mode, fill_value, known)


# -- x[index] -------------------------------------------------------------------------


def _is_array_index(item) -> bool:
    return isinstance(item, (Tracer, list)) or (isinstance(item, np.ndarray) and item.ndim > 0)


def _expand_masks(index: tuple) -> tuple:
    """Concrete boolean masks replaced by their nonzero() index arrays."""
    out = []
    for item in index:
        if isinstance(item, (list, np.ndarray)) and np.asarray(item).dtype == np.bool_:
            out.extend(np.nonzero(np.asarray(item)))
        elif isinstance(item, Tracer) and dtypes.is_bool(item.dtype):
            raise TypeError(
                f"indexing with a traced boolean array ({item.dtype}{list(item.shape)}) has a "
                "data-dependent shape; use where(mask, x, 0) or a concrete mask"
            )
        else:
            out.append(item)
    return tuple(out)


def advanced_index(shape: tuple, index) -> tuple[tuple, list, tuple] | None:
    """Split an index into (basic part, advanced items by position, their
    positions), or None when the index is basic."""
    index = _expand_masks(index if isinstance(index, tuple) else (index,))
    index = tuple(
        static_index(item) if isinstance(item, np.ndarray) and item.ndim == 0 else item for item in index
    )
    if not any(_is_array_index(item) for item in index):
        return None
    index = expand_ellipsis(index, len(shape))
    positions = tuple(
        p for p, item in enumerate(index) if _is_array_index(item) or isinstance(item, (int, np.integer))
    )
    basic = tuple(slice(None) if p in positions else item for p, item in enumerate(index))
    return basic, [index[p] for p in positions], positions


def flat_positions(a: Tracer, items, positions, mode: str) -> tuple[Tracer, Tracer, list]:
    """The advanced dims of `a` (at `positions`) moved to the front and flattened,
    the flat index into them (broadcast shape of the items), and the
    permutation used. With mode "drop", an out-of-range entry has index -1."""
    arrays = [index_operand(item, "indexing") for item in items]
    shape = broadcast_shapes("indexing", *[x.shape for x in arrays])
    flat = all_valid = None
    for item, p in zip(arrays, positions, strict=True):
        item = prim.broadcast_to(prim.convert(item, dtypes.INT64), shape)
        index, valid = normalize_index(item, a.shape[p], "clip" if mode == "clip" else "fill")
        flat = index if flat is None else add(multiply(flat, a.shape[p]), index)
        all_valid = valid if all_valid is None else bitwise_and(all_valid, valid)
    if mode == "drop":  # flat * valid + (valid - 1): -1 where out of range
        kept = _flag(all_valid, flat)
        flat = add(multiply(flat, kept), subtract(kept, _int_like(flat, 1)))
    others = [d for d in range(a.ndim) if d not in positions]
    permutation = list(positions) + others
    moved = prim.transpose(a, permutation)
    size = math.prod(a.shape[p] for p in positions)
    moved = prim.reshape(moved, (size,) + tuple(a.shape[d] for d in others))
    return moved, flat, permutation


def _place(result: Tracer, positions, batch_ndim: int) -> Tracer:
    """NumPy's placement: adjacent advanced indices put their dims where the first
    one was; separated ones leave them in front."""
    if list(positions) != list(range(positions[0], positions[0] + len(positions))) or positions[0] == 0:
        return result
    first = positions[0]
    rest = list(range(batch_ndim, result.ndim))
    return prim.transpose(result, rest[:first] + list(range(batch_ndim)) + rest[first:])


def getitem(a, index):
    """`a[index]`: basic indexing (`shape_ops.basic_getitem`), or a gather when the
    index has integer arrays (out-of-range entries clamp, as in JAX)."""
    a = operand(a, "indexing")
    split = advanced_index(a.shape, index)
    if split is None:
        return basic_getitem(a, index)
    basic, items, positions = split
    sliced = basic_getitem(a, basic)
    moved, flat, _ = flat_positions(sliced, items, positions, "clip")
    return _place(gather(moved, flat, 0), positions, flat.ndim)


# -- x.at[index] ------------------------------------------------------------------------


def _scatter_positions(shape: tuple, index) -> Tracer:
    """For each element `x[index]` selects, its flat position in x (shape of
    x[index]); -1 for out-of-range advanced indices."""
    size = math.prod(shape)
    iota = prim.constant(np.arange(1, size + 1, dtype=np.int64).reshape(shape))
    split = advanced_index(shape, index)
    if split is None:
        return add(basic_getitem(iota, index), -1)
    basic, items, positions = split
    sliced = basic_getitem(iota, basic)
    moved, flat, _ = flat_positions(sliced, items, positions, "drop")
    return add(_place(gather(moved, flat, 0), positions, flat.ndim), -1)


def _updates(x: Tracer, values, shape: tuple, name: str) -> Tracer:
    values = operand(values, f"at[].{name}")
    if len(values.shape) > len(shape) or any(
        d not in (1, s) for d, s in zip(values.shape[::-1], shape[::-1], strict=False)
    ):
        raise ValueError(f"at[].{name}: updates of shape {values.shape} do not broadcast to {shape}")
    return prim.broadcast_to(prim.convert(values, x.dtype, x.weak), shape)


def _match(flat: Tracer, size: int) -> Tracer:
    """bool[m, size]: flat[i] == j."""
    m = flat.shape[0]
    rows = prim.broadcast_to(prim.reshape(flat, (m, 1)), (m, size))
    return equal(rows, prim.constant(np.broadcast_to(np.arange(size, dtype=np.int64), (m, size))))


def scatter(x, index, values, kind: str):
    """x with `values` combined into x[index] by `kind` (set, add, mul, min, max)."""
    x = operand(x, f"at[].{kind}")
    flat = _scatter_positions(x.shape, index)
    updates = prim.reshape(_updates(x, values, flat.shape, kind), (flat.size,))
    flat = prim.reshape(flat, (flat.size,))
    x_flat = prim.reshape(x, (x.size,))
    if kind == "add":
        result = add(x_flat, scatter_add(updates, flat, 0, x.size))
    elif kind == "set":
        m = flat.size
        later = prim.constant(np.triu(np.ones((m, m), dtype=bool), 1))  # i' > i
        same = equal(prim.broadcast_to(prim.reshape(flat, (m, 1)), (m, m)), prim.broadcast_to(flat, (m, m)))
        overwritten = prim.reduce(bitwise_and(same, later), [1], "max")
        kept = where(overwritten, prim.full(updates.shape, 0, x.dtype), updates)
        hits = scatter_add(where(overwritten, 0, prim.full(flat.shape, 1, dtypes.INT64)), flat, 0, x.size)
        result = where(greater_equal(hits, 1), scatter_add(kept, flat, 0, x.size), x_flat)
    else:
        identity = prim.REDUCERS[kind][2](x.dtype)
        matrix = where(
            _match(flat, x.size),
            prim.broadcast_to(prim.reshape(updates, (flat.size, 1)), (flat.size, x.size)),
            prim.full((flat.size, x.size), identity, x.dtype),
        )
        combined = prim.reduce(matrix, [0], kind)
        result = {"mul": multiply, "min": minimum, "max": maximum}[kind](x_flat, combined)
    return prim.reshape(prim.retag(result, x.weak), x.shape)


class IndexUpdateRef:
    """`x.at[index]`: methods return an updated copy of x (JAX's `_IndexUpdateRef`).
    `indices_are_sorted` and `unique_indices` are hints, accepted and unused. Only
    the default out-of-range modes exist: `get` clamps, the updates drop."""

    def __init__(self, array, index):
        self.array, self.index = array, index

    def _update(self, values, kind: str, mode) -> Tracer:
        if mode not in (None, "drop", "promise_in_bounds"):
            raise NotImplementedError(f"at[].{kind}: mode={mode!r} is not supported (only 'drop')")
        return scatter(self.array, self.index, values, kind)

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None, fill_value=None):
        if mode not in (None, "clip", "promise_in_bounds"):
            raise NotImplementedError(f"at[].get: mode={mode!r} is not supported (only 'clip')")
        return getitem(self.array, self.index)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(values, "set", mode)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(values, "add", mode)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(values, "mul", mode)

    mul = multiply

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(values, "min", mode)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None):
        return self._update(values, "max", mode)


class IndexUpdateHelper:
    """The `x.at` property: `x.at[index]` is an `IndexUpdateRef`."""

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return IndexUpdateRef(self.array, index)
