"""Rules for the func dialect: calls differentiate through derived functions.

JVP of `func.call @g(x)`: linearize @g once into @g_fwd and @g_lin, then emit
`@g_fwd(x) -> (y, residuals)` and `@g_lin(residuals, dx) -> dy`. The primal and
linear halves are separate calls, so the caller unzips cleanly and every
derived function is generated once per callee and reused.

Transpose of a call to a linear function @h: call @h_transpose (generated once).
"""

from __future__ import annotations

from mlir import ir

from ..core.ad_state import callee_of, find_function, function_type, linear_arg_positions
from ..core.emit import is_float, is_float_type
from .tables import JVP_RULES, TRANSPOSE_RULES, Replaced, TransposeRule


def call_jvp(b, op, tangents):
    from ..core.linearize import linearize_function
    callee = b.ad.lookup(callee_of(op), op)
    fwd_name, lin_name = linearize_function(b.ad, callee)
    results = list(op.results)
    fwd_type = function_type(b.ad.lookup(fwd_name))
    fwd = b.create("func.call", list(op.operands), fwd_type.results,
                   {"callee": _symbol(fwd_name)})
    primals = list(fwd.results)[:len(results)]
    residuals = list(fwd.results)[len(results):]
    float_tangents = [b.instantiate(t, v.type) for t, v in zip(tangents, op.operands) if is_float(v)]
    lin_type = function_type(b.ad.lookup(lin_name))
    lin = b.create("func.call", residuals + float_tangents, lin_type.results,
                   {"callee": _symbol(lin_name)})
    lin_results = iter(lin.results)
    result_tangents = [next(lin_results) if is_float(r) else None for r in results]
    return Replaced(primals, result_tangents)


def call_linear_positions(op):
    """A call is linear in the arguments its callee marks {lintra.linear}."""
    callee = find_function(op, callee_of(op))
    return set(linear_arg_positions(callee)) if callee is not None else set()


def call_transpose(b, op, cts, args):
    from ..core.transpose import transpose_function
    callee = b.ad.lookup(callee_of(op), op)
    positions = linear_arg_positions(callee)
    transposed = transpose_function(b.ad, callee)
    nonlinear = [a for i, a in enumerate(args) if i not in positions]
    ftype = function_type(callee)
    float_cts = [b.instantiate(ct, t) for ct, t in zip(cts, ftype.results) if is_float_type(t)]
    call = b.create("func.call", nonlinear + float_cts, [ftype.inputs[i] for i in positions],
                    {"callee": _symbol(transposed)})
    results = iter(call.results)
    return [next(results) if i in positions else None for i in range(len(args))]


def _symbol(name):
    return ir.FlatSymbolRefAttr.get(name)


JVP_RULES["func.call"] = call_jvp
TRANSPOSE_RULES["func.call"] = TransposeRule(call_transpose, call_linear_positions)
