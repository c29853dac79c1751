// The lintra linear-algebra ops are checked against their contracts (header of
// dialect/lintra.irdl.mlir) by lintra-ad and lintra-decompose-linalg: a wrong
// shape, element type or flag is a located error, never a traceback.
// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback
// RUN: not lintra-opt %s --split-input-file --lintra-decompose-linalg 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

func.func @not_square(%a: tensor<3x4xf64>) -> tensor<3x4xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.cholesky' op requires the matrix operand to be square, got shape 3x4
  %l = "lintra.cholesky"(%a) : (tensor<3x4xf64>) -> tensor<3x4xf64>
  return %l : tensor<3x4xf64>
}

// -----

func.func @integer(%a: tensor<3x3xi32>) -> tensor<3x3xi32> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.cholesky' op requires the matrix operand to hold f32 or f64, got tensor<3x3xi32>
  %l = "lintra.cholesky"(%a) : (tensor<3x3xi32>) -> tensor<3x3xi32>
  return %l : tensor<3x3xi32>
}

// -----

func.func @vector(%a: tensor<3xf64>) -> tensor<3xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.cholesky' op requires the matrix operand to be a matrix (rank >= 2), got tensor<3xf64>
  %l = "lintra.cholesky"(%a) : (tensor<3xf64>) -> tensor<3xf64>
  return %l : tensor<3xf64>
}

// -----

func.func @dynamic(%a: tensor<?x3xf64>) -> tensor<?x3xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.cholesky' op requires the matrix operand to be a statically shaped ranked tensor, got tensor<?x3xf64>
  %l = "lintra.cholesky"(%a) : (tensor<?x3xf64>) -> tensor<?x3xf64>
  return %l : tensor<?x3xf64>
}

// -----

func.func @rows(%a: tensor<3x3xf64>, %b: tensor<4x2xf64>) -> tensor<4x2xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.triangular_solve' op requires the right-hand side (4x2) to have the matrix's batch dimensions and 3 rows
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<3x3xf64>, tensor<4x2xf64>) -> tensor<4x2xf64>
  return %x : tensor<4x2xf64>
}

// -----

func.func @batch(%a: tensor<2x3x3xf64>, %b: tensor<5x3x2xf64>) -> tensor<5x3x2xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.triangular_solve' op requires the right-hand side (5x3x2) to have the matrix's batch dimensions and 3 rows
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<2x3x3xf64>, tensor<5x3x2xf64>) -> tensor<5x3x2xf64>
  return %x : tensor<5x3x2xf64>
}

// -----

func.func @flag(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.triangular_solve' op requires a boolean attribute 'unit_diagonal' (true or false)
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = true, transpose_a = false} : (tensor<3x3xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %x : tensor<3x2xf64>
}

// -----

func.func @mixed(%a: tensor<3x3xf64>, %b: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.triangular_solve' op requires the matrix and the right-hand side to have one element type
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<3x3xf64>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %x : tensor<3x2xf32>
}

// -----

// lintra.triangular_matmul has triangular_solve's contract (right side: the
// right-hand side's columns match the matrix).
func.func @trmm_right_side(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: 'lintra.triangular_matmul' op requires the right-hand side (3x2) to have the matrix's batch dimensions and 3 columns
  %x = "lintra.triangular_matmul"(%a, %b) {lower = true, left_side = false, transpose_a = false, unit_diagonal = false} : (tensor<3x3xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %x : tensor<3x2xf64>
}

// -----

func.func @pivots(%a: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi64>, tensor<3xi32>) {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:17: error: 'lintra.lu' op requires result #1 (pivots) to have type tensor<3xi32>, got tensor<3xi64>
  %lu, %p, %q = "lintra.lu"(%a) : (tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi64>, tensor<3xi32>)
  return %lu, %p, %q : tensor<3x3xf64>, tensor<3xi64>, tensor<3xi32>
}

// -----

func.func @results(%a: tensor<3x3xf64>) -> tensor<3x3xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:9: error: 'lintra.lu' op requires 1 operand(s) and 3 result(s), got 1 and 1
  %lu = "lintra.lu"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %lu : tensor<3x3xf64>
}

// -----

// A misspelled op is an unknown lintra op (lintra-opt's check, before any pass).
func.func @typo(%a: tensor<3x3xf64>) -> tensor<3x3xf64> {
  // CHECK: linalg-ops.mlir:[[@LINE+1]]:8: error: unknown lintra op 'lintra.cholesky_factor'
  %l = "lintra.cholesky_factor"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %l : tensor<3x3xf64>
}
