"""The Assigners view: an anchor rule and a point rule side by side on the same image, and one GT's candidates.

One colour language in both panels: negative locations are grey dots, ignored ones orange dots (anchor rules
only), and each positive is a marker whose **ring** is its GT's colour and whose **fill** is its class target on
one shared scale (1 for hard labels, the soft score for TAL, SimOTA and RTMDet). A GT with no positive in a panel
gets a dashed outline and a "0" flag in that panel. The two panels share their zoom.

Builders only arrange what ``anchorviz.core.assigner_layers`` picked; every text is an argument.
"""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.assigner_layers import GtCandidates, PanelLayers
from anchorviz.viz import colors as C
from anchorviz.viz.figure import Fig, subplots, trace_dict
from anchorviz.viz.image import background, dots_layer
from anchorviz.viz.traces import MAX_GT_SHAPES, boxes_path, gt_defaults

NEG_DOT = ((210, 210, 210, 170), 1)
IGN_DOT = ((255, 145, 0, 255), 3)
MAX_MARKERS = 2500  # positives drawn as SVG markers per panel up to this many, else as dots in their GT's colour
TARGET_SCALE = "Viridis"  # class target 0 -> 1 (hard positives are 1: yellow)
FLAG_COLOR = "#d50000"
SPAN_DECADES = 5.0  # the candidates' colour scale spans at most this many powers of ten
MAX_GRID_DOTS = 1500  # a candidate window shows its level's points as dots up to this many cells


def _axes_names(col: int) -> tuple[str, str]:
    return ("x", "y") if col == 1 else (f"x{col}", f"y{col}")


def _image_axes(fig: Fig, col: int, view: tuple[float, float, float, float], *, ticks: bool = True,
                y_ticks: bool = True) -> None:
    x0, y0, x1, y1 = view
    xa, ya = _axes_names(col)
    fig.update_axes("x", 1, col, range=[x0, x1], showgrid=False, zeroline=False, constrain="domain",
                    ticks="outside" if ticks else "", showticklabels=ticks)
    fig.update_axes("y", 1, col, range=[y1, y0], showgrid=False, zeroline=False, scaleanchor=xa, scaleratio=1,
                    constrain="domain", ticks="outside" if ticks and y_ticks else "",
                    showticklabels=ticks and y_ticks)


def _background(fig: Fig, uri: str, col: int, x: float, y: float, w: float, h: float) -> None:
    xa, ya = _axes_names(col)
    fig.add_layout_image(dict(source=uri, xref=xa, yref=ya, x=x, y=y, sizex=w, sizey=h, sizing="stretch",
                              layer="below", xanchor="left", yanchor="top"))


def _gt_boxes(fig: Fig, boxes: np.ndarray, texts: list[str], colors: list[str], col: int, flagged: set[int],
              flag_text: str) -> None:
    """GT boxes of one panel: halo + colour + label; a flagged GT also gets a dashed outline and ``flag_text``."""
    xa, ya = _axes_names(col)
    if len(boxes) > MAX_GT_SHAPES:  # many GTs: one path trace, no labels
        xs, ys = boxes_path(boxes)
        fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color="#ff1744", width=1.5),
                                 hoverinfo="skip", showlegend=False), row=1, col=col)
        if flagged:
            xs, ys = boxes_path(boxes[sorted(flagged)])
            fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                     line=dict(color="#ffffff", width=2, dash="dot")), row=1, col=col)
        return
    shapes = list(fig.layout.get("shapes") or ())
    notes = list(fig.layout.get("annotations") or ())
    for i, ((x0, y0, x1, y1), text, color) in enumerate(zip(boxes.tolist(), texts, colors)):
        rect = dict(type="rect", xref=xa, yref=ya, x0=x0, y0=y0, x1=x1, y1=y1, layer="above")
        shapes.append(dict(rect, line=dict(color="rgba(0,0,0,0.8)", width=4)))
        shapes.append(dict(rect, line=dict(color=color, width=1.8)))
        notes.append(dict(x=x0, y=y0, xref=xa, yref=ya, text=text, showarrow=False, xanchor="left", yanchor="bottom",
                          font=dict(color="white", size=10), bgcolor=color, opacity=0.85, borderpad=1))
        if i in flagged:
            shapes.append(dict(rect, line=dict(color="#ffffff", width=2, dash="dot")))
            notes.append(dict(x=x0, y=y1, xref=xa, yref=ya, text=flag_text, showarrow=False, xanchor="left",
                              yanchor="top", font=dict(color="white", size=11), bgcolor=FLAG_COLOR, borderpad=2))
    fig.update_layout(shapes=shapes, annotations=notes)


def _gt_centres(fig: Fig, boxes: np.ndarray, colors: list[str], col: int, name: str, hover: str) -> None:
    if not len(boxes):
        return
    c = 0.5 * (boxes[:, :2] + boxes[:, 2:])
    fig.add_trace(trace_dict(
        "scatter", x=c[:, 0].astype(np.float32), y=c[:, 1].astype(np.float32), mode="markers", name=name,
        marker=dict(color=list(colors), size=11, symbol="circle-open-dot", line=dict(width=2)),
        customdata=np.arange(len(boxes), dtype=np.int32), hovertemplate=hover, legendgroup="gtc",
        showlegend=col == 1), row=1, col=col)


def _panel(fig: Fig, col: int, layers: PanelLayers, input_hw: tuple[int, int], colors: list[str], *,
           pos_name: str, pos_hover: str, as_dots_name: str, show_legend: bool) -> None:
    """Dots (negative, ignored) as one image, positives as one marker trace (or dots when too many)."""
    xa, ya = _axes_names(col)
    dots = [(layers.neg_xy, *NEG_DOT), (layers.ign_xy, *IGN_DOT)]
    gcolors = np.array([colors[g] if 0 <= g < len(colors) else C.gt_color(int(g)) for g in layers.pos_gt.tolist()],
                       dtype=object)
    many = len(layers.pos_xy) > MAX_MARKERS
    if many:
        for color in sorted(set(gcolors.tolist())):
            dots.append((layers.pos_xy[gcolors == color], C.rgba(color), 2))
    fig.add_layout_image(dict(dots_layer(dots, input_hw), xref=xa, yref=ya))
    if many:
        fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="markers", name=as_dots_name,
                                 marker=dict(color=C.gt_color(0), size=7), hoverinfo="skip",
                                 showlegend=show_legend), row=1, col=col)
        return
    xy = layers.pos_xy
    fig.add_trace(trace_dict(
        "scatter", x=xy[:, 0].astype(np.float32), y=xy[:, 1].astype(np.float32), mode="markers", name=pos_name,
        marker=dict(color=layers.pos_target.astype(np.float32), coloraxis="coloraxis", size=9, symbol="circle",
                    line=dict(color=gcolors.tolist(), width=1.8)),
        customdata=layers.pos_gt.astype(np.int32), hovertemplate=pos_hover, legendgroup="pos",
        showlegend=show_legend), row=1, col=col)


def assigners_figure(image: np.ndarray | str, *, left: PanelLayers, right: PanelLayers, gt_boxes: np.ndarray,
                     input_hw: tuple[int, int] | None = None, title: str = "", left_title: str = "anchor rule",
                     right_title: str = "point rule", gt_texts: list[str] | None = None,
                     gt_colors: list[str] | None = None, diff_xy: np.ndarray | None = None,
                     diff_hover: list[str] | None = None, diff_name: str = "differs from the other rule",
                     pos_name: str = "positive (ring: its GT, fill: class target)",
                     pos_hover: str = "GT %{customdata} · target %{marker.color:.3f}<extra></extra>",
                     as_dots_name: str = "positives (too many: dots in their GT's colour)",
                     neg_name: str = "negative", ign_name: str = "ignored", flag_text: str = "0 positives",
                     flag_name: str = "GT without a positive", target_title: str = "class target",
                     gt_click_name: str = "GT centres (click to pick)", gt_hover: str = "GT %{customdata}<extra></extra>",
                     height: int | None = None) -> Fig:
    """Left: the anchor rule's labels; right: the point rule's; the GTs on top of both, zoom shared.

    Args:
        image: uint8 (H, W, 3) network-input image, or its data URI (then ``input_hw`` is needed).
        left, right: the panels (``anchor_panel`` / ``point_panel``).
        gt_boxes: float64 (M, 4) xyxy network-input pixels.
        diff_xy: float64 (d, 2) points of the right panel where a compared rule disagrees, with ``diff_hover``
            (one text each); None draws no comparison.
        pos_hover: hover of a positive; ``%{customdata}`` is its GT, ``%{marker.color}`` its class target.
        height: figure height in pixels; default: what two panels of this aspect side by side need in a wide page.
    """
    bg_uri, input_hw = background(image, input_hw)
    h, w = input_hw
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    texts, cols = gt_defaults(len(gts), gt_texts, gt_colors)
    fig = subplots(1, 2, [left_title, right_title], horizontal_spacing=0.02)
    m = 0.04 * max(h, w)
    view = (-m, -m, w + m, h + m)
    if height is None:  # a panel is about 430 px wide in a wide page; the title, legend and ticks take ~150
        height = int(np.clip(430 * (h + 2 * m) / (w + 2 * m) + 150, 360, 760))
    for col, layers in ((1, left), (2, right)):
        _image_axes(fig, col, view, y_ticks=col == 1)
        _background(fig, bg_uri, col, 0, 0, w, h)
        _panel(fig, col, layers, input_hw, cols, pos_name=pos_name, pos_hover=pos_hover, as_dots_name=as_dots_name,
               show_legend=col == 1)
    # one zoom for both panels: the right panel's axes follow the left one's
    fig.update_axes("x", 1, 2, matches="x")
    fig.update_axes("y", 1, 2, matches="y")
    fig.axis("y", 1, 2).pop("scaleanchor", None)
    if diff_xy is not None and len(diff_xy):
        d = np.asarray(diff_xy, np.float64).reshape(-1, 2)
        fig.add_trace(trace_dict("scatter", x=d[:, 0].astype(np.float32), y=d[:, 1].astype(np.float32),
                                 mode="markers", name=diff_name, hovertext=list(diff_hover or ()),
                                 hoverinfo="text" if diff_hover else "skip",
                                 marker=dict(color="#ffffff", size=13, symbol="square-open", line=dict(width=2))),
                      row=1, col=2)
    for col, layers in ((1, left), (2, right)):
        _gt_boxes(fig, gts, texts, cols, col, set(layers.without_positive.tolist()), flag_text)
        _gt_centres(fig, gts, cols, col, gt_click_name, gt_hover)
    # legend keys for what the dot layers and shapes draw
    for name, color, symbol in ((neg_name, C.NEG_COLOR, "circle"), (ign_name, C.IGN_COLOR, "circle"),
                                (flag_name, FLAG_COLOR, "square")):
        if name == ign_name and not len(left.ign_xy) and not len(right.ign_xy):
            continue
        fig.add_trace(trace_dict("scatter", x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                                 marker=dict(color=color, symbol=symbol, size=7)))
    shapes = list(fig.layout.get("shapes") or ())
    for xa, ya in (("x", "y"), ("x2", "y2")):  # the image edge, so padding reads as padding
        shapes.insert(0, dict(type="rect", xref=xa, yref=ya, x0=0, y0=0, x1=w, y1=h, layer="below",
                              line=dict(color="#bbbbbb", width=1)))
    for ann in fig.layout.get("annotations", ())[:2]:  # the two panel titles
        ann["font"] = dict(size=12)
    fig.update_layout(
        shapes=shapes, title=dict(text=title, x=0.0, xanchor="left", font=dict(size=14)), height=height,
        margin=dict(l=40, r=10, t=70, b=10), plot_bgcolor="#2b2b2b", hovermode="closest", dragmode="pan",
        coloraxis=dict(colorscale=TARGET_SCALE, cmin=0.0, cmax=1.0,
                       colorbar=dict(title=dict(text=target_title, side="right"), thickness=12, len=0.55, x=1.0,
                                     xpad=4)),
        legend=dict(orientation="h", y=-0.02, yanchor="top", x=0.0, bgcolor="rgba(255,255,255,0.85)",
                    font=dict(size=11), itemsizing="constant"))
    return fig


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Colour-bar ticks of a log10 scale from lo to hi: decades, or 1-2-5 steps when it spans under two."""
    a, b = math.floor(lo), math.ceil(hi)
    mantissas = (1, 2, 5) if hi - lo < 2 else (1,)
    vals = [math.log10(mm) + e for e in range(a, b + 1) for mm in mantissas]
    vals = [v for v in vals if lo - 1e-9 <= v <= hi + 1e-9]
    if len(vals) > 7:
        vals = vals[::math.ceil(len(vals) / 7)]
    return vals, [f"{10.0 ** v:.3g}" for v in vals]


def gt_candidates_figure(gc: GtCandidates, *, gt_box: np.ndarray, gt_color: str, level_titles: list[str],
                         title: str = "", crop: dict | None = None, binary: bool = False,
                         value_title: str = "cost", value_hover: str = "%{customdata:.4g}<extra></extra>",
                         penalised_name: str = "penalised", penalised_hover: str = "penalised<extra></extra>",
                         won_name: str = "won", won_hover: str | None = None, lost_name: str = "lost",
                         lost_colors: list[str] | None = None, lost_hover: list[str] | None = None,
                         allowed_title: str = "allowed", points_name: str = "points of the level",
                         height: int = 380) -> Fig:
    """One GT's candidates, one panel per level around the GT: the cost (lower is brighter) or alignment metric
    (higher is brighter) on a log scale at each candidate point, penalised pairs grey, the points it won ringed in
    its colour, and the picks it lost as crosses in the winner's colour.

    Args:
        gc: from ``anchorviz.core.assigner_layers.gt_candidates``.
        gt_box: (4,) the GT, xyxy.
        level_titles: one per level window.
        crop: a ``layout.images`` dict of the photo under the view (source, x, y, sizex, sizey), or None.
        binary: a rule without costs (FCOS): allowed points in one colour, titled ``allowed_title``.
        lost_colors, lost_hover: one colour (the winner's) and text per lost pick.
        points_name: legend name of the level's points, drawn as small dots when a window has at most
            MAX_GRID_DOTS (so a GT that falls between points shows why it has no candidate).
    """
    n = len(gc.levels)
    fig = subplots(1, n, level_titles, horizontal_spacing=0.015)
    x0, y0, x1, y1 = gc.view
    lo, hi = gc.value_range
    lo_l, hi_l = math.log10(max(lo, 1e-30)), math.log10(max(hi, 1e-30))
    # the colours span at most SPAN_DECADES from the winning end (a far point's metric can be 1e-30): the rest
    # clamps to the last colour, its hover still gives the value
    if gc.kind == "metric":
        lo_l = max(lo_l, hi_l - SPAN_DECADES)
    else:
        hi_l = min(hi_l, lo_l + SPAN_DECADES)
    if hi_l - lo_l < 1e-6:
        lo_l, hi_l = lo_l - 0.5, hi_l + 0.5
    gx, gy = boxes_path(np.asarray(gt_box, np.float64)[None])
    lost_colors = list(lost_colors or ["#ffffff"] * len(gc.lost_xy))
    lost_hover = list(lost_hover or [""] * len(gc.lost_xy))
    shown_points = False
    for k, win in enumerate(gc.levels, start=1):
        _image_axes(fig, k, gc.view, ticks=False)
        if crop and crop.get("source"):
            _background(fig, crop["source"], k, crop["x"], crop["y"], crop["sizex"], crop["sizey"])
        if win.value.size:
            vals = win.value.astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                z = np.where(np.isfinite(vals), 1.0, np.nan) if binary else np.log10(np.maximum(vals, 1e-30))
            fig.add_trace(trace_dict(
                "heatmap", z=z.astype(np.float32), x0=win.x0, dx=win.dx, y0=win.y0, dy=win.dy,
                coloraxis="coloraxis", customdata=vals.astype(np.float32), hovertemplate=value_hover,
                hoverongaps=False, opacity=0.8, name=level_titles[k - 1]), row=1, col=k)
            if win.penalised.any():
                fig.add_trace(trace_dict(
                    "heatmap", z=np.where(win.penalised, 1.0, np.nan).astype(np.float32), x0=win.x0, dx=win.dx,
                    y0=win.y0, dy=win.dy, colorscale=[[0, "rgba(120,120,120,0.55)"], [1, "rgba(120,120,120,0.55)"]],
                    showscale=False, hovertemplate=penalised_hover, hoverongaps=False, name=penalised_name),
                    row=1, col=k)
        if 0 < win.value.size <= MAX_GRID_DOTS:  # the level's points in the window
            h, w = win.value.shape
            px, py = np.meshgrid(win.x0 + np.arange(w) * win.dx, win.y0 + np.arange(h) * win.dy)
            fig.add_trace(trace_dict(
                "scatter", x=px.ravel().astype(np.float32), y=py.ravel().astype(np.float32), mode="markers",
                marker=dict(color="rgba(225,225,225,0.85)", size=4, line=dict(color="rgba(0,0,0,0.6)", width=0.5)),
                hoverinfo="skip", name=points_name,
                legendgroup="pts", showlegend=not shown_points), row=1, col=k)
            shown_points = True
        fig.add_trace(trace_dict("scatter", x=gx, y=gy, mode="lines", line=dict(color=gt_color, width=2),
                                 hoverinfo="skip", showlegend=False), row=1, col=k)
        sel = gc.won_level == k - 1
        if sel.any():
            xy = gc.won_xy[sel]
            fig.add_trace(trace_dict(
                "scatter", x=xy[:, 0].astype(np.float32), y=xy[:, 1].astype(np.float32), mode="markers",
                name=won_name, legendgroup="won", showlegend=not bool((gc.won_level < k - 1).any()),
                marker=dict(color=gt_color, size=11, symbol="circle-open", line=dict(width=2.5)),
                hovertemplate=won_hover, hoverinfo=None if won_hover else "skip"), row=1, col=k)
        sel = np.flatnonzero(gc.lost_level == k - 1)
        if len(sel):
            xy = gc.lost_xy[sel]
            fig.add_trace(trace_dict(
                "scatter", x=xy[:, 0].astype(np.float32), y=xy[:, 1].astype(np.float32), mode="markers",
                name=lost_name, legendgroup="lost", showlegend=not bool((gc.lost_level < k - 1).any()),
                marker=dict(color=[lost_colors[i] for i in sel], size=10, symbol="x", line=dict(width=1,
                            color="#000000")),
                hovertext=[lost_hover[i] for i in sel], hoverinfo="text"), row=1, col=k)
    if binary:
        coloraxis = dict(colorscale=[[0, "rgba(0,200,90,0.75)"], [1, "rgba(0,200,90,0.75)"]], cmin=0, cmax=1,
                         colorbar=dict(title=dict(text=allowed_title), tickvals=[], thickness=12, len=0.4))
    else:
        tv, tt = _log_ticks(lo_l, hi_l)
        coloraxis = dict(colorscale=TARGET_SCALE, reversescale=gc.kind == "cost", cmin=lo_l, cmax=hi_l,
                         colorbar=dict(title=dict(text=value_title, side="right"), tickvals=tv, ticktext=tt,
                                       thickness=12, len=0.8))
    for ann in fig.layout.get("annotations", ()):
        ann["font"] = dict(size=11)
    fig.update_layout(title=dict(text=title, x=0.0, xanchor="left", font=dict(size=13)), height=height,
                      margin=dict(l=10, r=10, t=64, b=10), plot_bgcolor="#2b2b2b", hovermode="closest",
                      dragmode="pan", coloraxis=coloraxis,
                      legend=dict(orientation="h", y=-0.02, yanchor="top", x=0.0, font=dict(size=11),
                                  bgcolor="rgba(255,255,255,0.85)"))
    return fig
