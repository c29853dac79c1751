// Regression (fixed): the VJP of a linalg.generic with a scalar (f64) input is invalid IR.
// linalg.generic accepts scalar inputs (indexing map `(d0) -> ()`); lintra-jvp
// handles them, but the transpose builds a generic whose *output* is an f64.
//
// Reproduce:   lintra-opt test/regressions/generic-scalar-operand-vjp.mlir --lintra-ad
// Expected:    @df returns (s * x, sum(x * ct), s * ct).
// Actual:      generic-scalar-operand-vjp.mlir:20:8: error: 'linalg.generic' op
//              operand #3 must be variadic of shaped of any type values, but got 'f64'
//              (raised by the canonicalize run of passes/core/cleanup.py, as an
//              MLIRError "Failure while executing pass pipeline", not a LintraError:
//              the invalid op was built without being verified)
//
// Diagnosis: passes/core/generic.py, generic_transpose: for each linear operand
// it uses `init = b.zeros(args[position].type)` as the `outs` of the transposed
// generic, with the operand's map (`()` here). For a scalar operand that init is
// an f64, not a tensor; it needs a tensor<f64> init and a tensor.extract of the
// result (and generic_check/jvp callers would then see a scalar cotangent).
func.func @f(%s: f64, %x: tensor<3xf64>) -> tensor<3xf64> {
  %e = tensor.empty() : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
       ins(%s, %x : f64, tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %b: f64, %o: f64):
    %m = arith.mulf %a, %b : f64
    linalg.yield %m : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @df(%s: f64, %x: tensor<3xf64>, %ct: tensor<3xf64>) -> (tensor<3xf64>, f64, tensor<3xf64>) {
  %r:3 = "lintra.vjp"(%s, %x, %ct) {callee = @f} : (f64, tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, f64, tensor<3xf64>)
  return %r#0, %r#1, %r#2 : tensor<3xf64>, f64, tensor<3xf64>
}
