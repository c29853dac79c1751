"""Run a program built by `nvvm_program build` and check its numbers (standard library only).

    python3 nvvm_run.py [DIR]            # run DIR/program, compare with DIR/reference.txt
    python3 nvvm_run.py compare EXPECTED ACTUAL [--rtol R] [--atol A]

`nvvm_program build` copies this file into the folder it builds as `run.py`,
so a machine with an NVIDIA driver and python3, but no MLIR or lintra, runs
it. The first form prints one line, `nvvm: <program> PASS (N numbers)` or
`... FAIL: <why>`, and exits 0 or 1; without `libcuda.so.1` (for a GPU build)
it prints `... SKIPPED` and exits 77. DIR defaults to this file's folder.

Comparing reads every number of each file (printMemref output, where addresses
`base@ = 0x...` are skipped): the counts must match and each pair agree within
`atol + rtol * |expected|`.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import re
import subprocess
import sys
from pathlib import Path

SKIPPED = 77
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)")


def numbers(text: str) -> list[float]:
    text = re.sub(r"base@ = 0x[0-9a-f]+", "", text)
    return [float(token) for token in NUMBER.findall(text)]


def difference(expected: str, actual: str, rtol: float = 1e-4, atol: float = 1e-4) -> str | None:
    """Why the numbers of `actual` differ from those of `expected`, else None."""
    want, got = numbers(expected), numbers(actual)
    if len(want) != len(got) or not want:
        return f"different counts of numbers: {len(want)} expected, {len(got)} printed"
    for index, (a, b) in enumerate(zip(want, got, strict=True)):
        if not abs(a - b) <= atol + rtol * abs(a):
            return f"number {index}: expected {a}, got {b}"
    return None


def run_built(folder: Path) -> int:
    """Run `folder`'s program against its reference; print one line; exit status."""
    manifest = json.loads((folder / "manifest.json").read_text())
    name = manifest["source"]
    if manifest["target"] == "cuda":
        try:
            ctypes.CDLL("libcuda.so.1")
        except OSError:
            print(f"nvvm: {name} SKIPPED (no NVIDIA driver: libcuda.so.1)")
            return SKIPPED
    done = subprocess.run([str(folder / "program")], capture_output=True, text=True, check=False)
    (folder / "output.txt").write_text(done.stdout)
    if done.returncode != 0:
        print(f"nvvm: {name} FAIL: exit status {done.returncode}: {done.stderr.strip()[-500:]}")
        return 1
    why = difference((folder / "reference.txt").read_text(), done.stdout, manifest["rtol"], manifest["atol"])
    if why:
        print(f"nvvm: {name} FAIL: {why}")
        return 1
    print(
        f"nvvm: {name} PASS ({len(numbers(done.stdout))} numbers, {manifest['target']}, {manifest['chip']})"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compare"]:
        parser = argparse.ArgumentParser(prog="nvvm_run.py compare")
        parser.add_argument("expected")
        parser.add_argument("actual")
        parser.add_argument("--rtol", type=float, default=1e-4)
        parser.add_argument("--atol", type=float, default=1e-4)
        args = parser.parse_args(argv[1:])
        actual = Path(args.actual).read_text()
        why = difference(Path(args.expected).read_text(), actual, args.rtol, args.atol)
        print(why or f"same numbers: {len(numbers(actual))}")
        return 1 if why else 0
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent
    return run_built(folder)


if __name__ == "__main__":
    sys.exit(main())
