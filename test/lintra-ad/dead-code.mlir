// lintra-ad removes dead tangent and residual code across generated functions:
// unused results of generated functions are dropped (at every call site),
// then arguments they no longer read, then the ops that computed them.
// RUN: lintra-opt %s --split-input-file --lintra-ad | FileCheck %s

// jvp of a two-result function where only the first tangent is used: lintra-ad
// expands lintra.jvp into @two_fwd and @two_lin, and log(y), its tangent and
// the primal results disappear from both.

// CHECK-LABEL: func.func @only_first_tangent(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64, %[[DX:[^:]*]]: f64, %[[DY:[^:]*]]: f64) -> f64
//       CHECK:   %[[F:.*]]:3 = call @two_fwd(%[[X]], %[[Y]]) : (f64, f64) -> (f64, f64, f64)
//       CHECK:   %[[T:.*]] = call @two_lin(%[[F]]#0, %[[F]]#1, %[[F]]#2, %[[DX]], %[[DY]])
//       CHECK:   return %[[T]] : f64
// CHECK-LABEL: func.func private @two_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//   CHECK-NOT:   math.log
//   CHECK-DAG:   %[[S:.*]] = math.sin %[[X]]
//   CHECK-DAG:   %[[C:.*]] = math.cos %[[X]]
//   CHECK-DAG:   %[[E:.*]] = math.exp %[[Y]]
//   CHECK-NOT:   math.log
//       CHECK:   return %[[C]], %[[E]], %[[S]] : f64, f64, f64
// CHECK-LABEL: func.func private @two_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: f64, %[[E:[^:]*]]: f64, %[[S:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   arith.divf
//       CHECK:   %[[DS:.*]] = arith.mulf %[[DX]], %[[C]]
//       CHECK:   %[[DE:.*]] = arith.mulf %[[DY]], %[[E]]
//       CHECK:   %[[A:.*]] = arith.mulf %[[DS]], %[[E]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[S]], %[[DE]]
//       CHECK:   %[[R:.*]] = arith.addf %[[A]], %[[B]]
//   CHECK-NOT:   arith.divf
//       CHECK:   return %[[R]] : f64
func.func @two(%x: f64, %y: f64) -> (f64, f64) {
  %0 = math.sin %x : f64
  %1 = math.exp %y : f64
  %2 = arith.mulf %0, %1 : f64
  %3 = math.log %y : f64
  return %2, %3 : f64, f64
}

func.func @only_first_tangent(%x: f64, %y: f64, %dx: f64, %dy: f64) -> f64 {
  %r:4 = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @two} : (f64, f64, f64, f64) -> (f64, f64, f64, f64)
  return %r#2 : f64
}

// -----

// grad of a function that calls @two and ignores its second result, and only
// the gradient with respect to %x is used: log(y) is never computed, the
// residual sin(x) (only needed for the y-cotangent) is dropped, and the
// transpose returns a single cotangent: ct * exp(y) * cos(x).

// The 1.0 seed moves into the transposed function (every caller passes it),
// where canonicalize folds the multiplication by one away; @sum_first_fwd and
// @sum_first_lin_transpose only forwarded to @two's halves, so @grad_first
// calls those directly.
// CHECK-LABEL: func.func @grad_first(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> f64
//       CHECK:   %[[F:.*]]:2 = call @two_fwd(%[[X]], %[[Y]]) : (f64, f64) -> (f64, f64)
//       CHECK:   %[[G:.*]] = call @two_lin_transpose(%[[F]]#0, %[[F]]#1) : (f64, f64) -> f64
//       CHECK:   return %[[G]] : f64
// CHECK-LABEL: func.func private @two_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64)
//   CHECK-NOT:   math.log
//   CHECK-NOT:   math.sin
//       CHECK:   %[[C:.*]] = math.cos %[[X]]
//       CHECK:   %[[E:.*]] = math.exp %[[Y]]
//       CHECK:   return %[[C]], %[[E]] : f64, f64
// CHECK-LABEL: func.func private @two_lin_transpose(
//  CHECK-SAME:     %[[C:[^:]*]]: f64, %[[E:[^:]*]]: f64) -> f64
//       CHECK:   %[[A:.*]] = arith.mulf %[[E]], %[[C]]
//       CHECK:   return %[[A]] : f64
//   CHECK-NOT: @two_jvp
//   CHECK-NOT: @two_lin(
//   CHECK-NOT: @sum_first_
func.func @two(%x: f64, %y: f64) -> (f64, f64) {
  %0 = math.sin %x : f64
  %1 = math.exp %y : f64
  %2 = arith.mulf %0, %1 : f64
  %3 = math.log %y : f64
  return %2, %3 : f64, f64
}

func.func @sum_first(%x: f64, %y: f64) -> f64 {
  %r:2 = call @two(%x, %y) : (f64, f64) -> (f64, f64)
  return %r#0 : f64
}

func.func @grad_first(%x: f64, %y: f64) -> f64 {
  %g:2 = "lintra.grad"(%x, %y) {callee = @sum_first} : (f64, f64) -> (f64, f64)
  return %g#0 : f64
}

// -----

// A tensor program (sum(tanh(x . w))) where only the gradient with respect to
// the weights is used: the cotangent of x (a second matmul) is pruned, and so
// is the residual it needed (w).

// (x itself is passed by the caller; the 1.0 seed moved into the transpose.)
// CHECK-LABEL: func.func @grad_w(
//  CHECK-SAME:     %[[W:[^:]*]]: tensor<3x4xf64>, %[[X:[^:]*]]: tensor<5x3xf64>) -> tensor<3x4xf64>
//       CHECK:   %[[D:.*]] = call @f_fwd(%[[W]], %[[X]]) : (tensor<3x4xf64>, tensor<5x3xf64>) -> tensor<5x4xf64>
//       CHECK:   %[[G:.*]] = call @f_lin_transpose(%[[X]], %[[D]]) : (tensor<5x3xf64>, tensor<5x4xf64>) -> tensor<3x4xf64>
//       CHECK:   return %[[G]]
// CHECK-LABEL: func.func private @f_lin_transpose(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<5x3xf64>, %[[D:[^:]*]]: tensor<5x4xf64>) -> tensor<3x4xf64>
//   CHECK-NOT:   math.
//       CHECK:   %[[M:.*]] = arith.mulf %{{.*}}, %[[D]]
//       CHECK:   %[[GW:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[X]], %[[M]] : tensor<5x3xf64>, tensor<5x4xf64>)
//   CHECK-NOT:   linalg.matmul
//       CHECK:   return %[[GW]] : tensor<3x4xf64>
func.func @f(%w1: tensor<3x4xf64>, %x: tensor<5x3xf64>) -> f64 {
  %z = arith.constant 0.0 : f64
  %e1 = tensor.empty() : tensor<5x4xf64>
  %c1 = linalg.fill ins(%z : f64) outs(%e1 : tensor<5x4xf64>) -> tensor<5x4xf64>
  %h = linalg.matmul ins(%x, %w1 : tensor<5x3xf64>, tensor<3x4xf64>) outs(%c1 : tensor<5x4xf64>) -> tensor<5x4xf64>
  %a = math.tanh %h : tensor<5x4xf64>
  %e0 = tensor.empty() : tensor<f64>
  %c0 = linalg.fill ins(%z : f64) outs(%e0 : tensor<f64>) -> tensor<f64>
  %s = linalg.reduce ins(%a : tensor<5x4xf64>) outs(%c0 : tensor<f64>) dimensions = [0, 1]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %r = tensor.extract %s[] : tensor<f64>
  return %r : f64
}

func.func @grad_w(%w1: tensor<3x4xf64>, %x: tensor<5x3xf64>) -> tensor<3x4xf64> {
  %0:2 = "lintra.grad"(%w1, %x) {callee = @f} : (tensor<3x4xf64>, tensor<5x3xf64>) -> (tensor<3x4xf64>, tensor<5x3xf64>)
  return %0#0 : tensor<3x4xf64>
}
