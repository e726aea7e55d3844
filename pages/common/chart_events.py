"""Clicks and box drags on the image charts, read at the top of a run (before any widget exists): a box drag
on the Anchors or Labels chart adds a GT, a click is kept for the page (the Anchors page picks a cell)."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from pages.common.gt_edit import add_box_from_selection, new_box_class



def _fingerprint(sel: dict) -> str:
    pts = [p.get("customdata", (p.get("x"), p.get("y"))) for p in sel.get("points", [])][:50]
    return json.dumps({"p": pts, "n": len(sel.get("points", [])), "b": sel.get("box", [])}, sort_keys=True,
                      default=str)


def new_selection(chart_key: str) -> dict | None:
    """The chart's selection from the last interaction, once: None when there is none or it was seen.

    Read at the top of a page (widget state is set before the script runs), so a click can set other
    widgets' values before they are created.
    """
    ev = st.session_state.get(chart_key)
    sel = dict((ev or {}).get("selection") or {})
    if not sel.get("points") and not sel.get("box"):
        return None
    fp = _fingerprint(sel)
    seen = st.session_state.setdefault("_sel_seen", {})
    if seen.get(chart_key) == fp:
        return None
    seen[chart_key] = fp
    return sel


def selection_box(sel: dict) -> np.ndarray | None:
    """The dragged box of a selection as xyxy, or None."""
    for b in sel.get("box") or []:
        xs, ys = list(b.get("x", [])), list(b.get("y", []))
        if len(xs) == 2 and len(ys) == 2:
            return np.array([min(xs), min(ys), max(xs), max(ys)], np.float64)
    return None


CHART_KEYS = ("anchors_chart", "labels_chart")  # image figures where a box drag adds a GT


def apply_chart_events() -> None:
    """Before the sidebar: a new box drag on an image figure adds a GT; a new click is kept for the page.

    The box is in the network input of the figure the user dragged on, i.e. the last run's setup.
    """
    prev = st.session_state.get("_setup")
    for key in CHART_KEYS:
        sel = new_selection(key)
        if sel is None:
            continue
        box = selection_box(sel)
        if box is not None:
            if prev is not None:
                err = add_box_from_selection(box, prev.plan, new_box_class())
                if err:
                    st.session_state["_event_error"] = err
            continue
        pts = [cd for cd in (_customdata(pt) for pt in sel.get("points", [])) if cd]
        if pts:
            st.session_state["_picked"] = (key, pts[0])


def _customdata(point: dict) -> list[int] | None:
    """A point's customdata row as ints. A row of a typed (n, k) array arrives as {"0": a, "1": b, ...}."""
    cd = point.get("customdata")
    if isinstance(cd, dict):
        try:
            cd = [cd[str(i)] for i in range(len(cd))]
        except KeyError:
            return None
    if isinstance(cd, (list, tuple)) and cd:
        try:
            return [int(v) for v in cd]
        except (TypeError, ValueError):
            return None
    return None
