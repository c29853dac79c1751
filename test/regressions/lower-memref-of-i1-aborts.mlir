// UPSTREAM (open as of MLIR 22; no llvm-project issue found for it): the
// workaround is passes/i1_memrefs.py, store_i1_as_i8, which rewrites every
// memref of i1 into a memref of i8 before finalize-memref-to-llvm (the buffers
// yielded by scf.for/scf.if need memref<?xi1> ownership flags, so loops lower
// too); lintra-lower-to-llvm also keeps i1 masks off memory where it can
// (split_i1_tensor_uses, symbol-dce after inlining).
//
// Bug (upstream, no lintra involved): finalize-memref-to-llvm asserts on a
// memref.store (or load) of i1 instead of lowering it or failing.
//
// Reproduce:   mlir-opt test/regressions/lower-memref-of-i1-aborts.mlir --finalize-memref-to-llvm
// Expected:    LLVM dialect (i1 stored as a byte), or an error.
// Actual:      mlir-opt: .../MemRefToLLVM.cpp:1105: ... StoreOpLowering::matchAndRewrite(...):
//              Assertion `integralElementType.getWidth() >= 8' failed. (SIGABRT)
func.func @store_i1(%b: i1) -> i1 {
  %c0 = arith.constant 0 : index
  %m = memref.alloc() : memref<3xi1>
  memref.store %b, %m[%c0] : memref<3xi1>
  %v = memref.load %m[%c0] : memref<3xi1>
  memref.dealloc %m : memref<3xi1>
  return %v : i1
}
