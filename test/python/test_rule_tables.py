"""The contract tying the two rule tables (`lintra.passes.core.tables`, filled by `lintra.passes.rules`):

(a) every op that a JVP rule emits on the tangent side has a transpose rule.
    A corpus of functions covering every JVP rule (the snippets of
    test_rules_elementwise.py, test_rules_structured.py and test_ad_programs.py,
    plus the few below) is linearized; in each generated @*_lin function
    (regions of linalg ops included) every op that reads a linear value must be
    in TRANSPOSE_RULES, and lintra-transpose must accept the function;
(b) no non-linear op has a transpose rule: TRANSPOSE_RULES only holds the
    linear ops listed in LINEAR_OPS, no math op, and none of the piecewise /
    comparison / conversion ops of arith; ops that are linear in some operands
    only (divf, mulf, pad, reduce, generic) are rejected when used non-linearly;
(c) every op of lintra's documented support list has a JVP rule.
"""

from __future__ import annotations

import pytest
import test_ad_programs as programs
import test_rules_elementwise as elementwise
import test_rules_structured as structured
import test_scf_ad as control_flow
from mlir import ir

from lintra.dialect import make_context
from lintra.passes import PASSES
from lintra.passes.core.ad_state import linear_arg_positions
from lintra.passes.core.tables import JVP_RULES, TRANSPOSE_RULES
from lintra.passes.diagnostics import LintraError

# -- the corpus ------------------------------------------------------------------

# Ops the imported snippets do not exercise: casts, conversions to integers,
# rounding and classification ops (all with zero tangents but a JVP rule),
# negf/select/cmpf on tensors, and splat/from_elements/fpowi on scalars.
EXTRA = {
    "negf select cmpf": elementwise.binary_module("arith.subf", "f64").replace(
        "%0 = arith.subf %x, %y : f64",
        "%n = arith.negf %x : f64\n  %c = arith.cmpf olt, %x, %y : f64\n  %0 = arith.select %c, %n, %y : f64",
    ),
    "casts and fpowi": """
func.func @f(%x: f32, %n: i32, %y: f64) -> f64 {
  %0 = arith.extf %x : f32 to f64
  %1 = math.fpowi %y, %n : f64, i32
  %2 = arith.sitofp %n : i32 to f64
  %3 = arith.uitofp %n : i32 to f64
  %4 = arith.mulf %0, %1 : f64
  %5 = arith.mulf %4, %2 : f64
  %6 = arith.mulf %5, %3 : f64
  %7 = arith.truncf %6 : f64 to f32
  %8 = arith.extf %7 : f32 to f64
  return %8 : f64
}""",
    "zero-tangent ops": """
func.func @f(%x: f64) -> f64 {
  %c = arith.constant 2.0 : f64
  %i = arith.fptosi %x : f64 to i32
  %u = arith.fptoui %x : f64 to i32
  %b = arith.bitcast %x : f64 to i64
  %r = math.roundeven %x : f64
  %t = math.trunc %x : f64
  %nan = math.isnan %x : f64
  %inf = math.isinf %x : f64
  %fin = math.isfinite %x : f64
  %nrm = math.isnormal %x : f64
  %if = arith.sitofp %i : i32 to f64
  %uf = arith.uitofp %u : i32 to f64
  %bf = arith.sitofp %b : i64 to f64
  %s0 = arith.addf %if, %uf : f64
  %s1 = arith.addf %s0, %bf : f64
  %s2 = arith.addf %s1, %r : f64
  %s3 = arith.addf %s2, %t : f64
  %s4 = arith.select %nan, %c, %s3 : f64
  %s5 = arith.select %inf, %c, %s4 : f64
  %s6 = arith.select %fin, %s5, %c : f64
  %s7 = arith.select %nrm, %s6, %c : f64
  %0 = arith.mulf %s7, %x : f64
  return %0 : f64
}""",
    "lintra linear algebra": """
func.func @f(%a: tensor<2x3x3xf64>, %b: tensor<2x3x2xf64>) -> (tensor<2x3x3xf64>, tensor<2x3x2xf64>) {
  %l = "lintra.cholesky"(%a) : (tensor<2x3x3xf64>) -> tensor<2x3x3xf64>
  %lu, %p, %q = "lintra.lu"(%a) : (tensor<2x3x3xf64>) -> (tensor<2x3x3xf64>, tensor<2x3xi32>, tensor<2x3xi32>)
  %x = "lintra.triangular_solve"(%lu, %b) {lower = false, left_side = true, transpose_a = true, unit_diagonal = false} : (tensor<2x3x3xf64>, tensor<2x3x2xf64>) -> tensor<2x3x2xf64>
  %y = "lintra.triangular_matmul"(%a, %x) {lower = true, left_side = true, transpose_a = false, unit_diagonal = true} : (tensor<2x3x3xf64>, tensor<2x3x2xf64>) -> tensor<2x3x2xf64>
  %s = arith.addf %l, %lu : tensor<2x3x3xf64>
  return %s, %y : tensor<2x3x3xf64>, tensor<2x3x2xf64>
}""",
    "shape queries": """
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<3xf64>
  %r = tensor.rank %x : tensor<3xf64>
  %s = arith.addi %n, %r : index
  %i = arith.index_cast %s : index to i64
  %f = arith.sitofp %i : i64 to f64
  %v = tensor.splat %f : tensor<3xf64>
  %0 = arith.mulf %v, %x : tensor<3xf64>
  return %0 : tensor<3xf64>
}""",
    "stop_gradient": """
func.func @f(%x: f64) -> f64 {
  %s = "lintra.stop_gradient"(%x) : (f64) -> f64
  %0 = arith.mulf %s, %x : f64
  return %0 : f64
}""",
}


def corpus() -> dict[str, tuple[str, str]]:
    """name -> (module text, function to linearize)."""
    cases = {}
    for type_ in elementwise.TYPES:
        for op in elementwise.UNARY_MATH:
            cases[f"math.{op} {type_}"] = (elementwise.unary_module(op, type_), "f")
        for op in elementwise.BINARY:
            cases[f"{op} {type_}"] = (elementwise.binary_module(op, type_), "f")
    for name, text in structured.CASES.items():
        cases[name] = (text, "f")
    for combiner in (
        "arith.addf",
        "arith.mulf",
        "arith.maximumf",
        "arith.minimumf",
        "arith.maxnumf",
        "arith.minnumf",
    ):
        cases[f"linalg.reduce {combiner}"] = (structured.REDUCE.replace("COMBINER", combiner), "f")
    for name in ("MLP", "SOFTMAX", "CALLS", "GRAD"):
        cases[f"program {name}"] = (getattr(programs, name), "f")
    # Second order: @g holds lintra.grad; once expanded it calls @f_fwd and
    # @f_lin_transpose, so linearizing @g differentiates the ops that the
    # transpose rules emit as well.
    cases["program GRAD, second order"] = (programs.GRAD, "g")
    for name, text in EXTRA.items():
        cases[name] = (text, "f")
    for name in ("LOOP_WITH_BRANCH", "NESTED", "SWITCH"):
        cases[f"control flow {name}"] = (getattr(control_flow, name), "f")
    cases["control flow, second order"] = (control_flow.SECOND_ORDER, "g")
    return cases


# Ops differentiated in forward mode only: their linear halves recompute the
# primal and are rejected by lintra-transpose with a located reason.
FORWARD_ONLY = {"scf.while": control_flow.WHILE}


CORPUS = corpus()


def walk(op: ir.Operation, visit) -> None:
    def callback(inner):
        visit(inner)
        return ir.WalkResult.ADVANCE

    op.walk(callback, ir.WalkOrder.PRE_ORDER)


def op_names(text: str) -> set[str]:
    with make_context():
        module = ir.Module.parse(text)
        names = set()
        walk(module.operation, lambda op: names.add(op.name))
        return names


def function_name(function) -> str:
    return ir.StringAttr(function.attributes["sym_name"]).value


# Ops that never need a transpose rule even when they read a linear value.
STRUCTURAL = {"func.return", "linalg.yield", "tensor.yield", "scf.yield"}
# Ops that may appear in a linear function without reading a linear value.
CONSTANT_LIKE = {"arith.constant", "tensor.empty"}


def linear_ops(function: ir.Operation) -> list[str]:
    """Names of the ops of `function` that read a value depending on its
    {lintra.linear} arguments, in the function body and in nested regions.

    A region's block argument is linear when the operand at the same position
    of the op owning the region is (linalg.generic/map/reduce bind one block
    argument per operand); values captured from above count as operands.
    """
    entry = function.regions[0].blocks[0]
    linear = {entry.arguments[i] for i in linear_arg_positions(function)}
    found = []

    def visit_block(block):
        for op in block.operations:
            op = op.operation
            reads = [v for v in op.operands if v in linear]
            captured = []

            def note_captured(inner, captured=captured):
                captured.extend(v for v in inner.operands if v in linear)

            for region in op.regions:
                for nested in region.blocks:
                    for inner in nested.operations:
                        walk(inner.operation, note_captured)
            if not reads and not captured:
                continue
            if op.name not in STRUCTURAL:
                found.append(op.name)
            linear.update(op.results)
            for region in op.regions:
                for nested in region.blocks:
                    if len(nested.arguments) == len(op.operands):
                        linear.update(
                            a for a, v in zip(nested.arguments, op.operands, strict=True) if v in linear
                        )
                    visit_block(nested)

    visit_block(entry)
    return found


def linearize(text: str, name: str):
    """Run lintra-ad (for nested lintra ops) then lintra-linearize on @name;
    return (module, context, [@*_lin functions with linear arguments])."""
    context = make_context()
    with context, ir.Location.unknown():
        module = ir.Module.parse(text)
        if "lintra." in text:  # stop_gradient and linear-algebra ops stay: @name is differentiated next
            PASSES["lintra-ad"](erase_stop_gradient=False, keep_linalg_ops=True).run(module.operation)
        PASSES["lintra-linearize"](functions=name).run(module.operation)
        functions = [
            op.operation
            for op in module.body.operations
            if op.operation.name == "func.func"
            and function_name(op.operation).endswith("_lin")
            and linear_arg_positions(op.operation)
        ]
    return module, context, functions


# -- (a) every tangent-side op has a transpose rule ------------------------------


def test_corpus_covers_every_jvp_rule():
    seen = set()
    for text, _ in CORPUS.values():
        seen |= op_names(text)
    for text in FORWARD_ONLY.values():
        seen |= op_names(text)
    missing = sorted(set(JVP_RULES) - seen)
    assert not missing, f"JVP rules not exercised by the corpus: {missing}"


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_tangent_ops_have_transpose_rules(case):
    text, name = CORPUS[case]
    module, context, functions = linearize(text, name)
    with context, ir.Location.unknown():
        assert functions, f"no @*_lin function generated for {case}"
        for function in functions:
            ops = linear_ops(function)
            missing = sorted({op for op in ops if op not in TRANSPOSE_RULES} - CONSTANT_LIKE)
            assert not missing, (
                f"@{function_name(function)} applies ops without a transpose rule to linear "
                f"values: {missing}\n{function}"
            )
        # And the linear functions really transpose.
        names = ",".join(function_name(f) for f in functions)
        PASSES["lintra-transpose"](functions=names).run(module.operation)
        text_after = str(module)
    for function in functions:
        assert f"@{function_name(function)}_transpose(" in text_after


def test_tangent_ops_include_the_structured_ones():
    """The walk sees into regions: the linear ops found over the corpus include
    the linalg ops and the scalar ops of their bodies."""
    seen = set()
    for case in (
        "linalg.map",
        "linalg.generic broadcast, transpose, reduction",
        "linalg.matmul",
        "linalg.reduce arith.maximumf",
        "program CALLS",
    ):
        text, name = CORPUS[case]
        _, context, functions = linearize(text, name)
        with context:
            for function in functions:
                seen.update(linear_ops(function))
    assert {"linalg.generic", "linalg.matmul", "arith.mulf", "arith.addf", "func.call"} <= seen


# -- (b) no non-linear op has a transpose rule -----------------------------------

# The linear ops, as documented in passes/rules/*.py. Some are linear only in
# some operands: mulf and the contractions are bilinear (linear in one operand
# given the other), divf in its numerator, select in its branches, pad when the
# padding value is zero, reduce when its body adds, generic/map when their body
# is linear, and func.call in the callee's {lintra.linear} arguments.
LINEAR_OPS = {
    "arith.addf",
    "arith.subf",
    "arith.negf",
    "arith.select",
    "arith.extf",
    "arith.truncf",
    "arith.mulf",
    "arith.divf",
    "tensor.extract_slice",
    "tensor.insert_slice",
    "tensor.extract",
    "tensor.insert",
    "tensor.from_elements",
    "tensor.splat",
    "tensor.collapse_shape",
    "tensor.expand_shape",
    "tensor.cast",
    "tensor.concat",
    "tensor.pad",
    "linalg.fill",
    "linalg.copy",
    "linalg.transpose",
    "linalg.broadcast",
    "linalg.reduce",
    "linalg.generic",
    "scf.for",
    "scf.if",
    "scf.index_switch",
    "linalg.map",
    "linalg.matmul",
    "linalg.batch_matmul",
    "linalg.matvec",
    "linalg.vecmat",
    "linalg.dot",
    "func.call",
    "lintra.triangular_solve",  # in its right-hand side
    "lintra.triangular_matmul",  # in its right-hand side
}

NON_LINEAR_ARITH = {
    "arith.maximumf",
    "arith.minimumf",
    "arith.maxnumf",
    "arith.minnumf",
    "arith.cmpf",
    "arith.constant",
    "arith.sitofp",
    "arith.uitofp",
    "arith.fptosi",
    "arith.fptoui",
    "arith.bitcast",
}


def test_transpose_rules_are_only_linear_ops():
    extra = sorted(set(TRANSPOSE_RULES) - LINEAR_OPS)
    assert not extra, f"transpose rules for ops not documented as linear: {extra}"


def test_no_math_op_has_a_transpose_rule():
    math_ops = {name for name in JVP_RULES if name.startswith("math.")}
    assert {f"math.{op}" for op in SUPPORTED["math"].split()} <= math_ops
    assert not math_ops & set(TRANSPOSE_RULES)
    assert not {name for name in TRANSPOSE_RULES if name.startswith("math.")}


def test_no_piecewise_comparison_or_conversion_op_has_a_transpose_rule():
    assert not NON_LINEAR_ARITH & set(TRANSPOSE_RULES)


def test_every_linear_op_is_differentiable():
    assert set(TRANSPOSE_RULES) <= set(JVP_RULES)


# Ops with a transpose rule that are linear in some operands only: used in a
# non-linear way, lintra-transpose must reject them (naming the op).
NON_LINEAR_USES = {
    "divf by a linear value": (
        "arith.divf",
        """
func.func @g(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.divf %a, %t : f64
  return %0 : f64
}""",
    ),
    "mulf of two linear values": (
        "arith.mulf",
        """
func.func @g(%a: f64 {lintra.linear}, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}""",
    ),
    "matmul of two linear values": (
        "linalg.matmul",
        """
func.func @g(%a: tensor<2x2xf64> {lintra.linear}, %b: tensor<2x2xf64> {lintra.linear}) -> tensor<2x2xf64> {
  %z = arith.constant dense<0.0> : tensor<2x2xf64>
  %0 = linalg.matmul ins(%a, %b : tensor<2x2xf64>, tensor<2x2xf64>) outs(%z : tensor<2x2xf64>) -> tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}""",
    ),
    "addf of a non-zero constant": (
        "arith.addf",
        """
func.func @g(%t: f64 {lintra.linear}) -> f64 {
  %c = arith.constant 1.0 : f64
  %0 = arith.addf %t, %c : f64
  return %0 : f64
}""",
    ),
    "pad with a non-zero value": (
        "tensor.pad",
        """
func.func @g(%x: tensor<2xf64> {lintra.linear}) -> tensor<4xf64> {
  %one = arith.constant 1.0 : f64
  %0 = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %one : f64
  } : tensor<2xf64> to tensor<4xf64>
  return %0 : tensor<4xf64>
}""",
    ),
    "reduce with a max body": (
        "linalg.reduce",
        """
func.func @g(%x: tensor<3xf64> {lintra.linear}) -> tensor<f64> {
  %init = arith.constant dense<0.0> : tensor<f64>
  %0 = linalg.reduce ins(%x : tensor<3xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.maximumf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<f64>
}""",
    ),
    "generic with a non-linear body": (
        "math.tanh",
        """
func.func @g(%x: tensor<3xf64> {lintra.linear}) -> tensor<3xf64> {
  %e = tensor.empty() : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
       ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %o: f64):
    %s = math.tanh %a : f64
    linalg.yield %s : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}""",
    ),
    "maximumf of a linear value": (
        "arith.maximumf",
        """
func.func @g(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.maximumf %a, %t : f64
  return %0 : f64
}""",
    ),
}


@pytest.mark.parametrize("case", sorted(NON_LINEAR_USES))
def test_non_linear_uses_are_rejected(case):
    op_name, text = NON_LINEAR_USES[case]
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        with pytest.raises(LintraError) as error:
            PASSES["lintra-transpose"]().run(module.operation)
    assert f"'{op_name}' op" in error.value.message
    assert error.value.location is not None


# -- (c) the support list --------------------------------------------------------

SUPPORTED = {
    "arith": "addf subf mulf divf negf maximumf minimumf maxnumf minnumf select cmpf constant "
    "sitofp uitofp extf truncf",
    "math": "sin cos tan tanh exp exp2 expm1 log log1p log2 sqrt rsqrt powf fpowi absf erf atan "
    "atan2 sinh cosh floor ceil round",
    "tensor": "empty extract_slice insert_slice extract insert from_elements splat collapse_shape "
    "expand_shape concat pad cast",
    "linalg": "fill copy transpose broadcast reduce map matmul batch_matmul matvec vecmat dot generic",
    "func": "call",
    "scf": "for if index_switch while",  # scf.yield and scf.condition: inside their rules
    "lintra": "cholesky triangular_solve triangular_matmul lu",
}
SUPPORTED_OPS = sorted(f"{dialect}.{op}" for dialect, ops in SUPPORTED.items() for op in ops.split())
# tensor.empty has no float operand, so it never has a non-zero tangent and the
# JVP driver never looks up its rule.
NO_RULE_NEEDED = {"tensor.empty"}


@pytest.mark.parametrize("op", SUPPORTED_OPS)
def test_supported_op_has_a_jvp_rule(op):
    if op in NO_RULE_NEEDED:
        pytest.skip(f"{op} has no float operand")
    assert op in JVP_RULES


def test_rule_counts():
    jvp, transpose = len(JVP_RULES), len(TRANSPOSE_RULES)
    print(
        f"\nJVP rules: {jvp}; transpose rules: {transpose}; "
        f"JVP-only (non-linear or zero-tangent) ops: {jvp - transpose}"
    )
    for dialect in SUPPORTED:
        j = sorted(n for n in JVP_RULES if n.startswith(dialect + "."))
        t = sorted(n for n in TRANSPOSE_RULES if n.startswith(dialect + "."))
        print(f"  {dialect:7s} JVP {len(j):3d}  transpose {len(t):3d}")
    assert jvp >= len(set(SUPPORTED_OPS) - NO_RULE_NEEDED)
    assert transpose == len(LINEAR_OPS & set(TRANSPOSE_RULES))
    assert transpose < jvp
