"""Expansion of lintra ops into calls of derived functions.

    lintra.jvp(x, dx) {callee=@f}       -> call @f_jvp(x, dx)   (lintra-jvp)
                                        -> (y, r) = call @f_fwd(x); call @f_lin(r, dx)
                                                                (lintra-ad)
    lintra.vjp(x, ct) {callee=@f}       -> (y, r) = call @f_fwd(x); call @f_lin_transpose(r, ct)
    lintra.grad(x) {callee=@f}          -> lintra.vjp(x, 1.0) without the primal results
    lintra.transpose(r, ct) {callee=@g} -> call @g_transpose(r, ct)
    lintra.vmap(xs) {callee=@f, ...}    -> call @f_batched(xs)   (lintra-batch, `batch.py`)

vjp and grad are exactly linearize followed by transpose; a callee's custom
rules (`custom_rules.py`) take the place of its derivation. Ops are expanded
innermost first: an op is expanded only once no function it reaches still holds
a lintra op it waits for, so derivatives of functions that contain `lintra.grad`
work, and AD and batching compose both ways (grad of vmap, vmap of grad).
Operand and result types are checked against the callee's signature.
"""

from __future__ import annotations

from mlir import ir

from lintra.dialect import OP_NAMES

from ..diagnostics import LintraError
from .ad_state import AdState, call_function, callee_of, function_name, function_type, linear_arg_positions
from .batch import expand_vmap
from .custom_rules import rule_names, tangent_activity
from .emit import Emitter, is_float_type, is_zero_constant, type_list
from .jvp import check_signature, jvp_function
from .linearize import linearize_function
from .transpose import transpose_function


def floats(types) -> list:
    return [t for t in types if is_float_type(t)]


def expect_types(op, what: str, actual, expected, callee: str) -> None:
    actual, expected = [str(t) for t in actual], [str(t) for t in expected]
    if actual != expected:
        raise LintraError.at(
            op, f"has {what} {type_list(actual)} but @{callee}'s signature requires {type_list(expected)}"
        )


def expand_op(ad: AdState, op: ir.Operation, split_jvp: bool = False) -> None:
    """Replace lintra op `op` by calls of derived functions (see the module doc).

    With `split_jvp`, lintra.jvp becomes `@f_fwd` + `@f_lin` instead of one call
    of `@f_jvp`, so the surrounding function stays transposable.
    """
    if op.name == "lintra.vmap":
        replace_op(ad, op, expand_vmap(ad, op))
        return
    name = callee_of(op)
    # A linear function known only by its (custom) transpose may be transposed.
    callee = ad.lookup(name, op, transposable=op.name == "lintra.transpose")
    if len(callee.regions[0].blocks):
        check_signature(callee)
    ftype = function_type(callee)
    ins, outs = list(ftype.inputs), list(ftype.results)
    operands, result_types = list(op.operands), [r.type for r in op.results]
    b = Emitter(ir.InsertionPoint(op), op.location, ad)
    if op.name == "lintra.jvp":
        expect_types(op, "operand types", [v.type for v in operands], ins + floats(ins), name)
        expect_types(op, "result types", result_types, outs + floats(outs), name)
        # A constant zero tangent (jacfwd's, for the other arguments) is a symbolic
        # zero: the derived functions do not take it, so no 0 * inf = nan arises.
        # A custom JVP takes every tangent (`tangent_activity`).
        active = tangent_activity(callee, tuple(not is_zero_constant(t) for t in operands[len(ins) :]))
        live = [t for t, on in zip(operands[len(ins) :], active, strict=True) if on]
        if split_jvp:
            # As the func.call JVP rule does: the linear half is a call of @f_lin,
            # which a later transposition recognizes as linear.
            fwd, lin = linearize_function(ad, callee, active)
            ad.linearized.append((name, fwd, len(outs)))
            primal = call_function(b, fwd, operands[: len(ins)])
            results = primal[: len(outs)] + call_function(b, lin, primal[len(outs) :] + live)
        else:
            results = call_function(b, jvp_function(ad, callee, active), operands[: len(ins)] + live)
    elif op.name in ("lintra.vjp", "lintra.grad"):
        if op.name == "lintra.grad":
            if (
                len(outs) != 1
                or not is_float_type(outs[0])
                or (isinstance(outs[0], ir.ShapedType) and outs[0].rank != 0)
            ):
                raise LintraError.at(
                    op,
                    f"requires @{name} to return exactly one float scalar or 0-d "
                    f"tensor, but it returns {type_list(outs)}",
                )
            expect_types(op, "operand types", [v.type for v in operands], ins, name)
            expect_types(op, "result types", result_types, floats(ins), name)
            operands = operands + [b.constant(outs[0], 1.0)]
        else:
            expect_types(op, "operand types", [v.type for v in operands], ins + floats(outs), name)
            expect_types(op, "result types", result_types, outs + floats(ins), name)
        fwd, lin = linearize_function(ad, callee)
        ad.linearized.append((name, fwd, len(outs)))
        primal = call_function(b, fwd, operands[: len(ins)])
        residuals = primal[len(outs) :]
        # Cotangents of results whose tangent is known zero contribute nothing.
        activity = tuple(not zero for zero in ad.zero_results[lin])
        live = [ct for ct, active in zip(operands[len(ins) :], activity, strict=True) if active]
        if floats(ins):
            transposed = transpose_function(ad, ad.lookup(lin), activity)
            cotangents = call_function(b, transposed, residuals + live)
        else:  # nothing to differentiate with respect to
            cotangents = []
        results = cotangents if op.name == "lintra.grad" else primal[: len(outs)] + cotangents
    elif op.name == "lintra.transpose":
        linear = linear_arg_positions(callee)
        if not linear:
            raise LintraError.at(op, f"requires @{name} to mark linear arguments with {{lintra.linear}}")
        nonlinear = [t for i, t in enumerate(ins) if i not in linear]
        expect_types(op, "operand types", [v.type for v in operands], nonlinear + floats(outs), name)
        expect_types(op, "result types", result_types, [ins[i] for i in linear], name)
        results = call_function(b, transpose_function(ad, callee), operands)
    else:
        raise LintraError.at(op, "is not a lintra op")
    replace_op(ad, op, results)


def replace_op(ad: AdState, op: ir.Operation, results) -> None:
    """Replace the results of expanded lintra op `op` by `results` and erase it."""
    for old, new in zip(op.results, results, strict=True):
        old.replace_all_uses_with(new)
    ad.touched.add(enclosing_function(op))
    op.erase()


def lintra_ops(module: ir.Operation, names=OP_NAMES) -> list[ir.Operation]:
    found = []

    def visit(op):
        if op.name in names:
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def enclosing_function(op: ir.Operation) -> str | None:
    while op is not None and op.name != "func.func":
        op = op.parent
    return function_name(op) if op is not None else None


def call_graph(ad: AdState):
    """One walk of the module: ({function: callees (calls and lintra ops)},
    [(lintra op, enclosing function)])."""
    edges: dict[str, set[str]] = {}
    lintra: list = []
    for name, function in ad.functions().items():
        # A custom rule is used in place of the function: its expansion waits for the rule's.
        callees = edges[name] = rule_names(function)
        for op in lintra_ops(function, OP_NAMES + ("func.call",)):
            if "callee" in op.attributes:
                callees.add(callee_of(op))
            if op.name != "func.call":
                lintra.append((op, name))
    return edges, lintra


def reachable(edges: dict, start: str) -> set[str]:
    """Functions reachable from `start` in the call graph `edges`."""
    seen, stack = set(), [start]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(edges.get(name, ()))
    return seen


def expand_all(ad: AdState, names=OP_NAMES, split_jvp: bool = False, waits_for=OP_NAMES) -> None:
    """Expand every lintra op named in `names`, innermost first (see `expand_op`).

    Each round expands every op whose callee reaches no function still holding a
    lintra op named in `waits_for` (lintra-batch waits only for inner vmaps: the
    AD ops inside have batching rules); expanding one such op never blocks
    another, so the number of rounds is the nesting depth of the
    transformations, not the number of ops.
    """
    while True:
        edges, lintra = call_graph(ad)
        pending = [op for op, _ in lintra if op.name in names]
        if not pending:
            return
        holders = {holder for op, holder in lintra if op.name in waits_for}
        ready = [op for op in pending if not (reachable(edges, callee_of(op)) & holders)]
        if not ready:
            others = sorted({op.name for op, _ in lintra if op.name in waits_for and op.name not in names})
            if others:
                raise LintraError.at(
                    pending[0],
                    f"cannot be expanded: its callee (transitively) contains {', '.join(others)}, "
                    "which this pass does not expand (run lintra-batch or lintra-ad)",
                )
            raise LintraError.at(
                pending[0],
                "cannot be expanded: its callee (transitively) contains "
                "lintra ops that depend on it (recursion)",
            )
        for op in ready:
            expand_op(ad, op, split_jvp)
