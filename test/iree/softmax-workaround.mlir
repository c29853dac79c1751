// IREE 3.13 fails on the plain softmax pattern (the reproducer in
// test/regressions/); after the pre-fusion that lintra's iree-cpu backend
// falls back to, it compiles and runs.
// RUN: not iree-compile %iree_cpu_flags %S/../regressions/iree-softmax-workgroup-distribution.mlir -o %t.bad.vmfb 2>&1 | FileCheck %s --check-prefix=BUG
// RUN: mlir-opt --pass-pipeline='builtin.module(func.func(convert-elementwise-to-linalg,linalg-fuse-elementwise-ops))' \
// RUN:   %S/../regressions/iree-softmax-workgroup-distribution.mlir | iree-compile %iree_cpu_flags - -o %t.vmfb
// RUN: iree-run-module --device=local-task --module=%t.vmfb --function=softmax \
// RUN:   --input="3x4xf32=[0 0 0 0][1 2 3 4][0 0 0 100]" | FileCheck %s

// BUG: failed on workgroup distribution verification
// CHECK: 3x4xf32=[0.25 0.25 0.25 0.25][0.0320586 0.0871443 0.236883 0.643914][0 0 0 1]
