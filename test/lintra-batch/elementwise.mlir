// lintra-batch on elementwise ops (arith, math): batched operands are brought to
// the batch dim of the first batched one, unbatched ones broadcast to it, and
// the op is applied to the batched tensors. A batched scalar is a tensor<B x T>.
// RUN: lintra-opt %s --lintra-batch=cleanup=false | FileCheck %s
// RUN: lintra-opt %s --lintra-batch | mlir-opt | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM-NOT: lintra.

func.func @f(%x: f64, %y: f64) -> f64 {
  %0 = math.sin %x : f64
  %1 = arith.mulf %0, %y : f64
  %c = arith.cmpf olt, %x, %y : f64
  %2 = arith.select %c, %1, %y : f64
  return %2 : f64
}

// Only %x is batched: %y is broadcast (linalg.fill) where a batched op reads it.
// CHECK-LABEL: func.func @only_x(
//  CHECK-SAME:     %[[XS:.*]]: tensor<5xf64>, %[[Y:.*]]: f64) -> tensor<5xf64>
//       CHECK:   %[[R:.*]] = call @f_batched(%[[XS]], %[[Y]]) : (tensor<5xf64>, f64) -> tensor<5xf64>
//       CHECK:   return %[[R]]
func.func @only_x(%xs: tensor<5xf64>, %y: f64) -> tensor<5xf64> {
  %0 = "lintra.vmap"(%xs, %y) {callee = @f, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>, axis_size = 5 : i64} : (tensor<5xf64>, f64) -> tensor<5xf64>
  return %0 : tensor<5xf64>
}

// Both batched (a second pattern, so a second batched function).
// CHECK-LABEL: func.func @both(
//       CHECK:   call @f_batched_1(
func.func @both(%xs: tensor<5xf64>, %ys: tensor<5xf64>) -> tensor<5xf64> {
  %0 = "lintra.vmap"(%xs, %ys) {callee = @f, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 5 : i64} : (tensor<5xf64>, tensor<5xf64>) -> tensor<5xf64>
  return %0 : tensor<5xf64>
}

// Tensors batched on different dims: the second moves to the first's batch dim
// (dim 1); the result is then moved to out_axes = 0.
func.func @add(%a: tensor<3xf64>, %b: tensor<3xf64>) -> tensor<3xf64> {
  %0 = arith.addf %a, %b : tensor<3xf64>
  %1 = math.exp %0 : tensor<3xf64>
  return %1 : tensor<3xf64>
}

// CHECK-LABEL: func.func @axes(
//  CHECK-SAME:     %[[A:.*]]: tensor<3x4xf64>, %[[B:.*]]: tensor<4x3xf64>) -> tensor<4x3xf64>
//       CHECK:   %[[AT:.*]] = linalg.transpose ins(%[[A]] : tensor<3x4xf64>) outs(%{{.*}} : tensor<4x3xf64>) permutation = [1, 0]
//       CHECK:   %[[R:.*]] = call @add_batched(%[[AT]], %[[B]])
//       CHECK:   return %[[R]]
func.func @axes(%a: tensor<3x4xf64>, %b: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %0 = "lintra.vmap"(%a, %b) {callee = @add, in_axes = array<i64: 1, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<3x4xf64>, tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// out_axes = 1 moves the batch dim of the result.
// CHECK-LABEL: func.func @out_axis(
//       CHECK:   %[[R:.*]] = call @add_batched(
//       CHECK:   linalg.transpose ins(%[[R]] : tensor<4x3xf64>) outs(%{{.*}} : tensor<3x4xf64>) permutation = [1, 0]
func.func @out_axis(%a: tensor<4x3xf64>, %b: tensor<4x3xf64>) -> tensor<3x4xf64> {
  %0 = "lintra.vmap"(%a, %b) {callee = @add, in_axes = array<i64: 0, 0>, out_axes = array<i64: 1>, axis_size = 4 : i64} : (tensor<4x3xf64>, tensor<4x3xf64>) -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}

// The batched functions follow the user functions.
// CHECK-LABEL: func.func private @f_batched(
//  CHECK-SAME:     %[[X:.*]]: tensor<5xf64>, %[[Y:.*]]: f64) -> tensor<5xf64>
//       CHECK:   %[[S:.*]] = math.sin %[[X]] : tensor<5xf64>
//       CHECK:   %[[YB:.*]] = linalg.fill ins(%[[Y]] : f64) outs(%{{.*}} : tensor<5xf64>)
//       CHECK:   %[[M:.*]] = arith.mulf %[[S]], %[[YB]] : tensor<5xf64>
//       CHECK:   %[[C:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : tensor<5xf64>
//       CHECK:   linalg.fill
//       CHECK:   %[[R:.*]] = arith.select %[[C]], %[[M]], %{{.*}} : tensor<5xi1>, tensor<5xf64>
//       CHECK:   return %[[R]]

// Both batched: a second pattern, a second function.
// CHECK-LABEL: func.func private @f_batched_1(
//  CHECK-SAME:     tensor<5xf64>, %{{.*}}: tensor<5xf64>) -> tensor<5xf64>
//   CHECK-NOT:   linalg.fill
//       CHECK:   return

// CHECK-LABEL: func.func private @add_batched(
//  CHECK-SAME:     %[[A:.*]]: tensor<4x3xf64>, %[[B:.*]]: tensor<4x3xf64>) -> tensor<4x3xf64>
//       CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[B]] : tensor<4x3xf64>
//       CHECK:   math.exp %[[S]] : tensor<4x3xf64>
