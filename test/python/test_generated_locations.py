"""Every op that lintra generates carries a location from the user's source.

An error in generated code (a lowering failure, a verifier error) is then
reported at the user's op that caused it, never at `loc(unknown)` or at a
line of a generated module. For each function of the rule-table corpus
(test_rule_tables.CORPUS, which exercises every JVP rule), expand its lintra
ops, linearize it and transpose its linear half (without the clean-up, whose
upstream canonicalization hoists constants to unknown locations), then check
that every op of the module has a file location, or sits inside an op that has
one (upstream builds the bodies of named linalg ops at unknown locations).
"""

from __future__ import annotations

import pytest
from mlir import ir
from test_rule_tables import CORPUS

from lintra.dialect import make_context
from lintra.passes.core.ad_state import AdState
from lintra.passes.core.expand import expand_all
from lintra.passes.core.linearize import linearize_function
from lintra.passes.core.transpose import transpose_function
from lintra.passes.diagnostics import innermost_location


def file_line(location: ir.Location):
    """The line of the file location inside `location` (None if it has none)."""
    inner = innermost_location(location)
    return inner.start_line if inner.is_a_file() else None


def unlocated_ops(module) -> list[str]:
    found = []

    def visit(op):
        if op.name == "builtin.module":
            return ir.WalkResult.ADVANCE
        owner = op
        while owner is not None and owner.name != "builtin.module":
            if file_line(owner.location) is not None:
                return ir.WalkResult.ADVANCE
            owner = owner.parent
        found.append(f"{op.name} at {op.location}")
        return ir.WalkResult.ADVANCE

    module.operation.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_generated_ops_have_user_locations(case):
    text, name = CORPUS[case]
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse(text)
        ad = AdState(module.operation)
        expand_all(ad, split_jvp=True)
        _, lin = linearize_function(ad, ad.lookup(name))
        transpose_function(ad, ad.lookup(lin))
        missing = unlocated_ops(module)
        assert not missing, missing
