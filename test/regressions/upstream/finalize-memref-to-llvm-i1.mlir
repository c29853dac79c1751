// Upstream: finalize-memref-to-llvm aborts (assertion
// `integralElementType.getWidth() >= 8` in LoadOpLowering) on a memref of i1.
// Workaround: `store_i1_as_i8` (passes/i1_memrefs.py), run by
// lintra-lower-to-llvm and lintra-lower-to-nvvm before finalize-memref-to-llvm,
// rewrites every memref of i1 into a memref of i8 (loads truncate, stores
// extend); test/lintra-lower-to-llvm/i1-memrefs.mlir runs what it makes.
// RUN: not --crash mlir-opt %s --finalize-memref-to-llvm
func.func @f(%m: memref<2xi1>, %i: index) -> i1 {
  %v = memref.load %m[%i] : memref<2xi1>
  return %v : i1
}
