"""Regression tests: the reproducers in test/regressions/, each a bug the fuzzer
found (see the comment at the top of each file), checked numerically.

Every file's @f is differentiated with lintra.jvp and lintra.vjp and checked
against finite differences and the dot-product identity (ad_harness); the other
functions of the file are expanded and compiled with it, so they must be valid.
"""

from pathlib import Path

import numpy as np
import pytest
from ad_harness import DerivativeChecker, expand, random_like
from test_fuzz_ad import Checker

import lintra
from lintra.runtime import compile_function

REGRESSIONS = Path(__file__).resolve().parent.parent / "regressions"
FILES = sorted(p for p in REGRESSIONS.glob("*.mlir") if "func.func @f(" in p.read_text())


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_derivatives_of_reproducer(path):
    rng = np.random.default_rng(31)
    checker = DerivativeChecker(path.read_text())
    checker.check([random_like(rng, t) for t in checker.ins], rng)


def test_fused_generic_reading_its_init_lowers_correctly():
    program = (REGRESSIONS / "lower-fused-generic-reading-init.mlir").read_text()
    r = np.array([1.0, 2.0, 3.0])
    result = compile_function(program, "f")(r)[0]
    np.testing.assert_array_equal(result, np.repeat(r[:, None], 2, axis=1))


def test_hessian_vector_product_of_a_product():
    program = (REGRESSIONS / "grad-of-grad-product-reduce.mlir").read_text()
    from ad_harness import expand

    hvp = compile_function(expand(program), "hvp")
    x, v = np.array([0.5, -2.0, 3.0]), np.array([1.0, 0.25, -0.5])
    hessian = np.array([[0.0, x[2], x[1]], [x[2], 0.0, x[0]], [x[1], x[0], 0.0]])
    np.testing.assert_allclose(hvp(x, v)[0], hessian @ v, rtol=1e-12)


def test_copy_of_a_0d_constant_lowers():
    """Upstream elementwise fusion aborted the process on this (fuzz seed 173)."""
    program = """
func.func @f() -> tensor<f64> {
  %c = arith.constant dense<2.5> : tensor<f64>
  %e = tensor.empty() : tensor<f64>
  %0 = linalg.copy ins(%c : tensor<f64>) outs(%e : tensor<f64>) -> tensor<f64>
  return %0 : tensor<f64>
}"""
    assert float(compile_function(program, "f")()[0]) == 2.5


def transposed(name: str):
    from ad_harness import expand

    return compile_function(expand((REGRESSIONS / name).read_text()), "Lt")


def test_transpose_of_a_generic_with_a_loop_only_linear_operands_index():
    # L(a, b)[i] = sum_j (a[i] + b[j]) over j < 2, so L^T(ct) = (2 ct, [sum ct, sum ct]).
    ct = np.array([1.0, -2.0, 0.5])
    ct_a, ct_b = transposed("transpose-generic-uncovered-loop-dim.mlir")(ct)
    np.testing.assert_allclose(ct_a, 2 * ct)
    np.testing.assert_allclose(ct_b, [ct.sum(), ct.sum()])


def test_transpose_ignores_an_overwritten_linear_init():
    # L(a, t) = copy(a into t): L^T(ct) = (ct, 0).
    ct = np.array([1.0, -2.0, 0.5])
    ct_a, ct_t = transposed("transpose-overwritten-linear-init.mlir")(ct)
    np.testing.assert_allclose(ct_a, ct)
    np.testing.assert_allclose(ct_t, 0.0)


def test_hessian_vector_product_through_a_mask_lowers():
    """jvp(grad(sum(relu(x)^2))): the mask x > 0 is a residual of @f_fwd; H v = 2 (x > 0) v."""
    from ad_harness import expand

    program = (REGRESSIONS / "second-order-mask-residual-lowering.mlir").read_text()
    hvp = compile_function(expand(program), "hvp")
    x, v = np.array([1.5, -2.0, 0.25]), np.array([1.0, 3.0, -0.5])
    np.testing.assert_array_equal(hvp(x, v)[0], 2.0 * (x > 0) * v)


MAX_MIN = """
func.func @f(%x: f64, %y: f64) -> f64 {
  %0 = arith.OP %x, %y : f64
  return %0 : f64
}
func.func @jvp(%x: f64, %y: f64, %dx: f64, %dy: f64) -> f64 {
  %r:2 = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @f} : (f64, f64, f64, f64) -> (f64, f64)
  return %r#1 : f64
}"""


@pytest.mark.parametrize(
    "op, x, y, expected",
    [
        ("maxnumf", 2.0, np.nan, 3.0),  # maxnumf(x, nan) = x: x's tangent
        ("minnumf", np.nan, 2.0, 5.0),  # minnumf(nan, y) = y: y's tangent
        ("maximumf", 2.0, np.nan, 0.0),  # a NaN result: zero tangent, as JAX's maximum
        ("minimumf", np.nan, 2.0, 0.0),
        ("maximumf", 1.5, 1.5, 4.0),  # a tie splits the tangents evenly
        ("maximumf", -0.0, 0.0, 4.0),  # signed zeros are equal: a tie too
    ],
)
def test_max_min_tangent_follows_the_operand_equal_to_the_result(op, x, y, expected):
    """Found by the composition fuzzer (extreme inputs, seeds 207 and 220): the
    tangent of max/min went to the second operand whenever the first did not
    win, even when the second was NaN (maxnumf) or the result was NaN."""
    from ad_harness import expand

    jvp = compile_function(expand(MAX_MIN.replace("OP", op)), "jvp")
    assert float(jvp(x, y, 3.0, 5.0)[0]) == expected


def test_constant_zero_tangent_is_a_symbolic_zero():
    """Found by the composition fuzzer (seed 219, hessian at extreme inputs): a
    lintra.jvp whose tangent operand is a constant zero (jacfwd's, for the
    arguments it does not differentiate) multiplied it by expm1'(inf) = inf,
    so the tangent of min(x, expm1(y)) was nan instead of dx."""
    from ad_harness import expand

    program = """
func.func @f(%x: f64, %y: f64) -> f64 {
  %e = math.expm1 %y : f64
  %m = arith.minimumf %x, %e : f64
  return %m : f64
}
func.func @jvp(%x: f64, %y: f64, %dx: f64) -> f64 {
  %zero = arith.constant 0.0 : f64
  %r:2 = "lintra.jvp"(%x, %y, %dx, %zero) {callee = @f} : (f64, f64, f64, f64) -> (f64, f64)
  return %r#1 : f64
}"""
    jvp = compile_function(expand(program), "jvp")
    assert float(jvp(0.5, np.inf, 2.0)[0]) == 2.0


@pytest.mark.parametrize("backend", ["iree-cpu", "mlir-cpu"])
def test_hvp_through_if_with_a_constant_branch(backend):
    """lintra-ad wrote an scf.yield reading a value from outside its region (zero
    tangents of a branch were made after the scf.if). The branch yields residual
    masks (stored as i8 by the mlir-cpu lowering)."""
    text = expand((REGRESSIONS / "hvp-scf-if-constant-branch.mlir").read_text())
    hvp = lintra.backends.compile(text, "hvp", backend=backend)
    x, v = np.array([0.7, -0.3]), np.array([0.5, 2.0])
    # h(x) = x0^2 at x0 > 0: grad (2 x0, 0), H v = (2 v0, 0)
    grad, hv = hvp(x, v)
    np.testing.assert_allclose(grad, [1.4, 0.0], rtol=1e-12)
    np.testing.assert_allclose(hv, [1.0, 0.0], rtol=1e-12)


@pytest.mark.parametrize("backend", ["iree-cpu", "mlir-cpu"])
def test_vjp_through_if_in_a_loop(backend):
    """The VJP through an scf.if inside an scf.for was zero on iree-cpu: IREE 3.13
    miscompiles a 0-d tensor.insert whose destination a reduce shares
    (test/iree/upstream-0d-insert-shared-destination.mlir); the backend now
    rewrites 0-d inserts (backends/iree_tensor_ops.py)."""
    checker = Checker((REGRESSIONS / "vjp-if-in-for.mlir").read_text(), "h", backend=backend)
    checker.check([np.array([0.3, -0.5, 0.8]), 0.7], np.random.default_rng(0))
