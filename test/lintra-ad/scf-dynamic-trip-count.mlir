// lintra-ad's jvp (the forward and linear halves of linearize) through a loop
// with a dynamic trip count: its residuals cannot be stacked in a tensor of
// static size, so @f_lin runs the whole JVP loop again (marked
// lintra.dynamic_trip_count; its transposition is reported at the loop, see
// test/diagnostics/control-flow-errors.mlir), and @f_fwd the primal loop.
// RUN: lintra-opt %s --lintra-ad | FileCheck %s

// CHECK-LABEL: func.func @jvp_f(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[N:[^:]*]]: index, %[[DX:[^:]*]]: f64)
//       CHECK:   %[[Y:.*]] = call @f_fwd(%[[X]], %[[N]])
//       CHECK:   %[[T:.*]] = call @f_lin(%[[N]], %[[X]], %[[DX]])
//       CHECK:   return %[[Y]], %[[T]]

// CHECK-LABEL: func.func private @f_fwd(
//       CHECK:   scf.for {{.*}} -> (f64) {
//       CHECK:     math.sin
//  CHECK-NEXT:     scf.yield

// CHECK-LABEL: func.func private @f_lin(
//       CHECK:   %[[R:.*]]:2 = scf.for {{.*}} -> (f64, f64) {
//       CHECK:     math.sin
//       CHECK:     math.cos
//       CHECK:   } {lintra.dynamic_trip_count}
//       CHECK:   return %[[R]]#1
func.func @f(%x: f64, %n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %x) -> (f64) {
    %s = math.sin %a : f64
    scf.yield %s : f64
  }
  return %r : f64
}
func.func @jvp_f(%x: f64, %n: index, %dx: f64) -> (f64, f64) {
  %0:2 = "lintra.jvp"(%x, %n, %dx) {callee = @f} : (f64, index, f64) -> (f64, f64)
  return %0#0, %0#1 : f64, f64
}
