// Memrefs of i1 are stored as i8 (store_i1_as_i8, passes/i1_memrefs.py): this
// MLIR build's finalize-memref-to-llvm aborts on them
// (test/regressions/upstream/finalize-memref-to-llvm-i1.mlir). They come from
// the deallocation of buffers yielded by scf.for/scf.if (ownership flags passed
// to the dealloc helper as memref<?xi1>), from tensors of i1 kept in memory
// (carried by a loop, constants), and from memref code written by hand.
// RUN: lintra-opt %s --lintra-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_c_runner_utils.so,%mlir_lib_dir/libmlir_runner_utils.so | FileCheck %s
// RUN: lintra-opt %s --lintra-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// LLVM-NOT: xi1>
// LLVM-NOT: memref

func.func private @printMemrefF64(tensor<*xf64>)
func.func private @printMemrefI32(memref<*xi32>)

// A loop yielding a computed buffer and a branch choosing one: both need
// ownership flags to free what they replace.
func.func @powers(%x: tensor<3xf64>, %n: index, %c: i1) -> tensor<3xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<3xf64> {
    %y = arith.mulf %acc, %x : tensor<3xf64>
    scf.yield %y : tensor<3xf64>
  }
  %s = scf.if %c -> tensor<3xf64> {
    %t = arith.addf %r, %r : tensor<3xf64>
    scf.yield %t : tensor<3xf64>
  } else {
    scf.yield %r : tensor<3xf64>
  }
  return %s : tensor<3xf64>
}

// A mask carried by a loop (a tensor of i1 in memory), and a constant mask.
func.func @flips(%x: tensor<4xf64>, %n: index) -> tensor<4xf64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m0 = arith.constant dense<[true, false, false, true]> : tensor<4xi1>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%m = %m0, %acc = %x) -> (tensor<4xi1>, tensor<4xf64>) {
    %neg = arith.negf %acc : tensor<4xf64>
    %y = arith.select %m, %neg, %acc : tensor<4xi1>, tensor<4xf64>
    %true = arith.constant dense<true> : tensor<4xi1>
    %flip = arith.xori %m, %true : tensor<4xi1>
    scf.yield %flip, %y : tensor<4xi1>, tensor<4xf64>
  }
  return %r#1 : tensor<4xf64>
}

// Memrefs of i1 written by hand: a global, a dynamic cast, branch arguments,
// a call, an unranked cast, loads and stores.
memref.global "private" constant @bits : memref<3xi1> = dense<[true, false, true]>

func.func private @not_all(%m: memref<?xi1>, %out: memref<?xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %true = arith.constant true
  %n = memref.dim %m, %c0 : memref<?xi1>
  scf.for %i = %c0 to %n step %c1 {
    %b = memref.load %m[%i] : memref<?xi1>
    %nb = arith.xori %b, %true : i1
    memref.store %nb, %out[%i] : memref<?xi1>
  }
  return
}

func.func @bits_as_bytes(%c: i1) {
  %g = memref.get_global @bits : memref<3xi1>
  %d = memref.cast %g : memref<3xi1> to memref<?xi1>
  %o = memref.alloc() : memref<3xi1>
  %od = memref.cast %o : memref<3xi1> to memref<?xi1>
  cf.cond_br %c, ^negate(%d : memref<?xi1>), ^negate(%od : memref<?xi1>)
^negate(%m: memref<?xi1>):
  call @not_all(%m, %od) : (memref<?xi1>, memref<?xi1>) -> ()
  %bytes = memref.alloc() : memref<3xi32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  scf.for %i = %c0 to %c3 step %c1 {
    %b = memref.load %o[%i] : memref<3xi1>
    %e = arith.extui %b : i1 to i32
    memref.store %e, %bytes[%i] : memref<3xi32>
  }
  %u = memref.cast %bytes : memref<3xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  %ui = memref.cast %o : memref<3xi1> to memref<*xi1>
  %ur = memref.cast %ui : memref<*xi1> to memref<3xi1>
  %last = memref.load %ur[%c0] : memref<3xi1>
  vector.print %last : i1
  return
}

func.func @main() {
  %x = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf64>
  %n = arith.constant 3 : index
  %true = arith.constant true
  %p = call @powers(%x, %n, %true) : (tensor<3xf64>, index, i1) -> tensor<3xf64>
  %pu = tensor.cast %p : tensor<3xf64> to tensor<*xf64>
  call @printMemrefF64(%pu) : (tensor<*xf64>) -> ()
  // CHECK: data =
  // CHECK-NEXT: [2, 32, 162]
  %y = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64>
  %f = call @flips(%y, %n) : (tensor<4xf64>, index) -> tensor<4xf64>
  %fu = tensor.cast %f : tensor<4xf64> to tensor<*xf64>
  call @printMemrefF64(%fu) : (tensor<*xf64>) -> ()
  // CHECK: data =
  // CHECK-NEXT: [1, -2, -3, 4]
  call @bits_as_bytes(%true) : (i1) -> ()
  // CHECK: data =
  // CHECK-NEXT: [0, 1, 0]
  // CHECK-NEXT: 0
  return
}
