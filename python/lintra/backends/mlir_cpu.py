"""The `mlir-cpu` backend: `lintra-lower-to-llvm` and MLIR's ExecutionEngine.

The reference path (scalar loops, one thread) and the one `mlir-runner` users
get; see `lintra.runtime` for the calling convention it implements.
"""

from __future__ import annotations

import time

from lintra.runtime import compile_function

from .base import Backend, Executable


class MlirCpuExecutable(Executable):
    def __init__(self, runtime_executable, compile_seconds: float):
        self.runtime_executable = runtime_executable
        self.name = runtime_executable.name
        self.compile_seconds = compile_seconds

    def __call__(self, *args) -> tuple:
        return self.runtime_executable(*args)

    @property
    def lowered_text(self) -> str:
        return self.runtime_executable.lowered_text


class MlirCpuBackend(Backend):
    name = "mlir-cpu"
    description = "lintra-lower-to-llvm + MLIR ExecutionEngine (reference, single-threaded)"

    def compile(self, text: str, entry: str) -> Executable:
        start = time.perf_counter()
        executable = compile_function(text, entry)
        return MlirCpuExecutable(executable, time.perf_counter() - start)
