"""lintra.numpy: the jax.numpy API on lintra arrays (with 64-bit types enabled).

Every function takes lintra tracers, numpy arrays and Python scalars (weakly
typed), broadcasts like NumPy and promotes dtypes like JAX (`lintra.dtypes`).
Inside `lintra.jit` or a transformation the functions emit MLIR; called on
concrete values outside any trace they are compiled once per signature and
return numpy arrays. Creation functions (zeros, arange, ...) return numpy
arrays outside a trace and constants inside one.

Differentiable dtypes are float32 and float64; int32, int64 and bool are
supported as non-differentiable values. Shapes are static.
"""

from __future__ import annotations

import math

import numpy as np

from . import array_ops, dtypes
from . import primitives as prim
from .array_ops import (  # noqa: F401 (re-exported: array_ops.__all__ is part of __all__)
    array_split,
    cross,
    diag,
    diagonal,
    flip,
    kron,
    meshgrid,
    pad,
    repeat,
    roll,
    split,
    tile,
    trace,
    tril,
    triu,
)
from .creation import (
    arange,
    array,
    asarray,
    astype,
    eye,
    full,
    full_like,
    identity,
    linspace,
    ndim,
    ones,
    ones_like,
    shape,
    zeros,
    zeros_like,
)
from .eager import array_function
from .einsum import einsum, inner, tensordot, vdot
from .elementwise import (
    abs,
    add,
    arctan,
    arctan2,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    ceil,
    clip,
    cos,
    cosh,
    divide,
    equal,
    exp,
    exp2,
    expm1,
    floor,
    floor_divide,
    greater,
    greater_equal,
    hypot,
    invert,
    isfinite,
    isinf,
    isnan,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    maximum,
    minimum,
    multiply,
    nan_to_num,
    negative,
    not_equal,
    positive,
    power,
    reciprocal,
    remainder,
    round,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    true_divide,
    where,
)
from .indexing import IndexUpdateHelper, getitem, take, take_along_axis
from .numpy_core import normalize_axes, operand
from .products import dot, matmul, outer
from .reductions import all, any, average, cumprod, cumsum, median, std
from .shape_ops import (
    broadcast_to,
    concatenate,
    expand_dims,
    ravel,
    reshape,
    squeeze,
    stack,
    transpose,
)
from .sorting import argmax, argmin, argsort, sort
from .tracing import Tracer

__all__ = [
    "abs",
    "add",
    "arange",
    "arctan",
    "arctan2",
    "array",
    "asarray",
    "astype",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "broadcast_to",
    "ceil",
    "clip",
    "concatenate",
    "cos",
    "cosh",
    "divide",
    "dot",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "invert",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log1p",
    "log2",
    "logaddexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "negative",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "positive",
    "power",
    "prod",
    "ravel",
    "reciprocal",
    "reshape",
    "round",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "subtract",
    "sum",
    "tan",
    "tanh",
    "transpose",
    "true_divide",
    "var",
    "where",
    "zeros",
    "zeros_like",
    "remainder",
    "mod",
    "hypot",
    "log10",
    "nan_to_num",
    *array_ops.__all__,
    "einsum",
    "inner",
    "tensordot",
    "vdot",
    "take",
    "take_along_axis",
    "all",
    "any",
    "average",
    "cumprod",
    "cumsum",
    "median",
    "std",
    "argmax",
    "argmin",
    "argsort",
    "sort",
    "identity",
    "ndim",
    "shape",
    "float32",
    "float64",
    "int32",
    "int64",
    "bool_",
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
]

float32, float64, int32, int64, bool_ = np.float32, np.float64, np.int32, np.int64, np.bool_
pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, None


mod = remainder


# -- reductions -----------------------------------------------------------------


def _reduce(name: str, kind: str, a, axis, keepdims: bool, dtype=None):
    a = operand(a, name)
    axes = normalize_axes(axis, a.ndim, name)
    if dtype is not None:
        a = prim.convert(a, dtypes.canonical_dtype(dtype, name))
    result = prim.reduce(a, axes, kind)
    if keepdims:
        result = prim.reshape(result, [1 if i in axes else d for i, d in enumerate(a.shape)])
    return result


@array_function("a")
def sum(a, axis=None, dtype=None, keepdims=False):
    a = operand(a, "sum")
    return _reduce("sum", "add", a, axis, keepdims, dtype or dtypes.sum_dtype(a.dtype))


@array_function("a")
def prod(a, axis=None, dtype=None, keepdims=False):
    a = operand(a, "prod")
    return _reduce("prod", "mul", a, axis, keepdims, dtype or dtypes.sum_dtype(a.dtype))


@array_function("a")
def max(a, axis=None, keepdims=False):
    return _reduce("max", "max", a, axis, keepdims)


@array_function("a")
def min(a, axis=None, keepdims=False):
    return _reduce("min", "min", a, axis, keepdims)


amax, amin = max, min


@array_function("a")
def mean(a, axis=None, dtype=None, keepdims=False):
    a = operand(a, "mean")
    dtype = dtype or dtypes.to_inexact(a.dtype, a.weak)[0]
    count = math.prod(a.shape[i] for i in normalize_axes(axis, a.ndim, "mean"))
    return divide(_reduce("mean", "add", a, axis, keepdims, dtype), float(count))


@array_function("a")
def var(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """Mean squared deviation from the mean, divided by (N - ddof) instead of N."""
    a = operand(a, "var")
    dtype = dtype or dtypes.to_inexact(a.dtype, a.weak)[0]
    a = prim.convert(a, dtypes.canonical_dtype(dtype, "var"), a.weak)
    centered = subtract(a, mean(a, axis, keepdims=True))
    count = math.prod(a.shape[i] for i in normalize_axes(axis, a.ndim, "var"))
    return divide(_reduce("var", "add", square(centered), axis, keepdims), float(count - ddof))


# -- methods of Tracer that take varargs ------------------------------------------------


def reshape_method(a, *shape, order="C"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return reshape(a, tuple(shape), order)


def transpose_method(a, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return transpose(a, tuple(axes) if axes else None)


def _reflected(function):
    def method(self, other):
        return function(other, self)

    method.__name__ = f"r{function.__name__}"
    return method


def register_tracer_methods() -> None:
    """Give `Tracer` the operators and methods of `jax.Array`, implemented by the
    functions of this module (as `jax.numpy` does with `register_jax_array_methods`)."""
    binary = {
        "add": add,
        "sub": subtract,
        "mul": multiply,
        "truediv": divide,
        "floordiv": floor_divide,
        "mod": remainder,
        "pow": power,
        "matmul": matmul,
        "and": bitwise_and,
        "or": bitwise_or,
        "xor": bitwise_xor,
    }
    for dunder, function in binary.items():
        setattr(Tracer, f"__{dunder}__", function)
        setattr(Tracer, f"__r{dunder}__", _reflected(function))
    unary_and_comparisons = {
        "lt": less,
        "le": less_equal,
        "gt": greater,
        "ge": greater_equal,
        "eq": equal,
        "ne": not_equal,
        "neg": negative,
        "pos": positive,
        "abs": abs,
        "invert": invert,
        "getitem": getitem,
    }
    for dunder, function in unary_and_comparisons.items():
        setattr(Tracer, f"__{dunder}__", function)
    methods = {
        "sum": sum,
        "mean": mean,
        "var": var,
        "max": max,
        "min": min,
        "prod": prod,
        "squeeze": squeeze,
        "ravel": ravel,
        "flatten": ravel,
        "dot": dot,
        "astype": astype,
        "clip": clip,
        "std": std,
        "all": all,
        "any": any,
        "argmax": argmax,
        "argmin": argmin,
        "argsort": argsort,
        "sort": sort,
        "cumsum": cumsum,
        "cumprod": cumprod,
        "take": take,
        "trace": trace,
        "diagonal": diagonal,
        "repeat": repeat,
        "reshape": reshape_method,
        "transpose": transpose_method,
    }
    for name, function in methods.items():
        setattr(Tracer, name, function)
    Tracer.T = property(transpose)
    Tracer.at = property(IndexUpdateHelper)
    Tracer.__hash__ = object.__hash__  # defining __eq__ does not make tracers unhashable


register_tracer_methods()
_ = (concatenate, expand_dims, stack, outer)  # re-exported
