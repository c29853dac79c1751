"""The benchmark workloads of bench/run.py, written once for lintra and JAX.

Each workload's `loss(xp, nn, params, *data)` is a scalar function in terms
of a numpy-like module `xp` (`lintra.numpy` or `jax.numpy`) and `nn`
(`lintra.nn` or `jax.nn`); the benchmark times it (the primal) and its
gradient with respect to `params` (a tuple of arrays). `make(rng)` returns
(params, data) as numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    description: str
    loss: Callable
    make: Callable


def _normal(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def mlp_loss(xp, nn, params, x, y):
    w1, b1, w2, b2, w3, b3 = params
    h = nn.relu(x @ w1 + b1)
    h = nn.relu(h @ w2 + b2)
    logits = h @ w3 + b3
    return -xp.mean(xp.sum(nn.log_softmax(logits) * y, axis=1))


def mlp_make(rng, sizes=(784, 256, 256, 10), batch=128, dtype=np.float32):
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params += [_normal(rng, (fan_in, fan_out), dtype, fan_in**-0.5), np.zeros(fan_out, dtype)]
    x = _normal(rng, (batch, sizes[0]), dtype)
    y = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], batch)]
    return tuple(params), (x, y)


def chain_loss(xp, nn, params):
    a, b, c = params
    return xp.sum(xp.tanh(a @ b) @ c)


def chain_make(rng, n=512):
    return tuple(_normal(rng, (n, n), np.float32, n**-0.5) for _ in range(3)), ()


def attention_loss(xp, nn, params):
    q, k, v = params
    return xp.sum(nn.softmax(q @ k.T / 8.0, axis=-1) @ v)


def attention_make(rng, n=256, d=64):
    return tuple(_normal(rng, (n, d), np.float32) for _ in range(3)), ()


def gmm_loss(xp, nn, params, x):
    """Negative log-likelihood of a diagonal-covariance Gaussian mixture
    (log-weights alphas, means, log-precisions q), plus a Wishart-like prior term."""
    alphas, means, q = params
    diff = (x[:, None, :] - means[None, :, :]) * xp.exp(q)[None, :, :]
    log_terms = alphas[None, :] + xp.sum(q, axis=1)[None, :] - 0.5 * xp.sum(diff * diff, axis=2)
    n = x.shape[0]
    prior = 0.5 * xp.sum(xp.exp(2.0 * q)) - xp.sum(q)
    return -(xp.sum(nn.logsumexp(log_terms, axis=1)) - n * nn.logsumexp(alphas)) + prior


def gmm_make(rng, d=10, k=25, n=1000):
    params = (
        _normal(rng, (k,), np.float64),
        _normal(rng, (k, d), np.float64),
        _normal(rng, (k, d), np.float64, 0.1),
    )
    return params, (_normal(rng, (n, d), np.float64),)


def elementwise_loss(xp, nn, params):
    (x,) = params
    return xp.sum(xp.sin(x) * xp.exp(-x * x) + xp.tanh(x))


def elementwise_make(rng, n=1_000_000):
    return (_normal(rng, (n,), np.float32),), ()


def tiny_mlp_loss(xp, nn, params, x, y):
    w1, b1, w2, b2 = params
    return xp.mean((xp.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2)


def tiny_mlp_make(rng, batch=8):
    params = (
        _normal(rng, (16, 32), np.float64, 0.25),
        np.zeros(32),
        _normal(rng, (32, 1), np.float64, 0.2),
        np.zeros(1),
    )
    return params, (_normal(rng, (batch, 16), np.float64), _normal(rng, (batch, 1), np.float64))


WORKLOADS = [
    Workload("mlp", "MLP 784-256-256-10, batch 128, f32", mlp_loss, mlp_make),
    Workload("matmul_chain", "sum(tanh(A@B)@C), 512x512 f32", chain_loss, chain_make),
    Workload("attention", "sum(softmax(QK^T/8)V), 256x64 f32", attention_loss, attention_make),
    Workload("gmm", "GMM objective d=10 K=25 n=1000, f64", gmm_loss, gmm_make),
    Workload("elementwise", "sum(sin(x)exp(-x^2)+tanh(x)), 1M f32", elementwise_loss, elementwise_make),
    Workload("tiny_mlp", "tiny MLP 16-32-1, batch 8, f64", tiny_mlp_loss, tiny_mlp_make),
]
