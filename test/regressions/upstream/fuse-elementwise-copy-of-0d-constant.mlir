// Upstream: linalg-fuse-elementwise-ops aborts (SmallVector::front() on an
// empty vector) on a linalg.copy of a rank-0 constant.
// Workaround: `generalize_copies` in passes/lintra_lower_to_llvm.py rewrites
// linalg.copy as a linalg.generic before PRE_PASSES (found by the fuzzer:
// ../lower-copy-of-0d-constant-aborts.mlir).
// RUN: not --crash mlir-opt %s --pass-pipeline='builtin.module(func.func(linalg-fuse-elementwise-ops))'
func.func @f() -> tensor<f64> {
  %c = arith.constant dense<0.0> : tensor<f64>
  %e = tensor.empty() : tensor<f64>
  %r = linalg.copy ins(%c : tensor<f64>) outs(%e : tensor<f64>) -> tensor<f64>
  return %r : tensor<f64>
}
