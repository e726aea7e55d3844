"""Bounded caches of the Assigners page, keyed by plain hashable values (like pages/common/cache.py).

``st.cache_resource`` throughout: predictions for 80 classes are megabytes (a copy per rerun would cost more than
the rule), and every cached object here is read-only for its users (``PointPredictions`` arrays are frozen;
the page never writes into an assignment or a panel).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.assigner_layers import PanelLayers, anchor_panel, point_panel
from anchorviz.core.assigners.head import PointPredictions, simulate_point_head
from anchorviz.core.assigners.registry import POINT_RULES, rule_grid, run_point_rule
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.points import PointGrid, library_points
from pages.common import cache


@st.cache_resource(max_entries=8, show_spinner=False)
def grid(rule: str, input_hw: tuple[int, int], strides: tuple[float, ...]) -> PointGrid:
    """The points rule ``rule`` labels."""
    return rule_grid(rule, input_hw, strides)


@st.cache_resource(max_entries=6, show_spinner=False)
def simulated(library: str, input_hw: tuple[int, int], strides: tuple[float, ...], gt_key: tuple,
              gt_labels: tuple, num_classes: int, progress: float, seed: int) -> PointPredictions:
    """The simulated head on one library's points (rules of one library share it)."""
    pts = library_points(library, input_hw, strides)
    return simulate_point_head(pts, np.asarray(gt_key, np.float64).reshape(-1, 4), np.asarray(gt_labels, np.int64),
                               num_classes=num_classes, progress=float(progress), seed=int(seed))


@st.cache_resource(max_entries=16, show_spinner=False)
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


@st.cache_resource(max_entries=16, show_spinner=False)
def right_panel(rule: str, input_hw: tuple[int, int], strides: tuple[float, ...], gt_key: tuple, gt_labels: tuple,
                num_classes: int, options: tuple, pred_key: tuple, _pred: PointPredictions | None) -> PanelLayers:
    asg = assignment(rule, input_hw, strides, gt_key, gt_labels, num_classes, options, pred_key, _pred)
    return point_panel(grid(rule, input_hw, strides).points, asg)


@st.cache_resource(max_entries=6, show_spinner=False)
def left_panel(cfg: AnchorConfig, input_hw: tuple[int, int], gt_key: tuple, key: tuple) -> PanelLayers:
    """The anchor rule's panel from the Labels page's (cached) result."""
    res = cache.labels(cfg, input_hw, gt_key, key)
    return anchor_panel(cache.anchors(cfg, input_hw), res.labels, res.matched_gt, res.positives_per_gt)
