// lintra-ad's output compiled by IREE for CUDA (the flags of the iree-cuda
// backend) and run on the GPU: the gradient of sum(sin(x) * x), which is
// cos(x) * x + sin(x), as test/iree/grad.mlir computes it on the CPU.
// RUN: lintra-opt --lintra-ad %s | iree-compile %iree_cuda_flags - -o %t.vmfb
// RUN: iree-run-module --device=cuda --module=%t.vmfb --function=df \
// RUN:   --input="4xf64=0.0 0.5 1.0 2.0" | FileCheck %s

// CHECK: result[0]: hal.buffer_view
// CHECK-NEXT: 4xf64=0 0.918217 1.38177 0.0770038{{$}}

func.func private @f(%x: tensor<4xf64>) -> f64 {
  %e = tensor.empty() : tensor<4xf64>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]} ins(%x : tensor<4xf64>) outs(%e : tensor<4xf64>) {
  ^bb0(%a: f64, %b: f64):
    %s = math.sin %a : f64
    %p = arith.mulf %s, %a : f64
    linalg.yield %p : f64
  } -> tensor<4xf64>
  %zero = arith.constant 0.0 : f64
  %init = tensor.empty() : tensor<f64>
  %acc = linalg.fill ins(%zero : f64) outs(%init : tensor<f64>) -> tensor<f64>
  %sum = linalg.reduce ins(%y : tensor<4xf64>) outs(%acc : tensor<f64>) dimensions = [0]
    (%in: f64, %out: f64) {
      %t = arith.addf %in, %out : f64
      linalg.yield %t : f64
    }
  %r = tensor.extract %sum[] : tensor<f64>
  return %r : f64
}

func.func @df(%x: tensor<4xf64>) -> tensor<4xf64> {
  %g = "lintra.grad"(%x) {callee = @f} : (tensor<4xf64>) -> tensor<4xf64>
  return %g : tensor<4xf64>
}
