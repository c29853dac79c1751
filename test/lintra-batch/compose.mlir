// Batching composes with AD both ways, and with itself.
// lintra-batch alone re-emits an AD op inside a vmapped function on the batched
// callee (vmap(grad f) = the cotangents of vjp(f_batched) seeded with ones),
// and batches calls of functions holding vmaps innermost first (vmap of vmap).
// lintra-ad expands vmaps and AD ops together, innermost first, so grad of a
// function calling a vmap works too. test_vmap_ir.py runs both pipelines.
// RUN: lintra-opt %s --lintra-batch=cleanup=false | FileCheck %s
// RUN: lintra-opt %s --lintra-ad | FileCheck %s --check-prefix=AD
// RUN: lintra-opt %s --lintra-batch --lintra-ad | mlir-opt | FileCheck %s --check-prefix=UPSTREAM
// Stock mlir-opt verifies lintra.vmap with the IRDL definition:
// RUN: mlir-opt --irdl-file=%irdl %s | FileCheck %s --check-prefix=IRDL

// IRDL: "lintra.vmap"(%{{.*}}) {axis_size = 4 : i64, callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>} : (tensor<4x3xf64>) -> tensor<4xf64>

// UPSTREAM-NOT: lintra.

// f(x) = sum(sin(x) * x)
func.func @f(%x: tensor<3xf64>) -> f64 {
  %s = math.sin %x : tensor<3xf64>
  %m = arith.mulf %s, %x : tensor<3xf64>
  %init = arith.constant dense<0.0> : tensor<f64>
  %r = linalg.reduce ins(%m : tensor<3xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%a: f64, %acc: f64) { %t = arith.addf %a, %acc : f64
      linalg.yield %t : f64 }
  %e = tensor.extract %r[] : tensor<f64>
  return %e : f64
}
func.func @df(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "lintra.grad"(%x) {callee = @f} : (tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
// CHECK-LABEL: func.func @vmap_grad(
//       CHECK:   call @df_batched(%{{.*}}) : (tensor<4x3xf64>) -> tensor<4x3xf64>
// AD-LABEL: func.func @vmap_grad(
//       AD:   call @df_batched(
func.func @vmap_grad(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @df, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}
func.func @fs(%xs: tensor<4x3xf64>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
func.func @total(%xs: tensor<4x3xf64>) -> f64 {
  %y = func.call @fs(%xs) : (tensor<4x3xf64>) -> tensor<4xf64>
  %init = arith.constant dense<0.0> : tensor<f64>
  %r = linalg.reduce ins(%y : tensor<4xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%a: f64, %acc: f64) { %t = arith.addf %a, %acc : f64
      linalg.yield %t : f64 }
  %e = tensor.extract %r[] : tensor<f64>
  return %e : f64
}
// grad of a function that calls a vmap: lintra-batch leaves the grad for lintra-ad.
// CHECK-LABEL: func.func @grad_vmap(
//       CHECK:   "lintra.grad"(%{{.*}}) {callee = @total}
// AD-LABEL: func.func @grad_vmap(
//       AD:   call @f_batched_fwd(
//       AD:   call @total_lin_transpose(
func.func @grad_vmap(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %0 = "lintra.grad"(%xs) {callee = @total} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}
// vmap of a function holding a vmap: the inner one first, then its batched callee
// is batched again.
// CHECK-LABEL: func.func @vmap_vmap(
//       CHECK:   call @fs_batched(%{{.*}}) : (tensor<2x4x3xf64>) -> tensor<2x4xf64>
func.func @vmap_vmap(%xs: tensor<2x4x3xf64>) -> tensor<2x4xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @fs, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 2 : i64} : (tensor<2x4x3xf64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// The batched grad: one vjp of the batched @f, seeded with ones.
// CHECK-LABEL: func.func private @df_batched(
//  CHECK-SAME:     %[[XS:.*]]: tensor<4x3xf64>) -> tensor<4x3xf64>
//       CHECK:   %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf64>
//       CHECK:   %[[V:.*]]:2 = "lintra.vjp"(%[[XS]], %[[ONES]]) {callee = @f_batched}
//  CHECK-SAME:     (tensor<4x3xf64>, tensor<4xf64>) -> (tensor<4xf64>, tensor<4x3xf64>)
//       CHECK:   return %[[V]]#1

// The sum over each member's elements: a reduce over dim 1.
// CHECK-LABEL: func.func private @f_batched(
//       CHECK:   math.sin %{{.*}} : tensor<4x3xf64>
//       CHECK:   linalg.reduce ins(%{{.*}} : tensor<4x3xf64>) outs(%{{.*}} : tensor<4xf64>) dimensions = [1]

// CHECK-LABEL: func.func private @fs_batched(
//       CHECK:   call @f_batched_batched(%{{.*}}) : (tensor<2x4x3xf64>) -> tensor<2x4xf64>
// CHECK-LABEL: func.func private @f_batched_batched(
//       CHECK:   linalg.reduce ins(%{{.*}} : tensor<2x4x3xf64>) outs(%{{.*}} : tensor<2x4xf64>) dimensions = [2]
