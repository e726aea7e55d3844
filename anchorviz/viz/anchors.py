"""The Anchors view: the anchor grid over the image, one level's base anchors side by side, and one level drawn
with two centre offsets."""

from __future__ import annotations

import numpy as np

from anchorviz.viz import colors as C
from anchorviz.viz.figure import Fig, subplots, trace_dict
from anchorviz.viz.image import background, dots_layer, image_figure
from anchorviz.viz.memo import memo
from anchorviz.viz.traces import add_gt, add_legend_key, add_points, add_rects, boxes_path, gt_defaults

LEGEND_W = 215  # px the anchors figure's legend takes on the right ("P3 centres (17,100)", "picked cell", ...)


def centre_marker_size(stride: float, input_hw: tuple[int, int]) -> float:
    """Marker size of a level's centres: a third of its stride at a 700 px wide chart, 3 to 9 px."""
    return float(np.clip(0.3 * stride * 700 / max(input_hw), 3, 9))


def anchors_figure(image: np.ndarray | str, *, input_hw: tuple[int, int] | None = None, title: str = "Anchors",
                   view: tuple[float, float, float, float] | None = None, levels: list[dict] = (),
                   shape_rects: np.ndarray | None = None, shape_name: str = "one shape",
                   cell_boxes: np.ndarray | None = None, cell_names: list[str] | None = None,
                   cell_centre: np.ndarray | None = None, cell_name: str = "picked cell",
                   gt_boxes: np.ndarray | None = None, gt_texts: list[str] | None = None,
                   gt_colors: list[str] | None = None, cell_word: str = "cell", centre_word: str = "centre") -> Fig:
    """Anchor centres per level (a dot layer, plus clickable rings near the picked cell), one shape's anchors,
    the picked cell's anchors and the GT boxes over the network input.

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        view: (x0, y0, x1, y1) visible region; default the image with a 4% margin.
        levels: one dict per drawn level: ``index`` (its colour), ``name`` ("P3"), ``stride`` (marker size),
            ``xy`` ((n, 2) centres drawn as dots), ``ring_xy`` ((m, 2) centres drawn as clickable rings),
            ``ring_cells`` (int32 (m, 3): level index, row, column, returned by a click), ``label`` and
            ``ring_label`` (legend names).
        shape_rects: (k, 4) xyxy anchors of one shape (yellow), with legend ``shape_name``.
        cell_boxes: (A, 4) xyxy anchors of the picked cell, one colour each, legend ``cell_names``.
        cell_centre: (2,) the picked cell's centre, legend ``cell_name``.
        gt_boxes: (M, 4) xyxy; gt_texts, gt_colors default to the index and ``colors.gt_color``.
        cell_word, centre_word: words of the rings' hover text.
    """
    bg_uri, input_hw = background(image, input_hw)
    h, w = input_hw
    fig = image_figure(bg_uri, input_hw, title, view=view, beside=LEGEND_W)
    dots = []
    for lv in levels:
        color = C.level_color(lv["index"])
        size = centre_marker_size(lv["stride"], input_hw)
        dots.append((lv["xy"], C.rgba(color, 140 if size < 5 else 204), 1 if size < 4 else 2 if size < 7 else 3))
        add_legend_key(fig, name=lv["label"], color=color)
        add_points(fig, lv["ring_xy"], name=lv["ring_label"], color=color, size=size + 4, symbol="circle-open",
                   customdata=lv["ring_cells"], gl=False,
                   hovertemplate=f"{lv['name']} {cell_word} (%{{customdata[1]}}, %{{customdata[2]}})"
                                 f"<br>{centre_word} (%{{x:.1f}}, %{{y:.1f}})<extra></extra>")
    if dots:
        fig.add_layout_image(dots_layer(dots, (h, w)))
    if shape_rects is not None and len(shape_rects):
        add_rects(fig, shape_rects, name=shape_name, color="#ffea00", width=1, opacity=0.8)
    cells = np.zeros((0, 4)) if cell_boxes is None else np.asarray(cell_boxes, np.float64).reshape(-1, 4)
    names = cell_names if cell_names is not None else [f"cell anchor {k}" for k in range(len(cells))]
    for k, box in enumerate(cells):
        add_rects(fig, box[None, :], name=names[k], color=C.shape_color(k), width=2.5, gl=False, legendgroup="cell")
    if cell_centre is not None:
        add_points(fig, np.asarray(cell_centre, np.float64)[None, :], name=cell_name, color="#ffffff", size=12,
                   symbol="circle-dot", gl=False, line_color="#000000")
    gts = np.zeros((0, 4)) if gt_boxes is None else np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    add_gt(fig, gts, *gt_defaults(len(gts), gt_texts, gt_colors))
    return fig


@memo(maxsize=8)
def base_anchors_figure(panels: list[dict], *, title: str | None = None, one_cell: str = "one cell (stride × stride)",
                        shape_word: str = "shape") -> Fig:
    """Each level's cell anchors side by side, centred on a common point, with a "k: w×h" key under each.

    Memoised: it does not change with the centre offset or the picked cell.

    Args:
        panels: one dict per level with ``name`` (str), ``stride`` (float), ``cells`` ((A, 4) xyxy centred
            at 0), ``labels`` (A texts "w×h"), ``title`` (subplot title).
        title: figure title; default "Base anchors: {total} shapes on {n} levels".
        one_cell, shape_word: legend of the dotted stride square, and the word of the hover text.
    """
    n = len(panels)
    if title is None:
        total = sum(len(pn["labels"]) for pn in panels)
        title = f"Base anchors: {total} shapes on {n} level{'s' if n != 1 else ''}"
    fig = subplots(1, n, [pn["title"] for pn in panels], horizontal_spacing=0.02)
    for i, pn in enumerate(panels, start=1):
        cells = np.asarray(pn["cells"], np.float64).reshape(-1, 4)
        s = float(pn["stride"])
        ext = max(float(np.abs(cells).max()) if len(cells) else 0.0, s / 2) * 1.08
        add_rects(fig, np.array([[-s / 2, -s / 2, s / 2, s / 2]]), name=one_cell, color="#777777",
                  width=1, dash="dot", gl=False, showlegend=(i == 1), legendgroup="cell", row=1, col=i)
        colors = [C.shape_color(k) for k in range(len(cells))]
        for k, (box, label) in enumerate(zip(cells, pn["labels"])):
            xs, ys = boxes_path(box[None, :])
            fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color=colors[k], width=1.5),
                                     hovertemplate=f"{pn['name']} {shape_word} {k}: {label}<extra></extra>",
                                     showlegend=False), row=1, col=i)
        # equal axes over a square range: the x ticks give the scale, and y tick labels would fall into the
        # neighbouring panel (or out of the frame for the first one)
        fig.update_axes("x", range=[-ext, ext], zeroline=False, showgrid=False, ticks="outside", nticks=5,
                        row=1, col=i)
        fig.update_axes("y", range=[ext, -ext], zeroline=False, showgrid=False, ticks="", domain=[0.42, 1.0],
                        showticklabels=False, scaleanchor=f"x{i if i > 1 else ''}", scaleratio=1, row=1, col=i)
        # the key under the drawing: "k: w×h" per shape in its colour (two per line when there are many)
        items = [f"<span style='color:{c}'>■ {k}: {lab}</span>" for k, (c, lab) in enumerate(zip(colors, pn["labels"]))]
        per_line = 1 if len(items) <= 10 else 2
        lines = ["&nbsp;&nbsp;".join(items[j:j + per_line]) for j in range(0, len(items), per_line)]
        dom = fig.axis("x", 1, i)["domain"]
        fig.add_annotation(x=(dom[0] + dom[1]) / 2, y=0.33, xref="paper", yref="paper", xanchor="center",
                           yanchor="top", align="left", showarrow=False, text="<br>".join(lines),
                           font=dict(size=11, family="monospace"))
    fig.update_layout(
        title=dict(text=title, x=0.0, font=dict(size=14)),
        height=560, margin=dict(l=10, r=10, t=70, b=10), plot_bgcolor="#fafafa", showlegend=False,
    )
    return fig


def offset_figure(panels: list[dict], title: str, *, bg: dict, input_hw: tuple[int, int],
                  cell_borders: str = "cell borders (stride)", image_border: str = "image border",
                  anchor_name: str = "the squarest anchor of cell (0, 0)", centres_name: str = "anchor centres",
                  centre_word: str = "centre") -> Fig:
    """The same crop of one level drawn with two centre offsets, side by side.

    Args:
        panels: dicts with ``title``, ``grid_x``/``grid_y`` (cell borders), ``centres`` ((n, 2)),
            ``boxes`` ((m, 4) anchors to draw), ``view`` (x0, y0, x1, y1).
        title: figure title.
        bg: the image region below: ``source`` (data URI, or "" for none), ``x``, ``y``, ``sizex``, ``sizey``.
        input_hw: network input (height, width), for the image border.
        cell_borders, image_border, anchor_name, centres_name: legend names; centre_word: of the hover text.
    """
    h, w = input_hw
    fig = subplots(1, len(panels), [pn["title"] for pn in panels], horizontal_spacing=0.08)  # room for y labels
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
                                 name=cell_borders, hoverinfo="skip", showlegend=(i == 1),
                                 legendgroup="grid"), row=1, col=i)
        fig.add_trace(trace_dict("scatter", x=[0, w, w, 0, 0], y=[0, 0, h, h, 0], mode="lines",
                                 line=dict(color="#ff1744", width=2.5), name=image_border,
                                 hoverinfo="skip", showlegend=(i == 1), legendgroup="edge"), row=1, col=i)
        add_rects(fig, pn["boxes"], name=anchor_name, color="#00e5ff", width=1.5, gl=False,
                  showlegend=(i == 1), legendgroup="anchor", row=1, col=i)
        c = np.asarray(pn["centres"], np.float64).reshape(-1, 2)
        fig.add_trace(trace_dict("scatter", x=c[:, 0].astype(np.float32), y=c[:, 1].astype(np.float32),
                                 mode="markers", marker=dict(color="#ffea00", size=8, line=dict(color="black", width=1)),
                                 name=centres_name, showlegend=(i == 1), legendgroup="centre",
                                 hovertemplate=centre_word + " (%{x:.1f}, %{y:.1f})<extra></extra>"),
                      row=1, col=i)
        fig.update_axes("x", range=[x0, x1], zeroline=False, showgrid=False, automargin=True, row=1, col=i)
        fig.update_axes("y", range=[y1, y0], zeroline=False, showgrid=False, scaleanchor=xref, scaleratio=1,
                        domain=[0.0, 0.9], automargin=True, row=1, col=i)
    fig.update_layout(title=dict(text=title, x=0.0, font=dict(size=14)), height=460,
                      margin=dict(l=10, r=10, t=90, b=10), plot_bgcolor="#2b2b2b",
                      legend=dict(orientation="h", y=-0.06))
    return fig
