"""lintra-lower-to-nvvm: lower tensor-level code to CUDA kernels (PTX) and LLVM host code.

Input: what lintra-lower-to-llvm takes (func/arith/math/tensor/linalg on static
tensors, e.g. lintra-ad's output). Output: a `gpu.container_module` whose
kernels are `gpu.binary` ops holding PTX for the chosen chip, and whose host
code is in the LLVM dialect, calling the CUDA wrappers of
`libmlir_cuda_runtime.so` (`mgpuModuleLoad`, `mgpuLaunchKernel`,
`mgpuMemAlloc`, ...). Before:

    func.func @f(%x: tensor<1000xf32>) -> tensor<1000xf32> {
      %y = math.sin %x : tensor<1000xf32>
      return %y : tensor<1000xf32>
    }

after (abridged):

    module attributes {gpu.container_module} {
      gpu.binary @f_kernel  [#gpu.object<#nvvm.target<chip = "sm_80">,
                             assembly = "... .visible .entry f_kernel(...) ...">]
      llvm.func @f(...) attributes {llvm.emit_c_interface} {
        llvm.call @mgpuMemAlloc(%bytes, %null, %true)   // managed result buffer
        gpu.launch_func @f_kernel::@f_kernel blocks in (%c4, %c1, %c1)
            threads in (%c256, %c1, %c1) args(...)      // kept by gpu-to-llvm,
        ...                                              // translated to mgpu* calls
      }
    }

Run it with `mlir-runner --shared-libs=libmlir_cuda_runtime.so,libmlir_runner_utils.so,
libmlir_c_runner_utils.so` (all three in the MLIR tools wheel; see `cuda_runtime_libraries`).

Contract:
- the tensor stages are lintra-lower-to-llvm's (`prepare_tensor_code`: C
  interfaces, inlining, fused `linalg.generic`s); scalar `math.expm1` on the
  host is routed to libm as there, in kernels it is libdevice's `__nv_expm1f`;
- every linalg op becomes an `scf.parallel` over its parallel dimensions with
  its reduction dimensions as sequential `scf.for` loops inside: each thread
  computes whole output elements, so sums (matmuls, reductions of gradients)
  need no atomics or cross-thread combination. Each loop nest is tiled as a
  grid of blocks of at most `threads-per-block` threads, innermost dimensions on
  `x` (coalesced accesses), the remainder guarded by `scf.if`. A loop nest with
  no parallel dimension (a full reduction to a scalar) runs on the GPU in one
  thread. Each loop nest is one kernel, launched synchronously;
- memory is CUDA managed memory (`gpu.alloc host_shared`, i.e.
  `cuMemAllocManaged` through `mgpuMemAlloc`), the one kind that both the
  kernels and the host code between them (scalar loads after a reduction,
  `memref.copy`) can read with libmlir_cuda_runtime's synchronous launches.
  Memref arguments (the caller's host memory) and constants (`memref.global`,
  read-only host data) are copied into managed buffers on entry, so callers pass
  ordinary host memory and their buffers are never written. Tensor results are
  managed buffers owned by the caller (free them with `mgpuMemFree`); every
  other buffer is freed before the function returns (by an asynchronous
  `gpu.dealloc`, the only kind gpu-to-llvm lowers:
  test/regressions/upstream/gpu-to-llvm-sync-dealloc.mlir);
- math ops in kernels become libdevice functions (`__nv_tanhf`, ...), linked
  into the PTX from the libdevice embedded in the MLIR tools' libMLIR.so: no
  CUDA toolkit is needed. The PTX is made by LLVM's NVPTX backend
  (`gpu-module-to-binary{format=isa}`) and compiled for the GPU by the driver
  when the module is loaded (so `sm_80` PTX also runs on newer GPUs).
- Unsupported, reported as a LintraError at the op: dynamic shapes (launch
  sizes are static), `scf.parallel` with reductions. Memrefs of i1 become
  memrefs of i8, as in lintra-lower-to-llvm (`store_i1_as_i8`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from mlir import ir

from .base import ModulePass, option
from .diagnostics import LintraError
from .gpu_loops import (
    allocate_on_gpu,
    copy_in_arguments,
    copy_in_globals,
    first_parallel_loop,
    tile_loop_nests,
)
from .i1_memrefs import store_i1_as_i8
from .lintra_lower_to_llvm import (
    BUFFERIZE_PASS,
    INLINE_PASSES,
    LLVM_PASSES,
    PRE_PASSES,
    prepare_tensor_code,
    route_to_libm,
    run_pipeline,
)

TARGET = "NVVM"
# After `copy_in_*`: deallocation, then linalg ops as parallel loops.
LOOP_PASSES = (
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,canonicalize,"
    "func.func(convert-linalg-to-parallel-loops)"
)
# After `tile_loop_nests`: outer loops to the grid, inner loops to the block.
MAP_PASSES = "func.func(gpu-map-parallel-loops{mapping-policy=innermost-first},convert-parallel-loops-to-gpu)"


def kernel_pipeline(chip: str, features: str, opt_level: int) -> str:
    """Kernel outlining, then upstream's gpu-lower-to-nvvm-pipeline: kernels to
    NVVM and PTX (`gpu-module-to-binary{format=isa}`), host code to LLVM. Its
    `index-bitwidth` stays 64: other values fail in this MLIR (unrealized casts
    left in the kernels, as the option's own help warns)."""
    return (
        "gpu-kernel-outlining,"
        f"gpu-lower-to-nvvm-pipeline{{cubin-chip={chip} cubin-features={features} cubin-format=isa"
        f" opt-level={opt_level}}}"
    )


def cuda_runtime_libraries() -> list[str]:
    """The shared libraries `mlir-runner` needs to run lowered code (MLIR tools wheel)."""
    lib_dir = Path(ir.__file__).parent / "lib"
    return [
        str(lib_dir / name)
        for name in ("libmlir_cuda_runtime.so", "libmlir_runner_utils.so", "libmlir_c_runner_utils.so")
    ]


def tile_for_gpu(module: ir.Operation, threads_per_block: int) -> None:
    """The stages before the GPU dialect: tensor code, buffers (copied in), loop
    nests tiled as blocks over threads. Still runnable on the CPU (the tests
    check the tiling there, where there is no GPU)."""
    prepare_tensor_code(module, TARGET)
    run_pipeline(module, BUFFERIZE_PASS, TARGET)
    copy_in_arguments(module)
    copy_in_globals(module)
    run_pipeline(module, LOOP_PASSES, TARGET)
    tile_loop_nests(module, threads_per_block)


def on_host(op: ir.Operation) -> bool:
    """Whether `op` runs on the host: it is not inside a `gpu.launch`."""
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        if parent.name == "gpu.launch":
            return False
        parent = parent.parent
    return True


def _reject_unmapped(module: ir.Operation) -> None:
    """Raise at the first `scf.parallel` left outside a kernel."""
    left = first_parallel_loop(module)
    if left is not None:
        raise LintraError.at(left, "could not be mapped to GPU blocks and threads")


@dataclass(frozen=True)
class LintraLowerToNvvm(ModulePass):
    argument: ClassVar[str] = "lintra-lower-to-nvvm"
    description: ClassVar[str] = (
        "Lower linalg/tensor/arith/math/func on tensors to CUDA kernels (gpu.binary with PTX)"
        " and LLVM host code calling libmlir_cuda_runtime"
    )
    chip: str = option("sm_80", "the NVIDIA GPU architecture of the PTX (sm_80, sm_90, ...)")
    features: str = option("", "PTX ISA version as an LLVM feature, e.g. +ptx80 (empty: the chip's minimum)")
    opt_level: int = option(3, "LLVM optimization level of the kernels (0-3)")
    threads_per_block: int = option(256, "most threads of a block")
    nested_pipelines: ClassVar[tuple[str, ...]] = tuple(
        f"builtin.module({passes})"
        for passes in (
            INLINE_PASSES,
            PRE_PASSES,
            BUFFERIZE_PASS,
            LOOP_PASSES,
            MAP_PASSES,
            kernel_pipeline("sm_80", "", 3),
            LLVM_PASSES,
        )
    )

    def run(self, module: ir.Operation) -> None:
        if self.threads_per_block < 1 or self.threads_per_block > 1024:
            raise LintraError("option 'threads-per-block' must be between 1 and 1024", module.location)
        tile_for_gpu(module, self.threads_per_block)
        run_pipeline(module, MAP_PASSES, TARGET)
        _reject_unmapped(module)
        route_to_libm(module, where=on_host)
        store_i1_as_i8(module)
        allocate_on_gpu(module)
        run_pipeline(module, kernel_pipeline(self.chip, self.features, self.opt_level), TARGET)
        run_pipeline(module, LLVM_PASSES, TARGET)
