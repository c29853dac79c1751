"""`scripts/gpu-check.sh prepare`: everything the GPU machine needs, built on an ordinary one.

    .venv/bin/python scripts/gpu_check_prepare.py [--out build/gpu-check] [--target cuda]
                                                  [--no-bench] [--no-wheel]

Writes into `--out` (an ignored folder, kept under `LIMIT_BYTES` because the
GPU machine accepts at most 64 MiB carried from the work tree):

- `manifest.json`: the checks, the benchmark and the wheel, read by
  scripts/gpu_check_run.py;
- `programs/<name>.vmfb|.json` (each program of test/gpu/programs.py exported
  with `lintra.export(..., target=)`), `<name>.inputs.npz` (its argument
  leaves) and `<name>.reference.npz` (the output leaves JAX computes on this
  CPU, with 64-bit types);
- `bench/<workload>.vmfb|.json`: the gradients of bench/workloads.py's MLP
  (batch 4096), matmul chain (4096²) and attention (4096×64), exported only:
  their inputs are made on the GPU machine from the seed in the manifest (they
  would not fit), and JAX checks and times them there;
- `nvvm/<program>/`: each program of `NVVM_PROGRAMS` differentiated and
  lowered with `lintra-lower-to-nvvm` and built ahead of time by
  `lintra.tools.nvvm_build` (the program, the MLIR runtime libraries it needs,
  the CPU's reference output and a standard-library `run.py`): the GPU
  machine has no mlir-runner;
- `exported.py`: a copy of the loader (python/lintra/exported.py);
- `wheels/`: the iree-base-runtime wheel for the GPU machine's Python (3.12,
  abi3, manylinux x86_64), from `pip download`.

Each entry of `manifest["checks"]` has a `kind` that gpu_check_run.py knows
(`RUNNERS` there). To add checks of another kind (for example programs of the
upstream GPU lowering, run with `mlir-runner`), append a function
`prepare_<what>(out, target, only) -> list of entries` to `PREPARERS` here and a
runner of that kind there; the `command` kind (run a command line, compare the
numbers it prints with an expected output) needs no new runner.
`--target cpu --small-bench` builds the same for the CPU at small sizes (the
runner's own test, test/python/test_gpu_check.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import lintra
import lintra.nn
import lintra.numpy as lnp
from lintra import exported
from lintra.tools import nvvm_build

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "test" / "gpu"), str(ROOT / "bench")]
from programs import PROGRAMS  # noqa: E402  (test/gpu and bench are not packages)
from workloads import WORKLOADS  # noqa: E402

LIMIT_BYTES = 60 * 2**20
# Programs of the upstream GPU lowering (lintra-lower-to-nvvm), differentiated first.
NVVM_PROGRAMS = ("examples/mlp_grad.mlir",)
SEED = 0
WHEEL = "iree-base-runtime==3.13.0"
# The benchmark at GPU sizes: workload name -> keyword arguments of its `make`.
BENCH_SIZES = {
    "mlp": {"batch": 4096},
    "matmul_chain": {"n": 4096},
    "attention": {"n": 4096, "d": 64},
}


def flat(tree) -> dict:
    """The leaves of a pytree as npz entries leaf_0, leaf_1, ... (in pytree order)."""
    return {f"leaf_{i}": np.asarray(leaf) for i, leaf in enumerate(jax.tree_util.tree_leaves(tree))}


def prepare_programs(out: Path, target: str, only=()) -> list[dict]:
    """Export test/gpu/programs.py's programs (those named in `only`, if any);
    their inputs and JAX's outputs beside them."""
    folder = out / "programs"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for program in PROGRAMS:
        if only and program.name not in only:
            continue
        args = program.make(np.random.default_rng(SEED))
        fun = program.fun(lnp, lintra.nn, lintra)
        fun.__name__ = program.name
        lintra.export(fun, *args, target=target, path=folder / program.name)
        reference = jax.jit(program.fun(jnp, jax.nn, jax))(*args)
        np.savez(folder / f"{program.name}.inputs.npz", **flat(args))
        np.savez(folder / f"{program.name}.reference.npz", **flat(reference))
        entries.append(
            {
                "kind": "iree",
                "name": program.name,
                "artifact": f"programs/{program.name}.vmfb",
                "inputs": f"programs/{program.name}.inputs.npz",
                "reference": f"programs/{program.name}.reference.npz",
                "rtol": program.rtol,
            }
        )
    return entries


def prepare_bench(out: Path, target: str, small: bool = False) -> list[dict]:
    """Export the gradients of the benchmark workloads at GPU sizes (shapes only: no data kept)."""
    folder = out / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for workload in WORKLOADS:
        if workload.name not in BENCH_SIZES:
            continue
        sizes = {} if small else BENCH_SIZES[workload.name]
        params, data = workload.make(np.random.default_rng(SEED), **sizes)

        def primal(params, *data, workload=workload):
            return workload.loss(lnp, lintra.nn, params, *data)

        primal.__name__ = f"{workload.name}_grad"
        lintra.export(lintra.grad(primal), params, *data, target=target, path=folder / workload.name)
        entries.append(
            {
                "name": workload.name,
                "description": f"grad of {workload.name} {sizes}",
                "artifact": f"bench/{workload.name}.vmfb",
                "sizes": sizes,
                "seed": SEED,
            }
        )
    return entries


def prepare_nvvm(out: Path, target: str, only=()) -> list[dict]:
    """Build `NVVM_PROGRAMS` with lintra-lower-to-nvvm (lintra-lower-to-llvm for the CPU
    target) ahead of time, each into a folder that runs without MLIR."""
    entries = []
    for source in map(Path, NVVM_PROGRAMS):
        name = f"nvvm-{source.stem}"
        if only and name not in only:
            continue
        nvvm_build.build(ROOT / source, out / "nvvm" / source.stem, target=target, ad=True)
        entries.append({"kind": "nvvm", "name": name, "folder": f"nvvm/{source.stem}"})
    return entries


PREPARERS = [prepare_programs, prepare_nvvm]


def download_wheel(out: Path) -> str:
    """The iree-base-runtime wheel for CPython 3.12 (abi3) on manylinux x86_64, in out/wheels."""
    folder = out / "wheels"
    found = sorted(folder.glob("iree_base_runtime-*.whl"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
            + ["--python-version", "3.12", "--platform", "manylinux_2_28_x86_64", WHEEL, "-d", str(folder)],
            check=True,
        )
        found = sorted(folder.glob("iree_base_runtime-*.whl"))
    return str(found[-1].relative_to(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "gpu-check"))
    parser.add_argument("--target", default="cuda", choices=("cuda", "cpu"))
    parser.add_argument("--no-bench", action="store_true", help="skip the benchmark's artifacts")
    parser.add_argument("--no-wheel", action="store_true", help="skip downloading the runtime wheel")
    parser.add_argument("--only", default="", help="comma-separated names of checks to prepare")
    parser.add_argument("--small-bench", action="store_true", help="the CPU benchmark's sizes (for tests)")
    options = parser.parse_args()
    jax.config.update("jax_enable_x64", True)
    out = Path(options.out)
    for stale in ("programs", "bench", "nvvm"):
        shutil.rmtree(out / stale, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    manifest = {
        "target": options.target,
        "created": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "checks": [
            entry
            for prepare in PREPARERS
            for entry in prepare(out, options.target, [n for n in options.only.split(",") if n])
        ],
        "bench": [] if options.no_bench else prepare_bench(out, options.target, options.small_bench),
        "wheel": None if options.no_wheel else download_wheel(out),
    }
    shutil.copy(Path(exported.__file__), out / "exported.py")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    print(
        f"gpu-check prepare: {len(manifest['checks'])} checks, {len(manifest['bench'])} benchmarks, "
        f"target {options.target}, {size / 2**20:.1f} MiB in {out} ({time.perf_counter() - start:.0f} s)"
    )
    if size > LIMIT_BYTES:
        sys.exit(f"gpu-check prepare: {out} holds {size / 2**20:.1f} MiB, over {LIMIT_BYTES / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
