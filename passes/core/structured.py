"""Builders for linalg-on-tensors IR used by the tensor and linalg rules.

Indexing maps are handled as lists of loop-dimension positions: lintra's rules
work on projected permutations, where each result of a map is one loop dim.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import linalg, tensor

from ..diagnostics import LintraError
from .emit import Emitter, element_type, shape_of, tensor_type

PARALLEL, REDUCTION = linalg.IteratorType.parallel, linalg.IteratorType.reduction


def map_dims(attr, op=None) -> list[int]:
    """The dim positions of a projected-permutation affine map attribute."""
    affine_map = attr.value if isinstance(attr, ir.AffineMapAttr) else attr
    if not affine_map.is_projected_permutation:
        raise (
            LintraError.at(
                op,
                f"has indexing map {affine_map} that is not a projected "
                "permutation; lintra supports only those",
            )
            if op is not None
            else LintraError(f"unsupported indexing map {affine_map}")
        )
    return [expr.position for expr in affine_map.results]


def affine_map(n_dims: int, dims) -> ir.AffineMap:
    return ir.AffineMap.get(n_dims, 0, [ir.AffineDimExpr.get(d) for d in dims])


def iterator_kinds(op) -> list[linalg.IteratorType]:
    """The iterator types of a linalg.generic (the bindings have no class for
    `#linalg.iterator_type<...>`, so its text is read)."""
    return [linalg.IteratorType[str(a).split("<")[1].rstrip(">")] for a in op.attributes["iterator_types"]]


def empty(b: Emitter, type_: ir.Type) -> ir.Value:
    return tensor.empty(shape_of(type_), element_type(type_), loc=b.location, ip=b.ip)


def with_body(b: Emitter, op: ir.OpView, ins, outs, body) -> list:
    """The results of linalg op `op`, built with operands `ins`, `outs` and an empty
    region, once its scalar body is built: `body(inner: Emitter, args) -> yielded
    values`, where `args` are the scalar block arguments (ins, then outs)."""
    arg_types = [element_type(v.type) for v in list(ins) + list(outs)]
    block = ir.Block.create_at_start(op.regions[0], arg_types, [b.location] * len(arg_types))
    inner = b.nested(ir.InsertionPoint(block))
    linalg.YieldOp(body(inner, list(block.arguments)), loc=b.location, ip=inner.ip)
    return list(op.results)


def build_generic(b: Emitter, ins, outs, maps, n_dims: int, iterators, body) -> list:
    """A linalg.generic; `maps` holds dim lists for ins then outs (see `with_body`)."""
    op = linalg.GenericOp(
        [v.type for v in outs],
        ins,
        outs,
        [affine_map(n_dims, m) for m in maps],
        iterators,
        loc=b.location,
        ip=b.ip,
    )
    return with_body(b, op, ins, outs, body)


def identity_dims(rank: int) -> list[int]:
    return list(range(rank))


def reduce_sum(
    b: Emitter, x: ir.Value, reduced_dims, combiner: str = "arith.addf", identity: float = 0.0
) -> ir.Value:
    """A `linalg.reduce` of `x` over `reduced_dims` with `combiner` (default: a sum);
    the result is a tensor of the remaining dims (0-d if none remain). A named
    reduce, so that its own JVP rule applies when it is differentiated again."""
    shape = shape_of(x.type)
    reduced = sorted(set(reduced_dims))
    kept = [d for d in range(len(shape)) if d not in reduced]
    out_type = tensor_type([shape[d] for d in kept], element_type(x.type))
    init = b.constant(out_type, identity)
    op = linalg.ReduceOp([out_type], [x], [init], reduced, loc=b.location, ip=b.ip)
    return with_body(b, op, [x], [init], lambda inner, args: [inner.op1(combiner, args[0], args[1])])[0]


def sum_to_scalar(b: Emitter, x: ir.Value) -> ir.Value:
    total = reduce_sum(b, x, range(len(shape_of(x.type))))
    return tensor.extract(total, [], loc=b.location, ip=b.ip)


def broadcast_in_dims(b: Emitter, x: ir.Value, target: ir.Type, x_dims) -> ir.Value:
    """Broadcast `x` to `target`, where x's dim i is target dim `x_dims[i]`."""
    rank = len(shape_of(target))
    return build_generic(
        b,
        [x],
        [empty(b, target)],
        [list(x_dims), identity_dims(rank)],
        rank,
        [PARALLEL] * rank,
        lambda inner, args: [args[0]],
    )[0]


def contraction(b: Emitter, first, second, out_type: ir.Type, maps, n_dims: int) -> ir.Value:
    """out[maps[2]] = sum over the other dims of first[maps[0]] * second[maps[1]]."""
    out_dims = set(maps[2])
    iterators = [PARALLEL if d in out_dims else REDUCTION for d in range(n_dims)]
    return build_generic(
        b,
        [first, second],
        [b.zeros(out_type)],
        maps,
        n_dims,
        iterators,
        lambda inner, args: [inner.op1("arith.addf", args[2], inner.op1("arith.mulf", args[0], args[1]))],
    )[0]


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
    op = linalg.MatmulOp(
        [out_type],
        [first, second],
        [init],
        indexing_maps=[affine_map(3, m) for m in renamed],
        loc=b.location,
        ip=b.ip,
    )
    return with_body(
        b,
        op,
        [first, second],
        [init],
        lambda inner, a: [inner.op1("arith.addf", a[2], inner.op1("arith.mulf", a[0], a[1]))],
    )[0]
