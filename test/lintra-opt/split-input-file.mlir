// Chunks are processed separately and printed joined by the marker; an error in
// one chunk does not stop the others, and its line number is the line in this
// file.
// RUN: lintra-opt --split-input-file %s | FileCheck %s
// RUN: not lintra-opt --split-input-file %S/Inputs/split-error.mlir 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @first(
//       CHECK:   return
//       CHECK: // -----
func.func @first(%x: f64) -> f64 {
  return %x : f64
}

// -----

// CHECK-LABEL: func.func @second(
//       CHECK:   arith.negf
//       CHECK: // -----
func.func @second(%x: f64) -> f64 {
  %0 = arith.negf %x : f64
  return %0 : f64
}

// -----

// Symbols may be redefined across chunks: each chunk is its own module.
// CHECK-LABEL: func.func @first(
//       CHECK:   arith.addf
//   CHECK-NOT: // -----
func.func @first(%x: f64) -> f64 {
  %0 = arith.addf %x, %x : f64
  return %0 : f64
}

// ERR: Inputs/split-error.mlir:8:18: error: expected SSA operand
// ERR-NOT: error
// ERR: func.func @ok()
// ERR: // -----
// ERR: func.func @also_ok()
