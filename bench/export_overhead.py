"""Export -> load -> call against the in-process backend: the per-call overhead of `lintra.load`.

    .venv/bin/python bench/export_overhead.py [--budget 3.0]

For the gradients of two workloads of bench/workloads.py (the tiny MLP, where
per-call overhead dominates, and the MLP at batch 128) it times, interleaved
(median over the repeats), `lintra.jit(lintra.grad(loss))` on iree-cpu and the
same function exported with `lintra.export(..., target="cpu")` and loaded with
`lintra.load`, on the same arguments, checks that both give the same arrays,
and prints the medians and their difference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

import lintra
import lintra.nn
import lintra.numpy as lnp

sys.path.insert(0, str(Path(__file__).parent))
from run import time_interleaved  # noqa: E402  (bench/ is not a package)
from workloads import WORKLOADS  # noqa: E402

SELECTED = ("tiny_mlp", "mlp")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of timed calls per workload")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lintra-export-bench-"))
    rng = np.random.default_rng(0)
    print("| workload (grad) | in-process jit µs | exported+loaded µs | difference µs | ratio |")
    print("|---|---|---|---|---|")
    for workload in (w for w in WORKLOADS if w.name in SELECTED):
        params, data = workload.make(rng)
        args = (params, *data)

        def loss(params, *data, workload=workload):
            return workload.loss(lnp, lintra.nn, params, *data)

        in_process = lintra.jit(lintra.grad(loss), backend="iree-cpu")
        loaded = lintra.load(
            lintra.export(lintra.grad(loss), *args, target="cpu", path=folder / workload.name)
        )
        for a, b in zip(
            lintra.tree_leaves(in_process(*args)), lintra.tree_leaves(loaded(*args)), strict=True
        ):
            np.testing.assert_array_equal(a, b)
        times = time_interleaved({"jit": in_process, "loaded": loaded}, args, options.budget, 20, 20000)
        jit_us, loaded_us = times["jit"] * 1e6, times["loaded"] * 1e6
        print(
            f"| {workload.description} | {jit_us:.1f} | {loaded_us:.1f} | {loaded_us - jit_us:+.1f} "
            f"| {loaded_us / jit_us:.3f} |"
        )


if __name__ == "__main__":
    main()
