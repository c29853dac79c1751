"""The compile cache (lintra.compile_cache): bounded LRU, weak in the functions."""

import gc
import weakref

import numpy as np
import pytest

import lintra
import lintra.numpy as lnp
from lintra.compile_cache import CACHE, DEFAULT_MAXSIZE, CompileCache


@pytest.fixture
def small_cache():
    lintra.set_cache_size(2)
    yield
    lintra.set_cache_size(DEFAULT_MAXSIZE)


def compiled_entries():
    return list(CACHE._entries.values())


def test_cache_is_bounded_least_recently_used_first(small_cache):
    f = lintra.jit(lambda x: x * 2.0)
    x1, x2, x3 = np.ones(1), np.ones(2), np.ones(3)
    f(x1)
    f(x2)
    f(x1)  # hit: x1 becomes the most recently used
    assert f.cache_info().hits == 1 and f.cache_info().misses == 2
    f(x3)  # evicts x2's entry
    assert lintra.cache_info().currsize == 2
    f(x1)
    assert f.cache_info().hits == 2
    f(x2)  # compiled again
    assert f.cache_info().misses == 4
    np.testing.assert_array_equal(f(x2), [2.0, 2.0])


def test_a_dropped_function_frees_its_engines():
    def make():
        scale = np.float64(3.0)
        return lambda x: lnp.sin(x) * scale

    fun = make()
    jitted, grad = lintra.jit(fun), lintra.jit(lintra.grad(lambda x: lnp.sum(fun(x))))  # noqa: F821 (del below)
    before = set(map(id, compiled_entries()))
    jitted(np.ones(3))
    grad(np.ones(3))
    new = [entry for entry in compiled_entries() if id(entry) not in before]
    assert len(new) == 2
    engines = [weakref.ref(entry.executable) for entry in new]
    size = lintra.cache_info().currsize
    del jitted, grad, fun, new
    gc.collect()
    assert lintra.cache_info().currsize == size - 2
    assert all(engine() is None for engine in engines)


def test_live_functions_keep_their_entries():
    def double(x):
        return x * 2.0

    lintra.jit(double)(np.ones(2))
    before = lintra.cache_info()
    gc.collect()
    lintra.jit(double)(np.ones(2))  # a new jit object, same function: a hit
    assert lintra.cache_info().hits == before.hits + 1


def test_cache_size_is_validated():
    with pytest.raises(ValueError, match="non-negative int or None"):
        CompileCache().set_maxsize(-1)
    unbounded = CompileCache(None)
    for i in range(DEFAULT_MAXSIZE + 1):
        unbounded.cached(("k", i), lambda: object())
    assert len(unbounded) == DEFAULT_MAXSIZE + 1
