"""lintra.nn: neural-network functions with jax.nn's values and derivatives.

Each function is composed so that neither its value nor any derivative of it
overflows or cancels at extreme inputs (±1000, ±inf) or at kinks (ties, 0):
relu(x) = where(x > 0, x, 0) with derivative 0 at 0 (as jax.nn.relu); sigmoid
is evaluated from exp(-|x|) <= 1 on either side of 0; softplus(x) =
logaddexp(x, 0) (as jax.nn.softplus); logsumexp, softmax and log_softmax
subtract the maximum along `axis` before exponentiating. (lintra has no
stop_gradient: the shift by the maximum cancels analytically, so derivatives are
unaffected.)
"""

from __future__ import annotations

from . import numpy as lnp
from .numpy_core import array_function


@array_function("x")
def relu(x):
    return lnp.where(lnp.greater(x, 0), x, lnp.zeros_like(x))


@array_function("x")
def sigmoid(x):
    """1 / (1 + exp(-x)); for x < 0 as e / (1 + e) with e = exp(x), so exp never
    overflows (a NaN derivative at x < -709 otherwise)."""
    e = lnp.exp(lnp.negative(lnp.abs(x)))
    r = lnp.reciprocal(lnp.add(1, e))
    return lnp.where(lnp.greater_equal(x, 0), r, lnp.multiply(e, r))


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


@array_function("a")
def logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a), axis)), shifted by the maximum for stability (by 0 where the
    maximum is infinite, as jax.nn.logsumexp, so -inf entries give exp(-inf) = 0)."""
    peak = lnp.max(a, axis=axis, keepdims=True)
    shift = lnp.where(lnp.isfinite(peak), peak, lnp.zeros_like(peak))
    total = lnp.sum(lnp.exp(lnp.subtract(a, shift)), axis=axis, keepdims=True)
    result = lnp.add(lnp.log(total), shift)
    return result if keepdims else lnp.squeeze(result, axis=axis)


@array_function("x")
def log_softmax(x, axis=-1):
    shifted = lnp.subtract(x, lnp.max(x, axis=axis, keepdims=True))
    return lnp.subtract(shifted, lnp.log(lnp.sum(lnp.exp(shifted), axis=axis, keepdims=True)))


@array_function("x")
def softmax(x, axis=-1):
    unnormalized = lnp.exp(lnp.subtract(x, lnp.max(x, axis=axis, keepdims=True)))
    return lnp.divide(unnormalized, lnp.sum(unnormalized, axis=axis, keepdims=True))
