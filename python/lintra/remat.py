"""Checkpointing and the saved-residual report, as `jax.checkpoint` and
`jax.ad_checkpoint.print_saved_residuals`.

    g = lintra.checkpoint(f)          # also lintra.remat, or @lintra.checkpoint
    lintra.grad(lambda x: g(g(x)).sum())(x)   # residuals: the inputs of each g call
    lintra.saved_residuals(f, x)      # prints and returns what linearize(f, x) saves

Contract:
- `checkpoint(f)` has f's values. Inside a trace, each call traces f into its
  own private `func.func` marked `lintra.checkpoint` and calls it; when the
  passes linearize a call of it, the forward half saves only the call's inputs
  and the linear half recomputes f's intermediates (`passes/core/checkpoint.py`).
  Arguments named by `static_argnums` are Python values closed over. Only
  `policy=None` (save nothing but the inputs) exists.
- `saved_residuals(f, *args)` traces f at the arguments' shapes and dtypes,
  linearizes it as `lintra.linearize` does and returns (after printing them, with
  `print_report`) the residuals the forward half saves, as `Residual`s: shape,
  dtype, bytes and the source location (file:line of the Python code) of the op
  that computed each, or the argument it is.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from mlir import ir

from lintra.passes.core.ad_state import AdState, function_type
from lintra.passes.core.checkpoint import CHECKPOINT_ATTR
from lintra.passes.core.cleanup import cleanup
from lintra.passes.core.linearize import linearize_function
from lintra.passes.core.residual_report import saved_residuals as residual_list
from lintra.passes.diagnostics import LintraError, format_location

from .dtypes import NUMPY_OF_ELEMENT
from .jit import Staged, diagnostic_error, flatten_arguments, function_name, jit
from .pytree import tree_unflatten
from .tracing import current_trace
from .transform_core import trace_body


def checkpoint(fun=None, *, prevent_cse: bool = True, policy=None, static_argnums=()):
    """`fun` rematerialized under differentiation (see the module docstring)."""
    if fun is None:
        return functools.partial(
            checkpoint, prevent_cse=prevent_cse, policy=policy, static_argnums=static_argnums
        )
    if policy is not None:
        raise NotImplementedError(
            "lintra.checkpoint supports only policy=None (save only the inputs of the function)"
        )
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def rematerialized(*args):
        if current_trace() is None:
            return jit(rematerialized, static_argnums=static)(*args)
        positions = {i % len(args) for i in static}
        dynamic = [a for i, a in enumerate(args) if i not in positions]

        def bound(*traced):
            values = iter(traced)
            return fun(*[args[i] if i in positions else next(values) for i in range(len(args))])

        bound.__name__ = f"checkpoint_{function_name(fun)}"
        body = trace_body(bound, dynamic, "checkpoint")
        body.traced.op.attributes[CHECKPOINT_ATTR] = ir.UnitAttr.get()
        return tree_unflatten(body.traced.out_tree, body.call())

    return rematerialized


remat = checkpoint


class Residual(NamedTuple):
    """One residual the forward half saves."""

    shape: tuple
    dtype: np.dtype  # a mask saved as i1 is bool
    nbytes: int
    source: str  # "output of math.cos at file.py:12:1", "from argument #0 of @f_fwd ..."


def saved_residuals(fun, *args, print_report: bool = True) -> list[Residual]:
    """The residuals `lintra.linearize(fun, *args)` saves (see the module docstring)."""
    _, in_tree, avals = flatten_arguments(tuple(args), "saved_residuals argument")
    staged = Staged(fun, avals, in_tree, function_name(fun))
    staged.run_ad()
    with staged.context, ir.Location.unknown():
        ad = AdState(staged.module.operation)
        try:
            source = ad.lookup(staged.name)
            fwd, lin = linearize_function(ad, source)
            n_results = len(function_type(source).results)
            cleanup(ad, keep={fwd, lin})
            report = residual_list(ad, fwd, n_results)
        except LintraError as error:
            raise diagnostic_error(error) from None
        residuals = [
            Residual(
                r.shape,
                np.dtype(NUMPY_OF_ELEMENT.get(r.element, np.void)),
                r.nbytes,
                f"{'from' if r.origin.startswith('argument') else 'output of'} {r.origin} "
                f"at {format_location(r.location)}",
            )
            for r in report
        ]
    if print_report:
        for r in residuals:
            print(f"{r.dtype}{list(r.shape)} {r.source} ({r.nbytes} bytes)")
    return residuals
