// The quickstart demo (scripts/demo.sh): differentiate examples/grad_example.mlir,
// lower it and run it. grad sum(sin(x) * x) = cos(x) * x + sin(x).
// REQUIRES: jit
// RUN: lintra-opt %S/../../examples/grad_example.mlir --lintra-ad --lintra-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void \
// RUN:       -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils \
// RUN:   | FileCheck %s

// CHECK: rank = 1 offset = 0 sizes = [4] strides = [1] data =
// CHECK-NEXT: [0,  0.918217,  1.38177,  0.0770038]
