// lintra-ad's clean-up folds broadcasts and transposes into the contractions
// that read them (passes/core/contractions.py).
// RUN: lintra-opt %s --split-input-file --lintra-ad | FileCheck %s

// The gradient of sum(tanh(A@B)@C): the seed cotangent of the sum is a
// broadcast of 1.0, and the two matmuls against it become reductions (row and
// column sums), so the gradient does 3 matmuls, as JAX's does.

// CHECK-LABEL: func.func private @f_fwd(
//       CHECK:   linalg.matmul
//   CHECK-NOT:   linalg.matmul
//       CHECK:   return
// CHECK-LABEL: func.func private @f_lin_transpose(
//  CHECK-SAME:     %[[B:[^:]*]]: tensor<5x4xf32>, %[[A:[^:]*]]: tensor<3x5xf32>, %{{[^:]*}}: tensor<3x4xf32>, %[[C:[^:]*]]: tensor<4x2xf32>, %[[T:[^:]*]]: tensor<3x4xf32>)
//   CHECK-NOT:   linalg.matmul
//   CHECK-DAG:   linalg.reduce ins(%[[T]] : tensor<3x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
//   CHECK-DAG:   linalg.reduce ins(%[[C]] : tensor<4x2xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [1]
//       CHECK:   linalg.matmul {{.*}}ins(%[[A]], %{{.*}} : tensor<3x5xf32>, tensor<3x4xf32>)
//       CHECK:   linalg.matmul {{.*}}ins(%{{.*}}, %[[B]] : tensor<3x4xf32>, tensor<5x4xf32>)
//   CHECK-NOT:   linalg.matmul
//       CHECK:   return
func.func @f(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<4x2xf32>) -> f32 {
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<3x4xf32>
  %i0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<3x4xf32>) -> tensor<3x4xf32>
  %ab = linalg.matmul ins(%a, %b : tensor<3x5xf32>, tensor<5x4xf32>) outs(%i0 : tensor<3x4xf32>) -> tensor<3x4xf32>
  %t = math.tanh %ab : tensor<3x4xf32>
  %e1 = tensor.empty() : tensor<3x2xf32>
  %i1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<3x2xf32>) -> tensor<3x2xf32>
  %tc = linalg.matmul ins(%t, %c : tensor<3x4xf32>, tensor<4x2xf32>) outs(%i1 : tensor<3x2xf32>) -> tensor<3x2xf32>
  %e2 = tensor.empty() : tensor<f32>
  %i2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%tc : tensor<3x2xf32>) outs(%i2 : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %0 = arith.addf %in, %acc : f32
      linalg.yield %0 : f32
    }
  %r = tensor.extract %s[] : tensor<f32>
  return %r : f32
}
func.func @grad(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<4x2xf32>) -> (tensor<3x5xf32>, tensor<5x4xf32>, tensor<4x2xf32>) {
  %g:3 = "lintra.grad"(%a, %b, %c) {callee = @f}
      : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<4x2xf32>) -> (tensor<3x5xf32>, tensor<5x4xf32>, tensor<4x2xf32>)
  return %g#0, %g#1, %g#2 : tensor<3x5xf32>, tensor<5x4xf32>, tensor<4x2xf32>
}

// -----

// A transposed operand of a matmul in a derived function is read through the
// matmul's indexing maps: no linalg.transpose is left in the JVP.

// CHECK-LABEL: func.func private @h_lin(
//   CHECK-NOT:   linalg.transpose
//       CHECK:   linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<5x3xf64>, tensor<5x4xf64>)
//   CHECK-NOT:   linalg.transpose
//       CHECK:   return
func.func @h(%x: tensor<5x3xf64>, %y: tensor<5x4xf64>) -> tensor<3x4xf64> {
  %e = tensor.empty() : tensor<3x5xf64>
  %xt = linalg.transpose ins(%x : tensor<5x3xf64>) outs(%e : tensor<3x5xf64>) permutation = [1, 0]
  %s = math.sin %y : tensor<5x4xf64>
  %z = arith.constant dense<0.0> : tensor<3x4xf64>
  %p = linalg.matmul ins(%xt, %s : tensor<3x5xf64>, tensor<5x4xf64>) outs(%z : tensor<3x4xf64>) -> tensor<3x4xf64>
  return %p : tensor<3x4xf64>
}
func.func @jvp_h(%x: tensor<5x3xf64>, %y: tensor<5x4xf64>, %dx: tensor<5x3xf64>, %dy: tensor<5x4xf64>) -> tensor<3x4xf64> {
  %p, %dp = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @h}
      : (tensor<5x3xf64>, tensor<5x4xf64>, tensor<5x3xf64>, tensor<5x4xf64>) -> (tensor<3x4xf64>, tensor<3x4xf64>)
  return %dp : tensor<3x4xf64>
}
