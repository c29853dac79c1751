"""Tracing Python functions of arrays into `func.func`s of one MLIR module.

A `Trace` owns an MLIR context and module. Tracing a Python function opens a
`FunctionScope`: a `func.func` whose entry block receives one tensor argument
per array leaf; calling the function on `Tracer`s (arrays wrapping an
`ir.Value`) appends ops to that block, and its outputs become the returns.

Scopes nest: a transformation called inside a trace traces the function it
wraps into its own `func.func` of the same module (`trace_function`), so the
lintra ops it emits refer to a real callee. A tracer of an enclosing scope used
inside a nested one (a closure) is *captured*: the nested function gets an
extra argument for it, appended after the declared ones, and the caller passes
the outer value (`TracedFunction.captured`). Scalars are 0-d tensors; every
tracer has a static `shape`, a `dtype` (see `lintra.dtypes`) and a `weak` flag
(weakly typed, like a Python scalar in JAX).

A `RegionScope` traces a body into a block of an op's region (the body of a
`scf.for`, a branch of `scf.if`: `lintra.lax`) instead of a new function. Its
block arguments are the body's arguments; tracers of enclosing region scopes of
the same function are used directly (scf regions see the values around them),
and tracers from outside that function are captured by the function as above.

Tracers cannot be turned into Python values (`bool(x)`, `float(x)`): control
flow must use `lintra.lax.cond`/`while_loop` or `lintra.numpy.where`. Using a
tracer after the trace (or region) that made it has finished raises
`TracerLeakError`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass

import numpy as np
from mlir import ir
from mlir.dialects import func

from lintra.dialect import make_context
from lintra.passes.core.ad_state import fresh_symbol_name

from . import dtypes

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_TRACES: list["Trace"] = []
# Names lowered code resolves in libm: a traced function must not take them.
_RESERVED = {
    "sin",
    "cos",
    "tan",
    "exp",
    "exp2",
    "log",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "sqrt",
    "erf",
    "atan",
    "atan2",
    "tanh",
    "sinh",
    "cosh",
    "pow",
    "powf",
    "abs",
    "fabs",
    "floor",
    "ceil",
    "round",
    "cbrt",
    "malloc",
    "free",
    "main",
}


class TracerLeakError(Exception):
    """A tracer was used outside the trace (or the nested function) that created it."""


@dataclass(frozen=True)
class Aval:
    """The abstract value of an array: static shape, dtype and weak type flag."""

    shape: tuple
    dtype: np.dtype
    weak: bool = False

    def tensor_type(self) -> ir.RankedTensorType:
        return ir.RankedTensorType.get(list(self.shape), dtypes.element_type(self.dtype))

    def __str__(self) -> str:
        return f"{self.dtype}{list(self.shape)}" + ("{weak}" if self.weak else "")


class Trace:
    """One MLIR module under construction, with its stack of active function scopes."""

    def __init__(self):
        self.context = make_context()
        self.location = ir.Location.unknown(self.context)
        self.module = ir.Module.create(loc=self.location)
        self.scopes: list[FunctionScope] = []

    def fresh_name(self, base: str) -> str:
        base = re.sub(r"[\W_]+", "_", base).strip("_") or "fn"
        if base[0].isdigit() or base in _RESERVED:
            base = f"fn_{base}"
        return fresh_symbol_name(self.module.operation, base)


def current_trace() -> Trace | None:
    return _TRACES[-1] if _TRACES else None


def current_scope() -> "FunctionScope":
    trace = current_trace()
    if trace is None or not trace.scopes:
        raise RuntimeError(
            "no active lintra trace: call this inside a function traced by lintra.jit "
            "or a lintra transformation"
        )
    return trace.scopes[-1]


@contextlib.contextmanager
def new_trace():
    """Open a fresh `Trace` (its context and an unknown location are entered)."""
    trace = Trace()
    _TRACES.append(trace)
    try:
        with trace.context, trace.location:
            yield trace
    finally:
        _TRACES.pop()


def user_location() -> ir.Location:
    """The location of the innermost caller outside the lintra package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return ir.Location.unknown()
    return ir.Location.file(frame.f_code.co_filename, frame.f_lineno, 1)


class FunctionScope:
    """A `func.func` being traced; ops are appended to its entry block."""

    def __init__(self, trace: Trace, name: str, avals: list[Aval], public: bool):
        self.trace = trace
        self.name = trace.fresh_name(name)
        self.avals = list(avals)
        types = [aval.tensor_type() for aval in self.avals]
        self.op = func.FuncOp(self.name, (types, []), ip=ir.InsertionPoint(trace.module.body))
        if not public:
            self.op.sym_visibility = ir.StringAttr.get("private")
        self.block = self.op.add_entry_block()
        self.arguments = [
            Tracer(arg, self, aval.weak) for arg, aval in zip(self.block.arguments, avals, strict=True)
        ]
        self.captured: list[Tracer] = []  # outer tracers, one per extra argument
        self._captures: dict[int, ir.Value] = {}
        self.finished = False

    @property
    def insertion_point(self) -> ir.InsertionPoint:
        return ir.InsertionPoint(self.block)

    def value(self, tracer: "Tracer") -> ir.Value:
        """The `ir.Value` standing for `tracer` in this scope (capturing outer tracers)."""
        if tracer.scope is self:
            return tracer.value
        check_alive(self, tracer)
        key = id(tracer)
        if key not in self._captures:
            self._captures[key] = self.block.add_argument(tracer.value.type, ir.Location.unknown())
            self.captured.append(tracer)
        return self._captures[key]

    def finish(self, results: list["Tracer"]) -> None:
        values = [self.value(result) for result in results]
        func.ReturnOp(values, ip=self.insertion_point)
        arg_types = [arg.type for arg in self.block.arguments]
        self.op.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [v.type for v in values])
        )
        self.finished = True

    @contextlib.contextmanager
    def active(self):
        self.trace.scopes.append(self)
        try:
            yield self
        finally:
            self.trace.scopes.pop()


def check_alive(scope, tracer: "Tracer") -> None:
    """TracerLeakError unless `tracer`'s scope is still being traced in `scope`'s trace."""
    if (
        tracer.scope.trace is not scope.trace
        or tracer.scope.finished
        or tracer.scope not in scope.trace.scopes
    ):
        raise TracerLeakError(
            f"a tracer of shape {tracer.shape} and dtype {tracer.dtype} from function "
            f"@{tracer.scope.name} is used after that function (or loop or branch body) was "
            "traced (a leaked tracer): return it from the function instead of storing it"
        )


class RegionScope:
    """A body traced into `block`, a block of a region op of the enclosing scope
    `parent` (a `FunctionScope` or another `RegionScope`); `arguments` are the
    block's arguments as tracers (weak where `weak_flags` says so; an argument
    that is not a tensor, such as a loop's `index`, stays an `ir.Value`). Ops are
    appended to the block; `finish(terminator)` ends it with the terminator op
    built by `terminator(values, ip)` (`scf.yield`, `scf.condition`)."""

    def __init__(self, parent, block: ir.Block, weak_flags=()):
        self.trace = parent.trace
        self.parent = parent
        self.name = parent.name
        self.block = block
        flags = list(weak_flags) + [False] * (len(block.arguments) - len(weak_flags))
        self.arguments = [
            Tracer(arg, self, weak) if isinstance(arg.type, ir.RankedTensorType) else arg
            for arg, weak in zip(block.arguments, flags, strict=True)
        ]
        self.finished = False

    @property
    def insertion_point(self) -> ir.InsertionPoint:
        return ir.InsertionPoint(self.block)

    def value(self, tracer: "Tracer") -> ir.Value:
        """Tracers of this region or of an enclosing region of the same function
        are used as they are; others are resolved by the enclosing function."""
        scope = self
        while isinstance(scope, RegionScope):
            if tracer.scope is scope:
                check_alive(self, tracer)
                return tracer.value
            scope = scope.parent
        return scope.value(tracer)

    def finish(self, terminator, results: list["Tracer"]):
        """End the block with `terminator([values], ip)`; returns the terminator."""
        op = terminator([self.value(r) for r in results], self.insertion_point)
        self.finished = True
        return op

    active = FunctionScope.active


def emit(name: str, operands, result_types, attributes=None, regions: int = 0) -> ir.Operation:
    """Append op `name` to the current scope; `operands` are Tracers or ir.Values.
    For ops without a Python builder (the lintra dialect's, defined in IRDL);
    upstream ops go through `build`."""
    scope = current_scope()
    values = [scope.value(v) if isinstance(v, Tracer) else v for v in operands]
    return ir.Operation.create(
        name,
        results=list(result_types),
        operands=values,
        attributes=attributes or {},
        regions=regions,
        loc=user_location(),
        ip=scope.insertion_point,
    )


def build(builder, *args, **kwargs):
    """Call an upstream op builder (`arith.CmpFOp`, `linalg.GenericOp`, ...) in the
    current scope at the user's location; Tracers among `args` (also in lists)
    become their values."""
    scope = current_scope()

    def value(x):
        if isinstance(x, Tracer):
            return scope.value(x)
        return [value(item) for item in x] if isinstance(x, list) else x

    return builder(*[value(arg) for arg in args], **kwargs, loc=user_location(), ip=scope.insertion_point)


def wrap(value: ir.Value, weak: bool = False) -> "Tracer":
    """A tracer for `value`, a result emitted in the current scope."""
    return Tracer(value, current_scope(), weak)


class Tracer:
    """An array being traced: an `ir.Value` of ranked tensor type (0-d for scalars).

    Operators and methods follow `jax.Array`; `lintra.numpy` attaches them
    (`register_tracer_methods`) and defines their semantics.
    """

    __slots__ = ("value", "scope", "shape", "dtype", "weak")
    __array_ufunc__ = None  # numpy operators defer to the Tracer's reflected methods
    __array_priority__ = 1000

    def __init__(self, value: ir.Value, scope: FunctionScope, weak: bool = False):
        tensor = ir.RankedTensorType(value.type)
        self.value = value
        self.scope = scope
        self.shape = tuple(tensor.shape)
        self.dtype = dtypes.dtype_of_element(tensor.element_type)
        self.weak = bool(weak) and not dtypes.is_bool(self.dtype)

    @property
    def aval(self) -> Aval:
        return Aval(self.shape, self.dtype, self.weak)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __repr__(self) -> str:
        return f"Tracer<{self.dtype}{list(self.shape)}>"

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def _concrete(self, what: str):
        raise TypeError(
            f"{what} of a traced array ({self!r}) is not known while tracing: the value "
            "depends on the function's inputs. Python control flow cannot branch on it: use "
            "lintra.lax.cond (or lintra.lax.switch, lintra.numpy.where) instead of `if`, "
            "lintra.lax.while_loop (or fori_loop, scan) instead of `while`, or mark the "
            "argument static"
        )

    def __bool__(self):
        self._concrete("the truth value")

    def __float__(self):
        self._concrete("float()")

    def __int__(self):
        self._concrete("int()")

    def __index__(self):
        self._concrete("the index value")

    def __array__(self, *args, **kwargs):
        self._concrete("conversion to a numpy array")

    __hash__ = object.__hash__
