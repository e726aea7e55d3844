"""The server's garbage collector: freeze the long-lived heap once, so Streamlit's collection after every run
stays cheap.

Streamlit runs ``gc.collect(2)`` after every script run (``runner.postScriptGC``, on by default). That frees
the reference cycles each run leaves behind (a page's namespace and the functions defined in it, the
component presenters, the ForwardMsgs), so memory stays flat; but a full collection walks every tracked
object of the process, ~130,000 of them after the imports (streamlit, plotly, pandas, pyarrow), and cost
50-70 ms per run here: 40-70 % of a step's server CPU on the image pages, holding the GIL that every
session's script thread shares.

``gc.freeze()`` moves every object alive at that moment into a permanent generation that collections skip.
Called once, at the end of the process's first script run (the imports are done, no user state exists yet),
the post-run collection then walks only what was made since: ~1 ms, and it still frees each run's cycles.
Objects frozen are still freed by reference counting; only cycles among them would stay, and the heap at
that moment is modules, classes and the first session's few objects.

``ANCHORVIZ_GC_FREEZE=0`` turns it off (to measure the difference).
"""

from __future__ import annotations

import gc
import os
import threading

_lock = threading.Lock()
_done = False


def freeze_once() -> bool:
    """At the end of a script run: the first call in this process collects and freezes the heap. True when it
    did (this call)."""
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        _done = True
    if os.environ.get("ANCHORVIZ_GC_FREEZE", "1") == "0":
        return False
    gc.collect()  # what the first run left as garbage is not frozen
    gc.freeze()
    return True
