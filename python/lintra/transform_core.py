"""The machinery of the transformations: a function traced into its own
private `func.func` (`trace_body` -> `Body`), argument checks, and the
emitters of `lintra.jvp`/`lintra.vjp` ops on such a body.

`lintra.transforms` (the public grad, jvp, vjp, ...), `lintra.residuals`
(vjp and linearize on concrete values) and `lintra.jacobians` build on it.
Inside a trace, `traced_vjp` and `traced_linearize` emit the ops of
`lintra.vjp` and `lintra.linearize`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir
from mlir.dialects import func

from . import dtypes
from . import primitives as prim
from .compile_cache import function_key
from .jit import TracedFunction, function_name, jit, trace_function
from .numpy_core import operand, operand_shape, operand_type
from .pytree import tree_flatten, tree_tuple, tree_unflatten
from .tracing import Aval, Tracer, build, current_trace, emit, wrap


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
        op = build(func.CallOp, [a.tensor_type() for a in avals], self.name, self.inputs)
        return [wrap(r, a.weak) for r, a in zip(op.results, avals, strict=True)]

    def emit_lintra(self, op_name: str, operands, result_avals) -> list[Tracer]:
        op = emit(
            f"lintra.{op_name}",
            operands,
            [a.tensor_type() for a in result_avals],
            {"callee": ir.FlatSymbolRefAttr.get(self.name)},
        )
        return [wrap(r, a.weak) for r, a in zip(op.results, result_avals, strict=True)]

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
    in_tree = tree_tuple(trees)
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
                raise TypeError(
                    f"{name} requires real-valued inputs (float32 or float64), but argument "
                    f"{argnum} has dtype {dtype}"
                )


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


def check_tangents(primals, tangents, what: str = "jvp") -> None:
    """Primals and tangents: tuples/lists of the same tree, shapes and dtypes (float leaves)."""
    for value, label in ((primals, "primal"), (tangents, "tangent")):
        if not isinstance(value, (tuple, list)):
            raise TypeError(
                f"{label} arguments to {what} must be a tuple or a list, found {type(value).__name__}"
            )
    primal_leaves, primal_tree = tree_flatten(primals)  # a list and a tuple differ, as in JAX
    tangent_leaves, tangent_tree = tree_flatten(tangents)
    if primal_tree != tangent_tree:
        raise TypeError(
            f"primal and tangent arguments to {what} must have the same tree structure; "
            f"primals have tree structure {primal_tree} whereas tangents have tree "
            f"structure {tangent_tree}"
        )
    for primal, tangent in zip(primal_leaves, tangent_leaves, strict=True):
        p_shape, t_shape = tuple(getattr(primal, "shape", ())), tuple(getattr(tangent, "shape", ()))
        if p_shape != t_shape:
            raise ValueError(
                f"{what} called with different primal and tangent shapes; got primal shape "
                f"{p_shape} and tangent shape {t_shape}"
            )
        p_dtype = primal.dtype if hasattr(primal, "dtype") else dtypes.scalar_type(primal)[0]
        t_dtype = tangent.dtype if hasattr(tangent, "dtype") else dtypes.scalar_type(tangent)[0]
        if dtypes.is_floating(p_dtype) and p_dtype != t_dtype:
            raise TypeError(
                f"{what} called with different primal and tangent dtypes; got primal dtype "
                f"{p_dtype} and tangent dtype {t_dtype}"
            )


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
    outputs, by_output = (
        results[: len(out_avals)],
        dict(zip(float_out, results[len(out_avals) :], strict=True)),
    )
    return outputs, [by_output[k] if k in by_output else zeros_for(a) for k, a in enumerate(out_avals)]


class JvpTransformation(Transformation):
    kind = "jvp"

    def trace_call(self, primals, tangents):
        body = trace_body(self.fun, primals, "jvp")
        outputs, tangents_out = emit_jvp(body, tree_flatten(tuple(tangents))[0])
        out_tree = body.traced.out_tree
        if self.params["has_aux"]:
            (out, aux), (tangent, _) = (
                tree_unflatten(out_tree, outputs),
                tree_unflatten(out_tree, tangents_out),
            )
            return out, tangent, aux
        return tree_unflatten(out_tree, outputs), tree_unflatten(out_tree, tangents_out)


def emit_vjp(body: Body, cotangent_leaves) -> list:
    """The cotangents of `body`'s argument leaves (None for non-float ones) for the
    given cotangents of its float outputs (in output order)."""
    out_avals = body.traced.out_avals
    float_in = body.float_inputs()
    results = body.emit_lintra(
        "vjp", body.inputs + list(cotangent_leaves), out_avals + [aval_of(body.inputs[i]) for i in float_in]
    )
    by_input = dict(zip(float_in, results[len(out_avals) :], strict=True))
    return [by_input.get(i) for i in range(body.n_leaves)]


def per_argument(body: Body, leaves) -> tuple:
    return tuple(
        tree_unflatten(tree, [leaves[j] for j in positions])
        for tree, positions in zip(body.arg_trees, body.arg_slices, strict=True)
    )


def check_cotangent(cotangent, aval: Aval, what: str = "vjp") -> None:
    """Unless `cotangent` has exactly the dtype and shape of the output `aval` it is
    the cotangent of: ValueError for a vjp function, TypeError for linear_transpose
    (JAX's exceptions and messages)."""

    def text(dtype, shape):
        return f"{dtype}{list(shape)}"

    got = text(operand_type(cotangent, f"{what} function")[0], operand_shape(cotangent))
    expected = text(aval.dtype, aval.shape)
    if got == expected:
        return
    if what == "linear_transpose":
        raise TypeError(
            f"linear_transpose: cotangent type does not match function output, expected "
            f"{expected} but got {got}"
        )
    raise ValueError(
        f"unexpected type (e.g. shape/dtype) for argument to VJP function: got {got}, but "
        f"expected {expected} because the corresponding output of the differentiated "
        f"function had type {expected}"
    )


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
        check_cotangent(leaves[k], out_avals[k], what)
        result.append(operand(leaves[k], what, out_avals[k].dtype))
    return result


def traced_vjp(fun, primals, has_aux: bool):
    """`lintra.vjp` inside a trace: `fun` is called, and `vjp_fn` emits `lintra.vjp` ops."""
    body = trace_body(fun, primals, "vjp")
    out = tree_unflatten(body.traced.out_tree, body.call())
    primary_tree = body.traced.out_tree.children()[0] if has_aux else body.traced.out_tree

    def vjp_fn(cotangent):
        return per_argument(body, emit_vjp(body, cotangent_leaves(body, cotangent, primary_tree, "vjp")))

    return (out[0], vjp_fn, out[1]) if has_aux else (out, vjp_fn)


def traced_linearize(fun, primals):
    """`lintra.linearize` inside a trace: `fun` is called, and `f_jvp` emits `lintra.jvp` ops."""
    body = trace_body(fun, primals, "linearize")
    out = tree_unflatten(body.traced.out_tree, body.call())

    def f_jvp(*tangents):
        check_tangents(primals, tangents, "linearize")
        return tree_unflatten(body.traced.out_tree, emit_jvp(body, tree_flatten(tangents)[0])[1])

    return out, f_jvp
