// Bad pass names and options are one-line errors, exit code 1, no traceback.
// RUN: not lintra-opt %s --lintra-gard 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not lintra-opt %s --pass-pipeline='builtin.module(lintra-ad,lintra-foo)' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PIPELINE
// RUN: not lintra-opt %s --lintra-linearize=fuctions=f 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not lintra-opt %s --lintra-linearize=functions=nope 2>&1 | FileCheck %s --check-prefix=NOFUNC
// RUN: not lintra-opt %s --lintra-transpose=functions=f 2>&1 | FileCheck %s --check-prefix=NOTLINEAR

// UNKNOWN: lintra-opt: error: unknown pass 'lintra-gard'
// UNKNOWN-NOT: Traceback
// PIPELINE: <pass-pipeline>:1:26: error: unknown pass 'lintra-foo'
// PIPELINE-NOT: Traceback
// OPTION: lintra-opt: error: unknown option 'fuctions' for pass 'lintra-linearize' (known: functions, report-residuals)
// OPTION-NOT: Traceback
// NOFUNC: error: lintra-linearize: the module has no function @nope (functions=nope)
// NOFUNC-NOT: Traceback
// NOTLINEAR: {{.*}}pass-options.mlir:[[@LINE+2]]:1: error: 'func.func' op has no {lintra.linear} arguments to transpose with respect to
// NOTLINEAR-NOT: Traceback
func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}
