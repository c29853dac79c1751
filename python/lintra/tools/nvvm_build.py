"""Build a lowered program into a folder that runs without MLIR: for a GPU machine.

    python -m lintra.tools.nvvm_program build PROGRAM.mlir -o DIR [--ad] [--chip sm_80] [--target cuda|cpu]
    python3 DIR/run.py        # on the GPU machine: one line, PASS / FAIL / SKIPPED (77)

mlir-runner needs libMLIR.so and libLLVM.so (about 300 MB), more than a GPU
machine here accepts (64 MiB carried, no installs), so `build` compiles the
program ahead of time on this machine: lintra-lower-to-nvvm (or, with
`--target cpu`, lintra-lower-to-llvm, to test the folder without a GPU),
`mlir-translate --mlir-to-llvmir` (the PTX is embedded, loaded by a global
constructor), `llc -filetype=obj`, and `cc`, linking a `main` that calls the
program's `@main`. DIR then holds (about 2.5 MB):

- `program`, with RUNPATH `$ORIGIN`; `program.mlir`, the lowered module (for
  `mlir-runner` where it exists);
- the runtime libraries of the MLIR tools wheel (`libmlir_cuda_runtime.so`,
  `libmlir_runner_utils.so`, `libmlir_c_runner_utils.so` and the two they
  load), and stand-ins for the `libLLVM.so` and `libMLIR.so` they name: these
  define, as placeholders, the symbols the libraries import from them (never
  called when printing f32/f64 memrefs; only their presence is checked at load);
- `reference.txt`: what @main prints on the CPU here (lintra-lower-to-llvm and
  mlir-runner; with `--ad`, after lintra-ad); `manifest.json`; and `run.py`
  (a copy of `nvvm_run.py`, standard library only), which runs `program` and
  compares its numbers with the reference.

The program must be a module with `func.func @main()` printing its results
(e.g. with `printMemrefF32`). A C compiler (`cc`) is needed here.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

from lintra.tools import lintra_opt, nvvm_run

# Loaded by the program: the wheel's runtime libraries and what they load.
WHEEL_LIBRARIES = (
    "libmlir_cuda_runtime.so",
    "libmlir_runner_utils.so",
    "libmlir_c_runner_utils.so",
    "libmlir_float16_utils.so",
    "libmlir_apfloat_wrappers.so",
)
STUBBED = {"libLLVM.so": "LLVM_22.1", "libMLIR.so": None}  # name -> its symbol version
ENTRY = "lintra_program_main"
DRIVER = f"extern void {ENTRY}(void);\nint main(void) {{\n  {ENTRY}();\n  return 0;\n}}\n"
PIPELINES = {"cuda": "lintra-lower-to-nvvm{{chip={chip}}}", "cpu": "lintra-lower-to-llvm"}


class BuildError(Exception):
    """A step of `build` failed; the message says which and why."""


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"python package '{name}' not found")
    return Path(list(spec.submodule_search_locations)[0])


def lower(source: Path, output: Path, *, target: str = "cuda", chip: str = "sm_80", ad: bool = False) -> int:
    """Lower `source` for `target` (after lintra-ad if `ad`) into `output`, as
    lintra-opt does: 0, or 1 with located diagnostics on stderr."""
    pipeline = ("lintra-ad," if ad else "") + PIPELINES[target].format(chip=chip)
    return lintra_opt.main([str(source), f"--pass-pipeline=builtin.module({pipeline})", "-o", str(output)])


def _run(command: list, what: str, **kwargs) -> str:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise BuildError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def _stub_source(version: str | None, libraries: list[Path], llvm_bin: Path) -> str:
    """C source defining, as placeholders, the symbols `libraries` import with `version`."""
    if version is None:
        return "/* no symbols are imported from this library */\n"
    symbols = set()
    for library in libraries:
        listing = _run([llvm_bin / "llvm-nm", "-D", "--undefined-only", library], "llvm-nm")
        for line in listing.splitlines():
            name = line.split()[-1]
            if name.endswith(f"@{version}"):
                symbols.add(name.removesuffix(f"@{version}"))
    return "".join(f"char {name}[16];\n" for name in sorted(symbols))


def _build_stubs(folder: Path, libraries: list[Path], llvm_bin: Path, work: Path) -> None:
    for name, version in STUBBED.items():
        source = work / f"{name}.c"
        source.write_text(_stub_source(version, libraries, llvm_bin))
        flags = ["-shared", "-fPIC", f"-Wl,-soname,{name}"]
        if version:
            script = work / f"{name}.map"
            script.write_text(f"{version} {{ global: *; }};\n")
            flags.append(f"-Wl,--version-script={script}")
        _run(["cc", *flags, "-o", folder / name, source], f"cc ({name})")


def reference_output(source: Path, work: Path, *, ad: bool) -> str:
    """What `source`'s @main prints through lintra-lower-to-llvm and mlir-runner."""
    lowered = work / "reference.mlir"
    if lower(source, lowered, target="cpu", ad=ad):
        raise BuildError(f"lowering {source} for the CPU failed")
    lib = package_dir("mlir") / "lib"
    libraries = ",".join(str(lib / name) for name in WHEEL_LIBRARIES[1:3])
    runner = [lib.parent / "bin" / "mlir-runner", lowered, "-e", "main", "-entry-point-result=void"]
    return _run([*runner, f"-shared-libs={libraries}"], "mlir-runner (reference)")


def build(
    source,
    folder,
    *,
    target: str = "cuda",
    chip: str = "sm_80",
    ad: bool = False,
    rtol: float = 1e-4,
    atol: float = 1e-4,
) -> Path:
    """Build `source` into `folder` (see the module doc); BuildError if a step fails."""
    source, folder = Path(source), Path(folder)
    if shutil.which("cc") is None:
        raise BuildError("no C compiler (cc) to link the program")
    work = folder / "build"
    work.mkdir(parents=True, exist_ok=True)
    lowered = folder / "program.mlir"
    if lower(source, lowered, target=target, chip=chip, ad=ad):
        raise BuildError(f"lowering {source} failed (see the errors above)")
    mlir_dir, llvm_bin = package_dir("mlir"), package_dir("llvm") / "bin"
    _run(
        [mlir_dir / "bin" / "mlir-translate", "--mlir-to-llvmir", lowered, "-o", work / "program.ll"],
        "mlir-translate",
    )
    obj = work / "program.o"
    _run(
        [llvm_bin / "llc", "-O2", "-relocation-model=pic", "-filetype=obj", work / "program.ll", "-o", obj],
        "llc",
    )
    _run([llvm_bin / "llvm-objcopy", f"--redefine-sym=main={ENTRY}", obj], "llvm-objcopy")
    libraries = []
    for name in WHEEL_LIBRARIES:
        libraries.append(Path(shutil.copy2(mlir_dir / "lib" / name, folder / name)))
    _build_stubs(folder, libraries, llvm_bin, work)
    (work / "driver.c").write_text(DRIVER)
    links = [f"-l{name.removeprefix('lib').removesuffix('.so')}" for name in WHEEL_LIBRARIES[:3]]
    _run(
        ["cc", work / "driver.c", obj, "-o", folder / "program", f"-L{folder}", *links]
        + ["-Wl,--allow-shlib-undefined", "-Wl,-rpath,$ORIGIN", "-lm"],
        "cc (program)",
    )
    (folder / "reference.txt").write_text(reference_output(source, work, ad=ad))
    shutil.copy2(nvvm_run.__file__, folder / "run.py")
    manifest = {"source": source.name, "target": target, "chip": chip, "ad": ad, "rtol": rtol, "atol": atol}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    shutil.rmtree(work)
    return folder
