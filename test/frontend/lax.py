# RUN: %PYTHON %s | FileCheck %s
# lintra.lax traces each body once into a region of its scf op: fori_loop and
# scan are scf.for (scan stacks its outputs with tensor.insert_slice), while_loop
# is scf.while (max_iterations: lintra.max_trip_count), cond is scf.if, switch is
# scf.index_switch (index clamped into range), select is arith.select. Values of
# the enclosing function are used in the regions directly.
import numpy as np

import lintra
import lintra.numpy as lnp
from lintra import lax


def f(x, w):
    h = lax.fori_loop(0, 3, lambda i, h: lnp.tanh(h * w), x)
    c, ys = lax.scan(lambda c, r: (c + r, c * r), 0.0, h)
    n, y = lax.while_loop(lambda s: s[0] < 3, lambda s: (s[0] + 1, s[1] * 2.0), (0, c), max_iterations=3)
    z = lax.cond(y > 0.0, lambda a: a * 2.0, lambda a: -a, y)
    return lax.switch(1, [lambda a: a + 1.0, lambda a: a * a], z) + lnp.sum(lax.select(ys > 1.0, ys, -ys))


print(lintra.jit(f).lower(np.ones(4), np.ones(4)).as_text())
# CHECK-LABEL: func.func @f(%arg0: tensor<4xf64>, %arg1: tensor<4xf64>) -> tensor<f64>
#       CHECK:   %[[H:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[C:.*]] = %arg0) -> (tensor<4xf64>)
#       CHECK:     arith.mulf %[[C]], %arg1 : tensor<4xf64>
#       CHECK:     scf.yield
#       CHECK:   %[[EMPTY:.*]] = tensor.empty() : tensor<4xf64>
#       CHECK:   %[[SCAN:.*]]:2 = scf.for %[[K:.*]] = {{.*}} iter_args(%[[S:.*]] = %{{.*}}, %[[YS:.*]] = %[[EMPTY]]) -> (tensor<f64>, tensor<4xf64>)
#       CHECK:     tensor.extract_slice %[[H]][%[[K]]] [1] [1]
#       CHECK:     tensor.insert_slice %{{.*}} into %[[YS]][%[[K]]] [1] [1]
#       CHECK:   scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[SCAN]]#0) : (tensor<i64>, tensor<f64>) -> (tensor<i64>, tensor<f64>)
#       CHECK:     scf.condition
#       CHECK:   } do {
#       CHECK:   } attributes {lintra.max_trip_count = 3 : i64}
#       CHECK:   scf.if %{{.*}} -> (tensor<f64>) {
#       CHECK:   } else {
#       CHECK:   arith.maxsi
#       CHECK:   arith.minsi
#       CHECK:   scf.index_switch %{{.*}} -> tensor<f64>
#  CHECK-NEXT:   case 0 {
#       CHECK:   default {
#       CHECK:   arith.select %{{.*}}, %[[SCAN]]#1, %{{.*}} : tensor<4xi1>, tensor<4xf64>
