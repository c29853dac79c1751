// Upstream: finalize-memref-to-llvm aborts (assertion
// `integralElementType.getWidth() >= 8` in LoadOpLowering) on a memref of i1.
// Workaround: `split_i1_tensor_uses` and `reject_i1_memrefs` in
// passes/lintra_lower_to_llvm.py keep tensors of i1 out of memory, or report a
// LintraError instead of aborting.
// RUN: not --crash mlir-opt %s --finalize-memref-to-llvm
func.func @f(%m: memref<2xi1>, %i: index) -> i1 {
  %v = memref.load %m[%i] : memref<2xi1>
  return %v : i1
}
