"""Running array functions eagerly: `array_function(*array_params)` decorates a
function of arrays so that, called outside any trace, it runs through
`lintra.jit` (compiled once per signature, the other parameters static) and
returns numpy arrays; inside a trace it is called as is.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from .compile_cache import function_key
from .jit import jit
from .tracing import current_trace


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value)
    return value


class EagerCall:
    """`fun(**arrays, **static)` as a jit-able function of `arrays` (cache key: fun, static)."""

    def __init__(self, fun, static: dict):
        self.fun = fun
        self.static = static
        self.__name__ = fun.__name__
        self._lintra_key = ("eager", function_key(fun), tuple(sorted(static.items(), key=lambda kv: kv[0])))

    def __call__(self, arrays: dict):
        return self.fun(**arrays, **self.static)


def array_function(*array_params):
    """Decorator: compile and run the function when it is called outside a trace."""

    def decorate(fun):
        signature = inspect.signature(fun)

        @functools.wraps(fun)
        def wrapper(*args, **kwargs):
            if current_trace() is not None:
                return fun(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            arrays = {k: v for k, v in bound.arguments.items() if k in array_params}
            static = {k: _hashable(v) for k, v in bound.arguments.items() if k not in array_params}
            try:
                hash(tuple(static.items()))
            except TypeError:
                raise TypeError(
                    f"{fun.__name__}: non-array arguments must be hashable, got {static}"
                ) from None
            return jit(EagerCall(fun, static))(arrays)

        return wrapper

    return decorate
