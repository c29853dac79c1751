"""The backend layer: selection (keyword, config, environment), agreement of
iree-cpu with mlir-cpu and numpy, and the persistent compile cache (a second
process compiles nothing; damaged entries are recompiled). IREE compiles are
few and tiny: the machine running the suite is small."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import backends
from lintra.backends import disk_cache

SCALAR_MODULE = """
func.func @f(%x: tensor<3xf64>, %s: f64, %flag: i1) -> (tensor<3xf64>, f64, i1, tensor<3xf64>) {
  %e = tensor.empty() : tensor<3xf64>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]} ins(%x : tensor<3xf64>) outs(%e : tensor<3xf64>) {
  ^bb0(%a: f64, %b: f64):
    %q = math.sin %a : f64
    %r = arith.mulf %q, %s : f64
    linalg.yield %r : f64
  } -> tensor<3xf64>
  %t = math.tanh %s : f64
  %n = arith.xori %flag, %flag : i1
  return %y, %t, %n, %x : tensor<3xf64>, f64, i1, tensor<3xf64>
}
"""


def test_unknown_backend_lists_known_ones():
    for make in (lambda: lintra.jit(lnp.sin, backend="tpu"), lambda: backends.resolve("tpu")):
        with pytest.raises(
            ValueError, match="unknown lintra backend 'tpu': expected one of iree-cpu, iree-cuda, mlir-cpu"
        ):
            make()
    with pytest.raises(ValueError, match="iree-cpu, iree-cuda, mlir-cpu"):
        lintra.grad(lambda x: lnp.sum(x), backend="tpu")(np.ones(2))
    with pytest.raises(KeyError, match="unknown lintra setting 'colour'"):
        lintra.config.update("colour", "red")


def test_config_chooses_the_default_backend():
    previous = lintra.config.backend
    try:
        for name in backends.names():
            lintra.config.update("backend", name)
            assert backends.resolve() == name
        lintra.config.update("backend", "nope")
        with pytest.raises(ValueError, match="unknown lintra backend 'nope'"):
            lintra.jit(lnp.cos)(np.ones(2))
    finally:
        lintra.config.update("backend", previous)


def test_backends_agree_with_numpy_on_scalars_bools_and_f64_libm():
    x, s = np.array([0.25, 1.0, 2.5]), 0.75
    for name in backends.available():
        executable = backends.compile(SCALAR_MODULE, "f", backend=name)
        assert ("llvm.func" if name == "mlir-cpu" else "@__lintra_entry") in executable.lowered_text
        y, t, n, x_out = executable(x, s, True)
        np.testing.assert_allclose(y, np.sin(x) * s, rtol=1e-15)
        np.testing.assert_allclose(t, np.tanh(s), rtol=1e-15)
        assert t.shape == () and n.dtype == np.bool_ and not n and x_out.dtype == np.float64
        x_out[0] = 7.0  # outputs are the caller's own arrays
        assert x[0] == 0.25


def test_grad_matches_between_backends_and_is_cached_per_backend():
    def loss(w, x):
        return lnp.sum(lnp.tanh(x @ w) ** 2)

    w, x = np.linspace(-1, 1, 6).reshape(3, 2), np.linspace(0, 1, 12).reshape(4, 3)
    grads = {name: lintra.grad(loss, backend=name)(w, x) for name in backends.available()}
    np.testing.assert_allclose(grads["iree-cpu"], grads["mlir-cpu"], rtol=1e-12)
    jitted = lintra.jit(loss, backend="iree-cpu")
    jitted(w, x), jitted(w, x)
    assert jitted.cache_info()[:2] == (1, 1)


def _run(script: str, cache_dir, backend="iree-cpu") -> str:
    env = dict(os.environ, LINTRA_CACHE_DIR=str(cache_dir), LINTRA_BACKEND=backend)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


PROGRAM = """
    import numpy as np, lintra, lintra.numpy as lnp
    g = lintra.grad(lambda x: lnp.sum(lnp.sin(x) * x))(np.linspace(0.0, 1.0, 5))
    info = lintra.cache_info()
    print(repr(g.tolist()), info.disk_hits, info.disk_misses)
"""


def test_second_process_compiles_nothing_and_damaged_entries_are_recompiled(tmp_path):
    expected = (lambda x: np.cos(x) * x + np.sin(x))(np.linspace(0.0, 1.0, 5))
    first = _run(PROGRAM, tmp_path).split()
    entries = list(tmp_path.glob("*.vmfb"))
    assert first[-2:] == ["0", "1"] and len(entries) == 1
    second = _run(PROGRAM, tmp_path).split()
    assert second[-2:] == ["1", "0"] and second[0] == first[0]
    np.testing.assert_allclose(eval(" ".join(second[:-2])), expected, rtol=1e-14)
    entry = entries[0]
    good = entry.read_bytes()
    damaged = [good[: len(good) // 2], good[:-1] + bytes([good[-1] ^ 0xFF]), b"", b"garbage"]
    for data in damaged:
        entry.write_bytes(data)
        result = _run(PROGRAM, tmp_path).split()
        assert result[-2:] == ["0", "1"], data[:16]  # detected, recompiled, not a hit
        np.testing.assert_allclose(eval(" ".join(result[:-2])), expected, rtol=1e-14)
        assert entry.read_bytes() == good  # rewritten intact


def test_cache_can_be_turned_off_and_moved(tmp_path):
    previous = lintra.config.cache_dir
    try:
        lintra.config.update("cache_dir", tmp_path / "off")
        lintra.config.update("persistent_cache", False)
        assert disk_cache.cache_directory() is None
        disk_cache.store("k", "bin", b"payload")
        assert disk_cache.load("k", "bin") is None and not (tmp_path / "off").exists()
        lintra.config.update("persistent_cache", True)
        lintra.config.update("cache_dir", tmp_path / "on")
        disk_cache.store("k", "bin", b"payload")
        assert disk_cache.load("k", "bin") == b"payload"
    finally:
        lintra.config.update("persistent_cache", True)
        lintra.config.update("cache_dir", previous)


def test_cache_key_covers_every_part():
    base = dict(backend="iree-cpu", text="t", flags=["-a"], cpu="c", versions="v")
    keys = {disk_cache.cache_key(**base)}
    for part, other in (("backend", "x"), ("text", "u"), ("flags", ["-b"]), ("cpu", "d"), ("versions", "w")):
        keys.add(disk_cache.cache_key(**dict(base, **{part: other})))
    assert len(keys) == 6


def test_iree_compile_errors_name_the_function():
    bad = "func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }"
    with pytest.raises(ValueError, match="no func.func @g"):
        backends.compile(bad, "g", backend="iree-cpu")


def test_settings_from_the_environment():
    from lintra.settings import Config

    config = Config(
        {"LINTRA_BACKEND": "mlir-cpu", "LINTRA_CACHE_DIR": "/x/y", "LINTRA_PERSISTENT_CACHE": "off"}
    )
    assert (config.backend, str(config.cache_dir), config.persistent_cache) == ("mlir-cpu", "/x/y", False)
    config = Config({"XDG_CACHE_HOME": "/c"})
    assert str(config.cache_dir) == "/c/lintra" and config.persistent_cache and config.backend is None


def test_compiler_worker_is_restarted_after_dying():
    from lintra.backends import iree_compiler
    from lintra.backends.iree_cpu import COMPILE_FLAGS
    from lintra.backends.iree_entry import wrap_for_iree

    text = wrap_for_iree(SCALAR_MODULE, "f")[0]
    worker = iree_compiler.compiler_worker()
    first = iree_compiler.compile_vmfb(text, COMPILE_FLAGS)
    assert worker.process is not None and worker.process.poll() is None
    worker.process.kill()
    worker.process.wait()
    assert (
        iree_compiler.compile_vmfb(text, COMPILE_FLAGS)[:64] == first[:64] and worker.process.poll() is None
    )


def test_small_functions_run_in_the_calling_thread_and_large_ones_on_the_thread_pool():
    from lintra.exported import SYNC_BYTES

    n = SYNC_BYTES // 8  # in and out: twice SYNC_BYTES
    x = np.linspace(-3.0, 3.0, n)
    for size, driver in ((4, "local-sync"), (n, "local-task")):
        executable = backends.compile(
            SCALAR_MODULE.replace("tensor<3xf64>", f"tensor<{size}xf64>"), "f", backend="iree-cpu"
        )
        assert executable.driver == driver
        y = executable(x[:size], 2.0, False)[0]
        np.testing.assert_allclose(y, 2.0 * np.sin(x[:size]), rtol=1e-15)


def test_modules_iree_rejects_are_compiled_again_pre_fused():
    from pathlib import Path

    from lintra.backends.iree_entry import pre_fused, wrap_for_iree

    reproducer = (
        Path(__file__).resolve().parent.parent / "regressions" / "iree-softmax-workgroup-distribution.mlir"
    )
    wrapped = wrap_for_iree(reproducer.read_text(), "softmax")[0]
    executable = backends.compile(reproducer.read_text(), "softmax", backend="iree-cpu")
    assert executable.lowered_text == pre_fused(wrapped) != wrapped
    assert (
        backends.compile(SCALAR_MODULE, "f", backend="iree-cpu").lowered_text
        == wrap_for_iree(SCALAR_MODULE, "f")[0]
    )
    x = np.array([[0, 0, 0, 0], [1, 2, 3, 4], [0, 0, 0, 50]], np.float32)
    expected = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(executable(x)[0], expected / expected.sum(axis=1, keepdims=True), rtol=1e-6)


def test_insert_into_2d():
    """IREE 3.13 writes three elements for a scalar tensor.insert into a 2-d tensor
    (test/iree/upstream-insert-into-2d.mlir); the IREE backends insert a 1x1 slice
    instead (backends/iree_tensor_ops.py)."""
    text = """
    func.func @at(%a: f64, %i: index, %j: index) -> tensor<3x2xf64> {
      %zeros = arith.constant dense<0.0> : tensor<3x2xf64>
      %r = tensor.insert %a into %zeros[%i, %j] : tensor<3x2xf64>
      return %r : tensor<3x2xf64>
    }"""
    for backend in ("iree-cpu", "mlir-cpu"):
        at = backends.compile(text, "at", backend)
        for i, j in [(0, 0), (1, 1), (2, 1)]:
            expected = np.zeros((3, 2))
            expected[i, j] = 7.0
            np.testing.assert_array_equal(at(7.0, np.int64(i), np.int64(j))[0], expected)


def test_packed_bool_constant():
    """A non-splat i1 constant of more than 100 elements prints as packed-bit hex,
    which IREE 3.13 cannot read (test/iree/upstream-packed-i1-constant.mlir); the
    IREE backends hand it over as bytes (backends/iree_tensor_ops.py)."""
    rows = ",".join(
        "[" + ",".join("true" if (i + 2 * j) % 3 == 0 else "false" for j in range(11)) + "]"
        for i in range(11)
    )
    text = f"""
    func.func @masked(%x: tensor<11x11xf64>) -> tensor<11x11xf64> {{
      %mask = arith.constant dense<[{rows}]> : tensor<11x11xi1>
      %zeros = arith.constant dense<0.0> : tensor<11x11xf64>
      %r = arith.select %mask, %x, %zeros : tensor<11x11xi1>, tensor<11x11xf64>
      return %r : tensor<11x11xf64>
    }}"""
    x = np.arange(121.0).reshape(11, 11)
    i, j = np.indices((11, 11))
    for backend in ("iree-cpu", "mlir-cpu"):
        masked = backends.compile(text, "masked", backend)
        np.testing.assert_array_equal(masked(x)[0], np.where((i + 2 * j) % 3 == 0, x, 0.0))


def test_full_reduce_of_scalar_fill():
    """IREE 3.13 runs one iteration of a reduction to 0-d of a fill of a
    non-constant scalar (test/iree/upstream-full-reduce-of-scalar-fill.mlir); the
    IREE backends make the reduction read linalg.index of its loops
    (backends/iree_tensor_ops.py). A splat summed, the sum of its squares (a
    generic), the sum of its sines (through an elementwise op, as in control-flow
    fuzz seed 22), a reduction to 1-d of the same splat, and the splat used
    elsewhere too."""
    text = """
    func.func @f(%x: f64, %y: tensor<4x3xf64>) -> (f64, f64, tensor<3xf64>, tensor<4x3xf64>, f64) {
      %s = tensor.splat %x : tensor<4x3xf64>
      %zero = arith.constant 0.0 : f64
      %init = tensor.from_elements %zero : tensor<f64>
      %sum = linalg.reduce ins(%s : tensor<4x3xf64>) outs(%init : tensor<f64>) dimensions = [0, 1]
        (%in: f64, %acc: f64) {
          %t = arith.addf %in, %acc : f64
          linalg.yield %t : f64
        }
      %squares = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>],
                                 iterator_types = ["reduction", "reduction"]}
          ins(%s : tensor<4x3xf64>) outs(%init : tensor<f64>) {
      ^bb0(%in: f64, %acc: f64):
        %m = arith.mulf %in, %in : f64
        %t = arith.addf %m, %acc : f64
        linalg.yield %t : f64
      } -> tensor<f64>
      %sines = math.sin %s : tensor<4x3xf64>
      %sum_of_sines = linalg.reduce ins(%sines : tensor<4x3xf64>) outs(%init : tensor<f64>) dimensions = [0, 1]
        (%in: f64, %acc: f64) {
          %t = arith.addf %in, %acc : f64
          linalg.yield %t : f64
        }
      %init3 = arith.constant dense<0.0> : tensor<3xf64>
      %rows = linalg.reduce ins(%s : tensor<4x3xf64>) outs(%init3 : tensor<3xf64>) dimensions = [0]
        (%in: f64, %acc: f64) {
          %t = arith.addf %in, %acc : f64
          linalg.yield %t : f64
        }
      %prod = arith.mulf %s, %y : tensor<4x3xf64>
      %a = tensor.extract %sum[] : tensor<f64>
      %b = tensor.extract %squares[] : tensor<f64>
      %c = tensor.extract %sum_of_sines[] : tensor<f64>
      return %a, %b, %rows, %prod, %c : f64, f64, tensor<3xf64>, tensor<4x3xf64>, f64
    }"""
    y = np.arange(12.0).reshape(4, 3)
    for backend in ("iree-cpu", "mlir-cpu"):
        got = backends.compile(text, "f", backend)(1.5, y)
        np.testing.assert_allclose(got[0], 12 * 1.5)
        np.testing.assert_allclose(got[1], 12 * 1.5**2)
        np.testing.assert_allclose(got[2], np.full(3, 4 * 1.5))
        np.testing.assert_allclose(got[3], 1.5 * y)
        np.testing.assert_allclose(got[4], 12 * np.sin(1.5))


def test_full_reduce_ignoring_its_input():
    """IREE 3.13 runs once each loop of a reduction to 0-d that no operand the body
    reads indexes (test/iree/upstream-full-reduce-of-scalar-fill.mlir,
    @number_of_elements); the IREE backends make the body read linalg.index of
    each such loop (backends/iree_tensor_ops.py). @f counts the elements and sums
    a scalar once per element (IREE alone: 2 and 1, not 12 and 6); in @g a -0.0
    stays -0.0; @h counts into a 1-element 1-d tensor, which IREE folds to 0-d."""
    text = """
    #x = affine_map<(d0, d1) -> (d0, d1)>
    #s = affine_map<(d0, d1) -> ()>
    func.func @f(%x: tensor<4x3xf64>, %s: f64) -> (f64, f64) {
      %init = arith.constant dense<0.0> : tensor<f64>
      %count, %sum = linalg.generic {indexing_maps = [#x, #s, #s, #s], iterator_types = ["reduction", "reduction"]}
          ins(%x, %s : tensor<4x3xf64>, f64) outs(%init, %init : tensor<f64>, tensor<f64>) {
      ^bb0(%in: f64, %scalar: f64, %a: f64, %b: f64):
        %one = arith.constant 1.0 : f64
        %t = arith.addf %a, %one : f64
        %u = arith.addf %b, %scalar : f64
        linalg.yield %t, %u : f64, f64
      } -> (tensor<f64>, tensor<f64>)
      %a = tensor.extract %count[] : tensor<f64>
      %b = tensor.extract %sum[] : tensor<f64>
      return %a, %b : f64, f64
    }
    func.func @g(%x: tensor<4x3xf64>, %s: f64) -> f64 {
      %init = arith.constant dense<-0.0> : tensor<f64>
      %r = linalg.generic {indexing_maps = [#x, #s, #s], iterator_types = ["reduction", "reduction"]}
          ins(%x, %s : tensor<4x3xf64>, f64) outs(%init : tensor<f64>) {
      ^bb0(%in: f64, %scalar: f64, %a: f64):
        %t = arith.mulf %a, %scalar : f64
        linalg.yield %t : f64
      } -> tensor<f64>
      %v = tensor.extract %r[] : tensor<f64>
      return %v : f64
    }
    func.func @h(%x: tensor<4x3xf64>) -> tensor<1xf64> {
      %init = arith.constant dense<0.0> : tensor<1xf64>
      %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>],
                           iterator_types = ["parallel", "reduction", "reduction"]}
          ins(%x : tensor<4x3xf64>) outs(%init : tensor<1xf64>) {
      ^bb0(%in: f64, %a: f64):
        %one = arith.constant 1.0 : f64
        %t = arith.addf %a, %one : f64
        linalg.yield %t : f64
      } -> tensor<1xf64>
      return %r : tensor<1xf64>
    }"""
    for backend in ("iree-cpu", "mlir-cpu"):
        assert backends.compile(text, "f", backend)(np.ones((4, 3)), 0.5) == (12.0, 6.0), backend
        assert backends.compile(text, "h", backend)(np.ones((4, 3)))[0] == [12.0], backend
        (negative_zero,) = backends.compile(text, "g", backend)(np.ones((4, 3)), 0.5)
        assert negative_zero == 0.0 and np.signbit(negative_zero), backend
