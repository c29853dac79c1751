"""A long-lived IREE compiler process (a script, run by `iree_cpu.CompilerWorker`).

IREE's compiler Python API bundles its own MLIR bindings, which cannot share a
process with the upstream `mlir` package that lintra uses; starting
`iree-compile` for every function costs a process start and compiler
initialization each time. This script keeps one compiler session per set of
flags and compiles module after module:

    request:   8-byte little-endian length, the flags (NUL-separated UTF-8),
               8-byte length, the MLIR text
    response:  1 byte (1 compiled, 0 failed), 8-byte length, then the VM flatbuffer

It imports nothing of lintra (run it as a file, not as `-m lintra...`) and
exits at end of input. Diagnostics go to its stderr; a failed compile is
repeated by the caller with `iree-compile` to report them.
"""

import struct
import sys

from iree.compiler import api


def read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def read_block(stream) -> bytes:
    (size,) = struct.unpack("<Q", read_exactly(stream, 8))
    return read_exactly(stream, size)


def main() -> None:
    sessions = {}
    requests, responses = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            flags, text = read_block(requests), read_block(requests)
        except EOFError:
            return
        if flags not in sessions:
            sessions[flags] = api.Session()
            sessions[flags].set_flags(*[flag for flag in flags.decode().split("\0") if flag])
        session = sessions[flags]
        invocation = session.invocation()
        payload = b""
        compiled = bool(invocation.parse_source(api.Source.wrap_buffer(session, text))) and bool(
            invocation.execute()
        )
        if compiled:
            output = api.Output.open_membuffer()
            invocation.output_vm_bytecode(output)
            payload = bytes(output.map_memory())
        invocation.close()
        responses.write(struct.pack("<BQ", compiled, len(payload)) + payload)
        responses.flush()


if __name__ == "__main__":
    main()
