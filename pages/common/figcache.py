"""Chart specs kept by the exact content of their builder's arguments: ``chart.show(figcache.spec(builder, ...))``.

Why: building a Plotly figure (``go.Figure`` validation, ``update_layout``, ``add_vline``) is most of what a Dataset
page rerun costs once the fits are cached, and most of its nine charts do not change with the control that reran
the page (a new IoU threshold moves two marks). The key is a hash of every byte of the arguments (arrays, the
histogram dataclasses, texts), so a chart is rebuilt exactly when something it shows changed: no cache key to
get wrong, and the texts (the language) are part of it. Process-wide, so sessions on the same data share entries;
the value is the JSON string, which nobody can change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections import OrderedDict
from typing import Callable

import numpy as np

from anchorviz.viz import spec_json

MAX_SPECS = 64

_CACHE: OrderedDict[bytes, str] = OrderedDict()
_LOCK = threading.Lock()


def _feed(obj, h) -> None:
    """Every byte of a value made of arrays, dataclasses, dicts, sequences, strings and scalars."""
    if isinstance(obj, np.ndarray):
        h.update(b"A%s%s" % (str(obj.dtype).encode(), str(obj.shape).encode()))
        h.update(np.ascontiguousarray(obj).tobytes())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"C{type(obj).__qualname__}".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            _feed(getattr(obj, f.name), h)
    elif isinstance(obj, dict):
        h.update(b"D%d" % len(obj))
        for k, v in obj.items():
            _feed(k, h)
            _feed(v, h)
    elif isinstance(obj, (list, tuple)):
        h.update(b"L%d" % len(obj))
        for v in obj:
            _feed(v, h)
    elif obj is None or isinstance(obj, (str, bytes, bool, int, float, np.generic)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    else:
        raise TypeError(f"figcache: cannot key a {type(obj).__name__}; pass arrays, dataclasses or plain values")


def spec(builder: Callable, *args, **kwargs) -> str:
    """The JSON spec of ``builder(*args, **kwargs)``, built once per distinct content of the arguments."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{builder.__module__}.{builder.__qualname__}".encode())
    _feed((args, kwargs), h)
    key = h.digest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    out = spec_json(builder(*args, **kwargs))
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > MAX_SPECS:
            _CACHE.popitem(last=False)
    return out
