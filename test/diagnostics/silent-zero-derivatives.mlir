// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// An op is non-differentiable only if lintra's rule tables say so
// (passes/rules: `defzero`, listed in NON_DIFFERENTIABLE). Any other op without a
// JVP rule that reads a value carrying a tangent is an error at its location,
// whatever its result types: the derivative is never silently zero.

// complex numbers: the true derivative of re(exp(x + ix)) is e^x (cos x - sin x).
func.func @f(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'complex.create' op is not supported by lintra: no JVP rule for 'complex.create'
  %z = complex.create %x, %x : complex<f64>
  %0 = complex.exp %z : complex<f64>
  %1 = complex.re %0 : complex<f64>
  return %1 : f64
}
func.func @g(%a: f64) -> f64 {
  %r = "lintra.grad"(%a) {callee = @f} : (f64) -> f64
  return %r : f64
}

// -----

// vectors
func.func @f(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'vector.broadcast' op is not supported by lintra: no JVP rule for 'vector.broadcast'
  %v = vector.broadcast %x : f64 to vector<4xf64>
  %s = vector.reduction <add>, %v : vector<4xf64> into f64
  return %s : f64
}
func.func @g(%a: f64) -> f64 {
  %r = "lintra.grad"(%a) {callee = @f} : (f64) -> f64
  return %r : f64
}

// -----

// A cast to an unranked tensor and back: the cast has a rule, but its tangent
// would be unranked.
func.func @f(%x: tensor<4xf64>) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'tensor.cast' op produces a value of type tensor<*xf64>, which lintra cannot differentiate: it differentiates float scalars and statically shaped ranked tensors of floats
  %u = tensor.cast %x : tensor<4xf64> to tensor<*xf64>
  %r = tensor.cast %u : tensor<*xf64> to tensor<4xf64>
  %c = arith.constant 0 : index
  %e = tensor.extract %r[%c] : tensor<4xf64>
  return %e : f64
}
func.func @g(%a: tensor<4xf64>) -> tensor<4xf64> {
  %r = "lintra.grad"(%a) {callee = @f} : (tensor<4xf64>) -> tensor<4xf64>
  return %r : tensor<4xf64>
}

// -----

// Through memory.
func.func @f(%x: tensor<4xf64>) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'bufferization.to_buffer' op is not supported by lintra: no JVP rule for 'bufferization.to_buffer'
  %m = bufferization.to_buffer %x : tensor<4xf64> to memref<4xf64>
  %t = bufferization.to_tensor %m : memref<4xf64> to tensor<4xf64>
  %c = arith.constant 0 : index
  %e = tensor.extract %t[%c] : tensor<4xf64>
  return %e : f64
}
func.func @g(%a: tensor<4xf64>) -> tensor<4xf64> {
  %r = "lintra.grad"(%a) {callee = @f} : (tensor<4xf64>) -> tensor<4xf64>
  return %r : tensor<4xf64>
}

// -----

// An op with an integer result is not exempt: only the tables make it so.
func.func @f(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'llvm.fptosi' op is not supported by lintra: no JVP rule for 'llvm.fptosi'
  %i = llvm.fptosi %x : f64 to i32
  %0 = math.fpowi %x, %i : f64, i32
  return %0 : f64
}
func.func @g(%a: f64) -> f64 {
  %r = "lintra.grad"(%a) {callee = @f} : (f64) -> f64
  return %r : f64
}

// -----

// An unranked argument is rejected at the argument, not dropped.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:14: error: argument #0 of @f has type tensor<*xf64>, which lintra cannot differentiate: it differentiates float scalars and statically shaped ranked tensors of floats
func.func @f(%x: tensor<*xf64>, %y: f64) -> f64 {
  return %y : f64
}
func.func @g(%a: tensor<*xf64>, %b: f64) -> (tensor<*xf64>, f64) {
  %r:2 = "lintra.grad"(%a, %b) {callee = @f} : (tensor<*xf64>, f64) -> (tensor<*xf64>, f64)
  return %r#0, %r#1 : tensor<*xf64>, f64
}

// -----

// So is a complex argument, and a vector one.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:14: error: argument #0 of @f has type complex<f64>, which lintra cannot differentiate
func.func @f(%x: complex<f64>) -> f64 {
  %0 = complex.re %x : complex<f64>
  return %0 : f64
}
func.func @g(%a: complex<f64>, %d: complex<f64>) -> f64 {
  %r:2 = "lintra.jvp"(%a, %d) {callee = @f} : (complex<f64>, complex<f64>) -> (f64, f64)
  return %r#1 : f64
}

// -----

// CHECK: {{.*}}.mlir:[[@LINE+1]]:14: error: argument #0 of @f has type vector<2xf64>, which lintra cannot differentiate
func.func @f(%x: vector<2xf64>) -> vector<2xf64> {
  return %x : vector<2xf64>
}
func.func @g(%a: vector<2xf64>, %d: vector<2xf64>) -> vector<2xf64> {
  %r:2 = "lintra.jvp"(%a, %d) {callee = @f} : (vector<2xf64>, vector<2xf64>) -> (vector<2xf64>, vector<2xf64>)
  return %r#1 : vector<2xf64>
}

// -----

// A complex result is rejected at the return.
func.func @f(%x: f64) -> complex<f64> {
  %0 = complex.create %x, %x : complex<f64>
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:3: error: 'func.return' op returns result #0 of type complex<f64>, which lintra cannot differentiate
  return %0 : complex<f64>
}
func.func @g(%a: f64, %d: f64) -> complex<f64> {
  %r:2 = "lintra.jvp"(%a, %d) {callee = @f} : (f64, f64) -> (complex<f64>, f64)
  return %r#0 : complex<f64>
}

// -----

// A cast to a dynamic shape passes (a dynamic result is fine, see
// test/rules/tensor.mlir); an op on the dynamic value is an error.
func.func @f(%x: tensor<3xf64>) -> tensor<?xf64> {
  %0 = tensor.cast %x : tensor<3xf64> to tensor<?xf64>
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'math.sin' op has a dynamically shaped value of type tensor<?xf64>; lintra supports static shapes only
  %1 = math.sin %0 : tensor<?xf64>
  return %1 : tensor<?xf64>
}
func.func @g(%a: tensor<3xf64>, %d: tensor<3xf64>) -> tensor<?xf64> {
  %r:2 = "lintra.jvp"(%a, %d) {callee = @f} : (tensor<3xf64>, tensor<3xf64>) -> (tensor<?xf64>, tensor<?xf64>)
  return %r#1 : tensor<?xf64>
}

// CHECK-NOT: Traceback
