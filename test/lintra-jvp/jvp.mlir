// lintra-jvp: each "lintra.jvp" becomes a call of a generated private @f_jvp,
// in which every primal op is followed by its tangent ops. Tangents known to
// be zero are symbolic: they emit no IR.
// RUN: lintra-opt %s --split-input-file --lintra-jvp | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-jvp | FileCheck %s --check-prefix=ONCE \
// RUN:   --implicit-check-not='func.func private @f_jvp(' --implicit-check-not='func.func private @g_fwd(' \
// RUN:   --implicit-check-not='func.func private @g_lin(' --implicit-check-not='func.func private @h_jvp('

// A scalar function: sin(x) * y. The JVP pairs each primal op with its tangent
// ops: sin -> cos * dx, then the product rule for mulf.

// CHECK-LABEL: func.func @use_scalar(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64, %[[DX:[^:]*]]: f64, %[[DY:[^:]*]]: f64)
//       CHECK:   %[[R:.*]]:2 = call @scalar_jvp(%[[X]], %[[Y]], %[[DX]], %[[DY]]) : (f64, f64, f64, f64) -> (f64, f64)
//       CHECK:   return %[[R]]#0, %[[R]]#1
//   CHECK-NOT:   lintra.jvp

// CHECK-LABEL: func.func private @scalar_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64, %[[DX:[^:]*]]: f64, %[[DY:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[SIN:.*]] = math.sin %[[X]]
//  CHECK-NEXT:   %[[COS:.*]] = math.cos %[[X]]
//  CHECK-NEXT:   %[[DSIN:.*]] = arith.mulf %[[DX]], %[[COS]]
//  CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[SIN]], %[[Y]]
//  CHECK-NEXT:   %[[T1:.*]] = arith.mulf %[[DSIN]], %[[Y]]
//  CHECK-NEXT:   %[[T2:.*]] = arith.mulf %[[SIN]], %[[DY]]
//  CHECK-NEXT:   %[[DP:.*]] = arith.addf %[[T1]], %[[T2]]
//  CHECK-NEXT:   return %[[P]], %[[DP]] : f64, f64

func.func @scalar(%x: f64, %y: f64) -> f64 {
  %0 = math.sin %x : f64
  %1 = arith.mulf %0, %y : f64
  return %1 : f64
}

func.func @use_scalar(%x: f64, %y: f64, %dx: f64, %dy: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @scalar} : (f64, f64, f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}

// -----

// A tensor function: tanh(x) * x; tanh' = 1 - tanh(x)^2.

// CHECK-LABEL: func.func private @tensor_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<4xf64>, %[[DX:[^:]*]]: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>)
//       CHECK:   %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf64>
//       CHECK:   %[[T:.*]] = math.tanh %[[X]] : tensor<4xf64>
//       CHECK:   %[[SQ:.*]] = arith.mulf %[[T]], %[[T]]
//       CHECK:   %[[D:.*]] = arith.subf %[[ONE]], %[[SQ]]
//       CHECK:   %[[DT:.*]] = arith.mulf %[[DX]], %[[D]]
//       CHECK:   %[[P:.*]] = arith.mulf %[[T]], %[[X]]
//       CHECK:   %[[A:.*]] = arith.mulf %[[DT]], %[[X]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[T]], %[[DX]]
//       CHECK:   %[[DP:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   return %[[P]], %[[DP]] : tensor<4xf64>, tensor<4xf64>

func.func @tensor(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = math.tanh %x : tensor<4xf64>
  %1 = arith.mulf %0, %x : tensor<4xf64>
  return %1 : tensor<4xf64>
}

func.func @use_tensor(%x: tensor<4xf64>, %dx: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) {
  %r:2 = "lintra.jvp"(%x, %dx) {callee = @tensor}
      : (tensor<4xf64>, tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>)
  return %r#0, %r#1 : tensor<4xf64>, tensor<4xf64>
}

// -----

// Symbolic zeros: @unused never reads %y, so its tangent %dy is never read and
// the JVP has exactly one tangent op; the clean-up then drops the unread
// arguments %y and %dy from the generated function and its call.

// CHECK-LABEL: func.func @use_unused(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %{{[^:]*}}: f64, %[[DX:[^:]*]]: f64, %{{[^:]*}}: f64) -> (f64, f64)
//       CHECK:   call @unused_jvp(%[[X]], %[[DX]]) : (f64, f64) -> (f64, f64)
// CHECK-LABEL: func.func private @unused_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[E:.*]] = math.exp %[[X]]
//  CHECK-NEXT:   %[[DE:.*]] = arith.mulf %[[DX]], %[[E]]
//  CHECK-NEXT:   return %[[E]], %[[DE]] : f64, f64
//  CHECK-NEXT: }
func.func @unused(%x: f64, %y: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}

func.func @use_unused(%x: f64, %y: f64, %dx: f64, %dy: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @unused} : (f64, f64, f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}

// -----

// Symbolic zeros: ops of a constant (sin(c), exp(c)) have zero tangents, so no
// math.cos of the constant is emitted, sin(c) * x needs a single tangent
// product, and adding exp(c) adds nothing to the tangent (canonicalize then
// folds sin(2) and exp(2)).

// CHECK-LABEL: func.func private @const_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//   CHECK-DAG:   %[[E:.*]] = arith.constant 7.38905
//   CHECK-DAG:   %[[S:.*]] = arith.constant 0.909297
//   CHECK-NOT:   math.cos
//       CHECK:   %[[P:.*]] = arith.mulf %[[X]], %[[S]]
//  CHECK-NEXT:   %[[DP:.*]] = arith.mulf %[[DX]], %[[S]]
//  CHECK-NEXT:   %[[R:.*]] = arith.addf %[[P]], %[[E]]
//  CHECK-NEXT:   return %[[R]], %[[DP]] : f64, f64
func.func @const(%x: f64) -> f64 {
  %c = arith.constant 2.0 : f64
  %s = math.sin %c : f64
  %0 = arith.mulf %s, %x : f64
  %1 = math.exp %c : f64
  %2 = arith.addf %0, %1 : f64
  return %2 : f64
}

func.func @use_const(%x: f64, %dx: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%x, %dx) {callee = @const} : (f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}

// -----

// A result whose tangent is zero (it does not depend on the inputs) gets a
// materialized zero at the function boundary and nothing else; the clean-up
// moves returned constants to the call site, and the call disappears.

// CHECK-LABEL: func.func @use_constant_result(
//   CHECK-DAG:   %[[C:.*]] = arith.constant 3.000000e+00 : f64
//   CHECK-DAG:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//   CHECK-NOT:   call
//       CHECK:   return %[[C]], %[[Z]] : f64, f64
//   CHECK-NOT:   @constant_result_jvp
func.func @constant_result(%x: f64) -> f64 {
  %c = arith.constant 3.0 : f64
  return %c : f64
}

func.func @use_constant_result(%x: f64, %dx: f64) -> (f64, f64) {
  %r:2 = "lintra.jvp"(%x, %dx) {callee = @constant_result} : (f64, f64) -> (f64, f64)
  return %r#0, %r#1 : f64, f64
}

// -----

// Integer arguments and results carry no tangent: @f_jvp takes one tangent per
// float argument and returns one per float result.

// (The clean-up forwards the returned integer argument to the call site.)

// CHECK-LABEL: func.func @use_mixed(
//  CHECK-SAME:     %{{[^:]*}}: f64, %[[N:[^:]*]]: i32, %{{[^:]*}}: f64) -> (f64, i32, f64)
//       CHECK:   %[[R:.*]]:2 = call @mixed_jvp(%{{.*}}, %[[N]], %{{.*}}) : (f64, i32, f64) -> (f64, f64)
//       CHECK:   return %[[R]]#0, %[[N]], %[[R]]#1 : f64, i32, f64
// CHECK-LABEL: func.func private @mixed_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[N:[^:]*]]: i32, %[[DX:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[NF:.*]] = arith.sitofp %[[N]] : i32 to f64
//       CHECK:   %[[P:.*]] = arith.mulf %[[X]], %[[NF]]
//  CHECK-NEXT:   %[[DP:.*]] = arith.mulf %[[DX]], %[[NF]]
//  CHECK-NEXT:   return %[[P]], %[[DP]] : f64, f64
func.func @mixed(%x: f64, %n: i32) -> (f64, i32) {
  %nf = arith.sitofp %n : i32 to f64
  %0 = arith.mulf %x, %nf : f64
  return %0, %n : f64, i32
}

func.func @use_mixed(%x: f64, %n: i32, %dx: f64) -> (f64, i32, f64) {
  %r:3 = "lintra.jvp"(%x, %n, %dx) {callee = @mixed} : (f64, i32, f64) -> (f64, i32, f64)
  return %r#0, %r#1, %r#2 : f64, i32, f64
}

// -----

// Calls: the JVP of `call @g` is `call @g_fwd` (primal results + residuals)
// followed by `call @g_lin` (the linear tangent map). @g_fwd and @g_lin are
// generated once for @g and shared by every call site, in @f_jvp and @h_jvp;
// @f_jvp is generated once for its two lintra.jvp uses.

// The two identical lintra.jvp ops of @f become one call: generated functions
// are pure, so the clean-up merges calls with equal operands.
// CHECK-LABEL: func.func @use(
//       CHECK:   %[[F:.*]]:2 = call @f_jvp(
//       CHECK:   %[[H:.*]] = call @h_jvp(
//   CHECK-NOT:   call @f_jvp(
//   CHECK-NOT:   lintra.jvp
//       CHECK:   return %[[F]]#0, %[[F]]#1, %[[H]], %[[F]]#1

// CHECK-LABEL: func.func private @f_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[A:.*]]:2 = call @g_fwd(%[[X]]) : (f64) -> (f64, f64)
//  CHECK-NEXT:   %[[DA:.*]] = call @g_lin(%[[A]]#1, %[[DX]]) : (f64, f64) -> f64
//  CHECK-NEXT:   %[[B:.*]]:2 = call @g_fwd(%[[A]]#0) : (f64) -> (f64, f64)
//  CHECK-NEXT:   %[[DB:.*]] = call @g_lin(%[[B]]#1, %[[DA]]) : (f64, f64) -> f64
//  CHECK-NEXT:   return %[[B]]#0, %[[DB]] : f64, f64

// CHECK-LABEL: func.func private @g_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[S:.*]] = math.sin %[[X]]
//       CHECK:   %[[C:.*]] = math.cos %[[X]]
//       CHECK:   return %[[S]], %[[C]]

// CHECK-LABEL: func.func private @g_lin(
//  CHECK-SAME:     %[[R:[^:]*]]: f64, %[[T:[^:]*]]: f64 {lintra.linear}) -> f64
//       CHECK:   %[[M:.*]] = arith.mulf %[[T]], %[[R]]
//       CHECK:   return %[[M]]

// CHECK-LABEL: func.func private @h_jvp(
//       CHECK:   call @g_fwd(
//       CHECK:   call @g_lin(

// Each derived function is defined exactly once (in the whole output).
// ONCE: func.func private @f_jvp(
// ONCE: func.func private @g_fwd(
// ONCE: func.func private @g_lin(
// ONCE: func.func private @h_jvp(

func.func private @g(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @f(%x: f64) -> f64 {
  %0 = call @g(%x) : (f64) -> f64
  %1 = call @g(%0) : (f64) -> f64
  return %1 : f64
}

func.func @h(%x: f64) -> f64 {
  %0 = call @g(%x) : (f64) -> f64
  return %0 : f64
}

func.func @use(%x: f64, %dx: f64) -> (f64, f64, f64, f64) {
  %r:2 = "lintra.jvp"(%x, %dx) {callee = @f} : (f64, f64) -> (f64, f64)
  %s:2 = "lintra.jvp"(%x, %dx) {callee = @h} : (f64, f64) -> (f64, f64)
  %t:2 = "lintra.jvp"(%x, %dx) {callee = @f} : (f64, f64) -> (f64, f64)
  return %r#0, %r#1, %s#1, %t#1 : f64, f64, f64, f64
}
