// JVP rules of the linalg dialect, seen through lintra-linearize.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s

// fill, transpose, broadcast are linear: the same op on the tangent, with a
// tensor.empty init re-emitted in @f_lin.
// CHECK-LABEL: func.func private @data_movement_fwd(
//  CHECK-SAME:     -> (tensor<3xf64>, tensor<3x2xf64>, tensor<2x3xf64>)
// CHECK-LABEL: func.func private @data_movement_lin(
//  CHECK-SAME:     %[[DS:[^:]*]]: f64 {lintra.linear}, %[[DX:[^:]*]]: tensor<2x3xf64> {lintra.linear}, %[[DV:[^:]*]]: tensor<3xf64> {lintra.linear})
//   CHECK-DAG:   %[[F:.*]] = linalg.fill ins(%[[DS]] : f64) outs(%{{.*}} : tensor<3xf64>)
//   CHECK-DAG:   %[[T:.*]] = linalg.transpose ins(%[[DX]] : tensor<2x3xf64>) outs(%{{.*}} : tensor<3x2xf64>) permutation = [1, 0]
//   CHECK-DAG:   %[[B:.*]] = linalg.broadcast ins(%[[DV]] : tensor<3xf64>) outs(%{{.*}} : tensor<2x3xf64>) dimensions = [0]
//       CHECK:   return %[[F]], %[[T]], %[[B]]
func.func @data_movement(%s: f64, %x: tensor<2x3xf64>, %v: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<3x2xf64>, tensor<2x3xf64>) {
  %e3 = tensor.empty() : tensor<3xf64>
  %f = linalg.fill ins(%s : f64) outs(%e3 : tensor<3xf64>) -> tensor<3xf64>
  %e32 = tensor.empty() : tensor<3x2xf64>
  %t = linalg.transpose ins(%x : tensor<2x3xf64>) outs(%e32 : tensor<3x2xf64>) permutation = [1, 0]
  %e23 = tensor.empty() : tensor<2x3xf64>
  %b = linalg.broadcast ins(%v : tensor<3xf64>) outs(%e23 : tensor<2x3xf64>) dimensions = [0]
  return %f, %t, %b : tensor<3xf64>, tensor<3x2xf64>, tensor<2x3xf64>
}

// -----

// copy copies the tangent (into a non-empty destination here, so that the
// canonicalizer keeps the copy).
// CHECK-LABEL: func.func private @copy_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3xf64> {lintra.linear}, %{{[^:]*}}: tensor<3xf64> {lintra.linear}) -> tensor<3xf64>
//       CHECK:   %[[C:.*]] = linalg.copy ins(%[[DX]] : tensor<3xf64>)
//       CHECK:   return %[[C]]
func.func @copy(%x: tensor<3xf64>, %y: tensor<3xf64>) -> tensor<3xf64> {
  %0 = linalg.copy ins(%x : tensor<3xf64>) outs(%y : tensor<3xf64>) -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// reduce with an add body is linear: a linalg.reduce of the tangent with the
// same body, and no residual.
// CHECK-LABEL: func.func private @reduce_add_fwd(
//  CHECK-SAME:     -> tensor<4xf64>
// CHECK-LABEL: func.func private @reduce_add_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3x4xf64> {lintra.linear}) -> tensor<4xf64>
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf64>
//       CHECK:   %[[R:.*]] = linalg.reduce ins(%[[DX]] : tensor<3x4xf64>) outs(%[[Z]] : tensor<4xf64>) dimensions = [0]
//       CHECK:     arith.addf
//       CHECK:   return %[[R]]
func.func @reduce_add(%x: tensor<3x4xf64>) -> tensor<4xf64> {
  %z = arith.constant dense<0.0> : tensor<4xf64>
  %0 = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%z : tensor<4xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.addf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<4xf64>
}

// -----

// reduce with a max body: the tangent is averaged over the positions that
// attain the maximum. @f_fwd computes the 0/1 masks (of x and of the init)
// and their count; @f_lin is linear: masked tangents, a sum reduction, and a
// division by the count.
// CHECK-LABEL: func.func private @reduce_max_fwd(
//  CHECK-SAME:     -> (tensor<4xf64>, tensor<4xf64>, tensor<3x4xf64>, tensor<4xf64>)
//       CHECK:   linalg.reduce
//       CHECK:     arith.maximumf
//       CHECK:   arith.cmpf oeq
//       CHECK:   arith.select
//       CHECK:   return
// CHECK-LABEL: func.func private @reduce_max_lin(
//  CHECK-SAME:     %[[IM:[^:]*]]: tensor<4xf64>, %[[M:[^:]*]]: tensor<3x4xf64>, %[[N:[^:]*]]: tensor<4xf64>,
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3x4xf64> {lintra.linear}, %[[DI:[^:]*]]: tensor<4xf64> {lintra.linear}) -> tensor<4xf64>
//   CHECK-NOT:   arith.cmpf
//   CHECK-NOT:   arith.maximumf
//       CHECK:   %[[A:.*]] = arith.mulf %[[DI]], %[[IM]]
//       CHECK:   %[[B:.*]] = arith.mulf %[[DX]], %[[M]]
//       CHECK:   %[[S:.*]] = linalg.reduce ins(%[[B]] : tensor<3x4xf64>) outs(%{{.*}} : tensor<4xf64>) dimensions = [0]
//       CHECK:   %[[T:.*]] = arith.addf %[[A]], %[[S]]
//       CHECK:   %[[R:.*]] = arith.divf %[[T]], %[[N]]
//       CHECK:   return %[[R]]
func.func @reduce_max(%x: tensor<3x4xf64>, %init: tensor<4xf64>) -> tensor<4xf64> {
  %0 = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%init : tensor<4xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.maximumf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<4xf64>
}

// -----

// reduce with a mul body: d(init * prod x) = dinit * prod(x) + init * d(prod x),
// prod x and its tangent reduced by a tree of products of halves, as JAX does
// (rows 0-1 times row 2 padded with a 1, whose tangent is padded with a 0; then
// the two rows of that): no division by an entry, so zeros and infinities are
// exact at every order.
// CHECK-LABEL: func.func private @reduce_mul_fwd(
//       CHECK:   linalg.reduce
//       CHECK:     arith.mulf
//   CHECK-NOT:   arith.divf
//       CHECK:   return
// CHECK-LABEL: func.func private @reduce_mul_lin(
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3x4xf64> {lintra.linear}, %[[DI:[^:]*]]: tensor<4xf64> {lintra.linear}) -> tensor<4xf64>
//       CHECK:   %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<1x4xf64>
//       CHECK:   %[[D01:.*]] = tensor.extract_slice %[[DX]][0, 0] [2, 4] [1, 1]
//       CHECK:   %[[D2:.*]] = tensor.extract_slice %[[DX]][2, 0] [1, 4] [1, 1]
//       CHECK:   %[[D2P:.*]] = tensor.concat dim(0) %[[D2]], %[[ZERO]]
//       CHECK:   arith.mulf %[[D01]]
//       CHECK:   arith.mulf %{{.*}}, %[[D2P]]
//       CHECK:   %[[T:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x4xf64> into tensor<4xf64>
//       CHECK:   %[[A:.*]] = arith.mulf %[[DI]]
//       CHECK:   %[[B:.*]] = arith.mulf %{{.*}}, %[[T]]
//       CHECK:   %[[R:.*]] = arith.addf %[[A]], %[[B]]
//       CHECK:   return %[[R]]
func.func @reduce_mul(%x: tensor<3x4xf64>, %init: tensor<4xf64>) -> tensor<4xf64> {
  %0 = linalg.reduce ins(%x : tensor<3x4xf64>) outs(%init : tensor<4xf64>) dimensions = [0]
    (%in: f64, %acc: f64) {
      %r = arith.mulf %in, %acc : f64
      linalg.yield %r : f64
    }
  return %0 : tensor<4xf64>
}

// -----

// linalg.map becomes a tangent linalg.generic over the same iteration space.
// Its primal part, the coefficient cos(x*y), is hoisted into a generic of the
// forward half and saved as a residual (as for math.sin on a tensor), so the
// linear half holds only linear ops: (dx*y + x*dy) * c.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func private @map_fwd(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<4xf64>, %[[Y:[^:]*]]: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
//       CHECK:   %[[M:.*]] = linalg.map
//       CHECK:   %[[C:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[Y]] :
//       CHECK:     %[[P:.*]] = arith.mulf
//       CHECK:     %[[COS:.*]] = math.cos %[[P]]
//       CHECK:     linalg.yield %[[COS]]
//       CHECK:   return %[[M]], %[[C]], %[[X]], %[[Y]]
// CHECK-LABEL: func.func private @map_lin(
//  CHECK-SAME:     %[[C:[^:]*]]: tensor<4xf64>, %[[X:[^:]*]]: tensor<4xf64>, %[[Y:[^:]*]]: tensor<4xf64>, %[[DX:[^:]*]]: tensor<4xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<4xf64> {lintra.linear})
//   CHECK-NOT:   math.
//       CHECK:   %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel"]}
//  CHECK-SAME:       ins(%[[C]], %[[X]], %[[Y]], %[[DX]], %[[DY]] :
//       CHECK:   ^bb0(%[[CC:.*]]: f64, %[[A:.*]]: f64, %[[B:.*]]: f64, %[[DA:.*]]: f64, %[[DB:.*]]: f64, %{{.*}}: f64):
//       CHECK:     %[[T1:.*]] = arith.mulf %[[DA]], %[[B]]
//       CHECK:     %[[T2:.*]] = arith.mulf %[[A]], %[[DB]]
//       CHECK:     %[[DP:.*]] = arith.addf %[[T1]], %[[T2]]
//       CHECK:     %[[D:.*]] = arith.mulf %[[DP]], %[[CC]]
//       CHECK:     linalg.yield %[[D]] : f64
//   CHECK-NOT:   math.
//       CHECK:   return %[[R]]
func.func @map(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %e = tensor.empty() : tensor<4xf64>
  %0 = linalg.map ins(%x, %y : tensor<4xf64>, tensor<4xf64>) outs(%e : tensor<4xf64>)
    (%a: f64, %b: f64, %o: f64) {
      %p = arith.mulf %a, %b : f64
      %q = math.sin %p : f64
      linalg.yield %q : f64
    }
  return %0 : tensor<4xf64>
}

// -----

// matmul: dA . B accumulated into zeros, then A . dB accumulated into that;
// the residuals are the two factors.
// CHECK-LABEL: func.func private @matmul_fwd(
//  CHECK-SAME:     %[[A:[^:]*]]: tensor<4x3xf64>, %[[B:[^:]*]]: tensor<3x5xf64>) -> (tensor<4x5xf64>, tensor<3x5xf64>, tensor<4x3xf64>)
//       CHECK:   return %{{.*}}, %[[B]], %[[A]]
// CHECK-LABEL: func.func private @matmul_lin(
//  CHECK-SAME:     %[[B:[^:]*]]: tensor<3x5xf64>, %[[A:[^:]*]]: tensor<4x3xf64>, %[[DA:[^:]*]]: tensor<4x3xf64> {lintra.linear}, %[[DB:[^:]*]]: tensor<3x5xf64> {lintra.linear})
//       CHECK:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4x5xf64>
//       CHECK:   %[[M1:.*]] = linalg.matmul ins(%[[DA]], %[[B]] : {{.*}}) outs(%[[Z]] : tensor<4x5xf64>)
//       CHECK:   %[[M2:.*]] = linalg.matmul ins(%[[A]], %[[DB]] : {{.*}}) outs(%[[M1]] : tensor<4x5xf64>)
//       CHECK:   return %[[M2]]
func.func @matmul(%a: tensor<4x3xf64>, %b: tensor<3x5xf64>) -> tensor<4x5xf64> {
  %z = arith.constant dense<0.0> : tensor<4x5xf64>
  %0 = linalg.matmul ins(%a, %b : tensor<4x3xf64>, tensor<3x5xf64>) outs(%z : tensor<4x5xf64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// batch_matmul with a non-constant accumulator: its tangent is the chain's
// starting point.
// CHECK-LABEL: func.func private @batch_matmul_lin(
//  CHECK-SAME:     %[[B:[^:]*]]: tensor<2x3x5xf64>, %[[A:[^:]*]]: tensor<2x4x3xf64>, %[[DA:[^:]*]]: tensor<2x4x3xf64> {lintra.linear},
//  CHECK-SAME:     %[[DB:[^:]*]]: tensor<2x3x5xf64> {lintra.linear}, %[[DC:[^:]*]]: tensor<2x4x5xf64> {lintra.linear})
//       CHECK:   %[[M1:.*]] = linalg.batch_matmul ins(%[[DA]], %[[B]] : {{.*}}) outs(%[[DC]] :
//       CHECK:   %[[M2:.*]] = linalg.batch_matmul ins(%[[A]], %[[DB]] : {{.*}}) outs(%[[M1]] :
//       CHECK:   return %[[M2]]
func.func @batch_matmul(%a: tensor<2x4x3xf64>, %b: tensor<2x3x5xf64>, %c: tensor<2x4x5xf64>) -> tensor<2x4x5xf64> {
  %0 = linalg.batch_matmul ins(%a, %b : tensor<2x4x3xf64>, tensor<2x3x5xf64>) outs(%c : tensor<2x4x5xf64>) -> tensor<2x4x5xf64>
  return %0 : tensor<2x4x5xf64>
}

// -----

// matvec, vecmat, dot: the same bilinear chain.
// CHECK-LABEL: func.func private @contractions_lin(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<3xf64>, %[[A:[^:]*]]: tensor<4x3xf64>, %[[Y:[^:]*]]: tensor<4xf64>,
//  CHECK-SAME:     %[[DA:[^:]*]]: tensor<4x3xf64> {lintra.linear}, %[[DX:[^:]*]]: tensor<3xf64> {lintra.linear}, %[[DY:[^:]*]]: tensor<4xf64> {lintra.linear})
//       CHECK:   %[[MV1:.*]] = linalg.matvec ins(%[[DA]], %[[X]] :
//       CHECK:   %[[MV2:.*]] = linalg.matvec ins(%[[A]], %[[DX]] : {{.*}}) outs(%[[MV1]] :
//       CHECK:   %[[VM1:.*]] = linalg.vecmat ins(%[[DY]], %[[A]] :
//       CHECK:   %[[VM2:.*]] = linalg.vecmat ins(%[[Y]], %[[DA]] : {{.*}}) outs(%[[VM1]] :
//       CHECK:   %[[D1:.*]] = linalg.dot ins(%[[DX]], %[[X]] :
//       CHECK:   %[[D2:.*]] = linalg.dot ins(%[[X]], %[[DX]] : {{.*}}) outs(%[[D1]] :
//       CHECK:   return %[[MV2]], %[[VM2]], %[[D2]]
func.func @contractions(%a: tensor<4x3xf64>, %x: tensor<3xf64>, %y: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<3xf64>, tensor<f64>) {
  %z4 = arith.constant dense<0.0> : tensor<4xf64>
  %z3 = arith.constant dense<0.0> : tensor<3xf64>
  %z = arith.constant dense<0.0> : tensor<f64>
  %0 = linalg.matvec ins(%a, %x : tensor<4x3xf64>, tensor<3xf64>) outs(%z4 : tensor<4xf64>) -> tensor<4xf64>
  %1 = linalg.vecmat ins(%y, %a : tensor<4xf64>, tensor<4x3xf64>) outs(%z3 : tensor<3xf64>) -> tensor<3xf64>
  %2 = linalg.dot ins(%x, %x : tensor<3xf64>, tensor<3xf64>) outs(%z : tensor<f64>) -> tensor<f64>
  return %0, %1, %2 : tensor<4xf64>, tensor<3xf64>, tensor<f64>
}

// -----

// linalg.generic (a transposed read, a broadcast read and a reduction into an
// additive accumulator) becomes a tangent generic with the same iterator types
// and maps; the tangent of the accumulator is the tangent generic's init. The
// primal accumulator is not read by the tangent body, so it is no residual.
// CHECK-DAG: #[[XT:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func private @generic_lin(
//  CHECK-SAME:     %[[X:[^:]*]]: tensor<3x4xf64>, %[[VV:[^:]*]]: tensor<4xf64>,
//  CHECK-SAME:     %[[DX:[^:]*]]: tensor<3x4xf64> {lintra.linear}, %[[DV:[^:]*]]: tensor<4xf64> {lintra.linear}, %[[DI:[^:]*]]: tensor<4xf64> {lintra.linear})
//   CHECK-NOT:   linalg.reduce
//       CHECK:   %[[R:.*]] = linalg.generic {indexing_maps = [#[[XT]], #[[V]], #[[XT]], #[[V]], #[[V]]], iterator_types = ["parallel", "reduction"]}
//  CHECK-SAME:       ins(%[[X]], %[[VV]], %[[DX]], %[[DV]] : {{.*}}) outs(%[[DI]] : tensor<4xf64>)
//       CHECK:   ^bb0(%[[A:[^:]*]]: f64, %[[B:[^:]*]]: f64, %[[DA:[^:]*]]: f64, %[[DB:[^:]*]]: f64, %[[DACC:[^:]*]]: f64):
//       CHECK:     %[[P:.*]] = arith.mulf %[[A]], %[[B]]
//       CHECK:     %[[T1:.*]] = arith.mulf %[[DA]], %[[B]]
//       CHECK:     %[[T2:.*]] = arith.mulf %[[A]], %[[DB]]
//       CHECK:     %[[DP:.*]] = arith.addf %[[T1]], %[[T2]]
//       CHECK:     %[[E:.*]] = math.exp %[[P]]
//       CHECK:     %[[DE:.*]] = arith.mulf %[[DP]], %[[E]]
//       CHECK:     %[[S:.*]] = arith.addf %[[DACC]], %[[DE]]
//       CHECK:     linalg.yield %[[S]] : f64
//       CHECK:   return %[[R]]
func.func @generic(%x: tensor<3x4xf64>, %v: tensor<4xf64>, %init: tensor<4xf64>) -> tensor<4xf64> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i)>,
                                        affine_map<(i, j) -> (i)>],
                       iterator_types = ["parallel", "reduction"]}
       ins(%x, %v : tensor<3x4xf64>, tensor<4xf64>) outs(%init : tensor<4xf64>) {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %p = arith.mulf %a, %b : f64
    %q = math.exp %p : f64
    %r = arith.addf %acc, %q : f64
    linalg.yield %r : f64
  } -> tensor<4xf64>
  return %0 : tensor<4xf64>
}
