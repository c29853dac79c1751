"""scripts/gpu-check's two halves, run here for the CPU target: prepare exports
programs of test/gpu/programs.py with JAX's references, the runner (numpy and
iree.runtime only) checks them, runs a `command` check (the hook for other tool
chains) and a program of the upstream GPU lowering built ahead of time (here
with lintra-lower-to-llvm), reports a wrong reference as a failure, and prints one summary line."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args], capture_output=True, text=True, timeout=600
    )


def test_prepare_then_run_on_the_cpu(tmp_path):
    out = tmp_path / "gpu-check"
    prepared = run(
        "gpu_check_prepare.py", "--out", str(out), "--target", "cpu", "--no-bench", "--no-wheel",
        "--only", "hvp_f64,masks_f32,nvvm-mlp_grad",
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    assert "3 checks, 0 benchmarks, target cpu" in prepared.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["checks"].append(
        {
            "kind": "command",
            "name": "printed_numbers",
            "argv": [sys.executable, "-c", "print('x =', 0.1 + 0.2)"],
            "expected": "expected.txt",
            "rtol": 1e-12,
        }
    )
    (out / "expected.txt").write_text("x = 0.3\n")
    (out / "manifest.json").write_text(json.dumps(manifest))
    passed = run("gpu_check_run.py", "--dir", str(out))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (summary,) = passed.stdout.strip().splitlines()  # one line; details on stderr
    assert "PASS printed_numbers: max rel err" in passed.stderr
    assert "PASS nvvm-mlp_grad: nvvm: mlp_grad.mlir PASS" in passed.stderr
    assert summary.startswith("gpu-check PASS (cpu, ") and "checks 4/4 passed" in summary

    reference = out / "programs" / "hvp_f64.reference.npz"
    with np.load(reference) as data:
        leaves = {name: data[name] for name in data.files}
    leaves["leaf_0"] = leaves["leaf_0"] * 1.001
    np.savez(reference, **leaves)
    failed = run("gpu_check_run.py", "--dir", str(out))
    assert failed.returncode == 1
    assert "FAIL hvp_f64: max rel err 1.0e-03" in failed.stderr
    assert "gpu-check FAIL" in failed.stdout and "checks 3/4 passed (failed: hvp_f64)" in failed.stdout
