// A byte that is not UTF-8 inside a comment is accepted, as mlir-opt does,
// from a file (whole or split) and from stdin.
// RUN: lintra-opt %S/Inputs/non-utf8-comment.mlir --lintra-ad | FileCheck %s
// RUN: lintra-opt %S/Inputs/non-utf8-comment.mlir --split-input-file --lintra-ad | FileCheck %s
// RUN: lintra-opt - < %S/Inputs/non-utf8-comment.mlir | FileCheck %s
// RUN: mlir-opt %S/Inputs/non-utf8-comment.mlir | FileCheck %s

// CHECK-LABEL: func.func @f(
//       CHECK:   math.sin
