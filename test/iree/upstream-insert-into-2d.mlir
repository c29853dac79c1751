// IREE 3.13 (llvm-cpu) writes three consecutive elements for one scalar
// tensor.insert into a tensor of rank 2 (f64 and f32; rank 1 is right): into a
// 3x2 tensor of zeros at [0, 0] it gives [[1 1][1 0][0 0]], at [1, 1]
// [[0 0][0 1][1 1]], and at [2, 1], the last element, it writes past the end of
// the buffer. The same insert as a tensor.insert_slice of a 1x1
// tensor.from_elements is right. lintra-ad emits such inserts for the cotangent
// of a tensor.extract (`insert %ct into zeros`); found by the control-flow fuzzer
// (test_fuzz_ad.py --scf, iree-cpu against mlir-cpu: a wrong VJP). lintra's IREE backends rewrite each tensor.insert into a tensor of
// rank >= 2 as an insert_slice (python/lintra/backends/iree_tensor_ops.py,
// inserts_as_insert_slices; test_backends.py::test_insert_into_2d). This test
// fails once IREE is fixed; then drop the rewrite.
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=at --input=1.0 --input=0 --input=0 | FileCheck %s --check-prefix=FIRST
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=at --input=1.0 --input=1 --input=1 | FileCheck %s --check-prefix=MIDDLE
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=as_slice --input=1.0 | FileCheck %s --check-prefix=SLICE

// Expected [[1 0][0 0][0 0]].
// FIRST: 3x2xf64=[1 1][1 0][0 0]
// Expected [[0 0][0 1][0 0]].
// MIDDLE: 3x2xf64=[0 0][0 1][1 1]
func.func @at(%a: f64, %i: index, %j: index) -> tensor<3x2xf64> {
  %zeros = arith.constant dense<0.0> : tensor<3x2xf64>
  %r = tensor.insert %a into %zeros[%i, %j] : tensor<3x2xf64>
  return %r : tensor<3x2xf64>
}

// Right.
// SLICE: 3x2xf64=[1 0][0 0][0 0]
func.func @as_slice(%a: f64) -> tensor<3x2xf64> {
  %zeros = arith.constant dense<0.0> : tensor<3x2xf64>
  %t = tensor.from_elements %a : tensor<1x1xf64>
  %r = tensor.insert_slice %t into %zeros[0, 0] [1, 1] [1, 1] : tensor<1x1xf64> into tensor<3x2xf64>
  return %r : tensor<3x2xf64>
}
