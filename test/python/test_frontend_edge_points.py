"""Derivatives at the points where a naive rule goes wrong, against JAX:
prod with zeros (no division by x), |x| at 0 (JAX's slope 1), max with ties;
Hessians of prod with zeros and infinities, and of x ** y at y = 0."""

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
    "prod along an axis": (
        lambda np_: lambda x: np_.sum(np_.prod(x, axis=0) * np_.arange(3.0)),
        np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 0.0]]),
    ),
    "abs at zero": (lambda np_: lambda x: np_.sum(np_.abs(x)), np.array([0.0, -1.0, 2.0])),
    "max with ties": (lambda np_: lambda x: np_.max(x), np.array([1.0, 3.0, 3.0, -2.0])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_jax(name):
    make, x = CASES[name]
    ours = lintra.grad(make(lnp))(x)
    reference = jax.grad(make(jnp))(jnp.asarray(x))
    np.testing.assert_allclose(ours, np.asarray(reference), rtol=1e-12, atol=1e-12)


HESSIAN_CASES = {
    # prod's derivative once divided the product by each entry and counted zeros:
    # right at first order, but its second derivative lost d(others)/d(zero entry).
    "prod with one zero": (lambda np_: lambda x: np_.prod(x), np.array([2.0, 0.0, 5.0])),
    "prod with two zeros": (lambda np_: lambda x: np_.prod(x), np.array([0.0, 3.0, 0.0, 2.0])),
    "prod with infinities": (lambda np_: lambda x: np_.prod(x), np.array([-np.inf, 2.0, -np.inf])),
    "prod over two axes": (lambda np_: lambda x: np_.prod(x), np.array([[1.5, 0.0, 2.0], [3.0, -1.0, 0.5]])),
    "prod along the middle axis": (
        lambda np_: lambda x: np_.sum(np_.prod(x, axis=1) * np_.arange(1.0, 3.0)),
        np.array([[[0.5, 2.0], [0.0, 1.5], [3.0, -2.0]], [[1.0, 0.0], [2.0, 0.0], [0.5, 4.0]]]),
    ),
    # x ** y: the derivative in x, y * x ** (y - 1), once selected 0 wherever y == 0,
    # losing its derivative in y (1 / x at y == 0).
    "power with exponent 0": (lambda np_: lambda v: np_.power(v[0], v[1]), np.array([2.0, 0.0])),
}


@pytest.mark.parametrize("name", sorted(HESSIAN_CASES))
def test_hessian_matches_jax(name):
    make, x = HESSIAN_CASES[name]
    ours = lintra.hessian(make(lnp))(x)
    with np.errstate(all="ignore"):
        reference = jax.hessian(make(jnp))(jnp.asarray(x))
    np.testing.assert_allclose(ours, np.asarray(reference), rtol=1e-12, atol=1e-12)
