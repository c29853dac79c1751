// The lintra dialect, in IRDL. This file is the single source of truth: it is
// loaded by Python (`mlir.dialects.irdl.load_dialects`) and by stock mlir-opt
// (`mlir-opt --irdl-file=dialect/lintra.irdl.mlir`).
//
// "float" below means a float scalar or a tensor of floats; integer and index
// values carry no tangent, so they get no tangent/cotangent operand or result.
//
//   "lintra.jvp"(primals..., tangents...) {callee = @f}
//       operands: @f's arguments, then one tangent per float argument
//       results:  @f's results, then one tangent per float result
//   "lintra.vjp"(primals..., cotangents...) {callee = @f}
//       operands: @f's arguments, then one cotangent per float result
//       results:  @f's results, then one cotangent per float argument
//   "lintra.grad"(primals...) {callee = @f}
//       @f returns exactly one float scalar or 0-d float tensor
//       results:  one gradient per float argument, typed like that argument
//   "lintra.transpose"(nonlinear_args..., cotangents...) {callee = @g}
//       @g marks its linear arguments with the argument attribute
//       `{lintra.linear}`; the others are non-linear (residuals).
//       results:  one cotangent per linear argument
//
// The counts above depend on @f's signature, which IRDL cannot see; the lintra
// passes verify them and report mismatches at the op's location.
//
// Linear-algebra ops (`LINALG_OP_NAMES` in dialect/__init__.py). Operands are
// statically shaped ranked tensors of f32 or f64 whose last two dimensions are
// the matrix; any leading dimensions are batch dimensions, equal across
// operands and results (the op acts on each matrix of the batch). Their rules
// are in passes/rules/lintra.py; `lintra-decompose-linalg` rewrites them into
// scf and linalg (`lintra-ad` runs it last unless `keep-linalg-ops`).
//   "lintra.cholesky"(a) : (tensor<...xNxNxF>) -> tensor<...xNxNxF>
//       the lower-triangular L with L·Lᵀ = a for a symmetric positive-definite
//       a; only a's lower triangle is read; L's strict upper triangle is 0
//   "lintra.triangular_solve"(a, b) {lower, left_side, transpose_a, unit_diagonal}
//       a : tensor<...xNxNxF>; b and the result: tensor<...xNxKxF> when
//       left_side, tensor<...xKxNxF> otherwise; the four flags are i1
//       attributes (`true`/`false`). Solves op(a)·x = b (left_side) or
//       x·op(a) = b, op(a) = aᵀ when transpose_a, else a; only a's lower
//       (lower) or upper triangle is read, its diagonal taken as 1 when
//       unit_diagonal. Linear in b.
//   "lintra.lu"(a) : (tensor<...xNxNxF>) -> (lu, pivots, permutation)
//       LU with partial pivoting, as LAPACK getrf: lu : tensor<...xNxNxF> holds
//       the unit-lower L below its diagonal and U on and above it;
//       pivots : tensor<...xNxi32> (row i was swapped with row pivots[i], in
//       order); permutation : tensor<...xNxi32>, with a[permutation] = L·U
//   "lintra.lu_pivots_to_permutation"(pivots) : (tensor<...xNxi32>) -> tensor<...xNxi32>
//       the permutation that the swaps `pivots` apply to 0..N-1 (no tangent)
irdl.dialect @lintra {
  irdl.operation @jvp {
    %value = irdl.any
    %callee = irdl.base "#builtin.symbol_ref"
    irdl.operands(operands: variadic %value)
    irdl.results(results: variadic %value)
    irdl.attributes {"callee" = %callee}
  }
  irdl.operation @vjp {
    %value = irdl.any
    %callee = irdl.base "#builtin.symbol_ref"
    irdl.operands(operands: variadic %value)
    irdl.results(results: variadic %value)
    irdl.attributes {"callee" = %callee}
  }
  irdl.operation @grad {
    %value = irdl.any
    %callee = irdl.base "#builtin.symbol_ref"
    irdl.operands(operands: variadic %value)
    irdl.results(results: variadic %value)
    irdl.attributes {"callee" = %callee}
  }
  irdl.operation @transpose {
    %value = irdl.any
    %callee = irdl.base "#builtin.symbol_ref"
    irdl.operands(operands: variadic %value)
    irdl.results(results: variadic %value)
    irdl.attributes {"callee" = %callee}
  }

  // -- linear algebra (contracts in the header) --
  irdl.operation @cholesky {
    %matrix = irdl.base "!builtin.tensor"
    irdl.operands(a: %matrix)
    irdl.results(l: %matrix)
  }
  irdl.operation @triangular_solve {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    // one constraint variable per flag: a variable binds to a single attribute
    %lower = irdl.base "#builtin.integer"
    %left_side = irdl.base "#builtin.integer"
    %transpose_a = irdl.base "#builtin.integer"
    %unit_diagonal = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b)
    irdl.results(x: %b)
    irdl.attributes {
      "lower" = %lower, "left_side" = %left_side,
      "transpose_a" = %transpose_a, "unit_diagonal" = %unit_diagonal
    }
  }
  irdl.operation @lu {
    %matrix = irdl.base "!builtin.tensor"
    %pivots = irdl.base "!builtin.tensor"
    %permutation = irdl.base "!builtin.tensor"
    irdl.operands(a: %matrix)
    irdl.results(lu: %matrix, pivots: %pivots, permutation: %permutation)
  }
  irdl.operation @lu_pivots_to_permutation {
    %indices = irdl.base "!builtin.tensor"
    irdl.operands(pivots: %indices)
    irdl.results(permutation: %indices)
  }
}
