"""lintra.jit: trace a Python function of arrays, expand its lintra ops, compile and run it.

    f_jit = lintra.jit(f)
    f_jit(x, 2.0)                                  # numpy arrays in, numpy arrays out
    f_jit.lower(x, 2.0).as_text()                  # the traced MLIR (stage="traced")
    f_jit.lower(x, 2.0).as_text(stage="ad")        # after lintra-ad (only upstream dialects)
    f_jit.lower(x, 2.0).as_text(stage="llvm")      # after lintra-lower-to-llvm
    f_jit.cache_info()                             # CacheInfo(hits, misses, currsize, ...)
    lintra.jit(f, backend="mlir-cpu")              # a backend of lintra.backends (default: lintra.config)

Contract:
- Arguments are pytrees (tuples, lists, dicts) of numpy arrays, numpy scalars
  and Python scalars (weakly typed); anything else is a TypeError raised before
  tracing. Arguments named by `static_argnums`/`static_argnames` are passed
  through as Python values and must be hashable.
- The function is traced once per signature (function, input tree, shapes,
  dtypes, weak flags, static values) into a public `func.func`; `lintra-ad`
  expands the lintra ops that transformations emitted, and the backend
  (`lintra.backends`, resolved at each call) compiles it. Compiled functions
  live in one process-wide cache shared by all `jit` objects
  (`lintra.compile_cache`: keyed weakly by the function, or the `_lintra_key`
  of a lintra transformation, and by the backend; bounded, least recently used
  first), so a second call with the same signature does not recompile while
  the entry is cached; backends with a persistent cache also skip compiling in
  a new process (`disk_hits`).
- Outputs are numpy arrays in the function's output pytree (0-d for scalars).
  The caller's arrays are never modified.
- A diagnostic of the AD passes (`LintraError`) becomes a ValueError whose
  message is the diagnostic and its location.
- Inside another trace, a jitted function is simply called (inlined).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from mlir import ir
from mlir.passmanager import PassManager

from lintra import backends
from lintra.passes import PASSES
from lintra.passes.core.custom_rules import check_evaluable, forward_stop_gradients, strip_custom_rules
from lintra.passes.diagnostics import LintraError, format_location

from . import dtypes
from . import primitives as prim
from .compile_cache import CACHE, CacheInfo, cached, function_key
from .numpy_core import operand
from .pytree import TreeDef, tree_flatten, tree_unflatten
from .tracing import Aval, FunctionScope, Tracer, current_trace, new_trace


def function_name(fun) -> str:
    return getattr(fun, "__name__", None) or type(fun).__name__


def diagnostic_error(error: LintraError, prefix: str = "") -> ValueError:
    """A ValueError carrying a pass diagnostic and its location."""
    return ValueError(f"{prefix}{error.message} (at {format_location(error.location)})")


def abstractify(leaf, where: str) -> Aval:
    """The Aval of a concrete argument leaf, validating its type and dtype."""
    if isinstance(leaf, Tracer):
        return leaf.aval
    if isinstance(leaf, np.ndarray):
        return Aval(leaf.shape, dtypes.canonical_dtype(leaf.dtype, where))
    if isinstance(leaf, (bool, int, float, np.generic)) and not isinstance(
        leaf, (complex, np.complexfloating)
    ):
        dtype, weak = dtypes.scalar_type(leaf)
        return Aval((), dtype, weak)
    raise TypeError(
        f"{where} of type {type(leaf).__name__} is not a valid lintra argument: expected "
        "numpy arrays, numpy or Python scalars, or tuples/lists/dicts of them"
    )


def flatten_arguments(args, what: str):
    """(leaves, treedef, avals) of a pytree of concrete arguments."""
    leaves, treedef = tree_flatten(args)
    avals = [abstractify(leaf, f"{what} leaf #{i}") for i, leaf in enumerate(leaves)]
    return leaves, treedef, avals


@dataclass
class TracedFunction:
    """A Python function traced into `@name`: its arguments are the flattened
    inputs then `captured` (outer tracers); it returns the flattened outputs."""

    name: str
    in_avals: list
    out_tree: TreeDef
    out_avals: list
    captured: list = field(default_factory=list)
    op: object = None

    def erase(self) -> None:
        self.op.operation.erase()


def trace_function(
    fun,
    in_avals: list[Aval],
    in_tree: TreeDef,
    name: str,
    *,
    public: bool = False,
    linear: frozenset = frozenset(),
) -> TracedFunction:
    """Trace `fun(*unflatten(in_tree, args))` into a new function of the current trace.

    Arguments whose index is in `linear` are marked `{lintra.linear}`. Outputs
    may be any pytree of arrays (Python scalars and numpy arrays become constants).
    """
    trace = current_trace()
    scope = FunctionScope(trace, name, in_avals, public)
    with scope.active():
        args = tree_unflatten(in_tree, scope.arguments)
        out = fun(*args)
        leaves, out_tree = tree_flatten(out)
        results = [operand(leaf, "asarray") for leaf in leaves]
        scope.finish(results)
    if linear:
        scope.op.arg_attrs = ir.ArrayAttr.get(
            [
                ir.DictAttr.get({"lintra.linear": ir.UnitAttr.get()} if i in linear else {})
                for i in range(len(scope.block.arguments))
            ]
        )
    return TracedFunction(
        scope.name,
        list(in_avals),
        out_tree,
        [Aval(r.shape, r.dtype, r.weak) for r in results],
        scope.captured,
        scope.op,
    )


def drop_unused(module_op) -> None:
    """symbol-dce: every private function here was traced for a transformation
    or a custom rule; the ones left uncalled (the primal of a grad) go."""
    PassManager.parse("builtin.module(symbol-dce)").run(module_op)


def finalize(module_op) -> None:
    """Prepare a differentiated module for a backend: `lintra.stop_gradient` ops
    become their operands, custom-rule attributes go (and with `drop_unused` the
    rule functions only they used), and a call left of a function known only by
    its transpose (forward mode through a custom VJP) is a LintraError."""
    forward_stop_gradients(module_op)
    strip_custom_rules(module_op)
    drop_unused(module_op)
    check_evaluable(module_op)


def boundary_aval(aval: Aval) -> Aval:
    """How an array crosses the compiled boundary: bool as int32 (the runtime has no i8)."""
    return Aval(aval.shape, dtypes.INT32, False) if dtypes.is_bool(aval.dtype) else aval


def to_runtime(leaf, aval: Aval) -> np.ndarray:
    return np.asarray(leaf, dtype=boundary_aval(aval).dtype)


def from_runtime(array: np.ndarray, aval: Aval) -> np.ndarray:
    return array.astype(np.bool_) if dtypes.is_bool(aval.dtype) else array


class Staged:
    """A function traced at top level into the public `@name` of a fresh module.

    `fun` is called with the unflattened arguments; bool leaves enter and leave
    as int32 (see `boundary_aval`). `out_avals` are the real output avals.
    `backend` (a resolved name) is the one `compile()` uses by default.
    """

    def __init__(self, fun, avals, in_tree, name: str, backend: str | None = None):
        self.backend = backend
        self.in_avals = list(avals)
        out = {}

        def entry(*args):
            leaves, treedef = tree_flatten(args)
            leaves = [
                prim.convert(leaf, dtypes.BOOL) if dtypes.is_bool(aval.dtype) else leaf
                for leaf, aval in zip(leaves, avals, strict=True)
            ]
            out_leaves, out["tree"] = tree_flatten(fun(*tree_unflatten(treedef, leaves)))
            out_leaves = [operand(leaf, "asarray") for leaf in out_leaves]
            out["avals"] = [leaf.aval for leaf in out_leaves]
            return [
                prim.convert(leaf, dtypes.INT32) if dtypes.is_bool(leaf.dtype) else leaf
                for leaf in out_leaves
            ]

        with new_trace() as trace:
            traced = trace_function(entry, [boundary_aval(a) for a in avals], in_tree, name, public=True)
            self.traced_text = str(trace.module)
            self.context, self.module = trace.context, trace.module
        self.name = traced.name
        self.out_tree, self.out_avals = out["tree"], out["avals"]
        self._expanded = False
        self._ad_text = self._located_text = None

    def expand(self) -> str:
        """The module's text after `run_ad()`."""
        self.run_ad()
        if self._ad_text is None:
            self._ad_text = str(self.module)
        return self._ad_text

    def located_text(self) -> str:
        """`expand()`'s text with the user's source locations, which is what the
        backend compiles: an error there points at the Python line that traced the op."""
        self.run_ad()
        if self._located_text is None:
            self._located_text = self.module.operation.get_asm(enable_debug_info=True)
        return self._located_text

    def run_ad(self, final: bool = True, keep_linalg_ops: bool = False) -> None:
        """Run `lintra-ad` and `symbol-dce` on the module, in place, the first time only.

        `final`: nothing will be differentiated afterwards, so `finalize` the
        module for a backend; otherwise `lintra.stop_gradient` ops and custom
        rules stay (lintra.residuals linearizes the result). `keep_linalg_ops`:
        leave lintra.cholesky & co. for a later pass."""
        if self._expanded:
            return
        with self.context, ir.Location.unknown():
            try:
                PASSES["lintra-ad"](erase_stop_gradient=final, keep_linalg_ops=keep_linalg_ops).run(
                    self.module.operation
                )
                if final:
                    finalize(self.module.operation)
                else:
                    drop_unused(self.module.operation)
            except LintraError as error:
                raise diagnostic_error(error) from None
        self._expanded = True

    def compile(self, backend: str | None = None) -> "Compiled":
        text = self.located_text()
        try:
            executable = backends.compile(text, self.name, backend or self.backend)
        except LintraError as error:
            raise diagnostic_error(error) from None
        return Compiled(self, executable)


class Compiled:
    """A compiled `Staged` function: call `run(leaves)` with the flattened arguments."""

    def __init__(self, staged: Staged, executable):
        self.staged = staged
        self.executable = executable

    @property
    def lowered_text(self) -> str:
        return self.executable.lowered_text

    def run(self, leaves):
        inputs = [to_runtime(leaf, aval) for leaf, aval in zip(leaves, self.staged.in_avals, strict=True)]
        outputs = self.executable(*inputs)
        outputs = [from_runtime(o, aval) for o, aval in zip(outputs, self.staged.out_avals, strict=True)]
        return tree_unflatten(self.staged.out_tree, outputs)


class Lowered:
    """The result of `jit(f).lower(*args)`: the IR at each stage, and `compile()`."""

    def __init__(self, staged: Staged):
        self.staged = staged
        self._compiled = None

    def as_text(self, stage: str = "traced") -> str:
        if stage == "traced":
            return self.staged.traced_text
        if stage == "ad":
            return self.staged.expand()
        if stage == "llvm":
            return self.staged.compile("mlir-cpu").lowered_text
        raise ValueError(f"unknown stage {stage!r}: expected 'traced', 'ad' or 'llvm'")

    def compile(self) -> Compiled:
        if self._compiled is None:
            self._compiled = self.staged.compile()
        return self._compiled


class Jitted:
    """`lintra.jit(fun)`: see the module docstring."""

    def __init__(self, fun, static_argnums=(), static_argnames=(), backend: str | None = None):
        self.fun = fun
        self.backend = backend if backend is None else backends.resolve(backend)
        self.static_argnums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
        self.static_argnames = (
            (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
        )
        self.__name__ = function_name(fun)
        self.__doc__ = getattr(fun, "__doc__", None)
        self._lintra_key = ("jit", function_key(fun), self.static_argnums, self.static_argnames)
        self.hits = self.misses = 0

    def __call__(self, *args, **kwargs):
        if current_trace() is not None:
            return self.fun(*args, **kwargs)
        key, leaves, build = self._prepare(args, kwargs)
        compiled, hit = cached(key, lambda: build().compile())
        if hit:
            self.hits += 1
        else:
            self.misses += 1
        return compiled.run(leaves)

    def precompile(self, *args, **kwargs) -> None:
        """Compile (or find in the cache) the function for these arguments without running it."""
        key, _, build = self._prepare(args, kwargs)
        cached(key, lambda: build().compile())

    def lower(self, *args, **kwargs) -> Lowered:
        _, _, build = self._prepare(args, kwargs)
        return Lowered(build())

    def cache_info(self) -> CacheInfo:
        """Hits and misses of calls through this object (currsize: the whole cache)."""
        return CacheInfo(self.hits, self.misses, len(CACHE))

    def _prepare(self, args, kwargs):
        static_positional = {i: args[i] for i in self.static_argnums if i < len(args)}
        static_keywords = {k: v for k, v in kwargs.items() if k in self.static_argnames}
        dynamic = (
            tuple(a for i, a in enumerate(args) if i not in static_positional),
            {k: v for k, v in kwargs.items() if k not in static_keywords},
        )
        static = (tuple(sorted(static_positional.items())), tuple(sorted(static_keywords.items())))
        try:
            hash(static)
        except TypeError:
            raise TypeError(f"static arguments of {self.__name__} must be hashable, got {static}") from None
        leaves, in_tree, avals = flatten_arguments(dynamic, f"argument of {self.__name__}")
        backend = backends.resolve(self.backend)
        key = (function_key(self.fun), static, in_tree, tuple(avals), backend)

        def call(dynamic_args, dynamic_kwargs):
            merged = list(dynamic_args)
            for index in sorted(static_positional):
                merged.insert(index, static_positional[index])
            return self.fun(*merged, **dynamic_kwargs, **static_keywords)

        return key, leaves, lambda: Staged(call, avals, in_tree, self.__name__, backend)


def jit(fun=None, *, static_argnums=(), static_argnames=(), backend=None):
    """Compile `fun` with lintra (usable as `@jit` or `@jit(static_argnums=...)`).

    `backend` names one of `lintra.backends.names()`; None follows `lintra.config.backend`."""
    if fun is None:
        return functools.partial(
            jit, static_argnums=static_argnums, static_argnames=static_argnames, backend=backend
        )
    return Jitted(fun, static_argnums, static_argnames, backend)
