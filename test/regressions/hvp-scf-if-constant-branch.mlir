// FIXED (scf JVP rules make a branch's zero tangents inside it): lintra-ad wrote invalid IR for the Hessian-vector product (lintra.jvp of
// lintra.grad) of a function with an scf.if whose one branch yields a value
// without a tangent (here a splat of a constant) and whose other branch does.
//
// Reproduce:   lintra-opt test/regressions/hvp-scf-if-constant-branch.mlir --lintra-ad
// Expected:    @hvp returns (grad h, H v); h(x) = x0^2 where x0 > 0, 0 elsewhere.
// Actual:      error: 'scf.yield' op using value defined outside the region
//              (at the scf.if; "required by region isolation constraints"): an
//              scf.yield of the rewritten scf.if reads a value that was erased or
//              defined in the other region.
// Found by test/python/test_fuzz_ad.py --scf (fuzz_control_flow.random_scf_case,
// seed 9: the second-order check of a program whose helper @g holds such an scf.if);
// first-order jvp and vjp of the same program are fine.
// test_regressions.py: test_hvp_through_if_with_a_constant_branch (strict xfail).
func.func @h(%x: tensor<2xf64>) -> f64 {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f64
  %s = tensor.extract %x[%c0] : tensor<2xf64>
  %c = arith.cmpf oge, %zero, %s : f64
  %r = scf.if %c -> (tensor<3xf64>) {
    %sq = arith.mulf %zero, %zero : f64
    %t = tensor.splat %sq : tensor<3xf64>
    scf.yield %t : tensor<3xf64>
  } else {
    %t = tensor.splat %s : tensor<3xf64>
    scf.yield %t : tensor<3xf64>
  }
  %p = arith.mulf %r, %r : tensor<3xf64>
  %e = tensor.extract %p[%c0] : tensor<3xf64>
  return %e : f64
}
func.func @grad_h(%x: tensor<2xf64>) -> tensor<2xf64> {
  %g = "lintra.grad"(%x) {callee = @h} : (tensor<2xf64>) -> tensor<2xf64>
  return %g : tensor<2xf64>
}
func.func @hvp(%x: tensor<2xf64>, %v: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
  %g, %hv = "lintra.jvp"(%x, %v) {callee = @grad_h} : (tensor<2xf64>, tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>)
  return %g, %hv : tensor<2xf64>, tensor<2xf64>
}
