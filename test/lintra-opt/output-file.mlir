// `-o FILE` writes the result there and nothing to stdout.
// RUN: lintra-opt %s -o %t | count 0
// RUN: FileCheck %s < %t
// RUN: lintra-opt %s --canonicalize -o=%t.2
// RUN: FileCheck %s < %t.2

// CHECK-LABEL: func.func @id(
//       CHECK:   return %{{.*}} : f64
func.func @id(%x: f64) -> f64 {
  return %x : f64
}
