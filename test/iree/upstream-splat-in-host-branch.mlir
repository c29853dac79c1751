// IREE 3.13 cannot compile a tensor.splat inside a host-level scf.if ("failed
// to legalize operation 'tensor.splat' that was explicitly marked illegal"),
// which lintra-ad emits for the tangents and residuals of branches. lintra's
// IREE backends rewrite each tensor.splat into linalg.fill of tensor.empty
// before compiling (python/lintra/backends/iree_tensor_ops.py; checked by
// test_regressions.py::test_hvp_through_if_with_a_constant_branch). This test
// fails once IREE is fixed; then drop the rewrite.
// RUN: not iree-compile %iree_cpu_flags %s -o %t.vmfb 2>&1 | FileCheck %s

// CHECK: failed to legalize operation 'tensor.splat'
func.func @f(%c: i1, %x: f64) -> tensor<3xf64> {
  %r = scf.if %c -> (tensor<3xf64>) {
    %s = tensor.splat %x : tensor<3xf64>
    scf.yield %s : tensor<3xf64>
  } else {
    %z = arith.constant dense<0.0> : tensor<3xf64>
    scf.yield %z : tensor<3xf64>
  }
  return %r : tensor<3xf64>
}
