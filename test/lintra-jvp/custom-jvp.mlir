// A function with the attribute `lintra.jvp = @rule` is differentiated by the
// user's rule @rule(primals..., tangents...) -> (results..., tangents...): its
// body is inlined into the generated JVP function instead of differentiating
// @f's body (see passes/core/custom_rules.py and the dialect header).
// RUN: lintra-opt %s --split-input-file --lintra-jvp | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-ad | FileCheck %s --check-prefix=AD

// The rule of @log1pexp is used, not @log1pexp's body: its tangent is
// dx * (1 - 1 / (1 + exp(x))), without any log. Its primal result is a call
// of @log1pexp itself, as in JAX's documentation.

// CHECK-LABEL: func.func @use(
//       CHECK:   call @log1pexp_jvp_1(
// CHECK-LABEL: func.func private @log1pexp_jvp_1(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//   CHECK-NOT:   math.log
//   CHECK-DAG:   %[[Y:.*]] = call @log1pexp(%[[X]])
//   CHECK-DAG:   %[[E:.*]] = math.exp %[[X]]
//       CHECK:   %[[C:.*]] = arith.subf
//       CHECK:   %[[DY:.*]] = arith.mulf %[[C]], %[[DX]]
//       CHECK:   return %[[Y]], %[[DY]]

// In reverse mode the rule's tangent part is transposed: the gradient is the
// coefficient computed in the forward half (the transpose of t -> c * t, at
// cotangent 1, folds away).

// AD-LABEL: func.func @grad(
//       AD:   %[[R:.*]]:2 = call @log1pexp_fwd(%{{.*}})
//  AD-NEXT:   return %[[R]]#1
// AD-LABEL: func.func private @log1pexp_fwd(
//   AD-NOT:   math.log
//       AD:   call @log1pexp(
//       AD:   return
func.func private @log1pexp(%x: f64) -> f64 attributes {lintra.jvp = @log1pexp_jvp} {
  %one = arith.constant 1.0 : f64
  %e = math.exp %x : f64
  %s = arith.addf %one, %e : f64
  %l = math.log %s : f64
  return %l : f64
}

func.func private @log1pexp_jvp(%x: f64, %t: f64) -> (f64, f64) {
  %y = func.call @log1pexp(%x) : (f64) -> f64
  %one = arith.constant 1.0 : f64
  %e = math.exp %x : f64
  %s = arith.addf %one, %e : f64
  %r = arith.divf %one, %s : f64
  %c = arith.subf %one, %r : f64
  %dy = arith.mulf %c, %t : f64
  return %y, %dy : f64, f64
}

func.func @use(%x: f64, %t: f64) -> (f64, f64) {
  %y, %dy = "lintra.jvp"(%x, %t) {callee = @log1pexp} : (f64, f64) -> (f64, f64)
  return %y, %dy : f64, f64
}

func.func @grad(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @log1pexp} : (f64) -> f64
  return %g : f64
}

// -----

// A call of a function with a custom JVP whose second argument carries no
// tangent (a stop_gradient): the rule takes every tangent, so that one is a
// materialized zero (lintra's own JVP functions would drop it); clean-up moves
// the constant into @scaled_lin.

// CHECK-LABEL: func.func private @outer_jvp(
//  CHECK-SAME:     %[[X:[^:]*]]: f64, %[[Y:[^:]*]]: f64, %[[DX:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[YS:.*]] = "lintra.stop_gradient"(%[[Y]])
//       CHECK:   call @scaled_fwd(%[[X]], %[[YS]])
//       CHECK:   call @scaled_lin(%[[YS]], %[[X]], %[[DX]])
// CHECK-LABEL: func.func private @scaled_lin(
//       CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
//       CHECK:   arith.mulf %{{.*}}, %[[ZERO]]
func.func private @scaled(%x: f64, %y: f64) -> f64 attributes {lintra.jvp = @scaled_rule} {
  %0 = arith.mulf %x, %y : f64
  return %0 : f64
}

func.func private @scaled_rule(%x: f64, %y: f64, %dx: f64, %dy: f64) -> (f64, f64) {
  %0 = arith.mulf %x, %y : f64
  %1 = arith.mulf %dx, %y : f64
  %2 = arith.mulf %x, %dy : f64
  %3 = arith.addf %1, %2 : f64
  return %0, %3 : f64, f64
}

func.func @outer(%x: f64, %y: f64) -> f64 {
  %ys = "lintra.stop_gradient"(%y) : (f64) -> f64
  %0 = func.call @scaled(%x, %ys) : (f64, f64) -> f64
  return %0 : f64
}

func.func @use_outer(%x: f64, %y: f64, %dx: f64, %dy: f64) -> (f64, f64) {
  %r, %dr = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @outer} : (f64, f64, f64, f64) -> (f64, f64)
  return %r, %dr : f64, f64
}

// -----

// A rule that returns a constant zero tangent: that zero stays symbolic in the
// caller, so nothing is transposed for it.

// AD-LABEL: func.func @grad_flat(
//  AD-SAME:     %[[X:[^:]*]]: f64) -> f64
//       AD:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
//  AD-NEXT:   return %[[ZERO]]
func.func private @flat(%x: f64) -> f64 attributes {lintra.jvp = @flat_rule} {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func private @flat_rule(%x: f64, %dx: f64) -> (f64, f64) {
  %0 = math.sin %x : f64
  %z = arith.constant 0.0 : f64
  return %0, %z : f64, f64
}

func.func @grad_flat(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @flat} : (f64) -> f64
  return %g : f64
}
