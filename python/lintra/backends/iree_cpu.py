"""The `iree-cpu` backend: IREE's llvm-cpu code generator and its multithreaded runtime.

The module gets the entry function of `iree_entry.wrap_for_iree` and is compiled
by IREE's compiler in another process (the wheel's compiler Python API bundles
its own MLIR bindings, which cannot share a process with the upstream `mlir`
package): one long-lived `iree_compile_worker.py` per process, and the
`iree-compile` executable when the worker is unavailable or a compile fails
(for its diagnostics). It runs on IREE's multithreaded `local-task` device,
except functions whose arguments and results take at most `SYNC_BYTES`: there
handing work to threads costs more than it saves, and they run on the
`local-sync` device in the calling thread. Each device (and its VM instance)
is created once per process.

When IREE rejects a module, `iree_entry.pre_fused` of it is compiled instead
(IREE 3.13 fails on the plain softmax pattern; see test/regressions/
iree-softmax-workgroup-distribution.mlir). The flag that also avoids that
failure, `--iree-llvmcpu-disable-distribution`, miscompiles log_softmax.

Flags (`COMPILE_FLAGS`): tuned for the host CPU; f64 stays f64
(`--iree-input-demote-f64-to-f32=false`); executables are linked as system
shared libraries (`--iree-llvmcpu-link-embedded=false`) because the embedded
linker has no libm and f64 `sin`/`tanh` would not link. Compiled modules are
kept in the persistent cache (`disk_cache`), keyed by text, flags, host CPU
and IREE versions.
"""

from __future__ import annotations

import atexit
import functools
import importlib.metadata
import platform
import shutil
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import iree.runtime as iree_runtime
import numpy as np

from . import disk_cache
from .base import Backend, Executable
from .iree_entry import ENTRY_NAME, pre_fused, wrap_for_iree

COMPILE_FLAGS = (
    "--iree-hal-target-device=local",
    "--iree-hal-local-target-device-backends=llvm-cpu",
    "--iree-llvmcpu-target-cpu=host",
    "--iree-input-demote-f64-to-f32=false",
    "--iree-llvmcpu-link-embedded=false",
)
SYNC_BYTES = 64 * 1024


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
def host_cpu() -> str:
    """What identifies the host CPU for `--iree-llvmcpu-target-cpu=host`."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        wanted = [line for line in lines if line.split(":")[0].strip() in ("model name", "flags", "Features")]
        return "\n".join(sorted(set(wanted)))
    except OSError:
        return f"{platform.machine()} {platform.processor()}"


@functools.cache
def tool_versions() -> str:
    return " ".join(
        f"{package}={importlib.metadata.version(package)}"
        for package in ("iree-base-compiler", "iree-base-runtime")
    )


@functools.cache
def runtime_config(driver: str = "local-task"):
    """The process-wide IREE instance and device of `driver` (created on first use)."""
    return iree_runtime, iree_runtime.Config(driver)


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


def compile_vmfb(text: str, flags=COMPILE_FLAGS, name: str = ENTRY_NAME) -> bytes:
    """IREE's compilation of `text` to a VM flatbuffer; ValueError with the diagnostics on failure."""
    vmfb = compiler_worker().compile(text, flags)
    return vmfb or compile_with_tool(text, flags, name)


def compile_with_fallback(text: str, flags=COMPILE_FLAGS, name: str = ENTRY_NAME) -> tuple[bytes, str]:
    """(VM flatbuffer, the text compiled): `text`, else `pre_fused(text)` if IREE rejects `text`."""
    vmfb = compiler_worker().compile(text, flags)
    if vmfb:
        return vmfb, text
    if vmfb is None:  # no worker: the executable decides
        try:
            return compile_with_tool(text, flags, name), text
        except ValueError:
            pass
    fused = pre_fused(text)
    return compile_vmfb(fused, flags, name), fused


def compile_with_tool(text: str, flags=COMPILE_FLAGS, name: str = ENTRY_NAME) -> bytes:
    """`iree-compile` of `text`; ValueError with its diagnostics on failure."""
    process = subprocess.run(
        [iree_tool("iree-compile"), *flags, "-", "-o", "-"], input=text.encode(), capture_output=True
    )
    if process.returncode != 0:
        message = process.stderr.decode(errors="replace").strip()
        raise ValueError(f"iree-compile failed for @{name}:\n{message[:4000]}")
    return process.stdout


class IreeCpuExecutable(Executable):
    def __init__(
        self, name: str, vmfb: bytes, inputs, results, compile_seconds: float, cache, lowered_text: str
    ):
        data_bytes = sum(slot.dtype.itemsize * int(np.prod(slot.shape)) for slot in (*inputs, *results))
        self.driver = "local-sync" if data_bytes <= SYNC_BYTES else "local-task"
        iree_runtime, config = runtime_config(self.driver)
        self.name, self.inputs, self.results = name, inputs, results
        self._bools_in = [slot.dtype == np.bool_ for slot in inputs]
        self._bools_out = [slot.dtype == np.bool_ for slot in results]
        self.lowered_text = lowered_text
        self.compile_seconds, self.cache = compile_seconds, cache
        self.vmfb = vmfb
        context = iree_runtime.SystemContext(config=config)
        context.add_vm_module(iree_runtime.VmModule.copy_buffer(config.vm_instance, vmfb))
        self._context = context
        self._function = context.modules.module[ENTRY_NAME]

    def __call__(self, *args) -> tuple:
        if len(args) != len(self.inputs):
            raise TypeError(f"@{self.name} takes {len(self.inputs)} arguments, got {len(args)}")
        arrays = []
        for index, (arg, slot, is_bool) in enumerate(zip(args, self.inputs, self._bools_in, strict=True)):
            array = np.asarray(arg, slot.dtype)
            if array.shape != slot.shape:
                raise ValueError(
                    f"@{self.name} argument #{index} must have shape {slot.shape} for "
                    f"{slot.type_text}, got {array.shape}"
                )
            arrays.append(array.astype(np.int8) if is_bool else array)
        try:
            outputs = self._function(*arrays)
        except RuntimeError as error:
            # The IREE runtime reports a failed allocation (e.g. an intermediate
            # larger than the memory available) as RESOURCE_EXHAUSTED.
            if "RESOURCE_EXHAUSTED" in str(error):
                raise MemoryError(
                    f"@{self.name}: the IREE runtime could not allocate a buffer "
                    f"(RESOURCE_EXHAUSTED: {str(error).splitlines()[0]})"
                ) from None
            raise
        if not isinstance(outputs, tuple):
            outputs = () if outputs is None else (outputs,)
        # Copies: the array `to_host()` maps does not keep the device buffer alive,
        # so a view of a result (`f(x)[0]`) would read memory a later call reuses.
        return tuple(
            np.array(output.to_host(), dtype=np.bool_ if is_bool else None, copy=True)
            for output, is_bool in zip(outputs, self._bools_out, strict=True)
        )


class IreeCpuBackend(Backend):
    name = "iree-cpu"
    description = "IREE llvm-cpu for the host CPU, multithreaded local-task runtime"
    flags = COMPILE_FLAGS

    def compile(self, text: str, entry: str) -> Executable:
        wrapped, inputs, results = wrap_for_iree(text, entry)
        key = disk_cache.cache_key(
            backend=self.name, text=wrapped, flags=list(self.flags), cpu=host_cpu(), versions=tool_versions()
        )
        vmfb = disk_cache.load(key, "vmfb")
        if vmfb is not None:
            return IreeCpuExecutable(entry, vmfb, inputs, results, 0.0, "disk", wrapped)
        start = time.perf_counter()
        vmfb, compiled_text = compile_with_fallback(wrapped, self.flags, entry)
        seconds = time.perf_counter() - start
        disk_cache.store(key, "vmfb", vmfb)
        return IreeCpuExecutable(entry, vmfb, inputs, results, seconds, None, compiled_text)
