"""`lintra.lax`: structured control flow, as `jax.lax`.

    lax.fori_loop(lower, upper, body_fun, init_val)        # scf.for
    lax.scan(f, init, xs, length=None, reverse=False)      # scf.for, stacked outputs
    lax.while_loop(cond_fun, body_fun, init_val, max_iterations=None)   # scf.while
    lax.cond(pred, true_fun, false_fun, *operands)         # scf.if
    lax.switch(index, branches, *operands)                 # scf.index_switch
    lax.select(pred, on_true, on_false)                    # arith.select

Contract:
- Each body is traced ONCE into a region of its `scf` op (`control_flow`), so
  the loop stays a loop in the IR and every transformation (jit, grad, jvp,
  vjp, linearize, jacfwd, jacrev, hessian; the `lintra-ad` pass differentiates
  the scf ops) works through it. Values the body closes over are used by the
  region directly.
- Carries are pytrees of arrays; the body's carry output must have the carry
  input's tree, shapes and dtypes (else JAX's TypeError). Branches of cond and
  switch must return the same tree, shapes and dtypes. The loop index of
  fori_loop has the bounds' integer dtype; `scan` stacks the per-step outputs
  along a new leading axis (reversed with `reverse`, as in JAX).
- `fori_loop`/`scan(..., checkpoint_every=k)` (a lintra extension) marks the
  scf.for `lintra.checkpoint_every = k`: reverse mode saves the carry every k
  iterations and recomputes each segment (`passes/core/checkpoint.py`).
- `while_loop(..., max_iterations=N)` (a lintra extension) promises that the
  loop runs at most N iterations and records it as `lintra.max_trip_count = N`
  on the scf.while: reverse mode needs that bound to size the saved residuals.
- `switch` clamps the index into range, like JAX; `select` requires equal dtypes
  and a bool predicate of the operands' shape or a scalar one.
- Called outside a trace, each runs through `lintra.jit` and returns numpy arrays.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, scf

from . import control_flow as cf
from . import dtypes
from . import primitives as prim
from .compile_cache import function_key
from .jit import jit
from .numpy_core import operand, operand_shape, operand_type
from .pytree import tree_flatten, tree_unflatten
from .tracing import build, current_trace, wrap

MAX_TRIP_COUNT = "lintra.max_trip_count"
CHECKPOINT_EVERY = "lintra.checkpoint_every"


def _check_every(what: str, every) -> None:
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every <= 0
    ):
        raise ValueError(f"{what}: checkpoint_every must be a positive int, got {every!r}")


class _Eager:
    """A lax call on concrete arrays, as a jit-able function of them (cache key: `key`)."""

    def __init__(self, name: str, key, fun):
        self.fun = fun
        self.__name__ = name
        self._lintra_key = ("lax", name, key)

    def __call__(self, arrays):
        return self.fun(*arrays)


def _key(value):
    if callable(value):
        return function_key(value)
    if isinstance(value, (list, tuple)):
        return tuple(_key(v) for v in value)
    return value


def _eager(name: str, fun, arrays, *static):
    """Run `fun(*arrays)` (static: the functions and options it closes over) compiled."""
    return jit(_Eager(name, _key(static), fun))(tuple(arrays))


def _yield(values, ip):
    return scf.YieldOp(values, ip=ip)


def _leaves(tree, name: str):
    leaves, treedef = tree_flatten(tree)
    return [operand(leaf, name) for leaf in leaves], treedef


def _converted(tree, leaves, dtypes_):
    """`leaves` (unflattened with `tree`) converted to `dtypes_` where not None."""
    return tree_unflatten(
        tree, [x if d is None else prim.convert(x, d) for x, d in zip(leaves, dtypes_, strict=True)]
    )


def _index_aval(lower, upper):
    """(dtype, weak) of fori_loop's index: the bounds' promoted integer type."""
    types = [operand_type(b, "fori_loop") for b in (lower, upper)]
    for dtype, _ in types:
        if not dtypes.is_integer(dtype) or dtypes.is_bool(dtype):
            raise TypeError(f"fori_loop bounds must be integers, got {dtype}")
    return dtypes.promote(*types)


def _for(what: str, bounds, init, step_fun, length=None, checkpoint_every=None):
    """The scf.for core of fori_loop and scan. `step_fun(iv, carry)` is traced once
    (`iv`: the loop's `index` value) and returns (carry, ys, row): with `length`
    (scan), each leaf of `ys` is stored at `row` (an index value) of a stacked
    output of `length` rows. Returns (carry, stacked ys)."""
    init_leaves, init_tree = _leaves(init, what)
    index_values = [cf.to_index(b) for b in bounds]
    temp = build(scf.ForOp, *index_values, list(init_leaves))
    rows = []

    def body(arguments):
        carry, ys, row = step_fun(arguments[0], tree_unflatten(init_tree, arguments[1:]))
        rows.append(row)
        return carry, ys

    groups, scope = cf.trace_region(
        temp.body, body, [False] + [x.weak for x in init_leaves], lambda out: list(out), what
    )
    (carry, carry_tree), (ys, ys_tree) = groups
    in_avals, out_avals = [x.aval for x in init_leaves], [x.aval for x in carry]
    promoted = cf.weak_promotions(init_tree, in_avals, carry_tree, out_avals)
    if promoted is not None:
        temp.operation.erase()
        return _for(
            what, bounds, _converted(init_tree, init_leaves, promoted), step_fun, length, checkpoint_every
        )
    cf.check_carry(what, init_tree, in_avals, carry_tree, out_avals)
    loop = temp
    if ys:
        buffers = [cf.empty((length, *y.shape), y.dtype, y.weak) for y in ys]
        loop = build(scf.ForOp, *index_values, init_leaves + buffers)
        row = rows[0] if rows[0] != temp.induction_variable else loop.induction_variable
        moved = cf.move_body(temp.body, loop.body, carry + ys)
        carry, ys = moved[: len(carry)], moved[len(carry) :]
        scope.block = loop.body
        with scope.active():
            stored = [
                cf.with_row(wrap(arg), y, row)
                for arg, y in zip(list(loop.inner_iter_args)[len(carry) :], ys, strict=True)
            ]
    cf.finish_region(scope, _yield, carry + (stored if ys else []))
    if loop is not temp:
        temp.operation.erase()
    if checkpoint_every is not None:
        loop.operation.attributes[CHECKPOINT_EVERY] = ir.IntegerAttr.get(
            ir.IntegerType.get_signless(64), int(checkpoint_every)
        )
    weak = [x.weak and y.weak for x, y in zip(init_leaves, carry, strict=True)] + [y.weak for y in ys]
    results = [wrap(r, w) for r, w in zip(loop.results, weak, strict=True)]
    return (
        tree_unflatten(carry_tree, results[: len(carry)]),
        tree_unflatten(ys_tree, results[len(carry) :]),
    )


def fori_loop(lower, upper, body_fun, init_val, *, unroll=None, checkpoint_every=None):
    """`for i in range(lower, upper): val = body_fun(i, val)`, as jax.lax.fori_loop
    (an scf.for; traced bounds give a dynamic trip count). `checkpoint_every=k`
    (lintra) marks the loop `lintra.checkpoint_every = k`: reverse mode saves the
    carry every k iterations and recomputes inside each segment."""
    del unroll  # a code generation hint only
    _check_every("fori_loop", checkpoint_every)
    if current_trace() is None:
        static = [b if isinstance(b, (int, np.integer)) else None for b in (lower, upper)]

        def staged(*arrays):
            traced = iter(arrays[:-1])
            lo, hi = (b if b is not None else next(traced) for b in static)
            return fori_loop(lo, hi, body_fun, arrays[-1], checkpoint_every=checkpoint_every)

        dynamic = [b for b, s in zip((lower, upper), static, strict=True) if s is None]
        return _eager("fori_loop", staged, (*dynamic, init_val), body_fun, tuple(static), checkpoint_every)
    index_dtype, index_weak = _index_aval(lower, upper)
    bounds = [_bound(b, index_dtype) for b in (lower, upper)] + [1]

    def step(iv, carry):
        return body_fun(cf.from_index(iv, index_dtype, index_weak), carry), None, iv

    return _for("fori_loop", bounds, init_val, step, checkpoint_every=checkpoint_every)[0]


def _bound(bound, dtype):
    """A loop bound: a Python int, or a traced 0-d integer array."""
    if isinstance(bound, (int, np.integer)) and not isinstance(bound, bool):
        return int(bound)
    bound = operand(bound, "fori_loop")
    if bound.shape:
        raise TypeError(f"fori_loop bounds must be scalars, got shape {bound.shape}")
    return prim.convert(bound, dtype)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1, *, checkpoint_every=None):
    """`carry, ys = scan(f, init, xs)` with `f(carry, x) -> (carry, y)`, as jax.lax.scan:
    `x` runs over the leading axis of `xs` (a pytree, or None with `length`),
    and the `y`s are stacked along a new leading axis. `checkpoint_every`: as
    for fori_loop."""
    del unroll
    _check_every("scan", checkpoint_every)
    if current_trace() is None:
        return _eager(
            "scan",
            lambda c, x: scan(f, c, x, length=length, reverse=reverse, checkpoint_every=checkpoint_every),
            (init, xs),
            f,
            length,
            reverse,
            checkpoint_every,
        )
    x_leaves, x_tree = _leaves(xs, "scan")
    for x in x_leaves:
        if not x.shape:
            raise ValueError(f"scan got value with no leading axis to scan over: {x!r}")
    lengths = sorted({x.shape[0] for x in x_leaves})
    if length is None:
        if not lengths:
            raise ValueError("scan got no values to scan over and `length` not provided.")
        if len(lengths) > 1:
            raise ValueError(
                f"scan got values with different leading axis sizes: {', '.join(map(str, lengths))}."
            )
        length = lengths[0]
    elif lengths and lengths != [int(length)]:
        raise ValueError(
            f"scan got `length` argument of {length} which disagrees with leading axis sizes {lengths}."
        )
    length = int(length)

    def step(iv, carry):
        row = iv
        if reverse:
            row = cf.index_op("sub", cf.to_index(length - 1), iv)
        x = tree_unflatten(x_tree, [cf.row(leaf, row) for leaf in x_leaves])
        out = f(carry, x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"scan body output must be a pair (carry, y), got {type(out).__name__}")
        return out[0], out[1], row

    return _for("scan", [0, length, 1], init, step, length, checkpoint_every)


def while_loop(cond_fun, body_fun, init_val, *, max_iterations=None):
    """`while cond_fun(val): val = body_fun(val)`, as jax.lax.while_loop (an scf.while).
    `max_iterations=N` (lintra) bounds the trip count for reverse mode."""
    if max_iterations is not None and (
        isinstance(max_iterations, bool)
        or not isinstance(max_iterations, (int, np.integer))
        or max_iterations < 0
    ):
        raise ValueError(f"while_loop: max_iterations must be a non-negative int, got {max_iterations!r}")
    if current_trace() is None:
        return _eager(
            "while_loop",
            lambda init: while_loop(cond_fun, body_fun, init, max_iterations=max_iterations),
            (init_val,),
            cond_fun,
            body_fun,
            max_iterations,
        )
    init_leaves, init_tree = _leaves(init_val, "while_loop")
    types = [x.value.type for x in init_leaves]
    loop = build(scf.WhileOp, types, list(init_leaves))
    if max_iterations is not None:
        loop.operation.attributes[MAX_TRIP_COUNT] = ir.IntegerAttr.get(
            ir.IntegerType.get_signless(64), int(max_iterations)
        )
    weak = [x.weak for x in init_leaves]
    before = loop.before.blocks.append(*types)
    [(flag, _)], scope = cf.trace_region(
        before, lambda args: cond_fun(tree_unflatten(init_tree, args)), weak, lambda out: [out], "while_loop"
    )
    if len(flag) != 1 or flag[0].shape or not dtypes.is_bool(flag[0].dtype):
        found = ", ".join(f"{x.dtype}{list(x.shape)}" for x in flag)
        raise TypeError(f"cond_fun must return a boolean scalar, but got output type(s) [{found}].")
    with scope.active():
        condition = cf.scalar_i1(flag[0])
    cf.finish_region(scope, lambda values, ip: scf.ConditionOp(condition, values, ip=ip), scope.arguments)
    after = loop.after.blocks.append(*types)
    [(carry, carry_tree)], scope = cf.trace_region(
        after, lambda args: body_fun(tree_unflatten(init_tree, args)), weak, lambda out: [out], "while_loop"
    )
    in_avals, out_avals = [x.aval for x in init_leaves], [x.aval for x in carry]
    promoted = cf.weak_promotions(init_tree, in_avals, carry_tree, out_avals)
    if promoted is not None:
        loop.operation.erase()
        init = _converted(init_tree, init_leaves, promoted)
        return while_loop(cond_fun, body_fun, init, max_iterations=max_iterations)
    cf.check_carry("while_loop", init_tree, in_avals, carry_tree, out_avals)
    cf.finish_region(scope, _yield, carry)
    results = [wrap(r, w and y.weak) for r, w, y in zip(loop.results, weak, carry, strict=True)]
    return tree_unflatten(init_tree, results)


def _branches(what: str, make, names, funs, operands):
    """An op with one single-block region per branch (`make(result_types)` builds
    it): each `funs[i](*operands)` is traced into region i; returns the results."""
    temp = make([])
    traced = []
    for region, fun in zip(temp.regions, funs, strict=True):
        block = region.blocks.append()
        [(leaves, tree)], scope = cf.trace_region(
            block, lambda _, fun=fun: fun(*operands), [], lambda o: [o], what
        )
        traced.append((leaves, tree, scope))
    cf.check_branches(what, names, [t[1] for t in traced], [[x.aval for x in t[0]] for t in traced])
    avals = cf.joined_avals([[x.aval for x in t[0]] for t in traced])
    op = make([a.tensor_type() for a in avals])
    for region, (leaves, _, scope) in zip(op.regions, traced, strict=True):
        block = region.blocks.append()
        cf.move_body(scope.block, block)
        cf.finish_region(scope, _yield, leaves, block)
    temp.erase()
    return tree_unflatten(traced[0][1], [wrap(r, a.weak) for r, a in zip(op.results, avals, strict=True)])


def _create(name: str, operands, attributes, n_regions: int):
    def make(result_types):
        return build(
            lambda loc, ip: ir.Operation.create(
                name,
                results=result_types,
                operands=operands,
                attributes=attributes,
                regions=n_regions,
                loc=loc,
                ip=ip,
            )
        )

    return make


def cond(pred, true_fun, false_fun, *operands):
    """`true_fun(*operands) if pred else false_fun(*operands)`, as jax.lax.cond (an
    scf.if; only the branch taken runs). `pred` is a scalar bool or number."""
    if current_trace() is None:
        return _eager(
            "cond", lambda p, *ops: cond(p, true_fun, false_fun, *ops), (pred, *operands), true_fun, false_fun
        )
    if operand_shape(pred):
        raise TypeError(f"Pred must be a scalar, got {pred} of shape {operand_shape(pred)}.")
    flag = cf.scalar_i1(operand(pred, "cond"))
    return _branches(
        "cond", _create("scf.if", [flag], {}, 2), ["true_fun", "false_fun"], [true_fun, false_fun], operands
    )


def switch(index, branches, *operands):
    """`branches[clamp(index, 0, n - 1)](*operands)`, as jax.lax.switch (an scf.index_switch)."""
    branches = list(branches)
    if not branches:
        raise ValueError("Empty branch sequence")
    if current_trace() is None:
        return _eager(
            "switch", lambda i, *ops: switch(i, branches, *ops), (index, *operands), tuple(branches)
        )
    index = operand(index, "switch")
    if index.shape or not dtypes.is_integer(index.dtype) or dtypes.is_bool(index.dtype):
        raise TypeError(f"Branch index must be scalar integer, got {index.dtype}{list(index.shape)}")
    if len(branches) == 1:
        return branches[0](*operands)
    index = prim.convert(index, dtypes.INT32)
    low, high = prim.full((), 0, dtypes.INT32), prim.full((), len(branches) - 1, dtypes.INT32)
    clamped = wrap(build(arith.MinSIOp, wrap(build(arith.MaxSIOp, index, low).result), high).result)
    cases = ir.DenseI64ArrayAttr.get(list(range(len(branches) - 1)))
    # Regions: the default first (the last branch), then one per case.
    ordered = [branches[-1]] + branches[:-1]
    names = [f"branch {i}" for i in [len(branches) - 1, *range(len(branches) - 1)]]
    make = _create("scf.index_switch", [cf.to_index(clamped)], {"cases": cases}, len(branches))
    return _branches("switch", make, names, ordered, operands)


def select(pred, on_true, on_false):
    """`on_true` where `pred` else `on_false`, elementwise, as jax.lax.select (arith.select)."""
    if current_trace() is None:
        return _eager("select", select, (pred, on_true, on_false))
    pred, x, y = (operand(v, "select") for v in (pred, on_true, on_false))
    if x.dtype != y.dtype:
        raise TypeError(
            f"lax.select requires arguments to have the same dtypes, got {x.dtype}, {y.dtype}. "
            "(Tip: lintra.numpy.where is a similar function that does automatic type promotion on inputs)."
        )
    if x.shape != y.shape:
        raise TypeError(f"select cases must have the same shapes, got [{x.shape}, {y.shape}].")
    if not dtypes.is_bool(pred.dtype):
        raise TypeError(f"select `which` must be boolean type, got {pred.dtype}.")
    if pred.shape not in ((), x.shape):
        raise TypeError(
            "select `which` must be scalar or have the same shape as cases, got `which` shape "
            f"{pred.shape} but case shape {x.shape}."
        )
    return prim.select(prim.broadcast_to(pred, x.shape), x, y, x.weak and y.weak)
