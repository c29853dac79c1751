"""Custom derivative rules and `stop_gradient`, with JAX's API.

    @lintra.custom_jvp
    def log1pexp(x):
        return lnp.log(1.0 + lnp.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):      # JAX's signature
        (x,), (t,) = primals, tangents
        return log1pexp(x), t * (1.0 - 1.0 / (1.0 + lnp.exp(x)))

No derivative is taken in Python: the rules become IR that the passes use
(`lintra.passes.core.custom_rules` states the contract). Called inside a trace,
a custom function is traced once per trace and signature into a private
`func.func @f` and called (`func.call @f`):

* `custom_jvp`: the rule `jvp(*nondiff_args, primals, tangents) ->
  (primal_out, tangent_out)` is traced into `@f_jvp_rule(x..., dx...) ->
  (y..., dy...)`, and @f gets the attribute `lintra.jvp = @f_jvp_rule`. Its
  tangent part must be linear in the tangents for reverse mode (the transpose
  reports the op that is not, at its Python line). Tangents of integer
  arguments are zeros.
* `custom_vjp`: `fwd(*args) -> (out, residuals)` is traced into
  `@f_fwd_rule(x...) -> (y..., r...)`, `bwd(*nondiff_args, residuals,
  cotangent) -> tuple of cotangents` (one per argument, None for zero) into
  `@f_bwd_rule(r..., ct...) -> (ct_x...)`; the linear part is a declaration
  `@f_lin_rule(r..., dx... {lintra.linear}) -> dy...` with
  `lintra.transpose = @f_bwd_rule`, and `lintra.jvp` of @f is
  `(y, r) = @f_fwd_rule(x); dy = @f_lin_rule(r, dx)`. Reverse mode (grad,
  vjp, jacrev, and forward-over-reverse such as hessian) runs fwd, then bwd;
  forward mode (jvp, jacfwd, linearize) would evaluate @f_lin_rule and is a
  ValueError, as JAX refuses it.
* `stop_gradient(x)`: `lintra.stop_gradient` on each float leaf (identity,
  zero derivative); outside a trace it returns the values.

`nondiff_argnums` name positional arguments passed as Python values (hashable
or not: functions, ints, ...), closed over by the traced functions and passed
first to the rules, as in JAX; a traced array there is a TypeError. A custom
function and its rules may not close over traced values of an enclosing
function (their derivative would be silently dropped): pass them as arguments.
Called outside any trace, a custom function is compiled with `lintra.jit`.
"""

from __future__ import annotations

import functools
import inspect
import weakref

import numpy as np
from mlir import ir
from mlir.dialects import arith, func

from lintra.passes.core.ad_state import JVP_ATTR, LINEAR_ATTR, TRANSPOSE_ATTR
from lintra.passes.core.custom_rules import STOP_GRADIENT

from . import dtypes
from . import primitives as prim
from .jit import jit, trace_function
from .numpy_core import operand
from .pytree import tree_flatten, tree_leaves, tree_map, tree_unflatten
from .tracing import Tracer, build, current_trace, emit, user_location, wrap


def stop_gradient(x):
    """`x` (a pytree of arrays) with a zero derivative, like jax.lax.stop_gradient."""

    def leaf(value):
        if current_trace() is None:
            return np.asarray(value)
        tracer = operand(value, "stop_gradient")
        if not dtypes.is_floating(tracer.dtype):
            return tracer
        return wrap(emit(STOP_GRADIENT, [tracer], [tracer.value.type]).result, tracer.weak)

    return tree_map(leaf, x)


def _flat_tree(count: int):
    """The treedef of a tuple of `count` leaves (to trace functions of flat arguments)."""
    return tree_flatten(tuple(range(count)))[1]


def _static_key(value):
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("value", value)


def _typed_leaf(leaf, expected, what: str) -> Tracer:
    """`leaf` as a Tracer of exactly `expected`'s shape and dtype (a weakly typed
    value is converted), else a TypeError naming `what`."""
    tracer = operand(leaf, what)
    if tracer.dtype != expected.dtype and tracer.weak and tracer.shape == tuple(expected.shape):
        tracer = prim.convert(tracer, expected.dtype)
    if tracer.shape != tuple(expected.shape) or tracer.dtype != expected.dtype:
        raise TypeError(
            f"{what}: expected {expected.dtype}{list(expected.shape)}, got {tracer.dtype}{list(tracer.shape)}"
        )
    return tracer


def _pair(out, what: str):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{what} must produce a pair (list or tuple of length two), but got {out!r}")
    return out


class _CustomFunction:
    """What custom_jvp and custom_vjp share: argument handling and the per-trace cache."""

    kind = ""

    def __init__(self, fun, nondiff_argnums=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = (
            (nondiff_argnums,) if isinstance(nondiff_argnums, int) else tuple(nondiff_argnums)
        )
        self._signature = inspect.signature(fun)
        # trace -> {signature key: the traced primal function}
        self._traced = weakref.WeakKeyDictionary()

    def _rules_defined(self) -> bool:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        if not self._rules_defined():
            what = "JVP" if self.kind == "custom_jvp" else "VJP"
            rule = "defjvp" if self.kind == "custom_jvp" else "defvjp"
            raise AttributeError(f"No {what} defined for {self.kind} function {self.__name__} using {rule}.")
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if bound.kwargs:
            raise TypeError(f"{self.kind} function {self.__name__}: keyword-only arguments are not supported")
        args = tuple(bound.args)
        for index in self.nondiff_argnums:
            if not -len(args) <= index < len(args):
                raise ValueError(
                    f"{self.kind}: nondiff_argnums {self.nondiff_argnums} out of range for "
                    f"{len(args)} arguments"
                )
        if current_trace() is None:
            return jit(self, static_argnums=self._nondiff(args))(*args)
        return self._call_traced(args)

    def _nondiff(self, args) -> tuple:
        return tuple(sorted(i % len(args) for i in self.nondiff_argnums))

    def _call_traced(self, args):
        positions = self._nondiff(args)
        nondiff = [args[i] for i in positions]
        if any(isinstance(leaf, Tracer) for leaf in tree_leaves(nondiff)):
            raise TypeError(
                f"{self.kind} function {self.__name__}: the arguments in nondiff_argnums "
                f"{positions} must be Python values, not traced arrays; pass arrays as ordinary arguments"
            )
        diff_args = tuple(a for i, a in enumerate(args) if i not in positions)
        leaves, in_tree = tree_flatten(diff_args)
        inputs = [operand(leaf, self.__name__) for leaf in leaves]
        avals = [x.aval for x in inputs]
        cache = self._traced.setdefault(current_trace(), {})
        key = (in_tree, tuple(avals), positions, tuple(_static_key(v) for v in nondiff))
        if key not in cache:

            def merged(diff):
                full = list(diff)
                for position, value in zip(positions, nondiff, strict=True):
                    full.insert(position, value)
                return full

            primal = self._trace(lambda *diff: self.fun(*merged(diff)), avals, in_tree, self.__name__)
            cache[key] = primal  # before the rules, which may call the function itself
            try:
                self._trace_rules(primal, avals, in_tree, nondiff, merged)
            except Exception:
                del cache[key]
                primal.erase()
                raise
        primal = cache[key]
        op = build(func.CallOp, [a.tensor_type() for a in primal.out_avals], primal.name, inputs)
        outputs = [wrap(r, a.weak) for r, a in zip(op.results, primal.out_avals, strict=True)]
        return tree_unflatten(primal.out_tree, outputs)

    def _trace(self, fun, avals, in_tree, name: str):
        """Trace `fun` into a private function, refusing closures over outer tracers."""
        traced = trace_function(fun, list(avals), in_tree, name)
        if traced.captured:
            shapes = ", ".join(f"{t.dtype}{list(t.shape)}" for t in traced.captured)
            traced.erase()
            raise TypeError(
                f"{self.kind} function {self.__name__}: {name} closes over traced values of an "
                f"enclosing function ({shapes}), whose derivatives the custom rule cannot give; "
                "pass them as arguments instead"
            )
        return traced

    def _trace_rules(self, primal, avals, in_tree, nondiff, merged) -> None:
        raise NotImplementedError

    def _check_outputs(self, out, primal, what: str) -> list:
        """The leaves of `out`, which must have the primal function's structure and types."""
        leaves, tree = tree_flatten(out)
        if tree != primal.out_tree:
            raise TypeError(
                f"{what} must produce primal outputs with the same container (pytree) structure "
                f"as the {self.kind} function {self.__name__}: expected {primal.out_tree}, got {tree}"
            )
        return [
            _typed_leaf(leaf, aval, f"{what} primal output #{k}")
            for k, (leaf, aval) in enumerate(zip(leaves, primal.out_avals, strict=True))
        ]

    def _set_rule(self, primal, attr: str, rule_name: str) -> None:
        primal.op.operation.attributes[attr] = ir.FlatSymbolRefAttr.get(rule_name)


class custom_jvp(_CustomFunction):  # noqa: N801 - JAX's name
    """A function with a custom JVP rule, like jax.custom_jvp (see the module doc)."""

    kind = "custom_jvp"

    def __init__(self, fun, nondiff_argnums=()):
        super().__init__(fun, nondiff_argnums)
        self.jvp = None

    def defjvp(self, jvp):
        """Set the rule `jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out)`."""
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps) -> None:
        """One rule per argument, `jvps[i](tangent_i, primal_out, *primals)` giving
        that argument's contribution to the output tangent (None: none), as JAX's."""
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals, tangents):
            out = self(*primals)
            contributions = [
                rule(tangent, out, *primals)
                for rule, tangent in zip(jvps, tangents, strict=True)
                if rule is not None
            ]
            if not contributions:
                return out, tree_map(lambda leaf: leaf * 0.0, out)
            total = contributions[0]
            for contribution in contributions[1:]:
                total = tree_map(lambda a, b: a + b, total, contribution)
            return out, total

        self.defjvp(jvp)

    def _rules_defined(self) -> bool:
        return self.jvp is not None

    def _trace_rules(self, primal, avals, in_tree, nondiff, merged) -> None:
        n = len(avals)
        float_in = [i for i, a in enumerate(avals) if dtypes.is_floating(a.dtype)]
        float_out = [k for k, a in enumerate(primal.out_avals) if dtypes.is_floating(a.dtype)]
        what = f"Custom JVP rule for {self.__name__}"

        def rule(*flat):
            given = iter(flat[n:])
            tangent_leaves = [
                next(given) if i in float_in else prim.full(a.shape, 0, a.dtype) for i, a in enumerate(avals)
            ]
            primals = tree_unflatten(in_tree, flat[:n])
            tangents = tree_unflatten(in_tree, tangent_leaves)
            primal_out, tangent_out = _pair(self.jvp(*nondiff, primals, tangents), what)
            outs = self._check_outputs(primal_out, primal, what)
            leaves, tree = tree_flatten(tangent_out)
            if tree != primal.out_tree:
                raise TypeError(
                    f"{what} must produce primal and tangent outputs with equal container (pytree) "
                    f"structures, but got {primal.out_tree} and {tree} respectively"
                )
            return outs + [
                _typed_leaf(leaves[k], primal.out_avals[k], f"{what} tangent output #{k}") for k in float_out
            ]

        rule_avals = list(avals) + [avals[i] for i in float_in]
        traced = self._trace(rule, rule_avals, _flat_tree(len(rule_avals)), f"{primal.name}_jvp_rule")
        self._set_rule(primal, JVP_ATTR, traced.name)


class custom_vjp(_CustomFunction):  # noqa: N801 - JAX's name
    """A function with a custom VJP rule, like jax.custom_vjp (see the module doc)."""

    kind = "custom_vjp"

    def __init__(self, fun, nondiff_argnums=()):
        super().__init__(fun, nondiff_argnums)
        self.fwd = self.bwd = None

    def defvjp(self, fwd, bwd) -> None:
        """Set `fwd(*args) -> (out, residuals)` and `bwd(*nondiff_args, residuals,
        cotangent) -> one cotangent per (differentiable) argument, None for zero`."""
        self.fwd, self.bwd = fwd, bwd

    def _rules_defined(self) -> bool:
        return self.fwd is not None

    def _trace_rules(self, primal, avals, in_tree, nondiff, merged) -> None:
        out_avals = primal.out_avals
        float_in = [i for i, a in enumerate(avals) if dtypes.is_floating(a.dtype)]
        float_out = [k for k, a in enumerate(out_avals) if dtypes.is_floating(a.dtype)]
        residual = {}

        def fwd(*diff):
            what = f"Custom VJP fwd rule for {self.__name__}"
            out, res = _pair(self.fwd(*merged(diff)), what)
            res_leaves, residual["tree"] = tree_flatten(res)
            return self._check_outputs(out, primal, what) + [operand(r, what) for r in res_leaves]

        fwd_traced = self._trace(fwd, avals, in_tree, f"{primal.name}_fwd_rule")
        res_avals = fwd_traced.out_avals[len(out_avals) :]
        arg_trees = [tree_flatten(a)[1] for a in tree_unflatten(in_tree, avals)]

        def bwd(*flat):
            res = tree_unflatten(residual["tree"], flat[: len(res_avals)])
            given = iter(flat[len(res_avals) :])
            cts = [
                next(given) if k in float_out else prim.full(a.shape, 0, a.dtype)
                for k, a in enumerate(out_avals)
            ]
            out = self.bwd(*nondiff, res, tree_unflatten(primal.out_tree, cts))
            leaves = self._cotangent_leaves(out, arg_trees, avals)
            return [leaves[i] for i in float_in]

        bwd_avals = list(res_avals) + [out_avals[k] for k in float_out]
        bwd_traced = self._trace(bwd, bwd_avals, _flat_tree(len(bwd_avals)), f"{primal.name}_bwd_rule")
        tangent_types = [avals[i].tensor_type() for i in float_in]
        result_types = [out_avals[k].tensor_type() for k in float_out]
        module = current_trace().module
        with user_location():
            lin = None
            if float_in and float_out:
                residual_types = [a.tensor_type() for a in res_avals]
                lin = _declare(module, f"{primal.name}_lin_rule", residual_types, tangent_types, result_types)
                lin.operation.attributes[TRANSPOSE_ATTR] = ir.FlatSymbolRefAttr.get(bwd_traced.name)
            jvp = _jvp_function(module, primal, fwd_traced, lin, tangent_types, result_types)
        self._set_rule(primal, JVP_ATTR, jvp)

    def _cotangent_leaves(self, out, arg_trees, avals) -> list:
        """The cotangent leaves bwd produced, one per argument leaf (None: zeros)."""
        what = f"Custom VJP bwd rule for {self.__name__}"
        if not isinstance(out, (tuple, list)) or len(out) != len(arg_trees):
            raise TypeError(
                f"{what} must produce a tuple of length equal to the number of primal inputs "
                f"({len(arg_trees)}), but got {out!r}"
            )
        leaves = []
        for index, (ct, tree) in enumerate(zip(out, arg_trees, strict=True)):
            start = len(leaves)
            expected = avals[start : start + tree.num_leaves]
            if ct is None:
                leaves.extend(prim.full(a.shape, 0, a.dtype) for a in expected)
                continue
            ct_leaves, ct_tree = tree_flatten(ct)
            if ct_tree != tree:
                raise TypeError(
                    f"{what} must produce an output with the same container (pytree) structure as "
                    f"the args tuple of the primal function, but got {ct_tree} for argument {index} "
                    f"of structure {tree}"
                )
            for leaf, aval in zip(ct_leaves, expected, strict=True):
                if dtypes.is_floating(aval.dtype):
                    leaves.append(_typed_leaf(leaf, aval, f"{what} cotangent of argument {index}"))
                else:
                    leaves.append(None)
        return leaves


def _declare(module, base: str, residual_types, tangent_types, result_types):
    """The private declaration `@base(residuals..., tangents... {lintra.linear}) -> results`."""
    trace = current_trace()
    name = trace.fresh_name(base)
    lin = func.FuncOp(name, (residual_types + tangent_types, result_types), ip=ir.InsertionPoint(module.body))
    lin.sym_visibility = ir.StringAttr.get("private")
    linear = ir.DictAttr.get({LINEAR_ATTR: ir.UnitAttr.get()})
    lin.arg_attrs = ir.ArrayAttr.get(
        [ir.DictAttr.get({})] * len(residual_types) + [linear] * len(tangent_types)
    )
    return lin


def _jvp_function(module, primal, fwd, lin, tangent_types, result_types) -> str:
    """`@f_jvp_rule(x..., dx...)`: (y, r) = fwd(x); return y, lin(r, dx) (zeros
    without `lin`: no float argument)."""
    arg_types = [a.tensor_type() for a in primal.in_avals]
    out_types = [a.tensor_type() for a in primal.out_avals]
    name = current_trace().fresh_name(f"{primal.name}_jvp_rule")
    jvp = func.FuncOp(
        name, (arg_types + tangent_types, out_types + result_types), ip=ir.InsertionPoint(module.body)
    )
    jvp.sym_visibility = ir.StringAttr.get("private")
    entry = jvp.add_entry_block()
    with ir.InsertionPoint(entry):
        arguments = list(entry.arguments)
        forward = func.CallOp([a.tensor_type() for a in fwd.out_avals], fwd.name, arguments[: len(arg_types)])
        outs = list(forward.results)
        if lin is None:
            tangents = [
                arith.ConstantOp(
                    t, ir.DenseElementsAttr.get_splat(t, ir.FloatAttr.get(t.element_type, 0.0))
                ).result
                for t in result_types
            ]
        else:
            residuals = outs[len(out_types) :]
            tangents = list(
                func.CallOp(result_types, lin.sym_name.value, residuals + arguments[len(arg_types) :]).results
            )
        func.ReturnOp(outs[: len(out_types)] + tangents)
    return name
