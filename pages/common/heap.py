"""The server's garbage collector: one full collection per second for the whole process, over a heap whose
long-lived part is frozen, instead of one full collection after every script run.

Streamlit runs ``gc.collect(2)`` after every script run by default (``runner.postScriptGC``). That frees the
reference cycles each run leaves behind (a page's namespace and the functions defined in it, the component
presenters, the ForwardMsgs, about 1,000 small objects), but a full collection walks every tracked object of
the process, and it holds the GIL that every session's script thread shares. Measured here (W6, protocol-level
users; CPU time of the collections from ``gc.callbacks``): 50-70 ms per run over the ~140,000 objects of the
imports (streamlit, plotly, pandas, pyarrow) with one user, 40-70 % of a step's server CPU; and with 25 users,
even with those objects frozen, ~35 ms per run over the ~65,000 objects of the sessions' own state.

So ``.streamlit/config.toml`` turns ``runner.postScriptGC`` off and app.py calls ``after_run`` at the end of
every run:

* the first call freezes the heap (``gc.freeze()``: the objects alive at the end of the process's first run,
  i.e. the imports, move to a permanent generation that collections skip; reference counting still frees them);
* afterwards, a full collection runs at the end of a run when the last one is at least ``PERIOD`` seconds old:
  the cycles of at most a second of runs wait for it (the large arrays of a run are freed at once by reference
  counting; the cycles hold small objects), and its cost is paid once per second, not 12 times.

``ANCHORVIZ_GC_FREEZE=0`` skips the freeze, ``ANCHORVIZ_GC_PERIOD`` sets the period in seconds (0: after every
run, as Streamlit's own option did).
"""

from __future__ import annotations

import gc
import os
import threading
import time

PERIOD = float(os.environ.get("ANCHORVIZ_GC_PERIOD", "1.0"))
FREEZE = os.environ.get("ANCHORVIZ_GC_FREEZE", "1") != "0"

_lock = threading.Lock()
_frozen = False
_last = time.monotonic()


def after_run() -> str:
    """At the end of every script run. Returns what it did: "freeze", "collect" or "" (for the tests)."""
    global _frozen, _last
    now = time.monotonic()
    with _lock:
        if not _frozen:
            _frozen = True
            what = "freeze"
        elif now - _last >= PERIOD:
            what = "collect"
        else:
            return ""
        _last = now
    gc.collect()  # the first run's garbage is not frozen
    if what == "freeze" and FREEZE:
        gc.freeze()
    return what
