// lintra-transpose: every function with {lintra.linear} arguments gets a private
// @g_transpose(non-linear args..., cotangents of the results...) -> cotangents
// of the linear arguments; "lintra.transpose" ops become calls of it.
// RUN: lintra-opt %s --split-input-file --lintra-transpose | FileCheck %s

// Multiplication by a coefficient: the transpose multiplies the cotangent by
// the same coefficient. The "lintra.transpose" op becomes a call.

// CHECK-LABEL: func.func @scale(
//  CHECK-SAME:     %{{[^:]*}}: f64, %{{[^:]*}}: f64 {lintra.linear}) -> f64
// CHECK-LABEL: func.func @caller(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[R:.*]] = call @scale_transpose(%[[A]], %[[CT]]) : (f64, f64) -> f64
//   CHECK-NOT:   lintra.transpose
//       CHECK:   return %[[R]]
// CHECK-LABEL: func.func private @scale_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//  CHECK-NEXT:   %[[R:.*]] = arith.mulf %[[A]], %[[CT]] : f64
//  CHECK-NEXT:   return %[[R]] : f64
//  CHECK-NOT: func.func private @scale_transpose
func.func @scale(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}

func.func @caller(%a: f64, %ct: f64) -> f64 {
  %0 = "lintra.transpose"(%a, %ct) {callee = @scale} : (f64, f64) -> f64
  return %0 : f64
}

// -----

// The coefficient may be computed from non-linear arguments: that computation
// is re-emitted forward in the transpose, once.

// CHECK-LABEL: func.func private @coef_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[C:.*]] = math.cos %[[A]]
//   CHECK-NOT:   math.cos
//       CHECK:   %[[R:.*]] = arith.mulf %[[CT]], %[[C]]
//       CHECK:   return %[[R]]
func.func @coef(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %c = math.cos %a : f64
  %0 = arith.mulf %t, %c : f64
  return %0 : f64
}

// -----

// addf, subf, negf: out0 = a + b, out1 = -(a - b), so
// ct_a = ct0 - ct1 and ct_b = ct0 + ct1.

// CHECK-LABEL: func.func private @addsub_transpose(
//  CHECK-SAME:     %[[CT0:[^:]*]]: f64, %[[CT1:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[N:.*]] = arith.negf %[[CT1]]
//       CHECK:   %[[CA:.*]] = arith.addf %[[N]], %[[CT0]]
//       CHECK:   %[[CB:.*]] = arith.addf %[[CT1]], %[[CT0]]
//       CHECK:   return %[[CA]], %[[CB]] : f64, f64
func.func @addsub(%a: f64 {lintra.linear}, %b: f64 {lintra.linear}) -> (f64, f64) {
  %0 = arith.addf %a, %b : f64
  %1 = arith.subf %a, %b : f64
  %2 = arith.negf %1 : f64
  return %0, %2 : f64, f64
}

// -----

// A linear argument used twice: its cotangent is the sum of both uses.

// CHECK-LABEL: func.func private @twice_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[M:.*]] = arith.mulf %[[A]], %[[CT]]
//       CHECK:   %[[S:.*]] = arith.addf %[[CT]], %[[M]]
//       CHECK:   return %[[S]]
func.func @twice(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  %1 = arith.addf %t, %0 : f64
  return %1 : f64
}

// -----

// select routes the cotangent to the chosen branch and zero to the other; the
// condition is a non-linear argument.

// CHECK-LABEL: func.func private @sel_transpose(
//  CHECK-SAME:     %[[C:[^:]*]]: i1, %[[CT:[^:]*]]: f64) -> (f64, f64)
//       CHECK:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//       CHECK:   %[[A:.*]] = arith.select %[[C]], %[[CT]], %[[Z]] : f64
//       CHECK:   %[[B:.*]] = arith.select %[[C]], %[[Z]], %[[CT]] : f64
//       CHECK:   return %[[A]], %[[B]] : f64, f64
func.func @sel(%c: i1, %a: f64 {lintra.linear}, %b: f64 {lintra.linear}) -> f64 {
  %0 = arith.select %c, %a, %b : f64
  return %0 : f64
}

// -----

// divf is linear in its numerator: the transpose divides the cotangent.

// CHECK-LABEL: func.func private @div_transpose(
//  CHECK-SAME:     %[[Y:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[R:.*]] = arith.divf %[[CT]], %[[Y]]
//       CHECK:   return %[[R]]
func.func @div(%t: f64 {lintra.linear}, %y: f64) -> f64 {
  %0 = arith.divf %t, %y : f64
  return %0 : f64
}

// -----

// tensor.extract_slice transposes to an insert_slice (same offsets, sizes and
// strides) into zeros.

// CHECK-LABEL: func.func private @slice_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<2x3xf64>) -> tensor<4x5xf64>
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4x5xf64>
//       CHECK:   %[[R:.*]] = tensor.insert_slice %[[CT]] into %[[Z]][1, 0] [2, 3] [1, 2] : tensor<2x3xf64> into tensor<4x5xf64>
//       CHECK:   return %[[R]]
func.func @slice(%x: tensor<4x5xf64> {lintra.linear}) -> tensor<2x3xf64> {
  %0 = tensor.extract_slice %x[1, 0] [2, 3] [1, 2] : tensor<4x5xf64> to tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// tensor.insert_slice transposes to an extract_slice (for the source) and an
// insert_slice of zeros (for the destination).

// CHECK-LABEL: func.func private @insert_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<4x5xf64>) -> (tensor<2x3xf64>, tensor<4x5xf64>)
//   CHECK-DAG:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<2x3xf64>
//   CHECK-DAG:   %[[S:.*]] = tensor.extract_slice %[[CT]][1, 2] [2, 3] [1, 1] : tensor<4x5xf64> to tensor<2x3xf64>
//   CHECK-DAG:   %[[D:.*]] = tensor.insert_slice %[[Z]] into %[[CT]][1, 2] [2, 3] [1, 1]
//       CHECK:   return %[[S]], %[[D]]
func.func @insert(%x: tensor<2x3xf64> {lintra.linear}, %y: tensor<4x5xf64> {lintra.linear}) -> tensor<4x5xf64> {
  %0 = tensor.insert_slice %x into %y[1, 2] [2, 3] [1, 1] : tensor<2x3xf64> into tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// tensor.concat transposes to one extract_slice per operand, at increasing
// offsets along the concatenated dimension.

// CHECK-LABEL: func.func private @concat_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<2x5xf64>) -> (tensor<2x3xf64>, tensor<2x2xf64>)
//       CHECK:   %[[A:.*]] = tensor.extract_slice %[[CT]][0, 0] [2, 3] [1, 1] : tensor<2x5xf64> to tensor<2x3xf64>
//       CHECK:   %[[B:.*]] = tensor.extract_slice %[[CT]][0, 3] [2, 2] [1, 1] : tensor<2x5xf64> to tensor<2x2xf64>
//       CHECK:   return %[[A]], %[[B]]
func.func @concat(%x: tensor<2x3xf64> {lintra.linear}, %y: tensor<2x2xf64> {lintra.linear}) -> tensor<2x5xf64> {
  %0 = tensor.concat dim(1) %x, %y : (tensor<2x3xf64>, tensor<2x2xf64>) -> tensor<2x5xf64>
  return %0 : tensor<2x5xf64>
}

// -----

// linalg.broadcast transposes to a sum over the broadcast dimension: a
// linalg.reduce of dim 0 into zeros.

// CHECK-LABEL: func.func private @bcast_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<4x3xf64>) -> tensor<3xf64>
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<3xf64>
//       CHECK:   %[[R:.*]] = linalg.reduce ins(%[[CT]] : tensor<4x3xf64>) outs(%[[Z]] : tensor<3xf64>) dimensions = [0]
//       CHECK:     (%[[IN:.*]]: f64, %[[ACC:.*]]: f64) {
//       CHECK:     %[[S:.*]] = arith.addf %[[IN]], %[[ACC]] : f64
//       CHECK:     linalg.yield %[[S]]
//       CHECK:   return %[[R]]
func.func @bcast(%v: tensor<3xf64> {lintra.linear}) -> tensor<4x3xf64> {
  %e = tensor.empty() : tensor<4x3xf64>
  %0 = linalg.broadcast ins(%v : tensor<3xf64>) outs(%e : tensor<4x3xf64>) dimensions = [0]
  return %0 : tensor<4x3xf64>
}

// -----

// linalg.transpose with permutation [2, 0, 1] transposes to a linalg.transpose
// with the inverse permutation [1, 2, 0].

// CHECK-LABEL: func.func private @perm_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<4x2x3xf64>) -> tensor<2x3x4xf64>
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<2x3x4xf64>
//       CHECK:   %[[R:.*]] = linalg.transpose ins(%[[CT]] : tensor<4x2x3xf64>) outs(%[[E]] : tensor<2x3x4xf64>) permutation = [1, 2, 0]
//       CHECK:   return %[[R]]
func.func @perm(%x: tensor<2x3x4xf64> {lintra.linear}) -> tensor<4x2x3xf64> {
  %e = tensor.empty() : tensor<4x2x3xf64>
  %0 = linalg.transpose ins(%x : tensor<2x3x4xf64>) outs(%e : tensor<4x2x3xf64>) permutation = [2, 0, 1]
  return %0 : tensor<4x2x3xf64>
}

// -----

// The transpose of a matmul is a matmul. C = A . B with B linear:
// ct_B[k, n] = sum_m A[m, k] * ct[m, n], a linalg.matmul whose indexing_maps
// read A transposed.

// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[CTM:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func private @mm_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: tensor<4x3xf64>, %[[CT:[^:]*]]: tensor<4x5xf64>) -> tensor<3x5xf64>
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<3x5xf64>
//       CHECK:   %[[R:.*]] = linalg.matmul indexing_maps = [#[[AT]], #[[CTM]], #[[OUT]]]
//  CHECK-SAME:       ins(%[[A]], %[[CT]] : tensor<4x3xf64>, tensor<4x5xf64>) outs(%[[Z]] : tensor<3x5xf64>)
//       CHECK:   return %[[R]]
func.func @mm(%a: tensor<4x3xf64>, %b: tensor<3x5xf64> {lintra.linear}) -> tensor<4x5xf64> {
  %z = arith.constant dense<0.0> : tensor<4x5xf64>
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xf64>, tensor<3x5xf64>) outs(%z : tensor<4x5xf64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// A linear: ct_A[m, k] = sum_n ct[m, n] * B[k, n], again a linalg.matmul.

// CHECK-DAG: #[[CTM:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func private @mm_left_transpose(
//  CHECK-SAME:     %[[B:[^:]*]]: tensor<3x5xf64>, %[[CT:[^:]*]]: tensor<4x5xf64>) -> tensor<4x3xf64>
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4x3xf64>
//       CHECK:   %[[R:.*]] = linalg.matmul indexing_maps = [#[[CTM]], #[[BT]], #[[OUT]]]
//  CHECK-SAME:       ins(%[[CT]], %[[B]] : tensor<4x5xf64>, tensor<3x5xf64>) outs(%[[Z]] : tensor<4x3xf64>)
//       CHECK:   return %[[R]]
func.func @mm_left(%a: tensor<4x3xf64> {lintra.linear}, %b: tensor<3x5xf64>) -> tensor<4x5xf64> {
  %z = arith.constant dense<0.0> : tensor<4x5xf64>
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xf64>, tensor<3x5xf64>) outs(%z : tensor<4x5xf64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// linalg.reduce with an add body transposes to a broadcast of the cotangent
// (for the input) and the cotangent itself (for the accumulator).

// CHECK-DAG: #[[KEEP:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @red_transpose(
//  CHECK-SAME:     %[[CT:[^:]*]]: tensor<4xf64>) -> (tensor<3x4xf64>, tensor<4xf64>)
//       CHECK:   %[[B:.*]] = linalg.generic {indexing_maps = [#[[KEEP]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:       ins(%[[CT]] : tensor<4xf64>)
//       CHECK:   return %[[B]], %[[CT]]
func.func @red(%x: tensor<3x4xf64> {lintra.linear}, %init: tensor<4xf64> {lintra.linear}) -> tensor<4xf64> {
  %0 = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%init : tensor<4xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.addf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<4xf64>
}

// -----

// A call of a linear function transposes to a call of its transpose; the
// callee's transpose is generated once for both calls.

// CHECK-LABEL: func.func private @inner_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   arith.mulf %[[A]], %[[CT]]
// CHECK-LABEL: func.func private @outer_transpose(
//  CHECK-SAME:     %[[A:[^:]*]]: f64, %[[CT:[^:]*]]: f64) -> f64
//       CHECK:   %[[U:.*]] = call @inner_transpose(%[[A]], %[[CT]]) : (f64, f64) -> f64
//       CHECK:   %[[V:.*]] = call @inner_transpose(%[[A]], %[[U]]) : (f64, f64) -> f64
//       CHECK:   return %[[V]]
//   CHECK-NOT: func.func private @inner_transpose
func.func @inner(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}

func.func @outer(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = call @inner(%a, %t) : (f64, f64) -> f64
  %1 = call @inner(%a, %0) : (f64, f64) -> f64
  return %1 : f64
}
