// Reverse-mode AD with lintra: the gradient of f(x) = sum(sin(x) * x).
//
//   lintra-opt examples/grad_example.mlir --lintra-ad --lintra-lower-to-llvm \
//     | mlir-runner -e main -entry-point-result=void \
//         -shared-libs=$MLIR_LIB/libmlir_runner_utils.so,$MLIR_LIB/libmlir_c_runner_utils.so
//
// (scripts/demo.sh does exactly this.) The gradient is cos(x) * x + sin(x),
// so at x = [0, 0.5, 1, 2] it prints approximately
//   [0, 0.918217, 1.38177, 0.0770038]

// f : tensor<4xf64> -> f64, the function to differentiate.
func.func @f(%x: tensor<4xf64>) -> f64 {
  %sin = math.sin %x : tensor<4xf64>
  %prod = arith.mulf %sin, %x : tensor<4xf64>
  %zero = arith.constant 0.0 : f64
  %init = tensor.from_elements %zero : tensor<f64>
  %sum = linalg.reduce ins(%prod : tensor<4xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %add = arith.addf %in, %acc : f64
      linalg.yield %add : f64
    }
  %result = tensor.extract %sum[] : tensor<f64>
  return %result : f64
}

func.func private @printMemrefF64(memref<*xf64>)

// main evaluates grad(f) at a constant point and prints it.
func.func @main() {
  %x = arith.constant dense<[0.0, 0.5, 1.0, 2.0]> : tensor<4xf64>
  %grad = "lintra.grad"(%x) {callee = @f} : (tensor<4xf64>) -> tensor<4xf64>
  %buffer = bufferization.to_buffer %grad : tensor<4xf64> to memref<4xf64>
  %unranked = memref.cast %buffer : memref<4xf64> to memref<*xf64>
  call @printMemrefF64(%unranked) : (memref<*xf64>) -> ()
  return
}
