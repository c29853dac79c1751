// lintra-ad expands grad and vjp as linearize + transpose: a call of @f_fwd
// (primal results and residuals) then a call of @f_lin_transpose. The result
// holds only upstream dialects and reads back with stock mlir-opt.
// RUN: lintra-opt %s --lintra-ad | FileCheck %s
// RUN: lintra-opt %s --lintra-ad | mlir-opt | FileCheck %s
// RUN: lintra-opt %s --lintra-ad | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM-NOT: lintra.
// UPSTREAM-NOT: @f_jvp
// UPSTREAM-NOT: @f_lin(
// UPSTREAM-NOT: @df_jvp

// f(x) = sin(x) * x.
// CHECK-LABEL: func.func @f(
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  %1 = arith.mulf %0, %x : f64
  return %1 : f64
}

// grad: the seed cotangent is 1.0; the primal result of @f_fwd is not used.
// CHECK-LABEL: func.func @df(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> f64
//       CHECK:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[F:.*]]:3 = call @f_fwd(%[[X]]) : (f64) -> (f64, f64, f64)
//       CHECK:   %[[G:.*]] = call @f_lin_transpose(%[[F]]#1, %[[X]], %[[F]]#2, %[[ONE]])
//       CHECK:   return %[[G]] : f64
func.func @df(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  return %0 : f64
}

// grad of grad: @df itself holds a lintra.grad, expanded first (innermost
// first); then @df is linearized and transposed like any function, through
// the calls of @f_fwd and @f_lin_transpose.
// f''(x) = 2 cos(x) - x sin(x): the second-order forward half returns cos(x)
// and -sin(x); its transpose adds cos(x) + (x * -sin(x)) + cos(x). Clean-up
// removed the first-order wrappers and every multiplication by a zero or a one.
// CHECK-LABEL: func.func @ddf(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> f64
//       CHECK:   %[[F:.*]]:2 = call @f_fwd_fwd(%[[X]]) : (f64) -> (f64, f64)
//       CHECK:   %[[G:.*]] = call @f_fwd_lin_transpose(%[[F]]#0, %[[F]]#1, %[[X]], %[[F]]#0)
//       CHECK:   return %[[G]] : f64
func.func @ddf(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @df} : (f64) -> f64
  return %0 : f64
}

// vjp returns the primal result too, and takes the cotangent as an operand.
// CHECK-LABEL: func.func @vjp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[F:.*]]:3 = call @f_fwd(%[[X]])
//       CHECK:   %[[G:.*]] = call @f_lin_transpose(%[[F]]#1, %[[X]], %[[F]]#2, %[[CT]])
//       CHECK:   return %[[F]]#0, %[[G]] : f64, f64
func.func @vjp(%x: f64, %ct: f64) -> (f64, f64) {
  %0:2 = "lintra.vjp"(%x, %ct) {callee = @f} : (f64, f64) -> (f64, f64)
  return %0#0, %0#1 : f64, f64
}

// @f_fwd is shared by grad and vjp: the result, then residuals cos(x), sin(x)
// (x itself is passed by the caller, not returned).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64, f64)
//   CHECK-DAG:   %[[S:.*]] = math.sin %[[X]]
//   CHECK-DAG:   %[[C:.*]] = math.cos %[[X]]
//       CHECK:   %[[Y:.*]] = arith.mulf %[[S]], %[[X]]
//       CHECK:   return %[[Y]], %[[C]], %[[S]]

// The transpose of the linear part: ct * sin(x) + (ct * x) * cos(x), with no
// math op (the derivative coefficients are residuals).
// CHECK-LABEL: func.func private @f_lin_transpose(
//  CHECK-SAME:     %[[C:[^:]*]]: f64, %[[X:[^:]*]]: f64, %[[S:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//   CHECK-NOT:   math.
//       CHECK:   %[[A:.*]] = arith.mulf %[[S]], %[[CT]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[CT]], %[[X]]
//       CHECK:   %[[D:.*]] = arith.mulf %[[B]], %[[C]]
//       CHECK:   %[[G:.*]] = arith.addf %[[A]], %[[D]]
//   CHECK-NOT:   math.
//       CHECK:   return %[[G]] : f64

// The second-order halves: @ddf's forward half is @f_fwd's forward half, and
// its transpose is @f_fwd's transpose (the wrappers @df_fwd and
// @df_lin_transpose only forwarded, so the callers call these directly).
// CHECK-LABEL: func.func private @f_fwd_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[S:.*]] = math.sin %[[X]]
//   CHECK-DAG:   %[[C:.*]] = math.cos %[[X]]
//       CHECK:   %[[N:.*]] = arith.negf %[[S]]
//       CHECK:   return %[[C]], %[[N]]
// CHECK-LABEL: func.func private @f_fwd_lin_transpose(
//  CHECK-SAME:     %[[C1:[^:]*]]: f64, %[[NS:[^:]*]]: f64, %[[X:[^:]*]]: f64, %[[C2:[^:]*]]: f64) -> f64
//   CHECK-NOT:   arith.constant
//       CHECK:   %[[P:.*]] = arith.mulf %[[X]], %[[NS]]
//       CHECK:   %[[A:.*]] = arith.addf %[[C2]], %[[P]]
//       CHECK:   %[[B:.*]] = arith.addf %[[A]], %[[C1]]
//       CHECK:   return %[[B]] : f64
