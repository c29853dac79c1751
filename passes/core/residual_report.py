"""What the forward half of a linearization saves for the linear half, as
`jax.ad_checkpoint.print_saved_residuals`.

Contract: `saved_residuals(ad, fwd, n_results)` lists the residuals of the
forward half `@fwd` (its results after the first `n_results`, the primal ones)
as `SavedResidual`s: MLIR type, shape, element type, size in bytes, and where
the value comes from: the op that produced it, followed through calls of
functions with a body (a residual that a callee's forward half returns is
reported at the op inside the callee that computed it), or an argument.
`format_report(title, residuals)` is the text the passes print (one line per
residual, then the total).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from ..diagnostics import format_location
from .ad_state import AdState, function_name
from .emit import element_type, shape_of


@dataclass(frozen=True)
class SavedResidual:
    type: str
    shape: tuple
    element: str
    nbytes: int
    origin: str  # "math.cos", "argument #0 of @f", ...
    location: ir.Location

    def describe(self) -> str:
        where = format_location(self.location)
        kind = "from" if self.origin.startswith("argument") else "output of"
        return f"{self.element}{list(self.shape)} {kind} {self.origin} at {where} ({self.nbytes} bytes)"


def size_in_bytes(type_: ir.Type) -> int:
    """Bytes of a value of `type_` (index counted as 8, i1 as 1)."""
    element = element_type(type_)
    width = 64 if isinstance(element, ir.IndexType) else getattr(element, "width", 64)
    count = 1
    for d in shape_of(type_):
        count *= d
    return count * max(1, (width + 7) // 8)


def source_value(ad: AdState, value: ir.Value, depth: int = 0) -> ir.Value:
    """`value` followed through calls of functions with a body: the value inside
    a callee that it is a result of, or the caller's operand for a returned argument."""
    owner = value.owner
    if isinstance(owner, ir.Block) or depth > 64:
        return value
    op = owner.operation
    if op.name != "func.call":
        return value
    callee = ad.symbol(op.attributes["callee"].value)
    if callee is None or not len(callee.regions[0].blocks):
        return value
    entry = callee.regions[0].blocks[0]
    inner = list(entry.operations)[-1].operands[list(op.results).index(value)]
    if isinstance(inner.owner, ir.Block) and inner.owner == entry:
        return source_value(ad, op.operands[inner.arg_number], depth + 1)
    return source_value(ad, inner, depth + 1)


def origin_of(ad: AdState, value: ir.Value) -> tuple[str, ir.Location]:
    """(what produced `value`, its location) (see the module docstring)."""
    value = source_value(ad, value)
    owner = value.owner
    if isinstance(owner, ir.Block):
        parent = owner.owner.operation
        if parent.name == "func.func":
            return f"argument #{value.arg_number} of @{function_name(parent)}", parent.location
        return f"a value carried by {parent.name}", parent.location
    return owner.operation.name, owner.operation.location


def saved_residuals(ad: AdState, fwd: str, n_results: int) -> list[SavedResidual]:
    """The residuals `@fwd` returns after its `n_results` primal results."""
    function = ad.lookup(fwd)
    returned = list(list(function.regions[0].blocks[0].operations)[-1].operands)[n_results:]
    report = []
    for value in returned:
        origin, location = origin_of(ad, value)
        report.append(
            SavedResidual(
                str(value.type),
                tuple(shape_of(value.type)),
                str(element_type(value.type)),
                size_in_bytes(value.type),
                origin,
                location,
            )
        )
    return report


def format_report(title: str, residuals: list[SavedResidual]) -> str:
    lines = [f"{title}: {len(residuals)} residuals, {sum(r.nbytes for r in residuals)} bytes"]
    lines += [f"  {r.describe()}" for r in residuals]
    return "\n".join(lines)
