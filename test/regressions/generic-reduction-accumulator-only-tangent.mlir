// Regression (fixed): the VJP of a reduction linalg.generic fails when only its accumulator
// (the `outs` init) carries a tangent, i.e. its inputs do not depend on the
// differentiated arguments (here a constant input).
//
// Reproduce:   lintra-opt test/regressions/generic-reduction-accumulator-only-tangent.mlir --lintra-ad
// Expected:    @df returns (x + sum(tanh(c)), ct): the result is x plus a constant.
// Actual:      generic-reduction-accumulator-only-tangent.mlir:20:8: error:
//              'linalg.generic' op is a reduction whose accumulator is not
//              accumulated additively; it cannot be transposed
//
// Diagnosis: the tangent generic built by passes/core/generic.py
// (build_tangent_generic) yields d(acc + tanh(a)) = dacc, i.e. the body is just
// `linalg.yield %dacc` (the zero tangent of tanh(a) is symbolic). When @f_lin is
// transposed, generic_transpose calls additive_accumulator (passes/core/generic.py),
// which only accepts `yield acc + ...` and rejects an accumulator yielded
// unchanged, although that is the simplest additive case (its cotangent is the
// output's). The JVP itself is fine.
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %c = arith.constant dense<[0.5, 1.5]> : tensor<2xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
       ins(%c : tensor<2xf64>) outs(%x : tensor<3xf64>) {
  ^bb0(%a: f64, %o: f64):
    %t = math.tanh %a : f64
    %s = arith.addf %o, %t : f64
    linalg.yield %s : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @df(%x: tensor<3xf64>, %ct: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %r:2 = "lintra.vjp"(%x, %ct) {callee = @f} : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %r#0, %r#1 : tensor<3xf64>, tensor<3xf64>
}
