"""lintra-jvp: forward mode. Generate @f_jvp per callee and call it for each lintra.jvp.

A callee with a custom JVP (`lintra.jvp = @rule`, see core/custom_rules.py) gets
the rule's body; `lintra.stop_gradient` ops stay (lintra-ad removes them).

Before:
    %y, %dy = "lintra.jvp"(%x, %dx) {callee = @f} : (f64, f64) -> (f64, f64)
After:
    %0:2 = call @f_jvp(%x, %dx) : (f64, f64) -> (f64, f64)
    func.func private @f_jvp(%x: f64, %dx: f64) -> (f64, f64) {
      %0 = math.sin %x : f64
      %1 = math.cos %x : f64
      %2 = arith.mulf %dx, %1 : f64
      return %0, %2 : f64, f64
    }
"""

from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass
from .core.ad_state import AdState
from .core.cleanup import cleanup
from .core.expand import expand_all


@dataclass(frozen=True)
class LintraJvp(ModulePass):
    argument: ClassVar[str] = "lintra-jvp"
    description: ClassVar[str] = "Expand lintra.jvp ops into calls of generated JVP functions (forward mode)"

    def run(self, module):
        ad = AdState(module)
        expand_all(ad, ("lintra.jvp",))
        cleanup(ad)
