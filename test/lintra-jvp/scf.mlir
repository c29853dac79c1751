// lintra-jvp through structured control flow: region ops carry tangents beside
// their primals, bodies are re-emitted with their tangent ops, and a carried
// value whose initial and yielded tangents are zero stays a symbolic zero.
// RUN: lintra-opt %s --split-input-file --lintra-jvp | FileCheck %s

// scf.for: the tangent of %a is carried beside it; %k (initially 0, plus 0)
// never gets one. %acc starts from a constant but accumulates sin(x)*dx
// through the captured %x: the fixed point gives it a tangent, initially zero.

// CHECK-LABEL: func.func private @loop_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64, f64, f64)
//       CHECK:   %[[Z:.*]] = arith.constant 0.0
//       CHECK:   %[[R:.*]]:5 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[X]], %[[K:.*]] = %[[Z]], %[[ACC:.*]] = %[[Z]], %[[DA:.*]] = %[[DX]], %[[DACC:.*]] = %{{.*}}) -> (f64, f64, f64, f64, f64)
//       CHECK:     %[[S:.*]] = math.sin %[[A]]
//       CHECK:     %[[C:.*]] = math.cos %[[A]]
//       CHECK:     %[[DS:.*]] = arith.mulf %[[DA]], %[[C]]
//       CHECK:     scf.yield %[[S]], %{{.*}}, %{{.*}}, %[[DS]], %{{.*}} : f64, f64, f64, f64, f64
//       CHECK:   return %[[R]]#0, %[[R]]#2, %[[R]]#3, %[[R]]#4
func.func @loop(%x: f64) -> (f64, f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f64
  %r:3 = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %x, %k = %z, %acc = %z) -> (f64, f64, f64) {
    %s = math.sin %a : f64
    %k2 = arith.addf %k, %z : f64
    %t = arith.mulf %x, %x : f64
    %acc2 = arith.addf %acc, %t : f64
    scf.yield %s, %k2, %acc2 : f64, f64, f64
  }
  return %r#0, %r#2 : f64, f64
}
func.func @use_loop(%x: f64, %dx: f64) -> (f64, f64, f64, f64) {
  %r:4 = "lintra.jvp"(%x, %dx) {callee = @loop} : (f64, f64) -> (f64, f64, f64, f64)
  return %r#0, %r#1, %r#2, %r#3 : f64, f64, f64, f64
}

// -----

// scf.if: both branches are differentiated; the result's tangent is yielded by
// each (the product rule in one, the operand's tangent in the other).

// CHECK-LABEL: func.func private @branch_jvp(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[X:[^:]*]]: tensor<2xf64>, %[[DX:[^:]*]]: tensor<2xf64>)
//       CHECK:   %[[R:.*]]:2 = scf.if %[[C]] -> (tensor<2xf64>, tensor<2xf64>) {
//       CHECK:     %[[P:.*]] = arith.mulf %[[X]], %[[X]]
//       CHECK:     scf.yield %[[P]], %{{.*}} : tensor<2xf64>, tensor<2xf64>
//       CHECK:   } else {
//       CHECK:     scf.yield %[[X]], %[[DX]] : tensor<2xf64>, tensor<2xf64>
//       CHECK:   return %[[R]]#0, %[[R]]#1
func.func @branch(%c: i1, %x: tensor<2xf64>) -> tensor<2xf64> {
  %r = scf.if %c -> (tensor<2xf64>) {
    %p = arith.mulf %x, %x : tensor<2xf64>
    scf.yield %p : tensor<2xf64>
  } else {
    scf.yield %x : tensor<2xf64>
  }
  return %r : tensor<2xf64>
}
func.func @use_branch(%c: i1, %x: tensor<2xf64>, %dx: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>) {
  %r:2 = "lintra.jvp"(%c, %x, %dx) {callee = @branch} : (i1, tensor<2xf64>, tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf64>)
  return %r#0, %r#1 : tensor<2xf64>, tensor<2xf64>
}

// -----

// scf.while: scf.condition forwards the tangent of what it forwards, and the
// after region yields the tangent of the next carried value.

// CHECK-LABEL: func.func private @loop_while_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[R:.*]]:2 = scf.while (%[[A:.*]] = %[[X]], %[[DA:.*]] = %[[DX]]) : (f64, f64) -> (f64, f64) {
//       CHECK:     scf.condition(%{{.*}}) %{{.*}}, %{{.*}} : f64, f64
//       CHECK:   } do {
//       CHECK:   ^bb0(%[[B:.*]]: f64, %[[DB:.*]]: f64):
//       CHECK:     %[[E:.*]] = arith.addf %[[B]], %[[X]]
//       CHECK:     %[[DE:.*]] = arith.addf %[[DB]], %[[DX]]
//       CHECK:     scf.yield %[[E]], %[[DE]] : f64, f64
//       CHECK:   return %[[R]]#0, %[[R]]#1
func.func @loop_while(%x: f64) -> f64 {
  %one = arith.constant 1.0 : f64
  %r = scf.while (%a = %x) : (f64) -> f64 {
    %c = arith.cmpf olt, %a, %one : f64
    %d = arith.mulf %a, %a : f64
    scf.condition(%c) %d : f64
  } do {
  ^bb0(%b: f64):
    %e = arith.addf %b, %x : f64
    scf.yield %e : f64
  }
  return %r : f64
}
func.func @use_while(%x: f64, %dx: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%x, %dx) {callee = @loop_while} : (f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}

// -----

// scf.index_switch: every case and the default yield the tangent.

// CHECK-LABEL: func.func private @switch_jvp(
//       CHECK:   %{{.*}}:2 = scf.index_switch %{{.*}} -> f64, f64
//       CHECK:   case 0 {
//       CHECK:     math.cos
//       CHECK:     scf.yield %{{.*}}, %{{.*}} : f64, f64
//       CHECK:   case 1 {
//       CHECK:     scf.yield %{{.*}}, %{{.*}} : f64, f64
//       CHECK:   default {
//       CHECK:     scf.yield %{{.*}}, %{{.*}} : f64, f64
func.func @switch(%i: index, %x: f64) -> f64 {
  %r = scf.index_switch %i -> f64
  case 0 {
    %s = math.sin %x : f64
    scf.yield %s : f64
  }
  case 1 {
    %n = arith.negf %x : f64
    scf.yield %n : f64
  }
  default {
    scf.yield %x : f64
  }
  return %r : f64
}
func.func @use_switch(%i: index, %x: f64, %dx: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%i, %x, %dx) {callee = @switch} : (index, f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}
