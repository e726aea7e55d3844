"""``memo``: keep the last results of a pure figure builder, keyed by the exact bytes of its arguments.

For figures that do not change with the control that reran an app page (the base anchors, the IoU small
multiples, a dot layer): a rerun would otherwise rebuild them. Process-wide, so sessions share the entries.

Not ``st.cache_resource`` (and not ``functools.lru_cache``): Streamlit hashes arrays of 500,000 values or more
from a random sample, and a dot layer's centres can be that many (d2l's 262,144 locations), so two different
inputs could share an entry; and numpy arrays are not hashable for lru_cache.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict

import numpy as np


def _digest(obj, h) -> None:
    """Feed a value made of arrays, dicts, lists, tuples and scalars into hash ``h`` (exact: all the bytes)."""
    if isinstance(obj, np.ndarray):
        h.update(b"A%s%s" % (str(obj.dtype).encode(), str(obj.shape).encode()))
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        h.update(b"D%d" % len(obj))
        for k, v in obj.items():
            _digest(k, h)
            _digest(v, h)
    elif isinstance(obj, (list, tuple)):
        h.update(b"L%d" % len(obj))
        for v in obj:
            _digest(v, h)
    else:
        h.update(f"{type(obj).__name__}:{obj!r};".encode())


def memo(maxsize: int):
    """Decorator: keep the last ``maxsize`` results of a pure builder.

    The result is shared between callers, so nobody may change it: a ``Fig`` result is frozen (its methods
    raise; ``to_plotly()`` makes an independent copy), and the app's chart only reads it.
    """
    def deco(fn):
        cache: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            h = hashlib.blake2b(digest_size=20)
            _digest((args, kwargs), h)
            key = h.digest()
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            out = fn(*args, **kwargs)
            if hasattr(out, "frozen"):
                out.frozen = True
            with lock:
                cache[key] = out
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return out
        return wrapper
    return deco
