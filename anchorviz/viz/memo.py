"""``memo``: keep the last results of a pure figure builder, keyed by the exact bytes of its arguments.

For figures that do not change with the control that reran an app page (the base anchors, the IoU small
multiples, a dot layer): a rerun would otherwise rebuild them. Process-wide, so sessions share the entries.

Not ``st.cache_resource`` (and not ``functools.lru_cache``): Streamlit hashes arrays of 500,000 values or more
from a random sample, and a dot layer's centres can be that many (d2l's 262,144 locations), so two different
inputs could share an entry; and numpy arrays are not hashable for lru_cache.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict

import numpy as np


def feed_hash(obj, h) -> None:
    """Feed every byte of a value made of arrays, dataclasses, dicts, sequences, strings and scalars into hash
    ``h``. Anything else raises TypeError: a repr may abbreviate (a large array inside an object prints "..."), and
    two different inputs would share an entry. pages/common/figcache.py keys its chart specs with it too."""
    if isinstance(obj, np.ndarray):
        h.update(b"A%s%s" % (str(obj.dtype).encode(), str(obj.shape).encode()))
        h.update(np.ascontiguousarray(obj).tobytes())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"C{type(obj).__qualname__}".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            feed_hash(getattr(obj, f.name), h)
    elif isinstance(obj, dict):
        h.update(b"D%d" % len(obj))
        for k, v in obj.items():
            feed_hash(k, h)
            feed_hash(v, h)
    elif isinstance(obj, (list, tuple)):
        h.update(b"L%d" % len(obj))
        for v in obj:
            feed_hash(v, h)
    elif obj is None or isinstance(obj, (str, bytes, bool, int, float, np.generic)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    else:
        raise TypeError(f"cannot key a {type(obj).__name__}; pass arrays, dataclasses or plain values")


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
            feed_hash((args, kwargs), h)
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
