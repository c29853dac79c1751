// The MLP gradient of examples/mlp_grad.mlir compiled ahead of time for the GPU
// (nvvm_program build: lintra-lower-to-nvvm, mlir-translate, llc, cc) into a
// folder that runs without MLIR, as on a GPU machine without mlir-runner; its
// run.py compares the numbers with the CPU's (lintra-lower-to-llvm), computed
// when building.
// RUN: rm -rf %t.dir
// RUN: %PYTHON -m lintra.tools.nvvm_program build %S/../../examples/mlp_grad.mlir --ad -o %t.dir
// RUN: %PYTHON %t.dir/run.py | FileCheck %s

// CHECK: nvvm: mlp_grad.mlir PASS (336 numbers, cuda, sm_80)
