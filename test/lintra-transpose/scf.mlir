// lintra-transpose of linear region ops. A linear scf.for becomes a loop over
// the same iterations in reverse order (iteration count-1-j at step j), which
// carries the cotangent of each carried value and accumulates the cotangent
// of each linear value its body reads from outside. A linear scf.if becomes an
// scf.if on the same condition whose branches are transposed one by one and
// yield the cotangents of the linear values they read.
// RUN: lintra-opt %s --split-input-file --lintra-transpose | FileCheck %s

// acc_{k+1} = acc_k * r[k] + t:  ct_t accumulates over the iterations.

// CHECK-LABEL: func.func private @loop_transpose(
//  CHECK-SAME:     %[[R:[^:]*]]: tensor<4xf64>, %[[CT:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[C3:.*]] = arith.constant 3 : index
//       CHECK:   %[[ZERO:.*]] = arith.constant 0.0
//       CHECK:   %[[T:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CACC:.*]] = %[[CT]], %[[CTT:.*]] = %[[ZERO]]) -> (f64, f64)
//       CHECK:     %[[IV:.*]] = arith.subi %[[C3]], %[[J]]
//       CHECK:     %[[RK:.*]] = tensor.extract %[[R]][%[[IV]]]
//       CHECK:     %[[NEXT:.*]] = arith.mulf %[[CACC]], %[[RK]]
//       CHECK:     %[[SUM:.*]] = arith.addf %[[CTT]], %[[CACC]]
//       CHECK:     scf.yield %[[NEXT]], %[[SUM]] : f64, f64
//       CHECK:   return %[[T]]#0, %[[T]]#1
func.func @loop(%r: tensor<4xf64>, %a: f64 {lintra.linear}, %t: f64 {lintra.linear}) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %a) -> (f64) {
    %rk = tensor.extract %r[%i] : tensor<4xf64>
    %m = arith.mulf %acc, %rk : f64
    %n = arith.addf %m, %t : f64
    scf.yield %n : f64
  }
  return %v : f64
}

// -----

// CHECK-LABEL: func.func private @branch_transpose(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[S:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[R:.*]] = scf.if %[[C]] -> (f64) {
//       CHECK:     %[[D:.*]] = arith.mulf %[[CT]], %[[S]]
//       CHECK:     scf.yield %[[D]] : f64
//       CHECK:   } else {
//       CHECK:     %[[N:.*]] = arith.negf %[[CT]]
//       CHECK:     scf.yield %[[N]] : f64
//       CHECK:   return %[[R]] : f64
func.func @branch(%c: i1, %s: f64, %x: f64 {lintra.linear}) -> f64 {
  %r = scf.if %c -> (f64) {
    %p = arith.mulf %x, %s : f64
    scf.yield %p : f64
  } else {
    %n = arith.negf %x : f64
    scf.yield %n : f64
  }
  return %r : f64
}
