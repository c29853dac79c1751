// --mlir-print-op-generic prints the generic form, which reparses.
// RUN: lintra-opt %s --mlir-print-op-generic | FileCheck %s
// RUN: lintra-opt %s --mlir-print-op-generic | lintra-opt | FileCheck %s --check-prefix=CUSTOM

// CHECK: "builtin.module"()
// CHECK-LABEL: sym_name = "g"
// CHECK: "lintra.grad"(%{{.*}}) {callee = @sq} : (f64) -> f64
// CHECK: "func.return"
// CUSTOM-LABEL: func.func @g(
// CUSTOM: "lintra.grad"

func.func @sq(%x: f64) -> f64 {
  %0 = arith.mulf %x, %x : f64
  return %0 : f64
}

func.func @g(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @sq} : (f64) -> f64
  return %0 : f64
}
