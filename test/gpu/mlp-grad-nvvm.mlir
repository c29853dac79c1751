// The MLP gradient of examples/mlp_grad.mlir on the GPU through upstream MLIR
// (lintra-lower-to-nvvm, mlir-runner, libmlir_cuda_runtime), against the same
// program on the CPU (lintra-lower-to-llvm).
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.cpu
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_cuda_runtime,%mlir_runner_utils,%mlir_c_runner_utils > %t.gpu
// RUN: FileCheck %s < %t.gpu
// RUN: %PYTHON -m lintra.tools.nvvm_run compare %t.cpu %t.gpu | FileCheck %s --check-prefix=SAME

// CHECK: rank = 2 offset = 0 sizes = [12, 20] strides = [20, 1] data =
// CHECK: rank = 1 offset = 0 sizes = [20] strides = [1] data =
// CHECK: rank = 2 offset = 0 sizes = [20, 3] strides = [3, 1] data =
// 240 + 20 + 60 gradient entries, and the 16 numbers of the three headers
// (rank, offset, sizes, strides).
// SAME: same numbers: 336
