"""Derivatives at the points where a naive rule goes wrong, against JAX:
prod with zeros (no division by x), |x| at 0 (JAX's slope 1), max with ties."""

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

import lintra  # noqa: E402
import lintra.numpy as lnp  # noqa: E402

CASES = {
    "prod with one zero": (lambda np_: lambda x: np_.prod(x), np.array([2.0, 0.0, 3.0, 0.5])),
    "prod with two zeros": (lambda np_: lambda x: np_.prod(x), np.array([0.0, 1.5, 0.0, 2.0])),
    "prod along an axis": (lambda np_: lambda x: np_.sum(np_.prod(x, axis=0) * np_.arange(3.0)),
                           np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 0.0]])),
    "abs at zero": (lambda np_: lambda x: np_.sum(np_.abs(x)), np.array([0.0, -1.0, 2.0])),
    "max with ties": (lambda np_: lambda x: np_.max(x), np.array([1.0, 3.0, 3.0, -2.0])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_jax(name):
    make, x = CASES[name]
    ours = lintra.grad(make(lnp))(x)
    reference = jax.grad(make(jnp))(jnp.asarray(x))
    np.testing.assert_allclose(ours, np.asarray(reference), rtol=1e-12, atol=1e-12)
