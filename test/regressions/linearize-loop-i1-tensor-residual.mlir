// FIXED (lintra): linearizing an scf.for whose body saves a tensor of i1 (the
// mask of an arith.select on tensors) crashed lintra-ad: the residual stack
// stores i1 as i8, and the conversion handled scalars only.
//
// Reproduce:   test/python/test_regressions.py::test_derivatives_of_reproducer
//              (lintra.vjp of @f runs lintra-linearize on the loop).
// Expected:    the VJP; it passes the dot-product identity and the JVP matches
//              finite differences.
// Actual:      ValueError: Cannot cast type to IntegerType (from Type(tensor<2x3xi1>))
//              in passes/core/regions.py, convert.
// Found by test/python/test_fuzz_ad.py --scf (fuzz_control_flow.random_scf_case, seed 76),
// written again by hand.
func.func @f(%x: tensor<2x3xf64>, %w: f64) -> tensor<2x3xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant dense<0.0> : tensor<2x3xf64>
  %wt = tensor.splat %w : tensor<2x3xf64>
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x) -> (tensor<2x3xf64>) {
    %mask = arith.cmpf ogt, %a, %zero : tensor<2x3xf64>
    %s = math.sin %a : tensor<2x3xf64>
    %p = arith.mulf %a, %wt : tensor<2x3xf64>
    %next = arith.select %mask, %s, %p : tensor<2x3xi1>, tensor<2x3xf64>
    scf.yield %next : tensor<2x3xf64>
  }
  return %r : tensor<2x3xf64>
}
