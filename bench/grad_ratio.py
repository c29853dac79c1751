"""Benchmark: compiled gradient time over compiled primal time (lintra vs JAX).

For a two-layer tanh MLP loss, sum((tanh(x @ w1) @ w2)^2), it compiles the
primal and the gradient with respect to both weights through lintra-ad and a
backend of `lintra.backends` (default: lintra's default), times both, and prints the
gradient/primal ratio. When JAX is installed, it prints JAX's ratio for the
same function (jit on CPU) and the lintra/JAX time ratios.

    .venv/bin/python bench/grad_ratio.py [--batch 256] [--hidden 256] [--repeat 50] [--backend mlir-cpu]

bench/run.py is the full suite (six workloads, all backends, compile times).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from mlir import ir

from lintra import backends
from lintra.dialect import make_context
from lintra.passes import PASSES

PROGRAM = """
func.func @loss(%w1: tensor<{d}x{h}xf32>, %w2: tensor<{h}x{o}xf32>, %x: tensor<{b}x{d}xf32>) -> f32 {{
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<{b}x{h}xf32>
  %c1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<{b}x{h}xf32>) -> tensor<{b}x{h}xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<{b}x{d}xf32>, tensor<{d}x{h}xf32>) outs(%c1 : tensor<{b}x{h}xf32>) -> tensor<{b}x{h}xf32>
  %a = math.tanh %h : tensor<{b}x{h}xf32>
  %e2 = tensor.empty() : tensor<{b}x{o}xf32>
  %c2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<{b}x{o}xf32>) -> tensor<{b}x{o}xf32>
  %y = linalg.matmul ins(%a, %w2 : tensor<{b}x{h}xf32>, tensor<{h}x{o}xf32>) outs(%c2 : tensor<{b}x{o}xf32>) -> tensor<{b}x{o}xf32>
  %sq = arith.mulf %y, %y : tensor<{b}x{o}xf32>
  %e0 = tensor.empty() : tensor<f32>
  %c0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%sq : tensor<{b}x{o}xf32>) outs(%c0 : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {{
      %t = arith.addf %in, %acc : f32
      linalg.yield %t : f32
    }}
  %r = tensor.extract %s[] : tensor<f32>
  return %r : f32
}}
func.func @grad(%w1: tensor<{d}x{h}xf32>, %w2: tensor<{h}x{o}xf32>, %x: tensor<{b}x{d}xf32>) -> (tensor<{d}x{h}xf32>, tensor<{h}x{o}xf32>) {{
  %g:3 = "lintra.grad"(%w1, %w2, %x) {{callee = @loss}}
      : (tensor<{d}x{h}xf32>, tensor<{h}x{o}xf32>, tensor<{b}x{d}xf32>) -> (tensor<{d}x{h}xf32>, tensor<{h}x{o}xf32>, tensor<{b}x{d}xf32>)
  return %g#0, %g#1 : tensor<{d}x{h}xf32>, tensor<{h}x{o}xf32>
}}
"""


def best_time(function, args, repeat: int) -> float:
    function(*args)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def lintra_times(sizes: dict, args, repeat: int, backend: str | None) -> tuple[float, float]:
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(PROGRAM.format(**sizes))
        PASSES["lintra-ad"]().run(module.operation)
        text = str(module)
    primal, grad = backends.compile(text, "loss", backend), backends.compile(text, "grad", backend)
    return best_time(primal, args, repeat), best_time(grad, args, repeat)


def jax_times(args, repeat: int):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None

    def loss(w1, w2, x):
        return jnp.sum((jnp.tanh(x @ w1) @ w2) ** 2)

    primal = jax.jit(loss)
    grad = jax.jit(jax.grad(loss, argnums=(0, 1)))

    def run(function):
        return lambda *a: jax.block_until_ready(function(*a))

    return best_time(run(primal), args, repeat), best_time(run(grad), args, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--inputs", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--outputs", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--backend", default=None, help=f"one of {', '.join(backends.names())}")
    options = parser.parse_args()
    sizes = dict(b=options.batch, d=options.inputs, h=options.hidden, o=options.outputs)
    rng = np.random.default_rng(0)
    args = [
        rng.standard_normal((options.inputs, options.hidden)).astype(np.float32) * 0.1,
        rng.standard_normal((options.hidden, options.outputs)).astype(np.float32) * 0.1,
        rng.standard_normal((options.batch, options.inputs)).astype(np.float32),
    ]
    primal, grad = lintra_times(sizes, args, options.repeat, options.backend)
    print(f"MLP loss, batch {options.batch}, {options.inputs}->{options.hidden}->{options.outputs}, f32")
    print(
        f"lintra ({backends.resolve(options.backend)}): primal {primal * 1e3:8.3f} ms  grad {grad * 1e3:8.3f} ms  grad/primal {grad / primal:6.2f}"
    )
    reference = jax_times(args, options.repeat)
    if reference is None:
        print("jax not installed: no reference")
        return
    jax_primal, jax_grad = reference
    print(
        f"jax:    primal {jax_primal * 1e3:8.3f} ms  grad {jax_grad * 1e3:8.3f} ms  "
        f"grad/primal {jax_grad / jax_primal:6.2f}"
    )
    print(f"lintra/jax: primal {primal / jax_primal:6.2f}x  grad {grad / jax_grad:6.2f}x")


if __name__ == "__main__":
    main()
