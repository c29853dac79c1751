// lintra-batch on structured control flow (scf): region bodies are batched in
// place, and may read batched values from outside. A carried value is batched
// when its init or its yielded value is (an unbatched init is broadcast). A
// batched scf.if/scf.index_switch condition runs every branch and selects per
// batch member; a batched scf.while condition runs while any member's holds,
// keeping the carried values of the members that are done.
// RUN: lintra-opt %s --lintra-batch=cleanup=false | FileCheck %s
// RUN: lintra-opt %s --lintra-batch | mlir-opt | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM-NOT: "lintra.

// for: carried value batched through its init; a batched capture makes an unbatched init batched.
func.func @loop(%x: f64, %w: f64) -> (f64, f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %z = arith.constant 0.0 : f64
  %0:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x, %s = %z) -> (f64, f64) {
    %n = math.sin %a : f64
    %t = arith.addf %s, %w : f64
    scf.yield %n, %t : f64, f64
  }
  return %0#0, %0#1 : f64, f64
}
// CHECK-LABEL: func.func private @loop_batched(
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf64>
//       CHECK:   scf.for {{.*}} iter_args(%[[A:.*]] = %arg0, %[[S:.*]] = %[[Z]]) -> (tensor<4xf64>, tensor<4xf64>)
//       CHECK:     math.sin %[[A]] : tensor<4xf64>
//       CHECK:     arith.addf %[[S]], %arg1 : tensor<4xf64>
//       CHECK:     scf.yield {{.*}} : tensor<4xf64>, tensor<4xf64>
func.func @vmap_loop(%xs: tensor<4xf64>, %ws: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) {
  %0:2 = "lintra.vmap"(%xs, %ws) {callee = @loop, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0, 0>, axis_size = 4 : i64} : (tensor<4xf64>, tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>)
  return %0#0, %0#1 : tensor<4xf64>, tensor<4xf64>
}

func.func @branch(%p: i1, %x: f64, %y: f64) -> f64 {
  %0 = scf.if %p -> (f64) {
    %s = math.sin %x : f64
    scf.yield %s : f64
  } else {
    scf.yield %y : f64
  }
  return %0 : f64
}
// CHECK-LABEL: func.func private @branch_batched(
//  CHECK-SAME:     %arg0: i1
//       CHECK:   scf.if %arg0 -> (tensor<4xf64>)
//       CHECK:     math.sin %arg1 : tensor<4xf64>
//       CHECK:   } else {
//       CHECK:     %[[F:.*]] = linalg.fill ins(%arg2 : f64)
//       CHECK:     scf.yield %[[F]] : tensor<4xf64>
func.func @vmap_if_unbatched(%p: i1, %xs: tensor<4xf64>, %y: f64) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%p, %xs, %y) {callee = @branch, in_axes = array<i64: -1, 0, -1>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (i1, tensor<4xf64>, f64) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
// CHECK-LABEL: func.func private @branch_batched_1(
//  CHECK-SAME:     %arg0: tensor<4xi1>
//   CHECK-NOT:   scf.if
//       CHECK:   math.sin %arg1 : f64
//       CHECK:   %[[T:.*]] = linalg.fill
//       CHECK:   %[[E:.*]] = linalg.fill ins(%arg2
//       CHECK:   arith.select %arg0, %[[T]], %[[E]] : tensor<4xi1>, tensor<4xf64>
func.func @vmap_if_batched(%p: tensor<4xi1>, %x: f64, %y: f64) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%p, %x, %y) {callee = @branch, in_axes = array<i64: 0, -1, -1>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4xi1>, f64, f64) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

func.func @switch(%i: index, %x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = scf.index_switch %i -> tensor<3xf64>
  case 0 {
    %s = math.sin %x : tensor<3xf64>
    scf.yield %s : tensor<3xf64>
  }
  case 1 {
    %s = math.cos %x : tensor<3xf64>
    scf.yield %s : tensor<3xf64>
  }
  default {
    scf.yield %x : tensor<3xf64>
  }
  return %0 : tensor<3xf64>
}
// CHECK-LABEL: func.func private @switch_batched(
//   CHECK-NOT:   scf.index_switch
//       CHECK:   %[[I:.*]] = arith.index_cast %arg0 : tensor<2xindex> to tensor<2xi64>
//       CHECK:   %[[C0:.*]] = arith.cmpi eq, %[[I]], %{{.*}} : tensor<2xi64>
//       CHECK:   %[[M0:.*]] = linalg.generic {{.*}} ins(%[[C0]] : tensor<2xi1>) outs({{.*}} : tensor<2x3xi1>)
//       CHECK:   %[[S0:.*]] = arith.select %[[M0]], {{.*}} : tensor<2x3xi1>, tensor<2x3xf64>
//       CHECK:   %[[C1:.*]] = arith.cmpi eq, %[[I]], %{{.*}} : tensor<2xi64>
//       CHECK:   arith.select %{{.*}}, %{{.*}}, %[[S0]] : tensor<2x3xi1>, tensor<2x3xf64>
func.func @vmap_switch(%i: tensor<2xindex>, %x: tensor<3xf64>) -> tensor<2x3xf64> {
  %0 = "lintra.vmap"(%i, %x) {callee = @switch, in_axes = array<i64: 0, -1>, out_axes = array<i64: 0>, axis_size = 2 : i64} : (tensor<2xindex>, tensor<3xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}
// CHECK-LABEL: func.func private @switch_batched_1(
//       CHECK:   scf.index_switch %arg0 -> tensor<2x3xf64>
//       CHECK:     math.sin %arg1 : tensor<2x3xf64>
//       CHECK:     math.cos %arg1 : tensor<2x3xf64>
//       CHECK:   default {
//       CHECK:     scf.yield %arg1 : tensor<2x3xf64>
func.func @vmap_switch_unbatched(%i: index, %x: tensor<3x2xf64>) -> tensor<2x3xf64> {
  %0 = "lintra.vmap"(%i, %x) {callee = @switch, in_axes = array<i64: -1, 1>, out_axes = array<i64: 0>, axis_size = 2 : i64} : (index, tensor<3x2xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

func.func @while(%x: f64, %bound: f64) -> f64 {
  %0 = scf.while (%a = %x) : (f64) -> f64 {
    %c = arith.cmpf olt, %a, %bound : f64
    scf.condition(%c) %a : f64
  } do {
  ^bb0(%a: f64):
    %two = arith.constant 2.0 : f64
    %n = arith.mulf %a, %two : f64
    scf.yield %n : f64
  } attributes {lintra.max_trip_count = 20 : i64}
  return %0 : f64
}
// A counted while: its condition is unbatched, the while keeps its shape.
func.func @count(%x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %0:2 = scf.while (%k = %c0, %a = %x) : (index, f64) -> (index, f64) {
    %c3 = arith.constant 3 : index
    %c = arith.cmpi ult, %k, %c3 : index
    scf.condition(%c) %k, %a : index, f64
  } do {
  ^bb0(%k: index, %a: f64):
    %c1 = arith.constant 1 : index
    %n = arith.addi %k, %c1 : index
    %s = math.sin %a : f64
    scf.yield %n, %s : index, f64
  }
  return %0#1 : f64
}
// CHECK-LABEL: func.func private @count_batched(
//       CHECK:   %[[W:.*]]:2 = scf.while (%[[K:.*]] = %{{.*}}, %[[A:.*]] = %arg0) : (index, tensor<4xf64>) -> (index, tensor<4xf64>)
//       CHECK:     %[[C:.*]] = arith.cmpi ult, %[[K]]
//       CHECK:     scf.condition(%[[C]]) %[[K]], %[[A]] : index, tensor<4xf64>
//       CHECK:     math.sin %{{.*}} : tensor<4xf64>
//       CHECK:   return %[[W]]#1 : tensor<4xf64>
func.func @vmap_while_unbatched_condition(%xs: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @count, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func private @while_batched(
//       CHECK:   linalg.fill ins(%arg0 : f64)
//       CHECK:   %[[W:.*]]:3 = scf.while (%[[A:.*]] = %{{.*}}) : (tensor<4xf64>) -> (tensor<4xi8>, tensor<4xf64>, tensor<4xf64>)
//       CHECK:     %[[C:.*]] = arith.cmpf olt, %[[A]], %arg1 : tensor<4xf64>
//       CHECK:     linalg.reduce ins(%[[C]] : tensor<4xi1>)
//       CHECK:       arith.ori
//       CHECK:     %[[ANY:.*]] = tensor.extract
//       CHECK:     %[[M:.*]] = arith.extui %[[C]] : tensor<4xi1> to tensor<4xi8>
//       CHECK:     scf.condition(%[[ANY]]) %[[M]], %[[A]], %[[A]]
//       CHECK:   ^bb0(%[[M8:.*]]: tensor<4xi8>, %[[F:.*]]: tensor<4xf64>, %[[P:.*]]: tensor<4xf64>):
//       CHECK:     %[[LIVE:.*]] = arith.trunci %[[M8]] : tensor<4xi8> to tensor<4xi1>
//       CHECK:     %[[N:.*]] = arith.mulf %[[F]]
//       CHECK:     %[[S:.*]] = arith.select %[[LIVE]], %[[N]], %[[P]] : tensor<4xi1>, tensor<4xf64>
//       CHECK:     scf.yield %[[S]] : tensor<4xf64>
//       CHECK:   } attributes {lintra.max_trip_count = 20 : i64}
//       CHECK:   return %[[W]]#1 : tensor<4xf64>
func.func @vmap_while_batched_condition(%x: f64, %bs: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%x, %bs) {callee = @while, in_axes = array<i64: -1, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (f64, tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
