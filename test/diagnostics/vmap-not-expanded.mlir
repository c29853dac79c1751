// lintra-jvp (likewise lintra-linearize, lintra-transpose) does not expand
// lintra.vmap: a jvp of a function holding one is an error that names the
// passes that do, not a wrong answer or a traceback.
// RUN: not lintra-opt %s --lintra-jvp 2>&1 | FileCheck %s --implicit-check-not=error:
// The same module is fine for lintra-ad, which expands both, innermost first.
// RUN: lintra-opt %s --lintra-ad | FileCheck %s --check-prefix=AD

// AD-NOT: "lintra.
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = math.sin %x : tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @fs(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}
func.func @j(%xs: tensor<4x3xf64>, %t: tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:10: error: 'lintra.jvp' op cannot be expanded: its callee (transitively) contains lintra.vmap, which this pass does not expand (run lintra-batch or lintra-ad)
  %0:2 = "lintra.jvp"(%xs, %t) {callee = @fs} : (tensor<4x3xf64>, tensor<4x3xf64>) -> (tensor<4x3xf64>, tensor<4x3xf64>)
  return %0#0, %0#1 : tensor<4x3xf64>, tensor<4x3xf64>
}
