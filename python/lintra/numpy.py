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

import builtins
import math

import numpy as np

from . import dtypes
from . import primitives as prim
from .numpy_core import (array_function, broadcast_shapes, normalize_axes, operand, operand_shape,
                         operand_type, promote_operands, promoted_type)
from .products import dot, matmul, outer
from .shape_ops import (_shape_tuple, broadcast_to, concatenate, expand_dims, getitem, ravel, reshape,
                        squeeze, stack, transpose)
from .tracing import Tracer, current_trace

__all__ = [
    "abs", "add", "arange", "arctan", "arctan2", "array", "asarray", "astype", "bitwise_and",
    "bitwise_or", "bitwise_xor", "broadcast_to", "ceil", "clip", "concatenate", "cos", "cosh",
    "divide", "dot", "equal", "exp", "exp2", "expand_dims", "expm1", "eye", "floor", "floor_divide",
    "full", "full_like", "greater", "greater_equal", "invert", "isfinite", "isinf", "isnan", "less",
    "less_equal", "linspace", "log", "log1p", "log2", "logaddexp", "matmul", "max", "maximum",
    "mean", "min", "minimum", "multiply", "negative", "not_equal", "ones", "ones_like", "outer",
    "positive", "power", "prod", "ravel", "reciprocal", "reshape", "round", "sign", "sin", "sinh",
    "sqrt", "square", "squeeze", "stack", "subtract", "sum", "tan", "tanh", "transpose",
    "true_divide", "var", "where", "zeros", "zeros_like", "ndim", "shape", "float32", "float64",
    "int32", "int64", "bool_", "pi", "e", "inf", "nan", "newaxis",
]

float32, float64, int32, int64, bool_ = np.float32, np.float64, np.int32, np.int64, np.bool_
pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, None


# -- arrays and creation ---------------------------------------------------------

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
    return full(shape, 0, dtype or float64)


def ones(shape, dtype=None):
    return full(shape, 1, dtype or float64)


def full(shape, fill_value, dtype=None):
    """An array of `shape` filled with `fill_value` (a scalar or a broadcastable array)."""
    shape = _shape_tuple(shape, "full")
    if isinstance(fill_value, Tracer):
        value = fill_value if dtype is None else astype(fill_value, dtype)
        return broadcast_to(value, shape)
    if dtype is not None:
        fill_dtype, weak = dtypes.canonical_dtype(dtype, "full"), False
    elif np.ndim(fill_value) == 0:
        fill_dtype, weak = dtypes.scalar_type(fill_value)   # a Python scalar is weakly typed
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
    default = dtypes.DEFAULT_INT if builtins.all(isinstance(v, (int, np.integer)) for v in values) \
        else dtypes.DEFAULT_FLOAT
    dtype = dtypes.canonical_dtype(dtype or default, "arange")
    return _creation(np.arange(*values, dtype=dtype))


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    values = np.linspace(_static(start, "linspace"), _static(stop, "linspace"), num, endpoint=endpoint)
    return _creation(values.astype(dtypes.canonical_dtype(dtype or float64, "linspace")))


def eye(N, M=None, k=0, dtype=None):
    return _creation(np.eye(N, M, k, dtype=dtypes.canonical_dtype(dtype or float64, "eye")))


def shape(a) -> tuple:
    return operand_shape(a)


def ndim(a) -> int:
    return len(operand_shape(a))


# -- elementwise -------------------------------------------------------------------

def _define(name: str, implementation, array_params=("x",), doc: str = ""):
    implementation.__name__ = implementation.__qualname__ = name
    implementation.__doc__ = doc
    return array_function(*array_params)(implementation)


def _math_unary(name: str, op_name: str):
    def implementation(x):
        x = operand(x, name)
        dtype, weak = dtypes.to_inexact(x.dtype, x.weak)
        return prim.elementwise(op_name, prim.convert(x, dtype, weak), weak=weak)
    return _define(name, implementation, doc=f"Elementwise {op_name} (integers promote to float).")


sin, cos, tan = (_math_unary(n, f"math.{n}") for n in ("sin", "cos", "tan"))
sinh, cosh, tanh = (_math_unary(n, f"math.{n}") for n in ("sinh", "cosh", "tanh"))
exp, exp2, expm1 = (_math_unary(n, f"math.{n}") for n in ("exp", "exp2", "expm1"))
log, log2, log1p = (_math_unary(n, f"math.{n}") for n in ("log", "log2", "log1p"))
sqrt = _math_unary("sqrt", "math.sqrt")
arctan = _math_unary("arctan", "math.atan")


def _rounding(name: str, op_name: str):
    def implementation(x):
        x = operand(x, name)
        return prim.elementwise(op_name, x, weak=x.weak) if dtypes.is_floating(x.dtype) else x
    return _define(name, implementation, doc=f"Elementwise {op_name}; integers are returned as is.")


floor, ceil = _rounding("floor", "math.floor"), _rounding("ceil", "math.ceil")
round = _rounding("round", "math.roundeven")   # half to even, like jnp.round


def _binary(name: str, float_op, int_op, bool_op, inexact: bool = False):
    def implementation(x1, x2):
        a, b = promote_operands(name, x1, x2, inexact=inexact)
        op = float_op if dtypes.is_floating(a.dtype) else bool_op if dtypes.is_bool(a.dtype) else int_op
        if op is None:
            raise TypeError(f"{name} does not accept dtype {a.dtype}")
        return prim.elementwise(op, a, b, weak=a.weak)
    return _define(name, implementation, ("x1", "x2"),
                   f"Elementwise {name} with broadcasting and dtype promotion.")


add = _binary("add", "arith.addf", "arith.addi", "arith.ori")
subtract = _binary("subtract", "arith.subf", "arith.subi", None)
multiply = _binary("multiply", "arith.mulf", "arith.muli", "arith.andi")
divide = true_divide = _binary("divide", "arith.divf", None, None, inexact=True)
maximum = _binary("maximum", "arith.maximumf", "arith.maxsi", "arith.ori")
minimum = _binary("minimum", "arith.minimumf", "arith.minsi", "arith.andi")
arctan2 = _binary("arctan2", "math.atan2", None, None, inexact=True)
bitwise_and = _binary("bitwise_and", None, "arith.andi", "arith.andi")
bitwise_or = _binary("bitwise_or", None, "arith.ori", "arith.ori")
bitwise_xor = _binary("bitwise_xor", None, "arith.xori", "arith.xori")


def _comparison(name: str, kind: str):
    def implementation(x1, x2):
        a, b = promote_operands(name, x1, x2)
        return prim.compare(kind, a, b)
    return _define(name, implementation, ("x1", "x2"), f"Elementwise x1 {kind} x2, as a bool array.")


equal, not_equal = _comparison("equal", "eq"), _comparison("not_equal", "ne")
less, less_equal = _comparison("less", "lt"), _comparison("less_equal", "le")
greater, greater_equal = _comparison("greater", "gt"), _comparison("greater_equal", "ge")


@array_function("x")
def isnan(x):
    x = operand(x, "isnan")
    return not_equal(x, x) if dtypes.is_floating(x.dtype) else prim.full(x.shape, False, dtypes.BOOL)


@array_function("x")
def isinf(x):
    x = operand(x, "isinf")
    return equal(abs(x), inf) if dtypes.is_floating(x.dtype) else prim.full(x.shape, False, dtypes.BOOL)


@array_function("x")
def isfinite(x):
    x = operand(x, "isfinite")
    return less(abs(x), inf) if dtypes.is_floating(x.dtype) else prim.full(x.shape, True, dtypes.BOOL)


@array_function("x1", "x2")
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)) with jnp.logaddexp's values and derivatives.

    The larger operand plus log1p(exp(smaller - larger)), the larger one chosen by
    a select: each side of a tie is smooth, so the derivative is exact everywhere
    (0.5 and 0.5 at x1 == x2, where max + log1p(exp(-|x1 - x2|)) would give 0 and
    1). Where the difference is NaN (a NaN, or equal infinities) the result is
    x1 + x2; that branch's operand is replaced by 0 in the other one, so no NaN
    reaches the derivative through the branch not taken.
    """
    a, b = promote_operands("logaddexp", x1, x2, inexact=True)
    first = greater_equal(a, b)
    larger, smaller = where(first, a, b), where(first, b, a)
    delta = subtract(smaller, larger)
    undefined = isnan(delta)
    safe_delta = where(undefined, 0.0, delta)
    return where(undefined, add(a, b), add(larger, log1p(exp(safe_delta))))


@array_function("x1", "x2")
def floor_divide(x1, x2):
    a, b = promote_operands("floor_divide", x1, x2)
    if dtypes.is_floating(a.dtype):
        return prim.elementwise("math.floor", prim.elementwise("arith.divf", a, b), weak=a.weak)
    if dtypes.is_bool(a.dtype):
        raise TypeError("floor_divide does not accept dtype bool")
    return prim.elementwise("arith.floordivsi", a, b, weak=a.weak)


@array_function("x1", "x2")
def power(x1, x2):
    """x1 ** x2; a Python int exponent is exact repeated multiplication (like lax.integer_pow)."""
    if isinstance(x2, int) and not isinstance(x2, bool):
        return _integer_pow(x1, x2)
    a, b = promote_operands("power", x1, x2)
    if dtypes.is_bool(a.dtype):
        raise TypeError("power does not accept dtype bool")
    op = "math.powf" if dtypes.is_floating(a.dtype) else "math.ipowi"
    return prim.elementwise(op, a, b, weak=a.weak)


def _integer_pow(x, exponent: int):
    dtype, weak = promoted_type("power", x, 1)
    (x,) = promote_operands("power", x, dtype=dtype, weak=weak)
    if exponent == 0:
        return prim.full(x.shape, 1, x.dtype, x.weak)
    if exponent < 0 and not dtypes.is_floating(x.dtype):
        raise ValueError("integers cannot be raised to negative integer powers")
    result, base, remaining = None, x, builtins.abs(exponent)
    while remaining:
        if remaining & 1:
            result = base if result is None else multiply(result, base)
        remaining >>= 1
        if remaining:
            base = multiply(base, base)
    return reciprocal(result) if exponent < 0 else result


@array_function("x")
def negative(x):
    x = operand(x, "negative")
    if dtypes.is_bool(x.dtype):
        raise TypeError("negative does not accept dtype bool")
    if dtypes.is_floating(x.dtype):
        return prim.elementwise("arith.negf", x, weak=x.weak)
    return prim.elementwise("arith.subi", prim.full(x.shape, 0, x.dtype), x, weak=x.weak)


@array_function("x")
def positive(x):
    return operand(x, "positive")


@array_function("x")
def abs(x):
    x = operand(x, "abs")
    if dtypes.is_bool(x.dtype):
        return x
    return prim.elementwise("math.absf" if dtypes.is_floating(x.dtype) else "math.absi", x, weak=x.weak)


@array_function("x")
def sign(x):
    """-1, 0 or 1 (x itself at 0, -0 and NaN for floats; zero derivative, like JAX:
    computed from stop_gradient(x), so no select carries a tangent)."""
    x = prim.stop_gradient(operand(x, "sign"))
    zero = prim.full(x.shape, 0, x.dtype)
    tie = multiply(x, 0) if dtypes.is_floating(x.dtype) else zero
    negative_part = prim.select(prim.compare("lt", x, zero), prim.full(x.shape, -1, x.dtype), tie, x.weak)
    return prim.select(prim.compare("gt", x, zero), prim.full(x.shape, 1, x.dtype), negative_part, x.weak)


@array_function("x")
def invert(x):
    x = operand(x, "invert")
    if dtypes.is_floating(x.dtype):
        raise TypeError("invert does not accept floating dtypes")
    ones_value = 1 if dtypes.is_bool(x.dtype) else -1
    return prim.elementwise("arith.xori", x, prim.full(x.shape, ones_value, x.dtype), weak=x.weak)


def square(x):
    return multiply(x, x)


def reciprocal(x):
    return divide(1, x)


@array_function("condition", "x", "y")
def where(condition, x=None, y=None):
    """x where `condition` is true, else y (broadcast together; x and y promoted)."""
    if x is None or y is None:
        raise NotImplementedError("where(condition) without x and y has a data-dependent shape; "
                                  "pass x and y")
    shape = broadcast_shapes("where", operand_shape(condition), operand_shape(x), operand_shape(y))
    condition = prim.broadcast_to(prim.convert(operand(condition, "where"), dtypes.BOOL), shape)
    dtype, weak = promoted_type("where", x, y)
    a, b = promote_operands("where", x, y, dtype=dtype, weak=weak, shape=shape)
    return prim.select(condition, a, b, weak)


@array_function("a", "min", "max")
def clip(a, min=None, max=None):
    """maximum(a, min) then minimum(.., max), as jnp.clip (either bound may be None)."""
    result = operand(a, "clip")
    if min is not None:
        result = maximum(result, min)
    if max is not None:
        result = minimum(result, max)
    return result


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


_ = (concatenate, expand_dims, getitem, squeeze, stack, dot, matmul, outer)   # re-exported
