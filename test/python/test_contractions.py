"""Contractions read through broadcasts and transposes (passes/core/contractions.py),
and what that makes of gradients: numerics in f64 (finite differences, the
dot-product identity, the primal of the rewritten forward half against @f's,
and JAX) and the shape of the IR (ops counted)."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from ad_harness import DerivativeChecker, random_like
from mlir import ir

import lintra
import lintra.numpy as lnp
from lintra.dialect import make_context
from lintra.passes.core.contractions import view_of
from lintra.passes.core.structured import DEFAULT_CONTRACTION_MAPS

jax.config.update("jax_enable_x64", True)

CASES = {
    "matmul against linalg.broadcast (shared reduced dim)": """
func.func @f(%x: tensor<3x4xf64>, %v: tensor<4xf64>) -> tensor<3x5xf64> {
  %s = math.sin %v : tensor<4xf64>
  %e = tensor.empty() : tensor<4x5xf64>
  %b = linalg.broadcast ins(%s : tensor<4xf64>) outs(%e : tensor<4x5xf64>) dimensions = [1]
  %z = arith.constant dense<0.0> : tensor<3x5xf64>
  %p = linalg.matmul ins(%x, %b : tensor<3x4xf64>, tensor<4x5xf64>) outs(%z : tensor<3x5xf64>) -> tensor<3x5xf64>
  %r = math.tanh %p : tensor<3x5xf64>
  return %r : tensor<3x5xf64>
}""",
    "matmul of a fill, with an initial value": """
func.func @f(%a: f64, %y: tensor<4x5xf64>, %c: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %s = math.sin %a : f64
  %e = tensor.empty() : tensor<3x4xf64>
  %b = linalg.fill ins(%s : f64) outs(%e : tensor<3x4xf64>) -> tensor<3x4xf64>
  %p = linalg.matmul ins(%b, %y : tensor<3x4xf64>, tensor<4x5xf64>) outs(%c : tensor<3x5xf64>) -> tensor<3x5xf64>
  %r = arith.mulf %p, %p : tensor<3x5xf64>
  return %r : tensor<3x5xf64>
}""",
    "matmul of a transpose, with an initial value": """
func.func @f(%x: tensor<4x3xf64>, %y: tensor<4x5xf64>, %c: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %e = tensor.empty() : tensor<3x4xf64>
  %t = linalg.transpose ins(%x : tensor<4x3xf64>) outs(%e : tensor<3x4xf64>) permutation = [1, 0]
  %s = math.sin %y : tensor<4x5xf64>
  %p = linalg.matmul ins(%t, %s : tensor<3x4xf64>, tensor<4x5xf64>) outs(%c : tensor<3x5xf64>) -> tensor<3x5xf64>
  %r = arith.mulf %p, %p : tensor<3x5xf64>
  return %r : tensor<3x5xf64>
}""",
    "batch_matmul against a weight broadcast over the batch": """
func.func @f(%x: tensor<2x3x4xf64>, %w: tensor<4x5xf64>) -> tensor<2x3x5xf64> {
  %s = math.cos %w : tensor<4x5xf64>
  %e = tensor.empty() : tensor<2x4x5xf64>
  %b = linalg.broadcast ins(%s : tensor<4x5xf64>) outs(%e : tensor<2x4x5xf64>) dimensions = [0]
  %z = arith.constant dense<0.0> : tensor<2x3x5xf64>
  %p = linalg.batch_matmul ins(%x, %b : tensor<2x3x4xf64>, tensor<2x4x5xf64>) outs(%z : tensor<2x3x5xf64>) -> tensor<2x3x5xf64>
  %r = math.sin %p : tensor<2x3x5xf64>
  return %r : tensor<2x3x5xf64>
}""",
    "dot of two scalar broadcasts (a reduced dim neither reads)": """
func.func @f(%a: f64) -> tensor<f64> {
  %s = math.sin %a : f64
  %c = math.cos %a : f64
  %x = tensor.splat %s : tensor<5xf64>
  %e = tensor.empty() : tensor<5xf64>
  %y = linalg.fill ins(%c : f64) outs(%e : tensor<5xf64>) -> tensor<5xf64>
  %z = arith.constant dense<0.0> : tensor<f64>
  %d = linalg.dot ins(%x, %y : tensor<5xf64>, tensor<5xf64>) outs(%z : tensor<f64>) -> tensor<f64>
  return %d : tensor<f64>
}""",
    "matvec of a broadcasting generic (a reduced dim only the vector reads)": """
func.func @f(%v: tensor<3xf64>, %x: tensor<4xf64>) -> tensor<3xf64> {
  %s = math.exp %v : tensor<3xf64>
  %e = tensor.empty() : tensor<3x4xf64>
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<3xf64>) outs(%e : tensor<3x4xf64>) {
    ^bb0(%in: f64, %out: f64):
      linalg.yield %in : f64
  } -> tensor<3x4xf64>
  %t = math.sin %x : tensor<4xf64>
  %z = arith.constant dense<0.0> : tensor<3xf64>
  %p = linalg.matvec ins(%b, %t : tensor<3x4xf64>, tensor<4xf64>) outs(%z : tensor<3xf64>) -> tensor<3xf64>
  return %p : tensor<3xf64>
}""",
}


def contractions_reading_views(module_text: str, user: str = "f") -> list[str]:
    """The contractions outside @user whose first two operands include a view."""
    found = []
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(module_text)
        for function in module.body.operations:
            if function.sym_name.value == user:
                continue

            def visit(op):
                op = op.operation
                if op.name in DEFAULT_CONTRACTION_MAPS and any(
                    view_of(v) is not None for v in list(op.operands)[:2]
                ):
                    found.append(str(op))
                return ir.WalkResult.ADVANCE

            function.walk(visit)
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_contraction_reading_a_view(name):
    checker = DerivativeChecker(CASES[name])
    assert contractions_reading_views(checker.expanded) == []
    rng = np.random.default_rng(0)
    xs = [random_like(rng, t) for t in checker.ins]
    checker.check(xs, rng)


def count(text: str, op: str) -> int:
    return len(re.findall(rf"= {re.escape(op)}\b", text))


def chain(m):
    return lambda a, b, c: m.sum(m.tanh(a @ b) @ c)


def test_gradient_of_sum_of_matmul_chain_does_three_matmuls_as_jax():
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal(s) for s in [(6, 5), (5, 4), (4, 3)])
    grad = lintra.grad(chain(lnp), argnums=(0, 1, 2))
    text = lintra.jit(grad).lower(a, b, c).as_text(stage="ad")
    assert count(text, "linalg.matmul") == 3
    assert count(text, "linalg.reduce") == 2
    assert contractions_reading_views(text) == []
    assert "func.func private @" + "f(" not in text  # no dead primal
    expected = jax.grad(chain(jnp), argnums=(0, 1, 2))(a, b, c)
    for got, want in zip(grad(a, b, c), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def mlp(m):
    def loss(w1, w2, x, y):
        return m.mean((m.tanh(x @ w1) @ w2 - y) ** 2)

    return loss


def test_mlp_gradient_has_no_transposes_and_matches_jax():
    rng = np.random.default_rng(2)
    args = [rng.standard_normal(s) for s in [(7, 6), (6, 3), (8, 7), (8, 3)]]
    grad = lintra.grad(mlp(lnp), argnums=(0, 1))
    text = lintra.jit(grad).lower(*args).as_text(stage="ad")
    # 2 forward, 3 backward (dx of the first layer is not needed).
    assert count(text, "linalg.matmul") == 5
    assert count(text, "linalg.transpose") == 0
    assert text.count("func.func") == 3  # grad_loss, loss_fwd, loss_lin_transpose
    expected = jax.grad(mlp(jnp), argnums=(0, 1))(*args)
    for got, want in zip(grad(*args), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_runtime_compiles_the_function_once():
    x = np.linspace(0.0, 1.0, 4)
    lowered = lintra.jit(lintra.grad(lambda v: lnp.sum(lnp.sin(v) * v))).lower(x)
    functions = re.findall(r"llvm\.func (?:\w+ )?@(\w+)", lowered.as_text(stage="llvm"))
    assert sorted(f for f in functions if f not in ("malloc", "free")) == [
        "__lintra_entry",
        "_mlir_ciface___lintra_entry",
    ]


def transposes(m):
    return lambda x, w: m.sum(m.tanh(x.T @ w) * (w.T @ x).T)


def test_transposes_around_matmuls_become_indexing_maps():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    grad = lintra.grad(transposes(lnp), argnums=(0, 1))
    text = lintra.jit(grad).lower(x, w).as_text(stage="ad")
    backward = text[re.search(r"func.func private @\w+_lin_transpose", text).start() :]
    assert count(backward, "linalg.matmul") == 4
    # The residuals x.T and w.T are not materialized either: x and w are passed.
    assert count(text, "linalg.transpose") == 0
    assert contractions_reading_views(text) == []
    expected = jax.grad(transposes(jnp), argnums=(0, 1))(x, w)
    for got, want in zip(grad(x, w), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
