// OPEN (IREE 3.13.0, iree-base-compiler 3.13.0rc20261016): worked around in
// lintra's iree-cpu backend (python/lintra/backends/iree_entry.py, pre_fused).
// test/iree/softmax-workaround.mlir runs this file: when it starts failing,
// IREE compiles the plain pattern and the workaround can go.
//
// Bug (IREE llvm-cpu codegen, no AD involved): softmax written as upstream
// linalg on tensors (the way lintra.nn.softmax traces: reduce max, broadcast,
// subf, exp, reduce add, broadcast, divf) fails to compile, at any shape.
//
// Reproduce:   iree-compile --iree-hal-target-device=local --iree-hal-local-target-device-backends=llvm-cpu \
//                test/regressions/iree-softmax-workgroup-distribution.mlir -o /dev/null
// Expected:    a vmfb.
// Actual:      error: 'vector.store' op write affecting operations on global resources are
//              restricted to workgroup distributed contexts.
//              error: 'func.func' op failed on workgroup distribution verification
// Workaround:  fuse the elementwise ops first (mlir-opt --pass-pipeline='builtin.module(func.func(
//              convert-elementwise-to-linalg,linalg-fuse-elementwise-ops))'); lintra does it only for
//              modules IREE rejects, as the fusion can fold elementwise ops into contractions
//              (then no longer compiled as matmuls: attention's primal 3-4x slower).
//              --iree-llvmcpu-disable-distribution also compiles this file, but miscompiles
//              log_softmax (x - max(x) is returned without the log-sum-exp term): not usable.

func.func @softmax(%arg0: tensor<3x4xf32>) -> tensor<3x4xf32> {
    %z = arith.constant 0.0 : f32
    %ninf = arith.constant 0xFF800000 : f32
    %e3 = tensor.empty() : tensor<3xf32>
    %cst = linalg.fill ins(%z : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
    %cst_0 = linalg.fill ins(%ninf : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
    %reduced = linalg.reduce ins(%arg0 : tensor<3x4xf32>) outs(%cst_0 : tensor<3xf32>) dimensions = [1] 
      (%in: f32, %init: f32) {
        %5 = arith.maximumf %in, %init : f32
        linalg.yield %5 : f32
      }
    %0 = tensor.empty() : tensor<3x4xf32>
    %broadcasted = linalg.broadcast ins(%reduced : tensor<3xf32>) outs(%0 : tensor<3x4xf32>) dimensions = [1] 
    %1 = arith.subf %arg0, %broadcasted : tensor<3x4xf32>
    %2 = math.exp %1 : tensor<3x4xf32>
    %reduced_1 = linalg.reduce ins(%2 : tensor<3x4xf32>) outs(%cst : tensor<3xf32>) dimensions = [1] 
      (%in: f32, %init: f32) {
        %5 = arith.addf %in, %init : f32
        linalg.yield %5 : f32
      }
    %3 = tensor.empty() : tensor<3x4xf32>
    %broadcasted_2 = linalg.broadcast ins(%reduced_1 : tensor<3xf32>) outs(%3 : tensor<3x4xf32>) dimensions = [1] 
    %4 = arith.divf %2, %broadcasted_2 : tensor<3x4xf32>
    return %4 : tensor<3x4xf32>
}
