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
// Pass options are listed from their typed declarations.
// CHECK-DAG: cleanup=<bool> (default: true)
// CHECK-DAG: functions=<list of str> (default: none)
