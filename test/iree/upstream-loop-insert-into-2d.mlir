// UPSTREAM (IREE 3.13; no IREE issue found for it): a scalar tensor.insert into
// the last dimension of a loop-carried 2-d tensor writes the whole row (and
// past the end of the buffer for the last column: heap corruption).
// Expected: 3x2xf64=[2 0][4 0][8 0]. Actual: the row is filled.
// Workaround: lintra's loop residual stacks keep scalars in flat 1-d stacks
// (passes/core/regions.py, stack_type).
// The same bug outside loops: upstream-insert-into-2d.mlir (all such inserts
// are now rewritten as insert_slices for IREE, iree_tensor_ops.py).
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=f --input=1.0 | FileCheck %s
// CHECK: 3x2xf64=[2 2][4 4][8 8]
func.func @f(%x: f64) -> tensor<3x2xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %zero = arith.constant dense<0.0> : tensor<3x2xf64>
  %r:2 = scf.for %i = %c0 to %c3 step %c1 iter_args(%a = %x, %s = %zero) -> (f64, tensor<3x2xf64>) {
    %b = arith.addf %a, %a : f64
    %t = tensor.insert %b into %s[%i, %c0] : tensor<3x2xf64>
    scf.yield %b, %t : f64, tensor<3x2xf64>
  }
  return %r#1 : tensor<3x2xf64>
}
