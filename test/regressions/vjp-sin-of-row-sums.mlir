// Regression (fixed): wrong VJP at runtime for sin(row sums of x): the VJP compiled by
// lintra-lower-to-llvm (or lintra.runtime) is wrong, while the JVP agrees with
// finite differences. Same root cause as lower-fused-generic-reading-init.mlir.
//
// Reproduce:
//   lintra-opt test/regressions/vjp-sin-of-row-sums.mlir --lintra-ad -o /tmp/vjp.mlir
//   python -c "import numpy as np; from lintra.runtime import compile_function as c; \
//     x = np.arange(6.).reshape(2, 3) / 10; ct = np.array([1., 1.]); \
//     print(c(open('/tmp/vjp.mlir').read(), 'df')(x, ct)[0]); print(np.cos(x.sum(1))[:, None] * [1, 1, 1])"
// Expected:    every column equal to cos(row sum) * ct:
//              [[0.955 0.955 0.955] [0.362 0.362 0.362]]
// Actual:      [[0.955 1.911 2.866] [0.362 0.725 1.087]]  (column j is (j+1) times too big)
//
// Diagnosis: @f_lin_transpose is right: a parallel generic ct * cos(r) written
// as `out + ct * c` over a zero init (passes/core/generic.py generic_transpose
// always accumulates into the zero init, also when the transposed generic has no
// reduction dims), then the broadcast transposing the row reduction. The
// lowering's linalg-fuse-elementwise-ops (PRE_PASSES, passes/lintra_lower_to_llvm.py)
// fuses the two and keeps the zero init as an output with map (d0, d1) -> (d0),
// which accumulates across d1. Either fix removes it: lowering runs
// linalg-fold-unit-extent-dims (MoveInitOperandsToInput) before fusion, or
// generic_transpose yields the contribution directly (no init read) when the
// operand's map covers every loop dim. 6 of the first 120 fuzz seeds hit this
// (dot-product identity or Hessian symmetry violated by up to 4x).
func.func @f(%x: tensor<2x3xf64>) -> tensor<2xf64> {
  %z = arith.constant dense<0.0> : tensor<2xf64>
  %r = linalg.reduce ins(%x : tensor<2x3xf64>) outs(%z : tensor<2xf64>) dimensions = [1]
    (%in: f64, %acc: f64) {
      %s = arith.addf %in, %acc : f64
      linalg.yield %s : f64
    }
  %e = tensor.empty() : tensor<2xf64>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
       ins(%r : tensor<2xf64>) outs(%e : tensor<2xf64>) {
  ^bb0(%in: f64, %out: f64):
    %s = math.sin %in : f64
    linalg.yield %s : f64
  } -> tensor<2xf64>
  return %g : tensor<2xf64>
}
func.func @df(%x: tensor<2x3xf64>, %ct: tensor<2xf64>) -> tensor<2x3xf64> {
  %r:2 = "lintra.vjp"(%x, %ct) {callee = @f} : (tensor<2x3xf64>, tensor<2xf64>) -> (tensor<2xf64>, tensor<2x3xf64>)
  return %r#1 : tensor<2x3xf64>
}
