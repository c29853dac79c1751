// lintra-lower-to-nvvm without a GPU: PTX kernels in a gpu.binary, LLVM host
// code launching them over blocks and threads, managed buffers.
// RUN: lintra-opt %s --lintra-lower-to-nvvm | FileCheck %s
// RUN: lintra-opt %s --pass-pipeline='builtin.module(lintra-lower-to-nvvm{chip=sm_90 features=+ptx80 threads-per-block=128})' | FileCheck %s --check-prefix=SM90
// RUN: lintra-opt %s --lintra-lower-to-nvvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// CHECK: module attributes {gpu.container_module}

// 1000 elements: 4 blocks of 256 threads, the last one guarded.
// CHECK-LABEL: llvm.func @sine(
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-DAG: %[[N:.*]] = llvm.mlir.constant(1000 : index) : i64
// CHECK-DAG: %[[T:.*]] = llvm.mlir.constant(256 : index) : i64
// CHECK-DAG: %[[B:.*]] = llvm.mlir.constant(4 : index) : i64
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : index) : i64
// The argument is copied into a managed buffer, the result is one.
// CHECK: %[[IN:.*]] = llvm.call @mgpuMemAlloc({{.*}}) : (i64, !llvm.ptr, i8) -> !llvm.ptr
// CHECK: "llvm.intr.memcpy"(%[[IN]],
// CHECK: %[[OUT:.*]] = llvm.call @mgpuMemAlloc(
// CHECK: gpu.launch_func @sine_kernel::@sine_kernel blocks in (%[[B]], %[[ONE]], %[[ONE]]) threads in (%[[T]], %[[ONE]], %[[ONE]])
// CHECK: llvm.call @mgpuMemFree(%[[IN]],
// CHECK-NOT: mgpuMemFree
// CHECK: llvm.return
// The kernel, as PTX for the chip asked for, reading its block and thread ids.
// CHECK: gpu.binary @sine_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">
// CHECK-SAME: .target sm_80
// CHECK-SAME: .visible .entry sine_kernel(
// CHECK-SAME: %ctaid.x
// CHECK-SAME: %tid.x
// SM90-LABEL: llvm.func @sine(
// SM90: gpu.launch_func @sine_kernel::@sine_kernel blocks in (%{{.*}}) threads in (%{{.*}})
// SM90: gpu.binary @sine_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">
// SM90-SAME: .version 8.0
// SM90-SAME: .target sm_90
// LLVMIR-LABEL: define { ptr, ptr, i64, [1 x i64], [1 x i64] } @sine(
// LLVMIR: call ptr @mgpuMemAlloc(
// LLVMIR: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 4, i64 1, i64 1, i64 256, i64 1, i64 1,
func.func @sine(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %y = math.sin %x : tensor<1000xf32>
  return %y : tensor<1000xf32>
}

// A sum over the outer dimension: one thread per output element (40), each
// summing its column sequentially (the sum loop is inside the kernel).
// CHECK-LABEL: llvm.func @column_sums(
// CHECK-DAG: %[[C40:.*]] = llvm.mlir.constant(40 : index) : i64
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : index) : i64
// CHECK: gpu.launch_func @column_sums_kernel::@column_sums_kernel blocks in (%[[ONE]], %[[ONE]], %[[ONE]]) threads in (%[[C40]], %[[ONE]], %[[ONE]])
// CHECK: gpu.launch_func @column_sums_kernel_0::@column_sums_kernel blocks in (%[[ONE]], %[[ONE]], %[[ONE]]) threads in (%[[C40]], %[[ONE]], %[[ONE]])
// CHECK: gpu.binary @column_sums_kernel
// CHECK-SAME: %tid.x
// CHECK: gpu.binary @column_sums_kernel_0
// CHECK-SAME: .visible .entry column_sums_kernel(
// CHECK-SAME: %tid.x
// The sum over rows is a loop inside the kernel (a backward branch).
// CHECK-SAME: $L__BB0_[[LOOP:[0-9]+]]:
// CHECK-SAME: bra {{.*}}$L__BB0_[[LOOP]];
// LLVMIR-LABEL: @column_sums(
// LLVMIR-COUNT-2: call void @mgpuLaunchKernel(ptr %{{.*}}, i64 1, i64 1, i64 1, i64 40, i64 1, i64 1,
func.func @column_sums(%x: tensor<300x40xf64>) -> tensor<40xf64> {
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<40xf64>
  %i = linalg.fill ins(%zero : f64) outs(%e : tensor<40xf64>) -> tensor<40xf64>
  %s = linalg.reduce ins(%x : tensor<300x40xf64>) outs(%i : tensor<40xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %add = arith.addf %in, %acc : f64
      linalg.yield %add : f64
    }
  return %s : tensor<40xf64>
}

// A sum to a scalar runs in one GPU thread; the host reads the result and
// computes its expm1 with libm (accurate, as on the CPU).
// CHECK-LABEL: llvm.func @total(
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : index) : i64
// CHECK: gpu.launch_func @total_kernel::@total_kernel blocks in (%[[ONE]], %[[ONE]], %[[ONE]]) threads in (%[[ONE]], %[[ONE]], %[[ONE]])
// CHECK: %[[SUM:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: %[[E:.*]] = llvm.call @expm1f(%[[SUM]]) : (f32) -> f32
// CHECK: llvm.return %[[E]] : f32
func.func @total(%x: tensor<8x8xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%x : tensor<8x8xf32>) outs(%i : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %add = arith.addf %in, %acc : f32
      linalg.yield %add : f32
    }
  %r = tensor.extract %s[] : tensor<f32>
  %e1 = math.expm1 %r : f32
  return %e1 : f32
}
