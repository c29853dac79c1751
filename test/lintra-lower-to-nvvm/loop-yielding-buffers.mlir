// A loop and a branch yielding buffers lower to kernels and host code: the
// ownership flags their deallocation passes (memref<?xi1>) are stored as i8
// (store_i1_as_i8, passes/i1_memrefs.py; finalize-memref-to-llvm aborts on i1:
// test/regressions/upstream/finalize-memref-to-llvm-i1.mlir), as is the mask
// the loop carries. (Not run here: test/gpu runs lowered programs on a GPU.)
// RUN: lintra-opt %s --lintra-lower-to-nvvm | FileCheck %s

// CHECK-NOT: xi1>
// CHECK: llvm.func @f(
// CHECK-NOT: xi1>
// CHECK: gpu.binary
// CHECK-NOT: xi1>
func.func @f(%x: tensor<4xf64>, %n: index, %c: i1) -> tensor<4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m0 = arith.constant dense<[true, false, false, true]> : tensor<4xi1>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%m = %m0, %acc = %x) -> (tensor<4xi1>, tensor<4xf64>) {
    %y = arith.mulf %acc, %x : tensor<4xf64>
    %neg = arith.negf %y : tensor<4xf64>
    %z = arith.select %m, %neg, %y : tensor<4xi1>, tensor<4xf64>
    %true = arith.constant dense<true> : tensor<4xi1>
    %flip = arith.xori %m, %true : tensor<4xi1>
    scf.yield %flip, %z : tensor<4xi1>, tensor<4xf64>
  }
  %s = scf.if %c -> tensor<4xf64> {
    %t = arith.addf %r#1, %r#1 : tensor<4xf64>
    scf.yield %t : tensor<4xf64>
  } else {
    scf.yield %r#1 : tensor<4xf64>
  }
  return %s : tensor<4xf64>
}
