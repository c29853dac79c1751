"""AD through structured control flow (scf.for, scf.if, scf.index_switch,
scf.while), end to end: IR programs are expanded by lintra-ad, compiled with the
iree-cpu and mlir-cpu backends (the upstream lowering stores the i1
ownership flags of buffers yielded by loops as i8) and checked by `ad_harness.DerivativeChecker`: JVP against central finite
differences, VJP (linearize + transpose, with the loop's residuals stacked per
iteration) against the JVP by the identity <ct, J t> = <J^T ct, t>. Plus the
transpose of a hand-written linear loop by the same identity, and grad of grad
through a loop against finite differences of the compiled gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from ad_harness import DerivativeChecker, expand, random_like, signature, wrapper

from lintra import backends

HEADER = """
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %z = arith.constant 0.0 : f64
"""

# A scalar and a tensor carried together; a branch on the carried scalar inside.
LOOP_WITH_BRANCH = f"""
func.func @f(%x: f64, %y: tensor<3xf64>) -> (f64, tensor<3xf64>) {{{HEADER}
  %r:2 = scf.for %i = %c0 to %c5 step %c1 iter_args(%a = %x, %b = %y) -> (f64, tensor<3xf64>) {{
    %s = math.sin %a : f64
    %m = arith.mulf %s, %x : f64
    %t = math.tanh %b : tensor<3xf64>
    %e0 = tensor.empty() : tensor<3xf64>
    %sp = linalg.fill ins(%m : f64) outs(%e0 : tensor<3xf64>) -> tensor<3xf64>
    %u = arith.mulf %t, %sp : tensor<3xf64>
    %c = arith.cmpf olt, %a, %z : f64
    %n = scf.if %c -> (f64) {{
      %q = arith.mulf %m, %m : f64
      scf.yield %q : f64
    }} else {{
      %e = math.cos %m : f64
      scf.yield %e : f64
    }}
    scf.yield %n, %u : f64, tensor<3xf64>
  }}
  return %r#0, %r#1 : f64, tensor<3xf64>
}}
"""

# A loop inside a loop (a non-zero lower bound and a step of 2 outside), and a
# loop inside a branch; an accumulator that starts from a constant.
NESTED = f"""
func.func @f(%x: tensor<2xf64>, %w: f64, %flag: i1) -> (tensor<2xf64>, f64) {{{HEADER}
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %r:2 = scf.for %i = %c1 to %c7 step %c2 iter_args(%a = %x, %acc = %z) -> (tensor<2xf64>, f64) {{
    %inner = scf.for %j = %c0 to %c3 step %c1 iter_args(%b = %a) -> (tensor<2xf64>) {{
      %s = math.sin %b : tensor<2xf64>
      %e0 = tensor.empty() : tensor<2xf64>
      %ws = linalg.fill ins(%w : f64) outs(%e0 : tensor<2xf64>) -> tensor<2xf64>
      %p = arith.mulf %s, %ws : tensor<2xf64>
      %q = arith.addf %p, %b : tensor<2xf64>
      scf.yield %q : tensor<2xf64>
    }}
    %c0i = arith.constant 0 : index
    %e = tensor.extract %inner[%c0i] : tensor<2xf64>
    %acc2 = arith.addf %acc, %e : f64
    scf.yield %inner, %acc2 : tensor<2xf64>, f64
  }}
  %g = scf.if %flag -> (f64) {{
    %l = scf.for %k = %c0 to %c3 step %c1 iter_args(%v = %r#1) -> (f64) {{
      %v2 = arith.mulf %v, %w : f64
      %v3 = math.tanh %v2 : f64
      scf.yield %v3 : f64
    }}
    scf.yield %l : f64
  }} else {{
    %n = arith.negf %w : f64
    scf.yield %n : f64
  }}
  return %r#0, %g : tensor<2xf64>, f64
}}
"""

SWITCH = f"""
func.func @f(%k: index, %x: f64) -> f64 {{{HEADER}
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> (f64) {{
    %s = scf.index_switch %i -> f64
    case 0 {{
      %e = math.sin %a : f64
      scf.yield %e : f64
    }}
    case 1 {{
      %e = arith.mulf %a, %x : f64
      scf.yield %e : f64
    }}
    default {{
      scf.yield %a : f64
    }}
    scf.yield %s : f64
  }}
  return %r : f64
}}
"""


BACKENDS = ("iree-cpu", "mlir-cpu")


class Checker(DerivativeChecker):
    """DerivativeChecker whose functions run on `backend`."""

    def __init__(self, module_text: str, backend: str, name: str = "f"):
        self.ins, self.outs, self.float_ins, self.float_outs = signature(module_text, name)
        kinds = [
            wrapper(k, name, self.ins, self.outs, self.float_ins, self.float_outs) for k in ("jvp", "vjp")
        ]
        self.expanded = expand(module_text + "".join(kinds))
        self.f, self.jvp, self.vjp = (
            backends.compile(self.expanded, n, backend) for n in (name, f"jvp_{name}", f"vjp_{name}")
        )


def inputs_for(checker, rng, fixed):
    return [fixed[i] if i in fixed else random_like(rng, t) for i, t in enumerate(checker.ins)]


@pytest.mark.parametrize(
    "program, fixed",
    [
        (LOOP_WITH_BRANCH, {}),
        (NESTED, {2: np.bool_(True)}),
        (NESTED, {2: np.bool_(False)}),
        (SWITCH, {0: np.int64(0)}),
    ],
    ids=["loop-with-branch", "nested-then", "nested-else", "switch"],
)
@pytest.mark.parametrize("backend", BACKENDS)
def test_jvp_and_vjp_through_control_flow(program, fixed, backend):
    rng = np.random.default_rng(3)
    checker = Checker(program, backend)
    checker.check(inputs_for(checker, rng, fixed), rng)


def test_loop_residuals_are_stacked_per_iteration():
    """The forward half saves the loop's per-iteration residuals in stacks with a
    leading trip-count dimension (one stack per type); the loop-invariant %x is not stacked."""
    text = expand(LOOP_WITH_BRANCH + wrapper("vjp", "f", *signature(LOOP_WITH_BRANCH)))
    header = text[text.index("func.func private @f_fwd(") :].split("\n")[0]
    results = header[header.index("-> (") + 4 : -3].split(", ")
    stacks = [t for t in results if t.startswith("tensor<5x")]
    assert stacks and len(stacks) == len(set(stacks)), header
    assert results[:2] == ["f64", "tensor<3xf64>"], header  # %x is not stacked: the caller passes it


WHILE = """
func.func @f(%x: f64) -> f64 {
  %three = arith.constant 3.0 : f64
  %r = scf.while (%a = %x) : (f64) -> f64 {
    %c = arith.cmpf olt, %a, %three : f64
    %s = math.sin %a : f64
    %d = arith.addf %s, %a : f64
    scf.condition(%c) %d : f64
  } do {
  ^bb0(%b: f64):
    %e = arith.addf %b, %x : f64
    scf.yield %e : f64
  }
  return %r : f64
}
"""


BOUNDED_WHILE = WHILE.replace(
    "    scf.yield %e : f64\n  }\n",
    "    scf.yield %e : f64\n  } attributes {lintra.max_trip_count = 10 : i64}\n",
)


# A tensor and an index counter carried, a captured tensor (%w) read in the
# after region, and a condition computed from the carried tensor.
BOUNDED_TENSOR_WHILE = """
func.func @f(%x: tensor<3xf64>, %w: tensor<3xf64>) -> tensor<3xf64> {
  %c0 = arith.constant 0 : index
  %lim = arith.constant 4.0 : f64
  %r:2 = scf.while (%a = %x, %k = %c0) : (tensor<3xf64>, index) -> (tensor<3xf64>, index) {
    %e = tensor.extract %a[%c0] : tensor<3xf64>
    %sq = arith.mulf %e, %e : f64
    %c = arith.cmpf olt, %sq, %lim : f64
    scf.condition(%c) %a, %k : tensor<3xf64>, index
  } do {
  ^bb0(%b: tensor<3xf64>, %j: index):
    %t = math.tanh %b : tensor<3xf64>
    %m = arith.mulf %t, %w : tensor<3xf64>
    %n = arith.addf %m, %b : tensor<3xf64>
    %c1 = arith.constant 1 : index
    %j2 = arith.addi %j, %c1 : index
    scf.yield %n, %j2 : tensor<3xf64>, index
  } attributes {lintra.max_trip_count = 20 : i64}
  return %r#0 : tensor<3xf64>
}
"""


@pytest.mark.parametrize(
    "program, inputs",
    [
        (BOUNDED_WHILE, [np.float64(0.4)]),
        (BOUNDED_TENSOR_WHILE, [np.array([0.3, 0.5, -0.2]), np.array([0.5, 0.7, 0.9])]),
    ],
    ids=["scalar", "tensor"],
)
@pytest.mark.parametrize("backend", BACKENDS)
def test_bounded_while_jvp_and_vjp(program, inputs, backend):
    """lintra.max_trip_count: the forward half stacks the residuals and records
    the trip count; the linear half is a loop over that count."""
    rng = np.random.default_rng(11)
    Checker(program, backend).check(inputs, rng)


@pytest.mark.parametrize("backend", BACKENDS)
def test_while_forward_mode_against_finite_differences(backend):
    text = expand(WHILE + wrapper("jvp", "f", *signature(WHILE)))
    f, jvp = (backends.compile(text, name, backend) for name in ("f", "jvp_f"))
    x, eps = np.float64(0.4), 1e-6
    tangent = jvp(x, np.float64(1.0))[1]
    fd = (f(np.float64(x + eps))[0] - f(np.float64(x - eps))[0]) / (2 * eps)
    np.testing.assert_allclose(tangent, fd, rtol=1e-6)


LINEAR_LOOP = f"""
func.func @L(%r: tensor<3xf64>, %s: f64, %t: tensor<3xf64> {{lintra.linear}}) -> tensor<3xf64> {{{HEADER}
  %e = tensor.empty() : tensor<3xf64>
  %v = scf.for %i = %c0 to %c5 step %c1 iter_args(%acc = %t) -> (tensor<3xf64>) {{
    %m = arith.mulf %acc, %r : tensor<3xf64>
    %sf = linalg.fill ins(%s : f64) outs(%e : tensor<3xf64>) -> tensor<3xf64>
    %ts = arith.mulf %t, %sf : tensor<3xf64>
    %n = arith.addf %m, %ts : tensor<3xf64>
    scf.yield %n : tensor<3xf64>
  }}
  return %v : tensor<3xf64>
}}
func.func @Lt(%r: tensor<3xf64>, %s: f64, %ct: tensor<3xf64>) -> tensor<3xf64> {{
  %0 = "lintra.transpose"(%r, %s, %ct) {{callee = @L}} : (tensor<3xf64>, f64, tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}}
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_transposed_loop_by_the_dot_product_identity(backend):
    """A linear loop reading a linear value from outside (%t) and carrying one:
    its transpose runs backwards, accumulating the cotangent of %t."""
    text = expand(LINEAR_LOOP)
    forward, transposed = (backends.compile(text, name, backend) for name in ("L", "Lt"))
    rng = np.random.default_rng(5)
    r, s, t, ct = rng.standard_normal(3), np.float64(0.7), rng.standard_normal(3), rng.standard_normal(3)
    lhs = float(np.dot(ct, forward(r, s, t)[0]))
    rhs = float(np.dot(transposed(r, s, ct)[0], t))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(lhs)), (lhs, rhs)


SECOND_ORDER = f"""
func.func @f(%x: tensor<2xf64>) -> f64 {{{HEADER}
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x, %acc = %z) -> (tensor<2xf64>, f64) {{
    %s = math.sin %a : tensor<2xf64>
    %p = arith.mulf %s, %a : tensor<2xf64>
    %c0i = arith.constant 0 : index
    %c1i = arith.constant 1 : index
    %e0 = tensor.extract %p[%c0i] : tensor<2xf64>
    %e1 = tensor.extract %p[%c1i] : tensor<2xf64>
    %q = arith.mulf %e0, %e1 : f64
    %acc2 = arith.addf %acc, %q : f64
    scf.yield %p, %acc2 : tensor<2xf64>, f64
  }}
  return %r#1 : f64
}}
func.func @g(%x: tensor<2xf64>) -> tensor<2xf64> {{
  %0 = "lintra.grad"(%x) {{callee = @f}} : (tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}}
func.func @hvp(%x: tensor<2xf64>, %v: tensor<2xf64>) -> tensor<2xf64> {{
  %0:2 = "lintra.jvp"(%x, %v) {{callee = @g}} : (tensor<2xf64>, tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>)
  return %0#1 : tensor<2xf64>
}}
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_grad_of_grad_through_a_loop(backend):
    """lintra-ad expands the inner grad first: the outer jvp differentiates the
    stacking forward loop and the reversed transposed loop."""
    text = expand(SECOND_ORDER)
    f, grad, hvp = (backends.compile(text, name, backend) for name in ("f", "g", "hvp"))
    rng = np.random.default_rng(7)
    x, v, eps = rng.standard_normal(2), rng.standard_normal(2), 1e-6
    fd_grad = np.array([(f(x + eps * d)[0] - f(x - eps * d)[0]) / (2 * eps) for d in np.eye(2)])
    np.testing.assert_allclose(grad(x)[0], fd_grad, rtol=1e-6, atol=1e-8)
    fd_hvp = (grad(x + eps * v)[0] - grad(x - eps * v)[0]) / (2 * eps)
    np.testing.assert_allclose(hvp(x, v)[0], fd_hvp, rtol=1e-6, atol=1e-8)
