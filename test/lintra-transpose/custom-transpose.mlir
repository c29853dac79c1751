// A linear function with the attribute `lintra.transpose = @g_t` is transposed
// by the user's @g_t(non-linear args..., cotangents of the results...) ->
// cotangents of the {lintra.linear} args: its body is not transposed (nor
// checked), and it may have none (see passes/core/custom_rules.py).
// RUN: lintra-opt %s --split-input-file --lintra-transpose | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-ad | FileCheck %s --check-prefix=AD

// A "lintra.transpose" of @scale and the transpose of @twice, which calls
// @scale twice, both use @scale_t: the transpose of 2.0 * t would be 2.0 * ct,
// the user's rule says 3.0 * ct, and that is what runs. @scale_transpose (the
// transpose lintra-transpose generates for each linear function) calls it.

// CHECK-LABEL: func.func @caller(
//  CHECK-SAME:     %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[R:.*]] = call @scale_transpose(%[[CT]])
//       CHECK:   return %[[R]]
// CHECK-LABEL: func.func private @scale_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: f64) -> f64
//  CHECK-NEXT:   %[[R:.*]] = call @scale_t(%[[CT]])
//  CHECK-NEXT:   return %[[R]]
// CHECK-LABEL: func.func private @twice_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[A:.*]] = call @scale_transpose(%[[CT]])
//       CHECK:   %[[B:.*]] = call @scale_transpose(%[[A]])
//       CHECK:   return %[[B]]
func.func private @scale(%t: f64 {lintra.linear}) -> f64 attributes {lintra.transpose = @scale_t} {
  %c = arith.constant 2.0 : f64
  %0 = arith.mulf %c, %t : f64
  return %0 : f64
}

func.func private @scale_t(%ct: f64) -> f64 {
  %c = arith.constant 3.0 : f64
  %0 = arith.mulf %c, %ct : f64
  return %0 : f64
}

func.func @caller(%ct: f64) -> f64 {
  %0 = "lintra.transpose"(%ct) {callee = @scale} : (f64) -> f64
  return %0 : f64
}

func.func @twice(%t: f64 {lintra.linear}) -> f64 {
  %0 = func.call @scale(%t) : (f64) -> f64
  %1 = func.call @scale(%0) : (f64) -> f64
  return %1 : f64
}

// -----

// A linear map known only by its transpose: @apply is a declaration taking a
// non-linear argument %a; its transpose @apply_t receives %a and the
// cotangent. Transposing @outer, which calls it, needs no body.

// CHECK-LABEL: func.func private @outer_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: tensor<3xf64>, %[[CT:[^:]*]]: tensor<3xf64>) -> tensor<3xf64>
//       CHECK:   %[[N:.*]] = arith.negf %[[CT]]
//       CHECK:   %[[R:.*]] = call @apply_t(%[[A]], %[[N]])
//       CHECK:   return %[[R]]
func.func private @apply(%a: tensor<3xf64>, %t: tensor<3xf64> {lintra.linear}) -> tensor<3xf64>
    attributes {lintra.transpose = @apply_t}

func.func private @apply_t(%a: tensor<3xf64>, %ct: tensor<3xf64>) -> tensor<3xf64> {
  %0 = arith.mulf %a, %ct : tensor<3xf64>
  return %0 : tensor<3xf64>
}

func.func @outer(%a: tensor<3xf64>, %t: tensor<3xf64> {lintra.linear}) -> tensor<3xf64> {
  %0 = func.call @apply(%a, %t) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %1 = arith.negf %0 : tensor<3xf64>
  return %1 : tensor<3xf64>
}

// -----

// A custom VJP in IR: @cube's custom JVP calls the declaration @cube_lin (known
// only by its transpose @cube_bwd) on the residual 3x^2. grad(@cube) runs the
// forward rule, then the user's transpose on the residual and the seed.

// AD-LABEL: func.func @grad_cube(
//  AD-SAME:     %[[X:[^:]*]]: f64) -> f64
//       AD:   %[[R:.*]]:2 = call @cube_fwd(%[[X]])
//       AD:   %[[G:.*]] = call @cube_bwd(%[[R]]#1, %{{.*}})
//       AD:   return %[[G]]
func.func private @cube(%x: f64) -> f64 attributes {lintra.jvp = @cube_jvp} {
  %0 = arith.mulf %x, %x : f64
  %1 = arith.mulf %0, %x : f64
  return %1 : f64
}

func.func private @cube_fwd(%x: f64) -> (f64, f64) {
  %0 = arith.mulf %x, %x : f64
  %1 = arith.mulf %0, %x : f64
  %c = arith.constant 3.0 : f64
  %2 = arith.mulf %c, %0 : f64
  return %1, %2 : f64, f64
}

func.func private @cube_lin(%r: f64, %t: f64 {lintra.linear}) -> f64 attributes {lintra.transpose = @cube_bwd}

func.func private @cube_bwd(%r: f64, %ct: f64) -> f64 {
  %0 = arith.mulf %r, %ct : f64
  return %0 : f64
}

func.func private @cube_jvp(%x: f64, %t: f64) -> (f64, f64) {
  %y, %r = func.call @cube_fwd(%x) : (f64) -> (f64, f64)
  %dy = func.call @cube_lin(%r, %t) : (f64, f64) -> f64
  return %y, %dy : f64, f64
}

func.func @grad_cube(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @cube} : (f64) -> f64
  return %g : f64
}
