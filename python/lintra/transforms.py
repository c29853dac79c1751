"""JAX-style transformations that emit lintra ops: grad, value_and_grad, jvp, vjp,
linearize, linear_transpose (and `eval_shape`).

No derivative is computed in Python. A transformation traces the function it
wraps into a private `func.func` of the current module (`trace_body`) and emits
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

from dataclasses import dataclass

import numpy as np
from mlir import ir

from . import dtypes
from . import primitives as prim
from .jit import abstractify, flatten_arguments, function_key, function_name, jit
from .numpy_core import operand, operand_type
from .pytree import TreeDef, tree_flatten, tree_unflatten
from .tracing import Aval, TracedFunction, Tracer, current_trace, emit, new_trace, trace_function, wrap


@dataclass
class Body:
    """A function traced for a transformation: `inputs` are the tracers to pass
    (argument leaves, then captured outer tracers); `arg_slices[i]` are the leaf
    positions of positional argument i."""
    traced: TracedFunction
    inputs: list
    arg_trees: list
    arg_slices: list

    @property
    def name(self) -> str:
        return self.traced.name

    @property
    def n_leaves(self) -> int:
        return sum(len(s) for s in self.arg_slices)

    def float_inputs(self) -> list[int]:
        return [i for i, x in enumerate(self.inputs) if dtypes.is_floating(x.dtype)]

    def float_outputs(self) -> list[int]:
        return [i for i, a in enumerate(self.traced.out_avals) if dtypes.is_floating(a.dtype)]

    def call(self) -> list[Tracer]:
        """Emit `func.call @body(inputs)` and return the output leaves."""
        avals = self.traced.out_avals
        op = emit("func.call", self.inputs, [a.tensor_type() for a in avals],
                  {"callee": ir.FlatSymbolRefAttr.get(self.name)})
        return [wrap(r, a.weak) for r, a in zip(op.results, avals)]

    def emit_lintra(self, op_name: str, operands, result_avals) -> list[Tracer]:
        op = emit(f"lintra.{op_name}", operands, [a.tensor_type() for a in result_avals],
                  {"callee": ir.FlatSymbolRefAttr.get(self.name)})
        return [wrap(r, a.weak) for r, a in zip(op.results, result_avals)]

    def erase(self) -> None:
        self.traced.erase()


def aval_of(x) -> Aval:
    return x if isinstance(x, Aval) else x.aval


def flatten_args(args, name: str):
    """Leaves, per-argument trees and leaf slices. Leaves become tracers of the
    current scope, except `Aval`s, which stand for arguments known only abstractly."""
    leaves, trees, slices = [], [], []
    for arg in args:
        arg_leaves, tree = tree_flatten(arg)
        slices.append(list(range(len(leaves), len(leaves) + len(arg_leaves))))
        trees.append(tree)
        leaves.extend(leaf if isinstance(leaf, Aval) else operand(leaf, name) for leaf in arg_leaves)
    return leaves, trees, slices


def trace_body(fun, args, name: str, linear: bool = False) -> Body:
    """Trace `fun(*args)` into a private function of the current trace.

    With `linear`, every argument leaf (not the captured values) is marked
    `{lintra.linear}`."""
    leaves, trees, slices = flatten_args(args, name)
    in_tree = TreeDef("tuple", tuple(trees))
    marks = frozenset(range(len(leaves))) if linear else frozenset()
    traced = trace_function(fun, [aval_of(x) for x in leaves], in_tree, function_name(fun), linear=marks)
    return Body(traced, leaves + traced.captured, trees, slices)


def zeros_for(aval: Aval) -> Tracer:
    return prim.full(aval.shape, 0, aval.dtype, aval.weak)


def check_float_args(name: str, args, argnums) -> None:
    """TypeError unless every leaf of the arguments `argnums` is a float32/float64 array."""
    for argnum in argnums:
        for leaf in tree_flatten(args[argnum])[0]:
            dtype = operand_type(leaf, name)[0]
            if not dtypes.is_floating(dtype):
                raise TypeError(f"{name} requires real-valued inputs (float32 or float64), but argument "
                                f"{argnum} has dtype {dtype}")


def normalize_argnums(argnums, n_args: int, name: str) -> tuple:
    numbers = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for number in numbers:
        if not isinstance(number, int) or not -n_args <= number < n_args:
            raise ValueError(f"{name}: argnums {argnums} out of range for {n_args} positional arguments")
    return tuple(number % n_args for number in numbers)


class Transformation:
    """A transformed function with a structural cache key (`_lintra_key`)."""
    kind = ""

    def __init__(self, fun, backend=None, **params):
        self.fun = fun
        self.backend = backend
        self.params = params
        self.__name__ = f"{self.kind}_{function_name(fun)}"
        self._lintra_key = (self.kind, function_key(fun), tuple(sorted(params.items())))

    def __call__(self, *args, **kwargs):
        if current_trace() is None:
            return jit(self, backend=self.backend)(*args, **kwargs)
        return self.trace_call(*args, **kwargs)

    def trace_call(self, *args, **kwargs):
        raise NotImplementedError

    def function_with(self, kwargs: dict):
        """`fun` with keyword arguments bound: they are closed over, so they are not
        differentiated (argnums count positional arguments only, as in JAX)."""
        if not kwargs:
            return self.fun

        def bound(*args):
            return self.fun(*args, **kwargs)
        bound.__name__ = function_name(self.fun)
        return bound


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
        if has_aux and (out_tree.kind not in ("tuple", "list") or len(out_tree.children) != 2):
            body.erase()
            raise TypeError("with has_aux=True the function must return a pair (output, aux)")
        primary = out_tree.children[0] if has_aux else out_tree
        aval = out_avals[0]
        if primary.kind != "leaf" or aval.shape != () or not dtypes.is_floating(aval.dtype):
            body.erase()
            shape = aval.shape if primary.kind == "leaf" else f"a pytree {primary}"
            raise TypeError(f"Gradient only defined for scalar-output functions (a float32 or float64 "
                            f"scalar). Output had shape: {shape}" +
                            (f" and dtype {aval.dtype}" if primary.kind == "leaf" else ""))
        float_in = body.float_inputs()
        grad_avals = [aval_of(body.inputs[i]) for i in float_in]
        if has_aux or with_value:
            cotangents = [prim.full((), 1.0, aval.dtype) if k == 0 else zeros_for(out_avals[k])
                          for k in body.float_outputs()]
            results = body.emit_lintra("vjp", body.inputs + cotangents, out_avals + grad_avals)
            outputs, grads = results[:len(out_avals)], results[len(out_avals):]
        else:
            outputs, grads = None, body.emit_lintra("grad", body.inputs, grad_avals)
        by_input = dict(zip(float_in, grads))
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


def check_tangents(primals, tangents, what: str = "jvp") -> None:
    """Primals and tangents: tuples/lists of the same tree, shapes and dtypes (float leaves)."""
    for value, label in ((primals, "primal"), (tangents, "tangent")):
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{label} arguments to {what} must be a tuple or a list, found "
                            f"{type(value).__name__}")
    primal_leaves, primal_tree = tree_flatten(tuple(primals))
    tangent_leaves, tangent_tree = tree_flatten(tuple(tangents))
    if primal_tree != tangent_tree:
        raise TypeError(f"{what}: primal and tangent arguments must have the same tree structure, got "
                        f"{primal_tree} and {tangent_tree}")
    for primal, tangent in zip(primal_leaves, tangent_leaves):
        p_shape, t_shape = tuple(getattr(primal, "shape", ())), tuple(getattr(tangent, "shape", ()))
        if p_shape != t_shape:
            raise ValueError(f"{what} called with different primal and tangent shapes; got primal shape "
                             f"{p_shape} and tangent shape {t_shape}")
        p_dtype = primal.dtype if hasattr(primal, "dtype") else dtypes.scalar_type(primal)[0]
        t_dtype = tangent.dtype if hasattr(tangent, "dtype") else dtypes.scalar_type(tangent)[0]
        if dtypes.is_floating(p_dtype) and p_dtype != t_dtype:
            raise TypeError(f"{what} called with different primal and tangent dtypes; got primal dtype "
                            f"{p_dtype} and tangent dtype {t_dtype}")


def emit_jvp(body: Body, tangent_leaves) -> tuple[list, list]:
    """lintra.jvp of `body` with the given tangents of its argument leaves (zero for
    captured values); returns (output leaves, output tangent leaves, zeros for non-floats)."""
    tangents = []
    for i in body.float_inputs():
        if i < body.n_leaves:
            tangents.append(prim.convert(operand(tangent_leaves[i], "jvp"), body.inputs[i].dtype))
        else:
            tangents.append(zeros_for(body.inputs[i].aval))
    out_avals = body.traced.out_avals
    float_out = body.float_outputs()
    results = body.emit_lintra("jvp", body.inputs + tangents, out_avals + [out_avals[k] for k in float_out])
    outputs, by_output = results[:len(out_avals)], dict(zip(float_out, results[len(out_avals):]))
    return outputs, [by_output[k] if k in by_output else zeros_for(a) for k, a in enumerate(out_avals)]


class JvpTransformation(Transformation):
    kind = "jvp"

    def trace_call(self, primals, tangents):
        body = trace_body(self.fun, primals, "jvp")
        outputs, tangents_out = emit_jvp(body, tree_flatten(tuple(tangents))[0])
        out_tree = body.traced.out_tree
        if self.params["has_aux"]:
            (out, aux), (tangent, _) = (tree_unflatten(out_tree, outputs),
                                        tree_unflatten(out_tree, tangents_out))
            return out, tangent, aux
        return tree_unflatten(out_tree, outputs), tree_unflatten(out_tree, tangents_out)


def jvp(fun, primals, tangents, has_aux=False, backend=None):
    """(fun(*primals), J_fun(primals) . tangents), like jax.jvp (`(out, tangent, aux)` with has_aux)."""
    check_tangents(primals, tangents)
    return JvpTransformation(fun, backend, has_aux=has_aux)(tuple(primals), tuple(tangents))


def emit_vjp(body: Body, cotangent_leaves) -> list:
    """The cotangents of `body`'s argument leaves (None for non-float ones) for the
    given cotangents of its float outputs (in output order)."""
    out_avals = body.traced.out_avals
    float_in = body.float_inputs()
    results = body.emit_lintra("vjp", body.inputs + list(cotangent_leaves),
                               out_avals + [aval_of(body.inputs[i]) for i in float_in])
    by_input = dict(zip(float_in, results[len(out_avals):]))
    return [by_input.get(i) for i in range(body.n_leaves)]


def per_argument(body: Body, leaves) -> tuple:
    return tuple(tree_unflatten(tree, [leaves[j] for j in positions])
                 for tree, positions in zip(body.arg_trees, body.arg_slices))


def cotangent_leaves(body: Body, cotangent, primary_tree, what: str) -> list:
    """The float-output cotangent leaves for `cotangent` (zeros for the aux outputs)."""
    leaves, tree = tree_flatten(cotangent)
    if tree != primary_tree:
        raise TypeError(f"{what}: the cotangent must have the output's structure {primary_tree}, got {tree}")
    out_avals = body.traced.out_avals
    result = []
    for k in body.float_outputs():
        if k >= len(leaves):
            result.append(zeros_for(out_avals[k]))
            continue
        leaf = operand(leaves[k], what)
        if leaf.shape != out_avals[k].shape:
            raise ValueError(f"{what}: cotangent shape {leaf.shape} does not match output shape "
                             f"{out_avals[k].shape}")
        result.append(prim.convert(leaf, out_avals[k].dtype))
    return result


def vjp(fun, *primals, has_aux=False, backend=None):
    """(fun(*primals), vjp_fn) where vjp_fn(cotangent) returns one cotangent per primal
    (`(out, vjp_fn, aux)` with has_aux), like jax.vjp."""
    if current_trace() is None:
        from .residuals import concrete_vjp
        return concrete_vjp(fun, primals, has_aux, backend)
    body = trace_body(fun, primals, "vjp")
    out = tree_unflatten(body.traced.out_tree, body.call())
    primary_tree = body.traced.out_tree.children[0] if has_aux else body.traced.out_tree

    def vjp_fn(cotangent):
        return per_argument(body, emit_vjp(body, cotangent_leaves(body, cotangent, primary_tree, "vjp")))

    return (out[0], vjp_fn, out[1]) if has_aux else (out, vjp_fn)


def linearize(fun, *primals, backend=None):
    """(fun(*primals), f_jvp) where f_jvp(*tangents) = J_fun(primals) . tangents, like jax.linearize.

    On concrete values f_jvp is a compiled linear function that reuses the residuals
    saved by the forward half (`@f_fwd`); it does not re-run the primal."""
    if current_trace() is None:
        from .residuals import concrete_linearize
        return concrete_linearize(fun, primals, backend)
    body = trace_body(fun, primals, "linearize")
    out = tree_unflatten(body.traced.out_tree, body.call())

    def f_jvp(*tangents):
        check_tangents(primals, tangents, "linearize")
        return tree_unflatten(body.traced.out_tree, emit_jvp(body, tree_flatten(tangents)[0])[1])

    return out, f_jvp


class TransposeTransformation(Transformation):
    """The transpose of a linear function, for primals of the given avals."""
    kind = "transpose"

    def trace_call(self, cotangent):
        args = tree_unflatten(self.params["in_tree"], list(self.params["in_avals"]))
        body = trace_body(self.fun, args, "linear_transpose", linear=True)
        captured = body.inputs[body.n_leaves:]
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
            raise ValueError(f"linear_transpose: the function is not linear (or not transposable): "
                             f"{error}") from None
    return transposed


def eval_shape(fun, *args):
    """The output avals (shape, dtype, weak) of `fun(*args)`, found by tracing it
    in a throwaway module (like jax.eval_shape)."""
    leaves, in_tree, avals = flatten_arguments(args, "eval_shape argument")
    with new_trace():
        traced = trace_function(fun, avals, in_tree, function_name(fun), public=True)
    return tree_unflatten(traced.out_tree, traced.out_avals)
