// Rules of the lintra linear-algebra ops (passes/rules/lintra.py), seen through
// lintra-linearize (JVP + partial evaluation) and lintra-transpose. The linear
// halves hold only triangular solves and products (linear in their right-hand
// side), matrix products and masks, so they transpose, and they have rules again.
// RUN: lintra-opt %s --split-input-file --lintra-linearize | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-transpose | FileCheck %s --check-prefix=TRANSPOSE

// triangular_solve in b: the same solve; in a: -op(a)⁻¹ (tril(da) x).
// CHECK-LABEL: func.func private @solve_lin(
//  CHECK-SAME:     %[[DA:[^:]*]]: tensor<3x3xf64> {lintra.linear}, %[[DB:[^:]*]]: tensor<3x2xf64> {lintra.linear})
//       CHECK:   "lintra.triangular_solve"(%{{.*}}, %[[DB]]) {left_side = true, lower = true, transpose_a = false, unit_diagonal = false}
//       CHECK:   %[[M:.*]] = arith.mulf %[[DA]], %{{.*}} : tensor<3x3xf64>
//       CHECK:   %[[N:.*]] = arith.negf %[[M]]
//       CHECK:   %[[P:.*]] = linalg.matmul ins(%[[N]], %{{.*}} : tensor<3x3xf64>, tensor<3x2xf64>)
//       CHECK:   "lintra.triangular_solve"(%{{.*}}, %[[P]]) {left_side = true, lower = true, transpose_a = false, unit_diagonal = false}
func.func @solve(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<3x3xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %x : tensor<3x2xf64>
}

// -----

// cholesky: dL = L Φ(L⁻¹ dS L⁻ᵀ), two triangular solves and a triangular
// product with L (lower: it skips L's zero blocks once decomposed).
// CHECK-LABEL: func.func private @chol_fwd(
//       CHECK:   "lintra.cholesky"
// CHECK-LABEL: func.func private @chol_lin(
//  CHECK-SAME:     %[[DA:[^:]*]]: tensor<2x3x3xf32> {lintra.linear})
//       CHECK:   %[[R:.*]] = "lintra.triangular_solve"(%[[L:[^,]*]], %{{.*}}) {left_side = false, lower = true, transpose_a = true, unit_diagonal = false}
//       CHECK:   %[[B:.*]] = "lintra.triangular_solve"(%[[L]], %[[R]]) {left_side = true, lower = true, transpose_a = false, unit_diagonal = false}
//       CHECK:   %[[PHI:.*]] = arith.mulf %[[B]], %{{.*}} : tensor<2x3x3xf32>
//       CHECK:   "lintra.triangular_matmul"(%[[L]], %[[PHI]]) {left_side = true, lower = true, transpose_a = false, unit_diagonal = false}
//   CHECK-NOT:   lintra.cholesky
func.func @chol(%a: tensor<2x3x3xf32>) -> tensor<2x3x3xf32> {
  %l = "lintra.cholesky"(%a) : (tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  return %l : tensor<2x3x3xf32>
}

// -----

// lu: the permuted tangent, a unit-lower and an upper solve, then L tril(X) + triu(X) U
// (two triangular products);
// pivots and permutation are integers, with no tangent.
// CHECK-LABEL: func.func private @lu_lin(
//       CHECK:   %[[PX:.*]] = linalg.matmul
//       CHECK:   %[[LA:.*]] = "lintra.triangular_solve"(%[[LU:[^,]*]], %[[PX]]) {left_side = true, lower = true, transpose_a = false, unit_diagonal = true}
//       CHECK:   "lintra.triangular_solve"(%[[LU]], %[[LA]]) {left_side = false, lower = false, transpose_a = false, unit_diagonal = false}
//       CHECK:   "lintra.triangular_matmul"(%[[LU]], %{{.*}}) {left_side = true, lower = true, transpose_a = false, unit_diagonal = true}
//       CHECK:   "lintra.triangular_matmul"(%[[LU]], %{{.*}}) {left_side = false, lower = false, transpose_a = false, unit_diagonal = false}
//   CHECK-NOT:   lintra.lu"
//       CHECK:   return
func.func @lu(%a: tensor<3x3xf64>) -> tensor<3x3xf64> {
  %lu, %p, %q = "lintra.lu"(%a) : (tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>)
  return %lu : tensor<3x3xf64>
}

// -----

// The transpose of a solve in b is the solve with the other transpose_a.
// TRANSPOSE-LABEL: func.func private @tsolve_transpose(
//  TRANSPOSE-SAME:     %[[A:[^:]*]]: tensor<3x3xf64>, %[[CT:[^:]*]]: tensor<2x3xf64>) -> tensor<2x3xf64>
//  TRANSPOSE-NEXT:   %[[X:.*]] = "lintra.triangular_solve"(%[[A]], %[[CT]]) {left_side = false, lower = false, transpose_a = false, unit_diagonal = true}
//  TRANSPOSE-NEXT:   return %[[X]]
func.func @tsolve(%a: tensor<3x3xf64>, %b: tensor<2x3xf64> {lintra.linear}) -> tensor<2x3xf64> {
  %x = "lintra.triangular_solve"(%a, %b) {lower = false, left_side = false, transpose_a = true, unit_diagonal = true} : (tensor<3x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
  return %x : tensor<2x3xf64>
}

// -----

// triangular_matmul in b: the same product; in a: op(tri(da)) b, a linalg
// product of da masked to the triangle (strictly, for a unit diagonal).
// CHECK-LABEL: func.func private @trmm_lin(
//  CHECK-SAME:     %[[DA:[^:]*]]: tensor<3x3xf64> {lintra.linear}, %[[DB:[^:]*]]: tensor<3x2xf64> {lintra.linear})
//       CHECK:   "lintra.triangular_matmul"(%{{.*}}, %[[DB]]) {left_side = true, lower = false, transpose_a = true, unit_diagonal = true}
//       CHECK:   %[[M:.*]] = arith.mulf %[[DA]], %{{.*}} : tensor<3x3xf64>
//       CHECK:   linalg.matmul {{.*}} ins(%[[M]], %{{.*}} : tensor<3x3xf64>, tensor<3x2xf64>)
func.func @trmm(%a: tensor<3x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x2xf64> {
  %x = "lintra.triangular_matmul"(%a, %b) {lower = false, left_side = true, transpose_a = true, unit_diagonal = true} : (tensor<3x3xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
  return %x : tensor<3x2xf64>
}

// -----

// The transpose of a triangular product in b is the product with the other transpose_a.
// TRANSPOSE-LABEL: func.func private @ttrmm_transpose(
//  TRANSPOSE-SAME:     %[[A:[^:]*]]: tensor<3x3xf64>, %[[CT:[^:]*]]: tensor<2x3xf64>) -> tensor<2x3xf64>
//  TRANSPOSE-NEXT:   %[[X:.*]] = "lintra.triangular_matmul"(%[[A]], %[[CT]]) {left_side = false, lower = true, transpose_a = true, unit_diagonal = false}
//  TRANSPOSE-NEXT:   return %[[X]]
func.func @ttrmm(%a: tensor<3x3xf64>, %b: tensor<2x3xf64> {lintra.linear}) -> tensor<2x3xf64> {
  %x = "lintra.triangular_matmul"(%a, %b) {lower = true, left_side = false, transpose_a = false, unit_diagonal = false} : (tensor<3x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
  return %x : tensor<2x3xf64>
}
