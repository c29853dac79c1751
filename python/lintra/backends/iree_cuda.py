"""The `iree-cuda` backend: IREE's CUDA code generator (PTX) and its `cuda` runtime driver.

    lintra.jit(f, backend="iree-cuda")                  # runs on the first CUDA device
    lintra.config.update("cuda_target", "sm_80")        # env LINTRA_CUDA_TARGET; default DEFAULT_TARGET
    lintra.export(f, x, target="cuda", path="f.vmfb")   # compile only: no GPU needed

Compiling needs no GPU and no CUDA toolkit: `iree-compile
--iree-hal-target-device=cuda --iree-cuda-target=<target>` emits PTX, which the
CUDA driver compiles for the GPU when the module is loaded, so PTX of an older
target runs on newer GPUs. IREE 3.13 accepts sm_60 to sm_89 and sm_120 here
but has no target description for sm_90 (Hopper) or sm_100 ("missing GPU
target in #hal.executable.target", an IREE limitation); PTX for sm_120 cannot
run on an older GPU. The default, `DEFAULT_TARGET` = sm_89, is the newest
target IREE accepts whose PTX also runs on Hopper (the H100/H200 GPUs that
lintra's GPU check uses). A refused target is a ValueError saying so.

f64 stays f64 (the flags of iree-cpu). Running needs a CUDA device: without
one, `compile` still works (the module is loaded on the first call) and the
call is a RuntimeError naming the missing device. `available()` tells.
"""

from __future__ import annotations

import functools

from lintra.exported import device_config
from lintra.settings import config

from .iree_backend import IreeBackend, IreeExecutable
from .iree_cpu import F64_FLAGS

DEFAULT_TARGET = "sm_89"
DRIVER = "cuda"


def compile_flags(target: str | None = None) -> tuple[str, ...]:
    """The iree-compile flags for `target` (None: `lintra.config.cuda_target`, else DEFAULT_TARGET)."""
    target = target or config.cuda_target or DEFAULT_TARGET
    return ("--iree-hal-target-device=cuda", f"--iree-cuda-target={target}", *F64_FLAGS)


@functools.cache
def cuda_available() -> bool:
    """Whether IREE's cuda driver finds a device (libcuda and a GPU) in this process."""
    try:
        device_config(DRIVER, "cuda")
    except RuntimeError:
        return False
    return True


class IreeCudaBackend(IreeBackend):
    name = "iree-cuda"
    description = "IREE CUDA (PTX for lintra.config.cuda_target), run by IREE's cuda driver"
    target = "cuda"

    def compile_flags(self) -> tuple[str, ...]:
        return compile_flags()

    def driver(self, inputs, results) -> str:
        return DRIVER

    def available(self) -> bool:
        return cuda_available()

    def compile(self, text: str, entry: str) -> IreeExecutable:
        try:
            return super().compile(text, entry)
        except ValueError as error:
            if "missing GPU target" not in str(error):
                raise
            target = self.compile_flags()[1].split("=", 1)[1]
            raise ValueError(
                f"IREE cannot compile for CUDA target {target!r} (it has no target description for it: "
                f"'missing GPU target'); use {DEFAULT_TARGET!r}, whose PTX the CUDA driver also runs on "
                f"newer GPUs (lintra.config.update('cuda_target', ...))"
            ) from None
