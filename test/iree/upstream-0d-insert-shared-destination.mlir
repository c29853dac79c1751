// IREE 3.13 miscompiles a 0-d tensor.insert whose destination is a constant that
// a linalg.reduce in a branch also takes as its init: this VJP (lintra-ad's
// output for test/regressions/vjp-if-in-for.mlir, an scf.if inside an scf.for)
// returns zeros; the JVP, finite differences and the dot-product identity give
// nonzero cotangents. lintra's IREE backends rewrite each 0-d tensor.insert into
// tensor.from_elements before compiling (python/lintra/backends/iree_tensor_ops.py;
// test_regressions.py::test_vjp_through_if_in_a_loop). This test fails once IREE
// is fixed; then drop the rewrite.
// RUN: iree-compile %iree_cpu_flags %s -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=vjp \
// RUN:   --input="3xf64=0.3 -0.5 0.8" --input=0.7 --input=1.0 | FileCheck %s

// CHECK: result[0]: hal.buffer_view
// CHECK-NEXT: 3xf64=0 0 0
// CHECK-NEXT: result[1]: f64=0
#map = affine_map<(d0) -> ()>
#map1 = affine_map<(d0) -> (d0)>
module {
  func.func @h(%arg0: tensor<3xf64>, %arg1: f64) -> f64 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %cst = arith.constant -8.400000e-01 : f64
    %0 = scf.for %arg2 = %c0 to %c2 step %c1 iter_args(%arg3 = %cst) -> (f64) {
      %cst_0 = arith.constant 4.000000e-01 : f64
      %1 = arith.cmpf ogt, %cst_0, %arg3 : f64
      %2 = scf.if %1 -> (tensor<3xf64>) {
        %5 = math.sin %arg0 : tensor<3xf64>
        scf.yield %5 : tensor<3xf64>
      } else {
        %5 = tensor.empty() : tensor<3xf64>
        %6 = linalg.fill ins(%arg1 : f64) outs(%5 : tensor<3xf64>) -> tensor<3xf64>
        scf.yield %6 : tensor<3xf64>
      }
      %extracted_slice = tensor.extract_slice %arg0[1] [1] [1] : tensor<3xf64> to tensor<f64>
      %reduced = linalg.reduce ins(%2 : tensor<3xf64>) outs(%extracted_slice : tensor<f64>) dimensions = [0] 
        (%in: f64, %init: f64) {
          %5 = arith.addf %in, %init : f64
          linalg.yield %5 : f64
        }
      %extracted = tensor.extract %reduced[] : tensor<f64>
      %3 = math.sin %arg3 : f64
      %4 = arith.addf %extracted, %3 : f64
      scf.yield %4 : f64
    }
    return %0 : f64
  }
  func.func @vjp(%arg0: tensor<3xf64>, %arg1: f64, %arg2: f64) -> (tensor<3xf64>, f64) {
    %0:3 = call @h_fwd(%arg0, %arg1) : (tensor<3xf64>, f64) -> (tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>)
    %1:2 = call @h_lin_transpose(%0#0, %0#1, %0#2, %arg2) : (tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>, f64) -> (tensor<3xf64>, f64)
    return %1#0, %1#1 : tensor<3xf64>, f64
  }
  func.func private @h_fwd(%arg0: tensor<3xf64>, %arg1: f64) -> (tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>) {
    %cst = arith.constant dense<0.000000e+00> : tensor<3xf64>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %cst_0 = arith.constant -8.400000e-01 : f64
    %cst_1 = arith.constant 4.000000e-01 : f64
    %extracted_slice = tensor.extract_slice %arg0[1] [1] [1] : tensor<3xf64> to tensor<f64>
    %0 = tensor.empty() : tensor<2xi8>
    %1 = tensor.empty() : tensor<2x1x3xf64>
    %2 = tensor.empty() : tensor<2xf64>
    %3:4 = scf.for %arg2 = %c0 to %c2 step %c1 iter_args(%arg3 = %cst_0, %arg4 = %0, %arg5 = %1, %arg6 = %2) -> (f64, tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>) {
      %4 = arith.cmpf ogt, %cst_1, %arg3 : f64
      %5:2 = scf.if %4 -> (tensor<3xf64>, tensor<3xf64>) {
        %10 = math.sin %arg0 : tensor<3xf64>
        %11 = math.cos %arg0 : tensor<3xf64>
        scf.yield %10, %11 : tensor<3xf64>, tensor<3xf64>
      } else {
        %10 = tensor.empty() : tensor<3xf64>
        %11 = linalg.fill ins(%arg1 : f64) outs(%10 : tensor<3xf64>) -> tensor<3xf64>
        scf.yield %11, %cst : tensor<3xf64>, tensor<3xf64>
      }
      %reduced = linalg.reduce ins(%5#0 : tensor<3xf64>) outs(%extracted_slice : tensor<f64>) dimensions = [0] 
        (%in: f64, %init: f64) {
          %10 = arith.addf %in, %init : f64
          linalg.yield %10 : f64
        }
      %extracted = tensor.extract %reduced[] : tensor<f64>
      %6 = math.sin %arg3 : f64
      %7 = math.cos %arg3 : f64
      %8 = arith.addf %extracted, %6 : f64
      %9 = arith.extui %4 : i1 to i8
      %inserted = tensor.insert %9 into %arg4[%arg2] : tensor<2xi8>
      %inserted_slice = tensor.insert_slice %5#1 into %arg5[%arg2, 0, 0] [1, 1, 3] [1, 1, 1] : tensor<3xf64> into tensor<2x1x3xf64>
      %inserted_2 = tensor.insert %7 into %arg6[%arg2] : tensor<2xf64>
      scf.yield %8, %inserted, %inserted_slice, %inserted_2 : f64, tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>
    }
    return %3#1, %3#2, %3#3 : tensor<2xi8>, tensor<2x1x3xf64>, tensor<2xf64>
  }
  func.func private @h_lin_transpose(%arg0: tensor<2xi8>, %arg1: tensor<2x1x3xf64>, %arg2: tensor<2xf64>, %arg3: f64) -> (tensor<3xf64>, f64) {
    %cst = arith.constant dense<0.000000e+00> : tensor<f64>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %cst_0 = arith.constant 0.000000e+00 : f64
    %cst_1 = arith.constant dense<0.000000e+00> : tensor<3xf64>
    %0:3 = scf.for %arg4 = %c0 to %c2 step %c1 iter_args(%arg5 = %arg3, %arg6 = %cst_1, %arg7 = %cst_0) -> (f64, tensor<3xf64>, f64) {
      %1 = arith.subi %c1, %arg4 : index
      %extracted = tensor.extract %arg0[%1] : tensor<2xi8>
      %2 = arith.trunci %extracted : i8 to i1
      %extracted_slice = tensor.extract_slice %arg1[%1, 0, 0] [1, 1, 3] [1, 1, 1] : tensor<2x1x3xf64> to tensor<3xf64>
      %extracted_2 = tensor.extract %arg2[%1] : tensor<2xf64>
      %3 = arith.mulf %arg5, %extracted_2 : f64
      %inserted = tensor.insert %arg5 into %cst[] : tensor<f64>
      %4 = tensor.empty() : tensor<3xf64>
      %5 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel"]} ins(%inserted : tensor<f64>) outs(%4 : tensor<3xf64>) {
      ^bb0(%in: f64, %out: f64):
        linalg.yield %in : f64
      } -> tensor<3xf64>
      %inserted_slice = tensor.insert_slice %inserted into %cst_1[1] [1] [1] : tensor<f64> into tensor<3xf64>
      %6:2 = scf.if %2 -> (tensor<3xf64>, f64) {
        %10 = arith.mulf %5, %extracted_slice : tensor<3xf64>
        scf.yield %10, %cst_0 : tensor<3xf64>, f64
      } else {
        %reduced = linalg.reduce ins(%5 : tensor<3xf64>) outs(%cst : tensor<f64>) dimensions = [0] 
          (%in: f64, %init: f64) {
            %10 = arith.addf %in, %init : f64
            linalg.yield %10 : f64
          }
        %extracted_3 = tensor.extract %reduced[] : tensor<f64>
        scf.yield %cst_1, %extracted_3 : tensor<3xf64>, f64
      }
      %7 = arith.addf %inserted_slice, %6#0 : tensor<3xf64>
      %8 = arith.addf %arg6, %7 : tensor<3xf64>
      %9 = arith.addf %arg7, %6#1 : f64
      scf.yield %3, %8, %9 : f64, tensor<3xf64>, f64
    }
    return %0#1, %0#2 : tensor<3xf64>, f64
  }
}
