"""One entry point for the page: every point rule by name, on its library's points, from one set of predictions.

Each rule takes what its library takes, so this is where the conventions meet: the rule's point grid (corners or
centres), and which form of the predictions it receives (TAL probabilities, SimOTA sqrt(σ(cls)·σ(obj)), DSL
logits). The geometric rules (FCOS) take no predictions at all: they are given the same predictions here and
ignore them, which is exactly why their labels stay put while training progresses.

Predictions are made on the rule's own grid (a head predicts from its own points), so the same simulated head
(same seed and progress) gives each rule predictions for the points it actually labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from anchorviz.core.assigners.dsl import DSLConfig, assign_dsl
from anchorviz.core.assigners.fcos import assign_fcos_torchvision
from anchorviz.core.assigners.fcos_mmdet import assign_fcos_mmdet
from anchorviz.core.assigners.head import PointPredictions, simulate_point_head
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.assigners.simota import assign_simota
from anchorviz.core.assigners.tal import TALConfig, assign_tal
from anchorviz.core.points import PointGrid, library_points
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["PointRule", "POINT_RULES", "rule_grid", "run_point_rule"]


@dataclass(frozen=True)
class PointRule:
    """A point assigner as the page offers it.

    Attributes:
        key: stable id (URL state).
        library: the point convention (``anchorviz.core.points.POINT_LIBRARIES``).
        uses_predictions: False for the geometric rules.
        run: (grid, gt_boxes, gt_labels, predictions, options) -> PointAssignment.
    """

    key: str
    library: str
    uses_predictions: bool
    run: Callable[..., PointAssignment]


def _tal(version: str):
    def run(grid: PointGrid, g, lab, pred: PointPredictions, opts: dict) -> PointAssignment:
        strides = tuple(lv.stride for lv in grid.levels)
        cfg = TALConfig(version=version, strides=strides, **opts)
        return assign_tal(grid.points, pred.tal_scores(), pred.boxes, g, lab, config=cfg)
    return run


def _simota(variant: str):
    def run(grid: PointGrid, g, lab, pred: PointPredictions, opts: dict) -> PointAssignment:
        return assign_simota(grid.points, grid.strides, pred.boxes, pred.simota_scores(), g, lab, variant=variant,
                             **opts)
    return run


def _dsl(grid: PointGrid, g, lab, pred: PointPredictions, opts: dict) -> PointAssignment:
    return assign_dsl(grid.points, grid.strides, pred.boxes, pred.dsl_logits(), g, lab, config=DSLConfig(**opts))


def _fcos_tv(grid: PointGrid, g, lab, pred, opts: dict) -> PointAssignment:
    return assign_fcos_torchvision(grid, g, lab, **opts)


def _fcos_mm(grid: PointGrid, g, lab, pred, opts: dict) -> PointAssignment:
    return assign_fcos_mmdet(grid, g, lab, **opts)


POINT_RULES: dict[str, PointRule] = {r.key: r for r in (
    PointRule("fcos_torchvision", "torchvision_fcos", False, _fcos_tv),
    PointRule("fcos_mmdet", "mmdet_fcos", False, _fcos_mm),
    PointRule("tal_8.4", "ultralytics", True, _tal("8.4.190")),
    PointRule("tal_8.3", "ultralytics", True, _tal("8.3.0")),
    PointRule("simota_mmdet", "mmdet_yolox", True, _simota("mmdet")),
    PointRule("simota_yolox_head", "yolox", True, _simota("yolox_head")),
    PointRule("simota_yolox_prefix", "yolox", True, _simota("yolox_prefix")),
    PointRule("dsl_rtmdet", "mmdet_rtmdet", True, _dsl),
)}


def rule_grid(key: str, input_hw, strides) -> PointGrid:
    """The points rule ``key`` labels, for this input and these strides."""
    if key not in POINT_RULES:
        raise AnchorVizInputError(f"point rule: expected one of {sorted(POINT_RULES)}, got {key!r}")
    return library_points(POINT_RULES[key].library, input_hw, strides)


def run_point_rule(key: str, input_hw, strides, gt_boxes, gt_labels, *, num_classes: int,
                   progress: float | None = None, seed: int = 0, predictions: PointPredictions | None = None,
                   options: dict | None = None) -> tuple[PointGrid, PointPredictions, PointAssignment]:
    """Run one rule: its grid, the predictions it saw, and its assignment.

    Args:
        key: a key of ``POINT_RULES``.
        gt_boxes (ndarray[M, 4]): xyxy pixels of the network input; gt_labels: int (M,).
        num_classes: classes of the head.
        progress, seed: simulate the head (when ``predictions`` is None).
        predictions: uploaded predictions for this rule's points instead.
        options: the rule's own keyword arguments (e.g. {"topk": 13} for TAL, {"center_radius": 1.5}).
    """
    grid = rule_grid(key, input_hw, strides)
    rule = POINT_RULES[key]
    if predictions is None:
        if progress is None:
            raise AnchorVizInputError("give either predictions or a training progress in [0, 1]")
        predictions = simulate_point_head(grid, gt_boxes, gt_labels, num_classes=num_classes, progress=progress,
                                          seed=seed)
    elif len(predictions) != len(grid):
        raise AnchorVizInputError(f"the predictions have {len(predictions)} points, {key} uses {len(grid)} "
                                  f"({input_hw[0]}x{input_hw[1]}, strides {list(strides)})")
    labels = np.asarray(gt_labels, np.int64).reshape(-1)
    return grid, predictions, rule.run(grid, gt_boxes, labels, predictions, dict(options or {}))
