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
//   "lintra.vmap"(args...) {callee = @f, in_axes = array<i64: ...>,
//                           out_axes = array<i64: ...>, axis_size = N : i64}
//       @f applied to each of N batch members (batching, `lintra-batch`).
//       in_axes:  one entry per argument of @f: the dimension of operand i
//                 that is mapped (operand i is @f's argument type with a
//                 dimension of size N inserted there), or -1 for an unbatched
//                 operand (passed as it is to every member).
//       out_axes: one entry per result of @f: where result j gets its batch
//                 dimension, or -1 for a result that must not depend on a
//                 batched operand (returned once).
//       A scalar argument or result batched gets type tensor<N x T>.
//
// The counts above depend on @f's signature, which IRDL cannot see; the lintra
// passes verify them and report mismatches at the op's location.
//
// Custom rules (passes/core/custom_rules.py), as function attributes:
//   func.func @f(...) attributes {lintra.jvp = @f_jvp}
//       @f_jvp(primals..., tangents...) -> (results..., result_tangents...),
//       one tangent per float argument / float result of @f (lintra's own JVP
//       signature), with a body. Differentiating @f (a lintra op's callee or a
//       call of @f) inlines @f_jvp's body instead of differentiating @f's. Its
//       primal results may not depend on the tangents; its tangent results
//       must be linear in them (reverse mode transposes that part and reports
//       an op that is not linear at its location).
//   func.func @g(r..., l... {lintra.linear}) attributes {lintra.transpose = @g_t}
//       @g_t(r..., cotangents of @g's float results...) -> (cotangents of l...)
//       Transposing @g (a call of it in a linear function, or a
//       "lintra.transpose" of it) calls @g_t; @g's body is not transposed and may
//       be absent: a declaration is a linear map known only by its transpose
//       (a custom VJP's linear part), and a call of it left in forward-mode
//       code is an error.
//   Bad attributes (not a symbol, missing, not a func.func, wrong signature)
//   are errors located at the function carrying them.
//
//   "lintra.stop_gradient"(x) : (T) -> T
//       the identity on values, with a zero derivative (any type; only float
//       values carry derivatives). lintra-ad replaces it by its operand after
//       differentiating.
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
//   "lintra.triangular_matmul"(a, b) {lower, left_side, transpose_a, unit_diagonal}
//       as triangular_solve, but the product op(t)·b (left_side) or b·op(t),
//       t the triangle of a that the flags select (its diagonal 1 when
//       unit_diagonal, 0 elsewhere). Linear in b.
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
  // Not an AD entry point: an op on values (see the header).
  irdl.operation @stop_gradient {
    %value = irdl.any
    irdl.operands(operand: %value)
    irdl.results(result: %value)
  }

  // Batching (vmap), kept in its own block.
  // Operands and results have separate constraints: a batched result's type
  // usually differs from the operands'.
  irdl.operation @vmap {
    %operand = irdl.any
    %result = irdl.any
    %callee = irdl.base "#builtin.symbol_ref"
    %axes = irdl.base "#builtin.dense_array"
    %size = irdl.base "#builtin.integer"
    irdl.operands(operands: variadic %operand)
    irdl.results(results: variadic %result)
    irdl.attributes {"callee" = %callee, "in_axes" = %axes, "out_axes" = %axes, "axis_size" = %size}
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
  irdl.operation @triangular_matmul {
    %a = irdl.base "!builtin.tensor"
    %b = irdl.base "!builtin.tensor"
    // one constraint variable per flag: a variable binds to a single attribute
    %lower = irdl.base "#builtin.integer"
    %left_side = irdl.base "#builtin.integer"
    %transpose_a = irdl.base "#builtin.integer"
    %unit_diagonal = irdl.base "#builtin.integer"
    irdl.operands(a: %a, b: %b)
    irdl.results(product: %b)
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
