// JVP rules of the math dialect, seen through lintra-linearize. No math op is
// linear: each rule multiplies (or divides) the tangent by a derivative
// coefficient computed from primal values, and that coefficient is the residual
// returned by @f_fwd; @f_lin holds a single arith.mulf or arith.divf and no
// math op.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s

// sin' = cos.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[R:.*]] = math.cos %[[X]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

// -----

// cos' = -sin.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[S:.*]] = math.sin %[[X]]
//       CHECK:   %[[R:.*]] = arith.negf %[[S]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.cos %x : f64
  return %0 : f64
}

// -----

// tan' = 1 + tan^2 (from the result).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[Y:.*]] = math.tan %[[X]]
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[Y]], %[[Y]]
//       CHECK:   %[[R:.*]] = arith.addf %[[SQ]], %[[ONE]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.tan %x : f64
  return %0 : f64
}

// -----

// tanh' = 1 - tanh^2 (from the result).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[Y:.*]] = math.tanh %[[X]]
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[Y]], %[[Y]]
//       CHECK:   %[[R:.*]] = arith.subf %[[ONE]], %[[SQ]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.tanh %x : f64
  return %0 : f64
}

// -----

// exp' = exp: the residual is the result itself.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[R:.*]] = math.exp %[[X]]
//       CHECK:   return %[[R]], %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}

// -----

// exp2' = exp2 * ln 2.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[LN2:.*]] = arith.constant 0.69314718055994529 : f64
//       CHECK:   %[[Y:.*]] = math.exp2 %[[X]]
//       CHECK:   %[[R:.*]] = arith.mulf %[[Y]], %[[LN2]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.exp2 %x : f64
  return %0 : f64
}

// -----

// expm1' = expm1 + 1.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[Y:.*]] = math.expm1 %[[X]]
//       CHECK:   %[[R:.*]] = arith.addf %[[Y]], %[[ONE]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.expm1 %x : f64
  return %0 : f64
}

// -----

// log' = 1/x: the tangent is divided by x.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   return %{{.*}}, %[[X]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.divf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.log %x : f64
  return %0 : f64
}

// -----

// log1p' = 1/(x + 1).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[R:.*]] = arith.addf %[[X]], %[[ONE]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.divf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.log1p %x : f64
  return %0 : f64
}

// -----

// log2' = 1/(x ln 2).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[LN2:.*]] = arith.constant 0.69314718055994529 : f64
//       CHECK:   %[[R:.*]] = arith.mulf %[[X]], %[[LN2]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.divf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.log2 %x : f64
  return %0 : f64
}

// -----

// sqrt' = 1/(2 sqrt x).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[TWO:.*]] = arith.constant 2.000000e+00 : f64
//       CHECK:   %[[Y:.*]] = math.sqrt %[[X]]
//       CHECK:   %[[R:.*]] = arith.mulf %[[Y]], %[[TWO]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.divf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.sqrt %x : f64
  return %0 : f64
}

// -----

// rsqrt' = -rsqrt(x) / (2 x).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[MHALF:.*]] = arith.constant -5.000000e-01 : f64
//       CHECK:   %[[Y:.*]] = math.rsqrt %[[X]]
//       CHECK:   %[[H:.*]] = arith.mulf %[[Y]], %[[MHALF]]
//       CHECK:   %[[R:.*]] = arith.divf %[[H]], %[[X]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.rsqrt %x : f64
  return %0 : f64
}

// -----

// absf' = 1 where x >= 0, else -1 (JAX's choice: 1 at 0).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//   CHECK-DAG:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
//   CHECK-DAG:   %[[MONE:.*]] = arith.constant -1.000000e+00 : f64
//       CHECK:   %[[GE:.*]] = arith.cmpf oge, %[[X]], %[[ZERO]]
//       CHECK:   %[[R:.*]] = arith.select %[[GE]], %[[ONE]], %[[MONE]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.absf %x : f64
  return %0 : f64
}

// -----

// erf' = 2/sqrt(pi) exp(-x^2).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[K:.*]] = arith.constant 1.1283791670955126 : f64
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[X]], %[[X]]
//       CHECK:   %[[N:.*]] = arith.negf %[[SQ]]
//       CHECK:   %[[E:.*]] = math.exp %[[N]]
//       CHECK:   %[[R:.*]] = arith.mulf %[[E]], %[[K]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.erf %x : f64
  return %0 : f64
}

// -----

// atan' = 1/(1 + x^2).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[X]], %[[X]]
//       CHECK:   %[[R:.*]] = arith.addf %[[SQ]], %[[ONE]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.divf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.atan %x : f64
  return %0 : f64
}

// -----

// sinh' = cosh.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[R:.*]] = math.cosh %[[X]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.sinh %x : f64
  return %0 : f64
}

// -----

// cosh' = sinh.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[R:.*]] = math.sinh %[[X]]
//       CHECK:   return %{{.*}}, %[[R]] : f64, f64
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//   CHECK-NOT:   math.
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]] : f64
func.func @f(%x: f64) -> f64 {
  %0 = math.cosh %x : f64
  return %0 : f64
}

// -----

// floor, ceil and round have a zero derivative: no residual, and @f_lin
// returns a constant zero.
// CHECK-LABEL: func.func private @floor_fwd(
//  CHECK-SAME:     -> f64
// CHECK-LABEL: func.func private @floor_lin(
//  CHECK-SAME:     %{{[^:]*}}: f64 {lintra.linear}) -> f64
//  CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//  CHECK-NEXT:   return %[[Z]]
// CHECK-LABEL: func.func private @ceil_lin(
//  CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//  CHECK-NEXT:   return %[[Z]]
// CHECK-LABEL: func.func private @round_lin(
//  CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//  CHECK-NEXT:   return %[[Z]]
func.func @floor(%x: f64) -> f64 {
  %0 = math.floor %x : f64
  return %0 : f64
}

func.func @ceil(%x: f64) -> f64 {
  %0 = math.ceil %x : f64
  return %0 : f64
}

func.func @round(%x: f64) -> f64 {
  %0 = math.round %x : f64
  return %0 : f64
}

// -----

// powf x^y: d/dx = y x^(y-1) (with x replaced by 1 where x == y == 0, so 0
// there, not 0 * inf), d/dy = log(x) x^y (with log(1) where x == 0); both
// coefficients are residuals.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64) -> (f64, f64, f64)
//   CHECK-DAG:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
//   CHECK-DAG:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
//       CHECK:   %[[P:.*]] = math.powf %[[X]], %[[Y]]
//       CHECK:   %[[X0:.*]] = arith.cmpf oeq, %[[X]], %[[ZERO]]
//       CHECK:   %[[SAFE:.*]] = arith.select %[[X0]], %[[ONE]], %[[X]]
//       CHECK:   %[[Y0:.*]] = arith.cmpf oeq, %[[Y]], %[[ZERO]]
//       CHECK:   %[[BASE:.*]] = arith.select %[[Y0]], %[[SAFE]], %[[X]]
//       CHECK:   %[[YM1:.*]] = arith.subf %[[Y]], %[[ONE]]
//       CHECK:   %[[PM1:.*]] = math.powf %[[BASE]], %[[YM1]]
//       CHECK:   %[[WX:.*]] = arith.mulf %[[Y]], %[[PM1]]
//       CHECK:   %[[L:.*]] = math.log %[[SAFE]]
//       CHECK:   %[[WY:.*]] = arith.mulf %[[L]], %[[P]]
//       CHECK:   return %[[P]], %[[WX]], %[[WY]]
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[WX:[^:]*]]: f64, %[[WY:[^:]*]]: f64, %[[DX:[^:]*]]: f64 {lintra.linear}, %[[DY:[^:]*]]: f64 {lintra.linear})
//   CHECK-NOT:   math.
//       CHECK:   %[[A:.*]] = arith.mulf %[[DX]], %[[WX]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[DY]], %[[WY]]
//       CHECK:   %[[S:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   return %[[S]]
func.func @f(%x: f64, %y: f64) -> f64 {
  %0 = math.powf %x, %y : f64
  return %0 : f64
}

// -----

// atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[Y:[^:]*]]: f64, %[[X:[^:]*]]: f64)
//       CHECK:   math.atan2 %[[Y]], %[[X]]
//       CHECK:   %[[XX:.*]] = arith.mulf %[[X]], %[[X]]
//       CHECK:   %[[YY:.*]] = arith.mulf %[[Y]], %[[Y]]
//       CHECK:   %[[N:.*]] = arith.addf %[[XX]], %[[YY]]
// CHECK-LABEL: func.func private @f_lin(
//   CHECK-NOT:   math.
//       CHECK:   arith.mulf
//       CHECK:   arith.divf
//       CHECK:   arith.mulf
//       CHECK:   arith.divf
//       CHECK:   arith.negf
//       CHECK:   arith.addf
//   CHECK-NOT:   math.
//       CHECK:   return
func.func @f(%y: f64, %x: f64) -> f64 {
  %0 = math.atan2 %y, %x : f64
  return %0 : f64
}

// -----

// fpowi x^n (integer n): d/dx = n x^(n-1); n has no tangent.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[N:[^:]*]]: i32) -> (f64, f64)
//       CHECK:   %[[ONE:.*]] = arith.constant 1 : i32
//       CHECK:   math.fpowi %[[X]], %[[N]]
//       CHECK:   %[[NM1:.*]] = arith.subi %[[N]], %[[ONE]]
//       CHECK:   %[[P:.*]] = math.fpowi %[[X]], %[[NM1]]
//       CHECK:   %[[NF:.*]] = arith.sitofp %[[N]]
//       CHECK:   %[[R:.*]] = arith.mulf %[[NF]], %[[P]]
//       CHECK:   return %{{.*}}, %[[R]]
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : f64
//  CHECK-NEXT:   return %[[D]]
func.func @f(%x: f64, %n: i32) -> f64 {
  %0 = math.fpowi %x, %n : f64, i32
  return %0 : f64
}

// -----

// On tensors the coefficient is a tensor residual and the tangent op is
// elementwise.
// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<2x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xf64>)
//       CHECK:   %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<2x3xf64>
//       CHECK:   %[[Y:.*]] = math.tanh %[[X]]
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[Y]], %[[Y]]
//       CHECK:   %[[R:.*]] = arith.subf %[[ONE]], %[[SQ]]
//       CHECK:   return %[[Y]], %[[R]]
// CHECK-LABEL: func.func private @f_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: tensor<2x3xf64>, %[[T:[^:]*]]: tensor<2x3xf64> {lintra.linear}) -> tensor<2x3xf64>
//  CHECK-NEXT:   %[[D:.*]] = arith.mulf %[[T]], %[[R]] : tensor<2x3xf64>
//  CHECK-NEXT:   return %[[D]]
func.func @f(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = math.tanh %x : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}
