// Mistakes in custom rules (`lintra.jvp`/`lintra.transpose` function
// attributes, passes/core/custom_rules.py) and in lintra.stop_gradient are
// errors located at the offending op or at the function carrying the
// attribute, with exit code 1 and no Python traceback. Each chunk is one
// mistake; every error is checked (no other error may appear).
// RUN: not lintra-opt %s --split-input-file --lintra-ad 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not=error: --implicit-check-not=Traceback

// CHECK-NOT: Traceback

// A custom JVP whose tangent part is not linear (t * t): reverse mode
// transposes it and reports the op, in the rule, where it is not linear.
func.func private @square(%x: f64) -> f64 attributes {lintra.jvp = @square_jvp} {
  %0 = arith.mulf %x, %x : f64
  return %0 : f64
}
func.func private @square_jvp(%x: f64, %t: f64) -> (f64, f64) {
  %0 = arith.mulf %x, %x : f64
  // CHECK: {{.*}}custom-rules.mlir:[[@LINE+1]]:8: error: 'arith.mulf' op multiplies two linear values (operand #0 and operand #1): the function is not linear
  %1 = arith.mulf %t, %t : f64
  return %0, %1 : f64, f64
}
func.func @grad_square(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @square} : (f64) -> f64
  return %g : f64
}

// -----

// The same through a call, and a non-linear op (sin of the tangent).
func.func private @g(%x: f64) -> f64 attributes {lintra.jvp = @g_jvp} {
  return %x : f64
}
func.func private @g_jvp(%x: f64, %t: f64) -> (f64, f64) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'math.sin' op is applied to a linear value (operand #0) but 'math.sin' is not linear: the function is not linear in its {lintra.linear} arguments
  %0 = math.sin %t : f64
  return %x, %0 : f64, f64
}
func.func @h(%x: f64) -> f64 {
  %0 = func.call @g(%x) : (f64) -> f64
  return %0 : f64
}
func.func @grad_h(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @h} : (f64) -> f64
  return %g : f64
}

// -----

// A custom JVP whose signature does not follow the contract (it lacks the
// tangent argument and result).
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op has the custom JVP @wrong_jvp of type (f64) -> f64, but a custom JVP of @wrong must have type (f64, f64) -> (f64, f64) (the primal arguments, then one tangent per float argument -> the results, then one tangent per float result)
func.func private @wrong(%x: f64) -> f64 attributes {lintra.jvp = @wrong_jvp} {
  return %x : f64
}
func.func private @wrong_jvp(%x: f64) -> f64 {
  return %x : f64
}
func.func @grad_wrong(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @wrong} : (f64) -> f64
  return %g : f64
}

// -----

// A custom JVP that does not exist.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op names @nowhere as its custom JVP ('lintra.jvp'), but the module has no symbol @nowhere
func.func private @missing(%x: f64) -> f64 attributes {lintra.jvp = @nowhere} {
  return %x : f64
}
func.func @grad_missing(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @missing} : (f64) -> f64
  return %g : f64
}

// -----

// A custom JVP named by something other than a symbol reference.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op has 'lintra.jvp' = "f_jvp", but a custom JVP must be named by a flat symbol reference to a func.func, such as @not_symbol_jvp
func.func private @not_symbol(%x: f64) -> f64 attributes {lintra.jvp = "f_jvp"} {
  return %x : f64
}
func.func @grad_not_symbol(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @not_symbol} : (f64) -> f64
  return %g : f64
}

// -----

// A custom JVP that is a symbol but not a function.
memref.global "private" @table : memref<2xf64>
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op names @table as its custom JVP ('lintra.jvp'), but @table is a 'memref.global', not a func.func
func.func private @not_function(%x: f64) -> f64 attributes {lintra.jvp = @table} {
  return %x : f64
}
func.func @grad_not_function(%x: f64) -> f64 {
  %g = "lintra.grad"(%x) {callee = @not_function} : (f64) -> f64
  return %g : f64
}

// -----

// A custom JVP without a body (it is inlined, so it needs one).
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op names @decl_jvp as its custom JVP, but @decl_jvp is a declaration: a custom JVP is inlined, so it needs a body
func.func private @bodyless_rule(%x: f64) -> f64 attributes {lintra.jvp = @decl_jvp} {
  return %x : f64
}
func.func private @decl_jvp(f64, f64) -> (f64, f64)
func.func @jvp_bodyless(%x: f64, %t: f64) -> (f64, f64) {
  %y, %dy = "lintra.jvp"(%x, %t) {callee = @bodyless_rule} : (f64, f64) -> (f64, f64)
  return %y, %dy : f64, f64
}

// -----

// A custom JVP whose primal result depends on the tangent.
func.func private @leaky(%x: f64) -> f64 attributes {lintra.jvp = @leaky_jvp} {
  return %x : f64
}
func.func private @leaky_jvp(%x: f64, %t: f64) -> (f64, f64) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'arith.addf' op makes primal result #0 of the JVP @leaky_jvp_1 depend on the tangent arguments: a custom JVP (lintra.jvp) must compute its primal results from the primal arguments only
  %0 = arith.addf %x, %t : f64
  return %0, %t : f64, f64
}
func.func @jvp_leaky(%x: f64, %t: f64) -> (f64, f64) {
  %y, %dy = "lintra.jvp"(%x, %t) {callee = @leaky} : (f64, f64) -> (f64, f64)
  return %y, %dy : f64, f64
}

// -----

// A custom transpose whose signature does not follow the contract (it returns
// a cotangent for the non-linear argument too).
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op has the custom transpose @scale_t of type (f64, f64) -> (f64, f64), but a custom transpose of @scale must have type (f64, f64) -> f64 (the non-linear arguments, then one cotangent per float result -> one cotangent per {lintra.linear} argument)
func.func private @scale(%a: f64, %t: f64 {lintra.linear}) -> f64 attributes {lintra.transpose = @scale_t} {
  %0 = arith.mulf %a, %t : f64
  return %0 : f64
}
func.func private @scale_t(%a: f64, %ct: f64) -> (f64, f64) {
  %0 = arith.mulf %a, %ct : f64
  return %0, %0 : f64, f64
}
func.func @transpose_scale(%a: f64, %ct: f64) -> f64 {
  %0 = "lintra.transpose"(%a, %ct) {callee = @scale} : (f64, f64) -> f64
  return %0 : f64
}

// -----

// A custom transpose that does not exist, on a function known only by it.
// CHECK: {{.*}}.mlir:[[@LINE+1]]:1: error: 'func.func' op names @gone as its custom transpose ('lintra.transpose'), but the module has no symbol @gone
func.func private @only_t(%a: f64, %t: f64 {lintra.linear}) -> f64 attributes {lintra.transpose = @gone}
func.func @transpose_only_t(%a: f64, %ct: f64) -> f64 {
  %0 = "lintra.transpose"(%a, %ct) {callee = @only_t} : (f64, f64) -> f64
  return %0 : f64
}

// -----

// A custom transpose on a function without {lintra.linear} arguments: a call
// of it in a linear function is not linear.
func.func private @unmarked(%t: f64) -> f64 attributes {lintra.transpose = @unmarked_t} {
  return %t : f64
}
func.func private @unmarked_t(%ct: f64) -> f64 {
  return %ct : f64
}
func.func @linear(%t: f64 {lintra.linear}) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'func.call' op is not linear in operand #0, which depends on a linear argument: the function is not linear
  %0 = func.call @unmarked(%t) : (f64) -> f64
  return %0 : f64
}
func.func @transpose_linear(%ct: f64) -> f64 {
  %0 = "lintra.transpose"(%ct) {callee = @linear} : (f64) -> f64
  return %0 : f64
}

// -----

// Forward mode through a custom VJP: the JVP would evaluate @cube_lin, which is
// known only by its transpose. Reported at the call of it left after clean-up,
// which took the place of the lintra.jvp op.
func.func private @cube(%x: f64) -> f64 attributes {lintra.jvp = @cube_jvp} {
  %0 = arith.mulf %x, %x : f64
  %1 = arith.mulf %0, %x : f64
  return %1 : f64
}
func.func private @cube_lin(%r: f64, %t: f64 {lintra.linear}) -> f64 attributes {lintra.transpose = @cube_bwd}
func.func private @cube_bwd(%r: f64, %ct: f64) -> f64 {
  %0 = arith.mulf %r, %ct : f64
  return %0 : f64
}
func.func private @cube_jvp(%x: f64, %t: f64) -> (f64, f64) {
  %0 = arith.mulf %x, %x : f64
  %y = arith.mulf %0, %x : f64
  %dy = func.call @cube_lin(%0, %t) : (f64, f64) -> f64
  return %y, %dy : f64, f64
}
func.func @jvp_cube(%x: f64, %t: f64) -> (f64, f64) {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:13: error: 'func.call' op calls @cube_lin, a linear function known only by its transpose (lintra.transpose = @cube_bwd), as the linear part of a custom VJP is: it cannot be evaluated, so forward-mode differentiation (jvp, linearize, jacfwd) through a custom VJP is not defined (can't apply forward-mode autodiff (jvp) to a custom_vjp function)
  %y, %dy = "lintra.jvp"(%x, %t) {callee = @cube} : (f64, f64) -> (f64, f64)
  return %y, %dy : f64, f64
}

// -----

// A malformed stop_gradient (two operands).
func.func @bad_stop(%x: f64) -> f64 {
  // CHECK: {{.*}}.mlir:[[@LINE+1]]:8: error: 'lintra.stop_gradient' op requires one operand and one result of the same type
  %0 = "lintra.stop_gradient"(%x, %x) : (f64, f64) -> f64
  return %0 : f64
}
