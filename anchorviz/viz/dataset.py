"""Figures of a whole dataset's boxes. Each builder takes computed arrays (histograms, curves, counts) and the
texts to show (English by default), and returns a figure; nothing here computes statistics.

Every figure is a handful of traces whatever the dataset size: the w x h density is one binned heatmap, not
one point per box. The figures are ``Fig`` (plain trace and layout dicts, ``anchorviz.viz.figure``), as the image
views' are: plotly's validation of a ``go.Figure`` cost 10-15 ms per chart, most of a Dataset page step once the
fits are cached. ``to_plotly()`` gives the validated ``go.Figure``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from anchorviz.dataset.stats import COCO_MEDIUM, COCO_SMALL, Histogram, Histogram2D
from anchorviz.viz.colors import level_color
from anchorviz.viz.figure import Fig, trace_dict

SERIES_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")
_MARGIN = dict(l=60, r=20, t=40, b=50)
# plotly's own expansion of the name, exactly as a validated go.Figure sends it (plotly.js's built-in "Viridis"
# has other stops): worked out once
_VIRIDIS = [[float(v), c] for v, c in go.Heatmap(colorscale="Viridis").colorscale]


def _layout(fig: Fig, title: str, x_title: str, y_title: str, *, height: int = 340, x_log: bool = False,
            y_log: bool = False) -> Fig:
    fig.update_layout(title=dict(text=title, font=dict(size=14)), height=height, margin=dict(_MARGIN),
                      legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0.0),
                      hovermode="closest", xaxis=dict(title=dict(text=x_title), type="log" if x_log else "linear"),
                      yaxis=dict(title=dict(text=y_title), type="log" if y_log else "linear"))
    return fig


def _vline(fig: Fig, x: float, line: dict) -> None:
    """What ``go.Figure.add_vline`` adds: a line shape at data x across the whole plot height."""
    fig.update_layout(shapes=[*fig.layout.get("shapes", ()), dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1,
                                                                   yref="y domain", line=line)])


def _steps(hist: Histogram) -> tuple[np.ndarray, np.ndarray]:
    """x, y of a step outline of a histogram (exact bin edges, also on a log axis)."""
    x = np.repeat(hist.edges, 2)[1:-1]
    y = np.repeat(hist.counts, 2)
    return x, y


def step_histogram(fig: Fig, hist: Histogram, *, name: str, color: str, hover: str) -> None:
    x, y = _steps(hist)
    fig.add_trace(trace_dict("scatter", x=x, y=y, mode="lines", line=dict(color=color, width=1.5), fill="tozeroy",
                             name=name, hoverinfo="skip", showlegend=False))
    # one invisible point per bin carries the hover text
    lo, hi = hist.edges[:-1], hist.edges[1:]
    fig.add_trace(trace_dict("scatter", x=hist.centres, y=hist.counts, mode="markers", marker=dict(size=6, opacity=0),
                             customdata=np.stack([lo, hi], axis=1), hovertemplate=hover, name=name,
                             showlegend=False))


def wh_density_figure(density: Histogram2D, *, anchors_wh: np.ndarray, anchor_level: np.ndarray,
                      level_names: tuple[str, ...], title: str = "Box width × height",
                      x_title: str = "width (px)", y_title: str = "height (px)", count_label: str = "boxes",
                      anchors_label: str = "anchors", hover_anchor: str = "%{x:.1f} × %{y:.1f} px") -> Fig:
    """Box widths x heights as a log-binned 2-D histogram (colour = log count), the anchor shapes on top."""
    z = density.counts.astype(np.float64)
    fig = Fig()
    with np.errstate(divide="ignore"):
        logz = np.log10(np.where(z > 0, z, np.nan))
    fig.add_trace(trace_dict(
        "heatmap", x=density.w_edges, y=density.h_edges, z=logz, customdata=density.counts,
        colorscale=_VIRIDIS, hovertemplate=f"w %{{x:.1f}} px, h %{{y:.1f}} px<br>{count_label}: %{{customdata:,}}"
                                            "<extra></extra>",
        colorbar=dict(title=dict(text=f"log10 {count_label}", side="right"), thickness=12), name=count_label))
    lo = float(min(density.w_edges[0], density.h_edges[0]))
    hi = float(max(density.w_edges[-1], density.h_edges[-1]))
    fig.add_trace(trace_dict("scatter", x=[lo, hi], y=[lo, hi], mode="lines", line=dict(color="rgba(255,255,255,0.5)",
                             dash="dot", width=1), hoverinfo="skip", showlegend=False))
    for li, name in enumerate(level_names):
        sel = anchor_level == li
        if not sel.any():
            continue
        fig.add_trace(trace_dict("scatter", 
            x=anchors_wh[sel, 0], y=anchors_wh[sel, 1], mode="markers", name=f"{anchors_label} {name}",
            marker=dict(symbol="x-thin-open", size=11, line=dict(width=2.5, color=level_color(li))),
            hovertemplate=f"{name}: " + hover_anchor + "<extra></extra>"))
    _layout(fig, title, x_title, y_title, height=500, x_log=True, y_log=True)
    fig.update_layout(margin=dict(_MARGIN, b=110))
    fig.update_layout(xaxis=dict(range=[float(np.log10(density.w_edges[0])), float(np.log10(density.w_edges[-1]))]),
                      yaxis=dict(range=[float(np.log10(density.h_edges[0])), float(np.log10(density.h_edges[-1]))],
                                 scaleanchor="x", scaleratio=1))
    return fig


def sqrt_area_figure(hist: Histogram, *, bucket_texts: tuple[str, str, str] = ("small", "medium", "large"),
                     title: str = "√area", x_title: str = "√(w·h) (px)", y_title: str = "boxes",
                     hover: str = "%{customdata[0]:.3g} – %{customdata[1]:.3g}: %{y:,}<extra></extra>") -> Fig:
    """√area histogram on a log axis with COCO's small / medium / large cut-offs (32 and 96 px)."""
    fig = Fig()
    step_histogram(fig, hist, name=y_title, color=SERIES_COLORS[0], hover=hover)
    lo, hi = float(hist.edges[0]), float(hist.edges[-1])
    for x in (COCO_SMALL, COCO_MEDIUM):
        _vline(fig, x, dict(color="#d62728", dash="dash", width=1.5))
    for k, ((a, b), text) in enumerate(zip(((lo, COCO_SMALL), (COCO_SMALL, COCO_MEDIUM), (COCO_MEDIUM, hi)),
                                           bucket_texts)):
        a, b = max(a, lo), min(b, hi)
        if b > a:  # the middle bucket is narrow on the log axis: its text goes one line higher, clear of the others
            fig.add_annotation(x=float(np.log10(np.sqrt(a * b))), y=1.0, yref="paper", text=text, showarrow=False,
                               yanchor="bottom", yshift=14 * (k == 1), font=dict(size=10))
    _layout(fig, title, x_title, y_title, x_log=True)
    fig.update_layout(margin=dict(_MARGIN, t=75))
    return fig


def aspect_figure(hist: Histogram, *, ratios: np.ndarray, title: str = "Aspect ratio h/w", x_title: str = "h/w",
                  y_title: str = "boxes",
                  hover: str = "%{customdata[0]:.3g} – %{customdata[1]:.3g}: %{y:,}<extra></extra>",
                  ratio_label: str = "anchor ratios") -> Fig:
    """Aspect ratio h/w on a log axis, with the setup's anchor ratios as vertical lines."""
    fig = Fig()
    step_histogram(fig, hist, name=y_title, color=SERIES_COLORS[2], hover=hover)
    for r in np.unique(np.round(np.asarray(ratios, np.float64), 6)):
        if r > 0:
            _vline(fig, float(r), dict(color="#555", dash="dot", width=1))
    if len(ratios):
        fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="lines", line=dict(color="#555", dash="dot"),
                                 name=ratio_label))
    return _layout(fig, title, x_title, y_title, x_log=True)


def counts_bar_figure(categories: list[str], series: dict[str, np.ndarray], *, title: str = "", x_title: str = "",
                      y_title: str = "", hover: str = "%{x}: %{y:,}") -> Fig:
    """Grouped bars: one series per name (e.g. GTs per level by best shape vs by assignment)."""
    fig = Fig()
    for i, (name, values) in enumerate(series.items()):
        cats = list(categories[:len(values)])
        fig.add_trace(trace_dict("bar", x=cats, y=np.asarray(values), name=name,
                                 marker=dict(color=SERIES_COLORS[i % 4]),
                                 hovertemplate=hover + "<extra>" + name + "</extra>"))
    fig.update_layout(barmode="group")
    _layout(fig, title, x_title, y_title)
    fig.update_layout(xaxis=dict(type="category"))
    if len(series) > 2:  # a legend of three or more entries wraps: start it below the axis title, and grow
        fig.update_layout(height=400, legend=dict(y=-0.3), margin=dict(_MARGIN, b=70))
    return fig


def curves_figure(x: np.ndarray, series: dict[str, np.ndarray], *, title: str = "", x_title: str = "",
                  y_title: str = "", hover: str = "%{x:.2f}: %{y:.4f}", marks: tuple[float, ...] = (),
                  dashed: tuple[str, ...] = ()) -> Fig:
    """Overlaid curves (recall against the IoU threshold, before / after, two setups); ``marks`` = vlines."""
    fig = Fig()
    for i, (name, y) in enumerate(series.items()):
        fig.add_trace(trace_dict("scatter", x=x, y=y, mode="lines", name=name,
                                 line=dict(color=SERIES_COLORS[i % 4], width=2,
                                           dash="dash" if name in dashed else "solid"),
                                 hovertemplate=hover + "<extra>" + name + "</extra>"))
    for m in marks:
        _vline(fig, m, dict(color="#999", dash="dot", width=1))
    _layout(fig, title, x_title, y_title)
    fig.update_layout(yaxis=dict(range=[0, 1.02]), xaxis=dict(range=[float(np.min(x)), float(np.max(x))]))
    return fig


def history_figure(history: np.ndarray, *, title: str = "Optimisation", x_title: str = "step",
                   y_title: str = "objective") -> Fig:
    """The optimiser's best objective after each step."""
    h = np.asarray(history, np.float64)
    fig = Fig()
    fig.add_trace(trace_dict("scatter", x=np.arange(1, len(h) + 1), y=h, mode="lines",
                             line=dict(color=SERIES_COLORS[1]), hovertemplate="%{x}: %{y:.5f}<extra></extra>"))
    return _layout(fig, title, x_title, y_title, height=280)
