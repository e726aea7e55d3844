"""``Fig``: a Plotly figure held as plain trace and layout dicts, written as JSON without plotly's validation.

Why not ``go.Figure``: plotly validates every property it is given, which took most of an app rerun (0.3 s for
the base anchors, 1.4 s for the IoU small multiples). The builders only pass property names and values that
the ``go.*`` constructors accept, so the app writes them unvalidated (``to_json``), and the tests set
``ANCHORVIZ_VALIDATE_FIGURES`` to have plotly check every figure again.

In a notebook a ``Fig`` displays itself (it hands Jupyter the ``go.Figure`` that ``to_plotly()`` makes), and
``to_plotly()`` gives an ordinary, validated ``go.Figure`` to edit or export.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import os

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from plotly.utils import PlotlyJSONEncoder


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
    """A figure under construction: trace dicts (``data``) and a layout dict (``layout``).

    The methods mirror ``go.Figure``'s (``add_trace``, ``update_layout``, ...) for the few things the
    builders need. A memoised builder returns a shared, frozen ``Fig`` (see ``anchorviz.viz.memo``): changing
    it raises; ``to_plotly()`` gives an independent copy to change.
    """

    def __init__(self, layout: dict | None = None, *, cols: int = 1):
        self.data: list[dict] = []
        self.layout: dict = layout if layout is not None else {}
        self.cols = cols  # subplot grid width, for row/col -> axis names
        self.frozen = False

    def _mutable(self) -> None:
        if self.frozen:
            raise ValueError("this figure is shared by a memoised builder and cannot change; "
                             "call .to_plotly() for a go.Figure of your own")

    def _axes(self, row: int | None, col: int | None) -> tuple[str, str] | None:
        if row is None:
            return None
        i = (row - 1) * self.cols + col
        return ("x", "y") if i == 1 else (f"x{i}", f"y{i}")

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> None:
        self._mutable()
        axes = self._axes(row, col)
        if axes is not None:
            trace = {**trace, "xaxis": axes[0], "yaxis": axes[1]}
        self.data.append(trace)

    def update_layout(self, **props) -> None:
        self._mutable()
        _merge(self.layout, props)

    def add_layout_image(self, image: dict) -> None:
        self._mutable()
        self.layout["images"] = [*self.layout.get("images", ()), dict(image)]

    def add_annotation(self, **props) -> None:
        self._mutable()
        self.layout["annotations"] = [*self.layout.get("annotations", ()), props]

    def axis(self, letter: str, row: int, col: int) -> dict:
        """The layout dict of one subplot's x or y axis."""
        i = (row - 1) * self.cols + col
        return self.layout.setdefault(f"{letter}axis{i if i > 1 else ''}", {})

    def update_axes(self, letter: str, row: int | None = None, col: int | None = None, **props) -> None:
        """``update_xaxes`` / ``update_yaxes``: one subplot's axis, or every axis of that letter."""
        self._mutable()
        if row is not None:
            _merge(self.axis(letter, row, col), props)
            return
        for k in self.layout:
            if k.startswith(f"{letter}axis") and isinstance(self.layout[k], dict):
                _merge(self.layout[k], copy.deepcopy(props))

    def to_json(self) -> str:
        """The spec plotly.js reads, as ``go.Figure.to_json`` writes it (typed arrays; NaN and inf as null).

        Encodes the arrays in place, once (a memoised figure is encoded on its first use only)."""
        if os.environ.get("ANCHORVIZ_VALIDATE_FIGURES"):  # the tests set it: plotly checks every property
            go.Figure(data=self.data, layout=self.layout)
        _encode_arrays(self.data)  # in place; a second call finds nothing left to encode
        _encode_arrays(self.layout)
        return json.dumps({"data": self.data, "layout": self.layout}, cls=PlotlyJSONEncoder)

    def to_plotly(self) -> go.Figure:
        """An ordinary ``go.Figure`` (validated, independent of this one): to edit, ``write_html`` or export.

        Without a template, like the app (plotly.js's own defaults), unless the layout names one."""
        layout = copy.deepcopy(self.layout)
        layout.setdefault("template", "none")
        return go.Figure(data=copy.deepcopy(self.data), layout=layout)

    def show(self, *args, **kwargs) -> None:
        """``go.Figure.show`` (a notebook cell, or a browser tab from a script)."""
        self.to_plotly().show(*args, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """Jupyter shows a ``Fig`` as the go.Figure it stands for."""
        return self.to_plotly()._repr_mimebundle_(include, exclude, **kwargs)

    def _repr_html_(self) -> str:
        return self.to_plotly()._repr_html_()

    def __repr__(self) -> str:
        title = (self.layout.get("title") or {}).get("text", "")
        return f"<anchorviz Fig: {len(self.data)} traces{', ' + repr(title[:60]) if title else ''}>"


@functools.lru_cache(maxsize=16)
def _subplots_layout_cached(rows: int, cols: int, titled: tuple, row_titles: tuple | None, horizontal_spacing: float,
                            vertical_spacing: float | None) -> dict:
    """The grid's layout with placeholder titles ("\x00<i>" for each subplot that has one; make_subplots skips
    empty titles), so it is computed once per grid, not once per set of title texts (the IoU small multiples'
    titles carry each user's numbers)."""
    kw = {} if vertical_spacing is None else {"vertical_spacing": vertical_spacing}
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"\x00{i}" if t else "" for i, t in enumerate(titled)],
                        row_titles=list(row_titles) if row_titles is not None else None,
                        horizontal_spacing=horizontal_spacing, figure=go.Figure(_validate=False), **kw)
    layout = copy.deepcopy(fig._layout)
    layout.pop("template", None)  # go.Figure() adds the default template again
    return layout


def subplots(rows: int, cols: int, titles: list[str], *, horizontal_spacing: float,
             vertical_spacing: float | None = None, row_titles: list[str] | None = None) -> Fig:
    """``make_subplots`` as a ``Fig`` (the grid layout is computed once per grid, then copied with the titles)."""
    layout = copy.deepcopy(_subplots_layout_cached(
        rows, cols, tuple(bool(t) for t in titles), tuple(row_titles) if row_titles is not None else None,
        horizontal_spacing, vertical_spacing))
    for ann in layout.get("annotations", ()):
        text = ann.get("text")
        if isinstance(text, str) and text.startswith("\x00"):
            ann["text"] = titles[int(text[1:])]
    return Fig(layout, cols=cols)


def spec_json(fig: Fig | go.Figure) -> str:
    """A figure as the JSON plotly.js reads, without a template (plotly.js's own defaults, the same for all)."""
    if isinstance(fig, Fig):
        return fig.to_json()
    spec = fig.to_plotly_json()  # the dataset builders return go.Figure
    spec.get("layout", {}).pop("template", None)
    return json.dumps(spec, cls=PlotlyJSONEncoder)
