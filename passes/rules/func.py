"""Rules for the func dialect: calls differentiate through derived functions.

JVP of `func.call @g(x)`: linearize @g once into @g_fwd and @g_lin, then emit
`@g_fwd(x) -> (y, residuals)` and `@g_lin(residuals, dx) -> dy`. The primal and
linear halves are separate calls, so the caller unzips cleanly and every
derived function is generated once per callee and reused. A callee with a
custom JVP (`lintra.jvp`) is linearized from that rule and receives every
tangent (zeros materialized); a callee with a custom transpose
(`lintra.transpose`, see `core/custom_rules.py`) is linear, so when only its
linear arguments carry tangents its JVP is a call of itself on the tangents.

Transpose of a call to a linear function @h: call @h_transpose (generated once;
for a custom transpose, a call of the user's).

Symbolic zeros cross calls: derived functions are specialized on which
(co)tangent arguments are non-zero, and results they know to be zero
(`AdState.zero_results`) come back as symbolic zeros, not as IR.

Batching a call: a call of the callee batched on the batched arguments.
"""

from __future__ import annotations

from ..core.ad_state import (
    TRANSPOSE_ATTR,
    activity,
    bypass_forwarded,
    call_function,
    callee_of,
    find_function,
    function_name,
    function_type,
    linear_arg_positions,
)
from ..core.batch import call_batched
from ..core.custom_rules import tangent_activity
from ..core.emit import is_float, is_float_type
from ..core.linearize import linearize_function
from ..core.tables import BATCH_RULES, JVP_RULES, TRANSPOSE_RULES, Replaced, TransposeRule
from ..core.transpose import transpose_function
from ..diagnostics import LintraError


def known_zero(b, name: str, values) -> list:
    """`values` with the results `name` knows to be zero replaced by None."""
    zeros = b.ad.zero_results.get(name, (False,) * len(values))
    return [None if zero else value for value, zero in zip(values, zeros, strict=True)]


def linear_call_jvp(b, op, callee, tangents):
    """The JVP of a call of a linear function with a custom transpose when only its
    linear arguments carry tangents: the same call on the tangents. None when a
    non-linear argument carries one (then its body is differentiated)."""
    positions = set(linear_arg_positions(callee))
    if any(t is not None for i, t in enumerate(tangents) if i not in positions):
        if not len(callee.regions[0].blocks):
            raise LintraError.at(
                op,
                f"differentiates @{function_name(callee)} with respect to a non-linear "
                "argument, but it is a declaration known only by its transpose",
            )
        return None
    operands = [
        b.instantiate(tangents[i], v.type) if i in positions else v for i, v in enumerate(op.operands)
    ]
    results = call_function(b, function_name(callee), operands)
    return [r if is_float(r) else None for r in results]


def call_jvp(b, op, tangents):
    callee = b.ad.lookup(callee_of(op), op, transposable=True)
    if TRANSPOSE_ATTR in callee.attributes:
        linear = linear_call_jvp(b, op, callee, tangents)
        if linear is not None:
            return linear
    float_operands = [(t, v) for t, v in zip(tangents, op.operands, strict=True) if is_float(v)]
    active = tangent_activity(callee, activity([t for t, _ in float_operands]))
    fwd_name, lin_name = linearize_function(b.ad, callee, active)
    results = list(op.results)
    fwd = bypass_forwarded(
        b.ad.lookup(fwd_name), list(op.operands), call_function(b, fwd_name, list(op.operands))
    )
    primals, residuals = fwd[: len(results)], fwd[len(results) :]
    live = [b.instantiate(t, v.type) for (t, v), on in zip(float_operands, active, strict=True) if on]
    lin = call_function(b, lin_name, residuals + live)
    lin_results = iter(known_zero(b, lin_name, lin))
    return Replaced(primals, [next(lin_results) if is_float(r) else None for r in results])


def call_linear_positions(op):
    """A call is linear in the arguments its callee marks {lintra.linear}."""
    callee = find_function(op, callee_of(op))
    return set(linear_arg_positions(callee)) if callee is not None else set()


def call_transpose(b, op, cts, args):
    callee = b.ad.lookup(callee_of(op), op, transposable=True)
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
