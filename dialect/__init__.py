"""The lintra dialect, defined in IRDL (`lintra.irdl.mlir` beside this file).

`IRDL_PATH` is the file stock mlir-opt takes with `--irdl-file=`, and
`load_into(context)` loads it in Python with `mlir.dialects.irdl.load_dialects`.

Limitation of IRDL in MLIR 22 (llvm-project issue #158085): a variadic operand
or result list is checked against a single constraint variable, which collapses
to the first element's type. IRDL can therefore only verify lintra ops whose
operands share one type and whose results share one type, while the lintra
contract allows any mix (e.g. grad of f(tensor<4x3xf64>, f64)). So
`make_context()`, which every lintra tool and pass uses, does not register the
IRDL verifier: lintra ops are parsed as ops of the unregistered `lintra`
namespace, and the lintra passes check the full contract (callee attribute,
operand and result types against the callee's signature) with located errors.
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
    """A context with every upstream dialect loaded, where lintra ops parse."""
    context = ir.Context()
    context.load_all_available_dialects()
    context.allow_unregistered_dialects = True
    # lintra passes run upstream pipelines (canonicalize, lowering) from inside a
    # pass; MLIR forbids loading dialects then while the context is multi-threaded.
    context.enable_multithreading(False)
    return context
