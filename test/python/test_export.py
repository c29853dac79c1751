"""Ahead-of-time export: `lintra.export` writes a .vmfb and its JSON signature,
`lintra.load` runs it (gradients, jvp and vjp functions, pytrees, bools)
against JAX; the artifact runs with `iree-run-module`, the loader runs in a
fresh virtual environment holding only iree-base-runtime and numpy, bad calls
and bad artifacts are clear errors, and a cuda export needs no GPU."""

import collections
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra import exported
from lintra.backends import iree_cuda
from lintra.backends.iree_compiler import iree_tool

jax.config.update("jax_enable_x64", True)


def loss(xp, params, x):
    return xp.sum(xp.tanh(x @ params["w"] + params["b"]) ** 2) + xp.sum(params["b"] ** 3)


def f(xp, x):
    return xp.sin(x) * x


RNG = np.random.default_rng(0)
PARAMS = {"w": RNG.standard_normal((3, 2)), "b": RNG.standard_normal(2)}
X = RNG.standard_normal((4, 3))


@pytest.fixture(scope="module")
def grad_artifact(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "grad_loss"
    return lintra.export(lintra.grad(lambda p, x: loss(lnp, p, x)), PARAMS, X, path=path)


def assert_tree_close(actual, expected, rtol=1e-12):
    actual_leaves, actual_tree = jax.tree_util.tree_flatten(actual)
    expected_leaves, expected_tree = jax.tree_util.tree_flatten(expected)
    assert actual_tree == expected_tree
    for a, e in zip(actual_leaves, expected_leaves, strict=True):
        assert a.dtype == e.dtype and a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=rtol)


def test_gradient_of_a_pytree_function_round_trips(grad_artifact):
    assert grad_artifact.suffix == ".vmfb" and grad_artifact.with_suffix(".json").is_file()
    signature = json.loads(grad_artifact.with_suffix(".json").read_text())
    assert signature["in_tree"] == {"tuple": [{"dict": [["b", "*"], ["w", "*"]]}, "*"]}
    assert [(e["dtype"], e["shape"]) for e in signature["inputs"]] == [
        ("float64", [2]),
        ("float64", [3, 2]),
        ("float64", [4, 3]),
    ]
    assert signature["target"] == "cpu" and signature["function"] == "__lintra_entry"
    grads = lintra.load(grad_artifact)(PARAMS, X)
    expected = jax.grad(lambda p, x: loss(jnp, p, x))(PARAMS, X)
    assert_tree_close(grads, jax.tree_util.tree_map(np.asarray, expected))


def test_jvp_and_vjp_functions_and_bool_none_scalar_outputs(tmp_path):
    x, t = np.linspace(-1.0, 1.0, 5, dtype=np.float32), np.linspace(0.5, 1.5, 5, dtype=np.float32)
    jvp_path = lintra.export(
        lambda x, t: lintra.jvp(lambda x: f(lnp, x), (x,), (t,)), x, t, path=tmp_path / "jvp"
    )
    vjp_path = lintra.export(
        lambda x, ct: lintra.vjp(lambda x: f(lnp, x), x)[1](ct), x, t, path=tmp_path / "vjp"
    )
    primal, tangent = lintra.load(jvp_path)(x, t)
    expected_primal, expected_tangent = jax.jvp(lambda x: f(jnp, x), (x,), (t,))
    np.testing.assert_allclose(primal, expected_primal, rtol=1e-6)
    np.testing.assert_allclose(tangent, expected_tangent, rtol=1e-6)
    (cotangent,) = lintra.load(vjp_path)(x, t)
    np.testing.assert_allclose(cotangent, jax.vjp(lambda x: f(jnp, x), x)[1](t)[0], rtol=1e-6)

    def mixed(x, scale, flags):
        return [x > 0, None, {"s": lnp.sum(x) * scale, "n": lnp.where(flags, x, -x)}]

    flags = np.array([True, False, True, False, True])
    path = lintra.export(mixed, x, 2.0, flags, path=tmp_path / "mixed.vmfb")
    positive, none, rest = lintra.load(path)(x, 3.0, flags)
    assert positive.dtype == np.bool_ and none is None
    np.testing.assert_array_equal(positive, x > 0)
    np.testing.assert_allclose(rest["s"], np.sum(x) * 3.0, rtol=1e-6)
    np.testing.assert_array_equal(rest["n"], np.where(flags, x, -x))


def test_the_artifact_runs_with_iree_run_module(grad_artifact, tmp_path):
    signature = json.loads(grad_artifact.with_suffix(".json").read_text())
    leaves = [PARAMS["b"], PARAMS["w"], X]
    inputs = []
    for index, leaf in enumerate(leaves):
        np.save(tmp_path / f"in{index}.npy", leaf)
        inputs.append(f"--input=@{tmp_path / f'in{index}.npy'}")
    outputs = [f"--output={'@' if i == 0 else '+'}{tmp_path / 'out.npy'}" for i in range(2)]
    subprocess.run(
        [
            iree_tool("iree-run-module"),
            f"--device={signature['driver']}",
            f"--module={grad_artifact}",
            f"--function={signature['function']}",
            *inputs,
            *outputs,
        ],
        check=True,
        capture_output=True,
    )
    with open(tmp_path / "out.npy", "rb") as file:
        db, dw = np.load(file), np.load(file)
    grads = lintra.load(grad_artifact)(PARAMS, X)
    np.testing.assert_array_equal(db, grads["b"])
    np.testing.assert_array_equal(dw, grads["w"])


def test_bad_calls_and_bad_artifacts_are_clear_errors(grad_artifact, tmp_path):
    g = lintra.load(grad_artifact)
    with pytest.raises(TypeError, match=r"argument \[0\]: expected a dict with keys \['b', 'w'\]"):
        g({"w": PARAMS["w"]}, X)
    with pytest.raises(TypeError, match=r"argument \[1\]: expected float64\[4, 3\], got float32\[4, 3\]"):
        g(PARAMS, X.astype(np.float32))
    with pytest.raises(TypeError, match="expected a tuple of 2 items, got 1"):
        g(PARAMS)
    damaged = tmp_path / "damaged.vmfb"
    shutil.copy(grad_artifact.with_suffix(".json"), damaged.with_suffix(".json"))
    data = bytearray(grad_artifact.read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="does not match its signature"):
        lintra.load(damaged)
    point = collections.namedtuple("Point", "x y")
    with pytest.raises(TypeError, match="only tuples, lists, dicts and None"):
        lintra.export(lambda p: p.x * p.y, point(X, X), path=tmp_path / "nt")
    with pytest.raises(ValueError, match="unknown lintra.export target 'tpu'"):
        lintra.export(lnp.sin, X, target="tpu", path=tmp_path / "t")


def test_cuda_export_needs_no_gpu(tmp_path):
    path = lintra.export(lambda x: lnp.sum(lnp.sin(x)), X, target="cuda", path=tmp_path / "cuda")
    signature = json.loads(path.with_suffix(".json").read_text())
    assert signature["driver"] == "cuda" and signature["cuda_target"] == iree_cuda.DEFAULT_TARGET
    assert b"cuda-nvptx-fb" in path.read_bytes()
    older = lintra.export(lnp.cos, X, target="cuda", cuda_target="sm_80", path=tmp_path / "sm80")
    assert json.loads(older.with_suffix(".json").read_text())["cuda_target"] == "sm_80"
    assert b".target sm_80" in older.read_bytes() and lintra.config.cuda_target is None
    loaded = lintra.load(path)  # loading reads files only; the device is opened at the first call
    if iree_cuda.cuda_available():
        np.testing.assert_allclose(loaded(X), np.sum(np.sin(X)), rtol=1e-12)
    else:
        with pytest.raises(RuntimeError, match="no cuda device can be used here"):
            loaded(X)


def test_loader_needs_only_iree_runtime_and_numpy(grad_artifact, tmp_path):
    """A fresh virtual environment with iree-base-runtime and numpy (and their
    dependencies) runs the artifact through a copy of lintra/exported.py."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    versions = [f"{p}=={importlib.metadata.version(p)}" for p in ("iree-base-runtime", "numpy")]
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", *versions],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PIP_NO_INPUT="1"),
    )
    if install.returncode != 0:
        pytest.skip(f"pip could not install {versions} here: {install.stderr.strip().splitlines()[-1:]}")
    shutil.copy(Path(exported.__file__), tmp_path / "exported.py")
    np.savez(tmp_path / "args.npz", w=PARAMS["w"], b=PARAMS["b"], x=X)
    script = f"""
import importlib.util, sys, numpy as np
import exported
for name in ("mlir", "lintra", "iree.compiler", "jax", "optree"):
    assert importlib.util.find_spec(name) is None, name
a = np.load("args.npz")
g = exported.load({str(grad_artifact)!r})({{"w": a["w"], "b": a["b"]}}, a["x"])
np.savez("grads.npz", **g)
"""
    (tmp_path / "script.py").write_text(script)
    run = subprocess.run([str(python), "-s", "script.py"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    expected = lintra.load(grad_artifact)(PARAMS, X)
    grads = np.load(tmp_path / "grads.npz")
    np.testing.assert_array_equal(grads["w"], expected["w"])
    np.testing.assert_array_equal(grads["b"], expected["b"])
