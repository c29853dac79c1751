"""Benchmark of batching: `hessian` of a scalar function of n inputs (one batched
JVP of one batched VJP) and per-example gradients of an MLP loss
(`vmap(grad(loss))` over a batch), lintra (default backend) against JAX (jit on
CPU, x64). Prints, per workload, the first-call time (trace, lintra-ad and
compile; the persistent cache is off), the median call time of each, their
ratio, and the largest relative difference of the results.

    .venv/bin/python bench/vmap.py [--sizes 256,1024] [--batch 128] [--repeat 20]
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

import lintra
import lintra.numpy as lnp

jax.config.update("jax_enable_x64", True)


def scalar_fn(m, x):
    return m.sum(m.sin(x) * x) * m.sum(m.cos(x)) + m.sum(m.tanh(x) ** 2)


def mlp_loss(m, params, x, y):
    hidden = m.tanh(x @ params["w1"] + params["b1"])
    return m.mean((hidden @ params["w2"] - y) ** 2)


def median_time(fn, args, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def compare(name: str, ours, theirs, args, repeat: int) -> None:
    start = time.perf_counter()
    got = ours(*args)
    first = time.perf_counter() - start
    want = jax.block_until_ready(theirs(*args))
    ours_s, theirs_s = median_time(ours, args, repeat), median_time(theirs, args, repeat)
    error = max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / (np.abs(np.asarray(b)) + 1e-300)))
        for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(want), strict=True)
    )
    print(
        f"| {name} | {first:.2f} | {ours_s * 1e3:.3f} | {theirs_s * 1e3:.3f} | "
        f"{ours_s / theirs_s:.2f}x | {error:.1e} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,1024", help="input sizes of the hessian workload")
    parser.add_argument("--batch", type=int, default=128, help="batch of the per-example gradients")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per measurement")
    args = parser.parse_args()
    lintra.config.update("persistent_cache", False)
    print("| workload | lintra first call s | lintra ms | JAX ms | lintra/JAX | max rel diff |")
    print("|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        x = np.linspace(-1.0, 1.0, n)
        compare(
            f"hessian, n = {n}",
            lintra.jit(lintra.hessian(lambda v: scalar_fn(lnp, v))),
            jax.jit(jax.hessian(lambda v: scalar_fn(jnp, v))),
            (x,),
            args.repeat,
        )
    rng = np.random.default_rng(0)
    params = {
        "w1": rng.standard_normal((32, 64)) / 8,
        "b1": np.zeros(64),
        "w2": rng.standard_normal((64, 10)) / 8,
    }
    xs, ys = rng.standard_normal((args.batch, 32)), rng.standard_normal((args.batch, 10))
    axes = (None, 0, 0)
    compare(
        f"per-example grads, MLP 32-64-10, batch {args.batch}",
        lintra.jit(lintra.vmap(lintra.grad(lambda p, x, y: mlp_loss(lnp, p, x, y)), in_axes=axes)),
        jax.jit(jax.vmap(jax.grad(lambda p, x, y: mlp_loss(jnp, p, x, y)), in_axes=axes)),
        (params, xs, ys),
        args.repeat,
    )


if __name__ == "__main__":
    main()
