"""lintra-lower-to-nvvm where there is no GPU.

- The stages before the GPU dialect (`tile_for_gpu`: copied-in buffers, loop
  nests tiled as blocks over threads, interchanged reductions) still run on the
  CPU: the MLP gradient of examples/mlp_grad.mlir prints the same numbers as
  through lintra-lower-to-llvm, for block sizes that do and do not divide the
  loops.
- Each kernel launch covers its loop nest: blocks x threads >= the loop's trip
  count, at most `threads-per-block` threads, and each kernel of more than one
  thread reads its thread id in the PTX.
- nvvm_program (the helper of scripts/gpu-check.sh) writes the lowered program
  and skips running it (77) without a GPU; `build` makes a folder that runs
  without MLIR: built for the CPU it runs here and matches the reference, built
  for the GPU its run.py skips (77) without an NVIDIA driver.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mlir import ir

from lintra.dialect import make_context
from lintra.passes.gpu_loops import thread_tile
from lintra.passes.lintra_lower_to_llvm import LLVM_PASSES, run_pipeline
from lintra.passes.lintra_lower_to_nvvm import cuda_runtime_libraries, tile_for_gpu
from lintra.passes.pipeline import build_pass_manager
from lintra.tools import nvvm_build, nvvm_program, nvvm_run

ROOT = Path(__file__).resolve().parents[2]
MLP = ROOT / "examples" / "mlp_grad.mlir"
# What `tile_for_gpu` leaves, lowered for the CPU (scf.parallel as loops).
CPU_TAIL = f"expand-strided-metadata,lower-affine,convert-math-to-llvm,convert-scf-to-cf,{LLVM_PASSES}"


def lowered(text: str, pipeline: str) -> str:
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        build_pass_manager(pipeline).run(module.operation)
        return str(module)


def run_main(llvm_text: str) -> list[float]:
    """The numbers @main prints, run on the CPU with mlir-runner."""
    lib = Path(nvvm_program.default_mlir_lib())
    libraries = f"{lib / 'libmlir_runner_utils.so'},{lib / 'libmlir_c_runner_utils.so'}"
    result = subprocess.run(
        [
            str(lib.parent / "bin" / "mlir-runner"),
            "-e",
            "main",
            "-entry-point-result=void",
            f"-shared-libs={libraries}",
        ],
        input=llvm_text,
        capture_output=True,
        text=True,
        check=True,
    )
    text = re.sub(r"base@ = 0x[0-9a-f]+", "", result.stdout)
    return [float(token) for token in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", text)]


@pytest.fixture(scope="module")
def mlp_ad() -> str:
    return lowered(MLP.read_text(), "lintra-ad")


@pytest.fixture(scope="module")
def mlp_cpu_numbers(mlp_ad) -> list[float]:
    return run_main(lowered(mlp_ad, "lintra-lower-to-llvm"))


@pytest.mark.parametrize("threads", [256, 7])
def test_tiled_loops_compute_the_cpu_numbers(mlp_ad, mlp_cpu_numbers, threads):
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(mlp_ad)
        tile_for_gpu(module.operation, threads)
        run_pipeline(module.operation, CPU_TAIL)
        numbers = run_main(str(module))
    assert len(numbers) == len(mlp_cpu_numbers) > 300
    # Same loops, same order of each sum: the same numbers.
    assert numbers == mlp_cpu_numbers


@pytest.mark.parametrize(
    ("sizes", "threads", "tile"),
    [([1000], 256, [256]), ([50, 20], 256, [12, 20]), ([5, 7, 300, 4], 64, [1, 1, 16, 4]), ([3], 256, [3])],
)
def test_thread_tile_puts_inner_dimensions_on_threads(sizes, threads, tile):
    assert thread_tile(sizes, threads) == tile
    assert math.prod(tile) <= threads


SMALL = """
func.func @sine(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %y = math.sin %x : tensor<1000xf32>
  return %y : tensor<1000xf32>
}
func.func @scale(%x: tensor<33x70xf64>, %s: f64) -> tensor<33x70xf64> {
  %e = tensor.empty() : tensor<33x70xf64>
  %f = linalg.fill ins(%s : f64) outs(%e : tensor<33x70xf64>) -> tensor<33x70xf64>
  %y = arith.mulf %x, %f : tensor<33x70xf64>
  return %y : tensor<33x70xf64>
}
"""
LAUNCH = re.compile(r"gpu.launch_func\s+@(\w+)::@\w+ blocks in \(([^)]*)\) threads in \(([^)]*)\)")
CONSTANT = re.compile(r"(%\w+) = llvm.mlir.constant\((\d+) : index\)")
PTX = re.compile(r'gpu.binary @(\w+) .*?assembly = "(.*?)"', re.S)


@pytest.mark.parametrize("threads", [256, 32])
def test_launches_cover_their_loops_with_thread_ids(threads):
    text = lowered(SMALL, f"lintra-lower-to-nvvm{{threads-per-block={threads}}}")
    ptx = dict(PTX.findall(text))
    launches = {}
    for function in re.split(r"\n  llvm.func ", text)[1:]:
        constants = dict(CONSTANT.findall(function))
        for kernel, blocks, block in LAUNCH.findall(function):
            launches[kernel] = [
                math.prod(int(constants[v.strip()]) for v in sizes.split(",")) for sizes in (blocks, block)
            ]
    trips = {"sine_kernel": 1000, "scale_kernel": 33 * 70}
    assert set(launches) == set(trips)
    assert set(nvvm_program.ptx_kernels(text)) == set(trips)
    for kernel, (blocks, block) in launches.items():
        assert block <= threads
        assert blocks * block >= trips[kernel]
        assert "%tid.x" in ptx[kernel] and "%ctaid" in ptx[kernel]
        assert ".target sm_80" in ptx[kernel]
        # As extracted for ptxas: MLIR's string escapes decoded.
        assert f"\n.visible .entry {kernel}(\n" in nvvm_program.ptx_kernels(text)[kernel]


def test_nvvm_program_writes_the_lowered_program(tmp_path):
    source = tmp_path / "p.mlir"
    source.write_text(SMALL + "func.func @main() {\n  return\n}\n")
    out = tmp_path / "p.nvvm.mlir"
    assert nvvm_program.lower_file(source, out) == 0
    assert "gpu.binary @sine_kernel" in out.read_text()
    command = nvvm_program.runner_command(out, nvvm_program.default_mlir_lib())
    assert command[-1] == "-shared-libs=" + ",".join(cuda_runtime_libraries())
    reason = nvvm_program.missing_requirement(command)
    if reason is None:
        pytest.skip("an NVIDIA driver is present: test/gpu runs the program")
    done = subprocess.run(
        [sys.executable, "-m", "lintra.tools.nvvm_program", "run", str(out)], capture_output=True, text=True
    )
    assert done.returncode == nvvm_program.SKIPPED
    assert "skipped: no NVIDIA driver" in done.stderr


def test_nvvm_program_reports_unmappable_code(tmp_path, capfd):
    source = tmp_path / "dynamic.mlir"
    source.write_text("func.func @f(%x: tensor<?xf32>) -> tensor<?xf32> {\n  return %x : tensor<?xf32>\n}\n")
    assert nvvm_program.lower_file(source, tmp_path / "out.mlir") == 1
    assert "dynamic.mlir:1:1: error: 'func.func' op has a dynamically shaped buffer" in capfd.readouterr().err
    assert not (tmp_path / "out.mlir").exists()


@pytest.mark.skipif(shutil.which("cc") is None, reason="nvvm_build links with a C compiler (cc)")
@pytest.mark.parametrize("target", ["cpu", "cuda"])
def test_built_folder_runs_without_mlir(tmp_path, target):
    folder = nvvm_build.build(MLP, tmp_path / "built", target=target, ad=True)
    names = {path.name for path in folder.iterdir()}
    assert {"program", "run.py", "reference.txt", "manifest.json", "libLLVM.so", "libMLIR.so"} <= names
    assert sum(path.stat().st_size for path in folder.iterdir()) < 8 << 20  # far below 64 MiB
    # run.py is standard library only: run it with this interpreter's -I (isolated) mode.
    done = subprocess.run([sys.executable, "-I", str(folder / "run.py")], capture_output=True, text=True)
    if target == "cpu":
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("nvvm: mlp_grad.mlir PASS (336 numbers, cpu")
    else:  # PASS where there is an NVIDIA driver (test/gpu runs it), else skipped
        assert done.returncode in (0, nvvm_run.SKIPPED), done.stdout + done.stderr
        assert " PASS " in done.stdout or " SKIPPED (no NVIDIA driver" in done.stdout


def test_compare_reports_the_first_difference():
    printed = "base@ = 0x1234 rank = 1 data = [1, 2.5, -3e-2]"
    assert nvvm_run.difference(printed, printed.replace("0x1234", "0xff")) is None
    assert nvvm_run.difference(printed, printed.replace("2.5", "2.6")) == "number 2: expected 2.5, got 2.6"
    assert "counts" in nvvm_run.difference(printed, printed + " 4")
