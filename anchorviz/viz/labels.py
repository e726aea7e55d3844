"""The Labels view: which anchors are positive (per GT), ignored or negative, the sampled minibatch, the GTs."""

from __future__ import annotations

import numpy as np

from anchorviz.core.label_layers import LabelLayers
from anchorviz.viz import colors as C
from anchorviz.viz.figure import Fig
from anchorviz.viz.image import background, dots_layer, image_figure
from anchorviz.viz.traces import add_gt, add_legend_key, add_points, add_rects, gt_defaults

MAX_RECTS = 2000  # positives drawn as rectangles up to this many, else as centres in the dot layer
NEG_DOT = ((210, 210, 210, 170), 1)  # colour and radius in the dot layer
IGN_DOT = ((255, 145, 0, 255), 3)
LEGEND_W = 210  # px the legend takes on the right ("GT 12 positives (35)", "negative locations (17,796)")


def labels_figure(image: np.ndarray | str, layers: LabelLayers, gt_boxes: np.ndarray, *,
                  input_hw: tuple[int, int] | None = None, title: str | None = None,
                  gt_texts: list[str] | None = None, gt_colors: list[str] | None = None,
                  max_rects: int = MAX_RECTS, pos_name: str = "GT {gt} positives ({n})",
                  as_centres_name: str = "{name} · centres", neg_name: str | None = None,
                  ign_name: str | None = None, sampled_neg_name: str | None = None,
                  sampled_pos_name: str | None = None, height: int | None = None) -> Fig:
    """The Labels figure over the network input.

    Negative and ignored locations are one dot layer (grey, orange); positives are outlined in their GT's colour,
    or join the dot layer as centres when there are more than ``max_rects``; a minibatch (when ``layers`` has
    one) is diamonds and stars; the GT boxes are on top.

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        layers: what to draw (``anchorviz.core.label_layers.label_layers``).
        gt_boxes: float64 (M, 4) xyxy network-input pixels.
        input_hw: network input (height, width); default the image's size, else ``layers.image_hw``.
        title: figure title; default the counts drawn.
        gt_texts, gt_colors: one label and colour per GT; default its index and ``colors.gt_color``.
        pos_name: legend name of one GT's positives, a ``str.format`` text with fields ``gt`` and ``n``.
        as_centres_name: legend name when they are drawn as centres, with field ``name`` (``pos_name`` filled).
        neg_name, ign_name, sampled_neg_name, sampled_pos_name: legend names; default English with the count.
        height: px; default from the image's aspect (``image.image_height``, the legend on the right).
    """
    if input_hw is None and isinstance(image, str):
        input_hw = layers.image_hw
    bg_uri, input_hw = background(image, input_hw)
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    texts, cols = gt_defaults(len(gts), gt_texts, gt_colors)
    if title is None:
        title = (f"{len(layers.pos_idx):,} positive anchors · {len(layers.ign_xy):,} ignored and "
                 f"{len(layers.neg_xy):,} negative locations · {len(gts)} GT")
    fig = image_figure(bg_uri, input_hw, title, height=height, beside=LEGEND_W)
    dots = [(layers.neg_xy, *NEG_DOT), (layers.ign_xy, *IGN_DOT)]
    as_rects = len(layers.pos_idx) <= max_rects
    for gi in np.unique(layers.pos_gt):
        sel = layers.pos_gt == gi
        name = pos_name.format(gt=gi, n=f"{int(sel.sum()):,}")
        color = C.gt_color(int(gi))
        if as_rects:
            add_rects(fig, layers.pos_boxes[sel], name=name, color=color, width=1.5, gl=False)
        else:  # too many rectangles: their centres join the dot layer
            dots.append((layers.pos_xy[sel], C.rgba(color), 2))
            add_legend_key(fig, name=as_centres_name.format(name=name), color=color)
    fig.add_layout_image(dots_layer(dots, input_hw))
    add_legend_key(fig, name=neg_name or f"negative locations ({len(layers.neg_xy):,})", color=C.NEG_COLOR, size=5)
    add_legend_key(fig, name=ign_name or f"ignored, no positive ({len(layers.ign_xy):,})", color=C.IGN_COLOR)
    if layers.sampled_neg_xy is not None and layers.sampled_pos_xy is not None:
        sn, sp = layers.sampled_neg_xy, layers.sampled_pos_xy
        add_points(fig, sn, name=sampled_neg_name or f"sampled negatives ({len(sn)})", color=C.SAMPLE_NEG_COLOR,
                   size=7, symbol="diamond", gl=False)
        add_points(fig, sp, name=sampled_pos_name or f"sampled positives ({len(sp)})", color=C.SAMPLE_POS_COLOR,
                   size=9, symbol="star", gl=False)
    add_gt(fig, gts, texts, cols)
    return fig
