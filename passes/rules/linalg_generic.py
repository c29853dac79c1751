"""JVP and transpose rules of the structured ops with a scalar body: linalg.generic, linalg.map.

A `Structured` view describes such an op: inputs, outputs, projected-permutation
indexing maps (as dim lists), iterator kinds and the scalar body block.

JVP: the tangent is a second linalg.generic over the same iteration space. Its
inputs are the primal inputs, the input tangents, and the primal outputs the
body reads; its outputs are the output tangents. Its body re-emits the primal
body and the scalar JVP rules, so it is linear in the tangent block arguments.
For all-parallel generics, the primal part of that body is then hoisted into a
separate coefficient generic (`coefficients.split_coefficients`).

Transpose: for each linear operand, a generic over the same iteration space whose
output is indexed by that operand's map; loop dims absent from the map become
reductions, and the body is the scalar transpose of the original body (which also
checks that the body is linear). A reduction's linear accumulator is handled when
it is accumulated additively (`acc + ...`): its cotangent is the output's.

Batching: a linalg.generic gets one more parallel loop, dim 0, over the batch
(`batch_structured`); linalg.map maps the batched tensors.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir
from mlir.dialects import tensor

from ..core.batch_dims import batch_structured
from ..core.coefficients import loop_bounds, split_coefficients
from ..core.emit import Emitter, element_type, erase_dead_ops, is_float, is_zero_constant, tensor_type
from ..core.jvp import jvp_ops
from ..core.structured import (
    PARALLEL,
    REDUCTION,
    build_generic,
    empty,
    identity_dims,
    iterator_kinds,
    map_dims,
)
from ..core.tables import BATCH_RULES, JVP_RULES, TRANSPOSE_RULES, Linear, TransposeRule, defbatch_front
from ..core.transpose import check_linear_op, transpose_block
from ..diagnostics import LintraError


@dataclass
class Structured:
    op: ir.Operation
    ins: list
    outs: list
    maps: list  # dim lists: ins, then outs
    n_dims: int
    iterators: list
    body: ir.Block

    @property
    def n_in(self) -> int:
        return len(self.ins)

    def reads_output(self, k: int) -> bool:
        return bool(list(self.body.arguments[self.n_in + k].uses))


def structured_view(op: ir.Operation, operands=None) -> Structured:
    """A `Structured` view of linalg.generic or linalg.map (`operands` overrides op's)."""
    operands = list(op.operands) if operands is None else list(operands)
    n_out = len(op.results)
    ins, outs = operands[: len(operands) - n_out], operands[len(operands) - n_out :]
    body = op.regions[0].blocks[0]
    if op.name == "linalg.generic":
        attrs = list(op.attributes["indexing_maps"])
        maps = [map_dims(a, op) for a in attrs]
        n_dims = attrs[0].value.n_dims
        iterators = iterator_kinds(op)
    else:  # linalg.map: identity maps, all parallel
        n_dims = op.results[0].type.rank
        maps = [identity_dims(n_dims)] * len(operands)
        iterators = [PARALLEL] * n_dims
    return Structured(op, ins, outs, maps, n_dims, iterators, body)


def generic_jvp(b: Emitter, op: ir.Operation, tangents: list) -> list:
    s = structured_view(op)
    n_out = len(s.outs)
    read_outs = [k for k in range(n_out) if s.reads_output(k)]
    results, substituted = build_tangent_generic(b, s, tangents, read_outs)
    if results is None:
        return [None] * n_out
    if len(substituted) < len(read_outs):
        # The tangent body does not need some primal outputs: rebuild without them,
        # so they do not become residuals.
        results[0].owner.erase()
        results, _ = build_tangent_generic(b, s, tangents, read_outs, substituted)
    if REDUCTION in s.iterators and substituted:
        raise LintraError.at(
            op,
            "is a reduction whose body uses its accumulator non-linearly; "
            "lintra differentiates such reductions only as linalg.reduce",
        )
    n_tangent_ins = sum(t is not None for t in tangents[: s.n_in])
    primal_inputs = [True] * s.n_in + [False] * n_tangent_ins + [True] * len(substituted)
    tangent_op = results[0].owner
    split = split_coefficients(b, structured_view(tangent_op), primal_inputs)
    if split is not None:
        tangent_op.erase()
        results = split
    float_outs = [k for k in range(n_out) if is_float(s.outs[k])]
    by_output = dict(zip(float_outs, results, strict=True))
    return [by_output.get(k) for k in range(n_out)]


def build_tangent_generic(
    b: Emitter, s: Structured, tangents: list, read_outs: list, substituted: list | None = None
):
    """Emit the tangent generic of `s`; return (results or None if all zero, the
    read outputs whose primal value the tangent body uses).

    Block arguments: primal inputs, input tangents, primal values of the read
    outputs in `substituted` (default: all read outputs) passed as inputs, then
    the output tangents.
    """
    n_in, n_out = s.n_in, len(s.outs)
    substituted = read_outs if substituted is None else substituted
    tangent_ins = [i for i in range(n_in) if tangents[i] is not None]
    float_outs = [k for k in range(n_out) if is_float(s.outs[k])]
    out_inits = [
        b.instantiate(tangents[n_in + k], s.outs[k].type) if k in read_outs else empty(b, s.outs[k].type)
        for k in float_outs
    ]
    ins = s.ins + [tangents[i] for i in tangent_ins] + [s.outs[k] for k in substituted]
    maps = (
        s.maps[:n_in]
        + [s.maps[i] for i in tangent_ins]
        + [s.maps[n_in + k] for k in substituted]
        + [s.maps[n_in + k] for k in float_outs]
    )
    state = {}

    def body(inner: Emitter, args):
        arguments = list(s.body.arguments)
        primal_map = dict(inner.scope)
        primal_map.update(zip(arguments[:n_in], args[:n_in], strict=True))
        tangent_map = dict(
            zip([arguments[i] for i in tangent_ins], args[n_in : n_in + len(tangent_ins)], strict=True)
        )
        substitutes = args[n_in + len(tangent_ins) : len(ins)]
        tangent_outs = args[len(ins) :]
        for k, substitute in zip(substituted, substitutes, strict=True):
            primal_map[arguments[n_in + k]] = substitute
        for k in read_outs:
            tangent_map[arguments[n_in + k]] = tangent_outs[float_outs.index(k)]
            # A primal output left out of `substituted` only feeds dead primal ops:
            # any scalar of its type keeps the IR valid until they are erased.
            primal_map.setdefault(arguments[n_in + k], tangent_outs[float_outs.index(k)])
        operations = list(s.body.operations)
        jvp_ops(inner, operations[:-1], primal_map, tangent_map)
        yielded = list(operations[-1].operands)
        state["substitutes"] = dict(zip(substituted, substitutes, strict=True))
        state["all_zero"] = all(tangent_map.get(yielded[k]) is None for k in float_outs) and not read_outs
        return [
            inner.instantiate(tangent_map.get(yielded[k]), element_type(s.outs[k].type)) for k in float_outs
        ]

    results = build_generic(b, ins, out_inits, maps, s.n_dims, s.iterators, body)
    new_op = results[0].owner
    erase_dead_ops(new_op.regions[0].blocks[0])
    if state["all_zero"]:
        new_op.erase()
        return None, []
    used = [k for k, arg in state["substitutes"].items() if list(arg.uses)]
    return results, used


def additive_accumulator(s: Structured, k: int) -> bool:
    """Whether output k is accumulated as `yield acc + f(...)` (or yielded as is),
    with acc used nowhere else."""
    arg = s.body.arguments[s.n_in + k]
    uses = list(arg.uses)
    if len(uses) != 1:
        return False
    user = uses[0].owner
    yielded = list(list(s.body.operations)[-1].operands)
    if user.name == "linalg.yield":  # yielded unchanged: nothing is added to it
        return yielded[k] == arg and yielded.count(arg) == 1
    return user.name == "arith.addf" and len(yielded) > k and yielded[k] == user.results[0]


def body_linear_flags(s: Structured, linear: list[bool]) -> list[bool]:
    """Which body arguments are linear: linear inputs, and outputs the body reads
    that are linear or a constant zero (a zero accumulator is linear)."""
    n_in = s.n_in
    return linear[:n_in] + [
        (linear[n_in + k] or is_zero_constant(s.outs[k])) and s.reads_output(k) for k in range(len(s.outs))
    ]


def generic_check(op: ir.Operation, linear: list[bool]):
    """Pre-check that the body is linear in the linear block arguments."""
    s = structured_view(op)
    flags = body_linear_flags(s, linear)
    linear_values = {a for a, f in zip(s.body.arguments, flags, strict=True) if f}
    operations = list(s.body.operations)
    for inner in operations[:-1]:
        inner = inner.operation
        if any(v in linear_values for v in inner.operands):
            check_linear_op(inner, [v in linear_values for v in inner.operands])
            linear_values.update(inner.results)
    for k, value in enumerate(operations[-1].operands):
        if value not in linear_values and is_float(value) and not is_zero_constant(value):
            return (
                f"yields a value for result #{k} that does not depend on the linear operands "
                "and is not zero: the function is affine, not linear"
            )
    return None


def generic_transpose(b: Emitter, op: ir.Operation, cts: list, args: list) -> list:
    s = structured_view(op)
    n_in, n_out = s.n_in, len(s.outs)
    linear = [isinstance(a, Linear) for a in args]
    flags = body_linear_flags(s, linear)
    # Non-linear operands the body reads become inputs of each transposed generic.
    nonlinear = [i for i in range(n_in) if not linear[i]] + [
        n_in + k for k in range(n_out) if not flags[n_in + k] and s.reads_output(k)
    ]
    live_cts = [k for k in range(n_out) if cts[k] is not None]
    results = [None] * len(args)
    linear_args = [i for i, f in enumerate(flags) if f]
    for position in linear_args:
        if not linear[position]:
            continue  # a zero accumulator: its cotangent is not needed
        if position >= n_in and REDUCTION in s.iterators:
            k = position - n_in
            if not additive_accumulator(s, k):
                raise LintraError.at(
                    op,
                    "is a reduction whose accumulator is not accumulated additively; it cannot be transposed",
                )
            results[position] = cts[k]
            continue
        target = s.maps[position]
        iterators = [PARALLEL if d in target else REDUCTION for d in range(s.n_dims)]
        accumulates = REDUCTION in iterators
        ins = [args[i] for i in nonlinear] + [cts[k] for k in live_cts]
        maps = [s.maps[i] for i in nonlinear] + [s.maps[n_in + k] for k in live_cts]
        uncovered = [d for d in range(s.n_dims) if not any(d in m for m in maps + [target])]
        if uncovered:  # loops only linear operands indexed: an unread input gives their bounds
            bounds = loop_bounds(s)
            ins.append(
                empty(b, tensor_type([bounds[d] for d in uncovered], element_type(args[position].type)))
            )
            maps.append(uncovered)
        maps.append(target)
        operand_type = args[position].type
        scalar = not isinstance(operand_type, ir.ShapedType)
        result_type = tensor_type([], operand_type) if scalar else operand_type
        # Summing over the loop dims the operand does not index needs a zero init;
        # otherwise each element is written once and the init is not read.
        init = b.zeros(result_type) if accumulates else empty(b, result_type)

        def body(inner: Emitter, block_args, position=position, accumulates=accumulates):
            arg_values = [None] * len(s.body.arguments)
            for slot, index in enumerate(nonlinear):
                arg_values[index] = block_args[slot]
            result_cts = [None] * n_out
            for slot, k in enumerate(live_cts):
                result_cts[k] = block_args[len(nonlinear) + slot]
            body_cts = transpose_block(inner, s.body, flags, arg_values, result_cts)
            contribution = body_cts[linear_args.index(position)]
            if not accumulates:
                return [inner.instantiate(contribution, block_args[-1].type)]
            accumulator = block_args[-1]
            return [inner.add(accumulator, contribution) if contribution is not None else accumulator]

        result = build_generic(b, ins, [init], maps, s.n_dims, iterators, body)[0]
        if scalar:  # a scalar operand (map to ()) gets its cotangent out of a 0-d tensor
            result = tensor.extract(result, [], loc=b.location, ip=b.ip)
        results[position] = result
    return results


def all_operands(op) -> set[int]:
    return set(range(len(op.operands)))


for _name in ("linalg.generic", "linalg.map"):
    JVP_RULES[_name] = generic_jvp
    TRANSPOSE_RULES[_name] = TransposeRule(
        generic_transpose, linear_positions=lambda op: set(), free_positions=all_operands, check=generic_check
    )


# -- batching -------------------------------------------------------------------------
def generic_batch(b: Emitter, op: ir.Operation, args: list, size: int) -> list:
    """One more parallel loop (dim 0) over the batch; see `batch_structured`."""
    maps = [ir.AffineMapAttr(a).value for a in op.attributes["indexing_maps"]]
    n_inputs = list(op.attributes["operandSegmentSizes"])[0]
    return batch_structured(b, op, args, size, maps, list(op.attributes["iterator_types"]), n_inputs)


BATCH_RULES["linalg.generic"] = generic_batch
defbatch_front("linalg.map", positions=all_operands)
