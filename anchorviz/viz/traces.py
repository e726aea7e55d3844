"""Trace helpers: rectangles, points, legend keys and GT boxes, each added to a ``Fig`` as few traces as possible.

Drawing budget (measured in ../shared/STACK.md §3): rectangles are one trace of float32 closed paths separated
by NaN (about 77 bytes per box), never ``layout.shapes`` (seconds to build and to draw past a few thousand);
many points use Scattergl or a dot layer (``image.dots_layer``).
"""

from __future__ import annotations

import numpy as np

from anchorviz.viz.colors import gt_color
from anchorviz.viz.figure import Fig, trace_dict

MAX_GT_SHAPES = 60  # up to this many GT boxes are layout shapes + annotations (cheap); more become traces


def boxes_path(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """xyxy (n, 4) -> float32 x and y arrays of closed 5-point paths separated by NaN (6 values per box)."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    x0, y0, x1, y1 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    nan = np.full_like(x0, np.nan)
    xs = np.stack([x0, x1, x1, x0, x0, nan], 1).ravel().astype(np.float32)
    ys = np.stack([y0, y0, y1, y1, y0, nan], 1).ravel().astype(np.float32)
    return xs, ys


def add_rects(fig: Fig, boxes: np.ndarray, *, name: str, color: str, width: float = 1.0,
              dash: str | None = None, gl: bool = True, showlegend: bool = True, legendgroup: str | None = None,
              opacity: float = 1.0, row: int | None = None, col: int | None = None) -> None:
    """Add (n, 4) xyxy boxes as one line trace (NaN-separated paths). Scattergl draws no dashes."""
    xs, ys = boxes_path(boxes)
    line = dict(color=color, width=width)
    if dash and not gl:
        line["dash"] = dash
    fig.add_trace(trace_dict("scattergl" if gl else "scatter", x=xs, y=ys, mode="lines", line=line, name=name,
                             hoverinfo="skip", showlegend=showlegend, legendgroup=legendgroup, opacity=opacity,
                             connectgaps=False), row=row, col=col)


def add_points(fig: Fig, xy: np.ndarray, *, name: str, color: str, size: float = 5, symbol: str = "circle",
               customdata: np.ndarray | None = None, hovertemplate: str | None = None, gl: bool = True,
               line_color: str | None = "rgba(0,0,0,0.6)", showlegend: bool = True, opacity: float = 1.0) -> None:
    """Add (n, 2) x, y points as one marker trace (float32)."""
    xy = np.asarray(xy, np.float64).reshape(-1, 2)
    marker = dict(color=color, size=size, symbol=symbol, opacity=opacity)
    if line_color and size >= 5:
        marker["line"] = dict(color=line_color, width=0.5)
    fig.add_trace(trace_dict(
        "scattergl" if gl else "scatter", x=xy[:, 0].astype(np.float32), y=xy[:, 1].astype(np.float32),
        mode="markers", marker=marker, name=name, customdata=customdata, hovertemplate=hovertemplate,
        hoverinfo=None if hovertemplate else "skip", showlegend=showlegend,
    ))


def add_legend_key(fig: Fig, *, name: str, color: str, symbol: str = "circle", size: float = 7) -> None:
    """A legend entry with no data (for things drawn as a dot layer or as shapes)."""
    fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="markers",
                             marker=dict(color=color, symbol=symbol, size=size), name=name, hoverinfo="skip"))


def gt_defaults(n: int, texts: list[str] | None, colors: list[str] | None) -> tuple[list[str], list[str]]:
    """Label and colour of each of n GTs: the given ones, else its index and ``gt_color``."""
    return (list(texts) if texts is not None else [str(i) for i in range(n)],
            list(colors) if colors is not None else [gt_color(i) for i in range(n)])


def add_gt(fig: Fig, boxes: np.ndarray, texts: list[str], colors: list[str], *, name: str = "GT") -> None:
    """GT boxes on top of everything, each with a dark halo, its colour and a label at its top-left corner.

    Few boxes are layout shapes and annotations (drawn above every trace, no trace cost); many are two
    SVG traces and a label trace.
    """
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    if not len(b):
        return
    if len(b) <= MAX_GT_SHAPES:
        shapes, notes = list(fig.layout.get("shapes") or ()), []
        for (x0, y0, x1, y1), text, color in zip(b.tolist(), texts, colors):
            rect = dict(type="rect", xref="x", yref="y", x0=x0, y0=y0, x1=x1, y1=y1, layer="above")
            shapes.append(dict(rect, line=dict(color="rgba(0,0,0,0.8)", width=4.5)))
            shapes.append(dict(rect, line=dict(color=color, width=2)))
            notes.append(dict(x=x0, y=y0, xref="x", yref="y", text=text, showarrow=False, xanchor="left",
                              yanchor="bottom", font=dict(color="white", size=11), bgcolor=color, opacity=0.85,
                              borderpad=1))
        fig.update_layout(shapes=shapes, annotations=list(fig.layout.get("annotations") or ()) + notes)
        fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="lines", line=dict(color=colors[0], width=2),
                                 name=f"{name} ({len(b)})", hoverinfo="skip"))
        return
    xs, ys = boxes_path(b)
    fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color="rgba(0,0,0,0.8)", width=4.5),
                             hoverinfo="skip", showlegend=False, legendgroup="gt"))
    xs, ys = boxes_path(b)
    fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color="#ff1744", width=2),
                             hoverinfo="skip", name=f"{name} ({len(b)})", legendgroup="gt"))
    fig.add_trace(trace_dict(
        "scatter", x=b[:, 0].astype(np.float32), y=b[:, 1].astype(np.float32), mode="markers", hovertext=list(texts),
        hoverinfo="text", marker=dict(color=list(colors), size=5, symbol="square"), showlegend=False,
        legendgroup="gt",
    ))
