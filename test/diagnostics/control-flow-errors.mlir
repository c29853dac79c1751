// Errors of AD through structured control flow, each located at the offending
// op, with exit code 1 and no Python traceback. Each chunk is one mistake;
// every error is checked (no other error may appear).
// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// CHECK-NOT: Traceback

// The linearity checker covers loop bodies: a loop that multiplies two linear
// carried values is quadratic.
func.func @square_in_loop(%a: f64 {lintra.linear}, %b: f64 {lintra.linear}) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %a, %y = %b) -> (f64, f64) {
    // CHECK: {{.*}}control-flow-errors.mlir:[[@LINE+1]]:10: error: 'arith.mulf' op multiplies two linear values (operand #0 and operand #1): the function is not linear
    %p = arith.mulf %x, %y : f64
    scf.yield %p, %y : f64, f64
  }
  return %r#0 : f64
}
func.func @use_square(%ct: f64) -> (f64, f64) {
  %0:2 = "lintra.transpose"(%ct) {callee = @square_in_loop} : (f64) -> (f64, f64)
  return %0#0, %0#1 : f64, f64
}

// -----

// A loop carrying a value that does not depend on the linear arguments (and
// is not zero) is affine, not linear.
func.func @affine_loop(%a: f64 {lintra.linear}) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %one = arith.constant 1.0 : f64
  // CHECK: {{.*}}control-flow-errors.mlir:[[@LINE+1]]:10: error: 'scf.for' op carries value #1, which does not depend on the linear arguments and is not zero: the loop is not linear
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%x = %a, %k = %one) -> (f64, f64) {
    %s = arith.addf %x, %x : f64
    scf.yield %s, %k : f64, f64
  }
  return %r#0 : f64
}
func.func @use_affine(%ct: f64) -> f64 {
  %0 = "lintra.transpose"(%ct) {callee = @affine_loop} : (f64) -> f64
  return %0 : f64
}

// -----

// Reverse mode of an scf.while needs a bound on its trip count.
func.func @unbounded(%x: f64) -> f64 {
  %three = arith.constant 3.0 : f64
  // CHECK: {{.*}}control-flow-errors.mlir:[[@LINE+1]]:8: error: 'scf.while' op is an unbounded scf.while: reverse mode of an unbounded scf.while needs lintra.max_trip_count = N (at most N iterations); forward mode works
  %r = scf.while (%a = %x) : (f64) -> f64 {
    %c = arith.cmpf olt, %a, %three : f64
    scf.condition(%c) %a : f64
  } do {
  ^bb0(%b: f64):
    %e = arith.addf %b, %x : f64
    scf.yield %e : f64
  }
  return %r : f64
}
func.func @grad_unbounded(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @unbounded} : (f64) -> f64
  return %0 : f64
}

// -----

// Residual stacks have a static size: a loop with a dynamic trip count is
// differentiated in forward mode only.
func.func @dynamic(%x: f64, %n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: {{.*}}control-flow-errors.mlir:[[@LINE+1]]:8: error: 'scf.for' op has a dynamic trip count; lintra saves a loop's residuals in stacks of static size: make its bounds and step constants for reverse mode (forward mode works)
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%a = %x) -> (f64) {
    %s = math.sin %a : f64
    scf.yield %s : f64
  }
  return %r : f64
}
func.func @grad_dynamic(%x: f64, %n: index) -> f64 {
  %0 = "lintra.grad"(%x, %n) {callee = @dynamic} : (f64, index) -> f64
  return %0 : f64
}
