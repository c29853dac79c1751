"""Checkpointing (rematerialization), as `jax.checkpoint`: the linear half of a
function marked `lintra.checkpoint` recomputes its intermediates from its inputs
instead of saving them.

Contract: for a function @g with the unit attribute `lintra.checkpoint` whose
ordinary halves are (@g_fwd, @g_lin), `remat_halves(ad, g, (g_fwd, g_lin))`
creates (once per activity pattern)

    @g_remat_fwd(x...) -> (y..., x...)          // y = call @g(x): the primal only;
                                                //  the residuals are the inputs
    @g_remat_lin(x..., dx... {lintra.linear}) -> dy...
        (y, r) = call @g_fwd(x)                 // recompute the residuals
        dy = call @g_lin(r, dx)

with @g_remat_lin(@g_remat_fwd(x).residuals, dx) == @g_lin(@g_fwd(x).residuals, dx).
A caller that linearizes a call of @g thus saves only @g's inputs (which it
usually holds anyway); transposing @g_remat_lin re-emits the call of @g_fwd
forward (it reads no linear value) before the transposed @g_lin, so the
residuals of @g live only while its cotangents are computed.
"""

from __future__ import annotations

from mlir import ir

from .ad_state import AdState, call_function, emit_return, function_name, function_type
from .emit import Emitter

CHECKPOINT_ATTR = "lintra.checkpoint"


def is_checkpointed(function: ir.Operation) -> bool:
    return CHECKPOINT_ATTR in function.attributes


def remat_halves(ad: AdState, source: ir.Operation, halves: tuple[str, str]) -> tuple[str, str]:
    """The (@g_remat_fwd, @g_remat_lin) of checkpointed `source` (see the module doc)."""
    key = (halves, "remat")
    if key in ad.linearize_cache:
        return ad.linearize_cache[key]
    fwd_name, lin_name = halves
    name, location = function_name(source), source.location
    ftype = function_type(source)
    inputs, results = list(ftype.inputs), list(ftype.results)
    fwd, fwd_entry = ad.new_function(f"{name}_remat_fwd", inputs, results + inputs, location)
    b = Emitter(ir.InsertionPoint(fwd_entry), location, ad)
    primal = call_function(b, name, list(fwd_entry.arguments))
    emit_return(b.ip, primal + list(fwd_entry.arguments), location)

    tangent_types = list(function_type(ad.lookup(lin_name)).inputs)
    n_residuals = len(list(function_type(ad.lookup(fwd_name)).results)) - len(results)
    tangent_types = tangent_types[n_residuals:]
    lin_types = inputs + tangent_types
    lin, lin_entry = ad.new_function(
        f"{name}_remat_lin",
        lin_types,
        list(function_type(ad.lookup(lin_name)).results),
        location,
        linear_args=set(range(len(inputs), len(lin_types))),
    )
    b = Emitter(ir.InsertionPoint(lin_entry), location, ad)
    arguments = list(lin_entry.arguments)
    recomputed = call_function(b, fwd_name, arguments[: len(inputs)])[len(results) :]
    emit_return(b.ip, call_function(b, lin_name, recomputed + arguments[len(inputs) :]), location)

    result = (function_name(fwd), function_name(lin))
    ad.zero_results[result[1]] = ad.zero_results[lin_name]
    ad.linearize_cache[key] = result
    return result
