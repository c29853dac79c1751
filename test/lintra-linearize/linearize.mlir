// lintra-linearize{functions=...}: for each named @f, @f_fwd computes the
// primal results and returns the residuals after them; @f_lin takes the
// residuals then the tangents (marked {lintra.linear}) and holds only linear
// ops. @f itself is left unchanged.
// RUN: lintra-opt %s --split-input-file --lintra-linearize=functions=f | FileCheck %s
// RUN: lintra-opt %s --split-input-file --pass-pipeline='builtin.module(lintra-linearize{functions=f})' \
// RUN:   | FileCheck %s

// sin: the residual is cos(x), computed in @f_fwd; @f_lin is dx * residual.

// CHECK-LABEL: func.func @f(
//       CHECK:   math.sin
//   CHECK-NOT:   math.cos
//       CHECK:   return

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[Y:.*]] = math.sin %[[X]]
//       CHECK:   %[[R:.*]] = math.cos %[[X]]
//       CHECK:   return %[[Y]], %[[R]] : f64, f64

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//       CHECK:   %[[D:.*]] = arith.mulf %[[T]], %[[R]]
//   CHECK-NOT:   math.
//       CHECK:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

// -----

// exp: the residual is the primal result exp(x) itself (returned twice).

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[E:.*]] = math.exp %[[X]]
//  CHECK-NEXT:   return %[[E]], %[[E]] : f64, f64

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//       CHECK:   arith.mulf %[[T]], %[[R]]
func.func @f(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}

// -----

// mulf x*y: the residuals are the two factors (y for dx, x for dy); there is
// no other residual.

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//       CHECK:   %[[P:.*]] = arith.mulf %[[X]], %[[Y]]
//  CHECK-NEXT:   return %[[P]], %[[Y]], %[[X]] : f64, f64, f64

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[RY:[^:]*]]: f64, %[[RX:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[A:.*]] = arith.mulf %[[DX]], %[[RY]]
//  CHECK-NEXT:   %[[B:.*]] = arith.mulf %[[RX]], %[[DY]]
//  CHECK-NEXT:   %[[S:.*]] = arith.addf %[[A]], %[[B]]
//  CHECK-NEXT:   return %[[S]]
func.func @f(%x: f64, %y: f64) -> f64 {
  %0 = arith.mulf %x, %y : f64
  return %0 : f64
}

// -----

// A chain: sin(x) * exp(y) + x. Residuals: cos(x), exp(y), sin(x); the linear
// function has no math op and does not recompute any primal value.

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64, f64)
//   CHECK-DAG:   %[[S:.*]] = math.sin %[[X]]
//   CHECK-DAG:   %[[C:.*]] = math.cos %[[X]]
//   CHECK-DAG:   %[[E:.*]] = math.exp %[[Y]]
//       CHECK:   %[[P:.*]] = arith.mulf %[[S]], %[[E]]
//       CHECK:   %[[R:.*]] = arith.addf %[[P]], %[[X]]
//       CHECK:   return %[[R]], %[[C]], %[[E]], %[[S]]

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: f64, %[[E:[^:]*]]: f64, %[[S:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//       CHECK:   %[[DS:.*]] = arith.mulf %[[DX]], %[[C]]
//       CHECK:   %[[DE:.*]] = arith.mulf %[[DY]], %[[E]]
//       CHECK:   %[[A:.*]] = arith.mulf %[[DS]], %[[E]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[S]], %[[DE]]
//       CHECK:   %[[DP:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   %[[DR:.*]] = arith.addf %[[DP]], %[[DX]]
//   CHECK-NOT:   math.
//       CHECK:   return %[[DR]]
func.func @f(%x: f64, %y: f64) -> f64 {
  %0 = math.sin %x : f64
  %1 = math.exp %y : f64
  %2 = arith.mulf %0, %1 : f64
  %3 = arith.addf %2, %x : f64
  return %3 : f64
}

// -----

// Only the named functions are linearized: @g is not; and a function that is
// linear already has no residuals.

// CHECK-LABEL: func.func @g(
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %{{[^:]*}}: f64, %{{[^:]*}}: f64) -> f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[DA:[^:]*]]: f64 {lintra.linear}, %[[DB:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[S:.*]] = arith.subf %[[DA]], %[[DB]]
//       CHECK:   arith.negf %[[S]]
//   CHECK-NOT: @g_fwd
//   CHECK-NOT: @g_lin
func.func @f(%a: f64, %b: f64) -> f64 {
  %0 = arith.subf %a, %b : f64
  %1 = arith.negf %0 : f64
  return %1 : f64
}

func.func @g(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

// -----

// Tensors and linalg: tanh(x . w). The residuals are w and x (the matmul's
// factors) and 1 - tanh^2; @f_lin holds two matmuls (the product rule, the
// second accumulating into the first) and a multiplication by the residual.

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[W:[^:]*]]: tensor<3x4xf64>, %[[X:[^:]*]]: tensor<2x3xf64>)
//  CHECK-SAME:     -> (tensor<2x4xf64>, tensor<3x4xf64>, tensor<2x3xf64>, tensor<2x4xf64>)
//       CHECK:   %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<2x4xf64>
//       CHECK:   %[[H:.*]] = linalg.matmul ins(%[[X]], %[[W]] :
//       CHECK:   %[[A:.*]] = math.tanh %[[H]]
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[A]], %[[A]]
//       CHECK:   %[[D:.*]] = arith.subf %[[ONE]], %[[SQ]]
//       CHECK:   return %[[A]], %[[W]], %[[X]], %[[D]]

// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[W:[^:]*]]: tensor<3x4xf64>, %[[X:[^:]*]]: tensor<2x3xf64>, %[[D:[^:]*]]: tensor<2x4xf64>,
//  CHECK-SAME:     %[[DW:[^:]*]]: tensor<3x4xf64> {lintra.linear}, %[[DX:[^:]*]]: tensor<2x3xf64> {lintra.linear}) -> tensor<2x4xf64>
//   CHECK-NOT:   math.
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<2x4xf64>
//       CHECK:   %[[M1:.*]] = linalg.matmul ins(%[[DX]], %[[W]] : {{.*}}) outs(%[[Z]] :
//       CHECK:   %[[M2:.*]] = linalg.matmul ins(%[[X]], %[[DW]] : {{.*}}) outs(%[[M1]] :
//       CHECK:   %[[R:.*]] = arith.mulf %[[M2]], %[[D]]
//   CHECK-NOT:   math.
//       CHECK:   return %[[R]]
func.func @f(%w: tensor<3x4xf64>, %x: tensor<2x3xf64>) -> tensor<2x4xf64> {
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<2x4xf64>
  %c = linalg.fill ins(%z : f64) outs(%e : tensor<2x4xf64>) -> tensor<2x4xf64>
  %h = linalg.matmul ins(%x, %w : tensor<2x3xf64>, tensor<3x4xf64>) outs(%c : tensor<2x4xf64>) -> tensor<2x4xf64>
  %a = math.tanh %h : tensor<2x4xf64>
  return %a : tensor<2x4xf64>
}

// -----

// Integer arguments get no tangent and the @f_lin of a function with an
// integer argument only takes the float tangents. Constants used by the linear
// part are re-emitted there, not passed as residuals.

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %{{[^:]*}}: f64, %[[N:[^:]*]]: i32) -> (f64, f64)
//       CHECK:   %[[NF:.*]] = arith.sitofp %[[N]]
//       CHECK:   return %{{.*}}, %[[NF]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[NF:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[C:.*]] = arith.constant 3.000000e+00 : f64
//       CHECK:   %[[A:.*]] = arith.mulf %[[DX]], %[[NF]]
//       CHECK:   arith.mulf %[[A]], %[[C]]
func.func @f(%x: f64, %n: i32) -> f64 {
  %c = arith.constant 3.0 : f64
  %nf = arith.sitofp %n : i32 to f64
  %0 = arith.mulf %x, %nf : f64
  %1 = arith.mulf %0, %c : f64
  return %1 : f64
}
