"""Batching rules of structured control flow: scf.for, scf.if, scf.index_switch, scf.while.

As JAX batches scan, cond, switch and while_loop. Every region body is batched
with `batch.batch_block`, so bodies may read batched values from outside
(`BATCH_CAPTURING`). A carried value or result is batched (dim 0) when its
initial value or a value yielded for it is: a fixed point (`until_stable`, as
for the JVP rules in `scf.py`); unbatched values that must be batched are
broadcast.

* scf.for: its bounds and step must be the same for the whole batch.
* scf.if / scf.index_switch with an unbatched condition or index: the same op,
  its branches batched. With a batched one, every branch runs (inline) and each
  result is chosen per batch member by `arith.select`.
* scf.while with an unbatched condition: the same op, its regions batched. With
  a batched condition, the loop runs while the condition holds for any member,
  and the carried values of the members whose condition is false stay as they
  are (a select), so that their results are those of their last iteration:

    %r = scf.while (%a = %x) : (f64) -> f64 {
      %c = arith.cmpf olt, %a, %bound : f64      // %bound batched
      scf.condition(%c) %a : f64
    } do { ^bb0(%a: f64): ... scf.yield %n : f64 }
  becomes
    %r:3 = scf.while (%a = %xs) : (tensor<Bxf64>) -> (tensor<Bxi8>, tensor<Bxf64>, tensor<Bxf64>) {
      %c = arith.cmpf olt, %a, %bounds : tensor<Bxf64>
      %any = (linalg.reduce ori of %c)
      scf.condition(%any) %c8, %a, %a      // %c8: %c as i8
    } do { ^bb0(%m: tensor<Bxi8>, %f: tensor<Bxf64>, %a: tensor<Bxf64>):
      ... %n (batched) ...
      %s = arith.select %m1, %n, %a     // members still running move on
      scf.yield %s
    }                                     // %r#1 replaces %r
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, tensor

from ..core.batch import batch_block
from ..core.batch_dims import Batched, batched_type, check_unbatched, materialize
from ..core.emit import Emitter, element_type, shape_of, tensor_type
from ..core.regions import until_stable
from ..core.structured import broadcast_in_dims, reduce_sum
from ..core.tables import BATCH_CAPTURING, BATCH_RULES, defunbatchable
from ..diagnostics import LintraError
from .scf import shell, terminate


def integers(width: int, size: int) -> ir.Type:
    """tensor<size x i`width`>."""
    return tensor_type([size], ir.IntegerType.get_signless(width))


def on_front(values, flags) -> list[Batched]:
    """Block arguments `values` as `Batched`, batched at 0 where `flags` say so."""
    return [Batched(v, 0 if on else None) for v, on in zip(values, flags, strict=True)]


def batched_if(types, flags, size: int) -> list[ir.Type]:
    return [batched_type(t, size) if on else t for t, on in zip(types, flags, strict=True)]


def finish(b: Emitter, block: ir.Block, source: ir.Block, outs, flags, size: int) -> list[bool]:
    """Which of `outs` (a region's batched terminator operands) are batched. If
    that is within `flags`, end `block` with `source`'s kind of terminator,
    yielding `outs` batched where `flags` say so; otherwise the op will be rebuilt."""
    observed = [out.dim is not None for out in outs]
    if all(on or not seen for on, seen in zip(flags, observed, strict=True)):
        inner = b.nested(ir.InsertionPoint(block))
        values = [
            materialize(inner, out, size) if on else out.value for out, on in zip(outs, flags, strict=True)
        ]
        terminate(inner, block, source, values)
    return observed


def select_each(b: Emitter, mask: ir.Value, on_true: Batched, on_false: Batched, size: int) -> Batched:
    """Per batch member, `on_true` where `mask` (tensor<B x i1>) holds, else `on_false`."""
    if on_true.dim is None and on_false.dim is None and on_true.value == on_false.value:
        return on_true
    x, y = (materialize(b, v, size) for v in (on_true, on_false))
    if len(shape_of(x.type)) > 1:
        mask = broadcast_in_dims(b, mask, tensor_type(shape_of(x.type), element_type(mask.type)), [0])
    return Batched(arith.select(mask, x, y, loc=b.location, ip=b.ip), 0)


# -- scf.for --------------------------------------------------------------------------


def for_batch(b: Emitter, op, args, size: int) -> list[Batched]:
    check_unbatched(op, args, range(3), "loop bound or step")
    body = op.regions[0].blocks[0]
    bounds, inits = [a.value for a in args[:3]], args[3:]

    def build(flags):
        operands = bounds + [
            materialize(b, a, size) if on else a.value for a, on in zip(inits, flags, strict=True)
        ]
        new, (block,) = shell(b, op, operands, [], [])
        index, *carried = block.arguments
        inner = b.nested(ir.InsertionPoint(block))
        outs = batch_block(inner, body, [Batched(index, None)] + on_front(carried, flags), size)
        return new, finish(b, block, body, outs, flags, size)

    new, flags = until_stable(build, [a.dim is not None for a in inits])
    return on_front(list(new.results), flags)


# -- scf.if and scf.index_switch ----------------------------------------------------


def branches_batch(b: Emitter, op, args, size: int) -> list[Batched]:
    """scf.if and scf.index_switch: the same op with batched branches if its
    condition (index) is unbatched; else every branch inline, then selects."""
    if any(len(region.blocks) == 0 for region in op.regions):
        raise LintraError.at(op, "cannot be batched: it has no else region (so no results to batch)")
    if args[0].dim is not None:
        return selected_branches(b, op, args[0], size)
    sources = [region.blocks[0] for region in op.regions]
    types = [r.type for r in op.results]

    def build(flags):
        new, blocks = shell(b, op, [args[0].value], batched_if(types, flags, size), [[]] * len(sources))
        outs = [
            batch_block(b.nested(ir.InsertionPoint(block)), source, [], size)
            for source, block in zip(sources, blocks, strict=True)
        ]
        observed = [any(out[i].dim is not None for out in outs) for i in range(len(types))]
        if all(on or not seen for on, seen in zip(flags, observed, strict=True)):
            for source, block, out in zip(sources, blocks, outs, strict=True):
                finish(b, block, source, out, flags, size)
        return new, observed

    new, flags = until_stable(build, [False] * len(types))
    return on_front(list(new.results), flags)


def selected_branches(b: Emitter, op, selector: Batched, size: int) -> list[Batched]:
    """Every branch of `op` emitted at `b`, each result chosen per batch member by
    the batched condition (scf.if) or index (scf.index_switch) `selector`."""
    selector = materialize(b, selector, size)
    branches = [batch_block(b, region.blocks[0], [], size) for region in op.regions]
    if op.name == "scf.if":
        return [select_each(b, selector, t, e, size) for t, e in zip(branches[0], branches[1], strict=True)]
    # scf.index_switch: regions are the default, then one per case value.
    index = arith.index_cast(integers(64, size), selector, loc=b.location, ip=b.ip)
    results = branches[0]
    cases = list(ir.DenseI64ArrayAttr(op.attributes["cases"]))
    for case, branch in zip(cases, branches[1:], strict=True):
        value = b.constant(integers(64, size), case)
        mask = arith.cmpi(arith.CmpIPredicate.eq, index, value, loc=b.location, ip=b.ip)
        results = [select_each(b, mask, t, e, size) for t, e in zip(branch, results, strict=True)]
    return results


# -- scf.while ------------------------------------------------------------------------


def while_batch(b: Emitter, op, args, size: int) -> list[Batched]:
    """The same while with batched regions while its condition is unbatched; with
    a batched condition, `masked_while`. Flags: carried values, then results."""
    before, after = (region.blocks[0] for region in op.regions)
    n_in = len(args)
    types = [r.type for r in op.results]
    condition_batched = []

    def build(flags):
        carried, forwarded = flags[:n_in], flags[n_in:]
        operands = [materialize(b, a, size) if on else a.value for a, on in zip(args, carried, strict=True)]
        result_types = batched_if(types, forwarded, size)
        new, blocks = shell(b, op, operands, result_types, [[v.type for v in operands], result_types])
        condition, *passed = batch_block(
            b.nested(ir.InsertionPoint(blocks[0])), before, on_front(blocks[0].arguments, carried), size
        )
        if condition.dim is not None:  # every carried value will be batched: see masked_while
            condition_batched.append(True)
            return new, [True] * len(flags)
        yielded = batch_block(
            b.nested(ir.InsertionPoint(blocks[1])), after, on_front(blocks[1].arguments, forwarded), size
        )
        observed = [y.dim is not None for y in yielded] + [p.dim is not None for p in passed]
        if all(on or not seen for on, seen in zip(flags, observed, strict=True)):
            finish(b, blocks[0], before, [condition, *passed], [False] + forwarded, size)
            finish(b, blocks[1], after, yielded, carried, size)
        return new, observed

    new, flags = until_stable(build, [a.dim is not None for a in args] + [False] * len(types))
    if condition_batched:
        new.erase()
        return masked_while(b, op, args, size)
    return on_front(list(new.results), flags[n_in:])


def masked_while(b: Emitter, op, args, size: int) -> list[Batched]:
    """scf.while `op` with a batched condition (see the module doc): every value
    batched; the before region also forwards the condition (as i8, see
    `regions.stored_type`) and the carried values, which the after region keeps
    for the members whose condition is false."""
    before, after = (region.blocks[0] for region in op.regions)
    operands = [materialize(b, a, size) for a in args]
    carried_types = [v.type for v in operands]
    mask_type = integers(8, size)
    forwarded_types = [batched_type(r.type, size) for r in op.results]
    result_types = [mask_type, *forwarded_types, *carried_types]
    new, blocks = shell(b, op, operands, result_types, [carried_types, result_types])
    inner = b.nested(ir.InsertionPoint(blocks[0]))
    condition, *passed = batch_block(
        inner, before, on_front(blocks[0].arguments, [True] * len(operands)), size
    )
    condition = materialize(inner, condition, size)
    any_true = reduce_sum(inner, condition, [0], combiner="arith.ori", identity=0)
    any_true = tensor.extract(any_true, [], loc=inner.location, ip=inner.ip)
    mask = arith.extui(mask_type, condition, loc=inner.location, ip=inner.ip)
    passed = [materialize(inner, p, size) for p in passed]
    terminate(inner, blocks[0], before, [any_true, mask, *passed, *blocks[0].arguments])
    inner = b.nested(ir.InsertionPoint(blocks[1]))
    mask, *rest = blocks[1].arguments
    forwarded, previous = rest[: len(forwarded_types)], rest[len(forwarded_types) :]
    running = arith.trunci(integers(1, size), mask, loc=inner.location, ip=inner.ip)
    yielded = batch_block(inner, after, on_front(forwarded, [True] * len(forwarded)), size)
    kept = [
        select_each(inner, running, y, Batched(p, 0), size).value
        for y, p in zip(yielded, previous, strict=True)
    ]
    terminate(inner, blocks[1], after, kept)
    return on_front(list(new.results)[1 : 1 + len(forwarded_types)], [True] * len(forwarded_types))


for _name, _rule in (
    ("scf.for", for_batch),
    ("scf.if", branches_batch),
    ("scf.index_switch", branches_batch),
    ("scf.while", while_batch),
):
    BATCH_RULES[_name] = _rule
    BATCH_CAPTURING.add(_name)

defunbatchable(
    "scf.forall",
    "scf.parallel",
    "scf.execute_region",
    reason="this structured control flow op has no batching rule (scf.for, scf.if, "
    "scf.index_switch and scf.while have)",
)
