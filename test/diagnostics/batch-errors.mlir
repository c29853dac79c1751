// lintra-batch reports bad lintra.vmap ops and unbatchable code as located
// `file:line:col: error:` diagnostics, exits with code 1 and never prints a
// Python traceback. Each chunk holds one mistake; no other error may appear.
// RUN: not lintra-opt %s --split-input-file --lintra-batch 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback
// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// CHECK-NOT: Traceback

// An op without a batching rule that reads a batched value.
func.func @reshape(%x: tensor<6xf64>) -> tensor<2x3xf64> {
  %shape = arith.constant dense<[2, 3]> : tensor<2xi64>
  // CHECK: {{.*}}batch-errors.mlir:[[@LINE+1]]:8: error: 'tensor.reshape' op cannot be batched (vmap): no batching rule for 'tensor.reshape'
  %0 = tensor.reshape %x(%shape) : (tensor<6xf64>, tensor<2xi64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

func.func @main(%xs: tensor<4x6xf64>) -> tensor<4x2x3xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @reshape, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x6xf64>) -> tensor<4x2x3xf64>
  return %0 : tensor<4x2x3xf64>
}

// -----

// A loop whose trip count differs across the batch is rejected.
func.func @loop(%x: f64, %n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'scf.for' op cannot be batched: its loop bound or step (operand #1) differs across the batch
  %0 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (f64) {
    %s = math.sin %acc : f64
    scf.yield %s : f64
  }
  return %0 : f64
}

func.func @main(%xs: tensor<4xf64>, %ns: tensor<4xindex>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%xs, %ns) {callee = @loop, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4xf64>, tensor<4xindex>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// Other structured control flow is rejected with its reason.
func.func @parallel(%x: tensor<4xf64>) -> tensor<4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'scf.forall' op cannot be batched (vmap): this structured control flow op has no batching rule
  %0 = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4xf64>) {
    %e = tensor.extract_slice %o[%i] [1] [1] : tensor<4xf64> to tensor<1xf64>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %e into %o[%i] [1] [1] : tensor<1xf64> into tensor<4xf64>
    }
  }
  return %0 : tensor<4xf64>
}

func.func @main(%xs: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @parallel, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 2 : i64} : (tensor<2x4xf64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// -----

// An index computed from a batched value.
func.func @gather(%x: tensor<3xf64>, %t: f64) -> f64 {
  %i = arith.fptosi %t : f64 to i64
  %j = arith.index_cast %i : i64 to index
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'tensor.extract' op cannot be batched: its index (operand #1) differs across the batch
  %0 = tensor.extract %x[%j] : tensor<3xf64>
  return %0 : f64
}

func.func @main(%x: tensor<3xf64>, %ts: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%x, %ts) {callee = @gather, in_axes = array<i64: -1, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<3xf64>, tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @axis_out_of_range(%xs: tensor<3x4xf64>) -> tensor<4x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op has in_axes[0] = 2, out of range for argument #0 of type tensor<3xf64> (expected -1 for unbatched, or 0 to 1)
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 2>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<3x4xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @too_many_axes(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op has 2 in_axes but its callee has 1 arguments
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0, 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @wrong_size(%xs: tensor<4x3xf64>) -> tensor<5x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op has operand types (tensor<4x3xf64>) but @f batched by axis_size = 5 and the axes requires (tensor<5x3xf64>)
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 5 : i64} : (tensor<4x3xf64>) -> tensor<5x3xf64>
  return %0 : tensor<5x3xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @no_size(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op requires a positive integer 'axis_size' attribute
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: 0>} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @bad_attribute(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op requires 'in_axes' to be an array of integers (array<i64: ...>), not "zero"
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = "zero", out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  return %x : tensor<3xf64>
}

func.func @unbatched_output(%xs: tensor<4x3xf64>) -> tensor<3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op has out_axes[0] = -1 (unbatched), but result #0 depends on a batched operand
  %0 = "lintra.vmap"(%xs) {callee = @f, in_axes = array<i64: 0>, out_axes = array<i64: -1>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

func.func @undefined_callee(%xs: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.vmap' op refers to an undefined function @g
  %0 = "lintra.vmap"(%xs) {callee = @g, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

// An scf.if without an else region has no results to batch.
func.func @no_else(%x: f64) -> f64 {
  %c = arith.constant 0.0 : f64
  %p = arith.cmpf olt, %x, %c : f64
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:3: error: 'scf.if' op cannot be batched: it has no else region (so no results to batch)
  scf.if %p {
    %s = math.sin %x : f64
  }
  return %x : f64
}

func.func @main(%xs: tensor<4xf64>) -> tensor<4xf64> {
  %0 = "lintra.vmap"(%xs) {callee = @no_else, in_axes = array<i64: 0>, out_axes = array<i64: 0>, axis_size = 4 : i64} : (tensor<4xf64>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
