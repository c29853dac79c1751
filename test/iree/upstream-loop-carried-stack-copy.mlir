// UPSTREAM (IREE 3.13; no IREE issue found for it): a tensor carried by a
// host-level scf.for and updated with tensor.insert_slice is not updated in
// place: every iteration allocates a new buffer and copies the whole tensor
// into it (stream.cmd.copy of all 512000 bytes inside the loop), so stacking N
// rows costs O(N * stack) instead of O(stack).
// Expected: one allocation before the loop; per iteration, a dispatch writing
// one row.
// Cost to lintra: the residual stacks of linearized loops (passes/core/regions.py)
// are such tensors; README "Benchmarks" gives the RNN and ODE times this costs.
// When this test fails, IREE updates in place: drop that paragraph.
// RUN: iree-compile %iree_cpu_flags %s --compile-to=stream -o - | FileCheck %s
// CHECK-LABEL: util.func public @stack
// CHECK: ^bb2:
// CHECK: stream.resource.alloca
// CHECK: stream.cmd.copy %{{.*}}[%c0], %{{.*}}[%c0], %c512000
// CHECK: cf.br ^bb1
func.func @stack(%x: tensor<64xf64>) -> tensor<1000x64xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %z = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<1000x64xf64>
  %s0 = linalg.fill ins(%z : f64) outs(%e : tensor<1000x64xf64>) -> tensor<1000x64xf64>
  %r = scf.for %i = %c0 to %c100 step %c1 iter_args(%s = %s0) -> (tensor<1000x64xf64>) {
    %h = tensor.extract_slice %s[%i, 0] [1, 64] [1, 1] : tensor<1000x64xf64> to tensor<64xf64>
    %e1 = tensor.empty() : tensor<64xf64>
    %h2 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%h : tensor<64xf64>) outs(%e1 : tensor<64xf64>) {
    ^bb0(%a: f64, %b: f64):
      %t = math.tanh %a : f64
      linalg.yield %t : f64
    } -> tensor<64xf64>
    %i1 = arith.addi %i, %c1 : index
    %s2 = tensor.insert_slice %h2 into %s[%i1, 0] [1, 64] [1, 1] : tensor<64xf64> into tensor<1000x64xf64>
    scf.yield %s2 : tensor<1000x64xf64>
  }
  return %r : tensor<1000x64xf64>
}
