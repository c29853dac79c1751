// End to end: expand with lintra-ad, lower with lintra-lower-to-llvm and run
// with mlir-runner. Expected values, by hand, for f(x) = sin(x) * x at x = 1:
//   f(1)       = sin(1)                     = 0.8414709848078965
//   f'(1)      = cos(1) + sin(1)            = 1.3817732906760363
//   f''(1)     = 2 cos(1) - sin(1)          = 0.2391336269283830
//   vjp, ct=2  = 2 (cos(1) + sin(1))        = 2.7635465813520725
//   jvp, dx=3  = 3 (cos(1) + sin(1))        = 4.1453198720281090
// and for g(x) = sum(exp(x) * x) on tensors, grad g = exp(x) (x + 1):
//   x = [0, 1, -1] -> [1, 2 e, 0] = [1, 5.43656, 0]
// REQUIRES: jit
// RUN: lintra-opt %s --lintra-ad --lintra-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils \
// RUN:   | FileCheck %s

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  %1 = arith.mulf %0, %x : f64
  return %1 : f64
}

func.func @df(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  return %0 : f64
}

func.func @ddf(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @df} : (f64) -> f64
  return %0 : f64
}

func.func @g(%x: tensor<3xf64>) -> f64 {
  %e = math.exp %x : tensor<3xf64>
  %p = arith.mulf %e, %x : tensor<3xf64>
  %zero = arith.constant dense<0.0> : tensor<f64>
  %s = linalg.reduce ins(%p : tensor<3xf64>) outs(%zero : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %a = arith.addf %in, %acc : f64
      linalg.yield %a : f64
    }
  %r = tensor.extract %s[] : tensor<f64>
  return %r : f64
}

func.func private @printMemrefF64(tensor<*xf64>)

func.func @main() {
  %x = arith.constant 1.0 : f64
  %d1 = call @df(%x) : (f64) -> f64
  // CHECK: 1.38177
  vector.print %d1 : f64
  %d2 = call @ddf(%x) : (f64) -> f64
  // CHECK-NEXT: 0.239134
  vector.print %d2 : f64
  %ct = arith.constant 2.0 : f64
  %v:2 = "lintra.vjp"(%x, %ct) {callee = @f} : (f64, f64) -> (f64, f64)
  // CHECK-NEXT: 0.841471
  vector.print %v#0 : f64
  // CHECK-NEXT: 2.76355
  vector.print %v#1 : f64
  %dx = arith.constant 3.0 : f64
  %j:2 = "lintra.jvp"(%x, %dx) {callee = @f} : (f64, f64) -> (f64, f64)
  // CHECK-NEXT: 0.841471
  vector.print %j#0 : f64
  // CHECK-NEXT: 4.14532
  vector.print %j#1 : f64
  %t = arith.constant dense<[0.0, 1.0, -1.0]> : tensor<3xf64>
  %gt = "lintra.grad"(%t) {callee = @g} : (tensor<3xf64>) -> tensor<3xf64>
  %u = tensor.cast %gt : tensor<3xf64> to tensor<*xf64>
  call @printMemrefF64(%u) : (tensor<*xf64>) -> ()
  // CHECK-NEXT: rank = 1 offset = 0 sizes = [3] strides = [1] data =
  // CHECK-NEXT: [1,  5.43656,  0]
  return
}
