// IREE 3.13 (llvm-cpu) miscompiles a reduction to a 0-d tensor of a
// `linalg.fill` of a scalar that is not a constant: the sum of 8 copies of %x is
// %x (one iteration), and with a body reading the element twice, x*x instead of
// 3*x*x; f32 too. A reduction to 1-d of the same fill, or of a linalg.broadcast
// of the 0-d tensor holding %x, is right. After dispatch formation the
// flow-level IR is still right (the fill fused into the reduction, whose body
// then adds %x to its accumulator and no longer reads its input), so the bug is
// in the llvm-cpu code generation, which loses the trip count of a reduced
// dimension no used operand indexes: a reduction to 0-d whose body ignores its
// input (@number_of_elements, 1 instead of 5) runs once too, and so does a
// reduction to a 1-element tensor<1xf64> (IREE folds its unit dimension).
// Found by the control-flow fuzzer (test_fuzz_ad.py --scf, which compares
// iree-cpu with mlir-cpu): a tensor.splat of a scalar, which lintra's IREE
// backends turn into such a fill, summed by a linalg.reduce gave a wrong JVP on
// iree-cpu, right on mlir-cpu and by finite differences.
// Worked around (backends/iree_tensor_ops.py `index_unread_reduced_loops`):
// a linalg.generic or linalg.reduce with 0-d results whose body reads no
// operand indexing a loop (@number_of_elements; fuzz seeds 12 and 38), or that
// reads a fill of a non-constant scalar, directly or through elementwise ops
// (@sum, @sum_of_sines; fuzz seeds 5 and 22), reads linalg.index of those
// loops (adds sitofp(index) * -0.0 to a float it yields); broadcasts of a 0-d
// tensor in place of every fill made IREE's stream partitioning reject other
// fuzz programs ("circular dependency"). This test fails once IREE is fixed.
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=sum --input=2.0 | FileCheck %s --check-prefix=SUM
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=sum_of_squares --input=2.0 | FileCheck %s --check-prefix=SQUARES
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=sum_of_sines --input=2.0 | FileCheck %s --check-prefix=SINES
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=rows --input=2.0 | FileCheck %s --check-prefix=ROWS
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=number_of_elements --input="5xf64=1 2 3 4 5" | FileCheck %s --check-prefix=NUMBER

// Expected 16 (8 * 2); IREE gives 2.
// SUM: result[0]: f64=2
func.func @sum(%x: f64) -> f64 {
  %e8 = tensor.empty() : tensor<8xf64>
  %s = linalg.fill ins(%x : f64) outs(%e8 : tensor<8xf64>) -> tensor<8xf64>
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<f64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %r = linalg.reduce ins(%s : tensor<8xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %v = tensor.extract %r[] : tensor<f64>
  return %v : f64
}

// Expected 12 (3 * 2 * 2); IREE gives 4.
// SQUARES: result[0]: f64=4
func.func @sum_of_squares(%x: f64) -> f64 {
  %e3 = tensor.empty() : tensor<3xf64>
  %s = linalg.fill ins(%x : f64) outs(%e3 : tensor<3xf64>) -> tensor<3xf64>
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<f64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %r = linalg.reduce ins(%s : tensor<3xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %m = arith.mulf %in, %in : f64
      %t = arith.addf %m, %acc : f64
      linalg.yield %t : f64
    }
  %v = tensor.extract %r[] : tensor<f64>
  return %v : f64
}

// Expected 3.637... (4 * sin 2); IREE gives sin 2: the fill fused through the
// elementwise sin.
// SINES: result[0]: f64=0.909297
func.func @sum_of_sines(%x: f64) -> f64 {
  %e4 = tensor.empty() : tensor<4xf64>
  %s = linalg.fill ins(%x : f64) outs(%e4 : tensor<4xf64>) -> tensor<4xf64>
  %sines = math.sin %s : tensor<4xf64>
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<f64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %r = linalg.reduce ins(%sines : tensor<4xf64>) outs(%init : tensor<f64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  %v = tensor.extract %r[] : tensor<f64>
  return %v : f64
}

// Right: a reduction to 1-d of a fill.
// ROWS: 2xf64=6 6
func.func @rows(%x: f64) -> tensor<2xf64> {
  %e32 = tensor.empty() : tensor<3x2xf64>
  %s = linalg.fill ins(%x : f64) outs(%e32 : tensor<3x2xf64>) -> tensor<3x2xf64>
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<2xf64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<2xf64>) -> tensor<2xf64>
  %r = linalg.reduce ins(%s : tensor<3x2xf64>) outs(%init : tensor<2xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %t = arith.addf %in, %acc : f64
      linalg.yield %t : f64
    }
  return %r : tensor<2xf64>
}

// Expected 5 (one per element); IREE gives 1.
// NUMBER: result[0]: f64=1
func.func @number_of_elements(%x: tensor<5xf64>) -> f64 {
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<f64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<f64>) -> tensor<f64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : tensor<5xf64>) outs(%init : tensor<f64>) {
  ^bb0(%in: f64, %acc: f64):
    %one = arith.constant 1.0 : f64
    %t = arith.addf %acc, %one : f64
    linalg.yield %t : f64
  } -> tensor<f64>
  %v = tensor.extract %r[] : tensor<f64>
  return %v : f64
}
