"""`scripts/gpu-check.sh run`: run what `prepare` built, on the machine with the GPU.

    PYTHONPATH=<site with iree-base-runtime> python3 scripts/gpu_check_run.py [--dir build/gpu-check]

Needs only numpy and `iree.runtime` (lintra, MLIR and the compiler are not
installed there): artifacts are loaded with the `exported.py` that prepare
copied beside them. For each entry of the manifest's `checks` it runs the
runner of its `kind` (`RUNNERS`):

- `iree`: load the exported function, call it on the saved inputs, compare
  every output leaf with the reference: max |out - ref| / max |ref| <= rtol
  (bool and integer leaves: equal);
- `command`: run `argv` (paths relative to the folder) and compare the
  numbers it prints with those of the file `expected` (relative error
  <= `rtol`; other words must be equal) — for checks of other tool chains;
- `nvvm`: a program of the upstream GPU lowering built ahead of time
  (lintra.tools.nvvm_build): its own `run.py` runs it against the CPU's
  reference and exits 0 when it matches (77, no NVIDIA driver, is a failure here).

Then the benchmark (`bench`): each exported gradient of bench/workloads.py at
GPU sizes, on inputs made from the manifest's seed, timed with its inputs
already on the device (calls in a loop, then one read of the result; the
median over rounds), and, where JAX is installed and sees a GPU, checked
against `jax.grad` and timed the same way with JAX at full f32 precision
("highest", the arithmetic IREE does) and at its default precision (TF32
matrix products on this GPU). Without JAX that part is skipped.

Prints one summary line (stdout); a line per check and benchmark goes to
stderr as it finishes, and everything to `<dir>/results.json`. Exits 1 when a
check or a comparison fails.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import iree.runtime as iree_runtime
import numpy as np

try:  # optional: the benchmark compares with JAX where the GPU machine has it
    import jax
except ImportError:
    jax = None

ROOT = Path(__file__).resolve().parents[1]
BENCH_RTOL = 2e-3  # f32 gradients of sums over 4096 terms, against JAX at full precision
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|nan)$")


def load_module(name: str, path: Path):
    """A module from a file, without putting its folder on sys.path (python/lintra
    holds a numpy.py; bench/ and the gpu-check folder need not be packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = sys.modules[name] = importlib.util.module_from_spec(spec)  # dataclasses look it up
    spec.loader.exec_module(module)
    return module


def relative_error(output, reference) -> float:
    """max |output - reference| / max |reference| (exact comparison for bool and integer leaves)."""
    output, reference = np.asarray(output), np.asarray(reference)
    if output.shape != reference.shape:
        return float("inf")
    if not np.issubdtype(reference.dtype, np.floating):
        return 0.0 if np.array_equal(output, reference) else float("inf")
    scale = max(float(np.max(np.abs(reference), initial=0.0)), 1e-30)
    error = float(np.max(np.abs(output.astype(np.float64) - reference), initial=0.0)) / scale
    return error if np.isfinite(error) or not np.array_equal(output, reference, equal_nan=True) else 0.0


def run_iree(entry: dict, folder: Path, exported) -> tuple[bool, str]:
    function = exported.load(folder / entry["artifact"])
    with np.load(folder / entry["inputs"]) as data:
        leaves = [data[f"leaf_{i}"] for i in range(len(data.files))]
    args = exported.tree_unflatten(function.in_tree, leaves)
    outputs = [leaf for _, leaf in exported.tree_flatten(function(*args), function.out_tree, "output")]
    with np.load(folder / entry["reference"]) as data:
        references = [data[f"leaf_{i}"] for i in range(len(data.files))]
    if len(outputs) != len(references):
        return False, f"{len(outputs)} outputs, {len(references)} references"
    error = max(relative_error(o, r) for o, r in zip(outputs, references, strict=True))
    return error <= entry["rtol"], f"max rel err {error:.1e} (rtol {entry['rtol']:.0e})"


def run_command(entry: dict, folder: Path, exported) -> tuple[bool, str]:
    process = subprocess.run(entry["argv"], cwd=folder, capture_output=True, text=True, timeout=300)
    if process.returncode != 0:
        return False, f"exit {process.returncode}: {process.stderr.strip()[-300:]}"
    words, expected = process.stdout.split(), (folder / entry["expected"]).read_text().split()
    if len(words) != len(expected):
        return False, f"printed {len(words)} words, expected {len(expected)}"
    worst = 0.0
    for word, want in zip(words, expected, strict=True):
        if NUMBER.match(want) and NUMBER.match(word):
            worst = max(worst, relative_error(np.float64(word), np.float64(want)))
        elif word != want:
            return False, f"printed {word!r} where {want!r} was expected"
    return worst <= entry["rtol"], f"max rel err {worst:.1e} (rtol {entry['rtol']:.0e})"


def run_nvvm(entry: dict, folder: Path, exported) -> tuple[bool, str]:
    done = subprocess.run(
        [sys.executable, "run.py"], cwd=folder / entry["folder"], capture_output=True, text=True, timeout=300
    )
    return done.returncode == 0, (done.stdout.strip() or done.stderr.strip())[-300:]


RUNNERS = {"iree": run_iree, "command": run_command, "nvvm": run_nvvm}


def time_rounds(functions: dict, rounds: int = 7, calls: int = 10) -> dict:
    """Median seconds per call of each `function() -> sync()` pair, rounds interleaved."""
    samples = {name: [] for name in functions}
    for call, sync in functions.values():  # warm-up: module load, autotuning, caches
        sync(call())
        sync(call())
    for _ in range(rounds):
        for name, (call, sync) in functions.items():
            start = time.perf_counter()
            for _ in range(calls):
                result = call()
            sync(result)
            samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def jax_on(platform: str):
    """jax, if it is installed and sees a device of `platform` ("gpu"); else None."""
    if jax is None:
        return None
    try:
        return jax if jax.devices(platform) else None
    except RuntimeError:
        return None


def first(result):
    """The first output of an IREE call (a tuple, or one array)."""
    return result[0] if isinstance(result, tuple) else result


def bench_one(entry: dict, workload, folder: Path, exported, jax) -> tuple[bool, str, dict]:
    """Time (and, with JAX, check) one exported gradient; (ok, summary words, record)."""
    params, data = workload.make(np.random.default_rng(entry["seed"]), **entry["sizes"])
    function = exported.load(folder / entry["artifact"])
    iree_function = function.function.load()
    device = function.function.config.device
    leaves = [leaf for _, leaf in exported.tree_flatten((params, *data), function.in_tree)]
    on_device = [iree_runtime.asdevicearray(device, leaf) for leaf in leaves]
    functions = {"lintra": (lambda: iree_function(*on_device), lambda r: first(r).to_host())}
    record, ok = {"sizes": entry["sizes"]}, True
    if jax is not None:

        def primal(params, *data):
            return workload.loss(jax.numpy, jax.nn, params, *data)

        args = jax.device_put((params, *data))
        for precision, name in (("highest", "float32"), ("default", "tensorfloat32")):
            with jax.default_matmul_precision(name):
                jitted = jax.jit(jax.grad(primal))
                jitted(*args)  # compiled under this precision
            functions[f"jax_{precision}"] = (functools.partial(jitted, *args), jax.block_until_ready)
        reference = [np.asarray(x) for x in jax.tree_util.tree_leaves(functions["jax_highest"][0]())]
        outputs = exported.tree_flatten(function(params, *data), function.out_tree, "output")
        error = max(relative_error(o, r) for (_, o), r in zip(outputs, reference, strict=True))
        record["rel_error_vs_jax"], ok = error, error <= BENCH_RTOL
    times = record["seconds"] = time_rounds(functions)
    if jax is None:
        return ok, f"{entry['name']} {times['lintra'] * 1e3:.2f} ms", record
    return (
        ok,
        f"{entry['name']} {times['lintra'] / times['jax_highest']:.2f}x"
        f" ({times['lintra'] * 1e3:.2f}/{times['jax_highest'] * 1e3:.2f} ms; vs TF32 "
        f"{times['lintra'] / times['jax_default']:.2f}x; err {record['rel_error_vs_jax']:.0e})",
        record,
    )


def run_bench(manifest: dict, folder: Path, exported, results: dict) -> tuple[bool, list[str]]:
    workloads = {w.name: w for w in load_module("workloads", ROOT / "bench" / "workloads.py").WORKLOADS}
    jax = jax_on("cpu" if manifest["target"] == "cpu" else "gpu")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
    ok, notes = True, []
    for entry in manifest["bench"]:
        passed, note, record = bench_one(entry, workloads[entry["name"]], folder, exported, jax)
        results.setdefault("bench", {})[entry["name"]] = record
        print(f"{'BENCH' if passed else 'BENCH FAIL'} {note}", file=sys.stderr, flush=True)
        ok &= passed
        notes.append(note)
    prefix = "bench lintra/JAX-f32:" if jax is not None else "bench (no JAX on a GPU here: not compared):"
    return ok, [prefix, *notes] if notes else []


def gpu_name() -> str:
    if shutil.which("nvidia-smi") is None:
        return "no nvidia-smi"
    query = subprocess.run(
        ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True
    )
    return query.stdout.strip().splitlines()[0] if query.returncode == 0 and query.stdout.strip() else "GPU ?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(ROOT / "build" / "gpu-check"))
    parser.add_argument("--no-bench", action="store_true")
    options = parser.parse_args()
    folder = Path(options.dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    exported = load_module("exported", folder / "exported.py")
    if manifest["target"] == "cuda":
        try:
            exported.device_config("cuda", "gpu-check")
        except RuntimeError as error:
            print(f"gpu-check FAIL (cuda, {gpu_name()}): no CUDA device for IREE: {error}")
            sys.exit(1)
    results, failed = {"checks": {}}, []
    for entry in manifest["checks"]:
        try:
            passed, detail = RUNNERS[entry["kind"]](entry, folder, exported)
        except Exception as error:  # a check that crashes fails; the others still run
            passed, detail = False, f"{type(error).__name__}: {str(error).strip()[:300]}"
        results["checks"][entry["name"]] = {"passed": passed, "detail": detail}
        print(f"{'PASS' if passed else 'FAIL'} {entry['name']}: {detail}", file=sys.stderr, flush=True)
        if not passed:
            failed.append(entry["name"])
    bench_ok, bench_notes = True, []
    if manifest["bench"] and not options.no_bench:
        try:
            bench_ok, bench_notes = run_bench(manifest, folder, exported, results)
        except Exception as error:
            bench_ok, bench_notes = (
                False,
                [f"bench failed: {type(error).__name__}: {str(error).strip()[:300]}"],
            )
    (folder / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    total = len(manifest["checks"])
    status = "PASS" if not failed and bench_ok else "FAIL"
    summary = [
        f"gpu-check {status} ({manifest['target']}, {gpu_name()}):",
        f"checks {total - len(failed)}/{total} passed"
        + (f" (failed: {', '.join(failed)})" if failed else "")
        + ";",
        *bench_notes,
    ]
    print(" ".join(summary))
    sys.exit(0 if status == "PASS" else 1)


if __name__ == "__main__":
    main()
