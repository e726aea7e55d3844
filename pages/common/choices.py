"""Choice widgets (radio, selectbox, pills) that keep their choice when their option labels change: with the
language (``keep``: the language selector's ``state.keep_choices`` restores them) or with the data
(``keep_labels``: a GT's class, a shape's w×h, a file name in the label).

The browser holds a choice as its *label* and sends that label back; a label that changed matches no option any
more, and Streamlit would fall back to the first option. Used by ``state.widget`` and ``page_widgets.page_widget``;
pages call them through ``state`` (``S.keep``).
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

__all__ = ["keep", "keep_labels"]


def keep(key: str) -> str:
    """``key=S.keep("pred_src")`` for a page's own choice widget (radio, selectbox, pills; widgets made with
    ``widget`` are kept anyway): ``keep_choices`` restores its value after a language switch. Returns ``key``."""
    st.session_state.setdefault("_kept", set()).add(key)
    return key


def keep_labels(key: str, options, format_func: Callable[[Any], str] = str) -> str:
    """``key=S.keep_labels(key, options, format_func)`` for a choice widget whose option *labels* carry data (a
    GT's class, a shape's w×h, a file name); call it before the widget. Returns ``key`` (also kept across a
    language switch, as ``keep`` does).

    The browser holds a choice as its label and sends that label back with every interaction. When the data
    changes the labels (a box upload, another level), the label it holds matches no option any more and Streamlit
    falls back to the first option. So on the run where the labels change, the choice (still decoded with the
    previous run's labels) is written back by its id: Streamlit then sends the browser the same option under its
    new label.
    """
    options = list(options)
    labels = tuple(str(format_func(o)) for o in options)
    seen = st.session_state.setdefault("_choice_labels", {})
    if seen.get(key) != labels:
        seen[key] = labels
        if key in st.session_state:
            v = st.session_state[key]
            ok = all(x in options for x in v) if isinstance(v, (list, tuple)) else v in options
            if ok:
                st.session_state[key] = v
    return keep(key)
