"""Batching rules on IR that lintra.numpy does not emit (element access, pad,
splat, cast, fill, map, the named contractions, linalg.index, a scalar select of
tensors, calls): `@ops` is batched by lintra-batch on every float argument (on
several axes, some unbatched), compiled on mlir-cpu (IREE 3.13 does not lower
tensor.splat), and compared with `@ops` compiled alone
and run on each batch member (the same backend computes both)."""

from pathlib import Path

import numpy as np
import pytest
from ad_harness import run_passes

import lintra

OPS = """
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @helper(%a: tensor<3xf64>, %b: tensor<3xf64>) -> tensor<3xf64> {
  %0 = arith.mulf %a, %b : tensor<3xf64>
  return %0 : tensor<3xf64>
}
func.func @ops(%x: tensor<2x3xf64>, %v: tensor<3xf64>, %s0: tensor<f64>)
    -> (tensor<2x2xf64>, tensor<2x3xf64>, tensor<4x5xf64>, tensor<2x3xf64>, tensor<2xf64>,
        tensor<3xf64>, tensor<f64>, tensor<2x3xf64>, tensor<3xf64>) {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %s = tensor.extract %s0[] : tensor<f64>
  %e = tensor.extract %x[%i1, %i0] : tensor<2x3xf64>
  %fe = tensor.from_elements %s, %e, %e, %s : tensor<2x2xf64>
  %ins = tensor.insert %s into %x[%i0, %i1] : tensor<2x3xf64>
  %zero = arith.constant 0.0 : f64
  %cat = tensor.concat dim(0) %x, %ins : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<4x3xf64>
  %p = tensor.pad %cat low[0, 1] high[0, 1] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f64
  } : tensor<4x3xf64> to tensor<4x5xf64>
  %sp = tensor.splat %s : tensor<2x3xf64>
  %e23 = tensor.empty() : tensor<2x3xf64>
  %g = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %v : tensor<2x3xf64>, tensor<3xf64>) outs(%e23 : tensor<2x3xf64>) {
  ^bb0(%a: f64, %b: f64, %o: f64):
    %k = linalg.index 1 : index
    %ki = arith.index_cast %k : index to i64
    %kf = arith.sitofp %ki : i64 to f64
    %m = arith.mulf %a, %b : f64
    %r = arith.addf %m, %kf : f64
    linalg.yield %r : f64
  } -> tensor<2x3xf64>
  %mixed = arith.addf %g, %sp : tensor<2x3xf64>
  %z2 = arith.constant dense<0.0> : tensor<2xf64>
  %mv = linalg.matvec ins(%x, %v : tensor<2x3xf64>, tensor<3xf64>) outs(%z2 : tensor<2xf64>) -> tensor<2xf64>
  %z3 = arith.constant dense<0.0> : tensor<3xf64>
  %vm = linalg.vecmat ins(%mv, %x : tensor<2xf64>, tensor<2x3xf64>) outs(%z3 : tensor<3xf64>) -> tensor<3xf64>
  %z0 = arith.constant dense<0.0> : tensor<f64>
  %d = linalg.dot ins(%v, %vm : tensor<3xf64>, tensor<3xf64>) outs(%z0 : tensor<f64>) -> tensor<f64>
  %e3 = tensor.empty() : tensor<3xf64>
  %f = linalg.fill ins(%s : f64) outs(%e3 : tensor<3xf64>) -> tensor<3xf64>
  %mp = linalg.map { math.sin } ins(%f : tensor<3xf64>) outs(%e3 : tensor<3xf64>)
  %c = arith.cmpf olt, %s, %e : f64
  %sel = arith.select %c, %x, %mixed : tensor<2x3xf64>
  %call = func.call @helper(%mp, %v) : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %fe, %ins, %p, %mixed, %mv, %vm, %d, %sel, %call
    : tensor<2x2xf64>, tensor<2x3xf64>, tensor<4x5xf64>, tensor<2x3xf64>, tensor<2xf64>,
      tensor<3xf64>, tensor<f64>, tensor<2x3xf64>, tensor<3xf64>
}
"""
SHAPES = [(2, 3), (3,), ()]
OUT_SHAPES = [(2, 2), (2, 3), (4, 5), (2, 3), (2,), (3,), (), (2, 3), (3,)]
BATCH = 4


def batched_shape(shape, axis):
    return shape if axis == -1 else shape[:axis] + (BATCH,) + shape[axis:]


def tensor_text(shape) -> str:
    return f"tensor<{''.join(f'{n}x' for n in shape)}f64>"


def vmapped_module(in_axes) -> str:
    ins = [batched_shape(s, a) for s, a in zip(SHAPES, in_axes, strict=True)]
    outs = [batched_shape(s, 0) for s in OUT_SHAPES]
    args = ", ".join(f"%a{i}: {tensor_text(s)}" for i, s in enumerate(ins))
    results = ", ".join(tensor_text(s) for s in outs)
    axes = ", ".join(str(a) for a in in_axes)
    return OPS + (
        f"func.func @main({args}) -> ({results}) {{\n"
        f'  %0:{len(outs)} = "lintra.vmap"({", ".join(f"%a{i}" for i in range(len(ins)))}) '
        f"{{callee = @ops, in_axes = array<i64: {axes}>, out_axes = array<i64: {', '.join(['0'] * len(outs))}>, "
        f"axis_size = {BATCH} : i64}} : ({', '.join(tensor_text(s) for s in ins)}) -> ({results})\n"
        f"  return {', '.join(f'%0#{k}' for k in range(len(outs)))} : {results}\n}}\n"
    )


@pytest.fixture(scope="module")
def unbatched():
    return lintra.backends.compile(OPS, "ops", backend="mlir-cpu")


@pytest.mark.parametrize("in_axes", [(0, 0, 0), (1, -1, 0), (-1, 0, -1), (2, 1, -1)])
def test_batched_ops_match_a_loop(unbatched, in_axes):
    rng = np.random.default_rng(1)
    args = [rng.uniform(-1, 1, batched_shape(s, a)) for s, a in zip(SHAPES, in_axes, strict=True)]
    text = run_passes(vmapped_module(in_axes), "lintra-batch")
    assert "lintra." not in text
    got = lintra.backends.compile(text, "main", backend="mlir-cpu")(*args)
    members = [
        unbatched(
            *[
                a if axis == -1 else np.asarray(np.take(a, k, axis=axis))
                for a, axis in zip(args, in_axes, strict=True)
            ]
        )
        for k in range(BATCH)
    ]
    for index, result in enumerate(got):
        want = np.stack([np.asarray(m[index]) for m in members])
        np.testing.assert_allclose(result, want, rtol=1e-12, atol=1e-12, err_msg=f"result #{index}")


COMPOSED = (Path(__file__).resolve().parents[1] / "lintra-batch" / "compose.mlir").read_text()


@pytest.mark.parametrize("pipeline", [("lintra-batch", "lintra-ad"), ("lintra-ad",)], ids="+".join)
def test_composition_both_pipelines(pipeline):
    """vmap(grad f), grad(sum(vmap f)) and vmap(vmap f) of f(x) = sum(sin(x) x), by
    lintra-batch then lintra-ad (AD ops batched by their rules) or by lintra-ad
    alone (innermost first), against the closed forms."""
    text = run_passes(COMPOSED, *pipeline)
    xs = np.random.default_rng(2).uniform(-2, 2, (2, 4, 3))
    gradient = np.sin(xs) + xs * np.cos(xs)
    for entry, arg, want in (
        ("vmap_grad", xs[0], gradient[0]),
        ("grad_vmap", xs[0], gradient[0]),
        ("vmap_vmap", xs, np.sum(np.sin(xs) * xs, axis=-1)),
    ):
        (got,) = lintra.backends.compile(text, entry, backend="mlir-cpu")(arg)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=entry)
