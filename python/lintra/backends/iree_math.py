"""Accurate f64 `log1p` and `expm1` for IREE.

IREE 3.13's llvm-cpu code for f64 `math.log1p` and `math.expm1` loses the
small arguments that are their reason to exist: log1p(1.9e-174) is 0 and
log1p(-1e-12) has a relative error of 2e-5 (reproducer:
test/iree/upstream-log1p-expm1-f64-accuracy.mlir); its f64 `exp` and `log` are
accurate. So before IREE sees a module, `rewrite_log1p_expm1` replaces each
f64 op (scalar, tensor, or inside a linalg body) by the classic compositions of
`exp` and `log` that are accurate to a few ulps:

    log1p(x), u = 1 + x (Goldberg):
        u == 1 ? x : (u == inf ? u : log(u) * (x / (u - 1)))
    expm1(x), u = exp(x) (Kahan):
        u == 1 ? x : (u - 1 == -1 ? -1 : (u == inf ? u : (u - 1) * (x / log(u))))

NaN propagates through both (every comparison with NaN is false). The rewrite
runs after differentiation, so derivatives are unaffected; f32 is left alone
(IREE's f32 results are within an ulp).
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, math

REWRITTEN = ("math.log1p", "math.expm1")


def _is_f64(type_: ir.Type) -> bool:
    if isinstance(type_, ir.ShapedType):
        type_ = type_.element_type
    return isinstance(type_, ir.F64Type)


def _constant(type_: ir.Type, value: float) -> ir.Value:
    if isinstance(type_, ir.ShapedType):
        element = ir.FloatAttr.get(type_.element_type, value)
        return arith.constant(type_, ir.DenseElementsAttr.get_splat(type_, element))
    return arith.constant(type_, value)


def _equal(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpf(arith.CmpFPredicate.OEQ, a, b)


def _log1p(x: ir.Value) -> ir.Value:
    one, inf = _constant(x.type, 1.0), _constant(x.type, float("inf"))
    u = arith.addf(one, x)
    general = arith.mulf(math.log(u), arith.divf(x, arith.subf(u, one)))
    return arith.select(_equal(u, one), x, arith.select(_equal(u, inf), u, general))


def _expm1(x: ir.Value) -> ir.Value:
    one, inf = _constant(x.type, 1.0), _constant(x.type, float("inf"))
    minus_one = _constant(x.type, -1.0)
    u = math.exp(x)
    u_minus_one = arith.subf(u, one)
    general = arith.mulf(u_minus_one, arith.divf(x, math.log(u)))
    rest = arith.select(_equal(u_minus_one, minus_one), minus_one, arith.select(_equal(u, inf), u, general))
    return arith.select(_equal(u, one), x, rest)


def rewrite_log1p_expm1(module: ir.Module) -> None:
    """Replace every f64 `math.log1p`/`math.expm1` in `module` (see the module docs)."""
    found = []

    def collect(op):
        if op.name in REWRITTEN and _is_f64(op.results[0].type):
            found.append(op)
        return ir.WalkResult.ADVANCE

    module.operation.walk(collect)
    for op in found:
        with ir.InsertionPoint(op), op.location:
            build = _log1p if op.name == "math.log1p" else _expm1
            op.results[0].replace_all_uses_with(build(op.operands[0]))
        op.erase()
