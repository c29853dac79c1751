// A parse error is one line `file:line:col: error: message` and exit code 1.
// RUN: not lintra-opt %S/Inputs/parse-error.mlir 2>&1 | FileCheck %s
// RUN: not lintra-opt %S/Inputs/parse-error.mlir --cse 2>&1 | FileCheck %s
// RUN: not lintra-opt %S/Inputs/parse-error.mlir 2>&1 | count 1

// CHECK: Inputs/parse-error.mlir:4:23: error: use of undeclared SSA value name
// CHECK-NOT: Traceback
