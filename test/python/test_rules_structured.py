"""Every tensor and linalg rule, checked numerically in f64.

Each case is a function @f built around one op (with a non-linear op nearby,
so the rule composes with others); see ad_harness.DerivativeChecker.
"""

import numpy as np
import pytest
from ad_harness import DerivativeChecker, random_like

T = "tensor"
CASES = {
    "tensor.extract_slice": """
func.func @f(%x: tensor<4x5xf64>) -> tensor<2x3xf64> {
  %0 = tensor.extract_slice %x[1, 0] [2, 3] [1, 2] : tensor<4x5xf64> to tensor<2x3xf64>
  %1 = math.sin %0 : tensor<2x3xf64>
  return %1 : tensor<2x3xf64>
}""",
    "tensor.extract_slice rank-reducing": """
func.func @f(%x: tensor<4x5xf64>) -> tensor<5xf64> {
  %0 = tensor.extract_slice %x[2, 0] [1, 5] [1, 1] : tensor<4x5xf64> to tensor<5xf64>
  %1 = arith.mulf %0, %0 : tensor<5xf64>
  return %1 : tensor<5xf64>
}""",
    "tensor.insert_slice": """
func.func @f(%x: tensor<2x3xf64>, %y: tensor<4x5xf64>) -> tensor<4x5xf64> {
  %0 = tensor.insert_slice %x into %y[1, 2] [2, 3] [1, 1] : tensor<2x3xf64> into tensor<4x5xf64>
  %1 = math.tanh %0 : tensor<4x5xf64>
  return %1 : tensor<4x5xf64>
}""",
    "tensor.extract and insert": """
func.func @f(%x: tensor<3x2xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %0 = tensor.extract %x[%c2, %c1] : tensor<3x2xf64>
  %1 = math.exp %0 : f64
  %2 = tensor.insert %1 into %y[%c1] : tensor<4xf64>
  %3 = arith.mulf %2, %y : tensor<4xf64>
  return %3 : tensor<4xf64>
}""",
    "tensor.from_elements and splat": """
func.func @f(%a: f64, %b: f64) -> tensor<2x3xf64> {
  %0 = math.sin %a : f64
  %1 = tensor.from_elements %0, %b, %a, %b, %0, %a : tensor<2x3xf64>
  %2 = tensor.splat %b : tensor<2x3xf64>
  %3 = arith.mulf %1, %2 : tensor<2x3xf64>
  return %3 : tensor<2x3xf64>
}""",
    "tensor.collapse_shape and expand_shape": """
func.func @f(%x: tensor<2x3x4xf64>) -> tensor<6x2x2xf64> {
  %0 = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x4xf64> into tensor<6x4xf64>
  %1 = math.sin %0 : tensor<6x4xf64>
  %2 = tensor.expand_shape %1 [[0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf64> into tensor<6x2x2xf64>
  %3 = arith.mulf %2, %2 : tensor<6x2x2xf64>
  return %3 : tensor<6x2x2xf64>
}""",
    "tensor.concat": """
func.func @f(%x: tensor<2x3xf64>, %y: tensor<2x2xf64>) -> tensor<2x5xf64> {
  %0 = tensor.concat dim(1) %x, %y : (tensor<2x3xf64>, tensor<2x2xf64>) -> tensor<2x5xf64>
  %1 = math.cos %0 : tensor<2x5xf64>
  return %1 : tensor<2x5xf64>
}""",
    "tensor.pad": """
func.func @f(%x: tensor<2x3xf64>) -> tensor<4x6xf64> {
  %z = arith.constant 0.0 : f64
  %0 = tensor.pad %x low[1, 2] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f64
  } : tensor<2x3xf64> to tensor<4x6xf64>
  %1 = arith.mulf %0, %0 : tensor<4x6xf64>
  return %1 : tensor<4x6xf64>
}""",
    "tensor.cast": """
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = tensor.cast %x : tensor<3xf64> to tensor<?xf64>
  %1 = tensor.cast %0 : tensor<?xf64> to tensor<3xf64>
  %2 = math.exp %1 : tensor<3xf64>
  return %2 : tensor<3xf64>
}""",
    "linalg.fill and copy": """
func.func @f(%s: f64, %x: tensor<3x2xf64>) -> tensor<3x2xf64> {
  %e = tensor.empty() : tensor<3x2xf64>
  %0 = linalg.fill ins(%s : f64) outs(%e : tensor<3x2xf64>) -> tensor<3x2xf64>
  %1 = arith.mulf %0, %x : tensor<3x2xf64>
  %2 = linalg.copy ins(%1 : tensor<3x2xf64>) outs(%e : tensor<3x2xf64>) -> tensor<3x2xf64>
  %3 = math.sin %2 : tensor<3x2xf64>
  return %3 : tensor<3x2xf64>
}""",
    "linalg.transpose and broadcast": """
func.func @f(%x: tensor<2x3x4xf64>, %v: tensor<3xf64>) -> tensor<4x2x3xf64> {
  %e = tensor.empty() : tensor<4x2x3xf64>
  %0 = linalg.transpose ins(%x : tensor<2x3x4xf64>) outs(%e : tensor<4x2x3xf64>) permutation = [2, 0, 1]
  %1 = linalg.broadcast ins(%v : tensor<3xf64>) outs(%e : tensor<4x2x3xf64>) dimensions = [0, 1]
  %2 = arith.mulf %0, %1 : tensor<4x2x3xf64>
  %3 = math.sin %2 : tensor<4x2x3xf64>
  return %3 : tensor<4x2x3xf64>
}""",
    "linalg.matmul": """
func.func @f(%a: tensor<4x3xf64>, %b: tensor<3x5xf64>, %c: tensor<4x5xf64>) -> tensor<4x5xf64> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xf64>, tensor<3x5xf64>) outs(%c : tensor<4x5xf64>) -> tensor<4x5xf64>
  %1 = math.tanh %0 : tensor<4x5xf64>
  return %1 : tensor<4x5xf64>
}""",
    "linalg.matmul transposed operands": """
func.func @f(%a: tensor<3x4xf64>, %b: tensor<5x3xf64>) -> tensor<4x5xf64> {
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<4x5xf64>
  %c = linalg.fill ins(%z : f64) outs(%e : tensor<4x5xf64>) -> tensor<4x5xf64>
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
       ins(%a, %b : tensor<3x4xf64>, tensor<5x3xf64>) outs(%c : tensor<4x5xf64>) -> tensor<4x5xf64>
  %1 = math.sin %0 : tensor<4x5xf64>
  return %1 : tensor<4x5xf64>
}""",
    "linalg.batch_matmul": """
func.func @f(%a: tensor<2x4x3xf64>, %b: tensor<2x3x5xf64>, %c: tensor<2x4x5xf64>) -> tensor<2x4x5xf64> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x3xf64>, tensor<2x3x5xf64>) outs(%c : tensor<2x4x5xf64>) -> tensor<2x4x5xf64>
  %1 = math.sin %0 : tensor<2x4x5xf64>
  return %1 : tensor<2x4x5xf64>
}""",
    "linalg.matvec vecmat dot": """
func.func @f(%a: tensor<4x3xf64>, %x: tensor<3xf64>, %y: tensor<4xf64>, %s: tensor<f64>) -> (tensor<4xf64>, tensor<3xf64>, tensor<f64>) {
  %z4 = arith.constant dense<0.0> : tensor<4xf64>
  %z3 = arith.constant dense<0.0> : tensor<3xf64>
  %0 = linalg.matvec ins(%a, %x : tensor<4x3xf64>, tensor<3xf64>) outs(%z4 : tensor<4xf64>) -> tensor<4xf64>
  %1 = linalg.vecmat ins(%y, %a : tensor<4xf64>, tensor<4x3xf64>) outs(%z3 : tensor<3xf64>) -> tensor<3xf64>
  %2 = linalg.dot ins(%x, %x : tensor<3xf64>, tensor<3xf64>) outs(%s : tensor<f64>) -> tensor<f64>
  %3 = math.sin %0 : tensor<4xf64>
  return %3, %1, %2 : tensor<4xf64>, tensor<3xf64>, tensor<f64>
}""",
    "linalg.map": """
func.func @f(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %e = tensor.empty() : tensor<2x3xf64>
  %0 = linalg.map ins(%x, %y : tensor<2x3xf64>, tensor<2x3xf64>) outs(%e : tensor<2x3xf64>)
    (%a: f64, %b: f64, %o: f64) {
      %p = arith.mulf %a, %b : f64
      %q = math.sin %p : f64
      linalg.yield %q : f64
    }
  return %0 : tensor<2x3xf64>
}""",
    "linalg.generic broadcast, transpose, reduction": """
func.func @f(%x: tensor<3x4xf64>, %v: tensor<4xf64>, %init: tensor<4xf64>) -> tensor<4xf64> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i)>,
                                        affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
       ins(%x, %v : tensor<3x4xf64>, tensor<4xf64>) outs(%init : tensor<4xf64>) {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %p = arith.mulf %a, %b : f64
    %q = math.exp %p : f64
    %r = arith.addf %acc, %q : f64
    linalg.yield %r : f64
  } -> tensor<4xf64>
  return %0 : tensor<4xf64>
}""",
    "linalg.generic two outputs reading an output": """
func.func @f(%x: tensor<5xf64>, %o: tensor<5xf64>) -> (tensor<5xf64>, tensor<5xf64>) {
  %e = tensor.empty() : tensor<5xf64>
  %0:2 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                         iterator_types = ["parallel"]}
       ins(%x : tensor<5xf64>) outs(%o, %e : tensor<5xf64>, tensor<5xf64>) {
  ^bb0(%a: f64, %b: f64, %c: f64):
    %p = arith.mulf %a, %b : f64
    %q = math.cos %a : f64
    linalg.yield %p, %q : f64, f64
  } -> (tensor<5xf64>, tensor<5xf64>)
  return %0#0, %0#1 : tensor<5xf64>, tensor<5xf64>
}""",
}

REDUCE = """
func.func @f(%x: tensor<3x4xf64>, %init: tensor<4xf64>) -> tensor<4xf64> {
  %0 = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%init : tensor<4xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = COMBINER %in, %acc : f64
      linalg.yield %r : f64
    }
  %1 = arith.mulf %0, %0 : tensor<4xf64>
  return %1 : tensor<4xf64>
}"""


def random_inputs(checker, rng):
    return [random_like(rng, t, positive=True) if "xi" not in t else np.int64(2) for t in checker.ins]


@pytest.mark.parametrize("name", sorted(CASES))
def test_structured_op(name):
    rng = np.random.default_rng(11)
    checker = DerivativeChecker(CASES[name])
    checker.check([random_like(rng, t) for t in checker.ins], rng)


@pytest.mark.parametrize(
    "combiner",
    ["arith.addf", "arith.mulf", "arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf"],
)
def test_linalg_reduce(combiner):
    rng = np.random.default_rng(12)
    checker = DerivativeChecker(REDUCE.replace("COMBINER", combiner))
    # Distinct positive inputs: no ties for max/min, no zeros for mul.
    x = rng.permutation(np.arange(1, 13, dtype=np.float64)).reshape(3, 4) / 7.0
    init = np.full(4, -1e9 if "max" in combiner else 1e9) if "m" in combiner[6:8] else rng.uniform(1, 2, 4)
    if combiner in ("arith.addf", "arith.mulf"):
        init = rng.uniform(0.5, 1.5, 4)
    checker.check([x, init], rng)


def test_max_reduce_ties_share_the_tangent():
    checker = DerivativeChecker(REDUCE.replace("COMBINER", "arith.maximumf"))
    x = np.array([[1.0, 2.0, 0.0, 0.0], [1.0, 2.0, 0.0, 0.0], [0.0, 3.0, 0.0, 0.0]])
    init = np.full(4, -1.0)
    dx = np.zeros_like(x)
    dx[0, 0] = 1.0
    out = checker.jvp(x, init, dx, np.zeros(4))
    # column 0 has a tie between rows 0 and 1: the tangent is averaged, as in JAX.
    np.testing.assert_allclose(out[1][0], 2 * 1.0 * 0.5)


def test_product_reduce_with_zeros_is_exact():
    checker = DerivativeChecker(REDUCE.replace("COMBINER", "arith.mulf"))
    x = np.array([[0.0, 0.0, 2.0, 1.5], [3.0, 0.0, 0.5, 2.0], [2.0, 4.0, 0.0, -1.0]])
    init = np.array([1.0, 2.0, 1.0, 0.5])
    rng = np.random.default_rng(13)
    checker.check([x, init], rng)
    # column 0 has one zero: d/dx[0,0] = init * 3 * 2; y = 0 there, so the output
    # y*y has zero tangent; check the reduce itself through the linear identity.
    dx = np.zeros_like(x)
    dx[0, 2] = 1.0  # column 2: one zero at row 2 -> derivative w.r.t. x[0,2] is 0
    assert np.all(np.isfinite(checker.jvp(x, init, dx, np.zeros(4))[1]))
