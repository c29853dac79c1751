"""Errors raised by lintra passes.

Contract: every user-facing failure inside a pass is a `LintraError` carrying an
MLIR location. The pass wrapper (`lintra.passes.base`) turns it into an MLIR
error diagnostic at that location and signals pass failure, so tools print
`file:line:col: error: message` and never a Python traceback.
"""

from __future__ import annotations

from mlir import ir


class LintraError(Exception):
    """A diagnostic: `message` reported at `location` (an `ir.Location`)."""

    def __init__(self, message: str, location: ir.Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    @staticmethod
    def at(op, message: str) -> "LintraError":
        """An error located at `op`, with the op name prefixed as mlir-opt does."""
        operation = getattr(op, "operation", op)
        return LintraError(f"'{operation.name}' op {message}", operation.location)

    @staticmethod
    def from_mlir(error: ir.MLIRError, what: str, fallback: ir.Location) -> "LintraError":
        """`what: <the diagnostics of error>`, at the first diagnostic's location
        (`fallback` if there is none)."""
        diagnostics = error.error_diagnostics
        detail = "; ".join(str(d.message) for d in diagnostics) or str(error)
        location = diagnostics[0].location if diagnostics else fallback
        return LintraError(f"{what}: {detail}", location)


def innermost_location(location: ir.Location) -> ir.Location:
    """The location `location` points at: the one inside a name, the callee of a
    call site, the first of a fused location, recursively (a file location if any)."""
    loc = location
    while True:
        if loc.is_a_name():
            loc = loc.child_loc
        elif loc.is_a_callsite():
            loc = loc.callee
        elif loc.is_a_fused() and loc.locations:
            loc = loc.locations[0]
        else:
            return loc


def format_location(location: ir.Location | None) -> str:
    """`file:line:col` for a location pointing at a file, else the location's own text."""
    if location is None:
        return "<unknown>"
    loc = innermost_location(location)
    if not loc.is_a_file():
        return str(loc)
    return f"{loc.filename}:{loc.start_line}:{loc.start_col}"
