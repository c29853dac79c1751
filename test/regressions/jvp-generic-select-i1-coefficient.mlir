// Regression (fixed): the JVP (and VJP) of an elementwise linalg.generic whose body uses
// arith.select on an arith.cmpf cannot be compiled: lintra hoists the i1
// condition into a tensor of i1 (a "coefficient"), which the lowering rejects.
// @f itself lowers and runs fine.
//
// Reproduce:   lintra-opt test/regressions/jvp-generic-select-i1-coefficient.mlir --lintra-ad --lintra-lower-to-llvm
// Expected:    LLVM dialect (the tangent is select(x > 0.5, dx, dx * cos(x))).
// Actual:      jvp-generic-select-i1-coefficient.mlir:25:8: error: 'memref.alloc' op
//              needs a memref of i1, which this MLIR build cannot lower to LLVM
//              (tensors of i1, or buffers yielded by scf.for/scf.if, are unsupported)
//              With lintra.vjp instead, @f_fwd even returns the tensor<3xi1> as a
//              residual: `@f_fwd(...) -> (tensor<3xf64>, tensor<3xf64>, tensor<3xi1>)`.
//
// Diagnosis: passes/core/coefficients.py, split_coefficients (new in 472fbb6)
// hoists every primal value the linear ops of the tangent body use, including
// the i1 result of arith.cmpf that the tangent `arith.select` reads, so the
// coefficient generic gets a tensor<3xi1> output. Tensors of i1 reaching memory
// were an upstream limitation the lowering reported (since stored as i8), but
// here lintra creates them: split_coefficients should hoist only float values
// (keep cmpf in the linear generic, reading the hoisted/direct float operands,
// or hoist select(cond, 1.0, 0.0)). Before the hoisting, such generics were
// differentiable and compiled. Hit by 7 of the first 120 fuzz seeds.
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %e = tensor.empty() : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
       ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %o: f64):
    %c = arith.constant 0.5 : f64
    %p = arith.cmpf ogt, %a, %c : f64
    %s = math.sin %a : f64
    %r = arith.select %p, %a, %s : f64
    linalg.yield %r : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @jf(%x: tensor<3xf64>, %t: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %r:2 = "lintra.jvp"(%x, %t) {callee = @f} : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %r#0, %r#1 : tensor<3xf64>, tensor<3xf64>
}
