"""Hoist the non-linear part of an elementwise tangent generic into the primal side.

The tangent of an elementwise `linalg.generic` is computed by a generic whose
body mixes primal work (e.g. `cos(x)` for `sin`) with linear tangent work
(`dx * cos(x)`). `split_coefficients` splits it in two:

    %c = linalg.generic ins(%x) outs(%empty) { cos(x) }           // primal
    %dy = linalg.generic ins(%c, %dx) outs(%init) { dx * c }       // linear

so that linearization saves the coefficient `%c` as a residual, exactly as it
does for `math.sin` on a whole tensor, and the linear function holds only
linear ops. Only all-parallel generics are split: in a reduction a coefficient
per iteration point could be much larger than any operand, so those keep
recomputing it. The results are numerically identical.
"""

from __future__ import annotations

from .emit import Emitter, erase_dead_ops, is_float, shape_of, tensor_type, used_values
from .structured import PARALLEL, build_generic, empty, identity_dims


def loop_bounds(s) -> list[int]:
    bounds = [None] * s.n_dims
    for value, dims in zip(s.ins + s.outs, s.maps, strict=True):
        for position, dim in enumerate(dims):
            bounds[dim] = shape_of(value.type)[position]
    return bounds


def split_coefficients(b: Emitter, s, primal_inputs: list[bool]) -> list | None:
    """Split the tangent generic `s` (a `Structured` view) as described above.

    `primal_inputs[i]` says whether input i is a primal value (the others are
    tangents). Returns the replacement results, or None when nothing is hoisted.
    """
    if any(kind != PARALLEL for kind in s.iterators):
        return None
    operations = [op.operation for op in s.body.operations]
    body, terminator = operations[:-1], operations[-1]
    arguments = list(s.body.arguments)
    # The block's arguments are its inputs' then its outputs'; primal_inputs covers the inputs.
    linear = {a for a, primal in zip(arguments, primal_inputs, strict=False) if not primal}
    linear.update(arguments[s.n_in :])
    linear_ops = []
    for op in body:
        if any(v in linear for v in used_values(op)):
            linear_ops.append(op)
            linear.update(op.results)
    producer = {
        r: op for op in body if op not in linear_ops and op.name != "arith.constant" for r in op.results
    }
    # Float primal values the linear ops read become coefficients; non-float ones
    # (the i1 of a select's cmpf) are recomputed in the linear generic from their
    # own operands, so no tensor of i1 is ever materialized.
    coefficients, recomputed = [], []
    pending = [v for op in linear_ops for v in used_values(op)]
    while pending:
        value = pending.pop(0)
        if value not in producer or value in coefficients or producer[value] in recomputed:
            continue
        if is_float(value):
            coefficients.append(value)
        else:
            recomputed.append(producer[value])
            pending.extend(used_values(producer[value]))
    if not coefficients:
        return None
    bounds = loop_bounds(s)
    primal = [i for i, flag in enumerate(primal_inputs) if flag]

    def coefficient_body(inner: Emitter, args):
        mapping = {arguments[i]: args[slot] for slot, i in enumerate(primal)}
        for op in body:
            if op not in linear_ops:
                mapping.update(zip(op.results, inner.clone(op, mapping).results, strict=True))
        return [mapping[c] for c in coefficients]

    outs = [empty(b, tensor_type(bounds, c.type)) for c in coefficients]
    identity = identity_dims(s.n_dims)
    values = build_generic(
        b,
        [s.ins[i] for i in primal],
        outs,
        [s.maps[i] for i in primal] + [identity] * len(coefficients),
        s.n_dims,
        s.iterators,
        coefficient_body,
    )
    erase_dead_ops(values[0].owner.regions[0].blocks[0])

    # The linear generic reads the coefficients, the tangents, and the primal
    # inputs that linear ops use directly (as in dx * x).
    direct = [
        i
        for i in primal
        if any(arguments[i] in used_values(op) for op in linear_ops + recomputed + [terminator])
    ]
    tangents = [i for i, flag in enumerate(primal_inputs) if not flag]
    inputs = values + [s.ins[i] for i in direct + tangents]
    maps = [identity] * len(values) + [s.maps[i] for i in direct + tangents] + s.maps[s.n_in :]

    def linear_body(inner: Emitter, args):
        mapping = dict(zip(coefficients, args[: len(values)], strict=True))
        mapping.update(
            zip([arguments[i] for i in direct + tangents], args[len(values) : len(inputs)], strict=True)
        )
        mapping.update(zip(arguments[s.n_in :], args[len(inputs) :], strict=True))
        for op in body:
            if op in linear_ops or op in recomputed or op.name == "arith.constant":
                mapping.update(zip(op.results, inner.clone(op, mapping).results, strict=True))
        return [mapping.get(v, v) for v in terminator.operands]

    results = build_generic(b, inputs, s.outs, maps, s.n_dims, s.iterators, linear_body)
    erase_dead_ops(results[0].owner.regions[0].blocks[0])
    return results
