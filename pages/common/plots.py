"""Plotly figure builders. They take arrays that the pages computed and return a ``Fig`` (below); they compute
nothing and never draw more than what they are given.

Drawing budget (../shared/STACK.md §3): rectangles are one trace of float32 closed paths separated by NaN
(about 77 bytes per box), never ``layout.shapes``; many points use Scattergl; the photo is a JPEG layout
image below the traces. Every figure title carries the numbers it shows, so it changes with the data.

Build cost: plotly validates every property it is given, which took most of a rerun (0.3 s for the base
anchors, 1.4 s for the IoU small multiples). So a figure is put together as plain trace and layout dicts in a
``Fig`` and written as JSON unvalidated (``Fig.to_json()``, for ``chart.show``). ``make_subplots`` grids are
computed once per grid and titles (``subplots``).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import io as _io
import json
import os
import threading
from collections import OrderedDict

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.utils import PlotlyJSONEncoder
from plotly.subplots import make_subplots

from pages.common.i18n import t

GT_COLORS = ("#ff1744", "#2979ff", "#00e676", "#ffea00", "#d500f9", "#ff9100", "#00e5ff", "#f50057", "#76ff03",
             "#ffc400", "#651fff", "#1de9b6")
LEVEL_COLORS = ("#00e5ff", "#ffea00", "#ff4081", "#76ff03", "#e040fb", "#ff9100", "#ffffff", "#40c4ff")
NEG_COLOR = "rgba(190,190,190,0.75)"
IGN_COLOR = "#ff9100"
SAMPLE_NEG_COLOR = "#2979ff"
SAMPLE_POS_COLOR = "#ffffff"
SHAPE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                "#17becf")


def rgba(hex_color: str, alpha: int = 255) -> tuple[int, int, int, int]:
    """"#rrggbb" -> (r, g, b, alpha)."""
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha


def gt_color(i: int) -> str:
    return GT_COLORS[i % len(GT_COLORS)]


def level_color(i: int) -> str:
    return LEVEL_COLORS[i % len(LEVEL_COLORS)]


def _digest(obj, h) -> None:
    """Feed a value made of arrays, dicts, lists, tuples and scalars into hash ``h`` (exact: all the bytes)."""
    if isinstance(obj, np.ndarray):
        h.update(b"A%s%s" % (str(obj.dtype).encode(), str(obj.shape).encode()))
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, dict):
        h.update(b"D%d" % len(obj))
        for k, v in obj.items():
            _digest(k, h)
            _digest(v, h)
    elif isinstance(obj, (list, tuple)):
        h.update(b"L%d" % len(obj))
        for v in obj:
            _digest(v, h)
    else:
        h.update(f"{type(obj).__name__}:{obj!r};".encode())


def memo(maxsize: int):
    """Keep the last ``maxsize`` results of a pure builder, keyed by the exact content of its arguments (process-wide,
    so sessions share them). For figures that do not change with the control that reran the page (a rerun
    otherwise rebuilds them). The result is shared: callers must not change it (chart.show only reads it).
    Not ``st.cache_resource``: Streamlit hashes arrays of 500,000 values or more from a random sample, and a dot
    layer's centres can be that many (d2l's 262,144 locations), so two different inputs could share an entry."""
    def deco(fn):
        cache: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            h = hashlib.blake2b(digest_size=20)
            _digest((args, kwargs), h)
            key = h.digest()
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            out = fn(*args, **kwargs)
            with lock:
                cache[key] = out
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return out
        return wrapper
    return deco


def _merge(dst: dict, src: dict) -> dict:
    """Plotly's update rule: nested dicts merge, anything else (lists included) replaces."""
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            _merge(dst[k], v)
        else:
            dst[k] = v
    return dst


# plotly.js typed arrays: what plotly's to_dict() does to every numpy array (``_plotly_utils.utils``
# to_typed_array_spec), done here once without its per-array pandas/narwhals checks (a third of a millisecond
# each, and a figure can hold hundreds of small arrays)
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}
_NOT_TYPED_KEYS = {"geojson", "layer", "layers", "range"}  # plotly leaves these as they are


def _typed_array(v: np.ndarray):
    if v.size == 0:
        return v
    if v.dtype == np.int64 or v.dtype == np.uint64:
        lo, hi = v.min(), v.max()
        small = (np.int8, np.int16, np.int32) if v.dtype == np.int64 else (np.uint8, np.uint16, np.uint32)
        for dt in small:
            if np.iinfo(dt).min <= lo and hi <= np.iinfo(dt).max:
                v = v.astype(dt)
                break
        else:
            return v
    code = _TYPED.get(str(v.dtype))
    if code is None:
        return v
    out = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
    if v.ndim > 1:
        out["shape"] = str(v.shape)[1:-1]
    return out


def _encode_arrays(obj) -> None:
    """Replace, in place, the numpy arrays held as dict values by plotly.js typed-array specs."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in _NOT_TYPED_KEYS:
                continue
            if isinstance(v, np.ndarray):
                obj[k] = _typed_array(v)
            elif isinstance(v, (dict, list, tuple)):
                _encode_arrays(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            if isinstance(v, (dict, list, tuple)):
                _encode_arrays(v)


def trace_dict(kind: str, **props) -> dict:
    """A trace dict; None means "not set", as in the go.* constructors."""
    return {"type": kind, **{k: v for k, v in props.items() if v is not None}}


class Fig:
    """A figure under construction: trace dicts and a layout dict (see the module docstring).

    ``to_json()`` writes the spec for ``chart.show`` without plotly's per-property validation, so the builders
    only pass property names and values that plotly accepts (the go.* constructors would accept the same
    arguments; the tests set ANCHORVIZ_VALIDATE_FIGURES to check that).
    """

    def __init__(self, layout: dict | None = None, *, cols: int = 1):
        self.data: list[dict] = []
        self.layout: dict = layout if layout is not None else {}
        self.cols = cols  # subplot grid width, for row/col -> axis names

    def _axes(self, row: int | None, col: int | None) -> tuple[str, str] | None:
        if row is None:
            return None
        i = (row - 1) * self.cols + col
        return ("x", "y") if i == 1 else (f"x{i}", f"y{i}")

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> None:
        axes = self._axes(row, col)
        if axes is not None:
            trace = {**trace, "xaxis": axes[0], "yaxis": axes[1]}
        self.data.append(trace)

    def update_layout(self, **props) -> None:
        _merge(self.layout, props)

    def add_layout_image(self, image: dict) -> None:
        self.layout["images"] = [*self.layout.get("images", ()), dict(image)]

    def add_annotation(self, **props) -> None:
        self.layout["annotations"] = [*self.layout.get("annotations", ()), props]

    def axis(self, letter: str, row: int, col: int) -> dict:
        """The layout dict of one subplot's x or y axis."""
        i = (row - 1) * self.cols + col
        return self.layout.setdefault(f"{letter}axis{i if i > 1 else ''}", {})

    def update_axes(self, letter: str, row: int | None = None, col: int | None = None, **props) -> None:
        """``update_xaxes`` / ``update_yaxes``: one subplot's axis, or every axis of that letter."""
        if row is not None:
            _merge(self.axis(letter, row, col), props)
            return
        for k in self.layout:
            if k.startswith(f"{letter}axis") and isinstance(self.layout[k], dict):
                _merge(self.layout[k], copy.deepcopy(props))

    def to_json(self) -> str:
        """The spec plotly.js reads, as ``go.Figure.to_json`` writes it (typed arrays; NaN and inf as null)."""
        if os.environ.get("ANCHORVIZ_VALIDATE_FIGURES"):  # the tests set it: plotly checks every property
            go.Figure(data=self.data, layout=self.layout)
        _encode_arrays(self.data)  # in place; a second call finds nothing left to encode
        _encode_arrays(self.layout)
        return json.dumps({"data": self.data, "layout": self.layout}, cls=PlotlyJSONEncoder)


@functools.lru_cache(maxsize=16)
def _subplots_layout_cached(rows: int, cols: int, titles: tuple, row_titles: tuple | None, horizontal_spacing: float,
                            vertical_spacing: float | None) -> dict:
    kw = {} if vertical_spacing is None else {"vertical_spacing": vertical_spacing}
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(titles),
                        row_titles=list(row_titles) if row_titles is not None else None,
                        horizontal_spacing=horizontal_spacing, figure=go.Figure(_validate=False), **kw)
    layout = copy.deepcopy(fig._layout)
    layout.pop("template", None)  # go.Figure() adds the default template again
    return layout


def subplots(rows: int, cols: int, titles: list[str], *, horizontal_spacing: float,
             vertical_spacing: float | None = None, row_titles: list[str] | None = None) -> Fig:
    """``make_subplots`` as a ``Fig`` (the grid layout is computed once per grid and titles, then copied)."""
    layout = _subplots_layout_cached(rows, cols, tuple(titles), tuple(row_titles) if row_titles is not None else None,
                                     horizontal_spacing, vertical_spacing)
    return Fig(copy.deepcopy(layout), cols=cols)


def boxes_path(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """xyxy (n, 4) -> float32 x and y arrays of closed 5-point paths separated by NaN."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    x0, y0, x1, y1 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    nan = np.full_like(x0, np.nan)
    xs = np.stack([x0, x1, x1, x0, x0, nan], 1).ravel().astype(np.float32)
    ys = np.stack([y0, y0, y1, y1, y0, nan], 1).ravel().astype(np.float32)
    return xs, ys


def image_figure(bg_uri: str, input_hw: tuple[int, int], title: str, *, height: int = 680,
                 view: tuple[float, float, float, float] | None = None) -> Fig:
    """An empty figure showing the network input image, y down, 1 px = 1 unit on both axes.

    Args:
        bg_uri: data URI of the image (stretched over [0, W] x [0, H]).
        input_hw: network input (height, width).
        title: the figure title.
        view: (x0, y0, x1, y1) visible region; default the image with a 4% margin.
    """
    h, w = input_hw
    if view is None:
        m = 0.04 * max(h, w)
        view = (-m, -m, w + m, h + m)
    x0, y0, x1, y1 = view
    return Fig(dict(
        title=dict(text=title, x=0.0, xanchor="left", font=dict(size=14)),
        images=[dict(source=bg_uri, xref="x", yref="y", x=0, y=0, sizex=w, sizey=h, sizing="stretch",
                     layer="below", xanchor="left", yanchor="top")],
        xaxis=dict(range=[x0, x1], showgrid=False, zeroline=False, constrain="domain", ticks="outside"),
        yaxis=dict(range=[y1, y0], showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1,
                   constrain="domain", ticks="outside"),
        margin=dict(l=10, r=10, t=40, b=10), height=height, plot_bgcolor="#2b2b2b",
        legend=dict(bgcolor="rgba(255,255,255,0.85)", font=dict(size=11), itemsizing="constant"),
        hovermode="closest", dragmode="pan",
        # a line over the image edge, so padding and anchors outside the image read as such
        shapes=[dict(type="rect", xref="x", yref="y", x0=0, y0=0, x1=w, y1=h, line=dict(color="#bbbbbb", width=1),
                     layer="below")],
    ))


def add_rects(fig: Fig, boxes: np.ndarray, *, name: str, color: str, width: float = 1.0,
              dash: str | None = None, gl: bool = True, showlegend: bool = True, legendgroup: str | None = None,
              opacity: float = 1.0, row: int | None = None, col: int | None = None) -> None:
    """Add (n, 4) xyxy boxes as one line trace (NaN-separated paths)."""
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


@memo(maxsize=16)
def dots_layer(layers: list[tuple[np.ndarray, tuple[int, int, int, int], int]], input_hw: tuple[int, int], *,
               margin: float = 0.04, max_side: int = 1000) -> dict:
    """Many points as ONE transparent PNG layout image (a "dot layer"), for thousands of centres.

    Thousands of markers cost a DOM node each in SVG, and Scattergl's WebGL is slow with software rendering
    (STACK.md §3; about a second per new context when charts were remounted on every change); an image costs
    one decode. The dots have no hover; the caller adds legend entries.

    Args:
        layers: (xy (n, 2) in network-input pixels, RGBA colour, radius in raster pixels), drawn in order.
        input_hw: network input (height, width); the layer covers it plus ``margin`` on every side.

    Returns:
        A ``layout.images`` entry.
    """
    h, w = input_hw
    m = margin * max(h, w)
    x0, y0, ext_w, ext_h = -m, -m, w + 2 * m, h + 2 * m
    f = min(1.0, max_side / max(ext_w, ext_h))
    rw, rh = max(1, int(round(ext_w * f))), max(1, int(round(ext_h * f)))
    img = np.zeros((rh, rw, 4), np.uint8)
    for xy, color, r in layers:
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        if not len(xy):
            continue
        px = np.floor((xy[:, 0] - x0) * f).astype(np.int64)
        py = np.floor((xy[:, 1] - y0) * f).astype(np.int64)
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy > r * r + r:  # roundish
                    continue
                qx, qy = px + dx, py + dy
                ok = (qx >= 0) & (qx < rw) & (qy >= 0) & (qy < rh)
                img[qy[ok], qx[ok]] = color
    buf = _io.BytesIO()
    Image.fromarray(img, "RGBA").save(buf, format="PNG", compress_level=1)
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    return dict(source=uri, xref="x", yref="y", x=x0, y=y0, sizex=ext_w, sizey=ext_h, sizing="stretch",
                layer="above", xanchor="left", yanchor="top")


def add_legend_key(fig: Fig, *, name: str, color: str, symbol: str = "circle", size: float = 7) -> None:
    """A legend entry with no data (for things drawn as a dot layer or as shapes)."""
    fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="markers",
                         marker=dict(color=color, symbol=symbol, size=size), name=name, hoverinfo="skip"))


MAX_GT_SHAPES = 60  # up to this many GT boxes are layout shapes + annotations (cheap); more become traces


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
    fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color="#ff1744", width=2), hoverinfo="skip",
                         name=f"{name} ({len(b)})", legendgroup="gt"))
    fig.add_trace(trace_dict(
        "scatter", x=b[:, 0].astype(np.float32), y=b[:, 1].astype(np.float32), mode="markers", hovertext=list(texts),
        hoverinfo="text", marker=dict(color=list(colors), size=5, symbol="square"), showlegend=False,
        legendgroup="gt",
    ))


def base_anchors_figure(panels: list[dict]) -> Fig:
    """Each level's cell anchors side by side, centred on a common point, with a w×h key under each.

    Args:
        panels: one dict per level with ``name`` (str), ``stride`` (float), ``cells`` ((A, 4) xyxy centred
            at 0), ``labels`` (A texts "w×h"), ``title`` (subplot title).
    """
    n = len(panels)
    total = sum(len(pn["labels"]) for pn in panels)
    texts = (t("plots.one_cell"), t("plots.shape"),
             t("plots.base_title_one" if n == 1 else "plots.base_title_many", total=total, n=n))
    return _base_anchors_figure(panels, texts)


@memo(maxsize=8)
def _base_anchors_figure(panels: list[dict], texts: tuple[str, str, str]) -> Fig:
    """base_anchors_figure with its texts given (it does not change with the centre offset: kept)."""
    one_cell, shape_word, fig_title = texts
    n = len(panels)
    fig = subplots(1, n, [pn["title"] for pn in panels], horizontal_spacing=0.02)
    for i, pn in enumerate(panels, start=1):
        cells = np.asarray(pn["cells"], np.float64).reshape(-1, 4)
        s = float(pn["stride"])
        ext = max(float(np.abs(cells).max()) if len(cells) else 0.0, s / 2) * 1.08
        add_rects(fig, np.array([[-s / 2, -s / 2, s / 2, s / 2]]), name=one_cell, color="#777777",
                  width=1, dash="dot", gl=False, showlegend=(i == 1), legendgroup="cell", row=1, col=i)
        colors = [SHAPE_COLORS[k % len(SHAPE_COLORS)] for k in range(len(cells))]
        for k, (box, label) in enumerate(zip(cells, pn["labels"])):
            xs, ys = boxes_path(box[None, :])
            fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color=colors[k], width=1.5),
                                 hovertemplate=f"{pn['name']} {shape_word} {k}: {label}<extra></extra>",
                                 showlegend=False), row=1, col=i)
        fig.update_axes("x", range=[-ext, ext], zeroline=False, showgrid=False, ticks="outside", row=1, col=i)
        fig.update_axes("y", range=[ext, -ext], zeroline=False, showgrid=False, ticks="outside", domain=[0.42, 1.0],
                        scaleanchor=f"x{i if i > 1 else ''}", scaleratio=1, row=1, col=i)
        # the key under the drawing: "k: w×h" per shape in its colour (two per line when there are many)
        items = [f"<span style='color:{c}'>■ {k}: {lab}</span>" for k, (c, lab) in enumerate(zip(colors, pn["labels"]))]
        per_line = 1 if len(items) <= 10 else 2
        lines = ["&nbsp;&nbsp;".join(items[j:j + per_line]) for j in range(0, len(items), per_line)]
        dom = fig.axis("x", 1, i)["domain"]
        fig.add_annotation(x=(dom[0] + dom[1]) / 2, y=0.33, xref="paper", yref="paper", xanchor="center",
                           yanchor="top", align="left", showarrow=False, text="<br>".join(lines),
                           font=dict(size=11, family="monospace"))
    fig.update_layout(
        title=dict(text=fig_title, x=0.0, font=dict(size=14)),
        height=560, margin=dict(l=10, r=10, t=70, b=10), plot_bgcolor="#fafafa", showlegend=False,
    )
    return fig


def offset_figure(panels: list[dict], title: str, *, bg: dict, input_hw: tuple[int, int]) -> Fig:
    """The same crop of one level drawn with two centre offsets, side by side.

    Args:
        panels: dicts with ``title``, ``grid_x``/``grid_y`` (cell borders), ``centres`` ((n, 2)),
            ``boxes`` ((m, 4) anchors to draw), ``view`` (x0, y0, x1, y1).
        title: figure title.
        bg: the image region below: ``source`` (data URI), ``x``, ``y``, ``sizex``, ``sizey``.
        input_hw: network input (height, width), for the image border.
    """
    h, w = input_hw
    fig = subplots(1, len(panels), [pn["title"] for pn in panels], horizontal_spacing=0.04)
    for i, pn in enumerate(panels, start=1):
        xref = "x" if i == 1 else f"x{i}"
        yref = "y" if i == 1 else f"y{i}"
        if bg.get("source"):
            fig.add_layout_image(dict(source=bg["source"], xref=xref, yref=yref, x=bg["x"], y=bg["y"],
                                      sizex=bg["sizex"], sizey=bg["sizey"], sizing="stretch", layer="below",
                                      xanchor="left", yanchor="top", opacity=0.75))
        x0, y0, x1, y1 = pn["view"]
        gx, gy = np.asarray(pn["grid_x"], np.float64), np.asarray(pn["grid_y"], np.float64)
        nan = np.full_like(gx, np.nan)
        vx = np.stack([gx, gx, nan], 1).ravel()
        vy = np.tile([y0, y1, np.nan], len(gx))
        hy = np.stack([gy, gy, np.full_like(gy, np.nan)], 1).ravel()
        hx = np.tile([x0, x1, np.nan], len(gy))
        fig.add_trace(trace_dict("scatter", x=np.concatenate([vx, [np.nan], hx]).astype(np.float32),
                             y=np.concatenate([vy, [np.nan], hy]).astype(np.float32), mode="lines",
                             line=dict(color="rgba(255,255,255,0.9)", width=1, dash="dot"),
                             name=t("plots.cell_borders"), hoverinfo="skip", showlegend=(i == 1),
                             legendgroup="grid"), row=1, col=i)
        fig.add_trace(trace_dict("scatter", x=[0, w, w, 0, 0], y=[0, 0, h, h, 0], mode="lines",
                             line=dict(color="#ff1744", width=2.5), name=t("plots.image_border"),
                             hoverinfo="skip", showlegend=(i == 1), legendgroup="edge"), row=1, col=i)
        add_rects(fig, pn["boxes"], name=t("plots.squarest"), color="#00e5ff", width=1.5, gl=False,
                  showlegend=(i == 1), legendgroup="anchor", row=1, col=i)
        c = np.asarray(pn["centres"], np.float64).reshape(-1, 2)
        fig.add_trace(trace_dict("scatter", x=c[:, 0].astype(np.float32), y=c[:, 1].astype(np.float32), mode="markers",
                             marker=dict(color="#ffea00", size=8, line=dict(color="black", width=1)),
                             name=t("plots.centres"), showlegend=(i == 1), legendgroup="centre",
                             hovertemplate=t("plots.centre") + " (%{x:.1f}, %{y:.1f})<extra></extra>"),
                      row=1, col=i)
        fig.update_axes("x", range=[x0, x1], zeroline=False, showgrid=False, row=1, col=i)
        fig.update_axes("y", range=[y1, y0], zeroline=False, showgrid=False, scaleanchor=xref, scaleratio=1,
                        domain=[0.0, 0.9], row=1, col=i)
    fig.update_layout(title=dict(text=title, x=0.0, font=dict(size=14)), height=460,
                      margin=dict(l=10, r=10, t=90, b=10), plot_bgcolor="#2b2b2b",
                      legend=dict(orientation="h", y=-0.06))
    return fig
