"""The lintra dialect, defined in IRDL (`lintra.irdl.mlir` beside this file).

`IRDL_PATH` is the file stock mlir-opt takes with `--irdl-file=` (Python can
load it with `mlir.dialects.irdl.load_dialects`, as lintra-opt does for other
IRDL files).

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

IRDL_PATH = Path(__file__).with_name("lintra.irdl.mlir")
# The transformation ops, which `lintra-ad` and friends expand into calls.
OP_NAMES = ("lintra.jvp", "lintra.vjp", "lintra.grad", "lintra.transpose", "lintra.vmap")
# Ops on values (no callee), which the passes differentiate rather than expand.
VALUE_OP_NAMES = ("lintra.stop_gradient",)
# The linear-algebra ops (differentiated by their rules, passes/rules/lintra.py,
# and rewritten into upstream ops by `lintra-decompose-linalg`).
LINALG_OP_NAMES = (
    "lintra.cholesky",
    "lintra.triangular_solve",
    "lintra.triangular_matmul",
    "lintra.lu",
    "lintra.lu_pivots_to_permutation",
)
ALL_OP_NAMES = OP_NAMES + VALUE_OP_NAMES + LINALG_OP_NAMES


def make_context() -> ir.Context:
    """A context with every upstream dialect loaded, where lintra ops parse."""
    context = ir.Context()
    context.load_all_available_dialects()
    context.allow_unregistered_dialects = True
    # lintra passes run upstream pipelines (canonicalize, lowering) from inside a
    # pass; MLIR forbids loading dialects then while the context is multi-threaded.
    context.enable_multithreading(False)
    return context


def unregistered_ops(module_op, allow_other_dialects: bool = False) -> list[tuple]:
    """(op, message) for each op that is neither registered nor a lintra op.

    `make_context()` lets the unregistered `lintra` namespace parse; this check
    restores the usual strictness for everything else (and for misspelled
    lintra ops), as stock mlir-opt would have it.
    """
    context = module_op.context
    found = []

    def visit(op):
        name = op.name
        if name in ALL_OP_NAMES or context.is_registered_operation(name):
            return ir.WalkResult.ADVANCE
        if name.startswith("lintra."):
            found.append(
                (op, f"unknown lintra op '{name}'; the lintra dialect has " + ", ".join(ALL_OP_NAMES))
            )
        elif not allow_other_dialects:
            found.append(
                (op, f"unregistered operation '{name}' (use --allow-unregistered-dialect to accept it)")
            )
        return ir.WalkResult.ADVANCE

    module_op.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found
