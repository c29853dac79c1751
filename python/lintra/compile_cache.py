"""The process-wide cache of compiled functions: bounded (LRU) and weak in the functions.

Contract:
- A key is `(function_key(fun), signature...)`. `function_key` refers to a
  user function by an `Anchor` (its identity, held through a weak reference),
  never by the function itself; a lintra transformation or jit object
  contributes its structural `_lintra_key`, built from the key of the function
  it wraps. A bound method is keyed by its function and (weakly) its object.
  Objects that do not support weak references (a few builtins) are held
  strongly, as keys always were.
- When a function that anchors keys is garbage-collected, its entries are
  dropped at once, freeing the compiled engines (a jitted closure does not
  keep its engines alive after it is gone).
- At most `maxsize` entries (DEFAULT_MAXSIZE unless `set_cache_size` says
  otherwise, None for no bound) are kept; the least recently used goes first.
- `cached(key, build)` returns `(value, was_hit)`; a failed `build()` caches
  nothing. `cache_info()` counts hits and misses since the start of the process
  and the current number of entries.

A maintained LRU (functools.lru_cache, cachetools) cannot drop the entries of
a collected function by one of its key parts, hence this small class over an
OrderedDict.
"""

from __future__ import annotations

import inspect
import weakref
from collections import OrderedDict, namedtuple
from dataclasses import dataclass

from lintra.backends import disk_cache

CacheInfo = namedtuple("CacheInfo", "hits misses currsize disk_hits disk_misses", defaults=(0, 0))
DEFAULT_MAXSIZE = 256


@dataclass(frozen=True)
class Anchor:
    """A live object (a user function) standing in a cache key by identity."""

    ident: int


class CompileCache:
    """An LRU mapping of keys to compiled functions (see the module docstring)."""

    def __init__(self, maxsize: int | None = DEFAULT_MAXSIZE):
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._entries: OrderedDict = OrderedDict()
        self._keys_by_anchor: dict[int, set] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def anchor(self, obj) -> Anchor:
        """The key part for `obj`, dropping its entries when `obj` is collected."""
        ident = id(obj)
        if ident not in self._keys_by_anchor:
            weakref.finalize(obj, self._drop_anchor, ident).atexit = False  # nothing to free at exit
            self._keys_by_anchor[ident] = set()
        return Anchor(ident)

    def cached(self, key, build):
        if key in self._entries:
            self.hits += 1
            self._entries.move_to_end(key)
            return self._entries[key], True
        value = build()
        self.misses += 1
        self._entries[key] = value
        for anchor in _anchors(key):
            self._keys_by_anchor.setdefault(anchor.ident, set()).add(key)
        self._evict()
        return value, False

    def set_maxsize(self, maxsize: int | None) -> None:
        if maxsize is not None and (isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 0):
            raise ValueError(f"the compile cache size must be a non-negative int or None, got {maxsize!r}")
        self.maxsize = maxsize
        self._evict()

    def clear(self) -> None:
        for key in list(self._entries):
            self._remove(key)

    def info(self) -> CacheInfo:
        disk = disk_cache.stats()
        return CacheInfo(self.hits, self.misses, len(self._entries), disk["disk_hits"], disk["disk_misses"])

    def _evict(self) -> None:
        while self.maxsize is not None and len(self._entries) > self.maxsize:
            self._remove(next(iter(self._entries)))

    def _remove(self, key) -> None:
        self._entries.pop(key, None)
        for anchor in _anchors(key):
            self._keys_by_anchor.get(anchor.ident, set()).discard(key)

    def _drop_anchor(self, ident: int) -> None:
        for key in self._keys_by_anchor.pop(ident, set()):
            self._remove(key)


def _anchors(key):
    if isinstance(key, Anchor):
        yield key
    elif isinstance(key, tuple):
        for part in key:
            yield from _anchors(part)


CACHE = CompileCache()


def function_key(fun):
    """What identifies `fun` in cache keys, without keeping it alive (see the module docstring)."""
    key = getattr(fun, "_lintra_key", None)
    if key is not None:
        return key
    if inspect.ismethod(fun):
        return ("method", function_key(fun.__func__), function_key(fun.__self__))
    try:
        return CACHE.anchor(fun)
    except TypeError:  # no weak references to it
        return fun


def cached(key, build):
    """`build()`'s value for `key`, from the process-wide cache; returns (value, was_hit)."""
    return CACHE.cached(key, build)


def cache_info() -> CacheInfo:
    """Hits and misses of the process-wide compile cache (all jit objects and transformations)."""
    return CACHE.info()


def clear_cache() -> None:
    CACHE.clear()


def set_cache_size(maxsize: int | None) -> None:
    """Keep at most `maxsize` compiled functions (None: no bound); evicts the least recently used."""
    CACHE.set_maxsize(maxsize)
