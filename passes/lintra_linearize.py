"""lintra-linearize: JVP followed by partial evaluation, on named functions.

For each function @f in `functions` (default: every public function with a body)
it adds @f_fwd, the primal computation that also returns residuals, and @f_lin,
linear in its `{lintra.linear}` tangent arguments. Only the generated functions
are simplified; @f and the rest of the module are left unchanged. With
`report-residuals=true` it prints the residuals each @f_fwd saves to stderr
(`core/residual_report.py`). A function marked `lintra.checkpoint` saves only
its inputs, and a loop of @f marked `lintra.checkpoint_every = k` is first cut,
in @f itself (the values stay the same), into segments of k iterations that are
such functions (`core/checkpoint.py`).

Before (`lintra-linearize{functions=f}`):
    func.func @f(%x: f64) -> f64 {
      %0 = math.sin %x : f64
      return %0 : f64
    }
After (in addition to @f):
    func.func private @f_fwd(%x: f64) -> (f64, f64) {
      %0 = math.sin %x : f64
      %1 = math.cos %x : f64           // the residual
      return %0, %1 : f64, f64
    }
    func.func private @f_lin(%r: f64, %dx: f64 {lintra.linear}) -> f64 {
      %0 = arith.mulf %dx, %r : f64
      return %0 : f64
    }
"""

import sys
from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState, function_name, function_type
from .core.cleanup import cleanup
from .core.linearize import linearize_function
from .core.residual_report import format_report, saved_residuals


@dataclass(frozen=True)
class LintraLinearize(ModulePass):
    argument: ClassVar[str] = "lintra-linearize"
    description: ClassVar[str] = (
        "Split functions into a primal part saving residuals and a linear tangent part"
    )
    functions: tuple[str, ...] = option(
        (), "functions to linearize (none: every public function with a body)"
    )

    report_residuals: bool = option(
        False, "print to stderr the residuals each @f_fwd saves (type, bytes, source location)"
    )

    def run(self, module):
        ad = AdState(module)
        halves = {}
        for function in ad.select(
            list(self.functions), lambda f: "sym_visibility" not in f.attributes, self.argument
        ):
            halves[function_name(function)] = (
                linearize_function(ad, function),
                len(function_type(function).results),
            )
        cleanup(ad, keep={name for pair, _ in halves.values() for name in pair})
        if self.report_residuals:
            for name, ((fwd, _), n_results) in halves.items():
                report = saved_residuals(ad, fwd, n_results)
                print(format_report(f"residuals of @{name} saved by @{fwd}", report), file=sys.stderr)
