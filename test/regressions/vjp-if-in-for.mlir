// FIXED (an IREE 3.13 miscompile, worked around by the IREE backends; reproducer
// test/iree/upstream-0d-insert-shared-destination.mlir): the VJP (on iree-cpu) of a function with an scf.if inside an scf.for (the condition
// reads the loop-carried value) is zero: <ct, J t> = -0.30 by the JVP (which
// matches finite differences), but <J^T ct, t> = 0.0.
//
// Reproduce:   test/python/test_regressions.py::test_vjp_through_if_in_a_loop (strict
//              xfail): lintra.jvp and lintra.vjp of @h on iree-cpu, checked by
//              ad_harness (FD and the dot-product identity) at x0 = [0.3, -0.5, 0.8], x1 = 0.7.
// Expected:    the dot-product identity holds (the JVP is right).
// Actual:      AssertionError: (-0.2996..., 0.0): every cotangent of the VJP is zero.
// Cause: IREE, not lintra: @f_lin_transpose reads right (a reverse scf.for
// reading the stacked i8 conditions, an scf.if per branch, accumulating both
// cotangents), but a 0-d tensor.insert into a constant that the else branch's
// linalg.reduce also takes as its init is miscompiled; with the insert written as
// tensor.from_elements the VJP is right.
// Found by test/python/test_fuzz_ad.py --scf (fuzz_control_flow.random_scf_case, seed 37),
// reduced by hand.
func.func @h(%x0: tensor<3xf64>, %x1: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %init = arith.constant -0.84 : f64
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%a = %init) -> (f64) {
    %k = arith.constant 0.4 : f64
    %cond = arith.cmpf ogt, %k, %a : f64
    %t = scf.if %cond -> (tensor<3xf64>) {
      %x0b = math.sin %x0 : tensor<3xf64>
      scf.yield %x0b : tensor<3xf64>
    } else {
      %e = tensor.empty() : tensor<3xf64>
      %fl = linalg.fill ins(%x1 : f64) outs(%e : tensor<3xf64>) -> tensor<3xf64>
      scf.yield %fl : tensor<3xf64>
    }
    %acc = tensor.extract_slice %x0[1] [1] [1] : tensor<3xf64> to tensor<f64>
    %s = linalg.reduce ins(%t : tensor<3xf64>) outs(%acc : tensor<f64>) dimensions = [0]
      (%in: f64, %ac: f64) {
        %p = arith.addf %in, %ac : f64
        linalg.yield %p : f64
      }
    %se = tensor.extract %s[] : tensor<f64>
    %sn = math.sin %a : f64
    %y = arith.addf %se, %sn : f64
    scf.yield %y : f64
  }
  return %r : f64
}
