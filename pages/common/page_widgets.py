"""A page's own widgets (not in the URL): the value shown is the value in force.

Pages call them through ``state`` (``S.page_widget``); ``app.py`` calls ``begin_run`` on every full run.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from pages.common.choices import keep, keep_labels

__all__ = ["begin_run", "page_widget", "page_value", "set_page_value"]


def begin_run() -> None:
    """app.py, every full run: count the runs, so `page_widget` can tell a widget the browser mounts afresh."""
    st.session_state["_run"] = st.session_state.get("_run", 0) + 1


def page_widget(fn: Callable, label: str, key: str, *, default, valid: Callable[[Any], bool] | None = None, **kw):
    """A page-local widget (``fn(label, key=key, **kw)``, no ``value=``) whose value lives in a plain dict
    ``st.session_state["_pw"]`` that no widget owns. Returns the widget's value, which is also the value stored.

    Why: a widget that is not rendered in a run (another tab's, after ``st.stop()``, a control shown only in one
    mode) loses its state in the browser while its key can stay in session state; when it is rendered again,
    Streamlit mounts it with its default (``min_value`` for a number) but the script reads the old value, so the
    control shows one number and the metrics use another. Here, whenever the widget was not rendered in the previous
    run, its key is seeded from the stored value before the widget is created, so Streamlit sends that value to the
    browser (and the script reads the same one). ``valid`` rejects a stored value that no longer fits (e.g. an
    option that left the list), which then falls back to ``default``.
    """
    store = st.session_state.setdefault("_pw", {})
    seen = st.session_state.setdefault("_pw_seen", {})
    run = st.session_state.get("_run", 0)
    if key in store:
        value = store[key]
    else:  # a value put into session state before the widget first existed (a callback, a test) is in force
        value = st.session_state.get(key, default)
    if valid is not None and not valid(value):
        value = default
    if seen.get(key) != run - 1 or key not in st.session_state or (valid is not None and
                                                                  not valid(st.session_state[key])):
        st.session_state[key] = value
    seen[key] = run
    if "options" in kw:  # a choice widget: kept over a language switch and over labels that carry data
        keep_labels(key, kw["options"], kw.get("format_func", str))
    else:
        keep(key)
    out = fn(label, key=key, **kw)
    store[key] = out
    return out


def page_value(key: str, default):
    """The stored value of a `page_widget` (also while the widget is not rendered)."""
    return st.session_state.get("_pw", {}).get(key, default)


def set_page_value(key: str, value) -> None:
    """Set a `page_widget`'s value from a callback or before the widget is created."""
    st.session_state.setdefault("_pw", {})[key] = value
    st.session_state[key] = value
