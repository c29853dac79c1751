// FIXED in af028d6 (the lowering rewrites linalg.copy as a generic before fusion);
// kept as the record of the fuzz finding.
//
// Bug (lowering, no AD involved): lintra-lower-to-llvm aborts the process on a
// linalg.copy of a 0-d constant tensor, instead of lowering it (or raising a
// LintraError).
//
// Reproduce:   lintra-opt test/regressions/lower-copy-of-0d-constant-aborts.mlir --lintra-lower-to-llvm
// Expected:    LLVM dialect; @f returns 0.0.
// Actual:      python3: .../llvm/ADT/SmallVector.h:306: T& llvm::SmallVectorTemplateCommon<T,
//              <template-parameter-1-2> >::front() [...]: Assertion `!empty()' failed.
//              (SIGABRT; lintra.runtime.compile_function kills the Python process the same way)
//
// Diagnosis: upstream `linalg-fuse-elementwise-ops` (PRE_PASSES in
// passes/lintra_lower_to_llvm.py) crashes while folding a linalg.copy whose input
// is a rank-0 constant (`lintra-opt f.mlir
// --pass-pipeline='builtin.module(func.func(linalg-fuse-elementwise-ops))'`
// aborts alike; a 1-d constant is folded fine, and a rank-0 linalg.generic that
// yields its input is fine). `canonicalize` first does not help; running
// `linalg-generalize-named-ops` before the fusion avoids the abort. Found by
// fuzz seed 173 (fuzz_programs.random_case), whose plain @f already aborts.
func.func @f() -> tensor<f64> {
  %c = arith.constant dense<0.0> : tensor<f64>
  %e = tensor.empty() : tensor<f64>
  %r = linalg.copy ins(%c : tensor<f64>) outs(%e : tensor<f64>) -> tensor<f64>
  return %r : tensor<f64>
}
