# RUN: %PYTHON %s | FileCheck %s
# lintra.jit(...).lower(...).as_text() shows the traced IR: linalg on tensors,
# numpy broadcasting as linalg.broadcast, weak Python scalars as constants of
# the array's dtype, reductions as linalg.reduce, `@` as a named contraction.
import numpy as np

import lintra
import lintra.numpy as lnp


def model(x, w, b):
    return lnp.sum(lnp.tanh(x @ w + b) * 2.0, axis=0)


x, w, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32), np.ones(4, np.float32)
print(lintra.jit(model).lower(x, w, b).as_text())

# CHECK-LABEL: func.func @model(%arg0: tensor<2x3xf32>, %arg1: tensor<3x4xf32>, %arg2: tensor<4xf32>) -> tensor<4xf32>
# CHECK:         %[[MM:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3x4xf32>)
# CHECK:         %[[B:.*]] = linalg.broadcast ins(%arg2 : tensor<4xf32>) outs(%{{.*}} : tensor<2x4xf32>) dimensions = [0]
# CHECK:         %[[ADD:.*]] = arith.addf %[[MM]], %[[B]] : tensor<2x4xf32>
# CHECK:         %[[T:.*]] = math.tanh %[[ADD]] : tensor<2x4xf32>
# CHECK:         %[[TWO:.*]] = arith.constant dense<2.000000e+00> : tensor<2x4xf32>
# CHECK:         %[[MUL:.*]] = arith.mulf %[[T]], %[[TWO]] : tensor<2x4xf32>
# CHECK:         %[[R:.*]] = linalg.reduce ins(%[[MUL]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0]
# CHECK:           arith.addf
# CHECK:         return %[[R]] : tensor<4xf32>


def pick(x):
    return x[1, ::2], lnp.where(x > 0.0, x, 0.0).reshape(-1)


print(lintra.jit(pick).lower(np.ones((2, 4))).as_text())

# CHECK-LABEL: func.func @pick(%arg0: tensor<2x4xf64>) -> (tensor<2xf64>, tensor<8xf64>)
# CHECK:         tensor.extract_slice %arg0[1, 0] [1, 2] [1, 2] : tensor<2x4xf64> to tensor<1x2xf64>
# CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x2xf64> into tensor<2xf64>
# CHECK:         %[[C:.*]] = arith.cmpf ogt, %arg0, %{{.*}} : tensor<2x4xf64>
# CHECK:         arith.extui %[[C]] : tensor<2x4xi1> to tensor<2x4xi8>
# CHECK:         arith.select %{{.*}}, %arg0, %{{.*}} : tensor<2x4xi1>, tensor<2x4xf64>
# CHECK:         tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x4xf64> into tensor<8xf64>
