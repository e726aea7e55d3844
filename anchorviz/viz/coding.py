"""The Encode / decode view: an anchor, a GT and the box that a set of deltas decodes to, over the photo."""

from __future__ import annotations

import numpy as np

from anchorviz.viz.colors import gt_color as _gt_color
from anchorviz.viz.figure import Fig, trace_dict
from anchorviz.viz.image import background, image_figure
from anchorviz.viz.traces import add_rects

CODING_WIDTH = 520  # px: the Encode / decode page draws it in the right column of two


def coding_figure(image: np.ndarray | str, *, anchor: np.ndarray, gt: np.ndarray, decoded: np.ndarray | None,
                  input_hw: tuple[int, int] | None = None, title: str = "Encode / decode",
                  names: tuple[str, str, str] = ("anchor", "GT", "decoded"),
                  view: tuple[float, float, float, float] | None = None, gt_color: str | None = None) -> Fig:
    """The anchor (dashed, cyan), the GT (its colour) and the decoded box (yellow, None when it is not finite).

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        anchor, gt, decoded: (4,) xyxy network-input pixels.
        names: legend names of the three boxes.
        view: (x0, y0, x1, y1) visible region; default the image with a 4% margin.
    """
    bg_uri, input_hw = background(image, input_hw)
    anchor, gt = np.asarray(anchor, np.float64), np.asarray(gt, np.float64)
    fig = image_figure(bg_uri, input_hw, title, view=view, width=CODING_WIDTH, below=60)
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=10))
    add_rects(fig, anchor[None], name=names[0], color="#00e5ff", width=2.5, dash="dash", gl=False)
    add_rects(fig, gt[None], name=names[1], color=gt_color or _gt_color(0), width=2.5, gl=False)
    if decoded is not None:
        decoded = np.asarray(decoded, np.float64)
        add_rects(fig, decoded[None], name=names[2], color="#ffea00", width=3, gl=False)
        c = 0.5 * (decoded[:2] + decoded[2:])
        fig.add_trace(trace_dict("scatter", x=[c[0]], y=[c[1]], mode="markers",
                                 marker=dict(color="#ffea00", size=8, symbol="x"), showlegend=False,
                                 hoverinfo="skip"))
    a = 0.5 * (anchor[:2] + anchor[2:])
    fig.add_trace(trace_dict("scatter", x=[a[0]], y=[a[1]], mode="markers", marker=dict(color="#00e5ff", size=8),
                             showlegend=False, hoverinfo="skip"))
    fig.update_layout(legend=dict(orientation="h", y=-0.06, yanchor="top"))
    return fig
