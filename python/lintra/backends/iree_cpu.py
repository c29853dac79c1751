"""The `iree-cpu` backend: IREE's llvm-cpu code generator and its multithreaded runtime.

Compiling, caching and running are shared with the other IREE backend
(`iree_backend.py`; the compiler process is `iree_compiler.py`). Functions run
on IREE's multithreaded `local-task` device, except those whose arguments and
results take at most `exported.SYNC_BYTES`: there handing work to threads
costs more than it saves, and they run on `local-sync` in the calling thread
(`exported.cpu_driver`). Each device (and its VM instance) is created once per
process.

Flags (`COMPILE_FLAGS`): tuned for the host CPU; f64 stays f64
(`--iree-input-demote-f64-to-f32=false`); executables are linked as system
shared libraries (`--iree-llvmcpu-link-embedded=false`) because the embedded
linker has no libm and f64 `sin`/`tanh` would not link. The flag that also
avoids IREE 3.13's softmax failure, `--iree-llvmcpu-disable-distribution`,
miscompiles log_softmax; the backend compiles the pre-fused module instead
(`iree_compiler.compile_with_fallback`). Compiled modules are keyed by the
host CPU too, since the code is tuned for it. On a host with AVX-512, large
f64 (batch) matmuls get lowering configurations of their own (`iree_tuning`).
"""

from __future__ import annotations

import functools
import platform
from pathlib import Path

from lintra.exported import cpu_driver

from .iree_backend import IreeBackend
from .iree_entry import rewritten
from .iree_tuning import F64_CONTRACTION, tune_f64_contractions

F64_FLAGS = ("--iree-input-demote-f64-to-f32=false",)
COMPILE_FLAGS = (
    "--iree-hal-target-device=local",
    "--iree-hal-local-target-device-backends=llvm-cpu",
    "--iree-llvmcpu-target-cpu=host",
    *F64_FLAGS,
    "--iree-llvmcpu-link-embedded=false",
)


@functools.cache
def host_cpu() -> str:
    """What identifies the host CPU for `--iree-llvmcpu-target-cpu=host`."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        wanted = [line for line in lines if line.split(":")[0].strip() in ("model name", "flags", "Features")]
        return "\n".join(sorted(set(wanted)))
    except OSError:
        return f"{platform.machine()} {platform.processor()}"


class IreeCpuBackend(IreeBackend):
    name = "iree-cpu"
    description = "IREE llvm-cpu for the host CPU, multithreaded local-task runtime"
    target = "cpu"

    def compile_flags(self) -> tuple[str, ...]:
        return COMPILE_FLAGS

    def target_identity(self) -> str:
        return host_cpu()

    def driver(self, inputs, results) -> str:
        return cpu_driver(inputs, results)

    def tuned(self, wrapped: str) -> str:
        """`wrapped` with its f64 contractions tuned (`iree_tuning`) on an AVX-512 host, else itself."""
        if not F64_CONTRACTION.search(wrapped) or "avx512f" not in host_cpu().split():
            return wrapped
        counted = []
        text = rewritten(wrapped, lambda module: counted.append(tune_f64_contractions(module)))
        return text if counted[0] else wrapped
