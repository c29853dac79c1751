// Regression (fixed): lintra.transpose of a linalg.generic emits invalid IR when a loop
// dimension is indexed only by linear operands other than the one being
// transposed: the transposed generic cannot infer that loop's bound.
//
// Reproduce:   lintra-opt test/regressions/transpose-generic-uncovered-loop-dim.mlir --lintra-ad
// Expected:    @Lt(ct) = (2 * ct, [sum(ct), sum(ct)]) for
//              L(a, b)[i] = sum_j (a[i] + b[j]),  i < 3, j < 2.
// Actual:      ...:26:8: error: 'linalg.generic' op invalid indexing maps are non-invertible:
//              ((d0, d1) -> (d0, d0))   (an MLIRError "Failure while executing pass
//              pipeline" from the canonicalize run of passes/core/cleanup.py; the
//              generic was built without being verified)
//
// Diagnosis: passes/core/generic.py, generic_transpose builds, for linear operand
// `a` (map (d0, d1) -> (d0)), a generic over the same loops whose operands are
// the non-linear operands (none here), the result cotangents (map (d0)) and the
// new output (a's map, (d0)): nothing indexes d1 any more, since the only
// operand that did (b) is linear and is not an input of the transposed generic.
// It needs an operand that carries the uncovered loop bounds (e.g. a
// tensor.empty of those sizes as an extra input), or to fold the reduction over
// the uncovered dims into a multiplication by their extent. lintra.vjp is not
// affected as far as the fuzzer found: tangent generics keep the primal inputs,
// which cover every loop. Found by the linear-function fuzzer
// (fuzz_programs.random_linear_case seeds 27 and 39).
func.func @L(%a: tensor<3xf64> {lintra.linear}, %b: tensor<2xf64> {lintra.linear}) -> tensor<3xf64> {
  %z = arith.constant dense<0.0> : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
       ins(%a, %b : tensor<3xf64>, tensor<2xf64>) outs(%z : tensor<3xf64>) {
  ^bb0(%x: f64, %y: f64, %o: f64):
    %s = arith.addf %x, %y : f64
    %r = arith.addf %o, %s : f64
    linalg.yield %r : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @Lt(%ct: tensor<3xf64>) -> (tensor<3xf64>, tensor<2xf64>) {
  %r:2 = "lintra.transpose"(%ct) {callee = @L} : (tensor<3xf64>) -> (tensor<3xf64>, tensor<2xf64>)
  return %r#0, %r#1 : tensor<3xf64>, tensor<2xf64>
}
