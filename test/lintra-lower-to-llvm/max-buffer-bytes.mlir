// With max-buffer-bytes, a static buffer larger than that is an error at the op
// whose result needs it (lintra.runtime sets the option to the memory available,
// so compiled code never writes through a null malloc); without it, no check.
// RUN: not lintra-opt %s --lintra-lower-to-llvm="max-buffer-bytes=7999" 2>&1 | FileCheck %s
// RUN: lintra-opt %s --lintra-lower-to-llvm="max-buffer-bytes=8000" | FileCheck %s --check-prefix=FITS
// RUN: lintra-opt %s --lintra-lower-to-llvm | FileCheck %s --check-prefix=FITS

// CHECK: max-buffer-bytes.mlir:[[@LINE+4]]:8: error: 'memref.alloc' op needs a buffer of 8000 bytes (memref<1000xf64>), more than the 7999 bytes of memory available
// CHECK-NOT: error
// FITS: llvm.call @malloc
func.func @f(%x: tensor<f64>) -> tensor<f64> {
  %e = tensor.empty() : tensor<1000xf64>
  %b = linalg.broadcast ins(%x : tensor<f64>) outs(%e : tensor<1000xf64>) dimensions = [0]
  %z = arith.constant dense<0.0> : tensor<f64>
  %s = linalg.reduce ins(%b : tensor<1000xf64>) outs(%z : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  return %s : tensor<f64>
}
