"""Clean-up after AD: simplify, then drop dead residual and tangent code.

`cleanup(ad)` touches only functions the AD generated or expanded lintra ops
in; other user functions are left as they were. It runs canonicalize and cse on
those, then repeats until nothing changes, for each generated (private) function:
* erase it when nothing calls it any more;
* drop results no caller uses, fold results that return the same value twice
  into one (so a residual is passed once), and move returned constants and
  returned arguments to the call sites;
* drop arguments it does not read, and arguments every caller passes the same
  constant for (the constant moves into the function, where canonicalize can
  fold it, e.g. the 1.0 seed of a gradient);
and updates every call site; callers of a function that merely forwards to
another call that one directly, and repeated calls of a generated function with
the same operands are merged (generated functions are pure). Unused residuals and tangents thus disappear
across function boundaries.
"""

from __future__ import annotations

from mlir import ir, passmanager

from .ad_state import AdState, callee_of
from .emit import erase_dead_ops, used_values
from .expand import lintra_ops

SIMPLIFY = "func.func(canonicalize,cse)"


def simplify(functions) -> None:
    pass_manager = passmanager.PassManager.parse(SIMPLIFY)
    for function in functions:
        pass_manager.run(function)


def call_sites(module: ir.Operation) -> dict[str, list[ir.Operation]]:
    sites: dict[str, list] = {}
    for op in lintra_ops(module, ("func.call",)) + lintra_ops(module):
        sites.setdefault(callee_of(op), []).append(op)
    return sites


def constant_attr(value: ir.Value):
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.constant":
        return None
    return owner.operation.attributes["value"]


def same_constant(calls: list, index: int):
    """The constant attribute every call passes as argument `index`, else None."""
    attrs = [constant_attr(call.operands[index]) for call in calls]
    if attrs[0] is None or any(a is None or a != attrs[0] for a in attrs):
        return None
    return attrs[0]


def rebuild_call(call: ir.Operation, keep_args, result_sources, result_types) -> None:
    """Replace `call` by one passing `keep_args`; old result i takes new result result_sources[i]."""
    operands = [v for i, v in enumerate(call.operands) if i in keep_args]
    new = ir.Operation.create("func.call", results=result_types, operands=operands,
                              attributes={"callee": call.attributes["callee"]},
                              loc=call.location, ip=ir.InsertionPoint(call))
    for old, source in zip(call.results, result_sources):
        if source is not None:
            old.replace_all_uses_with(new.results[source])
    call.erase()


def prune_function(function: ir.Operation, calls: list) -> bool:
    """Apply the signature clean-ups of the module docstring; True if it changed."""
    if any(call.name != "func.call" for call in calls):
        return False
    entry = function.regions[0].blocks[0]
    # Arguments: move constants every caller passes into the function.
    for index, argument in enumerate(entry.arguments):
        attr = same_constant(calls, index) if list(argument.uses) else None
        if attr is not None:
            constant = ir.Operation.create("arith.constant", results=[argument.type],
                                           attributes={"value": attr}, loc=function.location,
                                           ip=ir.InsertionPoint.at_block_begin(entry))
            argument.replace_all_uses_with(constant.result)
    terminator = list(entry.operations)[-1].operation
    returned = list(terminator.operands)
    # Results: a returned constant is re-created at each call site, and a
    # returned argument is replaced by the caller's operand.
    for index, value in enumerate(returned):
        attr = constant_attr(value)
        forwarded = value.owner == entry and isinstance(value, ir.BlockArgument)
        for call in calls:
            if not list(call.results[index].uses):
                continue
            if attr is not None:
                constant = ir.Operation.create("arith.constant", results=[value.type],
                                               attributes={"value": attr}, loc=call.location,
                                               ip=ir.InsertionPoint(call))
                call.results[index].replace_all_uses_with(constant.result)
            elif forwarded:
                call.results[index].replace_all_uses_with(call.operands[value.arg_number])
    # Results: keep the first position of each used, distinct returned value.
    first_position: dict = {}
    result_sources = []
    kept_values = []
    for index, value in enumerate(returned):
        used = any(list(call.results[index].uses) for call in calls)
        if not used:
            result_sources.append(None)
            continue
        if value not in first_position:
            first_position[value] = len(kept_values)
            kept_values.append(value)
        result_sources.append(first_position[value])
    # Arguments: keep those the body or a kept result still reads.
    still_read = set(kept_values)
    for op in list(entry.operations)[:-1]:
        still_read.update(used_values(op.operation))
    keep_args = [i for i, a in enumerate(entry.arguments) if a in still_read]
    if len(kept_values) == len(returned) and len(keep_args) == len(entry.arguments) \
            and result_sources == list(range(len(returned))):
        return False
    ir.Operation.create("func.return", operands=kept_values, loc=terminator.location,
                        ip=ir.InsertionPoint(terminator))
    terminator.erase()
    arg_types = [entry.arguments[i].type for i in keep_args]
    for index in reversed(range(len(entry.arguments))):
        if index not in keep_args:
            entry.erase_argument(index)
    result_types = [v.type for v in kept_values]
    function.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(arg_types, result_types))
    if "arg_attrs" in function.attributes:
        attrs = list(ir.ArrayAttr(function.attributes["arg_attrs"]))
        function.attributes["arg_attrs"] = ir.ArrayAttr.get([attrs[i] for i in keep_args])
    for call in calls:
        if kept_values:
            rebuild_call(call, set(keep_args), result_sources, result_types)
        else:  # generated functions are pure: a call whose results are unused goes
            call.erase()
    return True


def bypass_wrapper(function: ir.Operation, calls: list) -> bool:
    """If `function` only forwards its arguments to another call and returns its
    results, make the callers call that function directly; True if it did."""
    entry = function.regions[0].blocks[0]
    operations = [op.operation for op in entry.operations]
    if len(operations) != 2 or operations[0].name != "func.call" or \
            list(operations[1].operands) != list(operations[0].results):
        return False
    inner = operations[0]
    if not all(isinstance(v, ir.BlockArgument) and v.owner == entry for v in inner.operands):
        return False
    for call in calls:
        if call.name != "func.call":
            return False
    for call in calls:
        operands = [call.operands[v.arg_number] for v in inner.operands]
        new = ir.Operation.create("func.call", results=[r.type for r in inner.results],
                                  operands=operands, attributes={"callee": inner.attributes["callee"]},
                                  loc=call.location, ip=ir.InsertionPoint(call))
        for old, value in zip(call.results, new.results):
            old.replace_all_uses_with(value)
        call.erase()
    return True


def enclosing_function_op(op: ir.Operation) -> ir.Operation:
    while op.name != "func.func":
        op = op.parent
    return op


def callees(function: ir.Operation) -> set[str]:
    return {ir.FlatSymbolRefAttr(op.attributes["callee"]).value
            for op in lintra_ops(function, ("func.call",))}


def prune_round(ad: AdState, keep) -> bool:
    """Prune generated functions until nothing changes; True if anything did.

    Each sweep uses one collection of call sites. A change to a function may
    erase or add calls in it and in its callers, so the call lists of everything
    they call are stale until the next sweep. Dead code that a pruning exposes
    is erased locally (in the pruned function and its callers), which is much
    cheaper than re-running canonicalize.
    """
    def removable(op):
        return op.name != "func.call" or \
            ir.FlatSymbolRefAttr(op.attributes["callee"]).value in ad.generated

    changed_any = False
    while True:
        sites = call_sites(ad.module)
        stale: set[str] = set()
        changed = False
        for name, function in ad.functions().items():
            if name in keep or name not in ad.generated or name in stale:
                continue
            calls = sites.get(name, [])
            callers = {enclosing_function_op(call) for call in calls}
            affected = callees(function).union(*(callees(c) for c in callers)) | {name}
            if not calls:
                function.erase()
            elif bypass_wrapper(function, calls) or prune_function(function, calls):
                for touched in callers | {function}:
                    erase_dead_ops(touched.regions[0].blocks[0], removable)
            else:
                continue
            stale |= affected
            changed = True
        if not changed:
            return changed_any
        changed_any = True


def merge_duplicate_calls(function: ir.Operation, generated: set[str]) -> None:
    """Generated functions are pure: a second call with the same callee and
    operands reuses the first one's results (jacfwd emits one jvp per column,
    which would otherwise run the forward half once per column)."""
    seen: dict = {}
    for op in list(function.regions[0].blocks[0].operations):
        op = op.operation
        if op.name != "func.call":
            continue
        callee = ir.FlatSymbolRefAttr(op.attributes["callee"]).value
        if callee not in generated:
            continue
        key = (callee, tuple(op.operands))
        if key in seen:
            for old, new in zip(op.results, seen[key].results):
                old.replace_all_uses_with(new)
            op.erase()
        else:
            seen[key] = op


def cleanup(ad: AdState, keep: set[str] = frozenset()) -> None:
    """Simplify, then prune generated functions not named in `keep`, re-simplifying
    while pruning exposes more to fold (a few rounds at most)."""
    def cleaned_functions():
        return [f for name, f in ad.functions().items() if name in ad.generated or name in ad.touched]

    def simplify_all():
        functions = cleaned_functions()
        simplify(functions)  # cse first, so equal operands are the same values
        for function in functions:
            merge_duplicate_calls(function, ad.generated)

    simplify_all()
    for _ in range(3):
        if not prune_round(ad, keep):
            return
        simplify_all()
