// A function marked {lintra.checkpoint} is rematerialized (as jax.checkpoint):
// its forward half @g_remat_fwd runs the primal @g only and saves @g's inputs;
// its linear half @g_remat_lin recomputes the residuals with @g_fwd, then
// applies @g_lin. A caller saves only what it passes to @g: here @f_fwd saves x
// and g(x) (2 residuals) instead of the sin, cos and exp of both calls (6).
// RUN: lintra-opt %s --pass-pipeline='builtin.module(lintra-linearize{functions=f report-residuals=true})' \
// RUN:   2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: sed 's/attributes {lintra.checkpoint} //' %s \
// RUN:   | lintra-opt --pass-pipeline='builtin.module(lintra-linearize{functions=f report-residuals=true})' \
// RUN:   2>&1 >/dev/null | FileCheck %s --check-prefix=SAVED

func.func private @g(%x: tensor<4xf64>) -> tensor<4xf64> attributes {lintra.checkpoint} {
  %0 = math.sin %x : tensor<4xf64>
  %1 = math.exp %0 : tensor<4xf64>
  %2 = arith.mulf %1, %0 : tensor<4xf64>
  return %2 : tensor<4xf64>
}

// CHECK-LABEL: func.func @f(
func.func @f(%x: tensor<4xf64>) -> tensor<4xf64> {
  %y = call @g(%x) : (tensor<4xf64>) -> tensor<4xf64>
  %z = call @g(%y) : (tensor<4xf64>) -> tensor<4xf64>
  return %z : tensor<4xf64>
}

// CHECK-LABEL: func.func private @g_remat_lin(
//  CHECK-SAME:     %[[X:.*]]: tensor<4xf64>, %[[DX:.*]]: tensor<4xf64> {lintra.linear})
//       CHECK:   %[[R:.*]]:3 = call @g_fwd(%[[X]])
//       CHECK:   call @g_lin(%[[R]]#0, %[[R]]#1, %[[R]]#2, %[[DX]])

// CHECK-LABEL: func.func private @f_fwd(
//  CHECK-SAME:     %[[X:.*]]: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
//       CHECK:   %[[Y:.*]] = call @g(%[[X]])
//       CHECK:   %[[Z:.*]] = call @g(%[[Y]])
//       CHECK:   return %[[Z]], %[[X]], %[[Y]]

// CHECK-LABEL: func.func private @f_lin(
//       CHECK:   %[[T:.*]] = call @g_remat_lin(%arg0, %arg2)
//       CHECK:   call @g_remat_lin(%arg1, %[[T]])

// REPORT: residuals of @f saved by @f_fwd: 2 residuals, 64 bytes
// REPORT-NEXT: f64[4] from argument #0 of @f
// REPORT-NEXT: f64[4] output of arith.mulf at {{.*}}checkpoint.mlir:16:

// SAVED: residuals of @f saved by @f_fwd: 6 residuals, 192 bytes
// SAVED-NEXT: f64[4] output of math.cos at {{.*}}:14:
// SAVED-NEXT: f64[4] output of math.exp at {{.*}}:15:
