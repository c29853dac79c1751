// IREE 3.13 rejects a broadcast product summed to a scalar, sum(x * v) with
// x: 3x4 and v: 4 (`lnp.sum(x * v)` on the iree-cpu backend; the pre-fused
// fallback of python/lintra/backends/iree_cpu.py fails the same way), on every
// target CPU. Found by test/python/test_numpy_indexing.py, whose smooth function
// writes `cos(g) @ s` instead. When this test fails, IREE compiles the pattern.
// RUN: not iree-compile %iree_cpu_flags %s -o %t.vmfb 2>&1 | FileCheck %s
// CHECK: 'vector.contract' op invalid accumulator/result vector shape
func.func @main(%x: tensor<3x4xf32>, %v: tensor<4xf32>) -> tensor<f32> {
  %zero = arith.constant dense<0.0> : tensor<f32>
  %e = tensor.empty() : tensor<3x4xf32>
  %b = linalg.broadcast ins(%v : tensor<4xf32>) outs(%e : tensor<3x4xf32>) dimensions = [0]
  %p = arith.mulf %x, %b : tensor<3x4xf32>
  %r = linalg.reduce ins(%p : tensor<3x4xf32>) outs(%zero : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %s = arith.addf %in, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<f32>
}
