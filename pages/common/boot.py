"""Make every page run inside app.py, even on a fresh server.

Streamlit sees a ``pages/`` folder next to the entrypoint and, until some session has run ``st.navigation``,
serves the app the legacy (v1) way: the first run on a freshly started server runs app.py as one of several
auto-discovered pages, or, for a shared link to ``/labels``, runs ``pages/labels.py`` alone without app.py's
sidebar and state. Widget ids also differ between that first run and the following ones, which would reset
every widget on the second run. So:

* ``leave_legacy_mode`` (first thing in app.py) switches Streamlit to ``st.navigation`` mode and reruns;
* ``page_prelude`` (first thing in every page) runs app.py when a page was started without it.
"""

from __future__ import annotations

import logging
import runpy
import sys
import threading
from pathlib import Path

import streamlit as st

from pages.common.release import release

APP = Path(__file__).resolve().parents[2] / "app.py"
_log = logging.getLogger(__name__)


def leave_legacy_mode() -> bool:
    """True (after switching modes) when this run is Streamlit's legacy pages/ handling: rerun at once."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return False
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False  # what st.navigation itself does
        return True
    return False


_running = threading.local()  # the namespace and code of the page this script thread runs


def page_prelude() -> None:
    """Call first in every page script."""
    frame = sys._getframe(1)  # the page's own module frame: the first "<module>" up the stack (open_page calls this)
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    if frame is not None and frame.f_globals.get("__name__") == "__main__" \
            and Path(frame.f_globals.get("__file__", "")).parent == APP.parent / "pages":
        _running.page = (frame.f_globals, frame.f_code)
    if _inside_app():
        return
    runpy.run_path(str(APP), run_name="__anchorviz_app__")
    st.stop()


def _inside_app() -> bool:
    """True when app.py is on the call stack: the page runs inside app.py's ``st.navigation``.

    (Not a flag in session state: after ``st.stop()`` in a page every session-state write raises again, so the
    ``finally`` that would clear such a flag never completes, and the next run would skip app.py.)
    """
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith("app.py") and Path(name).resolve() == APP:
            return True
        frame = frame.f_back
    return False


def run_page(page) -> None:
    """app.py: run the selected page, then free what its namespace holds that nothing reads (release.py)."""
    _running.page = None
    try:
        page.run()
    finally:
        ran, _running.page = _running.page, None
        if ran is not None:
            try:
                release(*ran)
            except Exception:  # noqa: BLE001 -- never replace the page's own exception or Streamlit's rerun / stop
                _log.exception("releasing the page's namespace failed")
