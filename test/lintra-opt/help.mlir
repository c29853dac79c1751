// --help lists every lintra pass.
// RUN: lintra-opt --help | FileCheck %s

// CHECK: usage: lintra-opt
// CHECK: --pass-pipeline
// CHECK: lintra passes:
// CHECK-DAG: --lintra-ad
// CHECK-DAG: --lintra-jvp
// CHECK-DAG: --lintra-linearize
// CHECK-DAG: --lintra-transpose
// CHECK-DAG: --lintra-lower-to-llvm
// CHECK-DAG: --lintra-decompose-linalg
// CHECK-DAG: keep-linalg-ops=<bool> (default: false)
// CHECK-DAG: block=<int> (default: 64)
// Pass options are listed from their typed declarations.
// CHECK-DAG: cleanup=<bool> (default: true)
// CHECK-DAG: functions=<list of str> (default: none)
