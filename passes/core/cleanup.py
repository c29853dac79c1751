"""Clean-up after AD: simplify, then drop dead residual and tangent code.

`cleanup(ad)` runs canonicalize and cse, then repeatedly
* removes results of generated (private) functions that no caller uses, and
  arguments those functions do not read (updating every call site), so unused
  residuals and tangents disappear across function boundaries;
* erases generated functions that nothing calls any more.
User functions keep their signatures.
"""

from __future__ import annotations

from mlir import ir, passmanager

from .ad_state import AdState, function_name
from .expand import lintra_ops

SIMPLIFY = "builtin.module(canonicalize,cse)"


def simplify(module: ir.Operation) -> None:
    passmanager.PassManager.parse(SIMPLIFY).run(module)


def call_sites(module: ir.Operation) -> dict[str, list[ir.Operation]]:
    sites: dict[str, list] = {}
    for op in lintra_ops(module, ("func.call",)):
        sites.setdefault(ir.FlatSymbolRefAttr(op.attributes["callee"]).value, []).append(op)
    for op in lintra_ops(module):
        sites.setdefault(ir.FlatSymbolRefAttr(op.attributes["callee"]).value, []).append(op)
    return sites


def rebuild_call(call: ir.Operation, keep_args, keep_results, result_types) -> None:
    operands = [v for i, v in enumerate(call.operands) if i in keep_args]
    new = ir.Operation.create("func.call", results=result_types, operands=operands,
                              attributes={"callee": call.attributes["callee"]},
                              loc=call.location, ip=ir.InsertionPoint(call))
    results = iter(new.results)
    for index, old in enumerate(call.results):
        if index in keep_results:
            old.replace_all_uses_with(next(results))
    call.erase()


def prune_function(function: ir.Operation, calls: list) -> bool:
    """Drop unread arguments and unused results of `function`; True if it changed."""
    if any(call.name != "func.call" for call in calls):
        return False
    entry = function.regions[0].blocks[0]
    terminator = list(entry.operations)[-1].operation
    used_results = {i for call in calls for i, r in enumerate(call.results) if list(r.uses)}
    keep_results = sorted(used_results)
    keep_args = [i for i, a in enumerate(entry.arguments) if list(a.uses)]
    n_results = len(terminator.operands)
    if len(keep_results) == n_results and len(keep_args) == len(entry.arguments):
        return False
    returned = [terminator.operands[i] for i in keep_results]
    ir.Operation.create("func.return", operands=returned, loc=terminator.location,
                        ip=ir.InsertionPoint(terminator))
    terminator.erase()
    arg_types = [entry.arguments[i].type for i in keep_args]
    for index in reversed(range(len(entry.arguments))):
        if index not in keep_args:
            entry.erase_argument(index)
    result_types = [v.type for v in returned]
    function.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(arg_types, result_types))
    if "arg_attrs" in function.attributes:
        attrs = list(ir.ArrayAttr(function.attributes["arg_attrs"]))
        function.attributes["arg_attrs"] = ir.ArrayAttr.get([attrs[i] for i in keep_args])
    for call in calls:
        rebuild_call(call, set(keep_args), set(keep_results), result_types)
    return True


def is_generated(function: ir.Operation, ad: AdState) -> bool:
    generated = set(ad.jvp_cache.values()) | set(ad.transpose_cache.values())
    for pair in ad.linearize_cache.values():
        generated.update(pair)
    return function_name(function) in generated


def cleanup(ad: AdState, keep: set[str] = frozenset()) -> None:
    """Simplify, then prune generated functions not named in `keep` to a fixed point."""
    simplify(ad.module)
    changed = True
    while changed:
        changed = False
        sites = call_sites(ad.module)
        for name, function in ad.functions().items():
            if name in keep or not is_generated(function, ad):
                continue
            calls = sites.get(name, [])
            if not calls:
                function.erase()
                changed = True
            elif prune_function(function, calls):
                changed = True
            if changed:  # call sites moved or vanished: collect them again
                simplify(ad.module)
                break
