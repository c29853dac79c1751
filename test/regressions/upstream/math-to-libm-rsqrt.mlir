// Upstream: convert-math-to-libm turns f32 math.rsqrt into a call of `rsqrtf`,
// which libm does not have (the JIT cannot resolve it).
// Workaround: passes/lintra_lower_to_llvm.py runs convert-math-to-llvm before
// convert-math-to-libm and routes only math.expm1 to libm itself (`route_to_libm`).
// RUN: mlir-opt %s --convert-math-to-libm | FileCheck %s
// CHECK: func.func private @rsqrtf(f32) -> f32
// CHECK: call @rsqrtf
func.func @f(%x: f32) -> f32 {
  %y = math.rsqrt %x : f32
  return %y : f32
}
