// Regression (fixed): lintra.vjp (and lintra.grad of a function that is linear in an argument,
// e.g. inside a grad-of-grad) crashes when a float result of the callee has a
// tangent known to be zero (here a constant result).
//
// Reproduce:   lintra-opt test/regressions/vjp-zero-tangent-result.mlir --lintra-ad
// Expected:    @df returns (sin(x), 0.5, cos(x) * ct0); the cotangent %ct1 of the
//              constant result contributes nothing.
// Actual:      lintra-opt: internal error: StopIteration:
//              (passes/core/transpose.py, transpose_function: `next(float_activity)`)
//
// Diagnosis: passes/core/expand.py, expand_op (lintra.vjp / lintra.grad) drops
// the cotangents of known-zero results (`live`) and then asks
// transpose_function(ad, @f_lin, (True,) * len(live)); but `active` must have
// one flag per float result of @f_lin (transpose_function zips it with the
// results), so it is one flag short for every known-zero result. It should pass
// tuple(not zero for zero in ad.zero_results[lin]).
// Found by test/python/test_fuzz_ad.py (about 40% of random programs: any
// constant-valued result, and grad-of-grad of functions linear in an argument).
func.func @f(%x: f64) -> (f64, f64) {
  %c = arith.constant 0.5 : f64
  %s = math.sin %x : f64
  return %s, %c : f64, f64
}
func.func @df(%x: f64, %ct0: f64, %ct1: f64) -> (f64, f64, f64) {
  %r:3 = "lintra.vjp"(%x, %ct0, %ct1) {callee = @f} : (f64, f64, f64) -> (f64, f64, f64)
  return %r#0, %r#1, %r#2 : f64, f64, f64
}
