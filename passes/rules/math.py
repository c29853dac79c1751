"""JVP rules for the math dialect (scalars and elementwise on tensors).

No math op is linear, so none has a transpose rule: each tangent is the input
tangent times a derivative coefficient computed from primal values, and that
coefficient becomes a residual when the JVP is linearized (cos(x) for sin).
Every math op is elementwise, so batched by `defvectorized`.
"""

from __future__ import annotations

import math

from mlir.dialects import arith
from mlir.dialects import math as math_dialect

from ..core.tables import defjvp, defvectorized, defzero


def scaled(coefficient):
    """A partial `t * coefficient(b, *xs, out)`."""
    return lambda b, t, *xs: b.mul(t, coefficient(b, *xs))


def unary(name):
    return lambda b, x: b.unary(name, x)


def abs_slope(b, x):
    """1 where x >= 0, else -1 (JAX's choice: |x|' is 1 at 0)."""
    return b.select(b.cmpf(arith.CmpFPredicate.OGE, x, b.like(x, 0.0)), b.like(x, 1.0), b.like(x, -1.0))


def one_plus_square(b, x):
    return b.op1("arith.addf", b.like(x, 1.0), b.op1("arith.mulf", x, x))


defjvp("math.sin", scaled(lambda b, x, out: b.unary("math.cos", x)))
defjvp("math.cos", scaled(lambda b, x, out: b.neg(b.unary("math.sin", x))))
defjvp("math.tan", scaled(lambda b, x, out: one_plus_square(b, out)))
defjvp(
    "math.tanh", scaled(lambda b, x, out: b.op1("arith.subf", b.like(x, 1.0), b.op1("arith.mulf", out, out)))
)
defjvp("math.exp", scaled(lambda b, x, out: out))
defjvp("math.exp2", scaled(lambda b, x, out: b.op1("arith.mulf", out, b.like(x, math.log(2.0)))))
defjvp("math.expm1", scaled(lambda b, x, out: b.op1("arith.addf", out, b.like(x, 1.0))))
defjvp("math.log", lambda b, t, x, out: b.div(t, x))
defjvp("math.log1p", lambda b, t, x, out: b.div(t, b.op1("arith.addf", x, b.like(x, 1.0))))
defjvp("math.log2", lambda b, t, x, out: b.div(t, b.op1("arith.mulf", x, b.like(x, math.log(2.0)))))
defjvp("math.sqrt", lambda b, t, x, out: b.div(t, b.op1("arith.mulf", out, b.like(x, 2.0))))
defjvp(
    "math.rsqrt", scaled(lambda b, x, out: b.op1("arith.divf", b.op1("arith.mulf", out, b.like(x, -0.5)), x))
)
defjvp("math.absf", scaled(lambda b, x, out: abs_slope(b, x)))
defjvp(
    "math.erf",
    scaled(
        lambda b, x, out: b.op1(
            "arith.mulf",
            b.like(x, 2.0 / math.sqrt(math.pi)),
            b.unary("math.exp", b.neg(b.op1("arith.mulf", x, x))),
        )
    ),
)
defjvp("math.atan", lambda b, t, x, out: b.div(t, one_plus_square(b, x)))
defjvp("math.sinh", scaled(lambda b, x, out: b.unary("math.cosh", x)))
defjvp("math.cosh", scaled(lambda b, x, out: b.unary("math.sinh", x)))


def norm_squared(b, y, x):
    return b.op1("arith.addf", b.op1("arith.mulf", x, x), b.op1("arith.mulf", y, y))


# atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2)
defjvp(
    "math.atan2",
    lambda b, t, y, x, out: b.div(b.mul(t, x), norm_squared(b, y, x)),
    lambda b, t, y, x, out: b.neg(b.div(b.mul(t, y), norm_squared(b, y, x))),
)


def powf_base_coefficient(b, x, y, out):
    """y * x^(y-1), as JAX computes it, but 0 (the limit) at x = y = 0 instead of
    0 * inf: x is replaced by 1 there only. (Selecting 0 wherever y == 0 would
    lose the coefficient's derivative in y, 1/x, at y == 0.)"""
    safe_zero = b.select(b.cmpf(arith.CmpFPredicate.OEQ, x, b.like(x, 0.0)), b.like(x, 1.0), x)
    base = b.select(b.cmpf(arith.CmpFPredicate.OEQ, y, b.like(y, 0.0)), safe_zero, x)
    power = b.op1("math.powf", base, b.op1("arith.subf", y, b.like(y, 1.0)))
    return b.op1("arith.mulf", y, power)


def powf_exponent_coefficient(b, x, y, out):
    """log(x) * x^y, taken as 0 where x == 0 (as JAX does)."""
    zero = b.like(x, 0.0)
    safe_x = b.select(b.cmpf(arith.CmpFPredicate.OEQ, x, zero), b.like(x, 1.0), x)
    return b.op1("arith.mulf", b.unary("math.log", safe_x), out)


defjvp("math.powf", scaled(powf_base_coefficient), scaled(powf_exponent_coefficient))


def fpowi_coefficient(b, x, n, out):
    """n * x^(n-1) for an integer exponent n."""
    n_minus_one = b.op1("arith.subi", n, b.constant(n.type, 1))
    power = math_dialect.fpowi(x, n_minus_one, loc=b.location, ip=b.ip)
    n_float = arith.sitofp(x.type, n, loc=b.location, ip=b.ip)
    return b.op1("arith.mulf", n_float, power)


defjvp("math.fpowi", scaled(fpowi_coefficient), None)

defzero(
    "math.floor",
    "math.ceil",
    "math.round",
    "math.roundeven",
    "math.trunc",
    reason="rounding to an integer value: piecewise constant",
)
defzero(
    "math.isnan",
    "math.isinf",
    "math.isfinite",
    "math.isnormal",
    reason="a classification: its i1 result is piecewise constant",
)

defvectorized(
    *(
        f"math.{name}"
        for name in (
            "sin cos tan tanh exp exp2 expm1 log log1p log2 log10 sqrt rsqrt cbrt powf fpowi ipowi "
            "absf absi erf erfc atan atan2 asin acos asinh acosh atanh sinh cosh floor ceil round "
            "roundeven trunc copysign fma isnan isinf isfinite isnormal"
        ).split()
    )
)
