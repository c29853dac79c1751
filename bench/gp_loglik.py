"""Benchmark: value and gradient of a Gaussian log-likelihood, lintra against JAX.

    L(theta) = -0.5 yᵀ K⁻¹ y - 0.5 log det K,   K = s² exp(-d² / ℓ) + 0.1 I,

with theta = (log s², log ℓ), written once against (numpy, scipy.linalg)-like
modules: a Cholesky factorization (`cho_factor`), `cho_solve` and the log
determinant from the factor's diagonal. It compiles value_and_grad with lintra
(the default backend, or --backend) and with jax.jit (CPU, x64), checks that
they agree, times the calls (median of --repeat) and prints lintra/JAX.

    .venv/bin/python bench/gp_loglik.py [--n 256 1024] [--repeat 10] [--backend iree-cpu]
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

import lintra
import lintra.numpy as lnp
import lintra.scipy.linalg as lsl


def log_likelihood(np_, sla, n: int):
    x = np.linspace(0.0, 1.0, n)
    y = np.sin(6 * x) + 0.1 * np.cos(40 * x)
    d2 = (x[:, None] - x[None, :]) ** 2

    def f(theta):
        k = np_.exp(theta[0]) * np_.exp(-d2 / np_.exp(theta[1])) + 0.1 * np.eye(n)
        factor = sla.cho_factor(k, lower=True)
        alpha = sla.cho_solve(factor, y)
        logdet = 2 * np_.sum(np_.log(np_.sum(factor[0] * np.eye(n), axis=1)))
        return -0.5 * np_.dot(y, alpha) - 0.5 * logdet

    return f


def median_seconds(function, argument, repeat: int) -> float:
    jax.block_until_ready(function(argument))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(function(argument))
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--backend", default=None)
    args = parser.parse_args()

    jax.config.update("jax_enable_x64", True)
    theta = np.array([0.2, -3.0])
    # JAX first, for all n: once IREE's worker threads exist, XLA's CPU threads
    # compete with them on a small machine and JAX's times are distorted.
    reference = {}
    for n in args.n:
        theirs = jax.jit(jax.value_and_grad(log_likelihood(jnp, jsl, n)))
        reference[n] = (theirs(theta), median_seconds(theirs, theta, args.repeat))
    for n in args.n:
        start = time.perf_counter()
        ours = lintra.jit(lintra.value_and_grad(log_likelihood(lnp, lsl, n)), backend=args.backend)
        value, grad = ours(theta)
        compile_seconds = time.perf_counter() - start
        (jax_value, jax_grad), t_jax = reference[n]
        error = max(
            abs(value - jax_value) / abs(jax_value), np.max(np.abs(grad - jax_grad) / np.abs(jax_grad))
        )
        t_ours = median_seconds(ours, theta, args.repeat)
        print(
            f"n={n}: lintra {t_ours * 1e3:.2f} ms, JAX {t_jax * 1e3:.2f} ms, ratio {t_ours / t_jax:.2f}x "
            f"(compile {compile_seconds:.1f} s, max rel err {error:.1e})"
        )


if __name__ == "__main__":
    main()
