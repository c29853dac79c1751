"""JVP and transpose rules for the linalg dialect (on tensors).

Linear: fill (in its value), copy, transpose, broadcast, reduce with an add body,
and generic/map whose body is linear in the linear operands.
Bilinear with an additive accumulator: matmul, batch_matmul, matvec, vecmat, dot
(the transpose of a matmul is a matmul; the others transpose to contractions).
Non-linear reductions (mul, max, min bodies) get JVP rules built from linear ops.
linalg.generic and linalg.map, whose scalar body decides, have their rules in
`linalg_generic.py`.
"""

from __future__ import annotations

from mlir.dialects import arith, linalg

from ..core.emit import element_type, shape_of
from ..core.structured import (PARALLEL, affine_map, broadcast_in_dims, build_generic, contraction,
                               empty, identity_dims, map_dims, reduce_sum, sum_to_scalar,
                               with_body)
from ..core.tables import (JVP_RULES, TRANSPOSE_RULES, Linear, TransposeRule, defbilinear,
                           deflinear, linear_jvp)
from ..diagnostics import LintraError

OEQ = arith.CmpFPredicate.OEQ

# -- data movement ---------------------------------------------------------------
deflinear("linalg.fill", lambda b, op, cts, args: [sum_to_scalar(b, cts[0]), None], lambda op: {0},
          overwritten_init=1)
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
DEFAULT_CONTRACTION_MAPS = {
    "linalg.matmul": (3, [[0, 2], [2, 1], [0, 1]]),
    "linalg.batch_matmul": (4, [[0, 1, 3], [0, 3, 2], [0, 1, 2]]),
    "linalg.matvec": (2, [[0, 1], [1], [0]]),
    "linalg.vecmat": (2, [[1], [1, 0], [0]]),
    "linalg.dot": (1, [[0], [0], []]),
}


def contraction_maps(op) -> tuple[int, list]:
    if "indexing_maps" in op.attributes:
        attrs = list(op.attributes["indexing_maps"])
        return attrs[0].value.n_dims, [map_dims(a, op) for a in attrs]
    return DEFAULT_CONTRACTION_MAPS[op.name]


def matmul(b, first, second, out_type, maps, n_dims):
    """A linalg.matmul computing the contraction `maps` (out dims first, one reduced dim)."""
    out_dims = maps[2]
    order = out_dims + [d for d in range(n_dims) if d not in out_dims]
    renamed = [[order.index(d) for d in m] for m in maps]
    if 0 not in renamed[0]:  # the left operand must carry the output's row dim
        first, second = second, first
        renamed = [renamed[1], renamed[0], renamed[2]]
    init = b.zeros(out_type)
    op = linalg.MatmulOp([out_type], [first, second], [init],
                         indexing_maps=[affine_map(3, m) for m in renamed], loc=b.location, ip=b.ip)
    return with_body(b, op, [first, second], [init], lambda inner, a: [
        inner.op1("arith.addf", a[2], inner.op1("arith.mulf", a[0], a[1]))])[0]


def contraction_transpose(b, op, cts, args):
    n_dims, maps = contraction_maps(op)
    results = [None, None, cts[0]]
    for position in (0, 1):
        if isinstance(args[position], Linear):
            other = 1 - position
            transposed_maps = [maps[2], maps[other], maps[position]]
            build = matmul if op.name == "linalg.matmul" else contraction
            results[position] = build(b, cts[0], args[other], args[position].type,
                                      transposed_maps, n_dims)
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
    return build_generic(b, list(tensors), [empty(b, tensors[0].type)],
                         [identity_dims(rank)] * (len(tensors) + 1), rank, [PARALLEL] * rank,
                         lambda inner, s: [fn(inner, *s[:len(tensors)])])[0]


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
        init_mask = elementwise(b, indicator, init, y)
        count = b.op1("arith.addf", reduce_sum(b, mask, reduced_dims(op)), init_mask)
        total = b.mul(dinit, init_mask)
        if dx is not None:
            total = b.add(total, reduce_sum(b, b.mul(dx, mask), reduced_dims(op)))
        return [b.div(total, count)]
    raise LintraError.at(op, "has a reduction body lintra cannot differentiate; supported bodies "
                             "are a single arith.addf, mulf, maximumf, minimumf, maxnumf or minnumf")


def product_reduce_jvp(b, op, dx, dinit):
    """d(init * prod x) = dinit * prod x + sum_i dx_i * init * prod_{j != i} x_j.

    prod_{j != i} x_j is computed without dividing by x_i, so zeros are exact:
    with p the product of the non-zero x and z the number of zeros, it is
    p / x_i if z = 0, p at the zero if z = 1, and 0 otherwise.
    """
    x, init = op.operands
    dims, kept = reduced_dims(op), kept_dims(op)
    zero = b.zeros(element_type(x.type))
    nonzero = elementwise(b, lambda s, a: s.select(s.cmpf(OEQ, a, zero), s.like(a, 1.0), a), x)
    is_zero = elementwise(b, lambda s, a: s.select(s.cmpf(OEQ, a, zero), s.like(a, 1.0),
                                                     s.like(a, 0.0)), x)
    product = reduce_sum(b, nonzero, dims, "arith.mulf", 1.0)
    zeros = reduce_sum(b, is_zero, dims)
    tangent = None
    if dinit is not None:
        coefficient = elementwise(b, lambda s, p, z: s.select(s.cmpf(OEQ, z, s.like(z, 0.0)), p,
                                                              s.like(p, 0.0)), product, zeros)
        tangent = b.mul(dinit, coefficient)
    if dx is not None:
        def weight(s, a, p, z, i):
            is_zero = s.cmpf(OEQ, a, s.like(a, 0.0))
            # Divide by a non-zero stand-in where a == 0, so that the unselected
            # branch stays finite, and so do its derivatives (second order).
            safe = s.select(is_zero, s.like(a, 1.0), a)
            others = s.select(is_zero,
                              s.select(s.cmpf(OEQ, z, s.like(z, 1.0)), p, s.like(p, 0.0)),
                              s.select(s.cmpf(OEQ, z, s.like(z, 0.0)), s.op1("arith.divf", p, safe),
                                       s.like(p, 0.0)))
            return s.op1("arith.mulf", i, others)
        spread = [broadcast_in_dims(b, v, x.type, kept) for v in (product, zeros, init)]
        weights = elementwise(b, weight, x, *spread)
        tangent = b.add(tangent, reduce_sum(b, b.mul(dx, weights), dims))
    return tangent


def reduce_check(op, linear_flags):
    if reduce_combiner(op) != "arith.addf":
        return "reduces a linear value with a non-additive body: the function is not linear"
    return None


JVP_LINEAR_REDUCE = linear_jvp()
JVP_RULES["linalg.reduce"] = reduce_jvp
TRANSPOSE_RULES["linalg.reduce"] = TransposeRule(reduce_transpose, check=reduce_check)
