// UPSTREAM (IREE 3.13; no IREE issue found for it): one value initializing two
// iter_args of an scf.for makes both share one buffer: both results come out
// as the last one written. Equal tensor.empty ops become one value after CSE.
// Expected: 3xf64=2 4 8, then 3xf64=-1 -2 -4.
// Workaround: lintra's loop residual stacks hold all residuals of one type in
// one stack (passes/core/regions.py, group_by_type).
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=f --input=1.0 | FileCheck %s
// CHECK: result[0]: hal.buffer_view
// CHECK-NEXT: 3xf64=-1 -2 -4
func.func @f(%x: f64) -> (tensor<3xf64>, tensor<3xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant dense<0.0> : tensor<3xf64>
  %r:3 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x, %s = %zero, %t = %zero) -> (f64, tensor<3xf64>, tensor<3xf64>) {
    %b = arith.addf %a, %a : f64
    %n = arith.negf %a : f64
    %s2 = tensor.insert %b into %s[%i] : tensor<3xf64>
    %t2 = tensor.insert %n into %t[%i] : tensor<3xf64>
    scf.yield %b, %s2, %t2 : f64, tensor<3xf64>, tensor<3xf64>
  }
  return %r#1, %r#2 : tensor<3xf64>, tensor<3xf64>
}
