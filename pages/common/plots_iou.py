"""Figure builders of the teaching pages: IoU heatmaps (one ``go.Heatmap`` per level x shape), the small
multiples overview, the encode/decode view and the predictions view.

Like ``plots.py`` they take computed arrays and return a ``plots.Fig``; the titles carry the numbers shown.
"""

from __future__ import annotations

import numpy as np

from pages.common import plots
from pages.common.plots import Fig, trace_dict


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


def level_grid(values: np.ndarray, start: int, feat_hw: tuple[int, int], num_shapes: int, shape: int) -> np.ndarray:
    """One shape's per-cell values (H, W) out of a flat per-anchor array (location-major order)."""
    fh, fw = feat_hw
    return values[start:start + fh * fw * num_shapes].reshape(fh, fw, num_shapes)[:, :, shape]


def heatmap_figure(*, bg_uri: str, input_hw: tuple[int, int], title: str, z: np.ndarray, x0: float, dx: float,
                   y0: float, dy: float, text: list, hover: str, neg: float, pos: float, neg_txt: str,
                   pos_txt: str, gt_boxes: np.ndarray, gt_texts: list, gt_colors: list,
                   gt_click_name: str, best_box: np.ndarray | None, best_name: str) -> Fig:
    """One level x shape IoU heatmap over the photo, GT boxes on top, GT centres clickable.

    Args:
        z: float32 (H, W) IoU per cell; placed with centres at x0 + j*dx, y0 + i*dy (network pixels).
        text: (H, W) hover texts (cell and label).
        hover: the hovertemplate.
        gt_boxes: (M, 4) xyxy.
        best_box: (4,) the best anchor of this level and shape for the picked GT, or None.
    """
    fig = plots.image_figure(bg_uri, input_hw, title, height=720)
    fig.add_trace(trace_dict(
        "heatmap", z=np.asarray(z, np.float32), x0=x0, dx=dx, y0=y0, dy=dy, zmin=0.0, zmax=1.0, text=text,
        colorscale=iou_colorscale(neg, pos), hovertemplate=hover, name="IoU",
        colorbar=_colorbar(neg, pos, neg_txt, pos_txt, x=1.0, title=dict(text="IoU")), hoverongaps=False,
    ))
    if best_box is not None:
        plots.add_rects(fig, np.asarray(best_box)[None], name=best_name, color="#ffffff", width=2, dash="dash",
                        gl=False)
    plots.add_gt(fig, gt_boxes, gt_texts, gt_colors)
    b = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
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


@plots.memo(maxsize=8)
def small_multiples_figure(*, panels: list[dict], rows: int, cols: int, view: tuple[float, float, float, float],
                           gt_box: np.ndarray, gt_color: str, title: str, neg: float, pos: float, neg_txt: str,
                           pos_txt: str, row_titles: list[str]) -> Fig:
    """Levels as rows, shapes as columns: the IoU of every anchor with one GT, cropped around the GT.

    The IoU is sent as whole percents (uint8), a quarter of the float32 payload; hover shows "IoU 73%".

    Args:
        panels: one dict per (row, col) with ``row``, ``col`` (1-based), ``z`` (h, w), ``x0``, ``dx``,
            ``y0``, ``dy``, ``title`` and ``owner`` (bool: the panel holding the GT's best IoU).
        view: (x0, y0, x1, y1) shown in every panel.
    """
    by_cell = {(pn["row"], pn["col"]): pn for pn in panels}
    titles = []
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            pn = by_cell.get((r, c))
            titles.append("" if pn is None else (f"<b>★ {pn['title']}</b>" if pn["owner"] else pn["title"]))
    fig = plots.subplots(rows, cols, titles, horizontal_spacing=0.012, vertical_spacing=0.3 / rows,
                         row_titles=row_titles)
    scale = iou_colorscale(neg, pos)
    x0, y0, x1, y1 = view
    gx, gy = plots.boxes_path(np.asarray(gt_box)[None])
    for k, pn in enumerate(panels):
        fig.add_trace(trace_dict(
            "heatmap", z=np.round(np.asarray(pn["z"], np.float64) * 100).astype(np.uint8), x0=pn["x0"], dx=pn["dx"],
            y0=pn["y0"], dy=pn["dy"], zmin=0, zmax=100, colorscale=scale, showscale=(k == 0),
            hovertemplate=pn["hover"], name=pn["title"],
            colorbar=_colorbar(neg, pos, neg_txt, pos_txt, unit=100.0, x=1.05, title=dict(text="IoU")),
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


def coding_figure(*, bg_uri: str, input_hw: tuple[int, int], title: str, anchor: np.ndarray, gt: np.ndarray,
                  decoded: np.ndarray | None, names: tuple[str, str, str], view: tuple[float, float, float, float],
                  gt_color: str) -> Fig:
    """The anchor (dashed), the GT and the box the deltas decode to, over the photo."""
    fig = plots.image_figure(bg_uri, input_hw, title, height=620, view=view)
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=10))
    plots.add_rects(fig, anchor[None], name=names[0], color="#00e5ff", width=2.5, dash="dash", gl=False)
    plots.add_rects(fig, gt[None], name=names[1], color=gt_color, width=2.5, gl=False)
    if decoded is not None:
        plots.add_rects(fig, decoded[None], name=names[2], color="#ffea00", width=3, gl=False)
        c = 0.5 * (decoded[:2] + decoded[2:])
        fig.add_trace(trace_dict("scatter", x=[c[0]], y=[c[1]], mode="markers", marker=dict(color="#ffea00", size=8,
                             symbol="x"), showlegend=False, hoverinfo="skip"))
    a = 0.5 * (anchor[:2] + anchor[2:])
    fig.add_trace(trace_dict("scatter", x=[a[0]], y=[a[1]], mode="markers", marker=dict(color="#00e5ff", size=8),
                         showlegend=False, hoverinfo="skip"))
    fig.update_layout(legend=dict(orientation="h", y=-0.06, yanchor="top"))
    return fig


def predictions_figure(*, bg_uri: str, input_hw: tuple[int, int], title: str, candidates: np.ndarray,
                       final: np.ndarray, final_colors: list[str], final_hover: list[str], gt_boxes: np.ndarray,
                       gt_texts: list, gt_colors: list, names: tuple[str, str]) -> Fig:
    """Boxes that passed the score threshold (thin, grey: NMS removed most) and the final boxes (thick)."""
    fig = plots.image_figure(bg_uri, input_hw, title, height=720)
    if len(candidates):
        plots.add_rects(fig, candidates, name=names[0], color="rgba(255,255,255,0.4)", width=1, gl=False)
    plots.add_gt(fig, gt_boxes, gt_texts, gt_colors)
    final = np.asarray(final, np.float64).reshape(-1, 4)
    colors = np.asarray(final_colors, dtype=object)
    hover = np.asarray(final_hover, dtype=object)
    for k, color in enumerate(dict.fromkeys(final_colors)):
        sel = colors == color
        xs, ys = plots.boxes_path(final[sel])
        fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color=color, width=3, dash="dash"),
                             name=names[1], legendgroup="final", showlegend=(k == 0),
                             hovertext=np.repeat(hover[sel], 6).tolist(), hoverinfo="text", connectgaps=False))
    fig.update_layout(legend=dict(orientation="h", y=-0.06, yanchor="top"))
    return fig
