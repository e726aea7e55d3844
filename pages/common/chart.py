"""One Plotly chart that updates in place: ``show(fig, key=...)`` instead of ``st.plotly_chart``.

Why not ``st.plotly_chart``: Streamlit 1.67 puts the figure spec into the chart's element id, so every change of
the figure mounts a new chart (a fresh ``Plotly.newPlot``, and the user's zoom is lost). Measured here in turns
with the same views (benchmarks/w2_all_views.py), the remount made a Labels step take 964-996 ms (p50) where this
component takes 636-671 ms, and one step cost about 1.2 s of browser CPU where this costs about 0.95 s.

How: a Streamlit v2 component (``st.components.v2``) with a key keeps one element for the chart's whole life;
its script calls ``Plotly.react`` with each new spec, so plotly.js only redraws what changed and keeps the
user's zoom (``uirevision``). plotly.js itself is the copy the ``plotly`` package ships; Streamlit serves it from
that folder as a v1 component path (never rendered as a component), and each browser page loads it once.

Clicks and box drags come back as the component's ``selection`` trigger, in the shape ``st.plotly_chart`` used:
``st.session_state[key]["selection"] == {"points": [{"x", "y", "customdata", ...}], "box": [{"x": [x0, x1],
"y": [y0, y1]}]}``, set for the one rerun the interaction causes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import plotly
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components_v1

from anchorviz.viz import Fig, spec_json

_PLOTLY_JS_DIR = Path(plotly.__file__).parent / "package_data"  # holds plotly.min.js
_ASSET = components_v1.declare_component("plotlyjs", path=str(_PLOTLY_JS_DIR)).name

_JS = r"""
function plotlyReady(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__avzPlotly) window.__avzPlotly = new Promise((res, rej) => {
    const s = document.createElement('script');
    s.src = url;
    s.onload = () => res(window.Plotly);
    s.onerror = () => { window.__avzPlotly = null; rej(new Error('plotly.js did not load from ' + url)); };
    document.head.appendChild(s);
  });
  return window.__avzPlotly;
}

function serverBase() {  // where Streamlit serves from, also under a path prefix (Streamlit Cloud)
  const s = document.querySelector('script[src*="/static/js/"]');
  return s ? s.src.slice(0, s.src.indexOf('static/js/')) : new URL('/', document.baseURI).href;
}

function point(p) {
  const out = {x: p.x, y: p.y, curve_number: p.curveNumber, point_number: p.pointNumber,
               point_index: p.pointIndex};
  if (p.customdata !== undefined) out.customdata = p.customdata;
  return out;
}

export default function ({ parentElement, data, setTriggerValue }) {
  const gd = parentElement.querySelector('.avz-chart');
  gd.__avzSelect = data.select;
  if (gd.__avzSpec === data.spec) return;  // a rerun that left this figure as it was
  gd.__avzSpec = data.spec;
  plotlyReady(serverBase() + 'component/' + data.asset + '/plotly.min.js').then(Plotly => {
    if (gd.__avzSpec !== data.spec) return;  // a newer spec arrived while plotly.js was loading
    const fig = JSON.parse(data.spec);
    const layout = Object.assign({uirevision: 'keep'}, fig.layout);
    if (data.select.includes('box') && layout.dragmode === undefined) layout.dragmode = 'select';
    Plotly.react(gd, fig.data, layout, data.config);
    if (gd.__avzBound) return;
    gd.__avzBound = true;
    const send = sel => setTriggerValue('selection', sel);
    gd.on('plotly_click', ev => {
      if (gd.__avzSelect.includes('points') && ev && ev.points && ev.points.length)
        send({points: ev.points.map(point), box: []});
    });
    gd.on('plotly_selected', ev => {
      if (!gd.__avzSelect.includes('box') || !ev || !ev.range) return;
      send({points: (ev.points || []).map(point), box: [{x: ev.range.x, y: ev.range.y}]});
    });
  }).catch(err => { gd.textContent = String(err); });
}
"""

_COMPONENT = st.components.v2.component(
    "anchorviz_chart", html='<div class="avz-chart" data-testid="avzChart" style="width: 100%"></div>', js=_JS,
    isolate_styles=False)  # plotly.js puts its hover and modebar styles into the document head

_CONFIG = {"displaylogo": False, "responsive": True}
ZOOM = {"scrollZoom": True}  # config for the image views: the mouse wheel zooms (elsewhere it scrolls the page)


def show(fig: Fig | go.Figure, *, key: str, select: tuple[str, ...] = (),
         on_select: Callable[[], None] | None = None, config: dict | None = None) -> None:
    """Draw ``fig`` in the chart ``key`` (updated in place on later reruns).

    select: which interactions come back as ``st.session_state[key]["selection"]``: "points" (a click on a
    point) and/or "box" (a box drag; it also makes box select the default drag mode). on_select runs, as a
    widget callback, before the rerun that a selection causes."""
    _COMPONENT(key=key, data={"spec": spec_json(fig), "select": list(select), "asset": _ASSET,
                              "config": {**_CONFIG, **(config or {})}},
               on_selection_change=on_select or _ignore)


def _ignore() -> None:
    """A selection without a callback: the page reads it from session state on the rerun."""
