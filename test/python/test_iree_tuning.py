"""The iree-cpu backend's f64 matmul tuning (lintra/backends/iree_tuning.py):
tuned programs compute what numpy computes (odd sizes, transposed operands,
batched products, gradients), the configuration reaches IREE only where it
should (f64 on an AVX-512 host, not f32, not iree-cuda), and a configuration
IREE rejects falls back to the untuned module."""

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import backends
from lintra.backends import iree_tuning
from lintra.backends.iree_cpu import host_cpu
from lintra.backends.iree_cuda import IreeCudaBackend
from lintra.backends.iree_entry import rewritten, wrap_for_iree

pytest.importorskip("iree.runtime")

AVX512 = "avx512f" in host_cpu().split()
needs_avx512 = pytest.mark.skipif(not AVX512, reason="iree-cpu tunes f64 matmuls on AVX-512 hosts only")

# (A map, B map) of C[m, n] = sum_k A . B, and the operand shapes they read.
LAYOUTS = {
    "mk,kn": ("(d0, d2)", "(d2, d1)", lambda m, n, k: ((m, k), (k, n))),
    "km,kn": ("(d2, d0)", "(d2, d1)", lambda m, n, k: ((k, m), (k, n))),
    "mk,nk": ("(d0, d2)", "(d1, d2)", lambda m, n, k: ((m, k), (n, k))),
    "km,nk": ("(d2, d0)", "(d1, d2)", lambda m, n, k: ((k, m), (n, k))),
}


def matmul_module(m, n, k, layout="mk,kn", element="f64"):
    """(text of @mm(A, B) -> A·B as one linalg.matmul with `layout`'s maps, A shape, B shape)."""
    map_a, map_b, shapes = LAYOUTS[layout]
    (a, b) = shapes(m, n, k)
    ta, tb, tc = (f"tensor<{s[0]}x{s[1]}x{element}>" for s in (a, b, (m, n)))
    text = f"""func.func @mm(%a: {ta}, %b: {tb}) -> {tc} {{
  %zero = arith.constant 0.0 : {element}
  %empty = tensor.empty() : {tc}
  %init = linalg.fill ins(%zero : {element}) outs(%empty : {tc}) -> {tc}
  %c = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> {map_a}>,
      affine_map<(d0, d1, d2) -> {map_b}>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : {ta}, {tb}) outs(%init : {tc}) -> {tc}
  return %c : {tc}
}}"""
    return text, a, b


def product(layout, a, b):
    return (a.T if layout[0] == "k" else a) @ (b.T if layout[3] == "n" else b)


def test_tiles_divide_the_padded_extent_and_pad_little():
    assert [iree_tuning.tile_and_padded(e) for e in (1024, 1000, 999, 960, 33, 7, 64)] == [
        (128, 1024),
        (200, 1000),
        (200, 1000),
        (120, 960),
        (40, 40),
        (8, 8),
        (64, 64),
    ]
    for extent in range(1, 3000, 7):
        tile, padded = iree_tuning.tile_and_padded(extent)
        assert padded % tile == 0 and tile % 8 == 0 and 0 <= padded - extent
        assert padded - extent < (8 if extent <= 256 else 0.06 * extent)


def tuned_text(text):
    return rewritten(text, iree_tuning.tune_f64_contractions)


def test_rewrite_transposes_pads_and_annotates_only_large_f64_matmuls():
    text = tuned_text(matmul_module(999, 1024, 64, "km,nk")[0])
    assert text.count("linalg.transpose") == 2 and text.count("util.optimization_barrier") == 2
    assert "distribution = [100, 128, 0], vector_common_parallel = [4, 32, 0]" in text
    assert "tensor<1000x64xf64>" in text
    assert "tensor<64x1032xf64>" in text  # B's row stride made an odd number of cache lines
    for small in [(64, 1, 960), (1024, 1024, 1), (7, 1000, 1000), (1000, 7, 1000), (100, 100, 100)]:
        assert "compilation_info" not in tuned_text(matmul_module(*small)[0])
    assert "compilation_info" not in tuned_text(matmul_module(1024, 1024, 1024, element="f32")[0])


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize(
    "m, n, k", [(999, 130, 33), (8, 1000, 600), (129, 8, 4100), (256, 256, 64), (999, 96, 50)]
)
def test_tuned_matmuls_match_numpy(layout, m, n, k):
    text, a_shape, b_shape = matmul_module(m, n, k, layout)
    rng = np.random.default_rng(m * n + k)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    executable = backends.compile(text, "mm", backend="iree-cpu")
    assert ("compilation_info" in executable.lowered_text) == AVX512
    np.testing.assert_allclose(executable(a, b)[0], product(layout, a, b), rtol=1e-12, atol=1e-12)


@needs_avx512
def test_the_configuration_reaches_iree_for_f64_only_and_for_the_cpu_only():
    for element, tuned in [("f64", True), ("f32", False)]:
        text = matmul_module(1024, 1024, 1024, element=element)[0]
        lowered = lintra.backends.BACKENDS["iree-cpu"].tuned(wrap_for_iree(text, "mm")[0])
        assert ("compilation_info" in lowered) == tuned
    wrapped = wrap_for_iree(matmul_module(1024, 1024, 1024)[0], "mm")[0]
    assert IreeCudaBackend().tuned(wrapped) == wrapped


BATCHED = {  # einsum -> (A shape, B shape) for b=3, m=130, n=72, k=160
    "bmk,bkn->bmn": ((3, 130, 160), (3, 160, 72)),
    "bkm,bnk->bmn": ((3, 160, 130), (3, 72, 160)),
    "mbk,kbn->bmn": ((130, 3, 160), (160, 3, 72)),
    "mk,kn->mn": ((130, 480), (480, 72)),
    "bij,bjk->bik": ((3, 130, 160), (3, 160, 96)),  # N a multiple of 32: 4x32 register tiles
}


@pytest.mark.parametrize("spec", list(BATCHED))
def test_tuned_generic_contractions_match_numpy(spec):
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(shape) for shape in BATCHED[spec])
    compiled = lintra.jit(lambda a, b: lnp.einsum(spec, a, b), backend="iree-cpu").lower(a, b).compile()
    assert ("compilation_info" in compiled.lowered_text) == AVX512
    np.testing.assert_allclose(compiled.run([a, b]), np.einsum(spec, a, b), rtol=1e-12, atol=1e-12)


def test_gradients_and_batched_products_through_tuned_matmuls():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((300, 70)), rng.standard_normal((70, 40))
    value, grad = lintra.value_and_grad(lambda w: lnp.sum(lnp.tanh(x @ w) ** 2), backend="iree-cpu")(w)
    np.testing.assert_allclose(value, np.sum(np.tanh(x @ w) ** 2), rtol=1e-12)
    np.testing.assert_allclose(grad, x.T @ (2 * np.tanh(x @ w) / np.cosh(x @ w) ** 2), rtol=1e-10)
    p, q = rng.standard_normal((3, 40, 50)), rng.standard_normal((3, 50, 24))
    np.testing.assert_allclose(lintra.jit(lnp.matmul, backend="iree-cpu")(p, q), p @ q, rtol=1e-12)


@needs_avx512
def test_a_configuration_iree_rejects_falls_back_to_the_untuned_module(monkeypatch):
    text, a_shape, b_shape = matmul_module(256, 136, 128)
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    monkeypatch.setattr(iree_tuning, "PIPELINE", "NoSuchPipeline")
    rejected = backends.compile(text, "mm", backend="iree-cpu")
    assert "compilation_info" not in rejected.lowered_text and rejected.cache is None
    np.testing.assert_allclose(rejected(a, b)[0], a @ b, rtol=1e-12)
    monkeypatch.undo()
    # The cache key covers the configuration: the fallback's entry is not reused.
    accepted = backends.compile(text, "mm", backend="iree-cpu")
    assert "DoubleTilingExpert" in accepted.lowered_text and accepted.cache is None
    assert backends.compile(text, "mm", backend="iree-cpu").cache == "disk"
