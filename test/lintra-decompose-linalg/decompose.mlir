// lintra-decompose-linalg rewrites the lintra linear-algebra ops into scf loops
// over tensors and linalg; blocked algorithms put the off-diagonal work in
// linalg.matmul. Numerics: test/python/test_linalg.py.
// RUN: lintra-opt %s --split-input-file --pass-pipeline='builtin.module(lintra-decompose-linalg{block=2})' | FileCheck %s
// RUN: lintra-opt %s --split-input-file --lintra-decompose-linalg | FileCheck %s --check-prefix=UNBLOCKED

// Blocked (left-looking) Cholesky of a 4x4 matrix with 2x2 blocks: the kernel
// on the first diagonal block (one two-column step, no loop), its inverse (a
// product of the 1x1 halves), the panel below times its transpose, the first
// block column's product subtracted from the second, the kernel on the
// second diagonal block, and the upper triangle set to zero (a select: what
// the input holds there is never read).
// CHECK-LABEL: func.func @chol(
//   CHECK-NOT:   lintra.
//   CHECK-NOT:   scf.for
//       CHECK:   linalg.generic
//       CHECK:     math.sqrt
//       CHECK:     math.sqrt
//       CHECK:   arith.divf
//       CHECK:   linalg.generic {{.*}}"reduction"
//       CHECK:   arith.negf {{.*}} : tensor<1x1x1xf64>
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<2x2xf64>, tensor<2x2xf64>)
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<2x2xf64>, tensor<2x2xf64>)
//       CHECK:   arith.subf {{.*}} : tensor<2x2xf64>
//       CHECK:   linalg.generic
//       CHECK:     math.sqrt
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpi uge
//       CHECK:     arith.select
//       CHECK:   return
// UNBLOCKED-LABEL: func.func @chol(
//   UNBLOCKED-NOT:   scf.for
//   UNBLOCKED-NOT:   linalg.matmul
//       UNBLOCKED:   return
func.func @chol(%a: tensor<4x4xf64>) -> tensor<4x4xf64> {
  %l = "lintra.cholesky"(%a) : (tensor<4x4xf64>) -> tensor<4x4xf64>
  return %l : tensor<4x4xf64>
}

// -----

// The Cholesky kernel takes four columns per step: an scf.for over the two
// full steps of a 10x10 block (columns 4j..4j+3: sixteen square roots, four
// per pivot entry's factor), then one step on the last two columns.
// UNBLOCKED-LABEL: func.func @chol10(
//       UNBLOCKED:   scf.for {{.*}} -> (tensor<10x10xf64>)
//       UNBLOCKED:     arith.muli
// UNBLOCKED-COUNT-4:     math.sqrt
//       UNBLOCKED:     scf.yield
//       UNBLOCKED:   linalg.generic
// UNBLOCKED-COUNT-2:     math.sqrt
//   UNBLOCKED-NOT:   scf.for
//       UNBLOCKED:   return
func.func @chol10(%a: tensor<10x10xf64>) -> tensor<10x10xf64> {
  %l = "lintra.cholesky"(%a) : (tensor<10x10xf64>) -> tensor<10x10xf64>
  return %l : tensor<10x10xf64>
}

// -----

// Triangular solves have no loop. They are solved transposed, z·tᵀ = y (z = xᵀ,
// y = rhsᵀ for a left-side solve), so that every product has the form x·wᵀ:
// the diagonal blocks are inverted (1/diagonal, then one batched product per
// level of halves), and each block of z is rhs's block less the solved
// part's product, times its block's inverse (upper: from the right). Leading
// batch dimensions: collapsed into one, and an scf.for over the matrices.
// CHECK-LABEL: func.func @batched_solve(
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x4xf32> into tensor<6x4x4xf32>
//       CHECK:   scf.for {{.*}} -> (tensor<6x4x1xf32>)
//       CHECK:     tensor.extract_slice {{.*}} : tensor<6x4x4xf32> to tensor<4x4xf32>
//   CHECK-NOT:     scf.for
//       CHECK:     linalg.transpose
//       CHECK:     tensor.insert_slice {{.*}} : tensor<2x2xf32> into tensor<2x2x2xf32>
//       CHECK:     arith.divf
//       CHECK:     linalg.generic {{.*}}"reduction"
//       CHECK:     linalg.generic {{.*}}"reduction"
//       CHECK:     linalg.matmul{{.*}} ins({{.*}} : tensor<1x2xf32>, tensor<2x2xf32>)
//       CHECK:     tensor.insert_slice {{.*}}[0, 2] [1, 2] [1, 1] : tensor<1x2xf32> into tensor<1x4xf32>
//       CHECK:     linalg.matmul{{.*}} ins({{.*}} : tensor<1x2xf32>, tensor<2x2xf32>)
//       CHECK:     arith.subf {{.*}} : tensor<1x2xf32>
//       CHECK:     linalg.matmul{{.*}} ins({{.*}} : tensor<1x2xf32>, tensor<2x2xf32>)
//       CHECK:     tensor.insert_slice {{.*}}[0, 0] [1, 2] [1, 1] : tensor<1x2xf32> into tensor<1x4xf32>
//       CHECK:     linalg.transpose
//       CHECK:     tensor.insert_slice {{.*}} : tensor<4x1xf32> into tensor<6x4x1xf32>
//       CHECK:   tensor.expand_shape {{.*}} : tensor<6x4x1xf32> into tensor<2x3x4x1xf32>
// UNBLOCKED-LABEL: func.func @batched_solve(
//   UNBLOCKED-NOT:   arith.subf
//       UNBLOCKED:   linalg.matmul{{.*}} ins({{.*}} : tensor<1x4xf32>, tensor<4x4xf32>)
//       UNBLOCKED:   return
func.func @batched_solve(%a: tensor<2x3x4x4xf32>, %b: tensor<2x3x4x1xf32>) -> tensor<2x3x4x1xf32> {
  %x = "lintra.triangular_solve"(%a, %b) {lower = false, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<2x3x4x4xf32>, tensor<2x3x4x1xf32>) -> tensor<2x3x4x1xf32>
  return %x : tensor<2x3x4x1xf32>
}

// -----

// A size that is not a multiple of the block (5 = 2 + 2 + 1) nor a power of two
// (5 <= 64: one block of 5, inverted as an 8x8 block padded with the identity);
// a unit diagonal is not read (no division); right side: x·a = rhs is
// z·tᵀ = y with z = x, y = rhs and t = aᵀ (upper: from the right), so only a
// is transposed.
// CHECK-LABEL: func.func @ragged_solve(
//       CHECK:   linalg.transpose ins(%arg0
//       CHECK:   tensor.insert_slice {{.*}} : tensor<1x1xf64> into tensor<3x2x2xf64>
//   CHECK-NOT:   arith.divf
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x1xf64>, tensor<1x1xf64>)
//       CHECK:   tensor.insert_slice {{.*}}[0, 4] [3, 1] [1, 1] : tensor<3x1xf64> into tensor<3x5xf64>
//   CHECK-NOT:   linalg.transpose
//       CHECK:   return
// UNBLOCKED-LABEL: func.func @ragged_solve(
//       UNBLOCKED:   tensor.insert_slice {{.*}} : tensor<5x5xf64> into tensor<1x8x8xf64>
//       UNBLOCKED:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x5xf64>, tensor<5x5xf64>)
func.func @ragged_solve(%a: tensor<5x5xf64>, %b: tensor<3x5xf64>) -> tensor<3x5xf64> {
  %x = "lintra.triangular_solve"(%a, %b) {lower = true, left_side = false, transpose_a = false, unit_diagonal = true} : (tensor<5x5xf64>, tensor<3x5xf64>) -> tensor<3x5xf64>
  return %x : tensor<3x5xf64>
}

// -----

// A triangular product: the triangle selected, then one product per block of
// rows that reads only t's nonzero blocks (lower: columns 0:r1), as x·wᵀ on
// the transposed right-hand side.
// CHECK-LABEL: func.func @trmm(
//       CHECK:   linalg.transpose ins(%arg1
//       CHECK:   linalg.generic {{.*}} ins(%arg0 : tensor<5x5xf64>)
//       CHECK:     arith.select
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x2xf64>, tensor<2x2xf64>)
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x4xf64>, tensor<2x4xf64>)
//       CHECK:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x5xf64>, tensor<1x5xf64>)
//       CHECK:   linalg.transpose
// UNBLOCKED-LABEL: func.func @trmm(
//       UNBLOCKED:   linalg.matmul{{.*}} ins({{.*}} : tensor<3x5xf64>, tensor<5x5xf64>)
func.func @trmm(%a: tensor<5x5xf64>, %b: tensor<5x3xf64>) -> tensor<5x3xf64> {
  %x = "lintra.triangular_matmul"(%a, %b) {lower = true, left_side = true, transpose_a = false, unit_diagonal = false} : (tensor<5x5xf64>, tensor<5x3xf64>) -> tensor<5x3xf64>
  return %x : tensor<5x3xf64>
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
// UNBLOCKED-COUNT-3:   math.sqrt
//   UNBLOCKED-NOT:   math.sqrt
//       UNBLOCKED:   return %[[L:[^,]*]], %[[L]] :
func.func @twice(%a: tensor<3x3xf64>) -> (tensor<3x3xf64>, tensor<3x3xf64>) {
  %l = "lintra.cholesky"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  %m = "lintra.cholesky"(%a) : (tensor<3x3xf64>) -> tensor<3x3xf64>
  return %l, %m : tensor<3x3xf64>, tensor<3x3xf64>
}
