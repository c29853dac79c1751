"""IREE's compiler for lintra's IREE backends (`iree_backend.py`): one long-lived
helper process, with the `iree-compile` executable as fallback and for diagnostics.

IREE's compiler Python API bundles its own MLIR bindings, which cannot share a
process with the upstream `mlir` package: `CompilerWorker` runs
`iree_compile_worker.py` once per process and sends it module after module;
`compile_with_tool` runs `iree-compile` when the worker is unavailable or a
compile fails (to report IREE's diagnostics as a ValueError naming the
function). When IREE rejects `text`, `compile_with_fallback` compiles it again
without multi-use fusion (`NO_MULTI_USE_FUSION`), then `iree_entry.pre_fused`
of it (IREE 3.13 fails on the plain softmax pattern on llvm-cpu; see
test/regressions/iree-softmax-workgroup-distribution.mlir); a module the CPU
backend tuned (`iree_tuning`) falls back to its untuned form first. Every function
takes the compiler flags of the target (`iree_cpu.COMPILE_FLAGS`,
`iree_cuda.compile_flags(target)`).
"""

from __future__ import annotations

import atexit
import functools
import importlib.metadata
import shutil
import struct
import subprocess
import sys
import threading
from pathlib import Path

from .iree_entry import ENTRY_NAME, pre_fused


@functools.cache
def iree_tool(name: str) -> str:
    """The path of an IREE executable: beside the interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"{name} not found beside {sys.executable} or on PATH: install "
            "iree-base-compiler (a dependency of lintra)"
        )
    return found


@functools.cache
def tool_versions() -> str:
    return " ".join(
        f"{package}={importlib.metadata.version(package)}"
        for package in ("iree-base-compiler", "iree-base-runtime")
    )


class CompilerWorker:
    """The process running `iree_compile_worker.py` (started on first use)."""

    SCRIPT = Path(__file__).with_name("iree_compile_worker.py")

    def __init__(self):
        self.process = None
        self.lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        """End the worker (it exits at end of input)."""
        with self.lock:
            if self.process is not None:
                try:
                    self.process.stdin.close()
                except OSError:
                    self.process.kill()
                self.process.wait()
                self.process = None

    def compile(self, text: str, flags) -> bytes | None:
        """The VM flatbuffer; b"" when IREE rejected `text`, None when the worker is unusable."""
        with self.lock:
            try:
                if self.process is None or self.process.poll() is not None:
                    self.process = subprocess.Popen(
                        [sys.executable, str(self.SCRIPT)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                    )
                request = b""
                for block in ("\0".join(flags).encode(), text.encode()):
                    request += struct.pack("<Q", len(block)) + block
                self.process.stdin.write(request)
                self.process.stdin.flush()
                header = self.process.stdout.read(9)
                compiled, size = struct.unpack("<BQ", header)
                payload = self.process.stdout.read(size)
                if len(payload) != size:
                    raise EOFError
                return payload if compiled else b""
            except (OSError, EOFError, struct.error):
                if self.process is not None:
                    self.process.kill()
                    self.process.wait()
                self.process = None
                return None


@functools.cache
def compiler_worker() -> CompilerWorker:
    return CompilerWorker()


def compile_vmfb(text: str, flags, name: str = ENTRY_NAME) -> bytes:
    """IREE's compilation of `text` to a VM flatbuffer; ValueError with the diagnostics on failure."""
    vmfb = compiler_worker().compile(text, flags)
    return vmfb or compile_with_tool(text, flags, name)


# IREE 3.13's stream partitioning can fail ("circular dependency: input operation
# uses partition output") on multi-result dispatches between host scf.for loops
# (the decomposed Cholesky's Hessian; test/regressions/iree-circular-dependency-
# multi-use-fusion.mlir); not fusing multi-use producers avoids it.
NO_MULTI_USE_FUSION = ("--iree-dispatch-creation-fuse-multi-use=false",)


def compile_with_fallback(
    text: str, flags, name: str = ENTRY_NAME, untuned: str | None = None
) -> tuple[bytes, str]:
    """(VM flatbuffer, the text compiled): `text`, else, if IREE rejects it, `text`
    without multi-use fusion; then the same two for `untuned` when given (the
    module before `iree_tuning` annotated it as `text`); else `pre_fused` of the
    last text tried."""
    texts = [text] if untuned in (None, text) else [text, untuned]
    for candidate in texts:
        for attempt in (tuple(flags), tuple(flags) + NO_MULTI_USE_FUSION):
            vmfb = compiler_worker().compile(candidate, attempt)
            if vmfb:
                return vmfb, candidate
            if vmfb is None:  # no worker: the executable decides
                try:
                    return compile_with_tool(candidate, attempt, name), candidate
                except ValueError:
                    pass
    fused = pre_fused(texts[-1])
    return compile_vmfb(fused, flags, name), fused


def compile_with_tool(text: str, flags, name: str = ENTRY_NAME) -> bytes:
    """`iree-compile` of `text`; ValueError with its diagnostics on failure."""
    process = subprocess.run(
        [iree_tool("iree-compile"), *flags, "-", "-o", "-"], input=text.encode(), capture_output=True
    )
    if process.returncode != 0:
        message = process.stderr.decode(errors="replace").strip()
        raise ValueError(f"iree-compile failed for @{name}:\n{message[:4000]}")
    return process.stdout
