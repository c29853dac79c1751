# RUN: %PYTHON %s | FileCheck %s
# A transformation traces the function it wraps into its own private function
# and emits a lintra op calling it; lintra-ad expands it (stage "ad").
import numpy as np

import lintra
import lintra.numpy as lnp


def f(x):
    return lnp.sum(lnp.sin(x) * x)


lowered = lintra.jit(lintra.grad(f)).lower(np.ones(4))
print(lowered.as_text())
# CHECK-LABEL: func.func @grad_f(%arg0: tensor<4xf64>) -> tensor<4xf64>
# CHECK-NEXT:    %[[G:.*]] = "lintra.grad"(%arg0) {callee = @f} : (tensor<4xf64>) -> tensor<4xf64>
# CHECK-NEXT:    return %[[G]] : tensor<4xf64>
# CHECK-LABEL: func.func private @f(%arg0: tensor<4xf64>) -> tensor<f64>
# CHECK:         math.sin %arg0 : tensor<4xf64>

print(lowered.as_text(stage="ad"))
# CHECK-LABEL: func.func @grad_f(%arg0: tensor<4xf64>) -> tensor<4xf64>
# CHECK:         call @f_fwd(%arg0)
# CHECK:         call @f_lin_transpose(
# CHECK-NOT:   lintra.
# CHECK-LABEL: func.func private @f_fwd(
# CHECK:         math.cos


# Nesting: the outer jvp differentiates a function that holds the inner grad op,
# and a closure over a traced value becomes an extra argument of the inner function.
def outer(x, v, scale):
    g = lintra.grad(lambda y: lnp.sum(lnp.exp(y) * scale))
    return lintra.jvp(g, (x,), (v,))[1]


print(lintra.jit(outer).lower(np.ones(3), np.ones(3), 2.0).as_text())
# CHECK-LABEL: func.func @outer(%arg0: tensor<3xf64>, %arg1: tensor<3xf64>, %arg2: tensor<f64>) -> tensor<3xf64>
# CHECK:         %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<f64>
# CHECK:         %{{.*}}:2 = "lintra.jvp"(%arg0, %arg2, %arg1, %[[ZERO]]) {callee = @grad_lambda}
# CHECK-LABEL: func.func private @grad_lambda(%arg0: tensor<3xf64>, %arg1: tensor<f64>) -> tensor<3xf64>
# CHECK:         %[[G:.*]]:2 = "lintra.grad"(%arg0, %arg1) {callee = @lambda} : (tensor<3xf64>, tensor<f64>) -> (tensor<3xf64>, tensor<f64>)
# CHECK:         return %[[G]]#0 : tensor<3xf64>
# CHECK-LABEL: func.func private @lambda(%arg0: tensor<3xf64>, %arg1: tensor<f64>) -> tensor<f64>
