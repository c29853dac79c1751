"""The rule tables and the helpers that fill them.

Three tables, keyed by op name:

* `JVP_RULES[name](b, op, tangents) -> tangents_out` -- every differentiable op.
  `op` is the primal op already emitted in the JVP function (its operands are the
  new primal values), `tangents` holds one tangent per operand (`None` is a
  symbolic zero; at least one is not None), and the rule returns one tangent per
  result. A rule that re-emits the primal computation itself returns
  `Replaced(primals, tangents)`, and the driver erases `op`.
* `TRANSPOSE_RULES[name]` -- only *linear* ops. A `TransposeRule` knows which
  operands the op is linear in, and maps result cotangents to operand cotangents:
  `transpose(b, op, cts, args) -> cts_in`, where `op` is the op of the linear
  function, `cts` holds one cotangent per result (`None` = zero; not all None),
  `args[i]` is `Linear(type)` for a linear operand and the already-emitted
  non-linear value otherwise, and `cts_in[i]` is the cotangent of operand i
  (ignored for non-linear operands).
* `BATCH_RULES[name](b, op, args, size) -> [Batched]` -- batching (vmap, see
  `batch.py`). `op` is the op of the function being batched (not re-emitted),
  `args[i]` is `Batched(value, dim)` for operand i (the new value and the position
  of its batch dimension, None when unbatched; at least one is batched, or a
  value the regions of a `BATCH_CAPTURING` op read is), `size` the batch size;
  the rule emits the batched op at `b` and returns one `Batched` per result.
  Other ops none of whose operands is batched are cloned without a rule.
  `NOT_BATCHABLE[name]` records ops rejected on purpose, with the reason.

Ops with regions (scf.for, scf.if, ...) also use `CAPTURING` (their rules see
the values their regions read from outside; `BATCH_CAPTURING` likewise for
batching), `REGION_RULES` (how linearize splits them into a primal op saving
residuals and a linear op) and `NOT_TRANSPOSABLE` (why one may not be
transposed, reported at the op).

Contract tying the tables: every op that a JVP rule emits on the tangent side has
a transpose rule, and no non-linear op has one; every op with a JVP rule has a
batching rule or a `NOT_BATCHABLE` reason (checked by the test suite).
There are no reverse rules: reverse mode is linearize, then transpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from mlir import ir
from mlir.dialects import tensor

from .batch_dims import Batched, batched_type, check_unbatched, common_dim, materialize, recreate
from .emit import Emitter, element_type, is_float, shape_of

JVP_RULES: dict[str, Callable] = {}
TRANSPOSE_RULES: dict[str, "TransposeRule"] = {}
# The ops whose results have a zero derivative, with the reason (filled by
# `defzero`). No other op is ever treated as non-differentiable: an op without a
# JVP rule that reads a value carrying a tangent is an error.
NON_DIFFERENTIABLE: dict[str, str] = {}
# Ops with regions whose rules also see the values their regions capture from
# outside (scf.for, scf.if, ...). Their JVP rule is called as
# `rule(b, op, tangents, captured)`, `captured` mapping each captured value of the
# emitted `op` that has a tangent to that tangent; their transpose rule as
# `transpose(b, op, cts, args, captured)`, `captured` listing the linear values
# the regions capture, and it returns cotangents for the operands followed by
# one per captured value.
CAPTURING: set[str] = set()
# Ops that a linear function may hold (linearize puts them there) but that have
# no transpose: `NOT_TRANSPOSABLE[name](op) -> message` says why, at the op.
NOT_TRANSPOSABLE: dict[str, Callable] = {}
# Region ops through which linearize unzips (`RegionRule`), keyed by op name.
REGION_RULES: dict[str, "RegionRule"] = {}
BATCH_RULES: dict[str, Callable] = {}
NOT_BATCHABLE: dict[str, str] = {}
# Region ops whose batching rule handles regions that read batched values from
# outside (`batch.batch_block`); for other ops such a capture is an error.
BATCH_CAPTURING: set[str] = set()


@dataclass
class Replaced:
    """A JVP rule's result when it re-emitted the primal results itself."""

    primals: list
    tangents: list


@dataclass
class Linear:
    """Stands for a linear operand in a transpose rule's `args`."""

    type: ir.Type


def float_operand_positions(op) -> set[int]:
    return {i for i, v in enumerate(op.operands) if is_float(v)}


@dataclass
class TransposeRule:
    """How a linear op transposes.

    `linear_positions(op)`: operands the op is jointly linear in. When the op is
    linear at all, each of them must be linear (or a constant zero): a non-zero
    non-linear value there makes the op affine.
    `bilinear_pairs(op)`: pairs of operands of which at most one may be linear;
    the other is a coefficient.
    `free_positions(op)`: operands that may or may not be linear (ops with a
    region, whose body decides).
    `check(op, linear_flags)`: an extra linearity check; returns an error message
    or None.
    Any linear operand outside these sets makes the op non-linear.
    """

    transpose: Callable
    linear_positions: Callable = float_operand_positions
    bilinear_pairs: Callable = field(default=lambda op: [])
    free_positions: Callable = field(default=lambda op: set())
    check: Callable | None = None


@dataclass
class RegionRule:
    """How partial evaluation (linearize) goes through a region op of a JVP function.

    `linear_results(op, linear) -> list[bool]`: which results of `op` depend on
    the values of the set `linear` (a fixed point over loop-carried values).
    `split(b, op, linear) -> list[Value]`: emit at `b` a primal op that does not
    read `linear` values (saving residuals) followed by a linear op that reads
    them; return the values replacing `op`'s results.
    """

    linear_results: Callable
    split: Callable


# -- JVP helpers ----------------------------------------------------------------


def defjvp(name: str, *partials: Callable) -> None:
    """An op whose tangent is the sum over operands of `partials[i](b, t_i, *xs, out)`.

    Like JAX's `defjvp`: each partial returns the contribution of operand i's
    tangent `t_i`, given the primal operands `xs` and the primal result `out`.
    A `None` partial means the op does not depend differentiably on that operand.
    """

    def rule(b: Emitter, op, tangents):
        xs = list(op.operands)
        total = None
        for t, partial in zip(tangents, partials, strict=True):
            if t is not None and partial is not None:
                total = b.add(total, partial(b, t, *xs, op.result))
        return [total]

    JVP_RULES[name] = rule


def defzero(*names: str, reason: str) -> None:
    """Ops whose results have a zero tangent, for `reason` (comparisons, rounding,
    conversions to integers, ...); recorded in `NON_DIFFERENTIABLE`."""
    for name in names:
        JVP_RULES[name] = lambda b, op, tangents: [None] * len(op.results)
        NON_DIFFERENTIABLE[name] = reason


def clone_with_operands(b: Emitter, op, replacements: dict) -> ir.Operation:
    """Clone `op` at `b` with operand i replaced by `replacements[i]`."""
    new = op.operation.clone(ip=b.ip)
    for index, value in replacements.items():
        new.operands[index] = value
    return new


def linear_jvp(
    positions: Callable = float_operand_positions, overwritten_init: int | None = None
) -> Callable:
    """JVP of an op linear in `positions`: the same op applied to the tangents.

    `overwritten_init` names a destination operand the op overwrites without
    reading (linalg.copy's init, ...): the tangent op gets a fresh `tensor.empty`
    there, so the primal destination does not become a residual.
    """

    def rule(b: Emitter, op, tangents):
        linear = positions(op)
        if all(tangents[i] is None for i in linear):
            return [None] * len(op.results)
        replacements = {i: b.instantiate(tangents[i], op.operands[i].type) for i in linear}
        if overwritten_init is not None:
            init_type = op.operands[overwritten_init].type
            replacements[overwritten_init] = tensor.empty(
                shape_of(init_type), element_type(init_type), loc=b.location, ip=b.ip
            )
        return list(clone_with_operands(b, op, replacements).results)

    return rule


def deflinear(
    name: str,
    transpose: Callable,
    positions: Callable = float_operand_positions,
    jvp: Callable | None = None,
    overwritten_init: int | None = None,
) -> None:
    """A linear op: its JVP applies it to the tangents; `transpose` is its transpose."""
    JVP_RULES[name] = jvp or linear_jvp(positions, overwritten_init)
    # An overwritten init may even be linear: it is never read, its cotangent is zero.
    free = (lambda op: {overwritten_init}) if overwritten_init is not None else (lambda op: set())
    TRANSPOSE_RULES[name] = TransposeRule(transpose, positions, free_positions=free)


def bilinear_jvp(pair=(0, 1), accumulator: int | None = None) -> Callable:
    """JVP of an op bilinear in `pair`, optionally accumulating into operand `accumulator`.

    d op(a, c; acc) = op(da, c; dacc) + op(a, dc; 0): with an accumulator the terms
    chain through it (C += dA.B, then C += A.dB); without one they are added.
    """

    def rule(b: Emitter, op, tangents):
        result = tangents[accumulator] if accumulator is not None else None
        for index in pair:
            if tangents[index] is None:
                continue
            replacements = {index: tangents[index]}
            if accumulator is not None:
                replacements[accumulator] = b.instantiate(result, op.operands[accumulator].type)
                result = clone_with_operands(b, op, replacements).result
            else:
                result = b.add(result, clone_with_operands(b, op, replacements).result)
        return [result]

    return rule


def defbilinear(name: str, transpose: Callable, pair=(0, 1), accumulator: int | None = None) -> None:
    """A bilinear op (like mulf or matmul), linear in each of `pair` given the other."""
    JVP_RULES[name] = bilinear_jvp(pair, accumulator)
    TRANSPOSE_RULES[name] = TransposeRule(
        transpose,
        linear_positions=lambda op: set() if accumulator is None else {accumulator},
        bilinear_pairs=lambda op: [tuple(pair)],
    )


# -- batching helpers ------------------------------------------------------------------


def defvectorized(*names: str) -> None:
    """Elementwise ops (any arity, like JAX's `defvectorized` and `defbroadcasting`):
    every operand is brought to the batch dim of the first batched one (unbatched
    operands are broadcast), and the op is applied to the batched tensors."""

    for name in names:
        BATCH_RULES[name] = vectorized_batch


def vectorized_batch(b: Emitter, op, args, size):
    """The batching rule of `defvectorized` ops."""
    dim = common_dim(args)
    operands = [materialize(b, a, size, dim) for a in args]
    types = [batched_type(r.type, size, dim) for r in op.results]
    new = recreate(b, op, operands, types)
    return [Batched(r, dim) for r in new.results]


def front_batch(
    attributes: Callable = lambda op, size: {}, positions: Callable | None = None, **recreate_args
) -> Callable:
    """The batching rule of `defbatch_front`."""

    def rule(b: Emitter, op, args, size):
        chosen = positions(op) if positions is not None else front_positions(op)
        check_unbatched(op, args, set(range(len(args))) - set(chosen), "index or size")
        operands = [materialize(b, a, size, 0) if i in chosen else a.value for i, a in enumerate(args)]
        types = [batched_type(r.type, size, 0) for r in op.results]
        new = recreate(b, op, operands, types, attributes(op, size), **recreate_args)
        return [Batched(r, 0) for r in new.results]

    return rule


def defbatch_front(name: str, attributes: Callable = lambda op, size: {}, positions=None, **recreate_args):
    """An op batched by moving the batch dim of its operands `positions(op)` (default:
    the tensor and float ones) to the front, unbatched ones broadcast, and re-creating
    it with result types batched at 0 and the attributes `attributes(op, size)` (the
    op's dims shifted by one: a permutation, reduced or concatenated dims, ...).
    Its other operands (indices, sizes) must be unbatched (a located error)."""
    BATCH_RULES[name] = front_batch(attributes, positions, **recreate_args)


def front_positions(op) -> set[int]:
    """The operands a front-batched op takes batched: tensors and floats (not indices)."""
    return {i for i, v in enumerate(op.operands) if isinstance(v.type, ir.ShapedType) or is_float(v)}


def defunbatchable(*names: str, reason: str) -> None:
    """Ops rejected on purpose when an operand is batched, for `reason`."""
    for name in names:
        NOT_BATCHABLE[name] = reason
