"""linearize and vjp on concrete values: run the forward half once, keep its residuals.

The function is traced into the public `@f` of a module (like `lintra.jit`),
inner lintra ops are expanded (`lintra-ad`), and `lintra-linearize` splits it:

    @f_fwd(primals) -> (results..., residuals...)
    @f_lin(residuals..., tangents {lintra.linear}) -> result tangents

Public entry functions are added around them and compiled with a backend (lintra.backends):

    @f_fwd_entry(primals) -> (results..., residuals...)       # calls @f_fwd
    @f_lin_entry(residuals..., tangents) -> result tangents     # calls @f_lin
    @f_vjp_entry(residuals..., cotangents) -> argument cotangents
        = "lintra.transpose"(residuals..., cotangents) {callee = @f_lin}   (vjp only)

Residuals of type i1 or i8 cross the runtime boundary widened to i32. So
`linearize(f, x)` runs @f_fwd once, and each call of the returned `f_jvp` runs
only the linear part; `vjp(f, x)` likewise runs only the transposed linear part
per cotangent. The pieces are cached per (function, signature, mode, backend)
and compiled by the backend (`lintra.backends`) named when they were made.
"""

from __future__ import annotations

import re

import numpy as np
from mlir import ir
from mlir.dialects import arith, func

from lintra import backends
from lintra.passes import PASSES
from lintra.passes.diagnostics import LintraError

from . import dtypes
from .compile_cache import cached, function_key
from .jit import (
    Staged,
    diagnostic_error,
    finalize,
    flatten_arguments,
    from_runtime,
    function_name,
    to_runtime,
)
from .pytree import tree_flatten, tree_unflatten
from .tracing import current_trace
from .transform_core import JvpTransformation, check_cotangent, check_tangents, traced_vjp


def _function_names(module) -> dict:
    return {op.sym_name.value: op for op in module.body.operations if isinstance(op, func.FuncOp)}


def _element(type_: ir.Type) -> ir.Type:
    return type_.element_type if isinstance(type_, ir.RankedTensorType) else type_


def _halves(name: str, created: dict) -> tuple[str, str]:
    """The names of @name's forward and linear halves among the functions that
    lintra-linearize `created` (which also holds the halves of @name's callees,
    such as @name_fwd_lin when @name calls a generated @name_fwd)."""

    def half(kind: str) -> str:
        pattern = re.compile(rf"{re.escape(name)}_{kind}(_\d+)?")
        return next(n for n in created if pattern.fullmatch(n))

    return half("fwd"), half("lin")


def _narrow_integer(type_: ir.Type) -> bool:
    element = _element(type_)
    return isinstance(element, ir.IntegerType) and element.width in (1, 8)


def _widened(type_: ir.Type) -> ir.Type:
    """i1/i8 (scalar or tensor) as i32; other types unchanged."""
    if not _narrow_integer(type_):
        return type_
    i32 = ir.IntegerType.get_signless(32)
    if isinstance(type_, ir.RankedTensorType):
        return ir.RankedTensorType.get(list(type_.shape), i32)
    return i32


def _convert(value: ir.Value, target: ir.Type) -> ir.Value:
    """`value` (i1/i8/i32, scalar or tensor) zero-extended or truncated to `target`."""
    if value.type == target:
        return value
    op_class = arith.ExtUIOp if _element(target).width > _element(value.type).width else arith.TruncIOp
    return op_class(target, value).result


def _add_entry(module, name: str, arg_types, build) -> str:
    """A public function @name(arg_types) returning `build(arguments)`."""
    with ir.InsertionPoint(module.body):
        func.FuncOp.from_py_func(*arg_types, name=name)(lambda *args: build(list(args)))
    return name


def _call(callee: str, operands, result_types) -> list:
    return list(func.CallOp(list(result_types), callee, list(operands)).results)


def _transpose(callee: str, operands, result_types) -> list:
    """`lintra.transpose` (an IRDL op: it has no Python builder)."""
    return list(
        ir.Operation.create(
            "lintra.transpose",
            results=list(result_types),
            operands=list(operands),
            attributes={"callee": ir.FlatSymbolRefAttr.get(callee)},
        ).results
    )


class ResidualPieces:
    """The compiled forward, linear and (for mode 'vjp') transposed halves of a function."""

    def __init__(self, fun, avals, in_tree, mode: str, backend: str):
        staged = Staged(fun, avals, in_tree, function_name(fun), backend)
        self.staged, self.n_out = staged, len(staged.out_avals)
        # Inner lintra ops, before lintra-linearize splits the function (which may
        # hold stop_gradient ops and call functions with custom rules); the
        # linear-algebra ops stay until the halves exist (their rules split them).
        staged.run_ad(final=False, keep_linalg_ops=True)
        module = staged.module
        with staged.context, ir.Location.unknown():
            before = set(_function_names(module))
            try:
                PASSES["lintra-linearize"](functions=staged.name).run(module.operation)
            except LintraError as error:
                raise diagnostic_error(error) from None
            created = {n: op for n, op in _function_names(module).items() if n not in before}
            fwd, lin = _halves(staged.name, created)
            fwd_type, lin_type = created[fwd].type, created[lin].type
            residual_types = list(fwd_type.results)[self.n_out :]
            wide = [_widened(t) for t in residual_types]
            n_res = len(residual_types)
            self.entries = {
                "fwd": _add_entry(
                    module,
                    f"{staged.name}_fwd_entry",
                    fwd_type.inputs,
                    lambda args: [_convert(v, _widened(v.type)) for v in _call(fwd, args, fwd_type.results)],
                )
            }
            if mode == "linearize":
                self.entries["lin"] = _add_entry(
                    module,
                    f"{staged.name}_lin_entry",
                    wide + list(lin_type.inputs)[n_res:],
                    lambda args: _call(lin, self._narrow(args, residual_types), lin_type.results),
                )
            else:
                tangent_types = list(lin_type.inputs)[n_res:]
                self.entries["vjp"] = _add_entry(
                    module,
                    f"{staged.name}_vjp_entry",
                    wide + list(lin_type.results),
                    lambda args: _transpose(lin, self._narrow(args, residual_types), tangent_types),
                )
            try:
                PASSES["lintra-ad"]().run(module.operation)  # decomposes the linear-algebra ops
                finalize(module.operation)
            except LintraError as error:
                raise diagnostic_error(error) from None
            self.text = module.operation.get_asm(enable_debug_info=True)  # user locations kept
        self._executables = {}

    @staticmethod
    def _narrow(args, residual_types):
        n = len(residual_types)
        return [_convert(a, t) for a, t in zip(args[:n], residual_types, strict=True)] + args[n:]

    def run(self, entry: str, inputs) -> tuple:
        if entry not in self._executables:
            try:
                self._executables[entry] = backends.compile(
                    self.text, self.entries[entry], self.staged.backend
                )
            except LintraError as error:
                raise diagnostic_error(error) from None
        return self._executables[entry](*inputs)

    def forward(self, leaves) -> tuple[list, list]:
        """(outputs, residuals) for the flattened primals."""
        inputs = [to_runtime(leaf, aval) for leaf, aval in zip(leaves, self.staged.in_avals, strict=True)]
        results = self.run("fwd", inputs)
        outputs = [
            from_runtime(r, a) for r, a in zip(results[: self.n_out], self.staged.out_avals, strict=True)
        ]
        return outputs, list(results[self.n_out :])

    def float_inputs(self) -> list[int]:
        return [i for i, a in enumerate(self.staged.in_avals) if dtypes.is_floating(a.dtype)]

    def float_outputs(self) -> list[int]:
        return [k for k, a in enumerate(self.staged.out_avals) if dtypes.is_floating(a.dtype)]


def _pieces(fun, primals, mode: str, backend: str | None):
    leaves, in_tree, avals = flatten_arguments(tuple(primals), f"{mode} argument")
    backend = backends.resolve(backend)
    key = (mode, function_key(fun), in_tree, tuple(avals), backend)
    pieces, _ = cached(key, lambda: ResidualPieces(fun, avals, in_tree, mode, backend))
    return pieces, leaves


def _zeros(aval) -> np.ndarray:
    return np.zeros(aval.shape, aval.dtype)


def concrete_linearize(fun, primals, backend: str | None = None):
    pieces, leaves = _pieces(fun, primals, "linearize", backend)
    outputs, residuals = pieces.forward(leaves)
    out_tree, out_avals = pieces.staged.out_tree, pieces.staged.out_avals

    def f_jvp(*tangents):
        """The JVP at the saved point: a linear function of the tangents (one per primal).
        Inside a trace it is traced as `jvp(fun, primals, tangents)` with constant primals."""
        check_tangents(primals, tangents, "linearize")
        if current_trace() is not None:
            return JvpTransformation(fun, has_aux=False)(tuple(primals), tuple(tangents))[1]
        tangent_leaves = tree_flatten(tuple(tangents))[0]
        inputs = [
            np.asarray(tangent_leaves[i], pieces.staged.in_avals[i].dtype) for i in pieces.float_inputs()
        ]
        results = dict(zip(pieces.float_outputs(), pieces.run("lin", residuals + inputs), strict=True))
        return tree_unflatten(
            out_tree, [results[k] if k in results else _zeros(a) for k, a in enumerate(out_avals)]
        )

    return tree_unflatten(out_tree, outputs), f_jvp


def concrete_vjp(fun, primals, has_aux: bool, backend: str | None = None):
    pieces, leaves = _pieces(fun, primals, "vjp", backend)
    outputs, residuals = pieces.forward(leaves)
    out_tree, out_avals, in_avals = pieces.staged.out_tree, pieces.staged.out_avals, pieces.staged.in_avals
    out = tree_unflatten(out_tree, outputs)
    primary_tree = out_tree.children()[0] if has_aux else out_tree

    def vjp_fn(cotangent):
        """One cotangent per primal, for a cotangent of the output (not of aux).
        Inside a trace it is traced as the vjp of `fun` at constant primals."""
        if current_trace() is not None:
            return traced_vjp(fun, primals, has_aux)[1](cotangent)
        ct_leaves, ct_tree = tree_flatten(cotangent)
        if ct_tree != primary_tree:
            raise TypeError(
                f"vjp: the cotangent must have the output's structure {primary_tree}, got {ct_tree}"
            )
        inputs = []
        for k in pieces.float_outputs():
            if k >= len(ct_leaves):
                inputs.append(_zeros(out_avals[k]))
                continue
            check_cotangent(ct_leaves[k], out_avals[k])
            inputs.append(np.asarray(ct_leaves[k], out_avals[k].dtype))
        results = dict(zip(pieces.float_inputs(), pieces.run("vjp", residuals + inputs), strict=True))
        flat = [results[i] if i in results else _zeros(a) for i, a in enumerate(in_avals)]
        per_primal, start = [], 0
        for primal in primals:
            n = len(tree_flatten(primal)[0])
            per_primal.append(tree_unflatten(tree_flatten(primal)[1], flat[start : start + n]))
            start += n
        return tuple(per_primal)

    return (out[0], vjp_fn, out[1]) if has_aux else (out, vjp_fn)
