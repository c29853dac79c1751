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
}
