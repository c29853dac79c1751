"""Numerical checks of lintra's derivatives, compiled and executed in f64.

Given the MLIR text of a function `@f`, `DerivativeChecker` adds wrappers

    @jvp_f(x..., t...)  -> (results..., tangents...)   via "lintra.jvp"
    @vjp_f(x..., ct...) -> (results..., cotangents...) via "lintra.vjp"

runs `lintra-ad`, compiles @f and both wrappers, and checks

* JVP against central finite differences:  jvp(x, t) ~ (f(x+et) - f(x-et)) / 2e;
* VJP against the JVP by the dot-product identity <ct, J t> = <J^T ct, t>
  (to 1e-10 relative): reverse mode is the transpose of forward mode;
* that both wrappers return @f's primal results unchanged.
"""

from __future__ import annotations

import numpy as np
from mlir import ir

from lintra.dialect import make_context
from lintra.passes import PASSES
from lintra.runtime import compile_function, numpy_dtype


def type_text(types) -> str:
    return ", ".join(str(t) for t in types)


def is_float_type(type_) -> bool:
    element = type_.element_type if isinstance(type_, ir.ShapedType) else type_
    return isinstance(element, ir.FloatType)


def signature(module_text: str, name: str = "f"):
    with make_context():
        module = ir.Module.parse(module_text)
        for op in module.body.operations:
            if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
                ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
                return (
                    [str(t) for t in ftype.inputs],
                    [str(t) for t in ftype.results],
                    [is_float_type(t) for t in ftype.inputs],
                    [is_float_type(t) for t in ftype.results],
                )
    raise KeyError(name)


def wrapper(kind: str, name: str, ins, outs, float_ins, float_outs) -> str:
    extra = [
        t
        for t, f in zip(
            ins if kind == "jvp" else outs, float_ins if kind == "jvp" else float_outs, strict=True
        )
        if f
    ]
    returned = outs + [
        t
        for t, f in zip(
            outs if kind == "jvp" else ins, float_outs if kind == "jvp" else float_ins, strict=True
        )
        if f
    ]
    args = ins + extra
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(args))
    operands = ", ".join(f"%a{i}" for i in range(len(args)))
    results = ", ".join(f"%r#{i}" for i in range(len(returned))) if len(returned) > 1 else "%r"
    count = f":{len(returned)}" if len(returned) > 1 else ""
    return (
        f"func.func @{kind}_{name}({params}) -> ({type_text(returned)}) {{\n"
        f"  %r{count} = \"lintra.{kind}\"({operands}) {{callee = @{name}}} : "
        f"({type_text(args)}) -> ({type_text(returned)})\n"
        f"  return {results} : {type_text(returned)}\n}}\n"
    )


def expand(module_text: str) -> str:
    return run_passes(module_text, "lintra-ad")


def run_passes(module_text: str, *names: str) -> str:
    """The module after the lintra passes `names`, in order (default options)."""
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(module_text)
        for name in names:
            PASSES[name]().run(module.operation)
        return str(module)


def random_like(rng, type_text_: str, positive: bool = False):
    with make_context():
        type_ = ir.Type.parse(type_text_)
        shape = list(type_.shape) if isinstance(type_, ir.ShapedType) else None
        dtype = numpy_dtype(type_.element_type if shape is not None else type_)
    value = rng.uniform(0.5, 2.0, shape or ()) if positive else rng.standard_normal(shape or ())
    array = np.asarray(value, dtype=dtype)
    return array if shape is not None else array[()]


def shift(x, delta):
    """x + delta, keeping 0-d arrays arrays (numpy turns them into scalars)."""
    return np.asarray(x + delta) if isinstance(x, np.ndarray) else x + delta


class DerivativeChecker:
    def __init__(self, module_text: str, name: str = "f"):
        self.ins, self.outs, self.float_ins, self.float_outs = signature(module_text, name)
        text = (
            module_text
            + wrapper("jvp", name, self.ins, self.outs, self.float_ins, self.float_outs)
            + wrapper("vjp", name, self.ins, self.outs, self.float_ins, self.float_outs)
        )
        self.expanded = expand(text)
        self.f = compile_function(self.expanded, name)
        self.jvp = compile_function(self.expanded, f"jvp_{name}")
        self.vjp = compile_function(self.expanded, f"vjp_{name}")

    def tangent_inputs(self, rng):
        return [random_like(rng, t) for t, f in zip(self.ins, self.float_ins, strict=True) if f]

    def cotangent_inputs(self, rng):
        return [random_like(rng, t) for t, f in zip(self.outs, self.float_outs, strict=True) if f]

    def shifted(self, xs, ts, scale):
        ts = iter(ts)
        return [shift(x, scale * next(ts)) if f else x for x, f in zip(xs, self.float_ins, strict=True)]

    def check(self, xs, rng, eps=1e-6, fd_tol=1e-6, dot_tol=1e-10):
        n_out = len(self.outs)
        primal = self.f(*xs)
        ts = self.tangent_inputs(rng)
        jvp_out = self.jvp(*xs, *ts)
        for expected, got in zip(primal, jvp_out[:n_out], strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        tangents = jvp_out[n_out:]
        plus, minus = self.f(*self.shifted(xs, ts, eps)), self.f(*self.shifted(xs, ts, -eps))
        float_results = [i for i, f in enumerate(self.float_outs) if f]
        for tangent, index in zip(tangents, float_results, strict=True):
            fd = (np.asarray(plus[index]) - np.asarray(minus[index])) / (2 * eps)
            np.testing.assert_allclose(tangent, fd, rtol=fd_tol, atol=fd_tol)
        cts = self.cotangent_inputs(rng)
        vjp_out = self.vjp(*xs, *cts)
        for expected, got in zip(primal, vjp_out[:n_out], strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
        lhs = sum(float(np.sum(ct * tangent)) for ct, tangent in zip(cts, tangents, strict=True))
        rhs = sum(float(np.sum(g * t)) for g, t in zip(vjp_out[n_out:], ts, strict=True))
        assert abs(lhs - rhs) <= dot_tol * max(1.0, abs(lhs)), (lhs, rhs)
        return tangents, vjp_out[n_out:]
