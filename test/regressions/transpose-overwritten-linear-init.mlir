// Regression (fixed): lintra.transpose rejects a linear function in which linalg.fill,
// linalg.copy, linalg.broadcast or linalg.transpose writes into an `outs`
// tensor that depends on a {lintra.linear} argument. These ops overwrite their
// init without reading it, so the function is linear (the init's cotangent is
// zero); lintra calls it "not linear".
//
// Reproduce:   lintra-opt test/regressions/transpose-overwritten-linear-init.mlir --lintra-ad
// Expected:    @Lt(ct) = (ct, 0): L(a, t) = copy(a), whatever t is.
// Actual:      transpose-overwritten-linear-init.mlir:24:8: error: 'linalg.copy' op is
//              not linear in operand #1, which depends on a linear argument: the
//              function is not linear
//              (the same with `linalg.fill ins(%s) outs(%t)`, `linalg.broadcast ... outs(%t)`;
//              lintra.jvp/vjp are fine: their tangent ops get a fresh tensor.empty init)
//
// Diagnosis: passes/core/tables.py deflinear(..., overwritten_init=1) (used by
// passes/rules/linalg.py for fill, copy, transpose, broadcast) gives the
// TransposeRule only `positions` ({0}); check_linear_op in passes/core/transpose.py
// then rejects any linear operand outside linear_positions | bilinear pairs |
// free_positions. The overwritten init should be a free position (its
// cotangent is None). Found by the linear-function fuzzer
// (fuzz_programs.random_linear_case, seeds 2 and 5 before it stopped generating
// these).
func.func @L(%a: tensor<3xf64> {lintra.linear}, %t: tensor<3xf64> {lintra.linear}) -> tensor<3xf64> {
  %0 = linalg.copy ins(%a : tensor<3xf64>) outs(%t : tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @Lt(%ct: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %r:2 = "lintra.transpose"(%ct) {callee = @L} : (tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %r#0, %r#1 : tensor<3xf64>, tensor<3xf64>
}
