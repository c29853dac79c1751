"""linearize and vjp on concrete values: run the forward half once, keep its residuals.

The function is traced into the public `@f` of a module (like `lintra.jit`),
inner lintra ops are expanded (`lintra-ad`), and `lintra-linearize` splits it:

    @f_fwd(primals) -> (results..., residuals...)
    @f_lin(residuals..., tangents {lintra.linear}) -> result tangents

Public entry functions are added around them and compiled with lintra.runtime:

    @f_fwd_entry(primals) -> (results..., residuals...)       # calls @f_fwd
    @f_lin_entry(residuals..., tangents) -> result tangents     # calls @f_lin
    @f_vjp_entry(residuals..., cotangents) -> argument cotangents
        = "lintra.transpose"(residuals..., cotangents) {callee = @f_lin}   (vjp only)

Residuals of type i1 or i8 cross the runtime boundary widened to i32. So
`linearize(f, x)` runs @f_fwd once, and each call of the returned `f_jvp` runs
only the linear part; `vjp(f, x)` likewise runs only the transposed linear part
per cotangent. The pieces are cached per (function, signature, mode).
"""

from __future__ import annotations

import re

import numpy as np
from mlir import ir
from mlir.dialects import func

from lintra.passes import PASSES
from lintra.passes.diagnostics import LintraError
from lintra.runtime import compile_function

from . import dtypes
from .jit import (Staged, cached, diagnostic_error, flatten_arguments, from_runtime, function_key,
                  function_name, to_runtime)
from .pytree import tree_flatten, tree_unflatten
from .tracing import current_trace
from .transforms import check_tangents, jvp, vjp


def _function_names(module) -> dict:
    return {ir.StringAttr(op.operation.attributes["sym_name"]).value: op.operation
            for op in module.body.operations if op.operation.name == "func.func"}


def _function_type(op) -> ir.FunctionType:
    return ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)


def _halves(name: str, created: dict) -> tuple[str, str]:
    """The names of @name's forward and linear halves among the functions that
    lintra-linearize `created` (which also holds the halves of @name's callees,
    such as @name_fwd_lin when @name calls a generated @name_fwd)."""
    def half(kind: str) -> str:
        pattern = re.compile(rf"{re.escape(name)}_{kind}(_\d+)?")
        return next(n for n in created if pattern.fullmatch(n))
    return half("fwd"), half("lin")


def _narrow_integer(type_: ir.Type) -> bool:
    element = ir.RankedTensorType(type_).element_type if isinstance(type_, ir.RankedTensorType) else type_
    return isinstance(element, ir.IntegerType) and ir.IntegerType(element).width in (1, 8)


def _widened(type_: ir.Type) -> ir.Type:
    """i1/i8 (scalar or tensor) as i32; other types unchanged."""
    if not _narrow_integer(type_):
        return type_
    i32 = ir.IntegerType.get_signless(32)
    if isinstance(type_, ir.RankedTensorType):
        return ir.RankedTensorType.get(list(ir.RankedTensorType(type_).shape), i32)
    return i32


def _width(type_: ir.Type) -> int:
    element = ir.RankedTensorType(type_).element_type if isinstance(type_, ir.RankedTensorType) else type_
    return ir.IntegerType(element).width


def _convert(value: ir.Value, target: ir.Type, ip) -> ir.Value:
    """`value` (i1/i8/i32, scalar or tensor) zero-extended or truncated to `target`."""
    if value.type == target:
        return value
    name = "arith.extui" if _width(target) > _width(value.type) else "arith.trunci"
    return ir.Operation.create(name, results=[target], operands=[value], ip=ip).result


def _add_entry(module, name: str, arg_types, build) -> str:
    """A public function @name(arg_types) returning `build(arguments, ip)`."""
    function = func.FuncOp(name, (list(arg_types), []), ip=ir.InsertionPoint(module.body))
    block = function.add_entry_block()
    ip = ir.InsertionPoint(block)
    results = build(list(block.arguments), ip)
    ir.Operation.create("func.return", operands=results, ip=ip)
    function.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get(list(arg_types), [r.type for r in results]))
    return name


def _call(callee: str, operands, result_types, ip, op_name="func.call") -> list:
    return list(ir.Operation.create(op_name, results=list(result_types), operands=list(operands),
                                    attributes={"callee": ir.FlatSymbolRefAttr.get(callee)}, ip=ip).results)


class ResidualPieces:
    """The compiled forward, linear and (for mode 'vjp') transposed halves of a function."""

    def __init__(self, fun, avals, in_tree, mode: str):
        staged = Staged(fun, avals, in_tree, function_name(fun))
        self.staged, self.n_out = staged, len(staged.out_avals)
        staged.ad_text  # expand inner lintra ops in place
        module = staged.module
        with staged.context, ir.Location.unknown():
            before = set(_function_names(module))
            try:
                PASSES["lintra-linearize"](functions=staged.name).run(module.operation)
            except LintraError as error:
                raise diagnostic_error(error) from None
            created = {n: op for n, op in _function_names(module).items() if n not in before}
            fwd, lin = _halves(staged.name, created)
            fwd_type, lin_type = _function_type(created[fwd]), _function_type(created[lin])
            residual_types = list(fwd_type.results)[self.n_out:]
            wide = [_widened(t) for t in residual_types]
            n_res = len(residual_types)
            self.entries = {
                "fwd": _add_entry(module, f"{staged.name}_fwd_entry", fwd_type.inputs, lambda args, ip: [
                    _convert(v, _widened(v.type), ip) for v in _call(fwd, args, fwd_type.results, ip)]),
                "lin": _add_entry(module, f"{staged.name}_lin_entry", wide + list(lin_type.inputs)[n_res:],
                                  lambda args, ip: _call(lin, self._narrow(args, residual_types, ip),
                                                         lin_type.results, ip)),
            }
            if mode == "vjp":
                tangent_types = list(lin_type.inputs)[n_res:]
                self.entries["vjp"] = _add_entry(
                    module, f"{staged.name}_vjp_entry", wide + list(lin_type.results),
                    lambda args, ip: _call(lin, self._narrow(args, residual_types, ip), tangent_types, ip,
                                           "lintra.transpose"))
                try:
                    PASSES["lintra-ad"]().run(module.operation)
                except LintraError as error:
                    raise diagnostic_error(error) from None
            self.text = str(module)
        self._executables = {}

    @staticmethod
    def _narrow(args, residual_types, ip):
        n = len(residual_types)
        return [_convert(a, t, ip) for a, t in zip(args[:n], residual_types)] + args[n:]

    def run(self, entry: str, inputs) -> tuple:
        if entry not in self._executables:
            try:
                self._executables[entry] = compile_function(self.text, self.entries[entry])
            except LintraError as error:
                raise diagnostic_error(error) from None
        return self._executables[entry](*inputs)

    def forward(self, leaves) -> tuple[list, list]:
        """(outputs, residuals) for the flattened primals."""
        inputs = [to_runtime(leaf, aval) for leaf, aval in zip(leaves, self.staged.in_avals)]
        results = self.run("fwd", inputs)
        outputs = [from_runtime(r, a) for r, a in zip(results, self.staged.out_avals)]
        return outputs, list(results[self.n_out:])

    def float_inputs(self) -> list[int]:
        return [i for i, a in enumerate(self.staged.in_avals) if dtypes.is_floating(a.dtype)]

    def float_outputs(self) -> list[int]:
        return [k for k, a in enumerate(self.staged.out_avals) if dtypes.is_floating(a.dtype)]


def _pieces(fun, primals, mode: str):
    leaves, in_tree, avals = flatten_arguments(tuple(primals), f"{mode} argument")
    key = (mode, function_key(fun), in_tree, tuple(avals))
    pieces, _ = cached(key, lambda: ResidualPieces(fun, avals, in_tree, mode))
    return pieces, leaves


def _zeros(aval) -> np.ndarray:
    return np.zeros(aval.shape, aval.dtype)


def concrete_linearize(fun, primals):
    pieces, leaves = _pieces(fun, primals, "linearize")
    outputs, residuals = pieces.forward(leaves)
    out_tree, out_avals = pieces.staged.out_tree, pieces.staged.out_avals

    def f_jvp(*tangents):
        """The JVP at the saved point: a linear function of the tangents (one per primal).
        Inside a trace it is traced as `jvp(fun, primals, tangents)` with constant primals."""
        check_tangents(primals, tangents, "linearize")
        if current_trace() is not None:
            return jvp(fun, primals, tangents)[1]
        tangent_leaves = tree_flatten(tuple(tangents))[0]
        inputs = [np.asarray(tangent_leaves[i], pieces.staged.in_avals[i].dtype)
                  for i in pieces.float_inputs()]
        results = dict(zip(pieces.float_outputs(), pieces.run("lin", residuals + inputs)))
        return tree_unflatten(out_tree, [results[k] if k in results else _zeros(a)
                                         for k, a in enumerate(out_avals)])

    return tree_unflatten(out_tree, outputs), f_jvp


def concrete_vjp(fun, primals, has_aux: bool):
    pieces, leaves = _pieces(fun, primals, "vjp")
    outputs, residuals = pieces.forward(leaves)
    out_tree, out_avals, in_avals = pieces.staged.out_tree, pieces.staged.out_avals, pieces.staged.in_avals
    out = tree_unflatten(out_tree, outputs)
    primary_tree = out_tree.children[0] if has_aux else out_tree

    def vjp_fn(cotangent):
        """One cotangent per primal, for a cotangent of the output (not of aux).
        Inside a trace it is traced as the vjp of `fun` at constant primals."""
        if current_trace() is not None:
            return vjp(fun, *primals, has_aux=has_aux)[1](cotangent)
        ct_leaves, ct_tree = tree_flatten(cotangent)
        if ct_tree != primary_tree:
            raise TypeError(f"vjp: the cotangent must have the output's structure {primary_tree}, "
                            f"got {ct_tree}")
        inputs = []
        for k in pieces.float_outputs():
            if k >= len(ct_leaves):
                inputs.append(_zeros(out_avals[k]))
                continue
            ct = np.asarray(ct_leaves[k], out_avals[k].dtype)
            if ct.shape != out_avals[k].shape:
                raise ValueError(f"vjp: cotangent shape {ct.shape} does not match output shape "
                                 f"{out_avals[k].shape}")
            inputs.append(ct)
        results = dict(zip(pieces.float_inputs(), pieces.run("vjp", residuals + inputs)))
        flat = [results[i] if i in results else _zeros(a) for i, a in enumerate(in_avals)]
        per_primal, start = [], 0
        for primal in primals:
            n = len(tree_flatten(primal)[0])
            per_primal.append(tree_unflatten(tree_flatten(primal)[1], flat[start:start + n]))
            start += n
        return tuple(per_primal)

    return (out[0], vjp_fn, out[1]) if has_aux else (out, vjp_fn)
