// Upstream: linalg-fuse-elementwise-ops fuses a producer whose body reads its
// `outs` init into a consumer with a larger iteration space and keeps the init
// as an extra *output* with the non-injective map (d0, d1) -> (d0): after
// bufferization each d1 iteration re-accumulates into it (a miscompile).
// Workaround: PRE_PASSES in passes/lintra_lower_to_llvm.py runs
// linalg-fold-unit-extent-dims (its MoveInitOperandsToInput pattern) before the
// fusion (found by the fuzzer: ../lower-fused-generic-reading-init.mlir).
// RUN: mlir-opt %s --pass-pipeline='builtin.module(func.func(linalg-fuse-elementwise-ops))' | FileCheck %s
// CHECK-DAG: #[[PROJ:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK: linalg.generic {indexing_maps = [#[[PROJ]], #[[PROJ]], #{{.*}}]
// CHECK-SAME: outs(%cst, %{{.*}} : tensor<3xf64>, tensor<3x2xf64>)
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
