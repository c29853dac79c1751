"""lintra-batch: expand every `lintra.vmap` into a call of a batched function.

Each op of the callee is re-emitted by its batching rule (`BATCH_RULES`, see
`core/batch.py`); calls are batched through batched callees generated once per
pattern of batched arguments. vmaps are expanded innermost first (vmap of
vmap); lintra AD ops inside a vmapped function are re-emitted on the batched
callee (`rules/lintra_ops.py`), for lintra-ad to expand. lintra-ad expands
vmaps too, interleaved innermost first with the AD ops, so one lintra-ad run
handles grad(vmap(f)) and vmap(grad(f)).

Before:
    func.func @f(%x: tensor<3xf64>, %w: tensor<3xf64>) -> f64 { ... dot ... }
    func.func @g(%xs: tensor<3x8xf64>, %w: tensor<3xf64>) -> tensor<8xf64> {
      %0 = "lintra.vmap"(%xs, %w) {callee = @f, in_axes = array<i64: 1, -1>,
             out_axes = array<i64: 0>, axis_size = 8 : i64}
             : (tensor<3x8xf64>, tensor<3xf64>) -> tensor<8xf64>
      return %0 : tensor<8xf64>
    }
After:
    func.func @g(%xs: tensor<3x8xf64>, %w: tensor<3xf64>) -> tensor<8xf64> {
      %t = linalg.transpose ins(%xs) ... permutation = [1, 0]     // 8x3
      %0 = call @f_batched(%t, %w) : (tensor<8x3xf64>, tensor<3xf64>) -> tensor<8xf64>
      return %0 : tensor<8xf64>
    }
    func.func private @f_batched(...)   // the dot: a linalg.generic with a batch loop
"""

from dataclasses import dataclass
from typing import ClassVar

from .base import ModulePass, option
from .core.ad_state import AdState
from .core.cleanup import cleanup
from .core.expand import expand_all

VMAP = ("lintra.vmap",)


@dataclass(frozen=True)
class LintraBatch(ModulePass):
    argument: ClassVar[str] = "lintra-batch"
    description: ClassVar[str] = "Expand lintra.vmap into calls of batched functions (batching rules)"
    cleanup: bool = option(True, "simplify and drop dead code afterwards")

    def run(self, module):
        ad = AdState(module)
        expand_all(ad, VMAP, waits_for=VMAP)
        if self.cleanup:
            cleanup(ad)
