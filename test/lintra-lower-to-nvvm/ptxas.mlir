// Every kernel of the MLP gradient (examples/mlp_grad.mlir) is valid PTX:
// NVIDIA's assembler takes it, for the A100 (sm_80) and for the H100/H200
// (sm_90). Runs where a CUDA toolkit is installed (lintra needs none).
// REQUIRES: ptxas
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm -o %t.sm80.mlir
// RUN: %PYTHON -m lintra.tools.nvvm_program ptx %t.sm80.mlir --ptxas %ptxas --arch sm_80 | FileCheck %s --check-prefix=SM80
// RUN: lintra-opt %S/../../examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm=chip=sm_90 -o %t.sm90.mlir
// RUN: %PYTHON -m lintra.tools.nvvm_program ptx %t.sm90.mlir --ptxas %ptxas --arch sm_90 | FileCheck %s --check-prefix=SM90

// SM80: 33 kernels assembled by ptxas for sm_80
// SM90: 33 kernels assembled by ptxas for sm_90
