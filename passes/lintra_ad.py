"""lintra-ad: expand every lintra op (jvp, vjp, grad, transpose) into upstream IR.

vjp and grad are linearize followed by transpose, and jvp is the forward and
linear halves of linearize (so a function holding `lintra.jvp` stays
transposable); ops are expanded innermost first, so a function holding
`lintra.grad` can itself be differentiated again.
Afterwards the lintra linear-algebra ops (cholesky, triangular_solve, lu), which
were differentiated by their own rules, are rewritten into scf and linalg
(`lintra-decompose-linalg`; option `keep-linalg-ops` keeps them), and the module
is cleaned up (canonicalize, cse, dead residual/tangent pruning across generated
functions); by default it then holds only upstream dialects.

Before:
    func.func @f(%x: f64) -> f64 {
      %0 = math.sin %x : f64
      return %0 : f64
    }
    func.func @df(%x: f64) -> f64 {
      %0 = "lintra.grad"(%x) {callee = @f} : (f64) -> f64
      return %0 : f64
    }
After:
    func.func @df(%x: f64) -> f64 {
      %0 = call @f_fwd(%x) : (f64) -> f64                  // residual cos(x)
      %1 = call @f_lin_transpose(%0, %cst_1) : (f64, f64) -> f64
      return %1 : f64
    }
    func.func private @f_fwd(%x: f64) -> f64 { %0 = math.cos %x ... return %0 }
    func.func private @f_lin_transpose(%r: f64, %ct: f64) -> f64 { %0 = arith.mulf %ct, %r ... }
"""

from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState
from .core.cleanup import cleanup
from .core.expand import expand_all
from .core.linalg_ops import verify_all
from .lintra_decompose_linalg import LintraDecomposeLinalg


@dataclass(frozen=True)
class LintraAd(ModulePass):
    argument: ClassVar[str] = "lintra-ad"
    description: ClassVar[str] = (
        "Expand lintra.jvp/vjp/grad/transpose (vjp = linearize + transpose) and clean up"
    )
    cleanup: bool = option(True, "simplify and drop dead residuals and tangents afterwards")
    keep_linalg_ops: bool = option(
        False, "keep lintra.cholesky/triangular_solve/lu instead of decomposing them into scf and linalg"
    )

    def run(self, module):
        verify_all(module)
        ad = AdState(module)
        expand_all(ad, split_jvp=True)
        if not self.keep_linalg_ops:
            LintraDecomposeLinalg().run(module)
        if self.cleanup:
            cleanup(ad)
