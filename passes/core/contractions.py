"""Contractions that read a broadcast or a transpose, rewritten without it.

`fold_contraction_operands(function)` rewrites, in one function, every
contraction (linalg.matmul, batch_matmul, matvec, vecmat, dot) one of whose
operands is a *view* of another value: a broadcast (linalg.broadcast,
linalg.fill, tensor.splat, a splat constant, a 0-d tensor made of one scalar,
or a copying linalg.generic whose input map drops dims) or a transpose
(linalg.transpose, or such a generic with a permuted map), possibly several
in a chain. The contraction then reads the view's source through a composed
indexing map:

* a transpose of a matmul operand becomes the matmul's indexing map, so no
  transposed copy is materialized (the upstream lowering and IREE read the
  operand in place); so does a transpose of a matmul's result
  (`fold_transposed_result`): (A B)^T is computed as B^T A^T;
* a broadcast operand makes the contraction factor. For out[o] = sum_r x[.] * s[.],
  each reduced dim that only one operand reads is summed in that operand
  first (a `linalg.reduce`), a reduced dim that neither reads contributes its
  extent as a factor, and the rest is a smaller contraction, or an elementwise
  product when no reduced dim is shared, broadcast to the output. So
  `matmul(X, broadcast(s))` is the row sums of X times s, broadcast: the
  all-ones seed cotangent of a `sum` costs a reduction, not a matmul (as JAX).

The rewritten IR uses only ops lintra differentiates, so derivatives of
derivatives still work. The result is the same value up to rounding (sums are
reassociated).
"""

from __future__ import annotations

import math

from mlir import ir
from mlir.dialects import tensor

from .emit import Emitter, element_type, float_constant_value, is_zero_constant, shape_of, tensor_type
from .structured import (
    DEFAULT_CONTRACTION_MAPS,
    PARALLEL,
    broadcast_in_dims,
    build_generic,
    contraction,
    contraction_maps,
    empty,
    identity_dims,
    iterator_kinds,
    map_dims,
    matmul,
    reduce_sum,
)


def producer(value: ir.Value):
    owner = value.owner
    return None if isinstance(owner, ir.Block) else owner.operation


def is_copy_generic(op: ir.Operation) -> bool:
    """A linalg.generic with one input and one output, all parallel, an identity
    output map, whose body yields its input: out[i] = in[map(i)]."""
    if op.name != "linalg.generic" or len(op.operands) != 2 or len(op.results) != 1:
        return False
    body = list(op.regions[0].blocks[0].operations)
    block_args = list(op.regions[0].blocks[0].arguments)
    maps = list(op.attributes["indexing_maps"])
    rank = len(shape_of(op.results[0].type))
    return (
        len(body) == 1
        and list(body[0].operands) == [block_args[0]]
        and all(kind == PARALLEL for kind in iterator_kinds(op))
        and maps[1].value.is_projected_permutation
        and map_dims(maps[1]) == identity_dims(rank)
        and maps[0].value.is_projected_permutation
    )


def view_of(value: ir.Value):
    """(source, dims) when tensor `value` is a broadcast or transpose of `source`,
    where source's dim k is value's dim dims[k] (source may be a scalar), else None."""
    op = producer(value)
    if op is None or not isinstance(value.type, ir.RankedTensorType):
        return None
    rank = len(shape_of(value.type))
    if op.name == "linalg.transpose":
        permutation = list(op.attributes["permutation"])
        return op.operands[0], [permutation.index(k) for k in range(rank)]
    if op.name == "linalg.broadcast":
        added = list(op.attributes["dimensions"])
        return op.operands[0], [d for d in range(rank) if d not in added]
    if op.name in ("linalg.fill", "tensor.splat") or (
        op.name in ("tensor.insert", "tensor.from_elements") and rank == 0
    ):
        return op.operands[0], []
    if op.name == "arith.constant" and rank > 0 and float_constant_value(value) is not None:
        return float_constant_value(value), []
    if is_copy_generic(op):
        return op.operands[0], map_dims(op.attributes["indexing_maps"][0])
    return None


def resolve(value: ir.Value, dims: list[int]):
    """Follow views from `value`, read through loop dims `dims`: (source, its loop
    dims, whether any view was followed)."""
    followed = False
    while isinstance(value, ir.Value) and (view := view_of(value)) is not None:
        value, dims, followed = view[0], [dims[k] for k in view[1]], True
    if isinstance(value, ir.Value) and not dims and float_constant_value(value) is not None:
        value = float_constant_value(value)
    return value, dims, followed


def as_tensor(b: Emitter, source: ir.Value) -> ir.Value:
    """`source` as a tensor (a 0-d one for a scalar)."""
    if isinstance(source.type, ir.RankedTensorType):
        return source
    return tensor.from_elements(tensor_type([], source.type), [source], loc=b.location, ip=b.ip)


def loop_extents(op: ir.Operation, maps, n_dims: int) -> list[int]:
    extents = [1] * n_dims
    for value, dims in zip(op.operands, maps, strict=True):
        for size, d in zip(shape_of(value.type), dims, strict=True):
            extents[d] = size
    return extents


def sum_private_dims(b: Emitter, x: ir.Value, dims: list[int], private: set[int]):
    """x summed over the positions whose loop dim is in `private`, and its remaining dims."""
    positions = [k for k, d in enumerate(dims) if d in private]
    if not positions:
        return x, dims
    return reduce_sum(b, x, positions), [d for d in dims if d not in private]


def factored(b: Emitter, x, x_dims, y, y_dims, out_type: ir.Type, out_dims, extents) -> ir.Value:
    """out[out_dims] = sum over the other loop dims of x[x_dims] * y[y_dims] (see module
    doc); x or y may be a number (a splat), with no dims."""
    reduced = {d for d in range(len(extents)) if d not in out_dims}
    factor = math.prod(extents[d] for d in reduced - set(x_dims) - set(y_dims))
    if isinstance(y, float):
        x, x_dims, y, y_dims = y, y_dims, x, x_dims
    if isinstance(x, float):  # a constant: scales the other operand
        factor *= x
        if isinstance(y, float):
            return b.constant(out_type, factor * y)
        y, y_dims = sum_private_dims(b, y, y_dims, reduced)
        result = (
            y
            if y_dims == out_dims
            else broadcast_in_dims(b, y, out_type, [out_dims.index(d) for d in y_dims])
        )
        return result if factor == 1 else b.mul(result, b.constant(out_type, factor))
    x, x_dims = sum_private_dims(b, x, x_dims, reduced - set(y_dims))
    y, y_dims = sum_private_dims(b, y, y_dims, reduced - set(x_dims))
    read = set(x_dims) | set(y_dims)
    shared = sorted(reduced & read)
    elem = element_type(out_type)
    if shared:  # a smaller contraction over the dims read, then broadcast
        kept = [d for d in out_dims if d in read]
        order = kept + shared
        maps = [[order.index(d) for d in m] for m in (x_dims, y_dims, kept)]
        small = contraction(b, x, y, tensor_type([extents[d] for d in kept], elem), maps, len(order))
        result = (
            broadcast_in_dims(b, small, out_type, [out_dims.index(d) for d in kept])
            if len(kept) < len(out_dims)
            else small
        )
    else:  # an elementwise product, broadcast by its indexing maps
        maps = [[out_dims.index(d) for d in m] for m in (x_dims, y_dims)] + [identity_dims(len(out_dims))]
        result = build_generic(
            b,
            [x, y],
            [empty(b, out_type)],
            maps,
            len(out_dims),
            [PARALLEL] * len(out_dims),
            lambda inner, s: [inner.op1("arith.mulf", s[0], s[1])],
        )[0]
    return result if factor == 1 else b.mul(result, b.constant(out_type, factor))


def fold_operands(op: ir.Operation) -> bool:
    """Rewrite contraction `op` to read through its operands' views; True if it did."""
    n_dims, maps = contraction_maps(op)
    x, x_dims, x_followed = resolve(op.operands[0], maps[0])
    y, y_dims, y_followed = resolve(op.operands[1], maps[1])
    if not (x_followed or y_followed):
        return False
    init = op.operands[2]
    out_type = op.results[0].type
    b = Emitter(ir.InsertionPoint(op), op.location)
    full = len(x_dims) == len(maps[0]) and len(y_dims) == len(maps[1])
    if full and op.name == "linalg.matmul":  # only transposes: a matmul with other maps
        result = matmul(b, x, y, out_type, [x_dims, y_dims, maps[2]], n_dims)
    elif full:
        return False  # a transposed batch_matmul/matvec operand stays: no named op reads it so
    else:
        x, y = (v if isinstance(v, float) else as_tensor(b, v) for v in (x, y))
        result = factored(b, x, x_dims, y, y_dims, out_type, maps[2], loop_extents(op, maps, n_dims))
    if not is_zero_constant(init):
        result = b.add(result, init)
    op.results[0].replace_all_uses_with(result)
    op.erase()
    return True


def fold_transposed_result(transpose: ir.Operation) -> bool:
    """A linalg.transpose of the result of a matmul (with a zero init, used only
    there) becomes a matmul computing the transposed result; True if it did."""
    op = producer(transpose.operands[0])
    if (
        op is None
        or op.name != "linalg.matmul"
        or not is_zero_constant(op.operands[2])
        or len(list(op.results[0].uses)) != 1
    ):
        return False
    n_dims, maps = contraction_maps(op)
    permutation = list(transpose.attributes["permutation"])
    out_dims = [maps[2][p] for p in permutation]
    b = Emitter(ir.InsertionPoint(transpose), transpose.location)
    result = matmul(
        b, op.operands[0], op.operands[1], transpose.results[0].type, [maps[0], maps[1], out_dims], n_dims
    )
    transpose.results[0].replace_all_uses_with(result)
    transpose.erase()
    op.erase()
    return True


def fold_contraction_operands(function: ir.Operation) -> bool:
    """Apply `fold_operands` to every contraction in `function`, then
    `fold_transposed_result` to every transpose; True if anything changed."""
    found = {"contractions": [], "transposes": []}

    def collect(op):
        if op.operation.name in DEFAULT_CONTRACTION_MAPS:
            found["contractions"].append(op.operation)
        elif op.operation.name == "linalg.transpose":
            found["transposes"].append(op.operation)
        return ir.WalkResult.ADVANCE

    function.walk(collect)
    changed = [fold_operands(op) for op in found["contractions"]]
    changed += [fold_transposed_result(op) for op in found["transposes"]]
    return any(changed)
