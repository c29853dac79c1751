"""JVP and transpose rules for the linalg dialect (on tensors).

Linear: fill (in its value), copy, transpose, broadcast, reduce with an add body,
and generic/map whose body is linear in the linear operands.
Bilinear with an additive accumulator: matmul, batch_matmul, matvec, vecmat, dot
(the transpose of a matmul is a matmul; the others transpose to contractions).
Non-linear reductions (mul, max, min bodies) get JVP rules built from linear ops.
linalg.generic and linalg.map, whose scalar body decides, have their rules in
`linalg_generic.py`.
Batching puts the batch dim first and shifts the op's dims (permutation,
broadcast and reduced dims); a matmul of two batched factors becomes a
batch_matmul, other batched contractions a linalg.generic with a batch loop.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from ..core.batch_dims import Batched, batch_structured, batched_type, materialize, recreate
from ..core.emit import element_type, float_constant_value, shape_of, tensor_type
from ..core.structured import (
    DEFAULT_CONTRACTION_MAPS,
    PARALLEL,
    affine_map,
    broadcast_in_dims,
    build_generic,
    contraction,
    contraction_maps,
    empty,
    identity_dims,
    matmul,
    reduce_sum,
    sum_to_scalar,
    with_body,
)
from ..core.tables import (
    BATCH_RULES,
    JVP_RULES,
    TRANSPOSE_RULES,
    Linear,
    TransposeRule,
    defbatch_front,
    defbilinear,
    deflinear,
    front_batch,
    linear_jvp,
)
from ..diagnostics import LintraError

OEQ = arith.CmpFPredicate.OEQ

# -- data movement ---------------------------------------------------------------
deflinear(
    "linalg.fill",
    lambda b, op, cts, args: [sum_to_scalar(b, cts[0]), None],
    lambda op: {0},
    overwritten_init=1,
)
deflinear("linalg.copy", lambda b, op, cts, args: [cts[0], None], lambda op: {0}, overwritten_init=1)


def permutation(op) -> list[int]:
    return list(op.attributes["permutation"])


def transpose_transpose(b, op, cts, args):
    """out[i] = x[perm[i]], so the cotangent is transposed back by the inverse permutation."""
    perm = permutation(op)
    inverse = [perm.index(i) for i in range(len(perm))]
    init = empty(b, args[0].type)
    op = linalg.TransposeOp([init.type], cts[0], init, inverse, loc=b.location, ip=b.ip)
    return [with_body(b, op, [cts[0]], [init], lambda inner, block: [block[0]])[0], None]


deflinear("linalg.transpose", transpose_transpose, lambda op: {0}, overwritten_init=1)


def broadcast_transpose(b, op, cts, args):
    added = list(op.attributes["dimensions"])
    return [reduce_sum(b, cts[0], added), None]


deflinear("linalg.broadcast", broadcast_transpose, lambda op: {0}, overwritten_init=1)


# -- contractions ------------------------------------------------------------------
def contraction_transpose(b, op, cts, args):
    n_dims, maps = contraction_maps(op)
    results = [None, None, cts[0]]
    for position in (0, 1):
        if isinstance(args[position], Linear):
            other = 1 - position
            transposed_maps = [maps[2], maps[other], maps[position]]
            build = matmul if op.name == "linalg.matmul" else contraction
            results[position] = build(b, cts[0], args[other], args[position].type, transposed_maps, n_dims)
    return results


for _name in DEFAULT_CONTRACTION_MAPS:
    defbilinear(_name, contraction_transpose, pair=(0, 1), accumulator=2)


# -- reduce ----------------------------------------------------------------------------
def reduce_combiner(op) -> str:
    body = list(op.regions[0].blocks[0].operations)
    if len(op.results) != 1 or len(body) != 2:
        return ""
    return body[0].operation.name


def reduced_dims(op) -> list[int]:
    return list(op.attributes["dimensions"])


def kept_dims(op) -> list[int]:
    rank = len(shape_of(op.operands[0].type))
    return [d for d in range(rank) if d not in reduced_dims(op)]


def reduce_transpose(b, op, cts, args):
    x_type = args[0].type
    return [broadcast_in_dims(b, cts[0], x_type, kept_dims(op)), cts[0]]


def elementwise(b, fn, *tensors):
    """A parallel generic applying scalar `fn(inner, *scalars)` to same-shaped tensors."""
    rank = len(shape_of(tensors[0].type))
    return build_generic(
        b,
        list(tensors),
        [empty(b, tensors[0].type)],
        [identity_dims(rank)] * (len(tensors) + 1),
        rank,
        [PARALLEL] * rank,
        lambda inner, s: [fn(inner, *s[: len(tensors)])],
    )[0]


def is_identity(init, combiner: str) -> bool:
    """Whether `init` is the constant identity of the max/min `combiner` (-inf or
    inf): then it only starts the reduction and, as in JAX's reduce_max, is not
    counted among the positions that attain the extremum (an all -inf row gives
    each entry 1/n of the tangent)."""
    identity = float("-inf") if combiner in ("arith.maximumf", "arith.maxnumf") else float("inf")
    return float_constant_value(init) == identity


def reduce_jvp(b, op, tangents):
    """add: linear. mul: see `product_reduce_jvp`.
    max/min: the tangent averaged over the positions that attain the extremum (as JAX)."""
    combiner = reduce_combiner(op)
    x, init = op.operands
    y = op.results[0]
    dx, dinit = tangents
    if combiner == "arith.addf":
        return JVP_LINEAR_REDUCE(b, op, tangents)
    if combiner == "arith.mulf":
        return [product_reduce_jvp(b, op, dx, dinit)]
    if combiner in ("arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf"):
        y_b = broadcast_in_dims(b, y, x.type, kept_dims(op))

        def indicator(s, a, c):
            return s.select(s.cmpf(OEQ, a, c), s.like(a, 1.0), s.like(a, 0.0))

        mask = elementwise(b, indicator, x, y_b)
        count = reduce_sum(b, mask, reduced_dims(op))
        total = None
        if dinit is not None or not is_identity(init, combiner):
            init_mask = elementwise(b, indicator, init, y)
            count = b.op1("arith.addf", count, init_mask)
            total = b.mul(dinit, init_mask)
        if dx is not None:
            total = b.add(total, reduce_sum(b, b.mul(dx, mask), reduced_dims(op)))
        return [b.div(total, count)]
    raise LintraError.at(
        op,
        "has a reduction body lintra cannot differentiate; supported bodies "
        "are a single arith.addf, mulf, maximumf, minimumf, maxnumf or minnumf",
    )


def product_reduce_jvp(b, op, dx, dinit):
    """d(init * prod x) = dinit * prod x + init * d(prod x), with prod x and its
    tangent reduced pairwise along each reduced dim (`pairwise_product`)."""
    x, init = op.operands
    product, tangent = x, dx
    for dim in reduced_dims(op):
        product, tangent = pairwise_product(b, product, tangent, dim)
    product, tangent = (
        None if v is None else drop_unit_dims(b, v, reduced_dims(op)) for v in (product, tangent)
    )
    return b.add(b.mul(dinit, product), b.mul(init, tangent))


def pairwise_product(b, x, dx, dim: int):
    """(the product of x along `dim`, its tangent for dx, None if dx is), `dim`
    kept with size 1: a tree of products of the two halves (the second padded with
    a 1 when the size is odd), as JAX's reduce_prod JVP. Only products and sums,
    no division by an entry, so every derivative order is exact with zeros (and
    infinities give JAX's values)."""
    while (size := shape_of(x.type)[dim]) > 1:
        first = (size + 1) // 2
        x0, dx0 = (strided_slice(b, v, dim, 0, first, 1) for v in (x, dx))
        x1, dx1 = (strided_slice(b, v, dim, first, size - first, 1) for v in (x, dx))
        if size % 2:
            x1 = concat_unit(b, x1, dim, 1.0)
            dx1 = None if dx1 is None else concat_unit(b, dx1, dim, 0.0)
        x, dx = b.mul(x0, x1), b.add(b.mul(dx0, x1), b.mul(x0, dx1))
    return x, dx


def concat_unit(b, x, dim: int, value: float):
    """`x` with one more entry `value` at the end of `dim`."""
    shape = shape_of(x.type)
    unit = [1 if d == dim else n for d, n in enumerate(shape)]
    grown = [n + 1 if d == dim else n for d, n in enumerate(shape)]
    pad = b.constant(tensor_type(unit, element_type(x.type)), value)
    return tensor.ConcatOp(
        tensor_type(grown, element_type(x.type)), dim, [x, pad], loc=b.location, ip=b.ip
    ).result


def strided_slice(b, x, dim: int, start: int, size: int, stride: int):
    """x[..., start : start + size * stride : stride, ...] along `dim` (None for None)."""
    if x is None:
        return None
    shape = shape_of(x.type)
    offsets, sizes, strides = [0] * len(shape), list(shape), [1] * len(shape)
    offsets[dim], sizes[dim], strides[dim] = start, size, stride
    return tensor.ExtractSliceOp(
        tensor_type(sizes, element_type(x.type)),
        x,
        [],
        [],
        [],
        offsets,
        sizes,
        strides,
        loc=b.location,
        ip=b.ip,
    ).result


def drop_unit_dims(b, x, dims):
    """`x` without its size-1 dims `dims` (a tensor.collapse_shape)."""
    rank = len(shape_of(x.type))
    kept = [d for d in range(rank) if d not in dims]
    groups = [[d] for d in kept]
    for d in dims:  # each dropped dim joins the group of the next kept dim, else the last
        following = [i for i, k in enumerate(kept) if k > d]
        if groups:
            groups[following[0] if following else -1].append(d)
    shape = [shape_of(x.type)[d] for d in kept]
    reassociation = [sorted(g) for g in groups]
    return tensor.CollapseShapeOp(
        tensor_type(shape, element_type(x.type)), x, reassociation, loc=b.location, ip=b.ip
    ).result


def reduce_check(op, linear_flags):
    if reduce_combiner(op) != "arith.addf":
        return "reduces a linear value with a non-additive body: the function is not linear"
    return None


JVP_LINEAR_REDUCE = linear_jvp()
JVP_RULES["linalg.reduce"] = reduce_jvp
TRANSPOSE_RULES["linalg.reduce"] = TransposeRule(reduce_transpose, check=reduce_check)


# -- batching: the batch dim first; contractions become a batch_matmul or a generic ---
def i64_array(values) -> ir.Attribute:
    return ir.DenseI64ArrayAttr.get([int(v) for v in values])


def shifted_dims(key: str, keep_first: bool = False):
    """The dense i64 array attribute `key` shifted past a leading batch dim (with
    `keep_first`, the batch dim itself listed first: a permutation)."""
    return lambda op, size: {
        key: i64_array(([0] if keep_first else []) + [d + 1 for d in op.attributes[key]])
    }


FILL_FRONT = front_batch(positions=lambda op: {1})


def fill_batch(b, op, args, size):
    """A batched fill value is broadcast; a batched destination is filled as it is."""
    if args[0].dim is None:
        return FILL_FRONT(b, op, args, size)
    return [Batched(broadcast_in_dims(b, args[0].value, batched_type(op.result.type, size), [0]), 0)]


def iterator_attrs(maps) -> list:
    out_dims = {e.position for e in maps[-1].results}
    kinds = ["parallel" if d in out_dims else "reduction" for d in range(maps[-1].n_dims)]
    return [ir.Attribute.parse(f"#linalg.iterator_type<{kind}>") for kind in kinds]


def contraction_batch(b, op, args, size):
    """matmul with both factors batched (default maps): a batch_matmul; any other
    batched contraction: a linalg.generic with one more parallel loop."""
    n_dims, dims = contraction_maps(op)
    default = op.name == "linalg.matmul" and [n_dims, dims] == list(DEFAULT_CONTRACTION_MAPS[op.name])
    if default and args[0].dim is not None and args[1].dim is not None:
        operands = [materialize(b, a, size, 0) for a in args]
        new = recreate(
            b,
            op,
            operands,
            [batched_type(op.result.type, size)],
            {"operandSegmentSizes": ir.DenseI32ArrayAttr.get([2, 1])},
            name="linalg.batch_matmul",
            keep_attributes=False,
        )
        return [Batched(new.result, 0)]
    maps = [affine_map(n_dims, m) for m in dims]
    return batch_structured(b, op, args, size, maps, iterator_attrs(maps), 2)


BATCH_RULES["linalg.fill"] = fill_batch
defbatch_front("linalg.copy")
defbatch_front("linalg.transpose", shifted_dims("permutation", keep_first=True))
defbatch_front("linalg.broadcast", shifted_dims("dimensions"))
defbatch_front("linalg.reduce", shifted_dims("dimensions"))
for _name in DEFAULT_CONTRACTION_MAPS:
    BATCH_RULES[_name] = contraction_batch
