"""lintra.jit: the compile cache, inputs left unmodified, IR stages, static arguments,
pytrees, weak types and dtype promotion (checked against JAX), bool arrays, and
lintra.numpy called outside any trace."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_frontend_support import assert_close

import lintra
import lintra.numpy as lnp


def poly(x, y):
    return lnp.sum(x * y + lnp.sin(x)), x.T


def test_second_call_with_the_same_signature_hits_the_cache():
    f = lintra.jit(poly)
    x, y = np.ones((2, 3)), np.full((2, 3), 2.0)
    first = f(x, y)
    before = lintra.cache_info()
    second = f(x + 1, y)
    assert f.cache_info().hits == 1 and f.cache_info().misses == 1
    assert lintra.cache_info().misses == before.misses and lintra.cache_info().hits == before.hits + 1
    assert_close(first[1], x.T)
    assert_close(second[0], np.sum((x + 1) * y + np.sin(x + 1)))
    f(np.ones((3, 3)), np.ones((3, 3)))  # new shape: new compile
    f(x.astype(np.float32), y.astype(np.float32))  # new dtype: new compile
    assert f.cache_info().misses == 3


def test_cache_is_shared_by_equal_transformations():
    f = lambda x: lnp.sum(lnp.exp(x))  # noqa: E731
    x = np.arange(3.0)
    lintra.grad(f)(x)
    before = lintra.cache_info()
    np.testing.assert_allclose(lintra.grad(f)(x), np.exp(x))  # a new grad object, same key
    assert lintra.cache_info().misses == before.misses


def test_weak_scalar_arguments_are_part_of_the_signature():
    f = lintra.jit(lambda x, s: x * s)
    x = np.ones(2, np.float32)
    assert f(x, 2.0).dtype == np.float32  # weak Python float keeps float32
    assert f(x, np.float64(2.0)).dtype == np.float64
    assert f.cache_info().misses == 2


def test_inputs_are_not_modified():
    x = np.arange(6.0).reshape(2, 3)
    params = {"w": np.ones(3), "b": np.zeros(2)}
    saved = (x.copy(), {k: v.copy() for k, v in params.items()})

    def update(params, x):
        grads = lintra.grad(lambda p: lnp.sum((x @ p["w"] + p["b"]) ** 2))(params)
        return {k: params[k] - 0.1 * grads[k] for k in params}

    lintra.jit(update)(params, x)
    lintra.vjp(lambda p: p["w"] * 2, params)[1](np.ones(3))
    lintra.linearize(lambda a: lnp.sin(a), x)[1](x)
    np.testing.assert_array_equal(x, saved[0])
    for key in params:
        np.testing.assert_array_equal(params[key], saved[1][key])


def test_lower_shows_each_stage():
    lowered = lintra.jit(lintra.grad(lambda x: lnp.sum(lnp.sin(x)))).lower(np.ones(3))
    traced, ad, llvm = (lowered.as_text(stage) for stage in ("traced", "ad", "llvm"))
    assert '"lintra.grad"' in traced and "math.sin" in traced
    assert "lintra." not in ad and "math.cos" in ad
    assert "llvm.func" in llvm
    with pytest.raises(ValueError, match="unknown stage"):
        lowered.as_text("mlir")
    np.testing.assert_allclose(lowered.compile().run([np.zeros(3)]), np.ones(3))


def test_static_arguments_and_keyword_arguments():
    f = lintra.jit(lambda x, n, scale=1.0: lnp.sum(x**n) * scale, static_argnums=1)
    x = np.array([1.0, 2.0])
    assert f(x, 2) == 5.0 and f(x, 3) == 9.0 and f(x, 3, scale=2.0) == 18.0
    assert f.cache_info().misses == 3
    g = lintra.jit(lambda x, axis: lnp.sum(x, axis=axis), static_argnames="axis")
    np.testing.assert_array_equal(g(np.ones((2, 3)), axis=1), [3.0, 3.0])


def test_pytrees_in_and_out():
    def f(tree):
        a, (b, c) = tree["pair"], tree["list"]
        return {"sum": a + b, "items": [c * 2, (a,)], "none": None}

    tree = {"pair": np.ones(2), "list": [np.full(2, 3.0), 4.0]}
    out = lintra.jit(f)(tree)
    assert set(out) == {"sum", "items", "none"} and out["none"] is None
    assert_close(out["items"], [np.asarray(8.0), (np.ones(2),)])


def test_bool_arrays_cross_the_boundary():
    f = lintra.jit(lambda mask, x: (lnp.where(mask, x, -x), mask & (x > 0), ~mask))
    mask, x = np.array([True, False, True]), np.array([1.0, 2.0, -3.0])
    selected, both, inverted = f(mask, x)
    np.testing.assert_array_equal(selected, [1.0, -2.0, -3.0])
    assert both.dtype == np.bool_ and list(both) == [True, False, False]
    assert list(inverted) == [False, True, False]


PROMOTION_CASES = {
    "f32*weak": lambda m, a: a["f32"] * 2.0,
    "f32+f64": lambda m, a: a["f32"] + a["f64"],
    "i32*weak_float": lambda m, a: a["i32"] * 1.5,
    "i64+f32": lambda m, a: a["i64"] + a["f32"],
    "i32+weak_int": lambda m, a: a["i32"] + 1,
    "i32+i64": lambda m, a: a["i32"] + a["i64"],
    "bool+i32": lambda m, a: a["b"] + a["i32"],
    "bool*weak_float": lambda m, a: a["b"] * 1.5,
    "sin(i32)": lambda m, a: m.sin(a["i32"]),
    "sin(bool)": lambda m, a: m.sin(a["b"]),
    "mean(i32)": lambda m, a: m.mean(a["i32"]),
    "sum(i32)": lambda m, a: m.sum(a["i32"]),
    "sum(bool)": lambda m, a: m.sum(a["b"]),
    "i32/i32": lambda m, a: a["i32"] / a["i32"],
    "where_mixed": lambda m, a: m.where(a["b"], a["f32"], 0),
    "f32*np_f64": lambda m, a: a["f32"] * np.float64(2),
    "i32**2": lambda m, a: a["i32"] ** 2,
    "f32**weak": lambda m, a: a["f32"] ** 1.5,
    "concat_mixed": lambda m, a: m.concatenate([a["f32"], a["i64"]]),
    "full_int": lambda m, a: m.full((2,), 3) + a["i32"],
}


def test_dtype_promotion_matches_jax():
    arrays = {
        "f32": np.array([1.5, -2.0], np.float32),
        "f64": np.array([0.5, 3.0]),
        "i32": np.array([1, 4], np.int32),
        "i64": np.array([2, -3]),
        "b": np.array([True, False]),
    }
    actual = lintra.jit(lambda a: {k: f(lnp, a) for k, f in PROMOTION_CASES.items()})(arrays)
    jax_arrays = jax.tree_util.tree_map(jnp.asarray, arrays)
    for name, function in PROMOTION_CASES.items():
        expected = function(jnp, jax_arrays)
        assert actual[name].dtype == expected.dtype, name
        assert_close(actual[name], expected)


def test_numpy_functions_run_outside_a_trace():
    x = np.linspace(0.1, 1.0, 6).reshape(2, 3)
    np.testing.assert_allclose(lnp.sin(x), np.sin(x))
    np.testing.assert_allclose(lnp.sum(x, axis=1), x.sum(axis=1))
    np.testing.assert_allclose(lnp.reshape(x, [3, 2]), x.reshape(3, 2))
    np.testing.assert_allclose(lnp.concatenate([x, x], axis=0), np.concatenate([x, x]))
    assert lnp.zeros((2, 2), lnp.float32).dtype == np.float32 and lnp.arange(3).dtype == np.int64


def test_tracers_reject_python_control_flow_and_leaks():
    with pytest.raises(TypeError, match="lintra.numpy.where"):
        lintra.jit(lambda x: x if x > 0 else -x)(1.0)
    leaked = []
    lintra.jit(lambda x: leaked.append(x) or x)(1.0)
    with pytest.raises(lintra.TracerLeakError):
        lintra.jit(lambda y: y + leaked[0])(1.0)


def test_eval_shape():
    shapes = lintra.eval_shape(lambda x, i: (x @ x.T, i + 1), np.ones((2, 3), np.float32), 1)
    assert shapes[0].shape == (2, 2) and shapes[0].dtype == np.float32
    assert shapes[1].shape == () and shapes[1].dtype == np.int64 and shapes[1].weak


def test_keyword_arguments_of_transformed_functions_are_not_differentiated():
    f = lambda x, scale=1.0: lnp.sum(lnp.sin(x) * scale)  # noqa: E731
    x = np.array([0.1, 0.2])
    np.testing.assert_allclose(lintra.grad(f)(x, scale=3.0), 3.0 * np.cos(x), rtol=1e-12)
    np.testing.assert_allclose(
        lintra.jacrev(lambda x, scale: lnp.sin(x) * scale)(x, scale=np.ones(2)),
        np.diag(np.cos(x)),
        rtol=1e-12,
    )
