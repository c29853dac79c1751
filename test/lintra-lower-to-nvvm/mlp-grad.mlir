// The MLP gradient of examples/mlp_grad.mlir lowered for the GPU (test/gpu runs
// it): lintra-ad's output (matmuls, the bias gradient's sum over the batch,
// tanh) becomes PTX kernels over blocks and threads.
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm | FileCheck %s
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm \
// RUN:   | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// CHECK-LABEL: llvm.func @grad(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @mgpuMemAlloc(
// CHECK: gpu.launch_func @grad_kernel::@grad_kernel
// CHECK-NOT: llvm.func @
// CHECK: llvm.return
// CHECK: gpu.binary @grad_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">
// CHECK-SAME: .target sm_80
// CHECK-SAME: .visible .entry grad_kernel(
// CHECK-SAME: %ctaid
// CHECK-SAME: %tid
// tanh comes from libdevice, linked in: no calls remain.
// CHECK-NOT: call.uni
// CHECK-LABEL: llvm.func @main(
// CHECK: gpu.launch_func @main_kernel::@main_kernel
// CHECK: llvm.call @printMemrefF32(
// CHECK: llvm.call @mgpuMemFree(

// LLVMIR-LABEL: define void @main(
// LLVMIR: load ptr, ptr @main_kernel_module
// LLVMIR: call ptr @mgpuModuleGetFunction(
// LLVMIR: call void @mgpuLaunchKernel(
// LLVMIR: call void @mgpuStreamSynchronize(
