"""Chart specs kept by the exact content of their builder's arguments: ``chart.show(figcache.spec(builder, ...))``.

Why: building a Plotly figure (``go.Figure`` validation, ``update_layout``, ``add_vline``) is most of what a Dataset
page rerun costs once the fits are cached, and most of its nine charts do not change with the control that reran
the page (a new IoU threshold moves two marks). The key is a hash of every byte of the arguments (arrays, the
histogram dataclasses, texts), so a chart is rebuilt exactly when something it shows changed: no cache key to
get wrong, and the texts (the language) are part of it. Process-wide, so sessions on the same data share entries;
the value is the JSON string, which nobody can change.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Callable

from anchorviz.viz import spec_json
from anchorviz.viz.memo import feed_hash

MAX_SPECS = 64

_CACHE: OrderedDict[bytes, str] = OrderedDict()
_LOCK = threading.Lock()


def spec(builder: Callable, *args, **kwargs) -> str:
    """The JSON spec of ``builder(*args, **kwargs)``, built once per distinct content of the arguments."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{builder.__module__}.{builder.__qualname__}".encode())
    feed_hash((args, kwargs), h)
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
