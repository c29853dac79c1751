// JVP rules of the arith dialect, seen through lintra-linearize: @f_fwd shows
// which residuals a rule needs, @f_lin the tangent ops it emits.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s
// RUN: lintra-opt %s --split-input-file --pass-pipeline='builtin.module(lintra-linearize)' | FileCheck %s

// addf, subf, negf are linear: their tangent ops are the same ops on the
// tangents, and they need no residual.
// CHECK-LABEL: func.func private @addsubneg_fwd(
//  CHECK-SAME:     -> f64
// CHECK-LABEL: func.func private @addsubneg_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[A:.*]] = arith.addf %[[DX]], %[[DY]]
//       CHECK:   %[[S:.*]] = arith.subf %[[A]], %[[DY]]
//       CHECK:   %[[N:.*]] = arith.negf %[[S]]
//       CHECK:   return %[[N]]
func.func @addsubneg(%x: f64, %y: f64) -> f64 {
  %0 = arith.addf %x, %y : f64
  %1 = arith.subf %0, %y : f64
  %2 = arith.negf %1 : f64
  return %2 : f64
}

// -----

// mulf: the product rule dx * y + x * dy.
// CHECK-LABEL: func.func private @mulf_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//       CHECK:   return %{{.*}}, %[[Y]], %[[X]]
// CHECK-LABEL: func.func private @mulf_lin(
//  CHECK-SAME:     %[[Y:[^:]*]]: f64, %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear})
//       CHECK:   %[[A:.*]] = arith.mulf %[[DX]], %[[Y]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[X]], %[[DY]]
//       CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   return %[[S]]
func.func @mulf(%x: f64, %y: f64) -> f64 {
  %0 = arith.mulf %x, %y : f64
  return %0 : f64
}

// -----

// divf: d(x/y) = dx / y - (dy * (x/y)) / y; residuals y and the quotient.
// CHECK-LABEL: func.func private @divf_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//       CHECK:   %[[Q:.*]] = arith.divf %[[X]], %[[Y]]
//       CHECK:   return %[[Q]], %[[Y]], %[[Q]]
// CHECK-LABEL: func.func private @divf_lin(
//  CHECK-SAME:     %[[Y:[^:]*]]: f64, %[[Q:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear})
//       CHECK:   %[[A:.*]] = arith.divf %[[DX]], %[[Y]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[DY]], %[[Q]]
//       CHECK:   %[[C:.*]] = arith.divf %[[B]], %[[Y]]
//       CHECK:   %[[N:.*]] = arith.negf %[[C]]
//       CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[N]]
//       CHECK:   return %[[S]]
func.func @divf(%x: f64, %y: f64) -> f64 {
  %0 = arith.divf %x, %y : f64
  return %0 : f64
}

// -----

// maximumf: select-based weights computed in @f_fwd, as JAX's: an operand's
// weight is 1 where it alone equals the result m, 0.5 where both do (a tie),
// else 0 (so a NaN result has weight 0 for both); @f_lin is w_x * dx + w_y * dy.
// CHECK-LABEL: func.func private @maximumf_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//   CHECK-DAG:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
//   CHECK-DAG:   %[[HALF:.*]] = arith.constant 5.000000e-01 : f64
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[M:.*]] = arith.maximumf %[[X]], %[[Y]]
//       CHECK:   %[[YEQ:.*]] = arith.cmpf oeq, %[[Y]], %[[M]]
//       CHECK:   %[[XTIE:.*]] = arith.select %[[YEQ]], %[[HALF]], %[[ONE]]
//       CHECK:   %[[XEQ:.*]] = arith.cmpf oeq, %[[X]], %[[M]]
//       CHECK:   %[[WX:.*]] = arith.select %[[XEQ]], %[[XTIE]], %[[ZERO]]
//       CHECK:   %[[YTIE:.*]] = arith.select %[[XEQ]], %[[HALF]], %[[ONE]]
//       CHECK:   %[[WY:.*]] = arith.select %[[YEQ]], %[[YTIE]], %[[ZERO]]
//       CHECK:   return %[[M]], %[[WX]], %[[WY]]
// CHECK-LABEL: func.func private @maximumf_lin(
//  CHECK-SAME:     %[[WX:[^:]*]]: f64, %[[WY:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear})
//   CHECK-NOT:   arith.select
//   CHECK-NOT:   arith.cmpf
//       CHECK:   %[[A:.*]] = arith.mulf %[[WX]], %[[DX]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[WY]], %[[DY]]
//       CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   return %[[S]]
func.func @maximumf(%x: f64, %y: f64) -> f64 {
  %0 = arith.maximumf %x, %y : f64
  return %0 : f64
}

// -----

// minimumf, maxnumf and minnumf weigh their operands like maximumf (compared
// with their own result). On tensors the weights are tensors.
// CHECK-LABEL: func.func private @minimumf_fwd(
//       CHECK:   %[[M:.*]] = arith.minimumf
//       CHECK:   arith.cmpf oeq, %{{.*}}, %[[M]]
// CHECK-LABEL: func.func private @minimumf_lin(
//       CHECK:   arith.mulf
//       CHECK:   arith.mulf
//       CHECK:   arith.addf
// CHECK-LABEL: func.func private @maxnumf_fwd(
//       CHECK:   %[[M:.*]] = arith.maxnumf
//       CHECK:   arith.cmpf oeq, %{{.*}}, %[[M]]
// CHECK-LABEL: func.func private @minnumf_fwd(
//       CHECK:   arith.cmpf oeq, %{{.*}}, %{{.*}} : tensor<4xf64>
//       CHECK:   arith.select %{{.*}} : tensor<4xi1>, tensor<4xf64>
//       CHECK:   return %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
// CHECK-LABEL: func.func private @minnumf_lin(
//  CHECK-SAME:     %[[WX:[^:]*]]: tensor<4xf64>, %[[WY:[^:]*]]: tensor<4xf64>, %[[DX:[^:]*]]: tensor<4xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<4xf64> {lintra.linear})
//       CHECK:   arith.mulf %[[WX]], %[[DX]] : tensor<4xf64>
//       CHECK:   arith.mulf %[[WY]], %[[DY]] : tensor<4xf64>
func.func @minimumf(%x: f64, %y: f64) -> f64 {
  %0 = arith.minimumf %x, %y : f64
  return %0 : f64
}

func.func @maxnumf(%x: f64, %y: f64) -> f64 {
  %0 = arith.maxnumf %x, %y : f64
  return %0 : f64
}

func.func @minnumf(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %0 = arith.minnumf %x, %y : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// select: the tangent is the select of the branch tangents; the condition
// (from cmpf, which has no tangent) is the only residual.
// CHECK-LABEL: func.func private @select_fwd(
//  CHECK-SAME:     -> (f64, i1)
//       CHECK:   %[[C:.*]] = arith.cmpf olt
//       CHECK:   return %{{.*}}, %[[C]] : f64, i1
// CHECK-LABEL: func.func private @select_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear})
//   CHECK-NOT:   arith.cmpf
//       CHECK:   %[[R:.*]] = arith.select %[[C]], %[[DX]], %[[DY]] : f64
//       CHECK:   return %[[R]]
func.func @select(%x: f64, %y: f64) -> f64 {
  %c = arith.cmpf olt, %x, %y : f64
  %0 = arith.select %c, %x, %y : f64
  return %0 : f64
}

// -----

// select with a constant branch (relu): the constant's tangent is a zero.
// CHECK-LABEL: func.func private @relu_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[DX:[^:]*]]: f64 {lintra.linear})
//       CHECK:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//       CHECK:   arith.select %[[C]], %[[DX]], %[[Z]] : f64
func.func @relu(%x: f64) -> f64 {
  %zero = arith.constant 0.0 : f64
  %c = arith.cmpf ogt, %x, %zero : f64
  %0 = arith.select %c, %x, %zero : f64
  return %0 : f64
}

// -----

// extf and truncf are linear (applied to the tangent); sitofp and uitofp of an
// integer have no tangent, so their results are residuals; constants have no
// tangent and are re-emitted in @f_lin rather than passed.
// CHECK-LABEL: func.func private @casts_fwd(
//  CHECK-SAME:     %{{[^:]*}}: f32, %[[N:[^:]*]]: i32) -> (f32, f64)
//       CHECK:   %[[S:.*]] = arith.sitofp %[[N]]
//       CHECK:   %[[U:.*]] = arith.uitofp %[[N]]
//       CHECK:   %[[SU:.*]] = arith.addf %[[S]], %[[U]]
//       CHECK:   return %{{.*}}, %[[SU]] : f32, f64
// CHECK-LABEL: func.func private @casts_lin(
//  CHECK-SAME:     %[[SU:[^:]*]]: f64, %[[DX:[^:]*]]: f32 {lintra.linear}) -> f32
//   CHECK-DAG:   %[[C:.*]] = arith.constant 3.000000e+00 : f64
//   CHECK-DAG:   %[[E:.*]] = arith.extf %[[DX]] : f32 to f64
//       CHECK:   %[[M:.*]] = arith.mulf %[[E]], %[[SU]]
//       CHECK:   %[[M3:.*]] = arith.mulf %[[M]], %[[C]]
//       CHECK:   %[[T:.*]] = arith.truncf %[[M3]] : f64 to f32
//       CHECK:   return %[[T]]
func.func @casts(%x: f32, %n: i32) -> f32 {
  %c = arith.constant 3.0 : f64
  %0 = arith.extf %x : f32 to f64
  %1 = arith.sitofp %n : i32 to f64
  %2 = arith.uitofp %n : i32 to f64
  %3 = arith.addf %1, %2 : f64
  %4 = arith.mulf %0, %3 : f64
  %5 = arith.mulf %4, %c : f64
  %6 = arith.truncf %5 : f64 to f32
  return %6 : f32
}
