"""Elementwise functions of `lintra.numpy`: math functions, arithmetic,
comparisons, `where` and `clip`, with NumPy's broadcasting and JAX's dtype
promotion (`lintra.numpy_core`). Each is an `array_function`: it emits MLIR
inside a trace and is compiled once per signature outside one.
"""

from __future__ import annotations

import builtins

import numpy as np
from mlir.dialects import arith, math

from . import dtypes
from . import primitives as prim
from .eager import array_function
from .numpy_core import broadcast_shapes, operand, operand_shape, promote_operands, promoted_type


def _define(name: str, implementation, array_params=("x",), doc: str = ""):
    implementation.__name__ = implementation.__qualname__ = name
    implementation.__doc__ = doc
    return array_function(*array_params)(implementation)


def _math_unary(name: str, op_class):
    def implementation(x):
        x = operand(x, name)
        dtype, weak = dtypes.to_inexact(x.dtype, x.weak)
        return prim.elementwise(op_class, prim.convert(x, dtype, weak), weak=weak)

    return _define(
        name, implementation, doc=f"Elementwise {op_class.OPERATION_NAME} (integers promote to float)."
    )


sin = _math_unary("sin", math.SinOp)
cos = _math_unary("cos", math.CosOp)
tan = _math_unary("tan", math.TanOp)
sinh = _math_unary("sinh", math.SinhOp)
cosh = _math_unary("cosh", math.CoshOp)
tanh = _math_unary("tanh", math.TanhOp)
exp = _math_unary("exp", math.ExpOp)
exp2 = _math_unary("exp2", math.Exp2Op)
expm1 = _math_unary("expm1", math.ExpM1Op)
log = _math_unary("log", math.LogOp)
log2 = _math_unary("log2", math.Log2Op)
log1p = _math_unary("log1p", math.Log1pOp)
sqrt = _math_unary("sqrt", math.SqrtOp)
arctan = _math_unary("arctan", math.AtanOp)


def _rounding(name: str, op_class):
    def implementation(x):
        x = operand(x, name)
        return prim.elementwise(op_class, x, weak=x.weak) if dtypes.is_floating(x.dtype) else x

    return _define(
        name, implementation, doc=f"Elementwise {op_class.OPERATION_NAME}; integers are returned as is."
    )


floor, ceil = _rounding("floor", math.FloorOp), _rounding("ceil", math.CeilOp)
round = _rounding("round", math.RoundEvenOp)  # half to even, like jnp.round


def _binary(name: str, float_op, int_op, bool_op, inexact: bool = False):
    def implementation(x1, x2):
        a, b = promote_operands(name, x1, x2, inexact=inexact)
        op = float_op if dtypes.is_floating(a.dtype) else bool_op if dtypes.is_bool(a.dtype) else int_op
        if op is None:
            raise TypeError(f"{name} does not accept dtype {a.dtype}")
        return prim.elementwise(op, a, b, weak=a.weak)

    return _define(
        name, implementation, ("x1", "x2"), f"Elementwise {name} with broadcasting and dtype promotion."
    )


add = _binary("add", arith.AddFOp, arith.AddIOp, arith.OrIOp)
subtract = _binary("subtract", arith.SubFOp, arith.SubIOp, None)
multiply = _binary("multiply", arith.MulFOp, arith.MulIOp, arith.AndIOp)
divide = true_divide = _binary("divide", arith.DivFOp, None, None, inexact=True)
maximum = _binary("maximum", arith.MaximumFOp, arith.MaxSIOp, arith.OrIOp)
minimum = _binary("minimum", arith.MinimumFOp, arith.MinSIOp, arith.AndIOp)
arctan2 = _binary("arctan2", math.Atan2Op, None, None, inexact=True)
bitwise_and = _binary("bitwise_and", None, arith.AndIOp, arith.AndIOp)
bitwise_or = _binary("bitwise_or", None, arith.OrIOp, arith.OrIOp)
bitwise_xor = _binary("bitwise_xor", None, arith.XOrIOp, arith.XOrIOp)


def _comparison(name: str, kind: str):
    def implementation(x1, x2):
        a, b = promote_operands(name, x1, x2)
        return prim.compare(kind, a, b)

    return _define(name, implementation, ("x1", "x2"), f"Elementwise x1 {kind} x2, as a bool array.")


equal, not_equal = _comparison("equal", "eq"), _comparison("not_equal", "ne")
less, less_equal = _comparison("less", "lt"), _comparison("less_equal", "le")
greater, greater_equal = _comparison("greater", "gt"), _comparison("greater_equal", "ge")


@array_function("x1", "x2")
def floor_divide(x1, x2):
    a, b = promote_operands("floor_divide", x1, x2)
    if dtypes.is_floating(a.dtype):
        return prim.elementwise(math.FloorOp, prim.elementwise(arith.DivFOp, a, b), weak=a.weak)
    if dtypes.is_bool(a.dtype):
        raise TypeError("floor_divide does not accept dtype bool")
    return prim.elementwise(arith.FloorDivSIOp, a, b, weak=a.weak)


@array_function("x1", "x2")
def remainder(x1, x2):
    """x1 - floor_divide(x1, x2) * x2: the remainder with the sign of x2 (Python's %)."""
    a, b = promote_operands("remainder", x1, x2)
    return subtract(a, multiply(floor_divide(a, b), b))


mod = remainder


@array_function("x1", "x2")
def power(x1, x2):
    """x1 ** x2; a Python int exponent is exact repeated multiplication (like lax.integer_pow)."""
    if isinstance(x2, int) and not isinstance(x2, bool):
        return _integer_pow(x1, x2)
    a, b = promote_operands("power", x1, x2)
    if dtypes.is_bool(a.dtype):
        raise TypeError("power does not accept dtype bool")
    op = math.PowFOp if dtypes.is_floating(a.dtype) else math.IPowIOp
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
        return prim.elementwise(arith.NegFOp, x, weak=x.weak)
    return prim.elementwise(arith.SubIOp, prim.full(x.shape, 0, x.dtype), x, weak=x.weak)


@array_function("x")
def positive(x):
    return operand(x, "positive")


@array_function("x")
def abs(x):
    x = operand(x, "abs")
    if dtypes.is_bool(x.dtype):
        return x
    return prim.elementwise(math.AbsFOp if dtypes.is_floating(x.dtype) else math.AbsIOp, x, weak=x.weak)


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
    return prim.elementwise(arith.XOrIOp, x, prim.full(x.shape, ones_value, x.dtype), weak=x.weak)


def square(x):
    return multiply(x, x)


def reciprocal(x):
    return divide(1, x)


@array_function("condition", "x", "y")
def where(condition, x=None, y=None):
    """x where `condition` is true, else y (broadcast together; x and y promoted)."""
    if x is None or y is None:
        raise NotImplementedError("where(condition) without x and y has a data-dependent shape; pass x and y")
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


@array_function("x")
def isnan(x):
    x = operand(x, "isnan")
    return not_equal(x, x) if dtypes.is_floating(x.dtype) else prim.full(x.shape, False, dtypes.BOOL)


@array_function("x")
def isinf(x):
    x = operand(x, "isinf")
    return (
        equal(abs(x), float("inf")) if dtypes.is_floating(x.dtype) else prim.full(x.shape, False, dtypes.BOOL)
    )


@array_function("x")
def isfinite(x):
    x = operand(x, "isfinite")
    return (
        less(abs(x), float("inf")) if dtypes.is_floating(x.dtype) else prim.full(x.shape, True, dtypes.BOOL)
    )


@array_function("x1", "x2")
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)) with jnp.logaddexp's values and derivatives.

    The larger operand plus log1p(exp(smaller - larger)), the larger one chosen by
    a select: each side of a tie is smooth, so the derivative is exact everywhere
    (0.5 and 0.5 at x1 == x2, where max + log1p(exp(-|x1 - x2|)) would give 0 and
    1). Where the difference is NaN (a NaN, or equal infinities) the result is
    x1 + x2. Where it is not above -inf (NaN, or an infinite operand that decides
    the result) the difference is replaced by the constant -inf, whose tangent is
    zero: no NaN from the tangent of a difference with an infinity (inf * 0
    upstream) reaches the derivatives, as JAX's `_replace_inf` in its JVP ensures.
    """
    a, b = promote_operands("logaddexp", x1, x2, inexact=True)
    first = greater_equal(a, b)
    larger, smaller = where(first, a, b), where(first, b, a)
    delta = subtract(smaller, larger)
    safe_delta = where(greater(delta, float("-inf")), delta, float("-inf"))
    return where(isnan(delta), add(a, b), add(larger, log1p(exp(safe_delta))))


@array_function("x")
def log10(x):
    """log(x) / log(10), as jnp.log10."""
    x = operand(x, "log10")
    return divide(log(x), prim.full(x.shape, np.log(10.0), dtypes.to_inexact(x.dtype, x.weak)[0], True))


@array_function("x1", "x2")
def hypot(x1, x2):
    """sqrt(x1**2 + x2**2) without overflow, as jnp.hypot (larger * sqrt(1 + ratio**2))."""
    a, b = promote_operands("hypot", x1, x2, inexact=True)
    a, b = abs(a), abs(b)
    larger, smaller = maximum(a, b), minimum(a, b)
    zero = equal(larger, 0.0)
    ratio = divide(smaller, where(zero, 1.0, larger))
    result = where(zero, larger, multiply(larger, sqrt(add(1.0, square(ratio)))))
    return where(bitwise_or(isinf(a), isinf(b)), np.inf, result)


@array_function("x")
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN -> `nan`, +inf -> `posinf`, -inf -> `neginf` (default: the dtype's largest
    and smallest finite values); integers are returned as is."""
    x = operand(x, "nan_to_num")
    if not dtypes.is_floating(x.dtype):
        return x
    info = np.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    result = where(isnan(x), prim.full(x.shape, nan, x.dtype), x)
    result = where(equal(x, np.inf), prim.full(x.shape, posinf, x.dtype), result)
    return prim.retag(where(equal(x, -np.inf), prim.full(x.shape, neginf, x.dtype), result), x.weak)
