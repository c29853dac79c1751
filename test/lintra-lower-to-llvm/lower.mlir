// End to end: lower tensor code to LLVM with lintra-lower-to-llvm and run it.
// RUN: lintra-opt %s --lintra-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so,%mlir_lib_dir/libmlir_runner_utils.so | FileCheck %s

func.func private @printMemrefF64(tensor<*xf64>)

// A public function with two results, called from main.
func.func @affine_and_norm(%a: tensor<2x2xf64>, %x: tensor<2xf64>) -> (tensor<2x2xf64>, f64) {
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<2x2xf64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<2x2xf64>) -> tensor<2x2xf64>
  %p = linalg.matmul ins(%a, %a : tensor<2x2xf64>, tensor<2x2xf64>) outs(%init : tensor<2x2xf64>) -> tensor<2x2xf64>
  %s = math.sqrt %p : tensor<2x2xf64>
  %e0 = tensor.empty() : tensor<f64>
  %acc = linalg.fill ins(%zero : f64) outs(%e0 : tensor<f64>) -> tensor<f64>
  %d = linalg.dot ins(%x, %x : tensor<2xf64>, tensor<2xf64>) outs(%acc : tensor<f64>) -> tensor<f64>
  %n = tensor.extract %d[] : tensor<f64>
  %r = math.sqrt %n : f64
  return %s, %r : tensor<2x2xf64>, f64
}

func.func @main() {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>
  %x = arith.constant dense<[3.0, 4.0]> : tensor<2xf64>
  %s, %r = call @affine_and_norm(%a, %x) : (tensor<2x2xf64>, tensor<2xf64>) -> (tensor<2x2xf64>, f64)
  %u = tensor.cast %s : tensor<2x2xf64> to tensor<*xf64>
  call @printMemrefF64(%u) : (tensor<*xf64>) -> ()
  // CHECK: rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data =
  // CHECK-NEXT: {{\[\[}}2.64575, 3.16228],
  // CHECK-NEXT: [3.87298, 4.69042]]
  vector.print %r : f64
  // CHECK-NEXT: 5
  %tiny = arith.constant 1.0e-10 : f64
  %m = math.expm1 %tiny : f64
  vector.print %m : f64
  // CHECK-NEXT: 1e-10
  return
}
