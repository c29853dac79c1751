// Code the GPU lowering cannot map is an error at its source, never a crash.
// RUN: not lintra-opt %s --lintra-lower-to-nvvm 2>&1 | FileCheck %s
// RUN: not lintra-opt %s --pass-pipeline='builtin.module(lintra-lower-to-nvvm{threads-per-block=2048})' 2>&1 | FileCheck %s --check-prefix=OPTION

// Launch sizes are static: a dynamically shaped argument is rejected.
// CHECK: errors.mlir:[[@LINE+2]]:1: error: 'func.func' op has a dynamically shaped buffer of type memref<?xf32>; the GPU lowering needs static shapes
// OPTION: error: option 'threads-per-block' must be between 1 and 1024
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %y = math.sin %x : tensor<?xf32>
  return %y : tensor<?xf32>
}
