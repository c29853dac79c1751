"""JAX-style transformations that emit lintra ops: grad, value_and_grad, jvp, vjp,
linearize, linear_transpose (and `eval_shape`).

No derivative is computed in Python. A transformation traces the function it
wraps into a private `func.func` of the current module
(`lintra.transform_core.trace_body`) and emits
`lintra.grad`/`vjp`/`jvp`/`transpose` ops calling it; `lintra-ad` expands them,
innermost first, so transformations nest (grad(grad(f)), jvp(grad(f)), ...).

- Called inside a trace (on tracers or constants), a transformation emits its
  op into the current function.
- Called outside any trace, `grad`, `value_and_grad` and `jvp` are compiled with
  `lintra.jit` (one cache entry per signature) on the transformation's `backend`
  (None: `lintra.config.backend`); inside a trace `backend` is ignored. `vjp` and `linearize` on
  concrete values run the function's forward half once and keep its residuals
  (see `lintra.residuals`); `linear_transpose` compiles the transposed function
  when it is created, so a non-linear function is rejected right away.

Argument checks (TypeError/ValueError, JAX's messages) happen before any op is
emitted: non-float inputs to grad, non-scalar grad outputs (the traced body is
erased again), mismatched primal/tangent shapes and dtypes.
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from . import primitives as prim
from .jit import abstractify, flatten_arguments, function_name, jit, trace_function
from .pytree import PyTreeKind, tree_flatten, tree_unflatten
from .residuals import concrete_linearize, concrete_vjp
from .tracing import current_trace, new_trace
from .transform_core import (
    JvpTransformation,
    Transformation,
    aval_of,
    check_float_args,
    check_tangents,
    cotangent_leaves,
    normalize_argnums,
    per_argument,
    trace_body,
    traced_linearize,
    traced_vjp,
    zeros_for,
)


class GradTransformation(Transformation):
    """grad / value_and_grad (see `grad`)."""

    kind = "grad"

    def trace_call(self, *args, **kwargs):
        argnums = normalize_argnums(self.params["argnums"], len(args), self.kind)
        has_aux, with_value = self.params["has_aux"], self.params["with_value"]
        check_float_args(self.kind, args, argnums)
        body = trace_body(self.function_with(kwargs), args, self.kind)
        trees, slices = body.arg_trees, body.arg_slices
        out_avals, out_tree = body.traced.out_avals, body.traced.out_tree
        pair = out_tree.kind in (PyTreeKind.TUPLE, PyTreeKind.LIST) and out_tree.num_children == 2
        if has_aux and not pair:
            body.erase()
            raise TypeError("with has_aux=True the function must return a pair (output, aux)")
        primary = out_tree.children()[0] if has_aux else out_tree
        aval = out_avals[0]
        if not primary.is_leaf() or aval.shape != () or not dtypes.is_floating(aval.dtype):
            body.erase()
            shape = aval.shape if primary.is_leaf() else f"a pytree {primary}"
            raise TypeError(
                f"Gradient only defined for scalar-output functions (a float32 or float64 "
                f"scalar). Output had shape: {shape}"
                + (f" and dtype {aval.dtype}" if primary.is_leaf() else "")
            )
        float_in = body.float_inputs()
        grad_avals = [aval_of(body.inputs[i]) for i in float_in]
        if has_aux or with_value:
            cotangents = [
                prim.full((), 1.0, aval.dtype) if k == 0 else zeros_for(out_avals[k])
                for k in body.float_outputs()
            ]
            results = body.emit_lintra("vjp", body.inputs + cotangents, out_avals + grad_avals)
            outputs, grads = results[: len(out_avals)], results[len(out_avals) :]
        else:
            outputs, grads = None, body.emit_lintra("grad", body.inputs, grad_avals)
        by_input = dict(zip(float_in, grads, strict=True))
        per_arg = [tree_unflatten(trees[i], [by_input[j] for j in slices[i]]) for i in argnums]
        result = per_arg[0] if isinstance(self.params["argnums"], int) else tuple(per_arg)
        if with_value:
            value = tree_unflatten(out_tree, outputs)
            return value, result
        if has_aux:
            return result, tree_unflatten(out_tree, outputs)[1]
        return result


def grad(fun, argnums=0, has_aux=False, backend=None):
    """The gradient of scalar-valued `fun` with respect to positional argument(s) `argnums`.

    Returns a function with `fun`'s arguments returning the gradient (a tuple of
    gradients for a tuple `argnums`; `(gradient, aux)` with `has_aux`). `backend` names the
    `lintra.backends` backend used when it is called on concrete arrays."""
    return GradTransformation(fun, backend, argnums=argnums, has_aux=has_aux, with_value=False)


def value_and_grad(fun, argnums=0, has_aux=False, backend=None):
    """Like `grad`, but the function returns `(value, gradient)` (`((value, aux), gradient)`)."""
    transformation = GradTransformation(fun, backend, argnums=argnums, has_aux=has_aux, with_value=True)
    transformation.__name__ = f"value_and_grad_{function_name(fun)}"
    return transformation


def jvp(fun, primals, tangents, has_aux=False, backend=None):
    """(fun(*primals), J_fun(primals) . tangents), like jax.jvp (`(out, tangent, aux)` with has_aux)."""
    check_tangents(primals, tangents)
    return JvpTransformation(fun, backend, has_aux=has_aux)(tuple(primals), tuple(tangents))


def vjp(fun, *primals, has_aux=False, backend=None):
    """(fun(*primals), vjp_fn) where vjp_fn(cotangent) returns one cotangent per primal
    (`(out, vjp_fn, aux)` with has_aux), like jax.vjp."""
    if current_trace() is None:
        return concrete_vjp(fun, primals, has_aux, backend)
    return traced_vjp(fun, primals, has_aux)


def linearize(fun, *primals, backend=None):
    """(fun(*primals), f_jvp) where f_jvp(*tangents) = J_fun(primals) . tangents, like jax.linearize.

    On concrete values f_jvp is a compiled linear function that reuses the residuals
    saved by the forward half (`@f_fwd`); it does not re-run the primal."""
    if current_trace() is None:
        return concrete_linearize(fun, primals, backend)
    return traced_linearize(fun, primals)


class TransposeTransformation(Transformation):
    """The transpose of a linear function, for primals of the given avals."""

    kind = "transpose"

    def trace_call(self, cotangent):
        args = tree_unflatten(self.params["in_tree"], list(self.params["in_avals"]))
        body = trace_body(self.fun, args, "linear_transpose", linear=True)
        captured = body.inputs[body.n_leaves :]
        cts = cotangent_leaves(body, cotangent, body.traced.out_tree, "linear_transpose")
        results = body.emit_lintra("transpose", captured + cts, list(self.params["in_avals"]))
        return per_argument(body, results)


def linear_transpose(fun, *primals, backend=None):
    """The transpose of `fun`, which must be linear in its arguments; `primals` only give
    the argument shapes and dtypes (all float). A non-linear `fun` is a ValueError
    carrying the AD core's diagnostic."""
    leaves, in_tree = tree_flatten(tuple(primals))
    avals = tuple(abstractify(leaf, "linear_transpose primal") for leaf in leaves)
    for aval in avals:
        if not dtypes.is_floating(aval.dtype):
            raise TypeError(f"linear_transpose requires float inputs, got dtype {aval.dtype}")
    transposed = TransposeTransformation(fun, backend, in_tree=in_tree, in_avals=avals)
    if current_trace() is None:
        out_leaves, out_tree = tree_flatten(eval_shape(fun, *primals))
        example = tree_unflatten(out_tree, [np.zeros(a.shape, a.dtype) for a in out_leaves])
        try:
            jit(transposed, backend=backend).precompile(example)
        except ValueError as error:
            raise ValueError(
                f"linear_transpose: the function is not linear (or not transposable): {error}"
            ) from None
    return transposed


def eval_shape(fun, *args):
    """The output avals (shape, dtype, weak) of `fun(*args)`, found by tracing it
    in a throwaway module (like jax.eval_shape)."""
    leaves, in_tree, avals = flatten_arguments(args, "eval_shape argument")
    with new_trace():
        traced = trace_function(fun, avals, in_tree, function_name(fun), public=True)
    return tree_unflatten(traced.out_tree, traced.out_avals)
