"""lintra against JAX on six workloads: one command, measured numbers only.

    .venv/bin/python bench/run.py [--budget 3.0] [--only mlp,gmm] [--backends iree-cpu,mlir-cpu]

For every workload of bench/workloads.py it compiles the loss (primal) and its
gradient with each lintra backend and with JAX, checks the results against
JAX, then times calls with all implementations interleaved (median over the
repeats). It reports cold compile time (empty persistent cache: tracing,
lintra-ad and the backend) and cached compile time (in-memory cache cleared,
compiled module found in the persistent cache), grad/primal ratios, lintra/JAX
ratios, and for iree-cpu the number of `flow.dispatch` ops per function
(`iree-compile --compile-to=flow`). Writes bench/results.json and
bench/results.png and prints a markdown table. Needs the `bench` extra
(`pip install -e '.[bench]'`: JAX and matplotlib).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import lintra
import lintra.nn
import lintra.numpy as lnp
from lintra import backends
from lintra.backends.iree_compiler import iree_tool
from lintra.backends.iree_cpu import COMPILE_FLAGS

sys.path.insert(0, str(Path(__file__).parent))
from workloads import WORKLOADS  # noqa: E402  (bench/ is not a package)

HERE = Path(__file__).parent


def lintra_functions(workload, backend):
    def primal(params, *data):
        return workload.loss(lnp, lintra.nn, params, *data)

    primal.__name__ = workload.name
    return {
        "primal": lintra.jit(primal, backend=backend),
        "grad": lintra.jit(lintra.grad(primal), backend=backend),
    }


def jax_functions(workload):
    import jax
    import jax.numpy as jnp

    def primal(params, *data):
        return workload.loss(jnp, jax.nn, params, *data)

    compiled = {"primal": jax.jit(primal), "grad": jax.jit(jax.grad(primal))}
    return {mode: (lambda *a, f=f: jax.block_until_ready(f(*a))) for mode, f in compiled.items()}


def compile_times(jitted, args) -> dict:
    """Cold (empty caches) and cached (persistent cache only) compile seconds."""
    start = time.perf_counter()
    jitted.precompile(*args)
    cold = time.perf_counter() - start
    lintra.clear_cache()
    start = time.perf_counter()
    jitted.precompile(*args)
    return {"cold_s": cold, "cached_s": time.perf_counter() - start}


def dispatch_count(jitted, args) -> int:
    """flow.dispatch ops in the module iree-cpu compiled for `jitted` at `args` (from the cache)."""
    text = jitted.lower(*args).compile().executable.lowered_text
    flow = subprocess.run(
        [iree_tool("iree-compile"), *COMPILE_FLAGS, "--compile-to=flow", "-", "-o", "-"],
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sum(line.count("flow.dispatch @") for line in flow.splitlines())


def max_relative_error(result, reference) -> float:
    leaves, ref_leaves = lintra.tree_leaves(result), lintra.tree_leaves(reference)
    return max(
        float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(float(np.max(np.abs(b))), 1e-30))
        for a, b in zip(leaves, ref_leaves, strict=True)
    )


def time_interleaved(functions: dict, args, budget: float, min_repeats: int = 5, max_repeats: int = 500):
    """Median seconds per call of each function, calls interleaved, about `budget` seconds in all
    (at least `min_repeats` and at most `max_repeats` calls each)."""
    for function in functions.values():
        function(*args)
    start = time.perf_counter()
    for function in functions.values():
        function(*args)
    one_round = time.perf_counter() - start
    repeats = int(min(max(budget / max(one_round, 1e-9), min_repeats), max_repeats))
    samples = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            begin = time.perf_counter()
            function(*args)
            samples[name].append(time.perf_counter() - begin)
    return {name: statistics.median(values) for name, values in samples.items()}


def run_workload(workload, backend_names, budget, rng) -> dict:
    params, data = workload.make(rng)
    args = (params, *data)
    jax_fns = jax_functions(workload)
    record = {"name": workload.name, "description": workload.description, "backends": {}}
    functions = {}
    for backend in backend_names:
        fns = lintra_functions(workload, backend)
        entry = record["backends"][backend] = {}
        for mode, jitted in fns.items():
            entry[mode] = compile_times(jitted, args)
            entry[mode]["rel_error_vs_jax"] = max_relative_error(jitted(*args), jax_fns[mode](*args))
            if backend == "iree-cpu":
                entry[mode]["dispatches"] = dispatch_count(jitted, args)
            functions[(backend, mode)] = jitted
    for mode in ("primal", "grad"):
        timed = {name: fn for (name, m), fn in functions.items() if m == mode}
        timed["jax"] = jax_fns[mode]
        for name, seconds in time_interleaved(timed, args, budget).items():
            record["backends"].setdefault(name, {}).setdefault(mode, {})["time_s"] = seconds
    return record


def markdown(results) -> str:
    names = [b for b in results["backends"]]
    header = ["workload"]
    for b in names:
        header += [f"{b} primal/JAX", f"{b} grad/JAX"]
    header += ["JAX primal ms", "JAX grad ms", "grad/primal " + "/".join(names + ["jax"])]
    header += ["iree dispatches p/g", "iree compile cold/cached s (grad)", "max rel err vs JAX"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for record in results["workloads"]:
        data, jax = record["backends"], record["backends"]["jax"]
        row = [record["description"]]
        for b in names:
            row += [
                f"{data[b]['primal']['time_s'] / jax['primal']['time_s']:.2f}x",
                f"{data[b]['grad']['time_s'] / jax['grad']['time_s']:.2f}x",
            ]
        row += [f"{jax['primal']['time_s'] * 1e3:.3f}", f"{jax['grad']['time_s'] * 1e3:.3f}"]
        row.append(
            " / ".join(
                f"{data[b]['grad']['time_s'] / data[b]['primal']['time_s']:.2f}" for b in names + ["jax"]
            )
        )
        iree = data.get("iree-cpu")
        row.append(f"{iree['primal']['dispatches']} / {iree['grad']['dispatches']}" if iree else "-")
        row.append(f"{iree['grad']['cold_s']:.2f} / {iree['grad']['cached_s']:.3f}" if iree else "-")
        row.append(f"{max(data[b][m]['rel_error_vs_jax'] for b in names for m in ('primal', 'grad')):.1e}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def plot(results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = results["backends"]
    workloads = results["workloads"]
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    width = 0.8 / len(names)
    for axis, mode in zip(axes, ("primal", "grad"), strict=True):
        for i, backend in enumerate(names):
            ratios = [
                w["backends"][backend][mode]["time_s"] / w["backends"]["jax"][mode]["time_s"]
                for w in workloads
            ]
            axis.bar(np.arange(len(workloads)) + i * width, ratios, width, label=backend)
        axis.axhline(1.0, color="black", linewidth=0.8)
        axis.set_yscale("log")
        axis.set_xticks(np.arange(len(workloads)) + width * (len(names) - 1) / 2)
        axis.set_xticklabels([w["name"] for w in workloads], rotation=30, ha="right")
        axis.set_title(f"{mode}: lintra time / JAX time (lower is better)")
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget", type=float, default=3.0, help="seconds of timed calls per workload and mode"
    )
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--backends", default=",".join(backends.available()))
    parser.add_argument("--output", default=str(HERE / "results"), help="path stem of the .json and .png")
    options = parser.parse_args()
    import jax

    jax.config.update("jax_enable_x64", True)
    backend_names = [backends.resolve(b) for b in options.backends.split(",")]
    lintra.config.update("cache_dir", tempfile.mkdtemp(prefix="lintra-bench-cache-"))  # cold start
    rng = np.random.default_rng(0)
    selected = [w for w in WORKLOADS if not options.only or w.name in options.only.split(",")]
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.processor() or platform.platform()}",
        "versions": {
            "jax": jax.__version__,
            "iree": __import__("importlib.metadata").metadata.version("iree-base-runtime"),
        },
        "backends": backend_names,
        "workloads": [],
    }
    for workload in selected:
        print(f"# {workload.description}", file=sys.stderr, flush=True)
        results["workloads"].append(run_workload(workload, backend_names, options.budget, rng))
    Path(options.output + ".json").write_text(json.dumps(results, indent=2))
    plot(results, Path(options.output + ".png"))
    print(f"{results['date']}, {results['machine']}\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
