"""Every arith and math rule, on an f64 scalar and on a tensor<2x3xf64>.

Each op is compiled inside a small function, and its JVP is checked against
central finite differences and its VJP against the JVP by the dot-product
identity (see ad_harness.DerivativeChecker).
"""

import numpy as np
import pytest
from ad_harness import DerivativeChecker, random_like

TYPES = ["f64", "tensor<2x3xf64>"]

UNARY_MATH = [
    "sin",
    "cos",
    "tan",
    "tanh",
    "exp",
    "exp2",
    "expm1",
    "sqrt",
    "rsqrt",
    "log",
    "log1p",
    "log2",
    "absf",
    "erf",
    "atan",
    "sinh",
    "cosh",
    "floor",
    "ceil",
    "round",
]
POSITIVE = {"sqrt", "rsqrt", "log", "log2", "log1p"}
BINARY = [
    "arith.addf",
    "arith.subf",
    "arith.mulf",
    "arith.divf",
    "arith.maximumf",
    "arith.minimumf",
    "arith.maxnumf",
    "arith.minnumf",
    "math.powf",
    "math.atan2",
]


def unary_module(op: str, type_: str) -> str:
    # Multiply by the input so the op's tangent also meets a non-trivial product rule.
    return f"""
func.func @f(%x: {type_}) -> {type_} {{
  %0 = math.{op} %x : {type_}
  %1 = arith.mulf %0, %x : {type_}
  return %1 : {type_}
}}
"""


def binary_module(op: str, type_: str) -> str:
    return f"""
func.func @f(%x: {type_}, %y: {type_}) -> {type_} {{
  %0 = {op} %x, %y : {type_}
  return %0 : {type_}
}}
"""


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("op", UNARY_MATH)
def test_unary_math(op, type_):
    rng = np.random.default_rng(1)
    checker = DerivativeChecker(unary_module(op, type_))
    x = random_like(rng, type_, positive=op in POSITIVE)
    if op in ("floor", "ceil", "round"):
        x = x + 0.25  # keep finite differences away from the jumps
    checker.check([x], rng)


@pytest.mark.parametrize("type_", TYPES)
@pytest.mark.parametrize("op", BINARY)
def test_binary(op, type_):
    rng = np.random.default_rng(2)
    checker = DerivativeChecker(binary_module(op, type_))
    positive = op == "math.powf"
    checker.check([random_like(rng, type_, positive), random_like(rng, type_, positive)], rng)


def test_max_min_ties_split_the_tangent_like_jax():
    checker = DerivativeChecker(binary_module("arith.maximumf", "f64"))
    tangents, _ = checker.check([1.5, 1.5], np.random.default_rng(3))
    x_only = checker.jvp(1.5, 1.5, 1.0, 0.0)[1]
    assert float(x_only) == 0.5


def test_negf_select_cmpf():
    module = """
func.func @f(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %0 = arith.negf %x : tensor<4xf64>
  %c = arith.cmpf olt, %x, %y : tensor<4xf64>
  %1 = arith.select %c, %0, %y : tensor<4xi1>, tensor<4xf64>
  %2 = arith.mulf %1, %x : tensor<4xf64>
  return %2 : tensor<4xf64>
}
"""
    rng = np.random.default_rng(4)
    DerivativeChecker(module).check([rng.standard_normal(4), rng.standard_normal(4)], rng)


def test_scalar_select_with_one_constant_branch():
    module = """
func.func @f(%x: f64) -> f64 {
  %zero = arith.constant 0.0 : f64
  %c = arith.cmpf ogt, %x, %zero : f64
  %0 = arith.select %c, %x, %zero : f64
  return %0 : f64
}
"""
    checker = DerivativeChecker(module)
    rng = np.random.default_rng(5)
    checker.check([0.7], rng)
    checker.check([-0.7], rng)


def test_casts_and_integer_arguments():
    module = """
func.func @f(%x: f32, %n: i32, %y: f64) -> f64 {
  %0 = arith.extf %x : f32 to f64
  %1 = math.fpowi %y, %n : f64, i32
  %2 = arith.sitofp %n : i32 to f64
  %3 = arith.mulf %0, %1 : f64
  %4 = arith.mulf %3, %2 : f64
  %5 = arith.truncf %4 : f64 to f32
  %6 = arith.extf %5 : f32 to f64
  %7 = arith.addf %6, %4 : f64
  return %7 : f64
}
"""
    checker = DerivativeChecker(module)
    rng = np.random.default_rng(6)
    # f32 rounding limits the finite-difference agreement for the x path.
    checker.check([np.float32(0.8), np.int32(3), 1.3], rng, eps=1e-3, fd_tol=1e-3, dot_tol=1e-6)


def test_integer_ops_carry_no_tangent():
    module = """
func.func @f(%x: f64, %n: i64) -> (f64, i64) {
  %two = arith.constant 2 : i64
  %m = arith.muli %n, %two : i64
  %mf = arith.sitofp %m : i64 to f64
  %0 = arith.mulf %x, %mf : f64
  return %0, %m : f64, i64
}
"""
    checker = DerivativeChecker(module)
    tangents, cotangents = checker.check([0.3, np.int64(5)], np.random.default_rng(7))
    assert len(tangents) == 1 and len(cotangents) == 1
