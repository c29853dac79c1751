"""The lintra dialect, defined in IRDL (`lintra.irdl.mlir` beside this file).

`IRDL_PATH` is the file stock mlir-opt takes with `--irdl-file=`.
`make_context()` returns an MLIR context where upstream dialects and the lintra
dialect are loaded; every lintra tool and pass works in such a context.
"""

from __future__ import annotations

from pathlib import Path

from mlir import ir
from mlir.dialects import irdl

IRDL_PATH = Path(__file__).with_name("lintra.irdl.mlir")
OP_NAMES = ("lintra.jvp", "lintra.vjp", "lintra.grad", "lintra.transpose")


def load_into(context: ir.Context) -> None:
    """Load the lintra dialect into `context` (idempotent)."""
    if context.is_registered_operation("lintra.jvp"):
        return
    with context, ir.Location.unknown():
        module = ir.Module.parse(IRDL_PATH.read_text())
        irdl.load_dialects(module)


def make_context() -> ir.Context:
    context = ir.Context()
    context.load_all_available_dialects()
    load_into(context)
    return context
