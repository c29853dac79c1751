// Unknown passes are reported by name, from flags and from --pass-pipeline.
// RUN: not lintra-opt %s --no-such-pass 2>&1 | FileCheck %s --check-prefix=FLAG
// RUN: not lintra-opt %s --pass-pipeline='builtin.module(cse,no-such-pass)' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=PIPELINE
// RUN: not lintra-opt %s --pass-pipeline='builtin.module(func.func(lintra-ad))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NESTED
// RUN: not lintra-opt %s --lintra-ad=no-such-option=1 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not lintra-opt %s --pass-pipeline='builtin.module(cse' 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not lintra-opt %s --cse --pass-pipeline='builtin.module(cse)' 2>&1 | FileCheck %s --check-prefix=BOTH

// FLAG: lintra-opt: error: unknown pass 'no-such-pass'
// FLAG-NOT: Traceback
// PIPELINE: <pass-pipeline>:1:20: error: unknown pass 'no-such-pass'
// NESTED: <pass-pipeline>:1:26: error: lintra pass 'lintra-ad' can only run on 'builtin.module', not nested under 'func.func'
// OPTION: lintra-opt: error: unknown option 'no-such-option' for pass 'lintra-ad'
// SYNTAX: <pass-pipeline>:1:19: error: expected ',' or ')', found end of pipeline
// BOTH: lintra-opt: error: '--pass-pipeline' cannot be combined with individual pass flags

func.func @f() {
  return
}
