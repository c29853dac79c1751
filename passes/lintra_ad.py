"""lintra-ad: expand every lintra op (jvp, vjp, grad, transpose) into upstream IR.

vjp and grad are linearize followed by transpose, and jvp is the forward and
linear halves of linearize (so a function holding `lintra.jvp` stays
transposable); ops are expanded innermost first, so a function holding
`lintra.grad` can itself be differentiated again.
Then the lintra linear-algebra ops (cholesky, triangular_solve, lu), which
were differentiated by their own rules, are rewritten into scf and linalg
(`lintra-decompose-linalg`; option `keep-linalg-ops` keeps them), every
`lintra.stop_gradient` is replaced by its operand (option
`erase-stop-gradient`, on by default: off only for a pipeline that
differentiates the result again), a call left in the derived code of a function
known only by its transpose (a custom VJP's linear part, see
`core/custom_rules.py`: forward mode through a custom VJP) is an error, and
the module is cleaned up (canonicalize, cse, dead residual/tangent pruning
across generated functions); it holds only upstream dialects. Custom rules
(`lintra.jvp`/`lintra.transpose` function attributes) stay, so the output can
be differentiated again.
With `report-residuals=true` it prints, for each expanded op's forward half,
the residuals it saves (`core/residual_report.py`) to stderr:

    residuals of @f saved by @f_fwd: 1 residuals, 8 bytes
      f64[] output of math.cos at x.py:3:1 (8 bytes)

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

import sys
from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState
from .core.cleanup import cleanup
from .core.custom_rules import check_evaluable, forward_stop_gradients
from .core.expand import expand_all
from .core.linalg_ops import verify_all
from .core.residual_report import format_report, saved_residuals
from .lintra_decompose_linalg import LintraDecomposeLinalg


@dataclass(frozen=True)
class LintraAd(ModulePass):
    argument: ClassVar[str] = "lintra-ad"
    description: ClassVar[str] = (
        "Expand lintra.jvp/vjp/grad/transpose (vjp = linearize + transpose) and clean up"
    )
    cleanup: bool = option(True, "simplify and drop dead residuals and tangents afterwards")
    erase_stop_gradient: bool = option(
        True,
        "replace lintra.stop_gradient by its operand afterwards (off: to differentiate it again)",
    )
    report_residuals: bool = option(
        False,
        "print to stderr the residuals each forward half saves (type, bytes, source location), "
        "as generated, before clean-up",
    )
    keep_linalg_ops: bool = option(
        False, "keep lintra.cholesky/triangular_solve/lu instead of decomposing them into scf and linalg"
    )

    def run(self, module):
        verify_all(module)
        ad = AdState(module)
        expand_all(ad, split_jvp=True)
        if self.report_residuals:
            for callee, fwd, n_results in dict.fromkeys(ad.linearized):
                report = saved_residuals(ad, fwd, n_results)
                print(format_report(f"residuals of @{callee} saved by @{fwd}", report), file=sys.stderr)
        if self.erase_stop_gradient:
            forward_stop_gradients(module)
        if not self.keep_linalg_ops:
            LintraDecomposeLinalg().run(module)
        if self.cleanup:
            cleanup(ad)
        functions = ad.functions()
        check_evaluable(module, [functions[n] for n in ad.generated | ad.touched if n in functions])
