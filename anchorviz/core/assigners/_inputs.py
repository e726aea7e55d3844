"""Input checks shared by the point assigners: one message style for every rule's public entry point."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.assigners._overlaps import f32
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["gt_label_array", "PredictionInputs", "prediction_inputs"]


def gt_label_array(gt_labels, m: int) -> np.ndarray:
    """int64 (M,) class per GT, or AnchorVizInputError naming what arrived."""
    lab = np.asarray(gt_labels).reshape(-1)
    if len(lab) != m or (len(lab) and (not np.isfinite(lab.astype(float)).all() or (lab < 0).any()
                                       or (lab != np.round(lab)).any())):
        raise AnchorVizInputError(f"gt labels: expected {m} non-negative integers (one per GT), got {lab.tolist()[:8]}")
    return lab.astype(np.int64)


class PredictionInputs(NamedTuple):
    """Validated float32 inputs of a prediction-aware rule: N points, M GTs, C classes."""

    gt: np.ndarray  # (M, 4)
    labels: np.ndarray  # int64 (M,)
    points: np.ndarray  # (N, 2)
    strides: np.ndarray  # (N,)
    boxes: np.ndarray  # (N, 4) predicted, xyxy
    scores: np.ndarray  # (N, C) what the rule receives (probabilities or logits)


def prediction_inputs(points, strides, pred_boxes, scores, gt_boxes, gt_labels, *, rule: str, scores_are: str
                      ) -> PredictionInputs:
    """Check shapes against each other and the labels against the score columns, then convert to float32."""
    g = as_boxes(gt_boxes, name="gt boxes").astype(np.float32)
    labels = gt_label_array(gt_labels, len(g))
    pts = f32(points).reshape(-1, 2)
    n = len(pts)
    st = f32(strides).reshape(-1)
    pb = f32(pred_boxes).reshape(-1, 4)
    sc = f32(scores)
    if len(st) != n or len(pb) != n or sc.ndim != 2 or len(sc) != n:
        raise AnchorVizInputError(f"{rule}: expected one stride, box and {scores_are} row per point ({n}), got "
                                  f"{len(st)}, {len(pb)} and {sc.shape[0] if sc.ndim else 0}")
    if len(labels) and labels.max() >= sc.shape[1]:
        raise AnchorVizInputError(f"gt labels go up to {labels.max()} but the {scores_are} have {sc.shape[1]} classes")
    return PredictionInputs(g, labels, pts, st, pb, sc)
