// The form lintra's iree-cpu backend gives a large f64 matmul on an AVX-512
// host (python/lintra/backends/iree_tuning.py), here on small shapes: A
// (given K×M) transposed and zero-padded to whole tiles behind a
// util.optimization_barrier, B in a wider zero tensor (an odd row stride in
// cache lines) read through a slice, the matmul with its own
// compilation_info, the result sliced back. IREE compiles and runs it.
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=mm \
// RUN:   --input=16x3xf64=1 --input=16x16xf64=2 | FileCheck %s

// CHECK: 3x16xf64=[32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32][32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32][32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32]

func.func @mm(%a: tensor<16x3xf64>, %b: tensor<16x16xf64>) -> tensor<3x16xf64> {
  %zero = arith.constant 0.0 : f64
  %empty = tensor.empty() : tensor<3x16xf64>
  %init = linalg.fill ins(%zero : f64) outs(%empty : tensor<3x16xf64>) -> tensor<3x16xf64>
  %a_empty = tensor.empty() : tensor<3x16xf64>
  %a_t = linalg.transpose ins(%a : tensor<16x3xf64>) outs(%a_empty : tensor<3x16xf64>) permutation = [1, 0]
  %a_zeros_empty = tensor.empty() : tensor<8x16xf64>
  %a_zeros = linalg.fill ins(%zero : f64) outs(%a_zeros_empty : tensor<8x16xf64>) -> tensor<8x16xf64>
  %a_padded = tensor.insert_slice %a_t into %a_zeros[0, 0] [3, 16] [1, 1] : tensor<3x16xf64> into tensor<8x16xf64>
  %a_kept = "util.optimization_barrier"(%a_padded) : (tensor<8x16xf64>) -> tensor<8x16xf64>
  %b_zeros_empty = tensor.empty() : tensor<16x24xf64>
  %b_zeros = linalg.fill ins(%zero : f64) outs(%b_zeros_empty : tensor<16x24xf64>) -> tensor<16x24xf64>
  %b_wide = tensor.insert_slice %b into %b_zeros[0, 0] [16, 16] [1, 1] : tensor<16x16xf64> into tensor<16x24xf64>
  %b_kept = "util.optimization_barrier"(%b_wide) : (tensor<16x24xf64>) -> tensor<16x24xf64>
  %b_strided = tensor.extract_slice %b_kept[0, 0] [16, 16] [1, 1] : tensor<16x24xf64> to tensor<16x16xf64>
  %c_zeros_empty = tensor.empty() : tensor<8x16xf64>
  %c_zeros = linalg.fill ins(%zero : f64) outs(%c_zeros_empty : tensor<8x16xf64>) -> tensor<8x16xf64>
  %c_init = tensor.insert_slice %init into %c_zeros[0, 0] [3, 16] [1, 1] : tensor<3x16xf64> into tensor<8x16xf64>
  %c = linalg.matmul {compilation_info = #iree_codegen.compilation_info<
         lowering_config = #iree_cpu.lowering_config<distribution = [8, 16, 0],
           vector_common_parallel = [8, 8, 0], vector_reduction = [0, 0, 1]>,
         translation_info = #iree_codegen.translation_info<pipeline = #iree_cpu.pipeline<DoubleTilingExpert>>>}
       ins(%a_kept, %b_strided : tensor<8x16xf64>, tensor<16x16xf64>) outs(%c_init : tensor<8x16xf64>) -> tensor<8x16xf64>
  %result = tensor.extract_slice %c[0, 0] [3, 16] [1, 1] : tensor<8x16xf64> to tensor<3x16xf64>
  return %result : tensor<3x16xf64>
}
