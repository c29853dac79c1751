// IREE 3.13's llvm-cpu code for f64 math.log1p and math.expm1 loses small
// arguments: log1p(1.9e-174) and expm1(1.9e-174) are 0, and at -1e-12 both
// are off by 2e-5 (libm: 1.9e-174 and -1e-12 to 16 digits). lintra's IREE
// backends rewrite them into compositions of exp and log before compiling
// (python/lintra/backends/iree_math.py, checked by test_iree_math.py). This
// test fails once IREE is fixed; then drop the rewrite.
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=f \
// RUN:   --input="3xf64=1e-10 1.9e-174 -1e-12" | FileCheck %s

// CHECK: result[0]: hal.buffer_view
// CHECK-NEXT: 3xf64=1E-10 0 -9.99978E-13
// CHECK: result[1]: hal.buffer_view
// CHECK-NEXT: 3xf64=1E-10 0 -9.99978E-13
func.func @f(%x: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %a = math.log1p %x : tensor<3xf64>
  %b = math.expm1 %x : tensor<3xf64>
  return %a, %b : tensor<3xf64>, tensor<3xf64>
}
