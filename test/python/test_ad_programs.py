"""Whole programs: multi-op functions, calls, grad vs finite differences,
grad of grad (Hessian-vector products), and "linearize gives the same tangents
as jvp".
"""

import numpy as np
import pytest
from ad_harness import DerivativeChecker, expand

from lintra.runtime import compile_function

MLP = """
func.func @f(%w1: tensor<3x4xf64>, %w2: tensor<4x2xf64>, %x: tensor<5x3xf64>) -> f64 {
  %z = arith.constant 0.0 : f64
  %e1 = tensor.empty() : tensor<5x4xf64>
  %c1 = linalg.fill ins(%z : f64) outs(%e1 : tensor<5x4xf64>) -> tensor<5x4xf64>
  %h = linalg.matmul ins(%x, %w1 : tensor<5x3xf64>, tensor<3x4xf64>) outs(%c1 : tensor<5x4xf64>) -> tensor<5x4xf64>
  %a = math.tanh %h : tensor<5x4xf64>
  %e2 = tensor.empty() : tensor<5x2xf64>
  %c2 = linalg.fill ins(%z : f64) outs(%e2 : tensor<5x2xf64>) -> tensor<5x2xf64>
  %o = linalg.matmul ins(%a, %w2 : tensor<5x4xf64>, tensor<4x2xf64>) outs(%c2 : tensor<5x2xf64>) -> tensor<5x2xf64>
  %sq = arith.mulf %o, %o : tensor<5x2xf64>
  %e0 = tensor.empty() : tensor<f64>
  %c0 = linalg.fill ins(%z : f64) outs(%e0 : tensor<f64>) -> tensor<f64>
  %s = linalg.reduce ins(%sq : tensor<5x2xf64>) outs(%c0 : tensor<f64>) dimensions = [0, 1]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %r = tensor.extract %s[] : tensor<f64>
  return %r : f64
}
"""

SOFTMAX = """
func.func @f(%x: tensor<3x4xf64>) -> tensor<3x4xf64> {
  %ninf = arith.constant -1.0e300 : f64
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<3xf64>
  %mi = linalg.fill ins(%ninf : f64) outs(%e : tensor<3xf64>) -> tensor<3xf64>
  %m = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%mi : tensor<3xf64>) dimensions = [1]
    (%in: f64, %acc: f64) {
      %t = arith.maximumf %in, %acc : f64
      linalg.yield %t : f64
    }
  %full = tensor.empty() : tensor<3x4xf64>
  %mb = linalg.broadcast ins(%m : tensor<3xf64>) outs(%full : tensor<3x4xf64>) dimensions = [1]
  %d = arith.subf %x, %mb : tensor<3x4xf64>
  %ex = math.exp %d : tensor<3x4xf64>
  %si = linalg.fill ins(%z : f64) outs(%e : tensor<3xf64>) -> tensor<3xf64>
  %s = linalg.reduce ins(%ex : tensor<3x4xf64>) outs(%si : tensor<3xf64>) dimensions = [1]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %sb = linalg.broadcast ins(%s : tensor<3xf64>) outs(%full : tensor<3x4xf64>) dimensions = [1]
  %p = arith.divf %ex, %sb : tensor<3x4xf64>
  return %p : tensor<3x4xf64>
}
"""

CALLS = """
func.func private @g(%x: tensor<4xf64>, %s: f64) -> tensor<4xf64> {
  %0 = math.sin %x : tensor<4xf64>
  %b = tensor.splat %s : tensor<4xf64>
  %1 = arith.mulf %0, %b : tensor<4xf64>
  return %1 : tensor<4xf64>
}
func.func @f(%x: tensor<4xf64>, %s: f64) -> tensor<4xf64> {
  %0 = call @g(%x, %s) : (tensor<4xf64>, f64) -> tensor<4xf64>
  %1 = call @g(%0, %s) : (tensor<4xf64>, f64) -> tensor<4xf64>
  %2 = arith.mulf %1, %x : tensor<4xf64>
  return %2 : tensor<4xf64>
}
"""


@pytest.mark.parametrize("program", [MLP, SOFTMAX, CALLS], ids=["mlp", "softmax", "calls"])
def test_program_jvp_and_vjp(program):
    rng = np.random.default_rng(21)
    checker = DerivativeChecker(program)
    inputs = [
        np.asarray(rng.standard_normal([int(d) for d in t[len("tensor<") : -1].split("x")[:-1]]))
        if t.startswith("tensor")
        else 0.7
        for t in checker.ins
    ]
    checker.check(inputs, rng)


def test_calls_generate_each_derived_function_once():
    text = expand(
        CALLS
        + """
func.func @df(%x: tensor<4xf64>, %s: f64, %ct: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, f64) {
  %r:3 = "lintra.vjp"(%x, %s, %ct) {callee = @f} : (tensor<4xf64>, f64, tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, f64)
  return %r#0, %r#1, %r#2 : tensor<4xf64>, tensor<4xf64>, f64
}"""
    )
    assert text.count("func.func private @g_fwd(") == 1
    assert text.count("func.func private @g_lin_transpose(") == 1
    assert text.count("call @g_lin_transpose(") == 2


GRAD = """
func.func @f(%x: tensor<3xf64>, %y: f64) -> f64 {
  %z = arith.constant 0.0 : f64
  %0 = math.sin %x : tensor<3xf64>
  %b = tensor.splat %y : tensor<3xf64>
  %1 = arith.mulf %0, %b : tensor<3xf64>
  %2 = arith.mulf %1, %x : tensor<3xf64>
  %e = tensor.empty() : tensor<f64>
  %c = linalg.fill ins(%z : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %s = linalg.reduce ins(%2 : tensor<3xf64>) outs(%c : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %r = tensor.extract %s[] : tensor<f64>
  %r2 = arith.mulf %r, %y : f64
  return %r2 : f64
}
func.func @g(%x: tensor<3xf64>, %y: f64) -> (tensor<3xf64>, f64) {
  %0:2 = "lintra.grad"(%x, %y) {callee = @f} : (tensor<3xf64>, f64) -> (tensor<3xf64>, f64)
  return %0#0, %0#1 : tensor<3xf64>, f64
}
func.func @hvp(%x: tensor<3xf64>, %y: f64, %vx: tensor<3xf64>, %vy: f64) -> (tensor<3xf64>, f64) {
  %0:4 = "lintra.jvp"(%x, %y, %vx, %vy) {callee = @g}
       : (tensor<3xf64>, f64, tensor<3xf64>, f64) -> (tensor<3xf64>, f64, tensor<3xf64>, f64)
  return %0#2, %0#3 : tensor<3xf64>, f64
}
"""


def central_difference(function, args, index, eps=1e-6):
    """d function / d args[index], elementwise, by central differences."""
    base = np.asarray(args[index], dtype=np.float64)
    grads = np.zeros(base.shape)
    for position in np.ndindex(base.shape):
        plus, minus = [a for a in args], [a for a in args]
        up, down = base.copy(), base.copy()
        up[position] += eps
        down[position] -= eps
        plus[index] = up if base.ndim else float(up)
        minus[index] = down if base.ndim else float(down)
        grads[position] = (function(*plus)[0] - function(*minus)[0]) / (2 * eps)
    return grads


@pytest.fixture(scope="module")
def grad_programs():
    text = expand(GRAD)
    return compile_function(text, "f"), compile_function(text, "g"), compile_function(text, "hvp")


def test_grad_matches_finite_differences(grad_programs):
    f, g, _ = grad_programs
    x, y = np.array([0.3, -1.2, 2.0]), 0.8
    gx, gy = g(x, y)
    np.testing.assert_allclose(gx, central_difference(f, [x, y], 0), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(gy, central_difference(f, [x, y], 1), rtol=1e-7, atol=1e-8)


def test_grad_of_grad_hessian_vector_product(grad_programs):
    _, g, hvp = grad_programs
    x, y = np.array([0.3, -1.2, 2.0]), 0.8
    vx, vy = np.array([1.0, -0.5, 0.25]), 0.6
    hx, hy = hvp(x, y, vx, vy)
    eps = 1e-5
    plus, minus = g(x + eps * vx, y + eps * vy), g(x - eps * vx, y - eps * vy)
    np.testing.assert_allclose(hx, (plus[0] - minus[0]) / (2 * eps), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hy, (plus[1] - minus[1]) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_linearize_gives_the_same_tangents_as_jvp():
    from mlir import ir

    from lintra.dialect import make_context
    from lintra.passes import PASSES

    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(MLP)
        PASSES["lintra-linearize"](functions="f").run(module.operation)
        for op in module.body.operations:  # make the two halves callable from the runner
            if "sym_visibility" in op.attributes:
                del op.attributes["sym_visibility"]
        linearized = str(module)
    checker = DerivativeChecker(MLP)
    fwd, lin = compile_function(linearized, "f_fwd"), compile_function(linearized, "f_lin")
    rng = np.random.default_rng(5)
    xs = [rng.standard_normal(s) for s in [(3, 4), (4, 2), (5, 3)]]
    ts = [rng.standard_normal(s) for s in [(3, 4), (4, 2), (5, 3)]]
    out_and_residuals = fwd(*xs)
    np.testing.assert_allclose(out_and_residuals[0], checker.f(*xs)[0], rtol=1e-13)
    tangent = lin(*out_and_residuals[1:], *ts)[0]
    np.testing.assert_allclose(tangent, checker.jvp(*xs, *ts)[1], rtol=1e-12, atol=1e-12)
