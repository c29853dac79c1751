// "lintra.stop_gradient"(x) is the identity on values with a zero derivative.
// lintra-ad differentiates through it, then replaces it by its operand in the
// whole module, also where no lintra op is (its output holds upstream dialects
// only); with erase-stop-gradient=false it stays (for a pipeline that
// differentiates the result again). Stock mlir-opt verifies it with the IRDL
// definition.
// RUN: lintra-opt %s --split-input-file --lintra-ad | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-ad=erase-stop-gradient=false | FileCheck %s --check-prefix=KEEP
// RUN: mlir-opt --irdl-file=%irdl --split-input-file %s | FileCheck %s --check-prefix=IRDL

// No AD op: the op is forwarded all the same.

// CHECK-LABEL: func.func @plain(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<3xf64>) -> tensor<3xf64>
//  CHECK-NEXT:   return %[[X]]
// KEEP-LABEL: func.func @plain(
//       KEEP:   "lintra.stop_gradient"
// IRDL-LABEL: func.func @plain(
//       IRDL:   "lintra.stop_gradient"(%{{.*}}) : (tensor<3xf64>) -> tensor<3xf64>
func.func @plain(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = "lintra.stop_gradient"(%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// d/dx [x * stop_gradient(x)] = stop_gradient(x) = x (as jax.grad gives),
// not 2x: the gradient is the argument itself.

// CHECK-LABEL: func.func @grad(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> f64
//   CHECK-NOT:   lintra.
//       CHECK:   return %[[X]]
//   CHECK-NOT:   lintra.stop_gradient
// KEEP-LABEL: func.func @f(
//       KEEP:   "lintra.stop_gradient"
func.func @f(%x: f64) -> f64 {
  %s = "lintra.stop_gradient"(%x) : (f64) -> f64
  %0 = arith.mulf %x, %s : f64
  return %0 : f64
}

func.func @grad(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  return %g : f64
}

// -----

// Through a call: @inner's result is stopped, so only the direct sin(x) term
// of @outer = sin(x) + stop_gradient(exp(x)) has a derivative: cos(x).

// CHECK-LABEL: func.func @grad_outer(
//       CHECK:   call @outer_fwd(
// CHECK-LABEL: func.func private @outer_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: f64) -> f64
//   CHECK-NOT:   math.exp
//       CHECK:   %[[C:.*]] = math.cos %[[X]]
//  CHECK-NEXT:   return %[[C]]
func.func private @inner(%x: f64) -> f64 {
  %e = math.exp %x : f64
  %s = "lintra.stop_gradient"(%e) : (f64) -> f64
  return %s : f64
}

func.func @outer(%x: f64) -> f64 {
  %a = math.sin %x : f64
  %b = func.call @inner(%x) : (f64) -> f64
  %0 = arith.addf %a, %b : f64
  return %0 : f64
}

func.func @grad_outer(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @outer} : (f64) -> f64
  return %g : f64
}
