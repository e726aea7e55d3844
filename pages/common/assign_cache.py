"""The Assigners page's caches, keyed by plain hashable values, in the server's shared byte-bounded store
(``pages.common.cache.RESULTS``, like every image page's results).

Shared, never copied: predictions for 80 classes are megabytes (a copy per rerun would cost more than the rule),
and every cached object is read-only for its users (the store freezes its arrays). Bounded by bytes, not by an
entry count: with a class on different pictures, six or eight entries were recomputed at nearly every step.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.resize import ResizeSpec, plan_resize
from anchorviz.io.network_image import resize_image
from anchorviz.viz import jpeg_uri

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.assigner_layers import PanelLayers, anchor_panel, point_panel
from anchorviz.core.assigners.head import PointPredictions, simulate_point_head
from anchorviz.core.assigners.registry import POINT_RULES, rule_grid, run_point_rule
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.points import PointGrid, library_points
from pages.common import cache


@cache.RESULTS.cached
def grid(rule: str, input_hw: tuple[int, int], strides: tuple[float, ...]) -> PointGrid:
    """The points rule ``rule`` labels."""
    return rule_grid(rule, input_hw, strides)


@cache.RESULTS.cached
def simulated(library: str, input_hw: tuple[int, int], strides: tuple[float, ...], gt_key: tuple,
              gt_labels: tuple, num_classes: int, progress: float, seed: int) -> PointPredictions:
    """The simulated head on one library's points (rules of one library share it)."""
    pts = library_points(library, input_hw, strides)
    return simulate_point_head(pts, np.asarray(gt_key, np.float64).reshape(-1, 4), np.asarray(gt_labels, np.int64),
                               num_classes=num_classes, progress=float(progress), seed=int(seed))


@cache.RESULTS.cached
def assignment(rule: str, input_hw: tuple[int, int], strides: tuple[float, ...], gt_key: tuple, gt_labels: tuple,
               num_classes: int, options: tuple, pred_key: tuple, _pred: PointPredictions | None) -> PointAssignment:
    """One point rule's assignment. ``pred_key`` names the predictions (("sim", progress, seed), ("upload",
    digest), or ("none",) for the geometric rules, which read none); ``_pred`` holds them (not hashed)."""
    gts = np.asarray(gt_key, np.float64).reshape(-1, 4)
    labels = np.asarray(gt_labels, np.int64)
    if not POINT_RULES[rule].uses_predictions:
        return POINT_RULES[rule].run(grid(rule, input_hw, strides), gts, labels, None, dict(options))
    return run_point_rule(rule, input_hw, strides, gts, labels, num_classes=num_classes, predictions=_pred,
                          options=dict(options))[2]


@cache.RESULTS.cached
def right_panel(rule: str, input_hw: tuple[int, int], strides: tuple[float, ...], gt_key: tuple, gt_labels: tuple,
                num_classes: int, options: tuple, pred_key: tuple, _pred: PointPredictions | None) -> PanelLayers:
    asg = assignment(rule, input_hw, strides, gt_key, gt_labels, num_classes, options, pred_key, _pred)
    return point_panel(grid(rule, input_hw, strides).points, asg)


@cache.RESULTS.cached
def left_panel(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, key: tuple) -> PanelLayers:
    """The anchor rule's panel from the Labels page's (cached) result."""
    res = cache.labels(cfg, input_hw, gt_key, key)
    return anchor_panel(cache.anchors(cfg, input_hw), res.labels, res.matched_gt, res.positives_per_gt)


CROP_SIDE = 360  # one GT's candidate panels are ~300 px wide: a crop larger than this is only bytes


@cache.RESULTS.cached
def crop(token: str, _image: np.ndarray, spec: ResizeSpec, view: tuple[int, int, int, int]) -> dict:
    """A small JPEG of one region (x0, y0, x1, y1, whole pixels) of the network input, as a layout image dict
    (source, x, y, sizex, sizey); an empty source when the region misses the image. Unlike ``cache.network_crop``
    it is scaled to at most CROP_SIDE pixels: the candidate figure repeats it in every level's panel."""
    net = resize_image(_image, plan_resize(_image.shape[:2], spec))
    h, w = net.shape[:2]
    x0, y0 = max(0, view[0]), max(0, view[1])
    x1, y1 = min(w, view[2]), min(h, view[3])
    if x1 <= x0 or y1 <= y0:
        return {"source": "", "x": 0, "y": 0, "sizex": 1, "sizey": 1}
    return {"source": jpeg_uri(net[y0:y1, x0:x1], max_side=CROP_SIDE, quality=75), "x": x0, "y": y0,
            "sizex": x1 - x0, "sizey": y1 - y0}
