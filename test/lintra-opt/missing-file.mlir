// A missing input file is a one-line error and exit code 1.
// RUN: not lintra-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s
// RUN: not lintra-opt %t.does-not-exist.mlir 2>&1 | count 1

// CHECK: lintra-opt: error: could not open input file '{{.*}}does-not-exist.mlir': No such file or directory
