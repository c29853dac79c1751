// Upstream: gpu-to-llvm lowers gpu.dealloc only when it is asynchronous (with
// one async dependency); a synchronous gpu.dealloc stays, with an unrealized
// cast of its buffer, and the host code cannot be translated to LLVM IR. (A
// synchronous `gpu.alloc host_shared` is lowered, to mgpuMemAlloc.)
// Workaround: `allocate_on_gpu` in passes/gpu_loops.py frees each buffer with
// `gpu.wait async` + `gpu.dealloc async` + `gpu.wait` (a stream, mgpuMemFree,
// a synchronization).
// RUN: mlir-opt %s --gpu-to-llvm | FileCheck %s
// CHECK-LABEL: llvm.func @sync
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: builtin.unrealized_conversion_cast
// CHECK: gpu.dealloc
// CHECK-LABEL: llvm.func @async
// CHECK: llvm.call @mgpuMemFree
// CHECK-NOT: gpu.dealloc
func.func @sync() {
  %m = gpu.alloc host_shared () : memref<4xf32>
  gpu.dealloc %m : memref<4xf32>
  return
}
func.func @async() {
  %m = gpu.alloc host_shared () : memref<4xf32>
  %t0 = gpu.wait async
  %t1 = gpu.dealloc async [%t0] %m : memref<4xf32>
  gpu.wait [%t1]
  return
}
