// The gather of lintra.numpy (`gather_prims.index_sum`): a linalg.generic that
// sums the source elements whose index matches a loop position. It needs no
// rule of its own: the linalg.generic rules make its JVP the same gather of the
// tangent, and its transpose a scatter-add (the index loop becomes a reduction,
// so duplicate indices accumulate), whose transpose is the gather again.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s --check-prefix=JVP
// RUN: lintra-opt %s --split-input-file --lintra-transpose | FileCheck %s --check-prefix=TR

#src = affine_map<(d0, d1, d2) -> (d1, d2)>
#idx = affine_map<(d0, d1, d2) -> (d0)>
#out = affine_map<(d0, d1, d2) -> (d0, d2)>

// (The tangent generic also takes the primal source, unread by its body: the
// generic JVP rule passes every primal input.)
// JVP-LABEL: func.func private @gather_lin(
//  JVP-SAME:     %[[X:[^:]*]]: tensor<3x4xf64>, %[[I:[^:]*]]: tensor<5xi64>, %[[DX:[^:]*]]: tensor<3x4xf64> {lintra.linear}) -> tensor<5x4xf64>
//       JVP:   linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[X]], %[[I]], %[[DX]] : tensor<3x4xf64>, tensor<5xi64>, tensor<3x4xf64>)
//  JVP-NEXT:   ^bb0(%{{.*}}: f64, %[[P:.*]]: i64, %[[T:.*]]: f64, %[[ACC:.*]]: f64):
//       JVP:     %[[J:.*]] = linalg.index 1
//       JVP:     %[[PI:.*]] = arith.index_cast %[[P]]
//       JVP:     %[[HIT:.*]] = arith.cmpi eq, %[[PI]], %[[J]]
//       JVP:     %[[S:.*]] = arith.select %[[HIT]], %[[T]]
//       JVP:     arith.addf %[[ACC]], %[[S]]

// TR-LABEL: func.func private @gather_transpose(
//  TR-SAME:     %[[I:[^:]*]]: tensor<5xi64>, %[[CT:[^:]*]]: tensor<5x4xf64>) -> tensor<3x4xf64>
//       TR:   %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<3x4xf64>
//       TR:   linalg.generic {indexing_maps = [#[[IDX:.*]], #[[OUT:.*]], #[[SRC:.*]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[I]], %[[CT]] : tensor<5xi64>, tensor<5x4xf64>) outs(%[[Z]] : tensor<3x4xf64>)
//       TR:     linalg.index 1
//       TR:     arith.cmpi eq
//       TR:     arith.select
//       TR:     arith.addf
func.func @gather(%x: tensor<3x4xf64> {lintra.linear}, %i: tensor<5xi64>) -> tensor<5x4xf64> {
  %zero = arith.constant 0.0 : f64
  %init = arith.constant dense<0.0> : tensor<5x4xf64>
  %0 = linalg.generic {indexing_maps = [#src, #idx, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %i : tensor<3x4xf64>, tensor<5xi64>) outs(%init : tensor<5x4xf64>) {
  ^bb0(%v: f64, %p: i64, %acc: f64):
    %j = linalg.index 1 : index
    %pi = arith.index_cast %p : i64 to index
    %hit = arith.cmpi eq, %pi, %j : index
    %s = arith.select %hit, %v, %zero : f64
    %r = arith.addf %acc, %s : f64
    linalg.yield %r : f64
  } -> tensor<5x4xf64>
  return %0 : tensor<5x4xf64>
}

// -----

#idx = affine_map<(d0, d1, d2) -> (d0)>
#upd = affine_map<(d0, d1, d2) -> (d0, d2)>
#dst = affine_map<(d0, d1, d2) -> (d1, d2)>

// The scatter-add transposes to the gather: the index loop d0 is parallel again
// and the target loop d1 a reduction.
// TR-LABEL: func.func private @scatter_add_transpose(
//  TR-SAME:     %[[I:[^:]*]]: tensor<5xi64>, %[[CT:[^:]*]]: tensor<3x4xf64>) -> tensor<5x4xf64>
//       TR:   linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} ins(%[[I]], %[[CT]] : tensor<5xi64>, tensor<3x4xf64>)
//       TR:     arith.select
func.func @scatter_add(%u: tensor<5x4xf64> {lintra.linear}, %i: tensor<5xi64>) -> tensor<3x4xf64> {
  %zero = arith.constant 0.0 : f64
  %init = arith.constant dense<0.0> : tensor<3x4xf64>
  %0 = linalg.generic {indexing_maps = [#upd, #idx, #dst], iterator_types = ["reduction", "parallel", "parallel"]}
      ins(%u, %i : tensor<5x4xf64>, tensor<5xi64>) outs(%init : tensor<3x4xf64>) {
  ^bb0(%v: f64, %p: i64, %acc: f64):
    %j = linalg.index 1 : index
    %pi = arith.index_cast %p : i64 to index
    %hit = arith.cmpi eq, %pi, %j : index
    %s = arith.select %hit, %v, %zero : f64
    %r = arith.addf %acc, %s : f64
    linalg.yield %r : f64
  } -> tensor<3x4xf64>
  return %0 : tensor<3x4xf64>
}
