"""Lowering configurations for f64 matmuls on IREE's llvm-cpu target (`iree-cpu` only).

IREE 3.13 picks one configuration for every f64 `linalg.matmul` on x86
(distribution tiles [64, 64, 0], vector tiles [4, 4, 0], reduction tile 16);
f64 has no microkernel, and data tiling, `--iree-llvmcpu-target-cpu=znver4`
or vector-width flags do not change the code. On an AVX-512 host that runs a
1024³ f64 matmul at about 15 GFLOP/s, a fifth of what JAX (Eigen) reaches.
`tune_f64_matmuls(module)` rewrites each large enough f64 `linalg.matmul`
into the form IREE compiles well, and gives it its own configuration:

1. Canonical layout: an operand whose indexing map is transposed (A as K×M,
   B as N×K) is transposed by a `linalg.transpose` behind a
   `util.optimization_barrier` (without it IREE folds the transpose back into
   the matmul's indexing maps), so the matmul is A (M×K) · B (K×N).
2. Whole tiles: M and N are zero-padded (`tensor.insert_slice` into zeros,
   behind a barrier) to multiples of the distribution tiles, and the result
   is sliced back: IREE's code for a partial distribution tile is several
   times slower (1000³ with tiles of 128: 4x slower than with 200).
3. B's row stride, when M >= `STRIDE_PAD_MIN_ROWS`, is an odd number of
   64-byte lines: B lies in a zero tensor 8 columns wider and the matmul
   reads a slice of it. With a power-of-two stride the column strips of B
   evict each other from the caches (1024³: 15-20% faster).
4. `compilation_info`: distribution tiles [TM, TN, 0] (`tile_and_padded`),
   vector tiles [8, 8, 0] (8 zmm accumulators of 8 f64; [8, 16, 0] measured
   the same, and [8, 8] needs N to be a multiple of 8 only), reduction tile
   1, pipeline DoubleTilingExpert.

A matmul is tuned when M, N >= 8, K >= 16 and M·N·K >= 2^17 (`tunable`):
matrix-vector and outer products are memory bound and IREE's default is as
good; tiny products take microseconds either way. The register tile assumes
AVX-512 (32 registers of 8 f64), so `iree_cpu` tunes on `avx512f` hosts only.
f32 is left alone (IREE's f32 code is several times faster than its f64 code
already; not tuned here). A configuration IREE rejects never fails a
compile: the backend compiles the untuned module then
(`iree_compiler.compile_with_fallback`).

Measured on an AMD EPYC (Zen 4, AVX-512), one thread (`local-sync`,
`iree-benchmark-module` CPU time, best of 6; the machine was shared, load 4-5
on 2 cores, so ratios below 1.5 are noise), default -> tuned, ms, with
layouts mk,kn = A (M×K) · B (K×N), km = A transposed, nk = B transposed:

    1024³ mk,kn 253 -> 52   km,kn 469 -> 52   mk,nk 96 -> 49
    1000³ mk,kn  92 -> 43   mk,nk  89 -> 45   999³ km,kn 174 -> 62
    512³ 29 -> 5.7   256³ 1.8 -> 0.68   100³ 0.057 -> 0.056   64³ 0.018 -> 0.012
    960x960x64 km,kn 6.8 -> 2.4   64x1024x960 13.8 -> 3.0   64x1024x64 0.75 -> 0.16
    8x1000x1000 1.19 -> 0.52   16x1024x1024 3.7 -> 1.07   1000x16x1000 mk,nk 0.90 -> 0.60
    untouched: 64x1x960, 1024x1x1024, 1x1024x1024, 1000x7x1000, 1024x1024x1 (K = 1)

(52 ms for 1024³ is 41 GFLOP/s on one core.) The gradient of
bench/gp_loglik.py at n = 1024, one thread: 1000 -> 350 ms.
"""

from __future__ import annotations

import re

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from .iree_tensor_ops import ops_named

VECTOR_TILE = 8  # rows and columns of the register tile: 8 zmm accumulators of 8 f64
TILE_RANGE = (64, 128, 256)  # smallest, preferred, largest distribution tile
MIN_EXTENTS = (8, 8, 16)  # M, N, K below which IREE's default stays
MIN_PRODUCT = 2**17  # M*N*K (multiply-adds) below which IREE's default stays
STRIDE_PAD_MIN_ROWS = 128  # M from which B is stored with an odd stride in cache lines
PIPELINE = "DoubleTilingExpert"  # tests replace it to make IREE reject the configuration
F64_MATMUL = re.compile(r"linalg\.matmul\b[^\n]*xf64>")  # in a module text that may have one to tune

# The operand layouts of a matmul, as (A map, B map) results over (m, n, k) = (d0, d1, d2).
_A_ROWS_FIRST, _A_TRANSPOSED = [0, 2], [2, 0]
_B_ROWS_FIRST, _B_TRANSPOSED = [2, 1], [1, 2]


def _round_up(extent: int, multiple: int) -> int:
    return -(-extent // multiple) * multiple


def tile_and_padded(extent: int) -> tuple[int, int]:
    """(distribution tile, padded extent) of a parallel dimension: one tile when
    the extent rounded up to `VECTOR_TILE` is at most the preferred tile; else
    the multiple of `VECTOR_TILE` in `TILE_RANGE` that pads least, the closest
    to the preferred one on ties (e.g. 1024 -> (128, 1024), 1000 -> (200, 1000),
    999 -> (200, 1000), 960 -> (120, 960), 33 -> (40, 40))."""
    smallest, preferred, largest = TILE_RANGE
    rounded = _round_up(extent, VECTOR_TILE)
    if rounded <= preferred:
        return rounded, rounded
    candidates = range(smallest, largest + 1, VECTOR_TILE)
    tile = min(candidates, key=lambda t: (_round_up(extent, t), abs(t - preferred), -t))
    return tile, _round_up(extent, tile)


def compilation_info(tile_m: int, tile_n: int) -> str:
    """The `#iree_codegen.compilation_info` text of a tuned matmul."""
    return (
        "#iree_codegen.compilation_info<lowering_config = #iree_cpu.lowering_config<"
        f"distribution = [{tile_m}, {tile_n}, 0], "
        f"vector_common_parallel = [{VECTOR_TILE}, {VECTOR_TILE}, 0], vector_reduction = [0, 0, 1]>, "
        "translation_info = #iree_codegen.translation_info<"
        f"pipeline = #iree_cpu.pipeline<{PIPELINE}>>>"
    )


def _maps(op: ir.Operation) -> list[list[int]]:
    if "indexing_maps" not in op.attributes:
        return [[0, 2], [2, 1], [0, 1]]
    return [[expr.position for expr in attr.value.results] for attr in op.attributes["indexing_maps"]]


def tunable(op: ir.Operation) -> bool:
    """Whether `op` (a linalg.matmul) is one `tune_f64_matmuls` rewrites."""
    types = [v.type for v in op.operands]
    if not all(isinstance(t, ir.RankedTensorType) for t in types):
        return False
    types = [ir.RankedTensorType(t) for t in types]
    if len(types) != 3 or not all(
        t.has_static_shape and isinstance(t.element_type, ir.F64Type) for t in types
    ):
        return False
    maps = _maps(op)
    if maps[0] not in (_A_ROWS_FIRST, _A_TRANSPOSED) or maps[1] not in (_B_ROWS_FIRST, _B_TRANSPOSED):
        return False
    if maps[2] != [0, 1]:
        return False
    m, n = types[2].shape
    k = types[0].shape[maps[0].index(2)]
    large = all(extent >= least for extent, least in zip((m, n, k), MIN_EXTENTS, strict=True))
    return large and m * n * k >= MIN_PRODUCT


def _barrier(value: ir.Value) -> ir.Value:
    """`util.optimization_barrier` of `value`: IREE neither folds nor fuses across it."""
    return ir.Operation.create("util.optimization_barrier", results=[value.type], operands=[value]).result


def _zeros(shape, element: ir.Type) -> ir.Value:
    zero = arith.ConstantOp(element, ir.FloatAttr.get(element, 0.0)).result
    return linalg.fill(zero, outs=[tensor.EmptyOp(list(shape), element).result])


def _slice(value: ir.Value, shape) -> ir.Value:
    """The top left `shape` corner of `value`."""
    source = ir.RankedTensorType(value.type)
    if list(source.shape) == list(shape):
        return value
    result = ir.RankedTensorType.get(list(shape), source.element_type)
    return tensor.ExtractSliceOp(result, value, [], [], [], [0, 0], list(shape), [1, 1]).result


def _padded(value: ir.Value, shape) -> ir.Value:
    """`value` at the top left of a zero tensor of `shape` (itself when the shapes agree)."""
    source = ir.RankedTensorType(value.type)
    if list(source.shape) == list(shape):
        return value
    zeros = _zeros(shape, source.element_type)
    return tensor.InsertSliceOp(value, zeros, [], [], [], [0, 0], list(source.shape), [1, 1]).result


def _operand(value: ir.Value, transposed: bool, shape, stored_shape) -> ir.Value:
    """A matmul operand as a `shape` tensor (transposed, zero padded) that lies in
    memory as the top left of a `stored_shape` one, materialised behind a barrier."""
    source = ir.RankedTensorType(value.type)
    if transposed:
        empty = tensor.EmptyOp(list(reversed(source.shape)), source.element_type).result
        value = linalg.transpose(value, outs=[empty], permutation=[1, 0]).results[0]
    elif list(stored_shape) == list(source.shape):
        return value
    return _slice(_barrier(_padded(value, stored_shape)), shape)


def _tune(op: ir.Operation) -> None:
    maps = _maps(op)
    a, b, init = op.operands
    result_type = ir.RankedTensorType(op.results[0].type)
    m, n = result_type.shape
    tile_m, padded_m = tile_and_padded(m)
    tile_n, padded_n = tile_and_padded(n)
    # B's row stride, an odd number of 64-byte lines (a power-of-two stride
    # makes the column strips of B evict each other from the caches).
    stride_n = padded_n
    if m >= STRIDE_PAD_MIN_ROWS and padded_n % (2 * VECTOR_TILE) == 0:
        stride_n += VECTOR_TILE
    with ir.InsertionPoint(op), op.location:
        k = ir.RankedTensorType(a.type).shape[maps[0].index(2)]
        a = _operand(a, maps[0] == _A_TRANSPOSED, (padded_m, k), (padded_m, k))
        b = _operand(b, maps[1] == _B_TRANSPOSED, (k, padded_n), (k, stride_n))
        init = _padded(init, (padded_m, padded_n))
        product = linalg.matmul(a, b, outs=[init])
        product.owner.attributes["compilation_info"] = ir.Attribute.parse(compilation_info(tile_m, tile_n))
        op.results[0].replace_all_uses_with(_slice(product, (m, n)))
    op.erase()


def tune_f64_matmuls(module: ir.Module) -> int:
    """Rewrite and annotate each `tunable` linalg.matmul of `module` (see the module
    docstring); the number rewritten."""
    found = ops_named(module, "linalg.matmul", tunable)
    for op in found:
        _tune(op)
    return len(found)
