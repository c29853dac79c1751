"""Checkpointing (lintra.checkpoint, loops with checkpoint_every) and the
saved-residual report: gradients equal with and without checkpointing (and
JAX's), and the residual bytes each saves."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from mlir import ir

import lintra
import lintra.numpy as lnp
from lintra import lax
from lintra.jit import Staged, flatten_arguments
from lintra.passes.core.ad_state import AdState
from lintra.passes.core.checkpoint import segment_loops

jax.config.update("jax_enable_x64", True)

X = np.linspace(0.1, 1.0, 4)
W = np.linspace(-0.5, 0.5, 16).reshape(4, 4)
F64 = 8


def layer(mod):
    return lambda x: mod.exp(mod.sin(x)) * mod.sin(x)


def chain(mod, wrap=lambda f: f):
    step = wrap(layer(mod))
    return lambda x: mod.sum(step(step(step(x))))


PLAIN, CHECKPOINTED, REFERENCE = chain(lnp), chain(lnp, lintra.checkpoint), chain(jnp)


@pytest.mark.parametrize("backend", ["iree-cpu", "mlir-cpu"])
def test_checkpointed_derivatives_equal_plain_and_jax(backend):
    def derivatives(f):
        return lambda x, t: (lintra.grad(f)(x), lintra.jvp(f, (x,), (t,))[1], lintra.hessian(f)(x))

    both = lintra.jit(
        lambda x, t: (derivatives(PLAIN)(x, t), derivatives(CHECKPOINTED)(x, t)), backend=backend
    )
    plain, checkpointed = both(X, X[::-1])
    reference = (
        jax.grad(REFERENCE)(X),
        jax.jvp(REFERENCE, (X,), (X[::-1],))[1],
        jax.hessian(REFERENCE)(X),
    )
    for got, ref, want in zip(checkpointed, plain, reference, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-13)
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_checkpoint_saves_only_the_inputs(capsys):
    """Without checkpointing, each of the 3 layers saves 4 residuals of 4 f64
    (cos and sin of x, exp(sin x), cos of the second sin): 384 bytes; with it,
    only the input of each call: 3 * 4 * 8 = 96 bytes."""
    plain = lintra.saved_residuals(PLAIN, X)
    checkpointed = lintra.saved_residuals(CHECKPOINTED, X)
    assert sum(r.nbytes for r in plain) == 3 * 4 * X.size * F64
    assert sum(r.nbytes for r in checkpointed) == 3 * X.size * F64
    assert all(r.shape == X.shape and r.dtype == np.float64 for r in plain + checkpointed)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(plain) + len(checkpointed)
    assert any("output of math.cos at " + __file__ in line for line in printed)


def test_checkpoint_options_and_trees():
    @lintra.remat
    def scaled(params, x):
        return {"y": lnp.tanh(params["w"] @ x) * params["s"]}

    def f(params, x):
        return lnp.sum(scaled(params, x)["y"])

    def g(params, x):
        return jnp.sum(jnp.tanh(params["w"] @ x) * params["s"])

    params = {"w": W, "s": 2.0}
    got = lintra.grad(f)(params, X)
    want = jax.grad(g)(params, X)
    np.testing.assert_allclose(got["w"], want["w"], rtol=1e-12)
    np.testing.assert_allclose(got["s"], want["s"], rtol=1e-12)
    power = lintra.checkpoint(lambda x, n: x**n, static_argnums=1)
    np.testing.assert_allclose(lintra.grad(lambda x: lnp.sum(power(x, 3)))(X), 3 * X**2, rtol=1e-12)
    with pytest.raises(NotImplementedError, match="policy=None"):
        lintra.checkpoint(layer(lnp), policy=object())


# -- loops: checkpoint_every --------------------------------------------------------------

N, EVERY = 100, 10


def rnn(mod, lx, **options):
    return lambda x: mod.sum(lx.fori_loop(0, N, lambda i, h: mod.tanh(h @ W + x), x, **options))


def test_segmented_loop_residual_bytes():
    """Without checkpointing the loop saves 1 - tanh^2 per iteration: N * 4 f64
    (3200 bytes). With checkpoint_every=10 it saves per segment of 10 iterations
    the carried state: O(N/10) rows, the iterations of a segment are recomputed in
    the linear half; what the segments read from outside the loop (x) is saved
    once, not per segment."""
    plain = sum(r.nbytes for r in lintra.saved_residuals(rnn(lnp, lax), X, print_report=False))
    segmented = lintra.saved_residuals(rnn(lnp, lax, checkpoint_every=EVERY), X, print_report=False)
    assert plain == N * X.size * F64
    rows = N // EVERY
    stacked = [r for r in segmented if r.shape != X.shape]
    assert all(r.shape[0] == rows for r in stacked), [r.shape for r in segmented]
    assert sum(r.nbytes for r in segmented) <= (rows + 1) * X.size * F64 < plain / 4


def segmented_module(f, *args):
    """The jit module of `f` with its loops segmented as linearize segments them."""
    _, tree, avals = flatten_arguments(args, "test")
    staged = Staged(f, avals, tree, "f")
    with staged.context, ir.Location.unknown():
        ad = AdState(staged.module.operation)
        segment_loops(ad, ad.lookup(staged.name))
    return staged


def test_segmented_loop_computes_the_same_values():
    """The rewrite alone (7 iterations in segments of 3, so a remainder of 1; the
    body reads the index)."""

    def f(x):
        return lax.fori_loop(2, 9, lambda i, h: lnp.sin(h) * x + i, x, checkpoint_every=3)

    staged = segmented_module(f, X)
    text = staged.expand()
    assert "lintra.checkpoint_every" not in text and "lintra.checkpoint}" in text
    got = staged.compile().run([X])
    np.testing.assert_allclose(got, jax.lax.fori_loop(2, 9, lambda i, h: jnp.sin(h) * X + i, X), rtol=1e-13)


@pytest.mark.parametrize("backend", ["iree-cpu", "mlir-cpu"])
def test_segmented_loop_gradient_equals_jax(backend):
    f = rnn(lnp, lax, checkpoint_every=EVERY)
    np.testing.assert_allclose(lintra.grad(f, backend=backend)(X), jax.grad(rnn(jnp, jax.lax))(X), rtol=1e-11)


def test_checkpoint_every_errors():
    with pytest.raises(ValueError, match="checkpoint_every must be a positive int"):
        lintra.jit(lambda x: lax.fori_loop(0, 3, lambda i, h: h, x, checkpoint_every=0)).lower(X)
    dynamic = lambda x, n: lnp.sum(lax.fori_loop(0, n, lambda i, h: lnp.sin(h), x, checkpoint_every=2))  # noqa: E731
    with pytest.raises(ValueError, match="checkpoint_every but its bounds and step are not constants"):
        lintra.grad(dynamic)(X, 4)
