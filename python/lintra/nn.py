"""lintra.nn: neural-network functions with jax.nn's semantics (numerically stable).

relu(x) = max(x, 0) with derivative 0 at 0 (as jax.nn.relu); sigmoid(x) =
1 / (1 + exp(-x)); softplus(x) = log(1 + exp(x)) computed as
max(x, 0) + log1p(exp(-|x|)); logsumexp, softmax and log_softmax subtract the
maximum along `axis` before exponentiating. (lintra has no stop_gradient: the
shift by the maximum cancels analytically, so derivatives are unaffected.)
"""

from __future__ import annotations

from . import numpy as lnp
from .eager import array_function


@array_function("x")
def relu(x):
    return lnp.where(lnp.greater(x, 0), x, lnp.zeros_like(x))


@array_function("x")
def sigmoid(x):
    return lnp.reciprocal(lnp.add(1, lnp.exp(lnp.negative(x))))


@array_function("x")
def softplus(x):
    return lnp.add(lnp.maximum(x, 0), lnp.log1p(lnp.exp(lnp.negative(lnp.abs(x)))))


@array_function("a")
def logsumexp(a, axis=None, keepdims=False):
    """log(sum(exp(a), axis)), shifted by the maximum for stability."""
    shift = lnp.max(a, axis=axis, keepdims=True)
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
