// lintra-ad through an scf.for: grad = linearize + transpose. @f_fwd runs the
// loop once and stacks cos(a) and sin(a) of every iteration (one flat stack of
// 4 iterations x 2 scalars); @f_lin_transpose runs the linear loop backwards
// (iteration 3 - j at step j), reading the stack, carrying the cotangent of
// %a and accumulating that of %x, which the body reads from outside.
// RUN: lintra-opt %s --lintra-ad | FileCheck %s
// RUN: lintra-opt %s --lintra-ad | mlir-opt | FileCheck %s

// CHECK-LABEL: func.func @df(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> f64
//       CHECK:   %[[S:.*]] = call @f_fwd(%[[X]]) : (f64) -> tensor<8xf64>
//       CHECK:   %[[G:.*]] = call @f_lin_transpose(%[[S]], %[[X]]) : (tensor<8xf64>, f64) -> f64
//       CHECK:   return %[[G]]

// CHECK-LABEL: func.func private @f_fwd(
//       CHECK:   scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %[[ST:.*]] = %{{.*}}) -> (f64, tensor<8xf64>)
//       CHECK:     %[[SIN:.*]] = math.sin
//       CHECK:     %[[COS:.*]] = math.cos
//       CHECK:     %[[K:.*]] = arith.muli %[[I]], %{{.*}} : index
//       CHECK:     %[[ST1:.*]] = tensor.insert %[[COS]] into %[[ST]][%[[K]]]
//       CHECK:     %[[K1:.*]] = arith.addi %[[K]], %{{.*}} : index
//       CHECK:     tensor.insert %[[SIN]] into %[[ST1]][%[[K1]]]

// CHECK-LABEL: func.func private @f_lin_transpose(
//  CHECK-SAME:     %[[ST:[^:]*]]: tensor<8xf64>, %[[X:[^:]*]]: f64) -> f64
//       CHECK:   %[[ONE:.*]] = arith.constant 1.0
//       CHECK:   %[[C3:.*]] = arith.constant 3 : index
//       CHECK:   %[[ZERO:.*]] = arith.constant 0.0
//       CHECK:   %[[R:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CA:.*]] = %[[ONE]], %[[CX:.*]] = %[[ZERO]]) -> (f64, f64)
//       CHECK:     %[[I:.*]] = arith.subi %[[C3]], %[[J]] : index
//       CHECK:     %[[K:.*]] = arith.muli %[[I]], %{{.*}} : index
//       CHECK:     %[[COS:.*]] = tensor.extract %[[ST]][%[[K]]]
//       CHECK:     %[[SIN:.*]] = tensor.extract %[[ST]]
//       CHECK:     %[[DX:.*]] = arith.mulf %[[SIN]], %[[CA]]
//       CHECK:     %[[T:.*]] = arith.mulf %[[CA]], %[[X]]
//       CHECK:     %[[NEXT:.*]] = arith.mulf %[[T]], %[[COS]]
//       CHECK:     %[[ACC:.*]] = arith.addf %[[CX]], %[[DX]]
//       CHECK:     scf.yield %[[NEXT]], %[[ACC]] : f64, f64
//       CHECK:   %[[G:.*]] = arith.addf %[[R]]#0, %[[R]]#1
//       CHECK:   return %[[G]]
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
func.func @df(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  return %0 : f64
}
