# RUN: %PYTHON %s | FileCheck %s
# linear_transpose marks the traced function's arguments {lintra.linear} and
# emits lintra.transpose; values captured from the enclosing function stay
# non-linear arguments and are passed first.
import numpy as np

import lintra


def transpose_of_scaling(a, ct):
    return lintra.linear_transpose(lambda v: a * v[:2], np.ones(3))(ct)


print(lintra.jit(transpose_of_scaling).lower(np.ones(2), np.ones(2)).as_text())
# CHECK-LABEL: func.func @transpose_of_scaling(%arg0: tensor<2xf64>, %arg1: tensor<2xf64>) -> tensor<3xf64>
# CHECK:         %[[T:.*]] = "lintra.transpose"(%arg0, %arg1) {callee = @lambda} : (tensor<2xf64>, tensor<2xf64>) -> tensor<3xf64>
# CHECK-LABEL: func.func private @lambda(%arg0: tensor<3xf64> {lintra.linear}, %arg1: tensor<2xf64>) -> tensor<2xf64>
# CHECK:         tensor.extract_slice %arg0[0] [2] [1]
# CHECK:         arith.mulf %arg1, %{{.*}} : tensor<2xf64>
