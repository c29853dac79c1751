// The lintra dialect round-trips through lintra-opt, and through stock mlir-opt
// given the IRDL definition.
// RUN: lintra-opt %s | lintra-opt | FileCheck %s
// RUN: mlir-opt --irdl-file=%irdl %s | mlir-opt --irdl-file=%irdl | FileCheck %s
// RUN: lintra-opt %s | mlir-opt --irdl-file=%irdl | lintra-opt --irdl-file=%irdl | FileCheck %s

func.func @f(%x: tensor<4xf64>, %y: tensor<4xf64>) -> tensor<4xf64> {
  %0 = arith.mulf %x, %y : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// CHECK-LABEL: func.func @f(
//       CHECK:   arith.mulf

// CHECK-LABEL: func.func @jvp(
//  CHECK-SAME:     %[[X:.*]]: tensor<4xf64>, %[[Y:.*]]: tensor<4xf64>, %[[DX:.*]]: tensor<4xf64>, %[[DY:.*]]: tensor<4xf64>)
//       CHECK:   %[[R:.*]]:2 = "lintra.jvp"(%[[X]], %[[Y]], %[[DX]], %[[DY]]) {callee = @f}
//  CHECK-SAME:     -> (tensor<4xf64>, tensor<4xf64>)
//       CHECK:   return %[[R]]#0, %[[R]]#1
func.func @jvp(%x: tensor<4xf64>, %y: tensor<4xf64>, %dx: tensor<4xf64>, %dy: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<4xf64>) {
  %r:2 = "lintra.jvp"(%x, %y, %dx, %dy) {callee = @f}
      : (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>)
  return %r#0, %r#1 : tensor<4xf64>, tensor<4xf64>
}

// CHECK-LABEL: func.func @vjp(
//       CHECK:   "lintra.vjp"(%{{.*}}, %{{.*}}, %{{.*}}) {callee = @f}
//  CHECK-SAME:     -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
func.func @vjp(%x: tensor<4xf64>, %y: tensor<4xf64>, %ct: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
  %r:3 = "lintra.vjp"(%x, %y, %ct) {callee = @f}
      : (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
  return %r#0, %r#1, %r#2 : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}

func.func @sq(%x: f64) -> f64 {
  %0 = arith.mulf %x, %x : f64
  return %0 : f64
}

// CHECK-LABEL: func.func @grad(
//       CHECK:   "lintra.grad"(%{{.*}}) {callee = @sq} : (f64) -> f64
func.func @grad(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @sq} : (f64) -> f64
  return %g : f64
}

// CHECK-LABEL: func.func @scale(
//  CHECK-SAME:     %{{.*}}: f64, %{{.*}}: f64 {lintra.linear})
func.func @scale(%a: f64, %t: f64 {lintra.linear}) -> f64 {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}

// CHECK-LABEL: func.func @transpose(
//       CHECK:   "lintra.transpose"(%{{.*}}, %{{.*}}) {callee = @scale} : (f64, f64) -> f64
func.func @transpose(%a: f64, %ct: f64) -> f64 {
  %r = "lintra.transpose"(%a, %ct) {callee = @scale} : (f64, f64) -> f64
  return %r : f64
}
