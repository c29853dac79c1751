"""Shared helpers of the frontend tests (no tests here): JAX as the oracle, inputs,
tolerances, and namespaces that let one test case run on lintra and on JAX.

A case is written once as `lambda m, *args: ...`, where `m` offers the numpy
functions and the nn functions (`m.sin`, `m.relu`, ...): `LINTRA` resolves them
in lintra.numpy then lintra.nn, `JAX` in jax.numpy then jax.nn.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

import lintra
import lintra.nn as lnn
import lintra.numpy as lnp

jax.config.update("jax_enable_x64", True)

TOLERANCE = {
    np.dtype(np.float32): dict(rtol=1e-4, atol=1e-5),
    np.dtype(np.float64): dict(rtol=1e-8, atol=1e-12),
}
FLOAT_DTYPES = [np.float32, np.float64]


class Namespace:
    """Attribute lookup in several modules, first match wins."""

    def __init__(self, *modules):
        self.modules = modules

    def __getattr__(self, name):
        for module in self.modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


LINTRA = Namespace(lnp, lnn)
JAX = Namespace(jnp, jax.nn)


def make_inputs(dtype, seed: int = 0) -> dict:
    """Named inputs of `dtype`: X, Y (3x4, in [-1, 1]), P (3x4, positive), V, W (4,),
    M (4x3), A (3x3), B (2x3x4), C (2x4x3), S (a 0-d scalar)."""
    rng = np.random.default_rng(seed)
    uniform = lambda low, high, shape: rng.uniform(low, high, shape).astype(dtype)  # noqa: E731
    return {
        "X": uniform(-1, 1, (3, 4)),
        "Y": uniform(-1, 1, (3, 4)),
        "P": uniform(0.5, 2, (3, 4)),
        "V": uniform(-1, 1, (4,)),
        "W": uniform(-1, 1, (4,)),
        "M": uniform(-1, 1, (4, 3)),
        "A": uniform(-1, 1, (3, 3)),
        "B": uniform(-1, 1, (2, 3, 4)),
        "C": uniform(-1, 1, (2, 4, 3)),
        "S": np.asarray(rng.uniform(0.2, 0.9), dtype=dtype),
    }


def assert_close(actual, expected, dtype=None, check_dtype: bool = True) -> None:
    """Leafwise comparison of pytrees: shapes, dtypes (unless disabled) and values."""
    actual_leaves, actual_tree = jax.tree_util.tree_flatten(actual)
    expected_leaves, expected_tree = jax.tree_util.tree_flatten(expected)
    assert actual_tree == expected_tree, f"tree {actual_tree} != {expected_tree}"
    for got, want in zip(actual_leaves, expected_leaves, strict=True):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
        if check_dtype:
            assert got.dtype == want.dtype, f"dtype {got.dtype} != {want.dtype}"
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, **TOLERANCE[np.dtype(dtype or want.dtype)])


class ChunkedResults:
    """Results of many test cases computed in chunks of `size` cases per compiled function.

    `compute(names, key)` returns {name: result} for a list of case names; a
    test asks `get(name, key)` and its chunk is computed on first use (per
    backend: results of one backend are never reused for another). Chunking
    bounds compile time: LLVM's cost grows faster than linearly in function size.
    """

    def __init__(self, names, compute, size: int = 12):
        self.chunks = [list(names[i : i + size]) for i in range(0, len(names), size)]
        self.compute = compute
        self.results = {}

    def get(self, name, key):
        chunk = next(index for index, names in enumerate(self.chunks) if name in names)
        slot = (chunk, key, lintra.backends.resolve())
        if slot not in self.results:
            self.results[slot] = self.compute(self.chunks[chunk], key)
        return self.results[slot][name]


class CaseTable:
    """Differential cases `{name: (function of (m, *inputs), input names)}` run on
    lintra and on JAX, in chunks of `size` cases traced into one jitted function:
    `values.get(name, dtype)` gives (lintra, jax) results at `make_inputs(dtype)`,
    `gradients.get(name, dtype)` their VJPs for random cotangents (the cases not in
    `not_differentiated`, listed in `gradient_cases`).
    """

    def __init__(self, cases, not_differentiated=(), size: int = 12):
        self.cases = cases
        self.gradient_cases = [name for name in cases if name not in not_differentiated]
        self.values = ChunkedResults(list(cases), self._values, size)
        self.gradients = ChunkedResults(self.gradient_cases, self._gradients, size)

    def run_all(self, namespace, names, inputs):
        return {
            name: self.cases[name][0](namespace, *[inputs[k] for k in self.cases[name][1]]) for name in names
        }

    def _values(self, names, dtype):
        inputs = make_inputs(dtype)
        actual = lintra.jit(lambda xs: self.run_all(LINTRA, names, xs))(inputs)
        expected = jax.jit(lambda xs: self.run_all(JAX, names, xs))(inputs)
        return {name: (actual[name], expected[name]) for name in names}

    def _vjps(self, namespace, vjp, names, inputs, cotangents):
        results = {}
        for name in names:
            function, keys = self.cases[name]
            _, pullback = vjp(
                lambda *args, function=function: function(namespace, *args), *[inputs[k] for k in keys]
            )
            results[name] = pullback(cotangents[name])
        return results

    def _gradients(self, names, dtype):
        inputs = make_inputs(dtype, seed=1)
        outputs = jax.jit(lambda xs: self.run_all(JAX, names, xs))(inputs)
        rng = np.random.default_rng(2)
        cotangents = jax.tree_util.tree_map(
            lambda y: rng.uniform(-1, 1, np.shape(y)).astype(y.dtype), outputs
        )
        actual = lintra.jit(lambda xs, cts: self._vjps(LINTRA, lintra.vjp, names, xs, cts))(
            inputs, cotangents
        )
        expected = jax.jit(lambda xs, cts: self._vjps(JAX, jax.vjp, names, xs, cts))(inputs, cotangents)
        return {name: (actual[name], expected[name]) for name in names}
