"""Reverse mode as linearize, then transpose, shown on the IR.

1. Trace f with lintra.jit(...).lower(...) into a func.func @f.
2. lintra-linearize splits it into @f_fwd (the primal, also returning the
   residuals the derivative needs) and @f_lin (linear in its {lintra.linear}
   tangents).
3. lintra-transpose turns @f_lin into @f_lin_transpose, the VJP.
4. The frontend does the same for lintra.linearize / lintra.vjp: the residuals
   of one forward run are reused by every JVP/VJP call, and the two satisfy
   <ct, J t> == <J^T ct, t>. lintra.linear_transpose transposes any linear
   function the same way.

Run: python examples/linearize_walkthrough.py
"""

import numpy as np
from mlir import ir

import lintra
import lintra.numpy as lnp
from lintra.dialect import make_context
from lintra.passes import PASSES


def f(x):
    return lnp.sin(x) * lnp.exp(x[0])


def print_functions(module, names):
    for op in module.body.operations:
        if (
            op.operation.name == "func.func"
            and ir.StringAttr(op.operation.attributes["sym_name"]).value in names
        ):
            print(op)


def main():
    x = np.array([0.5, 1.0, 2.0])
    traced = lintra.jit(f).lower(x).as_text()
    print("== traced ==\n" + traced)

    with make_context() as context, ir.Location.unknown(context):
        module = ir.Module.parse(traced)
        PASSES["lintra-linearize"](functions="f").run(module.operation)
        print("== lintra-linearize: the forward half and the linear half ==")
        print_functions(module, {"f_fwd", "f_lin"})
        PASSES["lintra-transpose"](functions="f_lin").run(module.operation)
        print("== lintra-transpose: the transposed linear half (the VJP) ==")
        print_functions(module, {"f_lin_transpose"})

    y, f_jvp = lintra.linearize(f, x)  # runs @f_fwd once, keeps the residuals
    _, f_vjp = lintra.vjp(f, x)  # transposes @f_lin
    t, ct = np.array([1.0, 0.0, -1.0]), np.array([0.3, 0.2, 0.1])
    jt, (jct,) = f_jvp(t), f_vjp(ct)
    print("f(x)        =", y)
    print("J t         =", jt)
    print("J^T ct      =", jct)
    print("<ct, J t>   =", float(ct @ jt))
    print("<J^T ct, t> =", float(jct @ t))
    # linear_transpose transposes any linear function the same way (lintra.transpose).
    pair_sums = lintra.linear_transpose(lambda v: v[1:] + v[:-1], t)
    print("transpose of v -> v[1:] + v[:-1], at [1, 10]:", pair_sums(np.array([1.0, 10.0]))[0])


if __name__ == "__main__":
    main()
