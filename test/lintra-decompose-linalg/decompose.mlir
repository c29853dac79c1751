// lintra-decompose-linalg rewrites the lintra linear-algebra ops into scf loops
// over tensors and linalg; blocked algorithms put the off-diagonal work in
// linalg.matmul. Numerics: test/python/test_linalg.py.
// RUN: lintra-opt %s --split-input-file --pass-pipeline='builtin.module(lintra-decompose-linalg{block=2})' | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-decompose-linalg | FileCheck %s --check-prefix=UNBLOCKED

// Blocked Cholesky of a 4x4 matrix with 2x2 blocks: kernel on the first
// diagonal block, a panel solve, the trailing update as a matmul, the kernel on
// the second diagonal block, and the upper triangle masked to zero.
// CHECK-LABEL: func.func @chol(
//   CHECK-NOT:   lintra.
//       CHECK:   scf.for
//       CHECK:     math.sqrt
//       CHECK:   scf.for
//       CHECK:   linalg.matmul
//       CHECK:   arith.subf {{.*}} : tensor<2x2xf64>
//       CHECK:   scf.for
//       CHECK:     math.sqrt
//       CHECK:   arith.mulf
//       CHECK:   return
// UNBLOCKED-LABEL: func.func @chol(
//       UNBLOCKED:   scf.for
//   UNBLOCKED-NOT:   linalg.matmul
//       UNBLOCKED:   return
func.func @chol(%a: tensor<4x4xf64>) -> tensor<4x4xf64> {
  %l = "lintra.cholesky"(%a) : (tensor<4x4xf64>) -> tensor<4x4xf64>
  return %l : tensor<4x4xf64>
}

// -----

// Leading batch dimensions: collapsed into one, and an scf.for over the matrices.
// CHECK-LABEL: func.func @batched_solve(
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x4xf32> into tensor<6x4x4xf32>
//       CHECK:   scf.for {{.*}} -> (tensor<6x4x1xf32>)
//       CHECK:     tensor.extract_slice {{.*}} : tensor<6x4x4xf32> to tensor<4x4xf32>
//       CHECK:     scf.for
//       CHECK:     linalg.matmul
//       CHECK:     scf.for
//       CHECK:     tensor.insert_slice {{.*}} : tensor<4x1xf32> into tensor<6x4x1xf32>
//       CHECK:   tensor.expand_shape {{.*}} : tensor<6x4x1xf32> into tensor<2x3x4x1xf32>
func.func @batched_solve(%a: tensor<2x3x4x4xf32>, %b: tensor<2x3x4x1xf32>) -> tensor<2x3x4x1xf32> {
  %x = "lintra.triangular_solve"(%a, %b) {lower = false, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<2x3x4x4xf32>, tensor<2x3x4x1xf32>) -> tensor<2x3x4x1xf32>
  return %x : tensor<2x3x4x1xf32>
}

// -----

// LU: one scf.for over the columns carrying the matrix, pivots and permutation;
// the pivot is the first largest |a[i, j]| for i >= j (a reduction), rows swap
// through slices.
// CHECK-LABEL: func.func @lu(
//       CHECK:   scf.for {{.*}} -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>)
//       CHECK:     linalg.generic {{.*}} iterator_types = ["reduction"]
//       CHECK:       math.absf
//       CHECK:       arith.cmpf ogt
//       CHECK:     tensor.insert_slice {{.*}} : tensor<1x3xf64> into tensor<3x3xf64>
//       CHECK:     tensor.insert_slice {{.*}} : tensor<1x3xf64> into tensor<3x3xf64>
//       CHECK:     linalg.generic
//       CHECK:       arith.divf
//       CHECK:     scf.yield
// CHECK-LABEL: func.func @pivots(
//       CHECK:   scf.for {{.*}} -> (tensor<3xi32>)
//       CHECK:     tensor.insert
//       CHECK:     tensor.insert
func.func @lu(%a: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>) {
  %lu, %p, %q = "lintra.lu"(%a) : (tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>)
  return %lu, %p, %q : tensor<3x3xf64>, tensor<3xi32>, tensor<3xi32>
}
func.func @pivots(%p: tensor<3xi32>) -> tensor<3xi32> {
  %q = "lintra.lu_pivots_to_permutation"(%p) : (tensor<3xi32>) -> tensor<3xi32>
  return %q : tensor<3xi32>
}

// -----

// Repeated factorizations of one matrix are decomposed once.
// CHECK-LABEL: func.func @twice(
//       CHECK:   return %[[L:[^,]*]], %[[L]] :
// UNBLOCKED-LABEL: func.func @twice(
//       UNBLOCKED:   scf.for
//   UNBLOCKED-NOT:   scf.for
//       UNBLOCKED:   return %[[L:[^,]*]], %[[L]] :
func.func @twice(%a: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3x3xf64>) {
  %l = "lintra.cholesky"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  %m = "lintra.cholesky"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %l, %m : tensor<3x3xf64>, tensor<3x3xf64>
}
