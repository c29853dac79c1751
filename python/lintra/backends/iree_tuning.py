"""Lowering configurations for f64 (batch) matmuls on IREE's llvm-cpu target (`iree-cpu` only).

IREE 3.13 picks one configuration for every f64 `linalg.matmul` on x86
(distribution tiles [64, 64, 0], vector tiles [4, 4, 0], reduction tile 16);
f64 has no microkernel, and data tiling, `--iree-llvmcpu-target-cpu=znver4`
or vector-width flags do not change the code. On an AVX-512 host that runs a
1024³ f64 matmul at about 15 GFLOP/s, a fifth of what JAX (Eigen) reaches.
`tune_f64_contractions(module)` rewrites each large enough f64 contraction
C[b, m, n] += A·B, the batch dim b optional (`contraction`: a `linalg.matmul`
or `linalg.batch_matmul` with any indexing maps, or a multiply-add
`linalg.generic`, as lintra emits batched and einsum products), into the
form IREE compiles well, a `linalg.(batch_)matmul` with its own configuration:

1. Canonical layout: an operand whose dims are in another order (A as K×M,
   B as N×K, the batch dim elsewhere) is transposed by a `linalg.transpose`
   behind a `util.optimization_barrier` (without it IREE folds the transpose
   back into the matmul's indexing maps): A is (b×)M×K and B (b×)K×N.
2. Whole tiles: M and N are zero-padded (`tensor.insert_slice` into zeros,
   behind a barrier) to multiples of the distribution tiles, and the result
   is sliced back: IREE's code for a partial distribution tile is several
   times slower (1000³ with tiles of 128: 4x slower than with 200).
3. B's row stride, when M >= `STRIDE_PAD_MIN_ROWS`, is an odd number of
   64-byte lines: B lies in a zero tensor 8 columns wider and the matmul
   reads a slice of it. With a power-of-two stride the column strips of B
   evict each other from the caches (1024³: 15-20% faster).
4. `compilation_info`: distribution tiles [(1,) TM, TN, 0] (`tile_and_padded`),
   register (vector) tiles [(1,) 4, 32, 0] when N is a multiple of 32, else
   [(1,) 8, 8, 0], reduction tile 1, pipeline DoubleTilingExpert. On one
   thread 4x32, 8x16 and 8x8 ran 1024³ alike (47-54 ms); on two threads 8x8
   was 1.4x slower there (92 ms against 62-67, loaded machine), but padding
   N = 1000 to 1024 for 4x32 or 8x16 made 1000³ 1.4x slower than 8x8 (45 ms).

A contraction is tuned when M, N >= 8, K >= 16 and b·M·N·K >= 2^22
(`tunable`): matrix-vector and outer products are memory bound and IREE's
default is as good; below 2^22 multiply-adds the extra dispatches (copies,
and consumers no longer fused into the matmul) can cost more than the better
code saves (the gradient of sum(tanh(x @ w)²) with 300x70x40 products: 0.15
-> 0.34 ms when tuned). The register tiles assume AVX-512 (32 registers of 8
f64), so `iree_cpu` tunes on `avx512f` hosts only. f32 is left alone (IREE's
f32 code is several times faster than its f64 code already; not tuned
here). A configuration IREE rejects never fails a compile: the backend
compiles the untuned module then (`iree_compiler.compile_with_fallback`).

Measured on an AMD EPYC (Zen 4, AVX-512), one thread (`local-sync`,
`iree-benchmark-module` CPU time, best of 6; the machine was shared, load 4-5
on 2 cores, so ratios below 1.5 are noise), default -> tuned, ms, with
layouts mk,kn = A (M×K) · B (K×N), km = A transposed, nk = B transposed:

    1024³ mk,kn 253 -> 55   km,kn 464 -> 54   mk,nk 96 -> 55
    1000³ mk,kn  93 -> 45   mk,nk  90 -> 46   999³ km,kn 169 -> 60
    512³ 28 -> 6.1   256³ 1.8 -> 0.66   512x512x64 km,kn 4.9 -> 0.67
    960x960x64 km,kn 5.7 -> 2.6   64x1024x960 13.5 -> 3.5   64x1024x64 0.79 -> 0.17
    8x1000x1000 0.96 -> 0.39   16x1024x1024 4.0 -> 1.2   33x1000x1000 3.2 -> 1.9
    1000x16x1000 mk,nk 0.97 -> 0.68   1000x40x1000 1.64 -> 1.62
    untouched: 100³, 64x1x960, 1024x1x1024, 1x1024x1024, 1000x7x1000, 1024x1024x1
    batched (einsum) 8x256³ bmk,bkn 17 -> 7.0, bkm,bnk 17 -> 7.7; 16x64³ 0.26 -> 0.17;
    4x1000x1000x100 28.6 -> 17.7; the gradient of sum(tanh(x @ w)²), 1000x500x200: 14 -> 9

(55 ms for 1024³ is 39 GFLOP/s on one core.) Two threads, in one process
with JAX, loaded machine, 1024³: JAX 44-75 ms, tuned 28-67, untuned 136-415.
The value and gradient of bench/gp_loglik.py, one thread: n = 1024
1065-1190 -> 388-401 ms, n = 256 21 -> 17-21 ms; two threads (loaded):
n = 1024 1217-1911 -> 560-977 ms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from .iree_tensor_ops import ops_named

VECTOR_TILES = (8, 8)  # rows, columns of the register tile: 8 zmm accumulators of 8 f64
WIDE_VECTOR_TILES = (4, 32)  # the register tile when N is a multiple of 32: 16 accumulators
TILE_RANGE = (64, 128, 256)  # smallest, preferred, largest distribution tile
MIN_EXTENTS = (8, 8, 16)  # M, N, K below which IREE's default stays
MIN_PRODUCT = 2**22  # multiply-adds (batch*M*N*K) below which IREE's default stays
STRIDE_PAD_MIN_ROWS = 128  # M from which B is stored with an odd stride in cache lines
PIPELINE = "DoubleTilingExpert"  # tests replace it to make IREE reject the configuration
F64_CONTRACTION = re.compile(r"linalg\.(matmul|batch_matmul|generic) [^\n]*xf64>")  # text that may have one

# The ops read as contractions, and their indexing maps when they have none.
DEFAULT_MAPS = {
    "linalg.matmul": [[0, 2], [2, 1], [0, 1]],
    "linalg.batch_matmul": [[0, 1, 3], [0, 3, 2], [0, 1, 2]],
    "linalg.generic": None,
}


def _round_up(extent: int, multiple: int) -> int:
    return -(-extent // multiple) * multiple


def tile_and_padded(extent: int, vector: int = 8) -> tuple[int, int]:
    """(distribution tile, padded extent) of a parallel dimension: one tile when
    the extent rounded up to `vector` is at most the preferred tile; else
    the multiple of `vector` in `TILE_RANGE` that pads least, the closest
    to the preferred one on ties (with `vector` 8: 1024 -> (128, 1024), 1000 ->
    (200, 1000), 999 -> (200, 1000), 960 -> (120, 960), 33 -> (40, 40))."""
    smallest, preferred, largest = TILE_RANGE
    rounded = _round_up(extent, vector)
    if rounded <= preferred:
        return rounded, rounded
    candidates = range(smallest, largest + 1, vector)
    tile = min(candidates, key=lambda t: (_round_up(extent, t), abs(t - preferred), -t))
    return tile, _round_up(extent, tile)


def compilation_info(tiles, vector, batched: bool) -> str:
    """The `#iree_codegen.compilation_info` text of a tuned (batch) matmul."""
    b, r = ("1, ", "0, ") if batched else ("", "")
    return (
        "#iree_codegen.compilation_info<lowering_config = #iree_cpu.lowering_config<"
        f"distribution = [{b}{tiles[0]}, {tiles[1]}, 0], "
        f"vector_common_parallel = [{b}{vector[0]}, {vector[1]}, 0], "
        f"vector_reduction = [{r}0, 0, 1]>, translation_info = #iree_codegen.translation_info<"
        f"pipeline = #iree_cpu.pipeline<{PIPELINE}>>>"
    )


@dataclass(frozen=True)
class Contraction:
    """An op read as C[b, m, n] += A[.] * B[.] (b optional): each operand's loop
    dims in its own order, the loop dims of b (0 or 1), m, n, k, and their extents."""

    a_dims: list[int]
    b_dims: list[int]
    batch: list[int]
    m: int
    n: int
    k: int
    extent: dict[int, int]

    def size(self, *dims: int) -> int:
        return math.prod(self.extent[d] for d in dims)


def _is_multiply_add(op: ir.Operation) -> bool:
    """Whether a linalg.generic's body is `out + a * b` (in any operand order)."""
    body = list(op.regions[0].blocks[0].operations)
    if [o.name for o in body] != ["arith.mulf", "arith.addf", "linalg.yield"]:
        return False
    a, b, out = op.regions[0].blocks[0].arguments
    mul, add, yield_ = body
    return (
        {mul.operands[0], mul.operands[1]} == {a, b}
        and {add.operands[0], add.operands[1]} == {out, mul.results[0]}
        and yield_.operands[0] == add.results[0]
    )


def contraction(op: ir.Operation) -> Contraction | None:
    """`op` read as a `Contraction` of static f64 tensors, or None when it is not one."""
    if op.name not in DEFAULT_MAPS or len(op.operands) != 3 or len(op.results) != 1:
        return None
    types = [v.type for v in op.operands]
    if not all(
        isinstance(t, ir.RankedTensorType)
        and ir.RankedTensorType(t).has_static_shape
        and isinstance(ir.RankedTensorType(t).element_type, ir.F64Type)
        for t in types
    ):
        return None
    if "indexing_maps" in op.attributes:
        affine_maps = [attr.value for attr in op.attributes["indexing_maps"]]
        if not all(m.is_projected_permutation for m in affine_maps):
            return None
        maps = [[expr.position for expr in m.results] for m in affine_maps]
    else:
        maps = DEFAULT_MAPS[op.name]
    if maps is None or (op.name == "linalg.generic" and not _is_multiply_add(op)):
        return None
    a_dims, b_dims, c_dims = maps
    extent = {}
    for dims, type_ in zip(maps, types, strict=True):
        extent.update(zip(dims, ir.RankedTensorType(type_).shape, strict=True))
    reduced = [d for d in extent if d not in c_dims]
    if len(c_dims) not in (2, 3) or len(reduced) != 1 or len(set(a_dims + b_dims)) != len(extent):
        return None
    batch, (m, n) = c_dims[:-2], c_dims[-2:]
    k = reduced[0]
    if sorted(a_dims) != sorted(batch + [m, k]) or sorted(b_dims) != sorted(batch + [k, n]):
        return None
    return Contraction(a_dims, b_dims, batch, m, n, k, extent)


def tunable(op: ir.Operation) -> bool:
    """Whether `op` is a contraction `tune_f64_contractions` rewrites."""
    c = contraction(op)
    if c is None:
        return False
    large = all(c.extent[d] >= least for d, least in zip((c.m, c.n, c.k), MIN_EXTENTS, strict=True))
    return large and c.size(*c.batch, c.m, c.n, c.k) >= MIN_PRODUCT


def _barrier(value: ir.Value) -> ir.Value:
    """`util.optimization_barrier` of `value`: IREE neither folds nor fuses across it."""
    return ir.Operation.create("util.optimization_barrier", results=[value.type], operands=[value]).result


def _zeros(shape, element: ir.Type) -> ir.Value:
    zero = arith.ConstantOp(element, ir.FloatAttr.get(element, 0.0)).result
    return linalg.fill(zero, outs=[tensor.EmptyOp(list(shape), element).result])


def _slice(value: ir.Value, shape) -> ir.Value:
    """The leading `shape` corner of `value` (itself when the shapes agree)."""
    source = ir.RankedTensorType(value.type)
    if list(source.shape) == list(shape):
        return value
    result = ir.RankedTensorType.get(list(shape), source.element_type)
    rank = len(shape)
    return tensor.ExtractSliceOp(result, value, [], [], [], [0] * rank, list(shape), [1] * rank).result


def _padded(value: ir.Value, shape) -> ir.Value:
    """`value` in the leading corner of a zero tensor of `shape` (itself when the shapes agree)."""
    source = ir.RankedTensorType(value.type)
    if list(source.shape) == list(shape):
        return value
    zeros, rank = _zeros(shape, source.element_type), len(shape)
    return tensor.InsertSliceOp(value, zeros, [], [], [], [0] * rank, list(source.shape), [1] * rank).result


def _operand(value: ir.Value, dims, order, shape, stored_shape) -> ir.Value:
    """A contraction operand with loop dims `dims` as a `shape` tensor of loop dims
    `order` (transposed, zero padded), lying in memory as the leading corner of a
    `stored_shape` one, materialised behind a barrier; `value` itself when it is all that."""
    source = ir.RankedTensorType(value.type)
    permutation = [dims.index(d) for d in order]
    if permutation != sorted(permutation):
        transposed = [source.shape[p] for p in permutation]
        empty = tensor.EmptyOp(transposed, source.element_type).result
        value = linalg.transpose(value, outs=[empty], permutation=permutation).results[0]
    elif list(stored_shape) == list(source.shape):
        return value
    return _slice(_barrier(_padded(value, stored_shape)), shape)


def _tune(op: ir.Operation, c: Contraction) -> None:
    batch = [c.extent[d] for d in c.batch]
    vector_m, vector_n = WIDE_VECTOR_TILES if c.extent[c.n] % WIDE_VECTOR_TILES[1] == 0 else VECTOR_TILES
    tile_m, padded_m = tile_and_padded(c.extent[c.m], vector_m)
    tile_n, padded_n = tile_and_padded(c.extent[c.n], vector_n)
    k = c.extent[c.k]
    # B's row stride, an odd number of 64-byte lines (a power-of-two stride
    # makes the column strips of B evict each other from the caches).
    stride_n = padded_n
    if c.extent[c.m] >= STRIDE_PAD_MIN_ROWS and padded_n % 16 == 0:
        stride_n += 8
    with ir.InsertionPoint(op), op.location:
        a = _operand(
            op.operands[0], c.a_dims, c.batch + [c.m, c.k], batch + [padded_m, k], batch + [padded_m, k]
        )
        b = _operand(
            op.operands[1], c.b_dims, c.batch + [c.k, c.n], batch + [k, padded_n], batch + [k, stride_n]
        )
        init = _padded(op.operands[2], batch + [padded_m, padded_n])
        product = (linalg.batch_matmul if batch else linalg.matmul)(a, b, outs=[init])
        info = compilation_info((tile_m, tile_n), (vector_m, vector_n), batched=bool(batch))
        product.owner.attributes["compilation_info"] = ir.Attribute.parse(info)
        op.results[0].replace_all_uses_with(_slice(product, ir.RankedTensorType(op.results[0].type).shape))
    op.erase()


def tune_f64_contractions(module: ir.Module) -> int:
    """Rewrite and annotate each `tunable` contraction of `module` (see the module
    docstring); the number rewritten."""
    found = [op for name in DEFAULT_MAPS for op in ops_named(module, name, tunable)]
    for op in found:
        _tune(op, contraction(op))
    return len(found)
