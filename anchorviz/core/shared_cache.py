"""A process-wide cache of read-only results, bounded by the bytes its values hold (not by an entry count).

Why: one server holds many sessions. An entry count does not bound memory (an AnchorSet is 0.1 MB for a small
input and 10 MB for 1333 x 1333), and a small count thrashes as soon as more users than entries look at
different pictures: every step then recomputes. A byte budget keeps as many entries as fit, and RSS bounded.

The values are shared by every caller, never copied (``st.cache_data`` pickles a copy on every hit): the
arrays inside are made read-only when stored, so a caller that tries to change one gets an error instead of
changing another session's result. Keys are plain hashable values compared by equality (frozen configs,
tuples, strings), so two different inputs never share an entry. Two threads asking for the same missing key
compute it once: the second waits for the first.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

__all__ = ["SharedCache", "nbytes", "freeze"]

REMEASURE_S = 1.0  # an entry's size is measured again on a hit at most this often


def nbytes(value: Any, _seen: set | None = None) -> int:
    """Approximate bytes held by ``value``: array data, strings, containers and dataclass fields, counted once
    each (the memo dicts some results keep in their ``__dict__`` included)."""
    if value is None or isinstance(value, (bool, int, float, complex)):
        return 0  # counted in their container's size
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + 112
    if isinstance(value, (bytes, bytearray, str)):
        return sys.getsizeof(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(nbytes(v, seen) for v in value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(k, seen) + nbytes(v, seen) for k, v in value.items())
    total = sys.getsizeof(value)
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        total += sum(nbytes(v, seen) for v in attrs.values())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        total += sum(nbytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return total


def freeze(value: Any, _seen: set | None = None) -> Any:
    """Make every array reachable through ``value`` (containers, dataclass fields) read-only. Returns ``value``."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            freeze(v, seen)
    elif isinstance(value, dict):
        for v in value.values():
            freeze(v, seen)
    elif isinstance(getattr(value, "__dict__", None), dict):
        for v in value.__dict__.values():
            freeze(v, seen)
    return value


class SharedCache:
    """An LRU of ``key -> value`` holding at most ``max_bytes`` (as ``nbytes`` counts them).

    A value larger than the whole budget is returned but not kept. ``hits``, ``misses`` and ``evictions``
    count what happened (the benchmarks print them)."""

    def __init__(self, name: str, max_bytes: int):
        self.name = name
        self.max_bytes = int(max_bytes)
        self.bytes = 0
        self.hits = self.misses = self.evictions = 0
        self._data: OrderedDict = OrderedDict()  # key -> (value, size, when measured)
        self._lock = threading.Lock()
        self._computing: dict = {}  # key -> [lock, waiters]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data

    def _lookup(self, key):
        """The value (moved to the end) or a miss marker. An entry is re-measured at most once a second (memos
        its callers add to it later, e.g. an AnchorSet's IoU geometry, count too)."""
        item = self._data.get(key)
        if item is None:
            return _MISS
        value, size, measured = item
        now = time.monotonic()
        if now - measured >= REMEASURE_S:
            new = nbytes(value)
            self._data[key] = (value, new, now)
            self.bytes += new - size
        self._data.move_to_end(key)
        self.hits += 1
        self._shrink()
        return value

    def _shrink(self) -> None:
        while self.bytes > self.max_bytes and len(self._data) > 1:
            _, (_, size, _) = self._data.popitem(last=False)
            self.bytes -= size
            self.evictions += 1

    def get(self, key, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, or ``compute()`` stored (frozen) and returned. Exceptions propagate and
        nothing is stored."""
        with self._lock:
            value = self._lookup(key)
            if value is not _MISS:
                return value
            slot = self._computing.setdefault(key, [threading.Lock(), 0])
            slot[1] += 1
        try:
            with slot[0]:  # one thread computes a key; the others wait here and then find it
                with self._lock:
                    value = self._lookup(key)
                if value is not _MISS:
                    return value
                value = freeze(compute())
                size = nbytes(value)
                with self._lock:
                    self.misses += 1
                    if size <= self.max_bytes:
                        old = self._data.pop(key, None)
                        if old is not None:
                            self.bytes -= old[1]
                        self._data[key] = (value, size, time.monotonic())
                        self.bytes += size
                        self._shrink()
                return value
        finally:
            with self._lock:
                slot[1] -= 1
                if slot[1] == 0:
                    self._computing.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.bytes = 0

    def stats(self) -> dict:
        return {"name": self.name, "entries": len(self._data), "mb": self.bytes / 2**20,
                "max_mb": self.max_bytes / 2**20, "hits": self.hits, "misses": self.misses,
                "evictions": self.evictions}

    def cached(self, fn: Callable) -> Callable:
        """Decorator: cache ``fn`` here, keyed by its name and arguments. Parameters whose name starts with
        ``_`` are left out of the key (another argument must identify them, as with Streamlit's caches)."""
        sig = inspect.signature(fn)
        qual = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            key = (qual, tuple((k, v) for k, v in bound.arguments.items() if not k.startswith("_")))
            return self.get(key, lambda: fn(*args, **kwargs))

        wrapper.cache = self
        return wrapper


_MISS = object()
