// A parse error in the input is one `file:line:col: error:` line, exit code 1,
// no traceback, and no pass runs.
// RUN: not lintra-opt %s --lintra-ad 2>&1 | FileCheck %s
// RUN: not lintra-opt %s --lintra-ad 2>&1 | count 1
// RUN: not lintra-opt %s --lintra-transpose 2>&1 | FileCheck %s

// CHECK-NOT: Traceback
// CHECK: {{.*}}parse-error.mlir:[[@LINE+4]]:17: error: use of undeclared SSA value name
// CHECK-NOT: Traceback

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %y : f64
  return %0 : f64
}

func.func @g(%x: f64) -> f64 {
  %0 = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
  return %0 : f64
}
