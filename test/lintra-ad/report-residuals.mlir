// lintra-ad{report-residuals=true} prints, for each lintra op it expands through
// linearize, the residuals the forward half saves: type, size and the op (with
// its source location) that computed it, as jax.ad_checkpoint.print_saved_residuals.
// The module itself is expanded as without the option.
// RUN: lintra-opt %s --lintra-ad=report-residuals=true 2>&1 >/dev/null | FileCheck %s
// RUN: lintra-opt %s --lintra-ad=report-residuals=true 2>/dev/null | FileCheck %s --check-prefix=IR

func.func @f(%x: tensor<3xf32>, %w: tensor<3xf32>) -> f32 {
  %s = math.sin %x : tensor<3xf32>
  %p = arith.mulf %s, %w : tensor<3xf32>
  %e = tensor.empty() : tensor<f32>
  %c = arith.constant 0.0 : f32
  %i = linalg.fill ins(%c : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.reduce ins(%p : tensor<3xf32>) outs(%i : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    }
  %v = tensor.extract %r[] : tensor<f32>
  return %v : f32
}

// CHECK: residuals of @f saved by @f_fwd: 3 residuals, 36 bytes
// CHECK-NEXT: f32[3] output of math.cos at {{.*}}report-residuals.mlir:9:
// CHECK-NEXT: f32[3] from argument #1 of @f_fwd
// CHECK-NEXT: f32[3] output of math.sin at {{.*}}report-residuals.mlir:9:
// CHECK-NOT: residuals of

// IR-LABEL: func.func @df(
//       IR:   call @f_fwd
//   IR-NOT:   lintra.grad
func.func @df(%x: tensor<3xf32>, %w: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %g:2 = "lintra.grad"(%x, %w) {callee = @f} : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %g#0, %g#1 : tensor<3xf32>, tensor<3xf32>
}
