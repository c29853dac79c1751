// Upstream passes run from --pass-pipeline and from pass flags, in order.
// RUN: lintra-opt %s --pass-pipeline='builtin.module(canonicalize,func.func(cse))' | FileCheck %s
// RUN: lintra-opt %s --pass-pipeline='canonicalize, cse' | FileCheck %s
// RUN: lintra-opt %s --canonicalize --cse | FileCheck %s
// RUN: lintra-opt %s --canonicalize=max-iterations=4 --cse | FileCheck %s
// RUN: lintra-opt %s | FileCheck %s --check-prefix=NOPASS

// CHECK-LABEL: func.func @redundant(
//  CHECK-SAME:     %[[X:.*]]: f64)
//       CHECK:   %[[S:.*]] = arith.addf %[[X]], %[[X]]
//   CHECK-NOT:   arith.addf
//       CHECK:   %[[P:.*]] = arith.mulf %[[S]], %[[S]]
//       CHECK:   return %[[P]]
// NOPASS-LABEL: func.func @redundant(
// NOPASS-COUNT-2: arith.addf
func.func @redundant(%x: f64) -> f64 {
  %a = arith.addf %x, %x : f64
  %b = arith.addf %x, %x : f64
  %p = arith.mulf %a, %b : f64
  return %p : f64
}

// CHECK-LABEL: func.func @folded(
//       CHECK:   %[[C:.*]] = arith.constant 3.0
//       CHECK:   return %[[C]]
func.func @folded() -> f64 {
  %one = arith.constant 1.0 : f64
  %two = arith.constant 2.0 : f64
  %three = arith.addf %one, %two : f64
  return %three : f64
}
