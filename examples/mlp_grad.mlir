// The gradient of a one-hidden-layer MLP's loss, run on the CPU or on an NVIDIA GPU:
//   loss(w1, b1, w2, x) = sum((tanh(x @ w1 + b1) @ w2)^2)
// with odd sizes (50x12 inputs, 20 hidden units, 3 outputs), so loop nests do
// not divide evenly into GPU blocks. @main prints d loss / d w1, d b1, d w2.
//
// CPU:  lintra-opt examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-llvm \
//         | mlir-runner -e main -entry-point-result=void \
//             -shared-libs=$MLIR_LIB/libmlir_runner_utils.so,$MLIR_LIB/libmlir_c_runner_utils.so
// GPU:  lintra-opt examples/mlp_grad.mlir --lintra-ad --lintra-lower-to-nvvm \
//         | mlir-runner -e main -entry-point-result=void \
//             -shared-libs=$MLIR_LIB/libmlir_cuda_runtime.so,$MLIR_LIB/libmlir_runner_utils.so,$MLIR_LIB/libmlir_c_runner_utils.so
// ($MLIR_LIB: the `lib` folder of the `mlir` Python package.) Both print the same numbers.

func.func @loss(%w1: tensor<12x20xf32>, %b1: tensor<20xf32>, %w2: tensor<20x3xf32>, %x: tensor<50x12xf32>) -> f32 {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<50x20xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<50x20xf32>) -> tensor<50x20xf32>
  %xw = linalg.matmul ins(%x, %w1 : tensor<50x12xf32>, tensor<12x20xf32>) outs(%i1 : tensor<50x20xf32>) -> tensor<50x20xf32>
  %bias = linalg.broadcast ins(%b1 : tensor<20xf32>) outs(%e1 : tensor<50x20xf32>) dimensions = [0]
  %h = arith.addf %xw, %bias : tensor<50x20xf32>
  %a = math.tanh %h : tensor<50x20xf32>
  %e2 = tensor.empty() : tensor<50x3xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<50x3xf32>) -> tensor<50x3xf32>
  %o = linalg.matmul ins(%a, %w2 : tensor<50x20xf32>, tensor<20x3xf32>) outs(%i2 : tensor<50x3xf32>) -> tensor<50x3xf32>
  %sq = arith.mulf %o, %o : tensor<50x3xf32>
  %e0 = tensor.empty() : tensor<f32>
  %i0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%sq : tensor<50x3xf32>) outs(%i0 : tensor<f32>) dimensions = [0, 1]
    (%in: f32, %acc: f32) {
      %add = arith.addf %in, %acc : f32
      linalg.yield %add : f32
    }
  %r = tensor.extract %s[] : tensor<f32>
  return %r : f32
}

func.func @grad(%w1: tensor<12x20xf32>, %b1: tensor<20xf32>, %w2: tensor<20x3xf32>, %x: tensor<50x12xf32>)
    -> (tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>) {
  %g:4 = "lintra.grad"(%w1, %b1, %w2, %x) {callee = @loss}
    : (tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>, tensor<50x12xf32>)
    -> (tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>, tensor<50x12xf32>)
  return %g#0, %g#1, %g#2 : tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>
}

func.func private @printMemrefF32(tensor<*xf32>)

// @main fills all inputs from one wave sin(0.1 * k), k = 0..919 (which nothing
// constant-folds), and prints the gradient.
func.func @main() {
  %e = tensor.empty() : tensor<920xf32>
  %wave = linalg.generic {indexing_maps = [affine_map<(k) -> (k)>], iterator_types = ["parallel"]}
      outs(%e : tensor<920xf32>) {
  ^bb0(%o: f32):
    %k = linalg.index 0 : index
    %ki = arith.index_cast %k : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %scale = arith.constant 0.1 : f32
    %t = arith.mulf %kf, %scale : f32
    %v = math.sin %t : f32
    linalg.yield %v : f32
  } -> tensor<920xf32>
  %xs = tensor.extract_slice %wave[0] [600] [1] : tensor<920xf32> to tensor<600xf32>
  %x = tensor.expand_shape %xs [[0, 1]] output_shape [50, 12] : tensor<600xf32> into tensor<50x12xf32>
  %w1s = tensor.extract_slice %wave[600] [240] [1] : tensor<920xf32> to tensor<240xf32>
  %w1 = tensor.expand_shape %w1s [[0, 1]] output_shape [12, 20] : tensor<240xf32> into tensor<12x20xf32>
  %b1 = tensor.extract_slice %wave[840] [20] [1] : tensor<920xf32> to tensor<20xf32>
  %w2s = tensor.extract_slice %wave[860] [60] [1] : tensor<920xf32> to tensor<60xf32>
  %w2 = tensor.expand_shape %w2s [[0, 1]] output_shape [20, 3] : tensor<60xf32> into tensor<20x3xf32>
  %g:3 = call @grad(%w1, %b1, %w2, %x) : (tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>, tensor<50x12xf32>)
    -> (tensor<12x20xf32>, tensor<20xf32>, tensor<20x3xf32>)
  %u0 = tensor.cast %g#0 : tensor<12x20xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %u1 = tensor.cast %g#1 : tensor<20xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %g#2 : tensor<20x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}
