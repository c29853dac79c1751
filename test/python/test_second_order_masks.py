"""Second-order derivatives through masks (relu, where, maximum, abs) compile
and match JAX (issue 6, item 4: the mask that @f_fwd saves for the linear half
is a tensor of i1, which must never reach a function boundary in memory).

Every transformation pair that nests a mask-saving linearization is covered:
jvp(grad), jvp(jvp), grad(grad) of a scalar, hessian, jvp(vjp) and vjp(grad).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lintra
import lintra.nn as lnn
import lintra.numpy as lnp

jax.config.update("jax_enable_x64", True)

# name -> (lintra function, the same in JAX); scalar-valued, of one vector.
FUNCTIONS = {
    "relu": (lambda x: lnp.sum(lnn.relu(x) ** 2), lambda x: jnp.sum(jax.nn.relu(x) ** 2)),
    "where": (
        lambda x: lnp.sum(lnp.where(x > 0, x * x, lnp.sin(x))),
        lambda x: jnp.sum(jnp.where(x > 0, x * x, jnp.sin(x))),
    ),
    "maximum": (
        lambda x: lnp.sum(lnp.maximum(x, 0.5 * x) * x),
        lambda x: jnp.sum(jnp.maximum(x, 0.5 * x) * x),
    ),
    "abs": (lambda x: lnp.sum(lnp.abs(x) * x), lambda x: jnp.sum(jnp.abs(x) * x)),
}

X = np.array([1.5, -2.0, 0.25, -0.75])
V = np.array([1.0, 3.0, -0.5, 2.0])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_of_grad(name):
    f, jf = FUNCTIONS[name]
    got = lintra.jvp(lintra.grad(f), (X,), (V,))
    want = jax.jvp(jax.grad(jf), (X,), (V,))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hessian(name):
    f, jf = FUNCTIONS[name]
    np.testing.assert_allclose(lintra.hessian(f)(X), jax.hessian(jf)(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_of_vjp_and_vjp_of_grad(name):
    f, jf = FUNCTIONS[name]

    def pullback(g):
        return lambda x: g(x)[1](1.0)[0]

    got = lintra.jvp(pullback(lambda x: lintra.vjp(f, x)), (X,), (V,))[1]
    want = jax.jvp(pullback(lambda x: jax.vjp(jf, x)), (X,), (V,))[1]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    _, back = lintra.vjp(lintra.grad(f), X)
    _, jback = jax.vjp(jax.grad(jf), X)
    np.testing.assert_allclose(back(V)[0], jback(V)[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_of_jvp(name):
    f, jf = FUNCTIONS[name]
    got = lintra.jvp(lambda x: lintra.jvp(f, (x,), (V,))[1], (X,), (V[::-1].copy(),))
    want = jax.jvp(lambda x: jax.jvp(jf, (x,), (V,))[1], (X,), (V[::-1].copy(),))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


def test_grad_of_grad_of_a_scalar_relu():
    f = lambda x: lnn.relu(x) ** 3  # noqa: E731
    jf = lambda x: jax.nn.relu(x) ** 3  # noqa: E731
    for x in (2.0, -1.0):
        np.testing.assert_allclose(lintra.grad(lintra.grad(f))(x), jax.grad(jax.grad(jf))(x), rtol=1e-12)


def test_hessian_with_an_infinite_other_argument():
    """hessian with respect to x only: y's branch (expm1(inf) = inf) gets no
    tangent at all, as in JAX, rather than 0 * inf = nan (composition fuzzer, seed 219)."""
    x, y = np.array([-800.0, 40.0, -0.0, -1000.0]), np.array([np.inf, 1.5, 40.0, -0.5])

    def f(x, y):
        return lnp.sum(lnp.arctan(lnp.minimum(lnp.tanh(x), lnp.expm1(y))))

    def jf(x, y):
        return jnp.sum(jnp.arctan(jnp.minimum(jnp.tanh(x), jnp.expm1(y))))

    np.testing.assert_array_equal(lintra.hessian(f)(x, y), jax.hessian(jf)(x, y))
