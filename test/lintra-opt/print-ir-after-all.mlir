// --mlir-print-ir-after-all dumps the module after every pass, to stderr.
// RUN: lintra-opt %s --mlir-print-ir-after-all --cse --canonicalize 2>&1 >/dev/null | FileCheck %s
// RUN: lintra-opt %s --mlir-print-ir-after-all --pass-pipeline='builtin.module(cse)' 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=ONE

// CHECK: IR Dump After CSE (cse)
// CHECK-LABEL: func.func @twice(
// CHECK: arith.negf
// CHECK-NOT: arith.negf
// CHECK: IR Dump After Canonicalizer (canonicalize)
// CHECK-LABEL: func.func @twice(

// ONE: IR Dump After CSE (cse)
// ONE-NOT: IR Dump After

func.func @twice(%x: f64) -> (f64, f64) {
  %a = arith.negf %x : f64
  %b = arith.negf %x : f64
  return %a, %b : f64, f64
}
