"""One Plotly chart that updates in place: ``show(fig, key=...)`` instead of ``st.plotly_chart``.

Why not ``st.plotly_chart``: Streamlit 1.67 puts the figure spec into the chart's element id, so every change of
the figure mounts a new chart (a fresh ``Plotly.newPlot``, and the user's zoom is lost). Measured here in turns
with the same views (benchmarks/w2_all_views.py), the remount made a Labels step take 964-996 ms (p50) where this
component takes 636-671 ms, and one step cost about 1.2 s of browser CPU where this costs about 0.95 s.

How: a Streamlit v2 component (``st.components.v2``) with a key keeps one element for the chart's whole life;
its script (anchorviz/viz/web/chart.js) calls ``Plotly.react`` with each new spec, so plotly.js only redraws
what changed and keeps the user's zoom (``uirevision``). The script and plotly.js are files of the component's
``asset_dir``, declared in pyproject.toml as Streamlit documents for components with files, so Streamlit serves
them from this server (offline; each browser page loads plotly.js once) and the script is not resent with
every spec.

Clicks and box drags come back as the component's ``selection`` trigger, in the shape ``st.plotly_chart`` used:
``st.session_state[key]["selection"] == {"points": [{"x", "y", "customdata", ...}], "box": [{"x": [x0, x1],
"y": [y0, y1]}]}``, set for the one rerun the interaction causes.
"""

from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from anchorviz.viz import Fig, spec_json

NAME = "anchorviz.chart"  # "<project>.<component>" of the [[tool.streamlit.component.components]] entry

_COMPONENT = st.components.v2.component(
    NAME, html='<div class="avz-chart" data-testid="avzChart" style="width: 100%"></div>', js="chart.js",
    isolate_styles=False)  # plotly.js puts its hover and modebar styles into the document head

_CONFIG = {"displaylogo": False, "responsive": True}
ZOOM = {"scrollZoom": True}  # config for the image views: the mouse wheel zooms (elsewhere it scrolls the page)


def show(fig: Fig | go.Figure | str, *, key: str, select: tuple[str, ...] = (),
         on_select: Callable[[], None] | None = None, config: dict | None = None) -> None:
    """Draw ``fig`` (or its JSON spec, e.g. from `pages.common.figcache.spec`) in the chart ``key`` (updated in
    place on later reruns).

    select: which interactions come back as ``st.session_state[key]["selection"]``: "points" (a click on a
    point) and/or "box" (a box drag; it also makes box select the default drag mode). on_select runs, as a
    widget callback, before the rerun that a selection causes."""
    _COMPONENT(key=key, data={"spec": fig if isinstance(fig, str) else spec_json(fig), "select": list(select),
                              "config": {**_CONFIG, **(config or {})}},
               on_selection_change=on_select or _ignore)


def _ignore() -> None:
    """A selection without a callback: the page reads it from session state on the rerun."""
