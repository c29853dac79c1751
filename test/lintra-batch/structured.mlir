// lintra-batch on linalg: a linalg.generic gets one more parallel loop (dim 0)
// over the batch, unbatched inputs are read as they are (no broadcast), outputs
// get the batch dim (a tensor.empty or splat constant init just grows), and
// linalg.index dims shift by one; a matmul of two batched factors becomes a
// batch_matmul, other batched contractions a generic; reduce, transpose,
// broadcast and fill shift their dims. Calls are batched through a batched
// callee generated once per pattern of batched arguments.
// RUN: lintra-opt %s --lintra-batch=cleanup=false | FileCheck %s
// RUN: lintra-opt %s --lintra-batch | mlir-opt | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM-NOT: lintra.

//   CHECK-DAG: #[[B3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
//   CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2) -> (d2)>
//   CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
//   CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
//   CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @scale(%x: tensor<2x3xf64>, %w: tensor<3xf64>) -> tensor<2x3xf64> {
  %e = tensor.empty() : tensor<2x3xf64>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : tensor<2x3xf64>, tensor<3xf64>) outs(%e : tensor<2x3xf64>) {
  ^bb0(%a: f64, %b: f64, %o: f64):
    %i = linalg.index 1 : index
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f64
    %m = arith.mulf %a, %b : f64
    %r = arith.addf %m, %f : f64
    linalg.yield %r : f64
  } -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// CHECK-LABEL: func.func @batch_scale(
//       CHECK:   call @scale_batched(%{{.*}}, %{{.*}}) : (tensor<4x2x3xf64>, tensor<3xf64>) -> tensor<4x2x3xf64>
func.func @batch_scale(%x: tensor<4x2x3xf64>, %w: tensor<3xf64>) -> tensor<4x2x3xf64> {
  %0 = "lintra.vmap"(%x, %w) {callee = @scale, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x2x3xf64>, tensor<3xf64>) -> tensor<4x2x3xf64>
  return %0 : tensor<4x2x3xf64>
}

func.func @mm(%a: tensor<2x3xf64>, %b: tensor<3x5xf64>) -> tensor<2x5xf64> {
  %z = arith.constant dense<0.0> : tensor<2x5xf64>
  %0 = linalg.matmul ins(%a, %b : tensor<2x3xf64>, tensor<3x5xf64>) outs(%z : tensor<2x5xf64>) -> tensor<2x5xf64>
  return %0 : tensor<2x5xf64>
}

// Two calls with the same pattern share one batched callee.
// CHECK-LABEL: func.func @mm_both(
//       CHECK:   call @mm_batched(
//       CHECK:   call @mm_batched(
func.func @mm_both(%a: tensor<4x2x3xf64>, %b: tensor<4x3x5xf64>) -> (tensor<4x2x5xf64>, tensor<4x2x5xf64>) {
  %0 = "lintra.vmap"(%a, %b) {callee = @mm, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x2x3xf64>, tensor<4x3x5xf64>) -> tensor<4x2x5xf64>
  %1 = "lintra.vmap"(%a, %b) {callee = @mm, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x2x3xf64>, tensor<4x3x5xf64>) -> tensor<4x2x5xf64>
  return %0, %1 : tensor<4x2x5xf64>, tensor<4x2x5xf64>
}

// CHECK-LABEL: func.func @mm_right(
//       CHECK:   %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x4x5xf64>) outs(%{{.*}} : tensor<4x3x5xf64>) permutation = [1, 0, 2]
//       CHECK:   call @mm_batched_1(%{{.*}}, %[[T]]) : (tensor<2x3xf64>, tensor<4x3x5xf64>) -> tensor<4x2x5xf64>
func.func @mm_right(%a: tensor<2x3xf64>, %b: tensor<3x4x5xf64>) -> tensor<4x2x5xf64> {
  %0 = "lintra.vmap"(%a, %b) {callee = @mm, in_axes = array<i64: -1, 1>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<2x3xf64>, tensor<3x4x5xf64>) -> tensor<4x2x5xf64>
  return %0 : tensor<4x2x5xf64>
}

func.func @shapes(%x: tensor<2x3xf64>, %s: f64) -> (tensor<3xf64>, tensor<3x2xf64>, tensor<2x3x2xf64>) {
  %init = arith.constant dense<0.0> : tensor<3xf64>
  %r = linalg.reduce ins(%x : tensor<2x3xf64>) outs(%init : tensor<3xf64>) dimensions = [0]
    (%a: f64, %acc: f64) { %t = arith.addf %a, %acc : f64
      linalg.yield %t : f64 }
  %e = tensor.empty() : tensor<3x2xf64>
  %t = linalg.transpose ins(%x : tensor<2x3xf64>) outs(%e : tensor<3x2xf64>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<2x3x2xf64>
  %f = linalg.fill ins(%s : f64) outs(%e2 : tensor<2x3x2xf64>) -> tensor<2x3x2xf64>
  %b = linalg.broadcast ins(%t : tensor<3x2xf64>) outs(%f : tensor<2x3x2xf64>) dimensions = [0]
  return %r, %t, %b : tensor<3xf64>, tensor<3x2xf64>, tensor<2x3x2xf64>
}

// CHECK-LABEL: func.func @batch_shapes(
//       CHECK:   linalg.transpose ins(%{{.*}} : tensor<2x3x4xf64>) outs(%{{.*}} : tensor<4x2x3xf64>) permutation = [2, 0, 1]
func.func @batch_shapes(%x: tensor<2x3x4xf64>, %s: tensor<4xf64>) -> (tensor<4x3xf64>, tensor<4x3x2xf64>, tensor<4x2x3x2xf64>) {
  %0:3 = "lintra.vmap"(%x, %s) {callee = @shapes, in_axes = array<i64: 2, 0>, out_axes = array<i64: 0, 0, 0>, axis_size = 4 : i64} : (tensor<2x3x4xf64>, tensor<4xf64>) -> (tensor<4x3xf64>, tensor<4x3x2xf64>, tensor<4x2x3x2xf64>)
  return %0#0, %0#1, %0#2 : tensor<4x3xf64>, tensor<4x3x2xf64>, tensor<4x2x3x2xf64>
}

// CHECK-LABEL: func.func private @scale_batched(
//  CHECK-SAME:     %[[X:.*]]: tensor<4x2x3xf64>, %[[W:.*]]: tensor<3xf64>)
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<4x2x3xf64>
//       CHECK:   linalg.generic {indexing_maps = [#[[B3]], #[[ROW]], #[[B3]]], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[X]], %[[W]] : tensor<4x2x3xf64>, tensor<3xf64>) outs(%[[E]] : tensor<4x2x3xf64>)
//       CHECK:     linalg.index 2 : index

// CHECK-LABEL: func.func private @mm_batched(
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4x2x5xf64>
//       CHECK:   linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<4x2x3xf64>, tensor<4x3x5xf64>) outs(%[[Z]] : tensor<4x2x5xf64>)
//   CHECK-NOT: func.func private @mm_batched_

// CHECK-LABEL: func.func private @mm_batched_1(
//       CHECK:   linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
//  CHECK-SAME:     ins(%{{.*}}, %{{.*}} : tensor<2x3xf64>, tensor<4x3x5xf64>)

// CHECK-LABEL: func.func private @shapes_batched(
//  CHECK-SAME:     %[[X:.*]]: tensor<4x2x3xf64>, %[[S:.*]]: tensor<4xf64>)
//       CHECK:   linalg.reduce ins(%[[X]] : tensor<4x2x3xf64>) outs(%{{.*}} : tensor<4x3xf64>) dimensions = [1]
//       CHECK:   %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<4x2x3xf64>) outs(%{{.*}} : tensor<4x3x2xf64>) permutation = [0, 2, 1]
//       CHECK:   %[[F:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<4xf64>) outs(%{{.*}} : tensor<4x2x3x2xf64>)
//       CHECK:   linalg.broadcast ins(%[[T]] : tensor<4x3x2xf64>) outs(%[[F]] : tensor<4x2x3x2xf64>) dimensions = [1]
