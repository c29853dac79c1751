"""lintra.nn: neural-network functions with jax.nn's values and derivatives.

Each function is composed so that neither its value nor any derivative of it
overflows or cancels at extreme inputs (±1000, ±inf) or at kinks (ties, 0):
relu(x) = where(x > 0, x, 0) with derivative 0 at 0 (as jax.nn.relu); sigmoid
is evaluated from exp(-|x|) <= 1 on either side of 0; softplus(x) =
logaddexp(x, 0) (as jax.nn.softplus); logsumexp, softmax and log_softmax
subtract the maximum along `axis`, without derivative (stop_gradient, as JAX),
before exponentiating.
"""

from __future__ import annotations

from . import dtypes
from . import numpy as lnp
from . import primitives as prim
from .eager import array_function
from .numpy_core import operand


@array_function("x")
def relu(x):
    return lnp.where(lnp.greater(x, 0), x, lnp.zeros_like(x))


@array_function("x")
def sigmoid(x):
    """1 / (1 + exp(-x)), as (x >= 0 ? 1 : e) / (1 + e) with e = exp(-|x|) <= 1, so
    nothing overflows (1 / (1 + exp(-x)) has a NaN derivative below x = -709).

    The choice is a blend with a 0/1 float mask, exact since e is finite, rather
    than a select: second derivatives through a select's i1 condition do not
    lower yet (issue 6, item 4)."""
    e = lnp.exp(lnp.negative(lnp.abs(x)))
    mask = lnp.astype(lnp.greater_equal(x, 0), e.dtype)
    numerator = lnp.add(mask, lnp.multiply(lnp.subtract(1, mask), e))
    return lnp.divide(numerator, lnp.add(1, e))


@array_function("x")
def softplus(x):
    return lnp.logaddexp(x, 0)


@array_function("x")
def log_sigmoid(x):
    return lnp.negative(softplus(lnp.negative(x)))


@array_function("x")
def silu(x):
    return lnp.multiply(x, sigmoid(x))


swish = silu


def _shift(x, axis):
    """The maximum of x along `axis` (kept), without derivative, and 0 where it is
    infinite (as jax.nn.logsumexp): x - shift is then never inf - inf."""
    peak = prim.stop_gradient(lnp.max(x, axis=axis, keepdims=True))
    return lnp.where(lnp.isfinite(peak), peak, lnp.zeros_like(peak))


def _inexact(x, name: str):
    x = operand(x, name)
    return prim.convert(x, *dtypes.to_inexact(x.dtype, x.weak))


@array_function("a")
def logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a), axis)), shifted by the maximum for stability."""
    a = _inexact(a, "logsumexp")
    shift = _shift(a, axis)
    total = lnp.sum(lnp.exp(lnp.subtract(a, shift)), axis=axis, keepdims=True)
    result = lnp.add(lnp.log(total), shift)
    return result if keepdims else lnp.squeeze(result, axis=axis)


@array_function("x")
def log_softmax(x, axis=-1):
    x = _inexact(x, "log_softmax")
    shifted = lnp.subtract(x, prim.stop_gradient(lnp.max(x, axis=axis, keepdims=True)))
    return lnp.subtract(shifted, lnp.log(lnp.sum(lnp.exp(shifted), axis=axis, keepdims=True)))


@array_function("x")
def softmax(x, axis=-1):
    x = _inexact(x, "softmax")
    unnormalized = lnp.exp(lnp.subtract(x, prim.stop_gradient(lnp.max(x, axis=axis, keepdims=True))))
    return lnp.divide(unnormalized, lnp.sum(unnormalized, axis=axis, keepdims=True))
