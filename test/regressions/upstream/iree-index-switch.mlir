// Upstream: IREE 3.13 fails on a tensor-returning scf.index_switch ("'scf.index_switch'
// op expected each region to return 1 values, but default region returns 2": its
// stream conversion adds the resource size to each region's yield, not to the op).
// Workaround: `switches_as_ifs` in python/lintra/backends/index_switch.py rewrites
// index_switch into a chain of scf.if before the iree-cpu backend compiles.
// REQUIRES: iree
// RUN: not iree-compile %iree_cpu_flags %s -o /dev/null 2>&1 | FileCheck %s
// CHECK: expected each region to return 1 values
func.func @f(%t: tensor<i32>, %x: tensor<4xf64>) -> tensor<4xf64> {
  %e = tensor.extract %t[] : tensor<i32>
  %i = arith.index_cast %e : i32 to index
  %r = scf.index_switch %i -> tensor<4xf64>
  case 0 {
    %c = arith.constant dense<1.0> : tensor<4xf64>
    %a = arith.addf %x, %c : tensor<4xf64>
    scf.yield %a : tensor<4xf64>
  }
  case 1 {
    %c = arith.constant dense<2.0> : tensor<4xf64>
    %m = arith.mulf %x, %c : tensor<4xf64>
    scf.yield %m : tensor<4xf64>
  }
  default {
    %b = arith.negf %x : tensor<4xf64>
    scf.yield %b : tensor<4xf64>
  }
  return %r : tensor<4xf64>
}
