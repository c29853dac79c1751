// The func.call rule: the JVP of `call @g` is `call @g_fwd` in the primal part
// and `call @g_lin` in the linear part (each generated once per callee and
// shared by all call sites); the transpose of `call @g_lin` is
// `call @g_lin_transpose`, with the calls in reverse order.
// RUN: lintra-opt %s --lintra-linearize=functions=f | FileCheck %s
// RUN: lintra-opt %s --pass-pipeline='builtin.module(lintra-linearize{functions=f},lintra-transpose{functions=f_lin})' \
// RUN:   | FileCheck %s --check-prefix=TR

// @g's integer argument and result carry no tangent: @g_lin takes the
// residuals cos(x) and sitofp(n), and one tangent. (@g returns %n unchanged,
// so the clean-up lets callers use their own operand instead.)
// CHECK-LABEL: func.func private @g_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[N:[^:]*]]: i32) -> (f64, f64, f64)
//       CHECK:   %[[NF:.*]] = arith.sitofp %[[N]]
//       CHECK:   %[[C:.*]] = math.cos %[[X]]
//       CHECK:   return %{{.*}}, %[[C]], %[[NF]]
// CHECK-LABEL: func.func private @g_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: f64, %[[NF:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[A:.*]] = arith.mulf %[[DX]], %[[C]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[A]], %[[NF]]
//       CHECK:   return %[[B]]

// @f_fwd calls @g_fwd twice, chaining the primal results (the integer one
// too) and returning both calls' residuals.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[N:[^:]*]]: i32)
//       CHECK:   %[[G1:.*]]:3 = call @g_fwd(%[[X]], %[[N]]) : (f64, i32) -> (f64, f64, f64)
//       CHECK:   %[[G2:.*]]:3 = call @g_fwd(%[[G1]]#0, %[[N]]) : (f64, i32) -> (f64, f64, f64)
//       CHECK:   return %{{.*}}, %[[G1]]#1, %[[G1]]#2, %[[G2]]#1, %[[G2]]#2, %[[X]], %[[G2]]#0

// @f_lin calls @g_lin twice, chaining the tangents.
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R0:[^:]*]]: f64, %[[R1:[^:]*]]: f64, %[[R2:[^:]*]]: f64, %[[R3:[^:]*]]: f64, %[[R4:[^:]*]]: f64, %[[R5:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//   CHECK-NOT:   @g_fwd
//       CHECK:   %[[T1:.*]] = call @g_lin(%[[R0]], %[[R1]], %[[DX]]) : (f64, f64, f64) -> f64
//       CHECK:   %[[T2:.*]] = call @g_lin(%[[R2]], %[[R3]], %[[T1]]) : (f64, f64, f64) -> f64
//       CHECK:   arith.mulf %[[T2]], %[[R4]]
//       CHECK:   arith.mulf %[[R5]], %[[DX]]
//   CHECK-NOT: func.func private @g_fwd(
//   CHECK-NOT: func.func private @g_lin(
//   CHECK-NOT: func.func private @g_jvp(

// TR-LABEL: func.func private @f_lin_transpose(
//  TR-SAME:     %[[R0:[^:]*]]: f64, %[[R1:[^:]*]]: f64, %[[R2:[^:]*]]: f64, %[[R3:[^:]*]]: f64, %[[R4:[^:]*]]: f64, %[[R5:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       TR:   %[[A:.*]] = arith.mulf %[[R5]], %[[CT]]
//       TR:   %[[B:.*]] = arith.mulf %[[CT]], %[[R4]]
//       TR:   %[[U:.*]] = call @g_lin_transpose(%[[R2]], %[[R3]], %[[B]]) : (f64, f64, f64) -> f64
//       TR:   %[[V:.*]] = call @g_lin_transpose(%[[R0]], %[[R1]], %[[U]]) : (f64, f64, f64) -> f64
//       TR:   %[[S:.*]] = arith.addf %[[A]], %[[V]]
//       TR:   return %[[S]]
// TR-LABEL: func.func private @g_lin_transpose(
//  TR-SAME:     %[[C:[^:]*]]: f64, %[[NF:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       TR:   %[[A:.*]] = arith.mulf %[[CT]], %[[NF]]
//       TR:   %[[B:.*]] = arith.mulf %[[A]], %[[C]]
//       TR:   return %[[B]]
//   TR-NOT: func.func private @g_lin_transpose(

func.func private @g(%x: f64, %n: i32) -> (f64, i32) {
  %nf = arith.sitofp %n : i32 to f64
  %0 = math.sin %x : f64
  %1 = arith.mulf %0, %nf : f64
  return %1, %n : f64, i32
}

func.func @f(%x: f64, %n: i32) -> f64 {
  %0:2 = call @g(%x, %n) : (f64, i32) -> (f64, i32)
  %1:2 = call @g(%0#0, %0#1) : (f64, i32) -> (f64, i32)
  %2 = arith.mulf %1#0, %x : f64
  return %2 : f64
}
