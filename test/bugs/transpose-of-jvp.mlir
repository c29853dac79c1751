// Reproducer (AD core): transposing a function that is linear in its
// {lintra.linear} argument but computes its output with "lintra.jvp" fails.
// lintra.jvp expands into a call of @f_jvp(primals, tangents), whose arguments
// carry no {lintra.linear} marks, so the transposer rejects the call:
//   error: 'func.call' op is not linear in operand #1, which depends on a
//   linear argument: the function is not linear
// Expected: @main(%ct) = cos(0.5) * %ct (the JVP is linear in its tangents;
// expanding lintra.jvp as @f_fwd + @f_lin, as the func.call JVP rule does,
// would make it transposable). Frontend impact: linear_transpose of a function
// that calls lintra.jvp / linearize's f_jvp (JAX allows this).
// XFAIL: *
// RUN: lintra-opt --lintra-ad %s | FileCheck %s

func.func @f(%x: f64) -> f64 {
  %0 = math.sin %x : f64
  return %0 : f64
}

func.func @lin(%t: f64 {lintra.linear}) -> f64 {
  %x0 = arith.constant 0.5 : f64
  %y, %dy = "lintra.jvp"(%x0, %t) {callee = @f} : (f64, f64) -> (f64, f64)
  return %dy : f64
}

// CHECK-LABEL: func.func @main
// CHECK-NOT:     lintra.
func.func @main(%ct: f64) -> f64 {
  %r = "lintra.transpose"(%ct) {callee = @lin} : (f64) -> f64
  return %r : f64
}
