// lintra-ad differentiates the linear-algebra ops by their rules, then
// decomposes them: its output is upstream-only unless keep-linalg-ops is set.
// RUN: lintra-opt %s --lintra-ad | FileCheck %s
// RUN: lintra-opt %s --pass-pipeline='builtin.module(lintra-ad{keep-linalg-ops})' | FileCheck %s --check-prefix=KEEP

// CHECK-LABEL: func.func @df(
//   CHECK-NOT: lintra.
//       CHECK: math.sqrt
// KEEP-LABEL: func.func @df(
//       KEEP: "lintra.
func.func @f(%a: tensor<3x3xf64>) -> f64 {
  %l = "lintra.cholesky"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  %e = tensor.empty() : tensor<f64>
  %z = arith.constant 0.0 : f64
  %i = linalg.fill ins(%z : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %s = linalg.reduce ins(%l : tensor<3x3xf64>) outs(%i : tensor<f64>) dimensions = [0, 1]
    (%x: f64, %acc: f64) {
      %y = arith.addf %x, %acc : f64
      linalg.yield %y : f64
    }
  %r = tensor.extract %s[] : tensor<f64>
  return %r : f64
}

func.func @df(%a: tensor<3x3xf64>) -> tensor<3x3xf64> {
  %g = "lintra.grad"(%a) {callee = @f} : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %g : tensor<3x3xf64>
}
