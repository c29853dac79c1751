// lintra-linearize through structured control flow. An scf.for of the JVP
// becomes a primal loop in @f_fwd, which stacks each iteration's residuals
// into a tensor with a leading trip-count dimension (scalars of one type share
// a flat stack, slot = iteration * count + member), and a loop in @f_lin that
// carries the tangents and reads the residuals back. A value defined outside
// the loop (%x) is saved once. An scf.if saves the residuals of both branches,
// zeros for the branch not taken, and @f_lin branches on the saved condition.
// RUN: lintra-opt %s --split-input-file --lintra-linearize=functions=f | FileCheck %s

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, tensor<8xf64>, f64)
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<8xf64>
//       CHECK:   %[[P:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[X]], %[[S:.*]] = %[[E]]) -> (f64, tensor<8xf64>)
//       CHECK:     %[[SIN:.*]] = math.sin %[[A]]
//       CHECK:     %[[COS:.*]] = math.cos %[[A]]
//       CHECK:     %[[Y:.*]] = arith.mulf %[[SIN]], %[[X]]
//       CHECK:     %[[S1:.*]] = tensor.insert %[[COS]] into %[[S]][%{{.*}}] : tensor<8xf64>
//       CHECK:     %[[S2:.*]] = tensor.insert %[[SIN]] into %[[S1]][%{{.*}}] : tensor<8xf64>
//       CHECK:     scf.yield %[[Y]], %[[S2]] : f64, tensor<8xf64>
//       CHECK:   return %[[P]]#0, %[[P]]#1, %[[X]] : f64, tensor<8xf64>, f64

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[S:[^:]*]]: tensor<8xf64>, %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[DA:.*]] = %[[DX]]) -> (f64)
//       CHECK:     %[[COS:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<8xf64>
//       CHECK:     %[[SIN:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<8xf64>
//       CHECK:     %[[T:.*]] = arith.mulf %[[DA]], %[[COS]]
//       CHECK:     %[[U:.*]] = arith.mulf %[[T]], %[[X]]
//       CHECK:     %[[V:.*]] = arith.mulf %[[SIN]], %[[DX]]
//       CHECK:     %[[W:.*]] = arith.addf %[[U]], %[[V]]
//       CHECK:     scf.yield %[[W]] : f64
//       CHECK:   return %[[R]] : f64
func.func @f(%x: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %x) -> (f64) {
    %s = math.sin %a : f64
    %m = arith.mulf %s, %x : f64
    scf.yield %m : f64
  }
  return %r : f64
}

// -----

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[X:[^:]*]]: tensor<2xf64>) -> (tensor<2xf64>, i1, tensor<2xf64>)
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.0{{.*}}> : tensor<2xf64>
//       CHECK:   %[[P:.*]]:2 = scf.if %[[C]] -> (tensor<2xf64>, tensor<2xf64>) {
//       CHECK:     %[[COS:.*]] = math.cos %[[X]]
//       CHECK:     scf.yield %{{.*}}, %[[COS]] : tensor<2xf64>, tensor<2xf64>
//       CHECK:   } else {
//       CHECK:     scf.yield %[[X]], %[[Z]] : tensor<2xf64>, tensor<2xf64>
//       CHECK:   return %[[P]]#0, %[[C]], %[[P]]#1

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[R:[^:]*]]: tensor<2xf64>, %[[DX:[^:]*]]: tensor<2xf64> {lintra.linear}) -> tensor<2xf64>
//       CHECK:   %[[T:.*]] = scf.if %[[C]] -> (tensor<2xf64>) {
//       CHECK:     %[[D:.*]] = arith.mulf %[[DX]], %[[R]]
//       CHECK:     scf.yield %[[D]] : tensor<2xf64>
//       CHECK:   } else {
//       CHECK:     scf.yield %[[DX]] : tensor<2xf64>
//       CHECK:   return %[[T]]
func.func @f(%c: i1, %x: tensor<2xf64>) -> tensor<2xf64> {
  %r = scf.if %c -> (tensor<2xf64>) {
    %s = math.sin %x : tensor<2xf64>
    scf.yield %s : tensor<2xf64>
  } else {
    scf.yield %x : tensor<2xf64>
  }
  return %r : tensor<2xf64>
}

// -----

// A loop-invariant residual (exp(y), computed in the loop but from values
// defined outside it) is hoisted out of the loop and saved once: no stack.

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[E:.*]] = math.exp %[[Y]]
//       CHECK:   %[[P:.*]] = scf.for {{.*}} -> (f64)
//   CHECK-NOT:     tensor.insert
//       CHECK:   return %[[P]], %[[E]] : f64, f64

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[E:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   tensor.extract
//       CHECK:   return
func.func @f(%x: f64, %y: f64) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %x) -> (f64) {
    %e = math.exp %y : f64
    %e2 = arith.mulf %e, %e : f64
    %m = arith.addf %a, %e2 : f64
    scf.yield %m : f64
  }
  return %r : f64
}
