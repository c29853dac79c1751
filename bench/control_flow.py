"""Benchmark of differentiated loops, lintra (`lintra.lax`) against JAX (`jax.lax`, jit on CPU, x64).

Workloads, each written once against (lax, numpy)-like modules:
- rnn: a vanilla tanh RNN, h' = tanh(x_t W + h U + b), hidden 128, batch 32,
  input 64, f32, over 100 time steps (`scan`); loss = sum(h_T²) + sum of the
  stacked hidden states' means; gradient with respect to (W, U, b).
- ode: explicit RK4 on a damped pendulum with a cubic spring (2 states,
  parameters (damping, stiffness, cubic)), 500 steps of `fori_loop`, f64;
  gradient of the final energy with respect to the parameters and the state.

For each: `lintra.jit(lintra.grad(f))` (default backend, iree-cpu) against
`jax.jit(jax.grad(f))`; the gradients are compared (max relative difference),
then the calls are timed interleaved (median over about --budget seconds).
The RNN gradient is timed without and with checkpointing (the variants below).
The persistent compile cache is off, so lintra's first call includes tracing,
lintra-ad and the IREE compile.

Residual memory of the RNN gradient: lintra's figure is the sum of the bytes of
`lintra.saved_residuals(f, params)` (what the forward half of `linearize` keeps
for the linear half), without checkpointing, with `scan(..., checkpoint_every=k)`
and with `lintra.checkpoint` on the step function. JAX's figure is the sum of
the bytes of the distinct arrays that the closure returned by
`jax.vjp(f, params)` holds (its pytree leaves, deduplicated by identity): that
closure is exactly what reverse mode keeps alive between the forward and the
backward pass, for the same three variants (`jax.checkpoint` for the step;
JAX has no checkpoint_every, so for k the scan is nested, an outer scan of
N/k steps over an inner `jax.checkpoint`-ed scan of k steps, the usual JAX
idiom). Both figures count the inputs (parameters and data) when they are
saved. `jax.ad_checkpoint.print_saved_residuals` reports the jaxpr-level view
of the same thing and is printed with --verbose.

    .venv/bin/python bench/control_flow.py [--budget 3.0] [--every 10] [--verbose]

Writes bench/control_flow.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import jax
import jax.ad_checkpoint
import jax.numpy as jnp
import numpy as np

import lintra
import lintra.lax
import lintra.numpy as lnp

sys.path.insert(0, str(Path(__file__).parent))
from run import max_relative_error, time_interleaved  # noqa: E402  (bench/ is not a package)

HERE = Path(__file__).parent
STEPS, HIDDEN, BATCH, INPUTS = 100, 128, 32, 64
ODE_STEPS, DT = 500, 0.01


def rnn_loss(lax, np_, checkpoint, xs, every=None, nested=False):
    """The RNN loss of params = (W, U, b) over the sequence xs [STEPS, BATCH, INPUTS].
    `checkpoint` wraps the step (identity for none); `every` sets scan's
    checkpoint_every (lintra), or with `nested` splits the scan in two levels (JAX)."""

    def loss(params):
        w, u, b = params

        def step(h, x):
            h = np_.tanh(x @ w + h @ u + b)
            return h, np_.mean(h)

        body = step if nested else checkpoint(step)
        h0 = np_.zeros((BATCH, HIDDEN), dtype=np_.float32)
        if nested:
            inner = checkpoint(lambda h, xk: lax.scan(body, h, xk))
            h, ys = lax.scan(inner, h0, xs.reshape(STEPS // every, every, BATCH, INPUTS))
        elif every is not None:
            h, ys = lax.scan(body, h0, xs, checkpoint_every=every)
        else:
            h, ys = lax.scan(body, h0, xs)
        return np_.sum(h * h) + np_.sum(ys)

    return loss


def ode_loss(lax, np_):
    """Final energy of a damped cubic-spring pendulum after ODE_STEPS RK4 steps;
    argument (theta, y0): theta = (damping, stiffness, cubic), y0 = (q, p)."""

    def loss(args):
        theta, y0 = args

        def field(y):
            q, p = y[0], y[1]
            force = -theta[1] * np_.sin(q) - theta[2] * q**3 - theta[0] * p
            return np_.stack([p, force])

        def rk4(_, y):
            k1 = field(y)
            k2 = field(y + 0.5 * DT * k1)
            k3 = field(y + 0.5 * DT * k2)
            k4 = field(y + DT * k3)
            return y + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

        y = lax.fori_loop(0, ODE_STEPS, rk4, y0)
        return 0.5 * y[1] ** 2 + theta[1] * (1 - np_.cos(y[0])) + 0.25 * theta[2] * y[0] ** 4

    return loss


def identity(f):
    return f


def compare_gradients(name: str, ours, theirs, args, budget: float) -> dict:
    """Compile both gradients (lintra's first call timed), check, time interleaved."""
    want = jax.block_until_ready(theirs(args))
    start = time.perf_counter()
    got = ours(args)
    first = time.perf_counter() - start
    blocking = {"lintra": ours, "jax": lambda a: jax.block_until_ready(theirs(a))}
    times = time_interleaved(blocking, (args,), budget)
    return {
        "workload": name,
        "lintra_first_call_s": first,
        "lintra_s": times["lintra"],
        "jax_s": times["jax"],
        "ratio": times["lintra"] / times["jax"],
        "max_rel_err_vs_jax": max_relative_error(got, want),
    }


def jax_residual_bytes(fun, args) -> int:
    """Bytes of the distinct arrays held by the closure `jax.vjp(fun, args)` returns."""
    _, vjp_fun = jax.vjp(fun, args)
    seen = {id(leaf): leaf for leaf in jax.tree_util.tree_leaves(vjp_fun) if hasattr(leaf, "nbytes")}
    return int(sum(leaf.nbytes for leaf in seen.values()))


def rnn_variants(xs, every: int) -> list[tuple]:
    """(label, lintra loss, JAX loss) of the RNN without and with checkpointing."""
    xs_j = jnp.asarray(xs)
    return [
        ("none", rnn_loss(lintra.lax, lnp, identity, xs), rnn_loss(jax.lax, jnp, identity, xs_j)),
        (
            f"every {every} steps",
            rnn_loss(lintra.lax, lnp, identity, xs, every),
            rnn_loss(jax.lax, jnp, jax.checkpoint, xs_j, every, nested=True),
        ),
        (
            "checkpointed step",
            rnn_loss(lintra.lax, lnp, lintra.checkpoint, xs),
            rnn_loss(jax.lax, jnp, jax.checkpoint, xs_j),
        ),
    ]


def residual_row(label: str, ours, theirs, params, verbose: bool) -> dict:
    residuals = lintra.saved_residuals(ours, params, print_report=verbose)
    if verbose:
        jax.ad_checkpoint.print_saved_residuals(theirs, params)
    return {
        "variant": label,
        "lintra_bytes": int(sum(r.nbytes for r in residuals)),
        "lintra_count": len(residuals),
        "jax_bytes": jax_residual_bytes(theirs, params),
    }


def markdown(results) -> str:
    lines = [
        "| gradient | lintra first call s | lintra ms | JAX ms | lintra/JAX | max rel err vs JAX |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["timings"]:
        lines.append(
            f"| {r['workload']} | {r['lintra_first_call_s']:.2f} | {r['lintra_s'] * 1e3:.3f} | "
            f"{r['jax_s'] * 1e3:.3f} | {r['ratio']:.2f}x | {r['max_rel_err_vs_jax']:.1e} |"
        )
    lines += [
        "",
        "| RNN residuals, checkpointing | lintra bytes (count) | JAX bytes | lintra/JAX |",
        "|---|---|---|---|",
    ]
    for r in results["residuals"]:
        lines.append(
            f"| {r['variant']} | {r['lintra_bytes']:,} ({r['lintra_count']}) | {r['jax_bytes']:,} | "
            f"{r['lintra_bytes'] / r['jax_bytes']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of timed calls per workload")
    parser.add_argument("--every", type=int, default=10, help="checkpoint_every of the residual rows")
    parser.add_argument("--verbose", action="store_true", help="print each residual of both")
    parser.add_argument("--output", default=str(HERE / "control_flow.json"))
    options = parser.parse_args()
    if STEPS % options.every:
        parser.error(f"--every must divide {STEPS}")
    jax.config.update("jax_enable_x64", True)
    lintra.config.update("persistent_cache", False)  # first call = trace + lintra-ad + compile
    rng = np.random.default_rng(0)
    params = (
        (rng.standard_normal((INPUTS, HIDDEN)) / np.sqrt(INPUTS)).astype(np.float32),
        (rng.standard_normal((HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)).astype(np.float32),
        np.zeros(HIDDEN, np.float32),
    )
    xs = rng.standard_normal((STEPS, BATCH, INPUTS)).astype(np.float32)
    ode_args = (np.array([0.1, 2.0, 0.5]), np.array([1.0, 0.0]))
    rnn = f"RNN tanh, hidden {HIDDEN}, batch {BATCH}, {STEPS} steps (scan, f32)"
    variants = rnn_variants(xs, options.every)
    workloads = [
        (f"{rnn}, checkpointing: {label}", ours, theirs, params) for label, ours, theirs in variants
    ] + [
        (
            f"ODE RK4, 2 states, {ODE_STEPS} steps (fori_loop, f64)",
            ode_loss(lintra.lax, lnp),
            ode_loss(jax.lax, jnp),
            ode_args,
        )
    ]
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_start": os.getloadavg(),
        "versions": {"jax": jax.__version__},
        "timings": [],
        "residuals": [],
    }
    for name, ours, theirs, args in workloads:
        print(f"# {name}", file=sys.stderr, flush=True)
        results["timings"].append(
            compare_gradients(
                name, lintra.jit(lintra.grad(ours)), jax.jit(jax.grad(theirs)), args, options.budget
            )
        )
    results["residuals"] = [residual_row(*v, params, options.verbose) for v in variants]
    results["load_average_end"] = os.getloadavg()
    Path(options.output).write_text(json.dumps(results, indent=2))
    load = f"load {results['load_average_start']} -> {results['load_average_end']}"
    print(f"{results['date']}, {results['machine']}, {load}\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
