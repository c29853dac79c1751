"""Which ops have a zero derivative is decided by the rule tables alone.

(a) `NON_DIFFERENTIABLE` (filled by `defzero` in passes/rules/<dialect>.py)
    lists exactly the ops below, each for a stated reason; a zero JVP rule
    exists for those ops and for no other.
(b) Any other op without a JVP rule that reads a value carrying a tangent is a
    located error naming the op, whatever its result types (integer, complex,
    vector, memref): the derivative is never silently zero.
(c) The ops listed really have a zero derivative: differentiating through them
    gives the derivative of the rest of the function (checked numerically).
"""

from __future__ import annotations

import numpy as np
import pytest
from ad_harness import expand
from mlir import ir

from lintra.dialect import make_context
from lintra.passes import PASSES
from lintra.passes.core.tables import JVP_RULES, NON_DIFFERENTIABLE, defzero
from lintra.passes.diagnostics import LintraError
from lintra.runtime import compile_function

# -- (a) the list, on purpose ------------------------------------------------------

# op -> the category its reason in the tables must name.
EXPECTED = {
    "arith.cmpf": "comparison",
    "arith.fptosi": "conversion to an integer",
    "arith.fptoui": "conversion to an integer",
    "arith.sitofp": "conversion from an integer",
    "arith.uitofp": "conversion from an integer",
    "arith.bitcast": "bit reinterpretation",
    "arith.constant": "constant",
    "math.floor": "rounding",
    "math.ceil": "rounding",
    "math.round": "rounding",
    "math.roundeven": "rounding",
    "math.trunc": "rounding",
    "math.isnan": "classification",
    "math.isinf": "classification",
    "math.isfinite": "classification",
    "math.isnormal": "classification",
    "tensor.dim": "shape query",
    "tensor.rank": "shape query",
    "lintra.stop_gradient": "zero by definition",
}


def test_non_differentiable_ops_are_exactly_the_expected_ones():
    assert sorted(NON_DIFFERENTIABLE) == sorted(EXPECTED)


@pytest.mark.parametrize("op", sorted(EXPECTED))
def test_each_non_differentiable_op_has_its_reason(op):
    assert EXPECTED[op] in NON_DIFFERENTIABLE[op]


def zero_rule_code():
    """The code object of the rules `defzero` creates."""
    saved = dict(JVP_RULES), dict(NON_DIFFERENTIABLE)
    try:
        defzero("scratch.op", reason="test")
        return JVP_RULES["scratch.op"].__code__
    finally:
        for table, old in zip((JVP_RULES, NON_DIFFERENTIABLE), saved, strict=True):
            table.clear()
            table.update(old)


def test_only_listed_ops_have_a_zero_rule():
    code = zero_rule_code()
    zero = sorted(name for name, rule in JVP_RULES.items() if getattr(rule, "__code__", None) is code)
    assert zero == sorted(NON_DIFFERENTIABLE)


# -- (b) no rule on an active path: an error ----------------------------------------

GRAD = """
func.func @g(%a: {T}) -> {T} {{
  %r = "lintra.grad"(%a) {{callee = @f}} : ({T}) -> {T}
  return %r : {T}
}}"""

# name -> (op expected in the message, argument type, body of @f(%x) -> f64).
UNRULED = {
    "complex numbers": (
        "complex.create",
        "f64",
        """
  %z = complex.create %x, %x : complex<f64>
  %e = complex.exp %z : complex<f64>
  %0 = complex.re %e : complex<f64>""",
    ),
    "vectors": (
        "vector.broadcast",
        "f64",
        """
  %v = vector.broadcast %x : f64 to vector<4xf64>
  %0 = vector.reduction <add>, %v : vector<4xf64> into f64""",
    ),
    "memory": (
        "bufferization.to_buffer",
        "tensor<4xf64>",
        """
  %m = bufferization.to_buffer %x : tensor<4xf64> to memref<4xf64>
  %t = bufferization.to_tensor %m : memref<4xf64> to tensor<4xf64>
  %c = arith.constant 0 : index
  %0 = tensor.extract %t[%c] : tensor<4xf64>""",
    ),
    "an integer result": (
        "llvm.fptosi",
        "f64",
        """
  %i = llvm.fptosi %x : f64 to i32
  %0 = math.fpowi %x, %i : f64, i32""",
    ),
    "a math op without a rule": (
        "math.cbrt",
        "f64",
        """
  %0 = math.cbrt %x : f64""",
    ),
    "an arith op without a rule": (
        "arith.remf",
        "f64",
        """
  %c = arith.constant 2.0 : f64
  %0 = arith.remf %x, %c : f64""",
    ),
    "an unrealized cast": (
        "builtin.unrealized_conversion_cast",
        "f64",
        """
  %i = builtin.unrealized_conversion_cast %x : f64 to i64
  %0 = arith.sitofp %i : i64 to f64""",
    ),
}


def program(arg_type: str, body: str) -> str:
    return f"func.func @f(%x: {arg_type}) -> f64 {{{body}\n  return %0 : f64\n}}" + GRAD.format(T=arg_type)


@pytest.mark.parametrize("case", sorted(UNRULED))
def test_op_without_a_rule_on_an_active_path_is_an_error(case):
    op_name, arg_type, body = UNRULED[case]
    assert op_name not in JVP_RULES
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(program(arg_type, body))
        with pytest.raises(LintraError) as error:
            PASSES["lintra-ad"]().run(module.operation)
    assert error.value.message == (f"'{op_name}' op is not supported by lintra: no JVP rule for '{op_name}'")
    assert "-" in str(error.value.location)  # a file location (parsed text), not unknown


def test_op_without_a_rule_off_the_active_path_is_fine():
    """An op without a rule that reads no tangent (here on a constant) needs none."""
    body = """
  %c = arith.constant 2.0 : f64
  %r = math.cbrt %c : f64
  %0 = arith.mulf %r, %x : f64"""
    grad = compile_function(expand(program("f64", body)), "g")
    np.testing.assert_allclose(grad(np.float64(3.0))[0], np.cbrt(2.0), rtol=1e-12)


# -- (c) zero derivatives, numerically ------------------------------------------------


def test_listed_ops_contribute_zero_derivatives():
    """d/dx [floor(x) + fptosi(x) + x * (x > 0)] = (x > 0)."""
    body = """
  %fl = math.floor %x : f64
  %i = arith.fptosi %x : f64 to i32
  %fi = arith.sitofp %i : i32 to f64
  %z = arith.constant 0.0 : f64
  %one = arith.constant 1.0 : f64
  %pos = arith.cmpf ogt, %x, %z : f64
  %w = arith.select %pos, %one, %z : f64
  %xw = arith.mulf %x, %w : f64
  %s = arith.addf %fl, %fi : f64
  %0 = arith.addf %s, %xw : f64"""
    grad = compile_function(expand(program("f64", body)), "g")
    assert float(grad(np.float64(2.5))[0]) == 1.0
    assert float(grad(np.float64(-1.5))[0]) == 0.0
