"""The Loss view: each location's share of a loss term over the image, and the classification breakdown chart.

The image figure follows the Labels figure's budget: every location is a dot of one raster layer (coloured by its
share of the term in decades), not-counted anchors (ignored, not sampled) are dots of their own colour, positives
are rectangles only while there are few, and the hover is one small SVG marker trace over the locations that
carry the most loss.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.loss_layers import LossLayers
from anchorviz.viz import colors as C
from anchorviz.viz.figure import Fig, trace_dict
from anchorviz.viz.image import background, dots_layer, image_figure
from anchorviz.viz.traces import add_gt, add_legend_key, add_points, add_rects, gt_defaults

MAX_RECTS = 2000  # positives drawn as rectangles up to this many (box term), else as centres in the dot layer
SHARE_EDGES = (0.1, 0.01, 0.001, 0.0001)  # share of the term: >= 10 %, 1-10 %, 0.1-1 %, 0.01-0.1 %, below
BIN_COLORS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")  # viridis, most loss first
BIN_RADII = (3, 3, 2, 1, 0)  # 0: one raster pixel (a P2 grid of 3x3 dots would hide the photo)
BIN_ALPHA = (255, 255, 230, 170, 110)  # the easy negatives' dots let the photo through
IGN_RING = (C.rgba(C.IGN_COLOR), 4)  # drawn under the loss dots: an orange ring where an anchor is ignored
UNCOUNTED_DOT = ((170, 170, 170, 150), 0)
PRED_COLOR = "#ffffff"
KEY_COLOR = "#616161"  # legend keys of white marks (the legend is white)


def share_bins(share: np.ndarray) -> np.ndarray:
    """int64: the bin (0 = the most loss) of each share of the term, by ``SHARE_EDGES``."""
    return np.searchsorted(-np.asarray(SHARE_EDGES), -np.asarray(share, np.float64), side="left")


def loss_figure(image: np.ndarray | str, layers: LossLayers, gt_boxes: np.ndarray, *, term: str,
                input_hw: tuple[int, int] | None = None, title: str = "", bin_names: tuple[str, ...] | None = None,
                ignored_name: str = "ignored anchors, not counted ({n})",
                not_sampled_name: str = "not sampled, not counted ({n})",
                no_box_name: str = "no positive: no box loss", hover_text: list[str] | None = None,
                hover_pos_name: str = "with a positive ({n})", hover_neg_name: str = "negatives only ({n})",
                pos_boxes: np.ndarray | None = None, pred_boxes: np.ndarray | None = None,
                pred_name: str = "predicted boxes ({n})", gt_texts: list[str] | None = None,
                gt_colors: list[str] | None = None, max_rects: int = MAX_RECTS, height: int = 720) -> Fig:
    """The loss of one term (``term`` "cls" or "box") over the network input.

    Args:
        image: uint8 (H, W, 3) network-input image, or a data URI of it (then ``input_hw`` is needed).
        layers: what to draw (``anchorviz.core.loss_layers.loss_layers``).
        gt_boxes: float64 (M, 4) xyxy network-input pixels.
        bin_names: one legend name per share bin (``SHARE_EDGES``), ``str.format`` texts with field ``n`` (the
            locations in the bin; positives for the box term).
        ignored_name, not_sampled_name: legend names with field ``n`` (anchors).
        no_box_name: legend name of the locations without a positive (box term).
        hover_text: one text per ``layers.top_loc`` location (plotly's <br> for new lines).
        hover_pos_name, hover_neg_name: names of the hover markers at locations with / without a counted
            positive, field ``n``.
        pos_boxes: float64 (p, 4) the boxes of ``layers.pos_idx`` (box term: drawn as rectangles).
        pred_boxes: float64 (q, 4) decoded predicted boxes to draw dashed (a few, e.g. at the hovered locations).
    """
    if input_hw is None and isinstance(image, str):
        input_hw = layers.image_hw
    bg_uri, input_hw = background(image, input_hw)
    fig = image_figure(bg_uri, input_hw, title, height=height)
    names = bin_names or tuple(f"bin {i} ({{n}})" for i in range(len(BIN_COLORS)))
    dots = [(layers.loc_xy[layers.loc_ignored], *IGN_RING)]
    if term == "box":
        dots.append((layers.loc_xy[~layers.loc_positive & ~layers.loc_ignored], *UNCOUNTED_DOT))
        bins = share_bins(layers.pos_share)
        boxes = np.asarray(pos_boxes if pos_boxes is not None else np.zeros((0, 4)), np.float64).reshape(-1, 4)
        as_rects = len(boxes) == len(bins) and len(bins) <= max_rects
        pos_xy = (boxes[:, :2] + boxes[:, 2:]) / 2 if len(boxes) == len(bins) else np.zeros((0, 2))
        for b in reversed(range(len(BIN_COLORS))):  # the most loss on top
            sel = bins == b
            name = names[b].format(n=f"{int(sel.sum()):,}")
            if as_rects and sel.any():
                add_rects(fig, boxes[sel], name=name, color=BIN_COLORS[b], width=1, gl=False)
            else:
                if sel.any() and len(pos_xy):
                    dots.append((pos_xy[sel], C.rgba(BIN_COLORS[b]), BIN_RADII[b] + 1))
                add_legend_key(fig, name=name, color=BIN_COLORS[b])
            fig.data[-1]["legendrank"] = 1 + b  # drawn least loss first, listed most loss first
        add_legend_key(fig, name=no_box_name, color="rgb(150,150,150)", size=5)
    else:
        uncounted = ~layers.loc_counted & layers.loc_not_sampled & ~layers.loc_ignored
        dots.append((layers.loc_xy[uncounted], *UNCOUNTED_DOT))
        bins = share_bins(layers.loc_share)
        for b in reversed(range(len(BIN_COLORS))):
            sel = layers.loc_counted & (bins == b)
            dots.append((layers.loc_xy[sel], C.rgba(BIN_COLORS[b], BIN_ALPHA[b]), BIN_RADII[b]))
        for b in range(len(BIN_COLORS)):
            add_legend_key(fig, name=names[b].format(n=f"{int((layers.loc_counted & (bins == b)).sum()):,}"),
                           color=BIN_COLORS[b])
    fig.add_layout_image(dots_layer(dots, input_hw))
    add_legend_key(fig, name=ignored_name.format(n=f"{layers.counts['ignored']:,}"), color=C.IGN_COLOR,
                   symbol="circle-open", size=9)
    if layers.counts["not_sampled"]:
        add_legend_key(fig, name=not_sampled_name.format(n=f"{layers.counts['not_sampled']:,}"),
                       color="rgb(150,150,150)", size=5)
    if pred_boxes is not None and len(pred_boxes):  # dotted white, with a grey legend key
        add_rects(fig, pred_boxes, name=pred_name.format(n=len(pred_boxes)), color=PRED_COLOR, width=1, dash="dot", gl=False, opacity=0.85,
                  showlegend=False, legendgroup="pred")
        add_legend_key(fig, name=pred_name.format(n=len(pred_boxes)), color=KEY_COLOR, symbol="square-open", size=9)
        fig.data[-1]["legendgroup"] = "pred"
    top = layers.top_loc
    if hover_text is not None and len(top):
        texts = np.asarray(hover_text, dtype=object)
        with_pos = layers.loc_positive[top]
        for sel, name, symbol, color, edge in ((with_pos, hover_pos_name, "star", "#ffffff", "rgba(0,0,0,0.9)"),
                                               (~with_pos, hover_neg_name, "circle-open", "#00b0ff", None)):
            if sel.any():
                add_points(fig, layers.loc_xy[top[sel]], name=name.format(n=int(sel.sum())), color=color, size=9,
                           symbol=symbol, gl=False, line_color=edge, hovertemplate="%{hovertext}<extra></extra>")
                fig.data[-1]["hovertext"] = texts[sel].tolist()
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    add_gt(fig, gts, *gt_defaults(len(gts), gt_texts, gt_colors))
    return fig


def breakdown_figure(groups: list[str], shares: list[float], shares_gamma0: list[float] | None, *,
                     texts: list[str], texts_gamma0: list[str] | None = None, hover: list[str] | None = None,
                     hover_gamma0: list[str] | None = None, gamma_name: str = "chosen gamma",
                     gamma0_name: str = "gamma = 0", title: str = "", subtitle: str = "",
                     y_title: str = "share of the loss (%)", height: int = 400) -> Fig:
    """Grouped bars: each group's share (in %) of the classification term at the chosen gamma, and beside it at
    gamma = 0 (left out with ``shares_gamma0`` None, for a loss without gamma).

    Args:
        groups: the x labels (positives, hard negatives, easy negatives, with their counts).
        shares, shares_gamma0: percent per group.
        texts, texts_gamma0: the label on each bar (short: the bars of a group stand side by side).
        hover, hover_gamma0: each bar's hover text (default its label).
        subtitle: a second, smaller title line.
    """
    fig = Fig(dict(title=dict(text=title, subtitle=dict(text=subtitle), x=0.0, xanchor="left", font=dict(size=14)),
                   barmode="group", height=height, margin=dict(l=10, r=10, t=64, b=10), bargap=0.25,
                   yaxis=dict(title=dict(text=y_title), range=[0, 115], ticksuffix="%", automargin=True,
                              gridcolor="#e0e0e0"),
                   xaxis=dict(automargin=True),
                   legend=dict(orientation="h", y=-0.2, yanchor="top", x=0.0, xanchor="left"),
                   plot_bgcolor="#ffffff", uniformtext=dict(minsize=9, mode="show")))
    fig.add_trace(trace_dict("bar", x=list(groups), y=np.asarray(shares, np.float64), name=gamma_name,
                             text=list(texts), textposition="outside", marker=dict(color="#2979ff"),
                             hovertext=list(hover or texts), hoverinfo="x+name+text", cliponaxis=False))
    if shares_gamma0 is not None:
        fig.add_trace(trace_dict("bar", x=list(groups), y=np.asarray(shares_gamma0, np.float64), name=gamma0_name,
                                 text=list(texts_gamma0 or []), textposition="outside", marker=dict(color="#bdbdbd"),
                                 hovertext=list(hover_gamma0 or texts_gamma0 or []), hoverinfo="x+name+text",
                                 cliponaxis=False))
    return fig
