"""lintra.vmap of lintra.lax control flow against jax.vmap of jax.lax: fori_loop
and scan (carries batched by their init or by a batched value the body reads),
cond and switch with an unbatched or batched predicate/index, while_loop with an
unbatched or batched condition (members finishing at different iterations);
and jacfwd, jacrev and hessian (vmap of jvp/vjp) through a scan and a cond.

Cases are `lambda T, m, lx, xs: ...` with T the transformation namespace (the
`lintra` or the `jax` module), m the numpy namespace and lx the lax namespace;
they are compiled in one function, in float64.
"""

import jax
import numpy as np
import pytest
from test_frontend_support import JAX, LINTRA, ChunkedResults, assert_close

import lintra
from lintra import lax

jax.config.update("jax_enable_x64", True)


def inputs() -> dict:
    rng = np.random.default_rng(1)
    return {
        "X": rng.uniform(-1, 1, (5, 3)),  # a batch of 5 vectors
        "Y": rng.uniform(-1, 1, (3,)),
        "XS": rng.uniform(-1, 1, (4, 3)),  # scanned rows
        "XSb": rng.uniform(-1, 1, (4, 5, 3)),  # scanned rows, batched on axis 1
        "S": rng.uniform(0.2, 0.9, (5,)),
        "I": np.array([0, 2, 1, 7, -3], dtype=np.int32),  # switch indices (clamped)
        "P": np.array(True),
    }


def scan_step(m):
    return lambda c, r: (m.sin(c) * r + 0.5 * c, c * r)


def branches(m):
    return [lambda x: m.sin(x) * 2.0, lambda x: m.cos(x) + x, lambda x: x * x]


def growing(m, lx, x, limit):
    """Doubles a positive carry until its sum reaches `limit` (a data-dependent trip count)."""
    return lx.while_loop(
        lambda c: m.sum(c[1]) < limit, lambda c: (c[0] + 1, c[1] * 2.0 + 0.01), (0, m.abs(x) + 0.05)
    )


def combined(m, lx):
    """A scan, then a cond on the carry: for the Jacobians."""

    def f(x):
        carry, ys = lx.scan(scan_step(m), x, inputs()["XS"])
        out = lx.cond(m.sum(carry) > 0.0, lambda c: m.sin(c) * c, lambda c: c * 3.0, carry)
        return m.sum(out * out) + m.sum(ys)

    return f


CASES = {
    "fori_init_and_capture": lambda T, m, lx, xs: T.vmap(
        lambda x: lx.fori_loop(0, 3, lambda i, c: m.sin(c) * x + 0.1 * i, x)
    )(xs["X"]),
    "fori_capture_only": lambda T, m, lx, xs: T.vmap(
        lambda s: lx.fori_loop(0, 4, lambda i, c: c * s + 1.0, xs["Y"])
    )(xs["S"]),
    "scan_carry": lambda T, m, lx, xs: T.vmap(lambda x: lx.scan(scan_step(m), x, xs["XS"]))(xs["X"]),
    "scan_rows": lambda T, m, lx, xs: T.vmap(
        lambda r: lx.scan(scan_step(m), xs["Y"], r), in_axes=1, out_axes=(0, 1)
    )(xs["XSb"]),
    "cond_unbatched": lambda T, m, lx, xs: T.vmap(
        lambda p, x: lx.cond(p, branches(m)[0], branches(m)[1], x), in_axes=(None, 0)
    )(xs["P"], xs["X"]),
    "cond_batched": lambda T, m, lx, xs: T.vmap(
        lambda x: lx.cond(m.sum(x) > 0.0, branches(m)[0], branches(m)[1], x)
    )(xs["X"]),
    "switch_batched": lambda T, m, lx, xs: T.vmap(lambda i, x: lx.switch(i, branches(m), x))(
        xs["I"], xs["X"]
    ),
    "switch_unbatched": lambda T, m, lx, xs: T.vmap(
        lambda i, x: lx.switch(i, branches(m), x), in_axes=(None, 0)
    )(xs["I"][1], xs["X"]),
    "while_batched_condition": lambda T, m, lx, xs: T.vmap(lambda x: growing(m, lx, x, 3.0))(xs["X"]),
    "while_batched_limit": lambda T, m, lx, xs: T.vmap(lambda s: growing(m, lx, xs["Y"], 10.0 * s))(xs["S"]),
    "while_unbatched_condition": lambda T, m, lx, xs: T.vmap(
        lambda x: lx.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, m.sin(c[1]) + x), (0, x))
    )(xs["X"]),
    "jvp_of_vmap_while": lambda T, m, lx, xs: T.jvp(
        lambda a: T.vmap(lambda x: growing(m, lx, x, 3.0)[1])(a), (xs["X"],), (xs["X"] * 0.5,)
    ),
    "jacfwd": lambda T, m, lx, xs: T.jacfwd(combined(m, lx))(xs["Y"]),
    "jacrev": lambda T, m, lx, xs: T.jacrev(combined(m, lx))(xs["Y"]),
    "hessian": lambda T, m, lx, xs: T.hessian(combined(m, lx))(xs["Y"]),
}


def compute(names, key):
    if key == "jax":
        return {name: CASES[name](jax, JAX, jax.lax, inputs()) for name in names}
    return lintra.jit(lambda xs: {name: CASES[name](lintra, LINTRA, lax, xs) for name in names})(inputs())


RESULTS = ChunkedResults(list(CASES), compute, size=len(CASES))


@pytest.mark.parametrize("name", list(CASES))
def test_vmap_of_control_flow_matches_jax(name):
    assert_close(RESULTS.get(name, "lintra"), RESULTS.get(name, "jax"))


def test_batched_loop_bound_is_rejected():
    with pytest.raises(Exception, match="loop bound or step .* differs across the batch"):
        lintra.vmap(lambda n, x: lax.fori_loop(0, n, lambda i, c: c * 2.0, x))(
            np.array([1, 2, 3], dtype=np.int32), np.ones(3)
        )
