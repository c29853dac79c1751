"""Region control flow (scf) is not batched yet: an scf op reading a batched
value is rejected at its location with this reason (`NOT_BATCHABLE`)."""

from __future__ import annotations

from ..core.tables import defunbatchable

defunbatchable(
    "scf.for",
    "scf.if",
    "scf.while",
    "scf.forall",
    "scf.parallel",
    "scf.index_switch",
    "scf.execute_region",
    reason="structured control flow has no batching rule yet (its loop bounds and conditions "
    "may differ across the batch)",
)
