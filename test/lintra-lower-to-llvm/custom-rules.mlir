// After lintra-ad a module still holds its custom rules (so it can be
// differentiated again) and may hold lintra.stop_gradient (with
// erase-stop-gradient=false). lintra-lower-to-llvm, after which nothing is
// differentiated, forwards stop_gradient, drops the rule attributes and the
// rule functions only they used (among them the custom VJP's declaration known
// only by its transpose), and runs the rest.
// RUN: lintra-opt %s --lintra-ad=erase-stop-gradient=false --lintra-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils \
// RUN:   | FileCheck %s
// RUN: lintra-opt %s --lintra-ad=erase-stop-gradient=false --lintra-lower-to-llvm \
// RUN:   | FileCheck %s --check-prefix=IR
// REQUIRES: jit

// IR-NOT: lintra.
// IR-NOT: @cube_lin

func.func private @printF64(f64)
func.func private @printNewline()

// x^3 with a custom VJP: forward rule (x^3, residual 3x^2), linear part known
// only by its transpose.
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

// f(x) = cube(x) + stop_gradient(x) * x: f(2) = 12, f'(2) = 3 * 4 + 2 = 14.
func.func @f(%x: f64) -> f64 {
  %c = func.call @cube(%x) : (f64) -> f64
  %s = "lintra.stop_gradient"(%x) : (f64) -> f64
  %p = arith.mulf %s, %x : f64
  %0 = arith.addf %c, %p : f64
  return %0 : f64
}

func.func @main() {
  %x = arith.constant 2.0 : f64
  %y = func.call @f(%x) : (f64) -> f64
  %g = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  // CHECK: 12
  func.call @printF64(%y) : (f64) -> ()
  func.call @printNewline() : () -> ()
  // CHECK-NEXT: 14
  func.call @printF64(%g) : (f64) -> ()
  func.call @printNewline() : () -> ()
  return
}
