"""The IoU view: one level × shape heatmap over the photo, and the small multiples (levels as rows, shapes as
columns) that show which level and shape own one GT. The colour scale marks the assigner's thresholds."""

from __future__ import annotations

import numpy as np

from anchorviz.viz.figure import Fig, subplots, trace_dict
from anchorviz.viz.image import background, image_figure
from anchorviz.viz.memo import memo
from anchorviz.viz.traces import add_gt, add_rects, boxes_path, gt_defaults


def iou_colorscale(neg: float, pos: float) -> list:
    """IoU 0..1 colours: transparent-to-blue below ``neg`` (negative), orange in the ignore band, green at
    and above ``pos`` (positive); the colour changes abruptly at both thresholds."""
    neg = float(np.clip(neg, 0.0, 1.0))
    pos = float(np.clip(max(pos, neg), 0.0, 1.0))
    scale = [[0.0, "rgba(40,60,160,0.0)"]]
    if neg > 0:
        scale.append([neg, "rgba(70,110,230,0.55)"])
    if pos > neg:
        scale += [[neg, "rgba(255,170,0,0.55)"], [pos, "rgba(255,120,0,0.75)"]]
    scale += [[pos, "rgba(0,200,90,0.7)"], [1.0, "rgba(170,255,60,0.95)"]]
    if pos >= 1.0:
        scale[-2:] = [[1.0, "rgba(0,200,90,0.7)"]]
    return scale


def _colorbar(neg: float, pos: float, neg_txt: str, pos_txt: str, unit: float = 1.0, **kw) -> dict:
    vals, texts = [0.0, unit], ["0", "1"]
    for v, txt in ((neg, neg_txt), (pos, pos_txt)):
        if 0.0 < v < 1.0:
            vals.append(v * unit)
            texts.append(txt)
    return dict(tickvals=vals, ticktext=texts, thickness=14, len=0.9, **kw)


def heatmap_figure(image: np.ndarray | str, *, z: np.ndarray, x0: float, dx: float, y0: float, dy: float,
                   gt_boxes: np.ndarray, neg: float = 0.4, pos: float = 0.5, input_hw: tuple[int, int] | None = None,
                   title: str = "IoU", text: list | None = None, hover: str = "IoU %{z:.3f}<extra></extra>",
                   neg_txt: str | None = None, pos_txt: str | None = None, gt_texts: list | None = None,
                   gt_colors: list | None = None, gt_click_name: str = "GT centres (click to pick)",
                   best_box: np.ndarray | None = None, best_name: str = "best anchor here") -> Fig:
    """One level x shape IoU heatmap over the photo, GT boxes on top, GT centres clickable.

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        z: (H, W) IoU per cell of the level; placed with centres at x0 + j*dx, y0 + i*dy (network pixels).
        gt_boxes: (M, 4) xyxy.
        neg, pos: the assigner's thresholds, marked on the colour scale (ticks ``neg_txt``, ``pos_txt``).
        text: (H, W) hover texts (cell and label), used by ``hover`` as %{text}.
        hover: the hovertemplate.
        best_box: (4,) the best anchor of this level and shape for the picked GT, or None.
    """
    bg_uri, input_hw = background(image, input_hw)
    fig = image_figure(bg_uri, input_hw, title, beside=90, below=70)  # the colour bar; the legend below
    fig.add_trace(trace_dict(
        "heatmap", z=np.asarray(z, np.float32), x0=x0, dx=dx, y0=y0, dy=dy, zmin=0.0, zmax=1.0, text=text,
        colorscale=iou_colorscale(neg, pos), hovertemplate=hover, name="IoU",
        colorbar=_colorbar(neg, pos, neg_txt or f"neg {neg:g}", pos_txt or f"pos {pos:g}", x=1.0,
                           title=dict(text="IoU")), hoverongaps=False,
    ))
    if best_box is not None:
        add_rects(fig, np.asarray(best_box)[None], name=best_name, color="#ffffff", width=2, dash="dash", gl=False)
    b = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    gt_texts, gt_colors = gt_defaults(len(b), gt_texts, gt_colors)
    add_gt(fig, b, gt_texts, gt_colors)
    if len(b):
        c = 0.5 * (b[:, :2] + b[:, 2:])
        fig.add_trace(trace_dict(
            "scatter", x=c[:, 0].astype(np.float32), y=c[:, 1].astype(np.float32), mode="markers",
            marker=dict(color=list(gt_colors), size=13, symbol="circle-open-dot", line=dict(width=2.5)),
            customdata=np.arange(len(b), dtype=np.int32), name=gt_click_name,
            hovertemplate="GT %{customdata}<extra></extra>",
        ))
    fig.update_layout(legend=dict(orientation="h", y=-0.06, yanchor="top"))
    return fig


@memo(maxsize=8)
def small_multiples_figure(*, panels: list[dict], rows: int, cols: int, view: tuple[float, float, float, float],
                           gt_box: np.ndarray, gt_color: str = "#ff1744", title: str = "IoU with one GT",
                           neg: float = 0.4, pos: float = 0.5, neg_txt: str | None = None, pos_txt: str | None = None,
                           row_titles: list[str] | None = None) -> Fig:
    """Levels as rows, shapes as columns: the IoU of every anchor with one GT, cropped around the GT.

    The IoU is sent as whole percents (uint8), a quarter of the float32 payload; hover shows "IoU 73%".
    Memoised: it does not change with the heatmap's level and shape pickers.

    Args:
        panels: one dict per (row, col) with ``row``, ``col`` (1-based), ``z`` (h, w), ``x0``, ``dx``,
            ``y0``, ``dy``, ``title``, ``hover`` (hovertemplate) and ``owner`` (bool: the panel holding the
            GT's best IoU, starred).
        view: (x0, y0, x1, y1) shown in every panel.
        gt_box: (4,) the GT, outlined in every panel.
        row_titles: the level names, one per row.
    """
    row_titles = list(row_titles) if row_titles is not None else [str(r) for r in range(1, rows + 1)]
    by_cell = {(pn["row"], pn["col"]): pn for pn in panels}
    titles = []
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            pn = by_cell.get((r, c))
            titles.append("" if pn is None else (f"<b>★ {pn['title']}</b>" if pn["owner"] else pn["title"]))
    fig = subplots(rows, cols, titles, horizontal_spacing=0.012, vertical_spacing=0.3 / rows,
                   row_titles=row_titles)
    scale = iou_colorscale(neg, pos)
    x0, y0, x1, y1 = view
    gx, gy = boxes_path(np.asarray(gt_box)[None])
    for k, pn in enumerate(panels):
        fig.add_trace(trace_dict(
            "heatmap", z=np.round(np.asarray(pn["z"], np.float64) * 100).astype(np.uint8), x0=pn["x0"], dx=pn["dx"],
            y0=pn["y0"], dy=pn["dy"], zmin=0, zmax=100, colorscale=scale, showscale=(k == 0),
            hovertemplate=pn.get("hover", "IoU %{z}%<extra></extra>"), name=pn["title"],
            colorbar=_colorbar(neg, pos, neg_txt or f"neg {neg:g}", pos_txt or f"pos {pos:g}", unit=100.0, x=1.05,
                               title=dict(text="IoU")),
        ), row=pn["row"], col=pn["col"])
        fig.add_trace(trace_dict("scatter", x=gx, y=gy, mode="lines", line=dict(color=gt_color, width=1.5),
                                 hoverinfo="skip", showlegend=False), row=pn["row"], col=pn["col"])
    fig.update_axes("x", range=[x0, x1], showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_axes("y", range=[y1, y0], showticklabels=False, showgrid=False, zeroline=False, ticks="")
    for ann in fig.layout.get("annotations", ()):
        if "★" in (ann.get("text") or ""):
            ann["font"] = dict(size=9, color="#c62828")
        elif ann.get("text") in row_titles:
            ann["font"] = dict(size=13)
            ann["textangle"] = 0
            ann["xshift"] = 6
        else:
            ann["font"] = dict(size=9)
    fig.update_layout(title=dict(text=title, x=0.0, font=dict(size=14)), height=max(280, 170 * rows + 90),
                      margin=dict(l=10, r=60, t=80, b=10), plot_bgcolor="#3a3a3a", showlegend=False)
    return fig
