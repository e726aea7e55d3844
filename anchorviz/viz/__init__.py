"""Plotly figures of every anchorviz view: computed arrays in, a figure out.

The builders compute nothing (the arrays come from the core: anchors, labels, IoU, decoded boxes, dataset
statistics) and import no streamlit, so the app's pictures can be drawn in a notebook::

    from anchorviz import viz
    fig = viz.labels_figure(image, layers, gt_boxes)   # image: uint8 (H, W, 3) network input
    fig                                                # a Jupyter cell shows it; fig.to_plotly() -> go.Figure

Every text (title, legend names, hover templates) is an argument; the defaults are English. Image views return a
``Fig`` (plain dicts, written unvalidated for speed; ``to_plotly()`` makes a ``go.Figure``); the dataset charts
return a ``go.Figure``. ``web/`` holds what a browser needs to draw a ``Fig`` offline (plotly.js and the app's
chart component), served by Streamlit from this package (see pages/common/chart.py).
"""

from anchorviz.viz.assigners import assigners_figure, gt_candidates_figure
from anchorviz.viz.anchors import anchors_figure, base_anchors_figure, centre_marker_size, offset_figure
from anchorviz.viz.coding import coding_figure
from anchorviz.viz.colors import (GT_COLORS, IGN_COLOR, LEVEL_COLORS, NEG_COLOR, SHAPE_COLORS, gt_color, level_color,
                                  rgba, shape_color)
from anchorviz.viz.dataset import (aspect_figure, counts_bar_figure, curves_figure, history_figure, sqrt_area_figure,
                                   wh_density_figure)
from anchorviz.viz.figure import Fig, spec_json, subplots, trace_dict
from anchorviz.viz.image import background, dots_layer, image_figure, jpeg_uri
from anchorviz.viz.iou import heatmap_figure, iou_colorscale, small_multiples_figure
from anchorviz.viz.labels import labels_figure
from anchorviz.viz.loss import breakdown_figure, loss_figure
from anchorviz.viz.memo import memo
from anchorviz.viz.predictions import predictions_figure
from anchorviz.viz.traces import add_gt, add_legend_key, add_points, add_rects, boxes_path

__all__ = [
    "Fig", "GT_COLORS", "IGN_COLOR", "LEVEL_COLORS", "NEG_COLOR", "SHAPE_COLORS", "add_gt", "add_legend_key",
    "add_points", "add_rects", "anchors_figure", "aspect_figure", "assigners_figure", "background",
    "base_anchors_figure", "boxes_path", "breakdown_figure", "centre_marker_size", "coding_figure",
    "counts_bar_figure", "curves_figure", "dots_layer", "gt_candidates_figure", "gt_color", "heatmap_figure",
    "history_figure", "image_figure", "iou_colorscale", "jpeg_uri", "labels_figure", "level_color", "loss_figure",
    "memo", "offset_figure", "predictions_figure", "rgba", "shape_color", "small_multiples_figure", "spec_json",
    "sqrt_area_figure", "subplots", "trace_dict", "wh_density_figure",
]
