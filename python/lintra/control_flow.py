"""Building blocks of `lintra.lax`: bodies traced into regions of `scf` ops,
carry type checks with JAX's messages, and index/slice helpers.

Contract:
- `trace_region(block, fun, weak_flags, split, name)` calls `fun` once on the
  block arguments (tracers of a `tracing.RegionScope`; `index` arguments stay
  `ir.Value`s) and returns the output groups as (tracer leaves, treedef) and
  the scope; the caller ends the block with `finish_region`.
  Values of enclosing scopes used by `fun` are used directly (same function)
  or captured by the function (see `lintra.tracing`).
- `check_carry(what, in_tree, in_avals, out_tree, out_avals)` raises JAX's
  TypeError for a carry whose output tree, shape or dtype differs from its input;
  `weak_promotions` first says which weakly typed initial carries JAX would
  convert to the body's dtype instead (the loop is then traced again).
- `move_body(old, new)` moves the ops of block `old` to the end of block `new`,
  replacing `old`'s arguments by `new`'s first ones: a body traced before its
  op's result types were known (scan's stacked outputs, branches) is moved into
  the op built afterwards.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, tensor

from . import dtypes
from . import primitives as prim
from .numpy_core import operand
from .pytree import tree_flatten
from .tracing import Aval, RegionScope, Tracer, build, current_scope, wrap

DYNAMIC = ir.ShapedType.get_dynamic_stride_or_offset()


def trace_region(block: ir.Block, fun, weak_flags, split, name: str):
    """Trace `fun(arguments)` into `block` (see the module docstring): `split(out)`
    returns the groups of the output (pytrees); returns ([(leaves, treedef) per
    group], scope). The scope stays open for the caller to finish."""
    scope = RegionScope(current_scope(), block, weak_flags)
    with scope.active():
        groups = []
        for group in split(fun(scope.arguments)):
            leaves, tree = tree_flatten(group)
            groups.append(([operand(leaf, name) for leaf in leaves], tree))
    return groups, scope


def finish_region(scope: RegionScope, terminator, results, block: ir.Block | None = None):
    """End `scope` with `terminator(values, ip)` of `results`; with `block`, the
    scope's ops were moved there first (`move_body`) and it continues there."""
    if block is not None:
        scope.block = block
    with scope.active():
        return scope.finish(terminator, list(results))


def type_text(aval) -> str:
    return f"{aval.dtype}{list(aval.shape)}"


def mismatch(in_aval, out_aval) -> str | None:
    """Why two avals differ (JAX's wording), or None when shape and dtype agree."""
    if tuple(in_aval.shape) != tuple(out_aval.shape):
        return "the shapes do not match"
    if in_aval.dtype != out_aval.dtype:
        return "the dtypes do not match"
    return None


def component(path: str, index: int, n: int) -> str:
    return path if n == 1 else f"{path}[{index}]"


def check_carry(what: str, in_tree, in_avals, out_tree, out_avals) -> None:
    """TypeError unless the carry output has the carry input's tree, shapes and dtypes."""
    if in_tree != out_tree:
        raise TypeError(
            f"{what} body function carry input and carry output must have the same pytree "
            f"structure, but they differ:\n\nThe input carry has structure {in_tree} but the "
            f"carry output has structure {out_tree}.\n\nRevise the function so that the carry "
            "output has the same pytree structure as the carry input."
        )
    lines = []
    for index, (a, b) in enumerate(zip(in_avals, out_avals, strict=True)):
        reason = mismatch(a, b)
        if reason:
            lines.append(
                f"The input carry component {component('carry', index, len(in_avals))} has type "
                f"{type_text(a)} but the corresponding output carry component has type "
                f"{type_text(b)}, so {reason}."
            )
    if lines:
        raise TypeError(
            f"{what} body function carry input and carry output must have equal types, but they "
            "differ:\n\n" + "\n".join(lines) + "\n\nRevise the function so that all output types "
            "match the corresponding input types."
        )


def weak_promotions(in_tree, in_avals, out_tree, out_avals):
    """As JAX does for a weakly typed initial carry (a Python scalar): the dtypes
    to convert the carry leaves to (None: unchanged) when every mismatch is a
    weak input whose output has the same shape and another dtype; else None."""
    if in_tree != out_tree:
        return None
    promoted, changed = [], False
    for a, b in zip(in_avals, out_avals, strict=True):
        reason = mismatch(a, b)
        if reason is None:
            promoted.append(None)
        elif reason == "the dtypes do not match" and a.weak:
            promoted.append(b.dtype)
            changed = True
        else:
            return None
    return promoted if changed else None


def check_branches(what: str, names, trees, avals_per_branch) -> None:
    """TypeError unless every branch returns the first one's tree, shapes and dtypes."""
    for name, tree, avals in zip(names[1:], trees[1:], avals_per_branch[1:], strict=True):
        if tree != trees[0]:
            raise TypeError(
                f"{what} branch outputs must have the same pytree structure, but they differ:\n\n"
                f"{names[0]} output has structure {trees[0]} but {name} output has structure "
                f"{tree}.\n\nRevise {names[0]} and/or {name} so that they have the same pytree "
                "structure."
            )
        for index, (a, b) in enumerate(zip(avals_per_branch[0], avals, strict=True)):
            reason = mismatch(a, b)
            if reason:
                raise TypeError(
                    f"{what} branches must have equal output types but they differ.\n\nThe output"
                    f"{'' if len(avals) == 1 else f' component [{index}]'} of {names[0]} has type "
                    f"{type_text(a)} but the corresponding output of {name} has type {type_text(b)}, "
                    f"so {reason}."
                    f"\n\nRevise {names[0]} and/or {name} so that all output types match."
                )


def joined_avals(avals_lists) -> list[Aval]:
    """The avals of values that may come from any list (weak only where all are)."""
    return [
        Aval(group[0].shape, group[0].dtype, all(a.weak for a in group))
        for group in zip(*avals_lists, strict=True)
    ]


def move_body(old: ir.Block, new: ir.Block, results=()) -> list:
    """Move every op of `old` to the end of `new` (see the module docstring);
    returns `results` (tracers) with `old`'s arguments among them replaced."""
    replaced = {}
    for old_arg, new_arg in zip(old.arguments, new.arguments, strict=False):
        old_arg.replace_all_uses_with(new_arg)
        replaced[old_arg] = new_arg
    for op in list(old.operations):
        new.append(op.operation)
    return [Tracer(replaced[r.value], r.scope, r.weak) if r.value in replaced else r for r in results]


# -- scalars and indices ----------------------------------------------------------------


def scalar_i1(x: Tracer) -> ir.Value:
    """The i1 truth value of a 0-d tensor (non-zero is true)."""
    flag = x if dtypes.is_bool(x.dtype) else prim.compare("ne", x, prim.full((), 0, x.dtype))
    element = build(tensor.ExtractOp, flag, []).result
    zero = build(arith.ConstantOp, element.type, ir.IntegerAttr.get(element.type, 0)).result
    return build(arith.CmpIOp, arith.CmpIPredicate.ne, element, zero).result


def to_index(x) -> ir.Value:
    """An `index` value for a Python int or a 0-d integer tensor."""
    if isinstance(x, Tracer):
        element = build(tensor.ExtractOp, x, []).result
        return build(arith.IndexCastOp, ir.IndexType.get(), element).result
    return build(arith.ConstantOp, ir.IndexType.get(), ir.IntegerAttr.get(ir.IndexType.get(), int(x))).result


def from_index(index: ir.Value, dtype, weak: bool) -> Tracer:
    """A 0-d tensor of integer `dtype` holding `index`."""
    element = dtypes.element_type(dtype)
    scalar = build(arith.IndexCastOp, element, index).result
    return wrap(build(tensor.FromElementsOp, prim.tensor_type((), dtype), [scalar]).result, weak)


def row(x: Tracer, index: ir.Value) -> Tracer:
    """`x[index]` for a dynamic `index` along the leading axis."""
    sizes = [1, *x.shape[1:]]
    offsets = [DYNAMIC] + [0] * (x.ndim - 1)
    sliced = build(
        tensor.ExtractSliceOp,
        prim.tensor_type(sizes, x.dtype),
        x,
        [index],
        [],
        [],
        prim.i64_array(offsets),
        prim.i64_array(sizes),
        prim.i64_array([1] * x.ndim),
    ).result
    return prim.reshape(wrap(sliced, x.weak), x.shape[1:])


def with_row(buffer: Tracer, value: Tracer, index: ir.Value) -> Tracer:
    """`buffer` with `buffer[index] = value` (a dynamic `index` along the leading axis)."""
    sizes = [1, *value.shape]
    source = prim.reshape(value, sizes)
    offsets = [DYNAMIC] + [0] * value.ndim
    inserted = build(
        tensor.InsertSliceOp,
        source,
        buffer,
        [index],
        [],
        [],
        prim.i64_array(offsets),
        prim.i64_array(sizes),
        prim.i64_array([1] * len(sizes)),
    ).result
    return wrap(inserted, buffer.weak)


def empty(shape, dtype, weak: bool = False) -> Tracer:
    """An uninitialized tensor (`tensor.empty`), to be filled row by row."""
    return wrap(build(tensor.EmptyOp, [int(d) for d in shape], dtypes.element_type(dtype)).result, weak)


def index_op(kind, a: ir.Value, b: ir.Value) -> ir.Value:
    """`a - b` (kind "sub") or `a + b` ("add") on index values."""
    op_class = arith.SubIOp if kind == "sub" else arith.AddIOp
    return build(op_class, a, b).result
