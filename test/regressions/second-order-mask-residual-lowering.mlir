// FIXED (lintra-lower-to-llvm runs symbol-dce after inlining); kept as the
// record of issue 6, item 4.
//
// Bug (lowering of second-order derivatives): jvp(grad(f)) of a function with a
// mask (relu, where, maximum) failed to compile with "'memref.alloc' op needs a
// memref of i1, which this MLIR build cannot lower to LLVM", at the user's cmpf.
//
// Reproduce:   lintra-opt test/regressions/second-order-mask-residual-lowering.mlir \
//                --lintra-ad --lintra-lower-to-llvm
// Expected:    LLVM dialect.
// Actual:      the error above (before the fix).
//
// Diagnosis: @f_fwd saves the mask `x > 0` (a tensor<3xi1>) as a residual for
// @f_lin_transpose. All calls are inlined before bufferization, so in @hvp the
// mask is an SSA value that elementwise fusion folds into its select; but the
// inliner left the private functions @f_fwd and @f_lin_transpose in the module,
// unused, and bufferizing their i1 boundary needs a memref of i1, which
// finalize-memref-to-llvm cannot lower (see lower-memref-of-i1-aborts.mlir).
// Private functions left unused after inlining are now dropped (symbol-dce).
func.func @f(%x: tensor<3xf64>) -> f64 {
  %z = arith.constant dense<0.0> : tensor<3xf64>
  %m = arith.cmpf ogt, %x, %z : tensor<3xf64>
  %r = arith.select %m, %x, %z : tensor<3xi1>, tensor<3xf64>
  %s = arith.mulf %r, %r : tensor<3xf64>
  %init = arith.constant dense<0.0> : tensor<f64>
  %sum = linalg.reduce ins(%s : tensor<3xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%a: f64, %acc: f64) {
      %t = arith.addf %a, %acc : f64
      linalg.yield %t : f64
    }
  %e = tensor.extract %sum[] : tensor<f64>
  return %e : f64
}
func.func private @grad_f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %g = "lintra.grad"(%x) {callee = @f} : (tensor<3xf64>) -> tensor<3xf64>
  return %g : tensor<3xf64>
}
func.func @hvp(%x: tensor<3xf64>, %v: tensor<3xf64>) -> tensor<3xf64> {
  %r:2 = "lintra.jvp"(%x, %v) {callee = @grad_f} : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %r#1 : tensor<3xf64>
}
