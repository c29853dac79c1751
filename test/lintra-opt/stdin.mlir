// Input from stdin, with or without `-`; diagnostics then name `<stdin>`.
// RUN: lintra-opt < %s | FileCheck %s
// RUN: lintra-opt - < %s | FileCheck %s
// RUN: lintra-opt --cse - < %s | FileCheck %s
// RUN: not lintra-opt < %S/Inputs/parse-error.mlir 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: func.func @from_stdin(
//       CHECK:   arith.mulf
func.func @from_stdin(%x: f64) -> f64 {
  %0 = arith.mulf %x, %x : f64
  return %0 : f64
}

// ERR: <stdin>:4:23: error: use of undeclared SSA value name
