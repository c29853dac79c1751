// Regression (fixed) (lowering, no AD involved): lintra-lower-to-llvm miscompiles a parallel
// linalg.generic that reads its `outs` init, when its result is broadcast by a
// consumer generic. lintra's own VJPs contain exactly this pattern (see
// vjp-sin-of-row-sums.mlir), so it makes reverse-mode results wrong at runtime.
//
// Reproduce:
//   python -c "import numpy as np; from lintra.runtime import compile_function as c; \
//     print(c(open('test/regressions/lower-fused-generic-reading-init.mlir').read(), 'f')(np.array([1., 2., 3.]))[0])"
// Expected:    [[1. 1.] [2. 2.] [3. 3.]]   (%0 = 0 + r, broadcast along d1)
// Actual:      [[1. 2.] [2. 4.] [3. 6.]]
//
// Diagnosis: PRE_PASSES in passes/lintra_lower_to_llvm.py runs upstream
// `linalg-fuse-elementwise-ops`, which fuses the 1-d producer into the 2-d
// consumer and keeps the producer's init %z as an extra *output* of the fused
// op with the non-injective map (d0, d1) -> (d0) (see
// `lintra-opt f.mlir --pass-pipeline='builtin.module(func.func(linalg-fuse-elementwise-ops))'`):
// after bufferization every d1 iteration reads the value the previous one
// wrote, so the init is accumulated twice. Root cause is upstream MLIR
// (ElementwiseOpFusion should not fuse producers whose payload reads an init
// into a consumer with a larger iteration space), but the pipeline is lintra's.
// Workaround that fixes this file and every fuzz failure of this kind: run
// `linalg-fold-unit-extent-dims` (it includes the MoveInitOperandsToInput
// pattern) before `linalg-fuse-elementwise-ops` in PRE_PASSES.
func.func @f(%r: tensor<3xf64>) -> tensor<3x2xf64> {
  %z = arith.constant dense<0.0> : tensor<3xf64>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
       ins(%r : tensor<3xf64>) outs(%z : tensor<3xf64>) {
  ^bb0(%in: f64, %out: f64):
    %s = arith.addf %out, %in : f64
    linalg.yield %s : f64
  } -> tensor<3xf64>
  %e = tensor.empty() : tensor<3x2xf64>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
       ins(%0 : tensor<3xf64>) outs(%e : tensor<3x2xf64>) {
  ^bb0(%in: f64, %out: f64):
    linalg.yield %in : f64
  } -> tensor<3x2xf64>
  return %1 : tensor<3x2xf64>
}
