"""Custom differentiation rules written in the IR, and `lintra.stop_gradient`.

Two function attributes replace what lintra would derive for a function:

* `lintra.jvp = @f_jvp` on `func.func @f(x...) -> (y...)`: wherever @f is
  differentiated (the callee of a `lintra.jvp`/`vjp`/`grad`, or a call of @f
  in a function being differentiated), @f's body is not differentiated; the
  body of

      @f_jvp(x..., dx...) -> (y..., dy...)

  is used instead: one tangent argument per float argument of @f, one tangent
  result per float result (the signature of lintra's own JVP functions). It is
  inlined into the derived JVP function, so linearization splits it like any
  JVP: the ops that depend on the tangents form the linear part, the others the
  primal part. So its primal results must not depend on the tangents (an error
  at the op that makes them), and its tangent results must be linear in the
  tangents: reverse mode transposes that part and reports an op that is not
  linear at its location. The tangent part may call functions marked linear
  (`{lintra.linear}`), such as ones with a custom transpose. A function with a
  custom JVP is not specialized on zero tangents: it always receives all of
  them (zeros materialized).
* `lintra.transpose = @g_t` on a function @g linear in its `{lintra.linear}`
  arguments l (the others, r, are non-linear): transposing a call of @g (or a
  `lintra.transpose` of @g) calls

      @g_t(r..., cotangents of @g's float results...) -> (cotangents of l...)

  instead of transposing @g's body, whose linearity is the user's claim and is
  not checked. @g may be a declaration: a linear map known only by its
  transpose, as a custom VJP's linear part is. Such a map cannot be evaluated,
  so `check_evaluable` reports a call of it left in forward-mode code. The JVP
  of a call of @g whose non-linear arguments carry no tangent is @g applied to
  the tangents (it is linear), so the custom transpose serves higher orders too.

Errors in the attributes (not a symbol, a missing symbol, not a func.func, a
JVP without a body, a wrong signature) are located at the function carrying
the attribute.

`lintra.stop_gradient(x)` is the identity on values with a zero derivative (its
JVP rule, in `rules/lintra_stop_gradient.py`, says so);
`forward_stop_gradients` replaces each by its operand (lintra-ad does, after
differentiating). `strip_custom_rules` drops the two attributes once no
derivative will be taken any more, so the rule functions can be removed.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from ..diagnostics import LintraError
from .ad_state import (
    JVP_ATTR,
    TRANSPOSE_ATTR,
    AdState,
    emit_return,
    function_name,
    function_type,
    linear_arg_positions,
    transpose_only_message,
)
from .emit import Emitter, clone_op, is_float_type, is_zero_constant

STOP_GRADIENT = "lintra.stop_gradient"
JVP_CONTRACT = (
    "the primal arguments, then one tangent per float argument -> "
    "the results, then one tangent per float result"
)
TRANSPOSE_CONTRACT = (
    "the non-linear arguments, then one cotangent per float result -> "
    "one cotangent per {lintra.linear} argument"
)


def rule_names(function: ir.Operation) -> set[str]:
    """The functions `function`'s custom-rule attributes name (edges of the call graph)."""
    return {
        function.attributes[attr].value
        for attr in (JVP_ATTR, TRANSPOSE_ATTR)
        if attr in function.attributes and isinstance(function.attributes[attr], ir.FlatSymbolRefAttr)
    }


def rule_function(
    ad: AdState, function: ir.Operation, attr: str, expected: ir.FunctionType, contract: str
) -> ir.Operation:
    """The func.func that `function`'s attribute `attr` names, checked against the
    signature `expected` (a located error at `function` otherwise)."""
    what = "JVP" if attr == JVP_ATTR else "transpose"
    value = function.attributes[attr]
    if not isinstance(value, ir.FlatSymbolRefAttr):
        raise LintraError.at(
            function,
            f"has '{attr}' = {value}, but a custom {what} must be named by a flat symbol "
            f"reference to a func.func, such as @{function_name(function)}_{what.lower()}",
        )
    name = value.value
    target = ad.symbol(name)
    if target is None:
        raise LintraError.at(
            function, f"names @{name} as its custom {what} ('{attr}'), but the module has no symbol @{name}"
        )
    if target.name != "func.func":
        raise LintraError.at(
            function,
            f"names @{name} as its custom {what} ('{attr}'), but @{name} is a "
            f"'{target.name}', not a func.func",
        )
    blocks = len(target.regions[0].blocks)
    if attr == JVP_ATTR and blocks != 1:
        raise LintraError.at(
            function,
            f"names @{name} as its custom JVP, but @{name} "
            + (
                "is a declaration: a custom JVP is inlined, so it needs a body"
                if blocks == 0
                else "has several blocks"
            ),
        )
    actual = function_type(target)
    if str(actual) != str(expected):
        raise LintraError.at(
            function,
            f"has the custom {what} @{name} of type {actual}, but a custom {what} of "
            f"@{function_name(function)} must have type {expected} ({contract})",
        )
    return target


def tangent_activity(source: ir.Operation, active: tuple[bool, ...] | None) -> tuple[bool, ...] | None:
    """`active` (which float arguments carry a tangent), or all of them when
    `source` has a custom JVP: that one takes every tangent."""
    if JVP_ATTR not in source.attributes or active is None:
        return active
    return (True,) * len(active)


def float_types(types) -> list[ir.Type]:
    return [t for t in types if is_float_type(t)]


def inline_body(source: ir.Operation, ip: ir.InsertionPoint, arguments) -> list[ir.Value]:
    """Clone `source`'s body at `ip` with its arguments bound to `arguments`;
    returns the values it returns."""
    block = source.regions[0].blocks[0]
    mapping = dict(zip(block.arguments, arguments, strict=True))
    operations = list(block.operations)
    for op in operations[:-1]:
        op = op.operation
        new = clone_op(op, mapping, ip)
        mapping.update(zip(op.results, new.results, strict=True))
    return [mapping.get(v, v) for v in operations[-1].operands]


def custom_jvp_function(ad: AdState, source: ir.Operation) -> str:
    """A JVP function of `source` (all tangents active) whose body is the user's
    custom JVP, inlined; records which tangent results are constant zeros."""
    ftype = function_type(source)
    inputs, results = list(ftype.inputs), list(ftype.results)
    expected = ir.FunctionType.get(inputs + float_types(inputs), results + float_types(results))
    rule = rule_function(ad, source, JVP_ATTR, expected, JVP_CONTRACT)
    function, entry = ad.new_function(
        f"{function_name(source)}_jvp", expected.inputs, expected.results, source.location
    )
    outs = inline_body(rule, ir.InsertionPoint(entry), list(entry.arguments))
    name = function_name(function)
    ad.zero_results[name] = tuple(is_zero_constant(v) for v in outs[len(results) :])
    emit_return(ir.InsertionPoint(entry), outs, rule.location)
    return name


def custom_transpose_function(ad: AdState, source: ir.Operation, active: tuple[bool, ...]) -> str:
    """`@g_transpose(r..., active cotangents...)` calling the user's transpose of
    `source` with zeros for the inactive cotangents."""
    positions = linear_arg_positions(source)
    if not positions:
        raise LintraError.at(
            source,
            "has a custom transpose ('lintra.transpose') but no {lintra.linear} arguments: "
            "only a function linear in some arguments has a transpose",
        )
    ftype = function_type(source)
    inputs = list(ftype.inputs)
    nonlinear = [t for i, t in enumerate(inputs) if i not in positions]
    cotangent_types = float_types(ftype.results)
    linear_types = [inputs[i] for i in positions]
    expected = ir.FunctionType.get(nonlinear + cotangent_types, linear_types)
    rule = rule_function(ad, source, TRANSPOSE_ATTR, expected, TRANSPOSE_CONTRACT)
    active_types = [t for t, on in zip(cotangent_types, active, strict=True) if on]
    function, entry = ad.new_function(
        f"{function_name(source)}_transpose", nonlinear + active_types, linear_types, source.location
    )
    b = Emitter(ir.InsertionPoint(entry), source.location, ad)
    arguments = list(entry.arguments)
    given = iter(arguments[len(nonlinear) :])
    cotangents = [next(given) if on else b.zeros(t) for t, on in zip(cotangent_types, active, strict=True)]
    call = func.CallOp(
        linear_types, function_name(rule), arguments[: len(nonlinear)] + cotangents, loc=b.location, ip=b.ip
    )
    name = function_name(function)
    ad.zero_results[name] = (False,) * len(positions)
    emit_return(b.ip, list(call.results), source.location)
    return name


def transpose_only(function: ir.Operation) -> bool:
    """A declaration known only by its transpose: it cannot be evaluated."""
    return (
        function.name == "func.func"
        and len(function.regions[0].blocks) == 0
        and TRANSPOSE_ATTR in function.attributes
    )


def check_evaluable(module: ir.Operation, functions=None) -> None:
    """A located error at the first call, in `functions` (default: every function
    of `module`), of a function known only by its transpose: such a call is
    forward-mode code asking for the custom VJP's linear map itself."""
    body = module.regions[0].blocks[0]
    unevaluable = {
        function_name(op.operation): op.operation for op in body.operations if transpose_only(op.operation)
    }
    if not unevaluable:
        return
    if functions is None:
        functions = [op.operation for op in body.operations if op.operation.name == "func.func"]
    for function in functions:
        for op in calls(function):
            name = op.attributes["callee"].value
            if name in unevaluable:
                raise LintraError.at(op, transpose_only_message(name, unevaluable[name]))


def ops_named(root: ir.Operation, name: str) -> list[ir.Operation]:
    found = []

    def visit(op):
        if op.name == name:
            found.append(op)
        return ir.WalkResult.ADVANCE

    root.walk(visit, ir.WalkOrder.PRE_ORDER)
    return found


def calls(function: ir.Operation) -> list[ir.Operation]:
    return ops_named(function, "func.call")


def forward_stop_gradients(module: ir.Operation) -> None:
    """Replace every `lintra.stop_gradient` by its operand (checking its contract:
    one operand and one result of the same type)."""
    for op in ops_named(module, STOP_GRADIENT):
        if len(op.operands) != 1 or len(op.results) != 1 or op.operands[0].type != op.results[0].type:
            raise LintraError.at(op, "requires one operand and one result of the same type")
        op.results[0].replace_all_uses_with(op.operands[0])
        op.erase()


def strip_custom_rules(module: ir.Operation) -> None:
    """Drop the `lintra.jvp` and `lintra.transpose` attributes of every function
    (once nothing more is differentiated), so unused rule functions can go. A
    declaration keeps its `lintra.transpose`: it marks the declaration as
    not evaluable for `check_evaluable` (and is dropped with it when unused)."""
    for op in module.regions[0].blocks[0].operations:
        op = op.operation
        for attr in (JVP_ATTR, TRANSPOSE_ATTR):
            if attr in op.attributes and not transpose_only(op):
                del op.attributes[attr]
