// lintra-batch on tensor ops: the batch dim goes first and static offsets,
// sizes, strides, reassociations, concat dims and pad widths shift by one; an
// element access (extract, insert, from_elements) becomes a slice with one
// element per batch member. Index operands stay unbatched.
// RUN: lintra-opt %s --lintra-batch=cleanup=false | FileCheck %s
// RUN: lintra-opt %s --lintra-batch | mlir-opt | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM-NOT: lintra.

func.func @tens(%x: tensor<2x3xf64>, %s: f64, %i: index) -> (f64, tensor<2x3xf64>, tensor<6xf64>, tensor<2x1x3xf64>, tensor<4x3xf64>, tensor<4x5xf64>, tensor<2xf64>, tensor<2x2xf64>) {
  %e = tensor.extract %x[%i, %i] : tensor<2x3xf64>
  %ins = tensor.insert %s into %x[%i, %i] : tensor<2x3xf64>
  %c = tensor.collapse_shape %x [[0, 1]] : tensor<2x3xf64> into tensor<6xf64>
  %x3 = tensor.expand_shape %x [[0, 1], [2]] output_shape [2, 1, 3] : tensor<2x3xf64> into tensor<2x1x3xf64>
  %cat = tensor.concat dim(0) %x, %x : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<4x3xf64>
  %zero = arith.constant 0.0 : f64
  %p = tensor.pad %cat low[0, 1] high[0, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f64
  } : tensor<4x3xf64> to tensor<4x5xf64>
  %sl = tensor.extract_slice %x[0, 1] [2, 1] [1, 1] : tensor<2x3xf64> to tensor<2xf64>
  %fe = tensor.from_elements %s, %e, %s, %s : tensor<2x2xf64>
  return %e, %ins, %c, %x3, %cat, %p, %sl, %fe : f64, tensor<2x3xf64>, tensor<6xf64>, tensor<2x1x3xf64>, tensor<4x3xf64>, tensor<4x5xf64>, tensor<2xf64>, tensor<2x2xf64>
}
func.func @batch_tens(%x: tensor<2x3x7xf64>, %s: tensor<7xf64>, %i: index) -> (tensor<7xf64>, tensor<7x2x3xf64>, tensor<7x6xf64>, tensor<7x2x1x3xf64>, tensor<7x4x3xf64>, tensor<7x4x5xf64>, tensor<7x2xf64>, tensor<7x2x2xf64>) {
  %0:8 = "lintra.vmap"(%x, %s, %i) {callee = @tens, in_axes = array<i64: 2, 0, -1>, out_axes = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>, axis_size = 7 : i64} : (tensor<2x3x7xf64>, tensor<7xf64>, index) -> (tensor<7xf64>, tensor<7x2x3xf64>, tensor<7x6xf64>, tensor<7x2x1x3xf64>, tensor<7x4x3xf64>, tensor<7x4x5xf64>, tensor<7x2xf64>, tensor<7x2x2xf64>)
  return %0#0, %0#1, %0#2, %0#3, %0#4, %0#5, %0#6, %0#7 : tensor<7xf64>, tensor<7x2x3xf64>, tensor<7x6xf64>, tensor<7x2x1x3xf64>, tensor<7x4x3xf64>, tensor<7x4x5xf64>, tensor<7x2xf64>, tensor<7x2x2xf64>
}

// CHECK-LABEL: func.func @batch_tens(
//       CHECK:   linalg.transpose ins(%{{.*}} : tensor<2x3x7xf64>) outs(%{{.*}} : tensor<7x2x3xf64>) permutation = [2, 0, 1]

// CHECK-LABEL: func.func private @tens_batched(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<7x2x3xf64>, %[[S:[^:]*]]: tensor<7xf64>, %[[I:[^:]*]]: index)
//       CHECK:   %[[E:.*]] = tensor.extract_slice %[[X]][0, %[[I]], %[[I]]] [7, 1, 1] [1, 1, 1] : tensor<7x2x3xf64> to tensor<7xf64>
//       CHECK:   tensor.insert_slice %[[S]] into %[[X]][0, %[[I]], %[[I]]] [7, 1, 1] [1, 1, 1] : tensor<7xf64> into tensor<7x2x3xf64>
//       CHECK:   tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<7x2x3xf64> into tensor<7x6xf64>
//       CHECK:   tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3]] output_shape [7, 2, 1, 3] : tensor<7x2x3xf64> into tensor<7x2x1x3xf64>
//       CHECK:   %[[CAT:.*]] = tensor.concat dim(1) %[[X]], %[[X]] : (tensor<7x2x3xf64>, tensor<7x2x3xf64>) -> tensor<7x4x3xf64>
//       CHECK:   tensor.pad %[[CAT]] low[0, 0, 1] high[0, 0, 1] {
//       CHECK:   ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
//       CHECK:   } : tensor<7x4x3xf64> to tensor<7x4x5xf64>
//       CHECK:   tensor.extract_slice %[[X]][0, 0, 1] [7, 2, 1] [1, 1, 1] : tensor<7x2x3xf64> to tensor<7x2xf64>
//       CHECK:   %[[FE:.*]] = tensor.empty() : tensor<7x2x2xf64>
//       CHECK:   %[[F0:.*]] = tensor.insert_slice %[[S]] into %[[FE]][0, 0, 0] [7, 1, 1] [1, 1, 1]
//       CHECK:   tensor.insert_slice %[[E]] into %[[F0]][0, 0, 1] [7, 1, 1] [1, 1, 1]
