"""The interface every execution backend implements.

A backend compiles an MLIR module made of upstream dialects only (the output
of `lintra-ad`: func, arith, math, tensor, linalg) for one public entry
function, and runs it on numpy arrays:

    executable = backend.compile(module_text, "f")
    outputs = executable(*arrays)        # a tuple of numpy arrays, one per result
    executable.compile_seconds           # wall time spent compiling (0 when found on disk)
    executable.cache                     # None (compiled now) or "disk" (from the persistent cache)
    executable.lowered_text              # the backend's last MLIR: LLVM dialect (mlir-cpu),
                                         # IREE's input (iree-cpu)

Arguments are numpy arrays (0-d for scalars) of the function's exact element
types, or Python/numpy scalars for scalar arguments. Compile errors are
ValueError (or `LintraError` from lintra's own lowering) naming the function;
the caller's arrays are never modified and outputs are fresh arrays.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class Executable(ABC):
    """One compiled entry function of a backend."""

    name: str
    compile_seconds: float = 0.0
    cache: str | None = None
    lowered_text: str = ""

    @abstractmethod
    def __call__(self, *args) -> tuple:
        """Run the function on numpy arrays; a tuple of numpy arrays, one per result."""


class Backend(ABC):
    """A registered way of compiling and running upstream-dialect modules."""

    name: str
    description: str

    def available(self) -> bool:
        """Whether this backend's device can run code here (compiling may work regardless)."""
        return True

    @abstractmethod
    def compile(self, text: str, entry: str) -> Executable:
        """Compile `@entry` of the module `text` (MLIR of upstream dialects)."""
