"""The GPU check's test programs: small functions whose derivatives must agree on the GPU.

Each `Program` is written once for lintra and JAX, like bench/workloads.py:
`fun(xp, nn)` returns the function to export or jit (in terms of `lintra.numpy`
/`lintra.nn` or `jax.numpy`/`jax.nn`, and `lintra` or `jax` as `ad`), and
`make(rng)` its example arguments (numpy). Together they cover f32 and f64,
pytrees in and out, bool results, reductions, contractions, softmax, and
grad, jvp, vjp and a Hessian-vector product. Used by
scripts/gpu_check_prepare.py (exported for cuda, references from JAX on the
CPU) and by test/gpu/jit_programs.py (lintra.jit on iree-cuda, where a GPU is).
This file is not a lit test (test/gpu/lit.local.cfg excludes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Program:
    name: str
    fun: Callable  # fun(xp, nn, ad) -> the function of the arguments
    make: Callable  # make(rng) -> tuple of example arguments
    rtol: float


def _normal(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def elementwise(xp, nn, ad):
    return ad.grad(lambda x: xp.sum(xp.sin(x) * xp.exp(-x * x) + xp.tanh(x) + nn.softplus(x)))


def mlp(xp, nn, ad):
    def loss(params, x, y):
        h = nn.relu(x @ params["w1"] + params["b1"])
        logits = h @ params["w2"] + params["b2"]
        return -xp.mean(xp.sum(nn.log_softmax(logits) * y, axis=1))

    return ad.value_and_grad(loss)


def mlp_make(rng):
    params = {
        "w1": _normal(rng, (64, 128), np.float32) * 0.125,
        "b1": np.zeros(128, np.float32),
        "w2": _normal(rng, (128, 10), np.float32) * 0.09,
        "b2": np.zeros(10, np.float32),
    }
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]
    return params, _normal(rng, (256, 64), np.float32), y


def attention(xp, nn, ad):
    return ad.grad(lambda q, k, v: xp.sum(nn.softmax(q @ k.T / 8.0, axis=-1) @ v), argnums=(0, 1, 2))


def gmm_f64(xp, nn, ad):
    def loss(alphas, means, x):
        diff = x[:, None, :] - means[None, :, :]
        return -xp.sum(nn.logsumexp(alphas[None, :] - 0.5 * xp.sum(diff * diff, axis=2), axis=1))

    return ad.grad(loss, argnums=(0, 1))


def jvp_vjp(xp, nn, ad):
    def f(a, b):
        return xp.tanh(a @ b)

    def both(a, b, ta, ct):
        _, tangent = ad.jvp(f, (a, b), (ta, b))
        _, pullback = ad.vjp(f, a, b)
        return {"jvp": tangent, "vjp": pullback(ct)}

    return both


def jvp_vjp_make(rng):
    a, b = _normal(rng, (32, 48), np.float32), _normal(rng, (48, 16), np.float32) * 0.2
    return a, b, _normal(rng, (32, 48), np.float32), _normal(rng, (32, 16), np.float32)


def hvp_f64(xp, nn, ad):
    def f(x):
        return xp.sum(xp.exp(xp.sin(x)) * x**2)

    return lambda x, v: ad.jvp(ad.grad(f), (x,), (v,))[1]


def masks(xp, nn, ad):
    def f(x, threshold):
        above = x > threshold
        return above, xp.where(above, x, threshold * x), xp.max(x, axis=0)

    return f


PROGRAMS = [
    Program("elementwise_grad_f32", elementwise, lambda rng: (_normal(rng, (4096,), np.float32),), 2e-5),
    Program("mlp_value_and_grad_f32", mlp, mlp_make, 2e-4),
    Program(
        "attention_grad_f32",
        attention,
        lambda rng: tuple(_normal(rng, (64, 32), np.float32) for _ in range(3)),
        2e-4,
    ),
    Program(
        "gmm_grad_f64",
        gmm_f64,
        lambda rng: (
            _normal(rng, (8,), np.float64),
            _normal(rng, (8, 5), np.float64),
            _normal(rng, (100, 5), np.float64),
        ),
        1e-10,
    ),
    Program("jvp_vjp_f32", jvp_vjp, jvp_vjp_make, 2e-4),
    Program(
        "hvp_f64",
        hvp_f64,
        lambda rng: (_normal(rng, (50,), np.float64), _normal(rng, (50,), np.float64)),
        1e-10,
    ),
    Program("masks_f32", masks, lambda rng: (_normal(rng, (16, 8), np.float32), np.float32(0.25)), 1e-6),
]
