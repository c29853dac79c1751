// lintra-ad reports misuse of the lintra ops and unsupported code as located
// `file:line:col: error:` diagnostics, exits with code 1 and never prints a
// Python traceback. Each chunk holds one mistake; no other error may appear.
// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// CHECK-NOT: Traceback

// grad needs a function returning one float scalar (or 0-d tensor).
func.func @vector_valued(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = math.sin %x : tensor<3xf64>
  return %0 : tensor<3xf64>
}

func.func @grad_of_vector(%x: tensor<3xf64>) -> tensor<3xf64> {
  // CHECK: {{.*}}ad-errors.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires @vector_valued to return exactly one float scalar or 0-d tensor, but it returns (tensor<3xf64>)
  %0 = "lintra.grad"(%x) {callee = @vector_valued} : (tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

func.func @two_results(%x: f64) -> (f64, f64) {
  return %x, %x : f64, f64
}

func.func @grad_of_two_results(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires @two_results to return exactly one float scalar or 0-d tensor, but it returns (f64, f64)
  %0 = "lintra.grad"(%x) {callee = @two_results} : (f64) -> f64
  return %0 : f64
}

// -----

// A callee that does not exist.
func.func @grad_of_missing(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op refers to an undefined function @missing
  %0 = "lintra.grad"(%x) {callee = @missing} : (f64) -> f64
  return %0 : f64
}

// -----

// No callee attribute at all.
func.func @grad_without_callee(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op requires a 'callee' symbol attribute
  %0 = "lintra.grad"(%x) : (f64) -> f64
  return %0 : f64
}

// -----

// A declaration has no body to differentiate.
func.func private @declared(f64) -> f64

func.func @grad_of_declaration(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op cannot differentiate @declared: it is a declaration without a body
  %0 = "lintra.grad"(%x) {callee = @declared} : (f64) -> f64
  return %0 : f64
}

// -----

// An op without a JVP rule: the error is at that op (in the callee) and names it.
func.func @uses_cbrt(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'math.cbrt' op is not supported by lintra: no JVP rule for 'math.cbrt'
  %0 = math.cbrt %x : f64
  return %0 : f64
}

func.func @grad_of_cbrt(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @uses_cbrt} : (f64) -> f64
  return %0 : f64
}

// -----

// Wrong operand count and types: grad takes exactly the callee's arguments.
func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @grad_two_operands(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op has operand types (f64, f64) but @sin's signature requires (f64)
  %0 = "lintra.grad"(%x, %x) {callee = @sin} : (f64, f64) -> f64
  return %0 : f64
}

// -----

func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @grad_wrong_type(%x: f32) -> f32 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op has operand types (f32) but @sin's signature requires (f64)
  %0 = "lintra.grad"(%x) {callee = @sin} : (f32) -> f32
  return %0 : f32
}

// -----

func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @grad_wrong_result(%x: f64) -> f32 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op has result types (f32) but @sin's signature requires (f64)
  %0 = "lintra.grad"(%x) {callee = @sin} : (f64) -> f32
  return %0 : f32
}

// -----

// jvp takes the primals then one tangent per float argument.
func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @jvp_missing_tangent(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.jvp' op has operand types (f64) but @sin's signature requires (f64, f64)
  %0 = "lintra.jvp"(%x) {callee = @sin} : (f64) -> f64
  return %0 : f64
}

// -----

func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @jvp_wrong_result(%x: f64, %dx: f64) -> (f64, f32) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:10: error: 'lintra.jvp' op has result types (f64, f32) but @sin's signature requires (f64, f64)
  %0:2 = "lintra.jvp"(%x, %dx) {callee = @sin} : (f64, f64) -> (f64, f32)
  return %0#0, %0#1 : f64, f32
}

// -----

// vjp takes the primals then one cotangent per float result.
func.func @sin(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @vjp_missing_cotangent(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vjp' op has operand types (f64) but @sin's signature requires (f64, f64)
  %0 = "lintra.vjp"(%x) {callee = @sin} : (f64) -> f64
  return %0 : f64
}

// -----

// transpose takes the non-linear arguments then the result cotangents.
func.func @scale(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}

func.func @transpose_missing_cotangent(%a: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.transpose' op has operand types (f64) but @scale's signature requires (f64, f64)
  %0 = "lintra.transpose"(%a) {callee = @scale} : (f64) -> f64
  return %0 : f64
}

// -----

// lintra-ad checks linearity too: transposing a product of two linear values.
func.func @quadratic(%a: f64 {lintra.linear}, %t: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.mulf' op multiplies two linear values (operand #0 and operand #1): the function is not linear
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}

func.func @transpose_quadratic(%ct: f64) -> (f64, f64) {
  %0:2 = "lintra.transpose"(%ct) {callee = @quadratic} : (f64) -> (f64, f64)
  return %0#0, %0#1 : f64, f64
}

// -----

// A function differentiating itself cannot be expanded.
func.func @recursive(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.grad' op cannot be expanded: its callee (transitively) contains lintra ops that depend on it (recursion)
  %0 = "lintra.grad"(%x) {callee = @recursive} : (f64) -> f64
  return %0 : f64
}

// -----

// A misspelled lintra op is rejected when the input is read.
func.func @misspelled(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: unknown lintra op 'lintra.grd'; the lintra dialect has lintra.jvp, lintra.vjp, lintra.grad, lintra.transpose
  %0 = "lintra.grd"(%x) {callee = @misspelled} : (f64) -> f64
  return %0 : f64
}

// -----

// Recursion through func.call is rejected at the recursive function.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op is recursive; lintra cannot differentiate recursive functions
func.func @calls_itself(%x: f64) -> f64 {
  %0 = call @calls_itself(%x) : (f64) -> f64
  return %0 : f64
}

func.func @grad_of_recursive(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @calls_itself} : (f64) -> f64
  return %0 : f64
}

// -----

// Dynamic shapes are not supported: a dynamically shaped argument is rejected
// at the argument.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:20: error: argument #0 of @dynamic has type tensor<?xf64>, which lintra cannot differentiate: it differentiates float scalars and statically shaped ranked tensors of floats
func.func @dynamic(%x: tensor<?xf64>) -> tensor<?xf64> {
  %0 = math.sin %x : tensor<?xf64>
  return %0 : tensor<?xf64>
}

func.func @jvp_of_dynamic(%x: tensor<?xf64>, %d: tensor<?xf64>) -> tensor<?xf64> {
  %0:2 = "lintra.jvp"(%x, %d) {callee = @dynamic}
      : (tensor<?xf64>, tensor<?xf64>) -> (tensor<?xf64>, tensor<?xf64>)
  return %0#1 : tensor<?xf64>
}

// CHECK-NOT: Traceback
