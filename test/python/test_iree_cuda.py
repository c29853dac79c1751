"""The iree-cuda backend: what can be checked without a GPU is checked everywhere
(a .vmfb is produced and holds a CUDA executable with PTX for the configured
target; a refused target and a missing device are clear errors); numerics on
the GPU run only where IREE's cuda driver finds a device (`requires_gpu`).
Few, tiny compiles (each CUDA compile costs about a second here)."""

import re

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import backends
from lintra.backends import iree_cuda
from lintra.settings import Config

requires_gpu = pytest.mark.skipif(not iree_cuda.cuda_available(), reason="no CUDA device for IREE here")
requires_no_gpu = pytest.mark.skipif(iree_cuda.cuda_available(), reason="a CUDA device is present")

MODULE = """
func.func @f(%x: tensor<4xf32>, %y: tensor<4xf64>, %flag: i1) -> (tensor<4xf32>, tensor<4xf64>, i1) {
  %s = math.sin %x : tensor<4xf32>
  %t = math.tanh %y : tensor<4xf64>
  %n = arith.xori %flag, %flag : i1
  return %s, %t, %n : tensor<4xf32>, tensor<4xf64>, i1
}
"""


def ptx_targets(vmfb: bytes) -> set[str]:
    return set(re.findall(rb"\.target (sm_\d+)", vmfb))


@pytest.fixture(scope="module")
def executable():
    return backends.compile(MODULE, "f", backend="iree-cuda")


def test_compiles_to_a_cuda_executable_without_a_gpu(executable):
    assert executable.driver == "cuda" and executable.target == "cuda"
    assert b"cuda-nvptx-fb" in executable.vmfb  # the CUDA (PTX) executable format
    assert ptx_targets(executable.vmfb) == {iree_cuda.DEFAULT_TARGET.encode()}
    assert f"--iree-cuda-target={iree_cuda.DEFAULT_TARGET}" in executable.flags
    assert "--iree-input-demote-f64-to-f32=false" in executable.flags  # f64 stays f64
    assert [s.dtype for s in executable.inputs] == [np.float32, np.float64, np.bool_]
    assert "@__lintra_entry" in executable.lowered_text


def test_target_is_configurable_and_refused_targets_are_explained(tmp_path):
    previous = lintra.config.cuda_target
    try:
        lintra.config.update("cuda_target", "sm_80")
        assert ptx_targets(backends.compile(MODULE, "f", backend="iree-cuda").vmfb) == {b"sm_80"}
        lintra.config.update("cuda_target", "sm_90")
        with pytest.raises(ValueError, match="CUDA target 'sm_90'.*missing GPU target.*use 'sm_89'"):
            backends.compile(MODULE, "f", backend="iree-cuda")
    finally:
        lintra.config.update("cuda_target", previous)
    assert Config({"LINTRA_CUDA_TARGET": "sm_86"}).cuda_target == "sm_86"
    assert Config({}).cuda_target is None


@requires_no_gpu
def test_without_a_device_calls_fail_clearly_and_compiling_still_works(executable):
    assert "iree-cuda" in backends.names() and "iree-cuda" not in backends.available()
    with pytest.raises(RuntimeError, match=r"@f is compiled for IREE's 'cuda' driver, but no cuda device"):
        executable(np.ones(4, np.float32), np.ones(4), True)
    jitted = lintra.jit(lambda x: lnp.sin(x), backend="iree-cuda")
    jitted.precompile(np.ones(4, np.float32))  # compiling only works
    with pytest.raises(RuntimeError, match="no cuda device can be used here"):
        jitted(np.ones(4, np.float32))
    assert jitted.cache_info()[:2] == (1, 0)  # the call found the compiled function


@requires_gpu
def test_runs_on_the_gpu_like_iree_cpu(executable):
    x, y = np.linspace(-2, 2, 4, dtype=np.float32), np.linspace(-30, 30, 4)
    s, t, n = executable(x, y, True)
    np.testing.assert_allclose(s, np.sin(x), rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(t, np.tanh(y), rtol=1e-14)
    assert n.dtype == np.bool_ and not n

    def loss(w, x):
        return lnp.sum(lnp.tanh(x @ w) ** 2)

    w, x = np.linspace(-1, 1, 6).reshape(3, 2), np.linspace(0, 1, 12).reshape(4, 3)
    np.testing.assert_allclose(
        lintra.grad(loss, backend="iree-cuda")(w, x), lintra.grad(loss, backend="iree-cpu")(w, x), rtol=1e-12
    )
