// Upstream: convert-math-to-llvm lowers math.expm1 to exp(x) - 1, which cancels
// catastrophically for small |x| (in f64, expm1(1e-10) comes out as 1.00000008e-10).
// Workaround: `route_to_libm` in passes/lintra_lower_to_llvm.py sends scalar
// math.expm1 to libm's expm1/expm1f before convert-math-to-llvm runs.
// RUN: mlir-opt %s --convert-math-to-llvm | FileCheck %s
// CHECK: %[[E:.*]] = llvm.intr.exp(%{{.*}}) : (f64) -> f64
// CHECK: llvm.fsub %[[E]], %{{.*}} : f64
func.func @f(%x: f64) -> f64 {
  %y = math.expm1 %x : f64
  return %y : f64
}
