"""lintra-transpose: transpose functions that are linear in their `{lintra.linear}` arguments.

Expands every `lintra.transpose` op, and also generates @g_transpose for every
function @g named in `functions` (default: every function with linear arguments
that no lintra.transpose op already covers). Linearity is checked first: a
non-linear or affine function is rejected at the offending op.

Before:
    func.func @g(%a: f64, %t: f64 {lintra.linear}) -> f64 {
      %0 = arith.mulf %a, %t : f64
      return %0 : f64
    }
After (in addition to @g):
    func.func private @g_transpose(%a: f64, %ct: f64) -> f64 {
      %0 = arith.mulf %a, %ct : f64
      return %0 : f64
    }
"""

from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState, linear_arg_positions
from .core.cleanup import cleanup
from .core.expand import expand_all
from .core.transpose import transpose_function


@dataclass(frozen=True)
class LintraTranspose(ModulePass):
    argument: ClassVar[str] = "lintra-transpose"
    description: ClassVar[str] = (
        "Transpose linear functions ({lintra.linear} arguments) and expand lintra.transpose"
    )
    functions: tuple[str, ...] = option(
        (), "functions to transpose (none: every function with linear arguments no lintra.transpose covers)"
    )

    def run(self, module):
        ad = AdState(module)
        expand_all(ad, ("lintra.transpose",))
        kept = {
            transpose_function(ad, function)
            for function in ad.select(list(self.functions), linear_arg_positions, self.argument)
        }
        cleanup(ad, keep=kept)
