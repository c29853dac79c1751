// Code the GPU lowering cannot map is an error at its source, never a crash.
// RUN: not lintra-opt %s --split-input-file --lintra-lower-to-nvvm 2>&1 | FileCheck %s
// RUN: not lintra-opt %s --split-input-file --pass-pipeline='builtin.module(lintra-lower-to-nvvm{threads-per-block=2048})' 2>&1 | FileCheck %s --check-prefix=OPTION

// Launch sizes are static: a dynamically shaped argument is rejected.
// CHECK: errors.mlir:[[@LINE+2]]:1: error: 'func.func' op has a dynamically shaped buffer of type memref<?xf32>; the GPU lowering needs static shapes
// OPTION: error: option 'threads-per-block' must be between 1 and 1024
func.func @dynamic_argument(%x: tensor<?xf32>) -> tensor<?xf32> {
  %y = math.sin %x : tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// So is a loop over a dynamically sized tensor, at the op that makes the loop.
// CHECK: errors.mlir:[[@LINE+4]]:8: error: the loops of this op have a dynamic trip count; the GPU lowering needs static shapes
func.func @dynamic_loop(%n: index) -> tensor<?xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %c = arith.constant 1.0 : f32
  %f = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %f : tensor<?xf32>
}
