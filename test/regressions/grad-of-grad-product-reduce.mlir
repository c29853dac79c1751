// Regression (fixed): second-order derivatives of a product reduction fail: lintra cannot
// differentiate the code its own linalg.reduce (mulf) JVP rule emits.
//
// Reproduce:   lintra-opt test/regressions/grad-of-grad-product-reduce.mlir --lintra-ad
// Expected:    @hvp computes the Hessian-vector product of prod(x)
//              (first order, @g alone, works).
// Actual:      grad-of-grad-product-reduce.mlir:21:8: error: 'linalg.generic' op is a
//              reduction whose body uses its accumulator non-linearly; lintra
//              differentiates such reductions only as linalg.reduce
//              (reported at the user's linalg.reduce)
//
// Diagnosis: passes/rules/linalg.py, product_reduce_jvp computes the product of
// the non-zero elements with passes/core/structured.py reduce_sum(..., "arith.mulf",
// 1.0), which emits a linalg.generic whose body is `acc * x`. That generic ends
// up in @g_fwd, and generic_jvp (passes/core/generic.py) rejects reductions whose
// accumulator is not additive. The rule should emit a linalg.reduce for
// non-additive combiners (which reduce_jvp differentiates), or generic_jvp should
// route single-op mulf/max/min reduction bodies to the linalg.reduce rules.
func.func @f(%x: tensor<3xf64>) -> f64 {
  %one = arith.constant dense<1.0> : tensor<f64>
  %p = linalg.reduce ins(%x : tensor<3xf64>) outs(%one : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %m = arith.mulf %in, %acc : f64
      linalg.yield %m : f64
    }
  %r = tensor.extract %p[] : tensor<f64>
  return %r : f64
}
func.func @g(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "lintra.grad"(%x) {callee = @f} : (tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @hvp(%x: tensor<3xf64>, %v: tensor<3xf64>) -> tensor<3xf64> {
  %0:2 = "lintra.jvp"(%x, %v) {callee = @g} : (tensor<3xf64>, tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>)
  return %0#1 : tensor<3xf64>
}
