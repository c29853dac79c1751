"""Rules for the func dialect: calls differentiate through derived functions.

JVP of `func.call @g(x)`: linearize @g once into @g_fwd and @g_lin, then emit
`@g_fwd(x) -> (y, residuals)` and `@g_lin(residuals, dx) -> dy`. The primal and
linear halves are separate calls, so the caller unzips cleanly and every
derived function is generated once per callee and reused.

Transpose of a call to a linear function @h: call @h_transpose (generated once).

Symbolic zeros cross calls: derived functions are specialized on which
(co)tangent arguments are non-zero, and results they know to be zero
(`AdState.zero_results`) come back as symbolic zeros, not as IR.

Batching a call: a call of the callee batched on the batched arguments.
"""

from __future__ import annotations

from ..core.ad_state import (
    activity,
    call_function,
    callee_of,
    find_function,
    function_type,
    linear_arg_positions,
)
from ..core.batch import call_batched
from ..core.emit import is_float, is_float_type
from ..core.linearize import linearize_function
from ..core.tables import BATCH_RULES, JVP_RULES, TRANSPOSE_RULES, Replaced, TransposeRule
from ..core.transpose import transpose_function


def known_zero(b, name: str, values) -> list:
    """`values` with the results `name` knows to be zero replaced by None."""
    zeros = b.ad.zero_results.get(name, (False,) * len(values))
    return [None if zero else value for value, zero in zip(values, zeros, strict=True)]


def call_jvp(b, op, tangents):
    callee = b.ad.lookup(callee_of(op), op)
    float_tangents = [t for t, v in zip(tangents, op.operands, strict=True) if is_float(v)]
    fwd_name, lin_name = linearize_function(b.ad, callee, activity(float_tangents))
    results = list(op.results)
    fwd = call_function(b, fwd_name, list(op.operands))
    primals, residuals = fwd[: len(results)], fwd[len(results) :]
    lin = call_function(b, lin_name, residuals + [t for t in float_tangents if t is not None])
    lin_results = iter(known_zero(b, lin_name, lin))
    return Replaced(primals, [next(lin_results) if is_float(r) else None for r in results])


def call_linear_positions(op):
    """A call is linear in the arguments its callee marks {lintra.linear}."""
    callee = find_function(op, callee_of(op))
    return set(linear_arg_positions(callee)) if callee is not None else set()


def call_transpose(b, op, cts, args):
    callee = b.ad.lookup(callee_of(op), op)
    positions = linear_arg_positions(callee)
    float_cts = [ct for ct, t in zip(cts, function_type(callee).results, strict=True) if is_float_type(t)]
    transposed = transpose_function(b.ad, callee, activity(float_cts))
    nonlinear = [a for i, a in enumerate(args) if i not in positions]
    call = call_function(b, transposed, nonlinear + [ct for ct in float_cts if ct is not None])
    results = iter(known_zero(b, transposed, call))
    return [next(results) if i in positions else None for i in range(len(args))]


JVP_RULES["func.call"] = call_jvp
TRANSPOSE_RULES["func.call"] = TransposeRule(call_transpose, call_linear_positions)


def call_batch(b, op, args, size):
    """A call of @g batched: a call of @g batched on the batched arguments
    (`batch_function`, generated once per pattern and reused)."""
    return call_batched(b, b.ad.lookup(callee_of(op), op), args, size)


BATCH_RULES["func.call"] = call_batch
