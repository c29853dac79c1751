// store_i1_as_i8 (passes/i1_memrefs.py) rewrites memref.load/store of i1 only:
// another op reading or writing the elements of a memref of i1 is a located
// error, never an abort of finalize-memref-to-llvm
// (test/regressions/upstream/finalize-memref-to-llvm-i1.mlir).
// RUN: not lintra-opt %s --lintra-lower-to-llvm 2>&1 | FileCheck %s

// CHECK: i1-vector-access.mlir:[[@LINE+2]]:8: error: 'vector.load' op reads or writes a memref of i1, which this MLIR build cannot lower to LLVM (only memref.load and memref.store of i1 are rewritten to i8)
func.func @f(%m: memref<8xi1>, %i: index) -> vector<4xi1> {
  %v = vector.load %m[%i] : memref<8xi1>, vector<4xi1>
  return %v : vector<4xi1>
}
