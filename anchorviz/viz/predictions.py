"""The Predictions view: the boxes that passed the score threshold and the ones left after NMS, over the GTs."""

from __future__ import annotations

import numpy as np

from anchorviz.viz.figure import Fig, trace_dict
from anchorviz.viz.image import background, image_figure
from anchorviz.viz.traces import add_gt, add_rects, boxes_path, gt_defaults


def predictions_figure(image: np.ndarray | str, *, candidates: np.ndarray, final: np.ndarray,
                       gt_boxes: np.ndarray, input_hw: tuple[int, int] | None = None, title: str = "Predictions",
                       final_colors: list[str] | None = None, final_hover: list[str] | None = None,
                       gt_texts: list | None = None, gt_colors: list | None = None,
                       names: tuple[str, str] = ("before NMS", "after NMS")) -> Fig:
    """Boxes that passed the score threshold (thin, grey: NMS removed most) and the final boxes (thick, dashed,
    one trace per colour).

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        candidates: (k, 4) xyxy boxes before NMS (the caller bounds how many).
        final: (n, 4) xyxy boxes after NMS; final_colors, final_hover: one colour and hover text each
            (default white, no text).
        gt_boxes: (M, 4) xyxy; gt_texts, gt_colors default to the index and ``colors.gt_color``.
        names: legend names of the candidates and the final boxes.
    """
    bg_uri, input_hw = background(image, input_hw)
    fig = image_figure(bg_uri, input_hw, title, below=70)  # the legend below
    if len(candidates):
        add_rects(fig, candidates, name=names[0], color="rgba(255,255,255,0.4)", width=1, gl=False)
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    add_gt(fig, gts, *gt_defaults(len(gts), gt_texts, gt_colors))
    final = np.asarray(final, np.float64).reshape(-1, 4)
    final_colors = list(final_colors) if final_colors is not None else ["#ffffff"] * len(final)
    final_hover = list(final_hover) if final_hover is not None else [""] * len(final)
    colors = np.asarray(final_colors, dtype=object)
    hover = np.asarray(final_hover, dtype=object)
    for k, color in enumerate(dict.fromkeys(final_colors)):
        sel = colors == color
        xs, ys = boxes_path(final[sel])
        fig.add_trace(trace_dict("scatter", x=xs, y=ys, mode="lines", line=dict(color=color, width=3, dash="dash"),
                                 name=names[1], legendgroup="final", showlegend=(k == 0),
                                 hovertext=np.repeat(hover[sel], 6).tolist(), hoverinfo="text", connectgaps=False))
    fig.update_layout(legend=dict(orientation="h", y=-0.06, yanchor="top"))
    return fig
