"""Lowering configurations for f64 matmuls on IREE's llvm-cpu target (`iree-cpu` only).

IREE 3.13 picks one configuration for every f64 `linalg.matmul` on x86
(distribution tiles [64, 64, 0], vector tiles [4, 4, 0], reduction tile 16);
f64 has no microkernel, and data tiling, `--iree-llvmcpu-target-cpu=znver4`
or vector-width flags do not change the code. On an AVX-512 host that runs a
1024³ f64 matmul at about 15 GFLOP/s, a fifth of what JAX (Eigen) reaches.
`tune_f64_matmuls(module)` rewrites each large enough f64 `linalg.matmul`
into the form IREE compiles well, and gives it its configuration:

1. Canonical layout: an operand whose indexing map is transposed (A as K×M,
   B as N×K) is transposed by a `linalg.transpose` behind a
   `util.optimization_barrier` (without it, IREE folds the transpose back
   into the matmul's indexing maps), so the matmul is A (M×K) · B (K×N).
2. Whole tiles: M and N are padded with zeros (`tensor.insert_slice` into a
   zero tensor, also behind a barrier) to multiples of the distribution
   tiles, and the result is sliced back. IREE's code for a partial
   distribution tile is several times slower than for a whole one.
3. The `compilation_info`: distribution tiles [TM, TN, 0] (`tile_and_padded`:
   TM a multiple of 8, TN of 16, each in 64..128, the one that pads least,
   the largest on ties; a dimension up to 128 is one tile), vector tiles
   [8, 16, 0] (8 rows by 2 zmm registers of 8 f64: 16 accumulators) and
   reduction tile 1, pipeline DoubleTilingExpert.

A matmul is tuned when M >= 8, N >= 16 and K >= 16 (`tunable`): thinner
ones (matrix-vector products, outer products) are memory bound and IREE's
default is as good or better. The vector tile assumes AVX-512 (32 vector
registers of 8 f64), so `iree_cpu` tunes only on hosts with `avx512f`.

Measured on 2 cores of an AMD EPYC (Zen 4, AVX-512), `iree-benchmark-module`,
one matmul (ms; default -> tuned; the machine was shared, numbers ±30%):
  1024³ (m,k)(k,n) 140 -> 31 (JAX 31); (k,m)(k,n) 248 -> ~35; (m,k)(n,k) 86 -> ~35;
  999³ ~2x faster, 1000³ ~2x faster (see test/iree/ and the docstring of
  `tile_and_padded`); 64x1024x960 18.6 -> 5.2; 960x960x64 (k,m)(k,n) 7.1 -> 3.3;
  7x1000x1000 2.8 -> 0.8; matrix-vector and outer products left as they are.

f32 is left alone: IREE's default (with its data tiling) is within 1.4x of
the best configuration we found. A rejected configuration never fails a
compile: the backend then compiles the untuned module
(`iree_compiler.compile_with_fallback`).
"""

from __future__ import annotations

import re

from mlir import ir
from mlir.dialects import arith, linalg, tensor

from .iree_tensor_ops import ops_named

VECTOR_TILE = 8  # rows and columns of the register tile: 8 zmm accumulators of 8 f64
TILE_RANGE = (64, 128, 256)  # smallest, preferred, largest distribution tile
MIN_EXTENTS = (8, 8, 16)  # M, N, K below which IREE's default stays
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
    return all(extent >= least for extent, least in zip((m, n, k), MIN_EXTENTS, strict=True))


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
