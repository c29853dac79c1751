"""lintra.vmap against jax.vmap: every batching rule family (elementwise,
shapes, reductions, contractions, calls), each argument batched or not, on
several axes, pytrees, nested vmap and its composition with grad and jvp; errors;
the rule table contract (every op with a JVP rule has a batching rule or is
rejected on purpose); and the size of jacfwd/jacrev/hessian IR.

Cases are `lambda T, m, xs: ...` with T the transformation namespace (the
`lintra` or the `jax` module) and m the numpy namespace; they are compiled a
dozen at a time (`ChunkedResults`), in float64.
"""

import re

import jax
import numpy as np
import pytest
from test_frontend_support import JAX, LINTRA, ChunkedResults, assert_close

import lintra
from lintra.passes.core.tables import BATCH_RULES, JVP_RULES, NOT_BATCHABLE


def inputs() -> dict:
    rng = np.random.default_rng(0)
    return {
        "X": rng.uniform(-1, 1, (5, 3, 4)),  # a batch of 5 (3, 4) arrays
        "Xt": rng.uniform(-1, 1, (3, 5, 4)),  # the same batched on axis 1
        "P": rng.uniform(0.5, 2, (5, 3, 4)),
        "Y": rng.uniform(-1, 1, (3, 4)),
        "M": rng.uniform(-1, 1, (4, 2)),
        "Ms": rng.uniform(-1, 1, (5, 4, 2)),
        "V": rng.uniform(-1, 1, (5, 4)),
        "S": rng.uniform(0.2, 0.9, (5,)),
    }


def elementwise(m, x, y):
    z = m.where(x > y, m.sin(x) * y, m.exp(x) - m.tanh(y))
    return m.maximum(z, -0.5) + m.sqrt(m.abs(x) + 1.0) ** y + m.arctan2(x, y + 2.0) + m.log1p(x * x)


def shapes(m, x):
    r = m.reshape(x, (4, 3)).T
    c = m.concatenate([x[1:, :2], x[:2, 2:]], axis=0)
    return m.sum(r[:, 1:] * 2.0, axis=0), c, m.expand_dims(x[0, 1], 0)


def reductions(m, x):
    return m.max(x, axis=1) + m.prod(x + 2.0, axis=1) + m.mean(x), m.sum(x, axis=(0, 1))


def mlp(m, x, w):
    return m.tanh(x @ w).sum(axis=0) + x[0] @ w


def f_tree(m, tree):
    return {"out": m.sin(tree["a"]) * tree["b"], "total": m.sum(tree["a"])}


CASES = {
    # elementwise, both / one / the other batched, on several axes
    "elementwise_both": lambda T, m, xs: T.vmap(lambda x, y: elementwise(m, x, y))(xs["X"], xs["P"]),
    "elementwise_x": lambda T, m, xs: T.vmap(lambda x, y: elementwise(m, x, y), in_axes=(0, None))(
        xs["X"], xs["Y"]
    ),
    "elementwise_y": lambda T, m, xs: T.vmap(lambda x, y: elementwise(m, x, y), in_axes=(None, 1))(
        xs["Y"], xs["Xt"]
    ),
    "elementwise_axes": lambda T, m, xs: T.vmap(
        lambda x, y: elementwise(m, x, y), in_axes=(1, 0), out_axes=-1
    )(xs["Xt"], xs["X"]),
    "scalar_batched": lambda T, m, xs: T.vmap(lambda s, y: m.sin(s) * y + s)(xs["S"], xs["X"]),
    "shapes": lambda T, m, xs: T.vmap(lambda x: shapes(m, x), in_axes=1, out_axes=(0, 1, -1))(xs["Xt"]),
    "reductions": lambda T, m, xs: T.vmap(lambda x: reductions(m, x), out_axes=(1, 0))(xs["X"]),
    "matmul_both": lambda T, m, xs: T.vmap(lambda x, w: mlp(m, x, w))(xs["X"], xs["Ms"]),
    "matmul_x": lambda T, m, xs: T.vmap(lambda x, w: mlp(m, x, w), in_axes=(0, None))(xs["X"], xs["M"]),
    "matmul_w": lambda T, m, xs: T.vmap(lambda x, w: mlp(m, x, w), in_axes=(None, 0))(xs["Y"], xs["Ms"]),
    "dot": lambda T, m, xs: T.vmap(lambda v, x: (m.dot(v, v), x @ v))(xs["V"], xs["X"]),
    "pytree": lambda T, m, xs: T.vmap(
        lambda t: f_tree(m, t), in_axes=({"a": 0, "b": None},), out_axes={"out": 1, "total": 0}
    )({"a": xs["X"], "b": xs["Y"]}),
    "unbatched_output": lambda T, m, xs: T.vmap(lambda x, y: (x * 2.0, m.cos(y)), in_axes=(0, None))(
        xs["X"], xs["Y"]
    ),
    "axis_size": lambda T, m, xs: T.vmap(lambda y: y * 2.0, in_axes=None, axis_size=3)(xs["Y"]),
    "kwargs": lambda T, m, xs: T.vmap(lambda x, scale: x * scale)(xs["X"], scale=xs["P"]),
    "closure": lambda T, m, xs: T.vmap(lambda x: x * xs["Y"] + m.sum(xs["Y"]))(xs["X"]),
    # nesting and composition with AD
    "vmap_vmap": lambda T, m, xs: T.vmap(
        T.vmap(lambda a, b: m.sin(a) * b, in_axes=(0, None)), in_axes=(None, 0)
    )(xs["V"][0], xs["S"]),
    "grad_vmap": lambda T, m, xs: T.grad(lambda x: m.sum(T.vmap(lambda r: elementwise(m, r, xs["Y"]))(x)))(
        xs["X"]
    ),
    "vmap_grad": lambda T, m, xs: T.vmap(T.grad(lambda x, w: m.sum(mlp(m, x, w) ** 2)), in_axes=(0, None))(
        xs["X"], xs["M"]
    ),
    "vmap_grad_both": lambda T, m, xs: T.vmap(T.grad(lambda x, w: m.sum(mlp(m, x, w) ** 2), argnums=1))(
        xs["X"], xs["Ms"]
    ),
    "jvp_vmap": lambda T, m, xs: T.jvp(T.vmap(lambda x: elementwise(m, x, xs["Y"])), (xs["X"],), (xs["P"],)),
    "vmap_jvp": lambda T, m, xs: T.vmap(lambda x, t: T.jvp(lambda a: m.tanh(a) @ xs["M"], (x,), (t,)))(
        xs["X"], xs["P"]
    ),
    "vmap_hessian": lambda T, m, xs: T.vmap(T.hessian(lambda v: m.sum(m.sin(v) * v) * m.sum(v**2)))(xs["V"]),
}


def compute(names, key):
    if key == "jax":
        return {name: CASES[name](jax, JAX, inputs()) for name in names}
    return lintra.jit(lambda xs: {name: CASES[name](lintra, LINTRA, xs) for name in names})(inputs())


RESULTS = ChunkedResults(list(CASES), compute, size=12)


@pytest.mark.parametrize("name", list(CASES))
def test_vmap_matches_jax(name):
    assert_close(RESULTS.get(name, "lintra"), RESULTS.get(name, "jax"))


def test_vmap_on_concrete_values():
    xs = inputs()
    got = lintra.vmap(lambda x, y: elementwise(LINTRA, x, y), in_axes=(0, None))(xs["X"], xs["Y"])
    want = jax.vmap(lambda x, y: elementwise(JAX, x, y), in_axes=(0, None))(xs["X"], xs["Y"])
    assert_close(got, want)


@pytest.mark.parametrize(
    "kwargs, args, message",
    [
        (dict(in_axes=(0, 0)), ("X", "Y"), "inconsistent sizes"),
        (dict(in_axes=3), ("X",), "along axis 3"),
        (dict(in_axes=(0,)), ("X", "Y"), "len\\(in_axes\\)=1, len\\(args\\)=2"),
        (dict(in_axes=None), ("X",), "at least one non-None"),
        (
            dict(
                in_axes=({"a": 0},),
            ),
            ("X",),
            "tree prefix",
        ),
        (dict(axis_size=4), ("X",), "inconsistent sizes"),
    ],
)
def test_vmap_errors(kwargs, args, message):
    xs = inputs()
    with pytest.raises(ValueError, match=message):
        lintra.vmap(lambda *a: a[0], **kwargs)(*[xs[name] for name in args])


def test_unbatched_out_axes_of_batched_output():
    with pytest.raises(ValueError, match="out_axes\\[0\\] = -1 \\(unbatched\\), but result #0 depends"):
        lintra.vmap(lambda x: x * 2.0, out_axes=None)(inputs()["X"])


def test_every_jvp_rule_has_a_batching_rule():
    missing = sorted(name for name in JVP_RULES if name not in BATCH_RULES and name not in NOT_BATCHABLE)
    assert not missing, f"ops with a JVP rule but no batching rule: {missing}"
    assert all(NOT_BATCHABLE.values()), "every deliberately rejected op gives a reason"


def lintra_op_count(transform, n: int) -> int:
    def f(x):
        return LINTRA.sum(LINTRA.sin(x) * x) * LINTRA.sum(LINTRA.cos(x))

    text = lintra.jit(lambda x: transform(f)(x)).lower(np.linspace(0.1, 1.0, n)).as_text()
    return len(re.findall(r'"lintra\.\w+"', text))


@pytest.mark.parametrize(
    "transform", [lintra.jacfwd, lintra.jacrev, lintra.hessian], ids=lambda t: t.__name__
)
def test_jacobian_ir_size_does_not_grow(transform):
    small, large = lintra_op_count(transform, 3), lintra_op_count(transform, 40)
    assert small == large, f"{small} lintra ops for 3 inputs, {large} for 40"
    assert small <= 4
