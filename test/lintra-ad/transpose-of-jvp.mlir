// A function that is linear in its {lintra.linear} argument because it returns
// a JVP's tangent can be transposed: lintra-ad expands lintra.jvp into the
// forward half (@f_fwd) and the linear half (@f_lin) of @f, and transposes the
// call of @f_lin. The result is cos(0.5) * ct.
// RUN: lintra-opt --lintra-ad %s | FileCheck %s

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @lin(%t: f64 {lintra.linear}) -> f64 {
  %x0 = arith.constant 0.5 : f64
  %y, %dy = "lintra.jvp"(%x0, %t) {callee = @f} : (f64, f64) -> (f64, f64)
  return %dy : f64
}

// CHECK-LABEL: func.func @main(
//  CHECK-SAME:     %[[CT:[^:]*]]: f64) -> f64
//   CHECK-NOT:     lintra.
//       CHECK:   %[[R:.*]] = call @[[T:.*]](%[[CT]]) : (f64) -> f64
//       CHECK:   return %[[R]]
//       CHECK: func.func private @[[T]](%[[A:[^:]*]]: f64) -> f64
//       CHECK:   %[[C:.*]] = arith.constant 0.87758256189
//       CHECK:   arith.mulf %[[A]], %[[C]]
func.func @main(%ct: f64) -> f64 {
  %r = "lintra.transpose"(%ct) {callee = @lin} : (f64) -> f64
  return %r : f64
}
