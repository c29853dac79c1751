"""Execution backends: where lintra compiles and runs the modules it produces.

    from lintra import backends
    backends.names()                         # ('iree-cpu', 'mlir-cpu', 'iree-cuda')
    backends.available()                     # the ones that can run here (iree-cuda needs a GPU)
    executable = backends.compile(text, "f", backend="mlir-cpu")
    executable(*numpy_arrays)                # tuple of numpy arrays

`resolve(name)` turns a backend argument into a registered name: None means
`lintra.config.backend`, which defaults to `DEFAULT_BACKEND` (or the
`LINTRA_BACKEND` environment variable). An unknown name is a ValueError that
lists the known ones. Each backend is one module behind `base.Backend`; add one
by registering an instance in `BACKENDS`.
"""

from __future__ import annotations

from lintra.settings import config

from .base import Backend, Executable
from .iree_cpu import IreeCpuBackend
from .iree_cuda import IreeCudaBackend
from .mlir_cpu import MlirCpuBackend

BACKENDS: dict[str, Backend] = {
    backend.name: backend for backend in (IreeCpuBackend(), MlirCpuBackend(), IreeCudaBackend())
}
DEFAULT_BACKEND = "iree-cpu"


def names() -> tuple[str, ...]:
    return tuple(BACKENDS)


def available() -> tuple[str, ...]:
    """The registered backends whose device can run code here (compiling works for all)."""
    return tuple(name for name, backend in BACKENDS.items() if backend.available())


def resolve(name: str | None = None) -> str:
    """The registered backend name for `name` (None: the configured default)."""
    if name is None:
        name = config.backend or DEFAULT_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"unknown lintra backend {name!r}: expected one of {', '.join(sorted(BACKENDS))}")
    return name


def compile(text: str, entry: str, backend: str | None = None) -> Executable:
    """Compile `@entry` of the upstream-dialect module `text` with a backend."""
    return BACKENDS[resolve(backend)].compile(text, entry)


__all__ = ["Backend", "Executable", "BACKENDS", "DEFAULT_BACKEND", "names", "available", "resolve", "compile"]
