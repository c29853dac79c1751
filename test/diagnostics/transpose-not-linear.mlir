// lintra-transpose rejects functions that are not linear in their
// {lintra.linear} arguments, with an error located at the offending op, exit
// code 1 and no Python traceback. Each chunk is one mistake; every error is
// checked (no other error may appear).
// RUN: not lintra-opt %s --split-input-file --lintra-transpose 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// CHECK-NOT: Traceback

// The product of two linear values is quadratic.
func.func @mul_two_linear(%a: f64 {lintra.linear}, %b: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}transpose-not-linear.mlir:[[@LINE+1]]:8: error: 'arith.mulf' op multiplies two linear values (operand #0 and operand #1): the function is not linear
  %0 = arith.mulf %a, %b : f64
  return %0 : f64
}

// -----

// A non-linear op applied to a linear value; the message names the op.
func.func @sin_of_linear(%a: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'math.sin' op is applied to a linear value (operand #0) but 'math.sin' is not linear: the function is not linear in its {lintra.linear} arguments
  %0 = math.sin %a : f64
  return %0 : f64
}

// -----

// Adding a non-zero constant makes the function affine.
func.func @affine(%a: f64 {lintra.linear}) -> f64 {
  %c = arith.constant 1.0 : f64
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.addf' op combines a linear value with operand #1, which does not depend on the linear arguments and is not zero: the function is affine, not linear
  %0 = arith.addf %a, %c : f64
  return %0 : f64
}

// -----

// Returning a value that does not depend on the linear arguments is affine too.
func.func @returns_non_linear(%a: f64 {lintra.linear}, %b: f64) -> (f64, f64) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:3: error: 'func.return' op returns operand #1, which does not depend on the linear arguments and is not zero: the function is affine, not linear
  return %a, %b : f64, f64
}

// -----

// divf is linear in its numerator only.
func.func @divide_by_linear(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.divf' op is not linear in operand #1, which depends on a linear argument: the function is not linear
  %0 = arith.divf %a, %t : f64
  return %0 : f64
}

// -----

// max/min and comparisons are not linear.
func.func @max_of_linear(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.maximumf' op is applied to a linear value (operand #1) but 'arith.maximumf' is not linear
  %0 = arith.maximumf %a, %t : f64
  return %0 : f64
}

// -----

func.func @compare_linear(%a: f64, %t: f64 {lintra.linear}) -> i1 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.cmpf' op is applied to a linear value (operand #1) but 'arith.cmpf' is not linear
  %0 = arith.cmpf olt, %a, %t : f64
  return %0 : i1
}

// -----

// Padding with a non-zero value is affine.
func.func @pad_with_one(%x: tensor<2xf64> {lintra.linear}) -> tensor<4xf64> {
  %one = arith.constant 1.0 : f64
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'tensor.pad' op pads a linear value with a non-zero value: the function is affine, not linear
  %0 = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %one : f64
  } : tensor<2xf64> to tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// A product reduction of a linear value is not linear.
func.func @reduce_mul(%x: tensor<3xf64> {lintra.linear}) -> tensor<f64> {
  %init = arith.constant dense<0.0> : tensor<f64>
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'linalg.reduce' op reduces a linear value with a non-additive body: the function is not linear
  %0 = linalg.reduce ins(%x : tensor<3xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.mulf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<f64>
}

// -----

// Inside a linalg.generic body the error is located at the body op.
func.func @generic_exp(%x: tensor<3xf64> {lintra.linear}) -> tensor<3xf64> {
  %e = tensor.empty() : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
       ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %o: f64):
    // CHECK: {{.*}}.mlir:[[@LINE+1]]:10: error: 'math.exp' op is applied to a linear value (operand #0) but 'math.exp' is not linear
    %s = math.exp %a : f64
    linalg.yield %s : f64
  } -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// A generic reduction whose body multiplies a linear input with the linear
// accumulator.
func.func @generic_mul_acc(%x: tensor<3xf64> {lintra.linear}, %init: tensor<f64> {lintra.linear}) -> tensor<f64> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>], iterator_types = ["reduction"]}
       ins(%x : tensor<3xf64>) outs(%init : tensor<f64>) {
  ^bb0(%a: f64, %o: f64):
    // CHECK: {{.*}}.mlir:[[@LINE+1]]:10: error: 'arith.mulf' op multiplies two linear values (operand #0 and operand #1): the function is not linear
    %s = arith.mulf %a, %o : f64
    linalg.yield %s : f64
  } -> tensor<f64>
  return %0 : tensor<f64>
}

// -----

// Only float arguments can be linear.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op marks argument #0 of non-float type i32 as {lintra.linear}
func.func @integer_linear(%t: i32 {lintra.linear}) -> i32 {
  return %t : i32
}

// -----

// "lintra.transpose" needs a callee with {lintra.linear} arguments.
func.func @no_linear_args(%a: f64) -> f64 {
  return %a : f64
}

func.func @transpose_it(%a: f64, %ct: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.transpose' op requires @no_linear_args to mark linear arguments with {lintra.linear}
  %0 = "lintra.transpose"(%a, %ct) {callee = @no_linear_args} : (f64, f64) -> f64
  return %0 : f64
}

// CHECK-NOT: Traceback
