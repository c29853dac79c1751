"""The rule of `lintra.stop_gradient`: the identity on values, with a zero derivative.

Its JVP rule gives a zero tangent, so whatever it reads is a constant for
differentiation (JAX's `lax.stop_gradient`). It is not linear (no transpose
rule): a linear value passed through it is an error in a function being
transposed. Batched, it stays elementwise (vmap of stop_gradient is
stop_gradient of the batch). lintra-ad replaces it by its operand after differentiating
(`core/custom_rules.forward_stop_gradients`). The linear-algebra ops of the
lintra dialect have their rules in `lintra.py`.
"""

from __future__ import annotations

from ..core.custom_rules import STOP_GRADIENT
from ..core.tables import defvectorized, defzero

defzero(STOP_GRADIENT, reason="stop_gradient: the identity whose derivative is zero by definition")
defvectorized(STOP_GRADIENT)
