"""What lintra's IREE backends share: wrapping, the persistent cache, compiling, running.

A backend here (`iree_cpu.IreeCpuBackend`, `iree_cuda.IreeCudaBackend`) only
says how to compile and where to run:

    class IreeCpuBackend(IreeBackend):
        name, description, target = "iree-cpu", "...", "cpu"
        def compile_flags(self): ...                 # iree-compile flags of the target
        def target_identity(self): ...               # what else decides the bytes (host CPU)
        def driver(self, inputs, results): ...       # IREE runtime driver of one function
        def tuned(self, wrapped): ...                # optional: performance rewrites of the module

`compile(text, entry)` wraps `@entry` for IREE (`iree_entry.wrap_for_iree`),
applies the backend's `tuned` rewrites, looks the module up in the persistent
cache (`disk_cache`, keyed by the tuned text, backend, flags, target identity
and IREE versions), else
compiles it (`iree_compiler.compile_with_fallback`) and stores it. It never
touches a device: the returned `IreeExecutable` loads its module on the first
call (`exported.IreeFunction`, the code `lintra.load` runs too), so a module
can be compiled, and exported, for a device this machine does not have.
`available()` says whether the backend's device can be used here.
"""

from __future__ import annotations

import time
from abc import abstractmethod

from lintra.exported import IreeFunction

from . import disk_cache
from .base import Backend, Executable
from .iree_compiler import compile_with_fallback, tool_versions
from .iree_entry import wrap_for_iree


class IreeExecutable(IreeFunction, Executable):
    """An `IreeFunction` with the backend's record: compile time, cache, text and flags compiled."""

    def __init__(
        self, name, vmfb, driver, inputs, results, *, compile_seconds, cache, lowered_text, flags, target
    ):
        super().__init__(name, vmfb, driver, inputs, results)
        self.compile_seconds, self.cache = compile_seconds, cache
        self.lowered_text, self.flags, self.target = lowered_text, tuple(flags), target


class IreeBackend(Backend):
    """The shared part of the IREE backends (see the module docstring)."""

    target: str  # "cpu" or "cuda": the `target` of `lintra.export`

    @abstractmethod
    def compile_flags(self) -> tuple[str, ...]:
        """The `iree-compile` flags of this backend now (they may follow `lintra.config`)."""

    def target_identity(self) -> str:
        """What decides the compiled bytes besides text and flags (e.g. the host CPU for `=host`)."""
        return ""

    @abstractmethod
    def driver(self, inputs, results) -> str:
        """The IREE runtime driver a function with these argument and result slots runs on."""

    def tuned(self, wrapped: str) -> str:
        """`wrapped` with this target's performance rewrites (none by default; see `iree_tuning`)."""
        return wrapped

    def available(self) -> bool:
        """Whether this backend's device can run code here."""
        return True

    def compile(self, text: str, entry: str) -> IreeExecutable:
        wrapped, inputs, results = wrap_for_iree(text, entry)
        tuned = self.tuned(wrapped)
        flags = self.compile_flags()
        key = disk_cache.cache_key(
            backend=self.name,
            text=tuned,
            flags=list(flags),
            cpu=self.target_identity(),
            versions=tool_versions(),
        )
        vmfb, cache, seconds, compiled_text = disk_cache.load(key, "vmfb"), "disk", 0.0, tuned
        if vmfb is None:
            start = time.perf_counter()
            vmfb, compiled_text = compile_with_fallback(tuned, flags, entry, untuned=wrapped)
            cache, seconds = None, time.perf_counter() - start
            disk_cache.store(key, "vmfb", vmfb)
        return IreeExecutable(
            entry,
            vmfb,
            self.driver(inputs, results),
            inputs,
            results,
            compile_seconds=seconds,
            cache=cache,
            lowered_text=compiled_text,
            flags=flags,
            target=self.target,
        )
