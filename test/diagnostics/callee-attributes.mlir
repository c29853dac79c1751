// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback
// RUN: not lintra-opt %s --split-input-file --lintra-jvp 2>&1 \
// RUN:   | FileCheck %s --check-prefix=JVP --implicit-check-not="internal error"

// A malformed `callee` attribute of a lintra op is a located diagnostic, never
// an internal error: missing, not a symbol reference, a nested reference, a
// symbol that does not exist or is not a func.func, a declaration.

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}
func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires 'callee' to be a flat symbol reference such as @f, but it is "f"
  %r = "lintra.grad"(%a) {callee = "f"} : (f64) -> f64
  return %r : f64
}

// -----

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}
func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires 'callee' to name a function of the enclosing module (a flat symbol reference such as @f), but it is the nested reference @inner::@f
  %r = "lintra.grad"(%a) {callee = @inner::@f} : (f64) -> f64
  return %r : f64
}

// -----

func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires 'callee' to be a flat symbol reference such as @f, but it is 1 : i64
  %r = "lintra.grad"(%a) {callee = 1 : i64} : (f64) -> f64
  return %r : f64
}

// -----

func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires a 'callee' symbol attribute
  %r = "lintra.grad"(%a) : (f64) -> f64
  return %r : f64
}

// -----

func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op refers to an undefined function @nope
  %r = "lintra.grad"(%a) {callee = @nope} : (f64) -> f64
  return %r : f64
}

// -----

memref.global "private" @weights : memref<2xf64>
func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op refers to @weights, which is a 'memref.global', not a func.func
  %r = "lintra.grad"(%a) {callee = @weights} : (f64) -> f64
  return %r : f64
}

// -----

func.func private @declared(%x: f64) -> f64
func.func @g(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op cannot differentiate @declared: it is a declaration without a body
  %r = "lintra.grad"(%a) {callee = @declared} : (f64) -> f64
  return %r : f64
}

// -----

// The same checks in the other passes that expand lintra ops.
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}
func.func @g(%a: f64, %t: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+2]]:10: error: 'lintra.jvp' op requires 'callee' to name a function of the enclosing module (a flat symbol reference such as @f), but it is the nested reference @inner::@f
  // JVP: {{.*}}.mlir:[[@LINE+1]]:10: error: 'lintra.jvp' op requires 'callee' to name a function of the enclosing module (a flat symbol reference such as @f), but it is the nested reference @inner::@f
  %r:2 = "lintra.jvp"(%a, %t) {callee = @inner::@f} : (f64, f64) -> (f64, f64)
  return %r#1 : f64
}

// CHECK-NOT: Traceback
