"""Module-level AD state: symbol lookup, fresh names, and derived-function caches.

Each derived function (JVP, forward/linear halves, transpose) is generated at
most once per source function, module and activity pattern (which tangent or
cotangent inputs may be non-zero), then reused by every caller.
Generated functions are private, so `symbol-dce` removes those left unused.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import func

from ..diagnostics import LintraError

LINEAR_ATTR = "lintra.linear"
# Function attributes naming a user's rule for the function (`core/custom_rules.py`).
JVP_ATTR = "lintra.jvp"
TRANSPOSE_ATTR = "lintra.transpose"


def transpose_only_message(name: str, function: ir.Operation) -> str:
    """Why a call of @name, a declaration known only by its transpose, cannot be
    evaluated or differentiated (a custom VJP's linear part in forward-mode code)."""
    return (
        f"calls @{name}, a linear function known only by its transpose "
        f"(lintra.transpose = {function.attributes[TRANSPOSE_ATTR]}), as the linear part of a custom "
        "VJP is: it cannot be evaluated, so forward-mode differentiation (jvp, linearize, jacfwd) "
        "through a custom VJP is not defined (can't apply forward-mode autodiff (jvp) "
        "to a custom_vjp function)"
    )


class AdState:
    def __init__(self, module: ir.Operation):
        self.module = module
        self.body = module.regions[0].blocks[0]
        # Caches are keyed by (function name, which inputs are active), since a
        # derived function is specialized on which tangents/cotangents are zero.
        self.jvp_cache: dict[tuple, str] = {}
        self.linearize_cache: dict[tuple, tuple[str, str]] = {}
        self.transpose_cache: dict[tuple, str] = {}
        # For each derived function, which of its derivative results are known to
        # be zero (materialized only because a function boundary needs a value).
        self.zero_results: dict[str, tuple[bool, ...]] = {}
        # Batched functions (`batch.py`), by (function, batched arguments, size, all
        # results batched), and which results of each carry the batch dimension.
        self.batch_cache: dict[tuple, str] = {}
        self.batched_results: dict[str, tuple[bool, ...]] = {}
        self.in_progress: set[tuple[str, str]] = set()
        self.generated: set[str] = set()  # functions this AD run created
        self.touched: set[str] = set()  # user functions whose lintra ops it expanded
        # (callee, its forward half, its number of primal results) per lintra op
        # expanded through linearize, for the residual report.
        self.linearized: list[tuple[str, str, int]] = []

    def enter(self, function: ir.Operation, what: str) -> None:
        """Mark `function` as being differentiated (`what`); reject recursion."""
        key = (function_name(function), what)
        if key in self.in_progress:
            raise LintraError.at(function, "is recursive; lintra cannot differentiate recursive functions")
        self.in_progress.add(key)

    def leave(self, function: ir.Operation, what: str) -> None:
        self.in_progress.discard((function_name(function), what))

    # -- symbols -----------------------------------------------------------
    def functions(self) -> dict[str, ir.Operation]:
        found = {}
        for op in self.body.operations:
            if op.operation.name == "func.func":
                found[function_name(op.operation)] = op.operation
        return found

    def symbol(self, name: str):
        """The top-level op named `name`, or None (a C++ symbol-table lookup)."""
        table = ir.SymbolTable(self.module)
        return table[name].operation if name in table else None

    def lookup(self, name: str, user=None, transposable: bool = False) -> ir.Operation:
        """The func.func `@name` with a single-block body (errors at `user`).

        With `transposable`, a declaration is accepted when it carries a
        `lintra.transpose` rule: it is a linear function known only by its
        transpose (a custom VJP's linear part)."""
        function = self.symbol(name)
        if function is not None and function.name != "func.func":
            if user is not None:
                raise LintraError.at(
                    user, f"refers to @{name}, which is a '{function.name}', not a func.func"
                )
            function = None
        if function is None:
            raise (
                LintraError.at(user, f"refers to an undefined function @{name}")
                if user is not None
                else LintraError(f"undefined function @{name}")
            )
        if len(function.regions[0].blocks) == 0:
            where = user if user is not None else function
            if TRANSPOSE_ATTR in function.attributes:
                if transposable:
                    return function
                raise LintraError.at(where, transpose_only_message(name, function))
            raise LintraError.at(where, f"cannot differentiate @{name}: it is a declaration without a body")
        if len(function.regions[0].blocks) != 1:
            raise LintraError.at(
                function,
                "has several blocks; lintra differentiates single-block "
                "functions: express branches and loops with scf ops (scf.if, scf.for, scf.while)",
            )
        return function

    def select(self, names: list[str], default, requester: str) -> list[ir.Operation]:
        """The functions named in `names` (a pass's `functions` option), or those
        with a body satisfying `default(function)` when `names` is empty."""
        functions = self.functions()
        if not names:
            return [
                self.lookup(name)
                for name, function in functions.items()
                if len(function.regions[0].blocks) and default(function)
            ]
        for name in names:
            if name not in functions:
                raise LintraError(
                    f"{requester}: the module has no function @{name} (functions={','.join(names)})",
                    self.module.location,
                )
        return [self.lookup(name) for name in names]

    def new_function(
        self, base: str, arg_types, result_types, location: ir.Location, linear_args: set[int] = frozenset()
    ):
        """A private function `@base...` at the end of the module; returns (op, entry block)."""
        name = fresh_symbol_name(self.module, base)
        self.generated.add(name)
        with location:
            function = func.FuncOp(
                name, (list(arg_types), list(result_types)), ip=ir.InsertionPoint(self.body)
            )
            function.sym_visibility = ir.StringAttr.get("private")
            if linear_args:
                function.arg_attrs = ir.ArrayAttr.get(
                    [
                        ir.DictAttr.get({LINEAR_ATTR: ir.UnitAttr.get()} if i in linear_args else {})
                        for i in range(len(arg_types))
                    ]
                )
            entry = function.add_entry_block()
        return function.operation, entry


def fresh_symbol_name(module: ir.Operation, base: str) -> str:
    """`base`, or `base_1`, `base_2`, ...: the first that no symbol of `module` has."""
    taken = ir.SymbolTable(module)
    name, counter = base, 0
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name


def function_name(function: ir.Operation) -> str:
    return function.attributes["sym_name"].value


def function_type(function: ir.Operation) -> ir.FunctionType:
    return function.attributes["function_type"].value


def linear_arg_positions(function: ir.Operation) -> list[int]:
    """Indices of the arguments marked `{lintra.linear}`."""
    if "arg_attrs" not in function.attributes:
        return []
    return [index for index, attrs in enumerate(function.attributes["arg_attrs"]) if LINEAR_ATTR in attrs]


def call_function(b, name: str, operands) -> list[ir.Value]:
    """The results of a call of function `@name` of `b.ad`'s module, emitted by
    Emitter `b`."""
    result_types = function_type(b.ad.lookup(name, transposable=True)).results
    return list(func.CallOp(result_types, name, list(operands), loc=b.location, ip=b.ip).results)


def bypass_forwarded(function: ir.Operation, operands, results) -> list[ir.Value]:
    """`results` of a call with `operands`, each result that the callee returns
    unchanged from one of its arguments replaced by that operand (so a residual
    that is an input, as a checkpointed function's are, stays the caller's value:
    a loop does not stack what it reads from outside)."""
    entry = function.regions[0].blocks[0]
    returned = list(list(entry.operations)[-1].operands)
    return [
        operands[value.arg_number] if isinstance(value, ir.BlockArgument) and value.owner == entry else result
        for value, result in zip(returned, results, strict=True)
    ]


def emit_return(ip: ir.InsertionPoint, values, location: ir.Location) -> None:
    func.ReturnOp(list(values), loc=location, ip=ip)


def callee_of(op: ir.Operation) -> str:
    """The name in `op`'s `callee` attribute, which must be a flat symbol
    reference (`@f`); anything else is an error at `op`."""
    if "callee" not in op.attributes:
        raise LintraError.at(op, "requires a 'callee' symbol attribute")
    attr = op.attributes["callee"]
    if isinstance(attr, ir.FlatSymbolRefAttr):
        return attr.value
    if isinstance(attr, ir.SymbolRefAttr):
        raise LintraError.at(
            op,
            f"requires 'callee' to name a function of the enclosing module "
            f"(a flat symbol reference such as @f), but it is the nested "
            f"reference {attr}",
        )
    raise LintraError.at(op, f"requires 'callee' to be a flat symbol reference such as @f, but it is {attr}")


def find_function(op: ir.Operation, name: str):
    """The func.func named `name` in the module enclosing `op`, or None."""
    module = op
    while module is not None and module.name != "builtin.module":
        module = module.parent
    if module is None:
        return None
    for candidate in module.regions[0].blocks[0].operations:
        candidate = candidate.operation
        if candidate.name == "func.func" and function_name(candidate) == name:
            return candidate
    return None


def activity(values, count: int | None = None) -> tuple[bool, ...]:
    """The activity pattern of (co)tangents: True where a value is not a symbolic zero."""
    if values is None:
        return (True,) * count
    return tuple(v is not None for v in values)
