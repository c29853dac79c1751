// JVP rules of the tensor dialect, seen through lintra-linearize. Every float
// tensor op here is linear in its float operands (index operands are not
// differentiated): the tangent op is the same op applied to the tangents, and
// it needs no residual of its own.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s

// extract_slice: the same slice of the tangent; sin's residual cos is taken on
// the slice.
// CHECK-LABEL: func.func private @extract_slice_fwd(
//  CHECK-SAME:     -> (tensor<2x3xf64>, tensor<2x3xf64>)
//       CHECK:   %[[S:.*]] = tensor.extract_slice
//       CHECK:   %[[C:.*]] = math.cos %[[S]]
//       CHECK:   return %{{.*}}, %[[C]]
// CHECK-LABEL: func.func private @extract_slice_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: tensor<2x3xf64>, %[[DX:[^:]*]]: tensor<4x5xf64> {lintra.linear}) -> tensor<2x3xf64>
//       CHECK:   %[[DS:.*]] = tensor.extract_slice %[[DX]][1, 0] [2, 3] [1, 2] : tensor<4x5xf64> to tensor<2x3xf64>
//       CHECK:   %[[R:.*]] = arith.mulf %[[DS]], %[[C]]
//       CHECK:   return %[[R]]
func.func @extract_slice(%x: tensor<4x5xf64>) -> tensor<2x3xf64> {
  %0 = tensor.extract_slice %x[1, 0] [2, 3] [1, 2] : tensor<4x5xf64> to tensor<2x3xf64>
  %1 = math.sin %0 : tensor<2x3xf64>
  return %1 : tensor<2x3xf64>
}

// -----

// insert_slice: linear in both the source and the destination.
// CHECK-LABEL: func.func private @insert_slice_fwd(
//  CHECK-SAME:     -> tensor<4x5xf64>
// CHECK-LABEL: func.func private @insert_slice_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<2x3xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<4x5xf64> {lintra.linear}) -> tensor<4x5xf64>
//       CHECK:   %[[R:.*]] = tensor.insert_slice %[[DX]] into %[[DY]][1, 2] [2, 3] [1, 1]
//       CHECK:   return %[[R]]
func.func @insert_slice(%x: tensor<2x3xf64>, %y: tensor<4x5xf64>) -> tensor<4x5xf64> {
  %0 = tensor.insert_slice %x into %y[1, 2] [2, 3] [1, 1] : tensor<2x3xf64> into tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// extract and insert: the index operands are re-emitted constants; the only
// residual is exp's coefficient (exp of the extracted element).
// CHECK-LABEL: func.func private @extract_insert_fwd(
//  CHECK-SAME:     -> (tensor<4xf64>, f64)
//       CHECK:   %[[E:.*]] = math.exp
//       CHECK:   return %{{.*}}, %[[E]] : tensor<4xf64>, f64
// CHECK-LABEL: func.func private @extract_insert_lin(
//  CHECK-SAME:     %[[E:[^:]*]]: f64, %[[DX:[^:]*]]: tensor<3x2xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<4xf64> {lintra.linear}) -> tensor<4xf64>
//   CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
//   CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
//       CHECK:   %[[DE:.*]] = tensor.extract %[[DX]][%[[C2]], %[[C1]]] : tensor<3x2xf64>
//       CHECK:   %[[M:.*]] = arith.mulf %[[DE]], %[[E]] : f64
//       CHECK:   %[[R:.*]] = tensor.insert %[[M]] into %[[DY]][%[[C1]]] : tensor<4xf64>
//       CHECK:   return %[[R]]
func.func @extract_insert(%x: tensor<3x2xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %0 = tensor.extract %x[%c2, %c1] : tensor<3x2xf64>
  %1 = math.exp %0 : f64
  %2 = tensor.insert %1 into %y[%c1] : tensor<4xf64>
  return %2 : tensor<4xf64>
}

// -----

// from_elements and splat build tensors from scalar tangents.
// CHECK-LABEL: func.func private @build_lin(
//  CHECK-SAME:     %[[DA:[^:]*]]: f64 {lintra.linear}, %[[DB:[^:]*]]: f64 {lintra.linear}) -> (tensor<2xf64>, tensor<3xf64>)
//       CHECK:   %[[F:.*]] = tensor.from_elements %[[DA]], %[[DB]] : tensor<2xf64>
//       CHECK:   %[[S:.*]] = tensor.splat %[[DB]] : tensor<3xf64>
//       CHECK:   return %[[F]], %[[S]]
func.func @build(%a: f64, %b: f64) -> (tensor<2xf64>, tensor<3xf64>) {
  %0 = tensor.from_elements %a, %b : tensor<2xf64>
  %1 = tensor.splat %b : tensor<3xf64>
  return %0, %1 : tensor<2xf64>, tensor<3xf64>
}

// -----

// collapse_shape and expand_shape reshape the tangent the same way.
// CHECK-LABEL: func.func private @reshape_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<2x3x4xf64> {lintra.linear}) -> tensor<6x2x2xf64>
//       CHECK:   %[[C:.*]] = tensor.collapse_shape %[[DX]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf64> into tensor<6x4xf64>
//       CHECK:   %[[E:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf64> into tensor<6x2x2xf64>
//       CHECK:   return %[[E]]
func.func @reshape(%x: tensor<2x3x4xf64>) -> tensor<6x2x2xf64> {
  %0 = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x4xf64> into tensor<6x4xf64>
  %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [6, 2, 2] : tensor<6x4xf64> into tensor<6x2x2xf64>
  return %1 : tensor<6x2x2xf64>
}

// -----

// concat concatenates the tangents.
// CHECK-LABEL: func.func private @concat_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<2x3xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<2x2xf64> {lintra.linear}) -> tensor<2x5xf64>
//       CHECK:   %[[C:.*]] = tensor.concat dim(1) %[[DX]], %[[DY]]
//       CHECK:   return %[[C]]
func.func @concat(%x: tensor<2x3xf64>, %y: tensor<2x2xf64>) -> tensor<2x5xf64> {
  %0 = tensor.concat dim(1) %x, %y : (tensor<2x3xf64>, tensor<2x2xf64>) -> tensor<2x5xf64>
  return %0 : tensor<2x5xf64>
}

// -----

// pad: the tangent is padded with zeros, whatever the primal padding value.
// The padded primal is the residual of the product.
// CHECK-LABEL: func.func private @pad_fwd(
//  CHECK-SAME:     -> (tensor<4x6xf64>, tensor<4x6xf64>)
//       CHECK:   %[[P:.*]] = tensor.pad
//       CHECK:   return %{{.*}}, %[[P]]
// CHECK-LABEL: func.func private @pad_lin(
//  CHECK-SAME:     %[[P:[^:]*]]: tensor<4x6xf64>, %[[DX:[^:]*]]: tensor<2x3xf64> {lintra.linear}) -> tensor<4x6xf64>
//       CHECK:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//       CHECK:   %[[DP:.*]] = tensor.pad %[[DX]] low[1, 2] high[1, 1]
//       CHECK:     tensor.yield %[[Z]] : f64
//       CHECK:   %[[M:.*]] = arith.mulf %[[DP]], %[[P]]
//       CHECK:   arith.addf %[[M]], %[[M]]
func.func @pad(%x: tensor<2x3xf64>) -> tensor<4x6xf64> {
  %z = arith.constant 0.0 : f64
  %0 = tensor.pad %x low[1, 2] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f64
  } : tensor<2x3xf64> to tensor<4x6xf64>
  %1 = arith.mulf %0, %0 : tensor<4x6xf64>
  return %1 : tensor<4x6xf64>
}

// -----

// CHECK-LABEL: func.func private @pad_one_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<2xf64> {lintra.linear}) -> tensor<4xf64>
//       CHECK:   %[[Z:.*]] = arith.constant 0.000000e+00 : f64
//   CHECK-NOT:   1.000000e+00
//       CHECK:   tensor.pad %[[DX]] low[1] high[1]
//       CHECK:     tensor.yield %[[Z]] : f64
func.func @pad_one(%x: tensor<2xf64>) -> tensor<4xf64> {
  %one = arith.constant 1.0 : f64
  %0 = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %one : f64
  } : tensor<2xf64> to tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// cast (here to a dynamic shape) casts the tangent.
// CHECK-LABEL: func.func private @cast_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: tensor<3xf64>, %[[DX:[^:]*]]: tensor<3xf64> {lintra.linear}) -> tensor<?xf64>
//       CHECK:   %[[M:.*]] = arith.mulf %[[DX]], %[[C]]
//       CHECK:   %[[R:.*]] = tensor.cast %[[M]] : tensor<3xf64> to tensor<?xf64>
//       CHECK:   return %[[R]]
func.func @cast(%x: tensor<3xf64>) -> tensor<?xf64> {
  %0 = math.sin %x : tensor<3xf64>
  %1 = tensor.cast %0 : tensor<3xf64> to tensor<?xf64>
  return %1 : tensor<?xf64>
}

// -----

// tensor.empty has no float operand: it is re-emitted in @f_lin as the init of
// the tangent op, not passed as a residual.
// CHECK-LABEL: func.func private @empty_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3xf64> {lintra.linear}) -> tensor<3xf64>
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<3xf64>
//       CHECK:   linalg.copy ins(%[[DX]] : tensor<3xf64>) outs(%[[E]] : tensor<3xf64>)
func.func @empty(%x: tensor<3xf64>) -> tensor<3xf64> {
  %e = tensor.empty() : tensor<3xf64>
  %0 = linalg.copy ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}
