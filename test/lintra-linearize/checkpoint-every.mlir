// A loop marked {lintra.checkpoint_every = k} is cut, in @f itself (the values
// are the same), into a loop over segments of k iterations, each a call of a
// generated @f_segment marked {lintra.checkpoint}, and a loop for the N mod k
// remaining iterations. Linearized, @f_fwd then saves a row per segment (here
// 10 / 4 = 2 rows: the carried state), what the segments read from outside the
// loop once (the argument %x), and the 2 remaining iterations' rows: 224 bytes
// instead of one row per iteration (10 rows, 672 bytes); @f_segment_remat_lin
// recomputes a segment's residuals from its row.
// RUN: lintra-opt %s --pass-pipeline='builtin.module(lintra-linearize{functions=f report-residuals=true})' \
// RUN:   2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// RUN: sed 's/ {lintra.checkpoint_every = 4 : i64}//' %s \
// RUN:   | lintra-opt --pass-pipeline='builtin.module(lintra-linearize{functions=f report-residuals=true})' \
// RUN:   2>&1 >/dev/null | FileCheck %s --check-prefix=PLAIN

// CHECK-LABEL: func.func @f(
//   CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
//   CHECK-DAG:   %[[C8:.*]] = arith.constant 8 : index
//   CHECK-DAG:   %[[C4:.*]] = arith.constant 4 : index
//       CHECK:   %[[SEG:.*]] = scf.for %[[J:.*]] = %[[C0]] to %[[C8]] step %[[C4]] iter_args(%[[H:.*]] = %arg0)
//       CHECK:     %[[N:.*]] = func.call @f_segment(%[[H]], %arg1)
//       CHECK:     scf.yield %[[N]]
//       CHECK:   scf.for %{{.*}} = %[[C8]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[SEG]])
//       CHECK:     math.tanh
//   CHECK-NOT:   lintra.checkpoint_every
func.func @f(%x: tensor<4xf64>, %w: tensor<4xf64>) -> tensor<4xf64> {
  %c0 = arith.constant 0 : index
  %c10 = arith.constant 10 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c10 step %c1 iter_args(%h = %x) -> (tensor<4xf64>) {
    %p = arith.mulf %h, %w : tensor<4xf64>
    %t = math.tanh %p : tensor<4xf64>
    scf.yield %t : tensor<4xf64>
  } {lintra.checkpoint_every = 4 : i64}
  return %r : tensor<4xf64>
}

// CHECK-LABEL: func.func private @f_segment(
//  CHECK-SAME:     attributes {lintra.checkpoint}
//       CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
//       CHECK:     math.tanh

// CHECK-LABEL: func.func private @f_segment_remat_lin(
//       CHECK:   call @f_segment_fwd(
//       CHECK:   call @f_segment_lin(

// REPORT: residuals of @f saved by @f_fwd: 3 residuals, 224 bytes
// REPORT-NEXT: f64[2, 1, 4] output of scf.for at {{.*}}checkpoint-every.mlir:{{[0-9]+}}:8 (64 bytes)
// REPORT-NEXT: f64[4] from argument #1 of @f_fwd at {{.*}}checkpoint-every.mlir:{{[0-9]+}}:1 (32 bytes)
// REPORT-NEXT: f64[2, 2, 4] output of scf.for at {{.*}}checkpoint-every.mlir:{{[0-9]+}}:8 (128 bytes)

// PLAIN: residuals of @f saved by @f_fwd: 2 residuals, 672 bytes
// PLAIN-NEXT: f64[10, 2, 4] output of scf.for
