"""lintra-linearize: JVP followed by partial evaluation, on named functions.

For each function @f in `functions` (default: every public function with a body)
it adds @f_fwd, the primal computation that also returns residuals, and @f_lin,
linear in its `{lintra.linear}` tangent arguments. Only the generated functions
are simplified; @f and the rest of the module are left unchanged.

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

from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState
from .core.cleanup import cleanup
from .core.linearize import linearize_function


@dataclass(frozen=True)
class LintraLinearize(ModulePass):
    argument: ClassVar[str] = "lintra-linearize"
    description: ClassVar[str] = (
        "Split functions into a primal part saving residuals and a linear tangent part"
    )
    functions: tuple[str, ...] = option(
        (), "functions to linearize (none: every public function with a body)"
    )

    def run(self, module):
        ad = AdState(module)
        kept = set()
        for function in ad.select(
            list(self.functions), lambda f: "sym_visibility" not in f.attributes, self.argument
        ):
            kept.update(linearize_function(ad, function))
        cleanup(ad, keep=kept)
