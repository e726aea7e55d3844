"""RTMDet's assigner: mmdet ``DynamicSoftLabelAssigner``, in float32.

* Candidates: points (cell **corners**, ``MlvlPointGenerator(offset=0)``) strictly inside **any** GT. No centre
  square: a GT with no point inside still has a cost column over the other GTs' candidates, so it can take a
  point from another GT when that is cheaper there (or end with nothing after conflicts).
* Cost = soft classification cost + IoU cost + soft centre prior:
  - classification on **logits**: Σ_c BCEwithLogits(x, t) · |t − σ(x)|², t = onehot · IoU(prediction, GT);
  - IoU: iou_weight · (−log(IoU + 1e-7));
  - centre prior: 10^(d / stride − soft_center_radius), d the distance from the point to the GT centre: 1 at
    radius strides, ×10 per further stride (up to ~1e26), and the only geometric term (no hard penalty).
* Dynamic k from the ``topk`` (13) largest IoUs, k cheapest per GT, conflicts to the cheapest GT
  (``dynamic_k.py``). The soft target is the IoU with the assigned GT (RTMDet's ``assign_metrics``).

Feeding probabilities instead of logits changes the assignment silently; ``assign_dsl`` takes logits by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from anchorviz.core.assigners._inputs import prediction_inputs
from anchorviz.core.assigners._overlaps import _ROWS, any_per_row, mmdet_iou, soft_bce_cost, strictly_inside
from anchorviz.core.assigners.dynamic_k import DynamicKMatch, dynamic_k_match, true_pairs
from anchorviz.core.assigners.result import PointAssignment, from_matches
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["DSLConfig", "DSLResult", "dynamic_soft_label", "assign_dsl"]

F = np.float32


@dataclass(frozen=True, kw_only=True)
class DSLConfig:
    """DynamicSoftLabelAssigner's arguments (RTMDet's defaults)."""

    soft_center_radius: float = 3.0
    topk: int = 13
    iou_weight: float = 3.0
    eps: float = 1e-7

    def __post_init__(self) -> None:
        for name in ("soft_center_radius", "iou_weight", "eps"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise AnchorVizInputError(f"DSL {name}: expected a finite number >= 0, got {v!r}")
        if not isinstance(self.topk, int) or self.topk < 1:
            raise AnchorVizInputError(f"DSL topk: expected an integer >= 1, got {self.topk!r}")


@dataclass(frozen=True, eq=False)
class DSLResult:
    """DynamicSoftLabelAssigner on one image: N points, M GTs, K candidates.

    Attributes:
        in_gts: bool (N, M); candidate_index: int64 (K,) points inside any GT.
        distance: float32 (K, M) distance to the GT centre over the stride; center_prior: float32 (K, M).
        ious, soft_cls_cost, iou_cost, cost: float32 (K, M) (``iou_cost`` already times iou_weight).
        match: the dynamic-k matching; matched_gt: int64 (N,) (-1 background); soft_target: float32 (N,).
    """

    config: DSLConfig
    in_gts: np.ndarray
    candidate_index: np.ndarray
    distance: np.ndarray
    center_prior: np.ndarray
    ious: np.ndarray
    soft_cls_cost: np.ndarray
    iou_cost: np.ndarray
    cost: np.ndarray
    match: DynamicKMatch
    matched_gt: np.ndarray
    soft_target: np.ndarray


def _centre_prior(pts: np.ndarray, strides: np.ndarray, g: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(distance to each GT centre over the stride, 10^(distance - radius)), float32 (K, M), block by block of rows:
    the float64 intermediates of a whole (K, M) block would be fresh memory (page faults) on every call."""
    k, m = len(pts), len(g)
    centre = (g[:, :2] + g[:, 2:]) / F(2)
    distance, prior = np.empty((k, m), F), np.empty((k, m), F)
    r, ln10 = F(radius), math.log(10.0)
    for i in range(0, k, _ROWS):
        rows = slice(i, min(i + _ROWS, k))
        dx = pts[rows, 0:1] - centre[None, :, 0]
        dy = pts[rows, 1:2] - centre[None, :, 1]
        dx *= dx
        dy *= dy
        dx += dy
        np.sqrt(dx, out=dx)
        dx /= strides[rows][:, None]
        distance[rows] = dx
        # torch.pow(10, d - r) in float32; computed in float64 and rounded once (within an ulp of powf), because
        # NumPy's float32 power is slow on the huge values this reaches (up to ~1e26, inf beyond 3.4e38)
        e = (dx - r).astype(np.float64)
        e *= ln10
        with np.errstate(over="ignore"):
            np.exp(e, out=e)
            prior[rows] = e
    return distance, prior


def dynamic_soft_label(points, strides, pred_boxes, logits, gt_boxes, gt_labels, config: DSLConfig = DSLConfig()
                       ) -> DSLResult:
    """Run the assigner on one image.

    Args:
        points (ndarray[N, 2]): cell corners (``library_points("mmdet_rtmdet", ...)``).
        strides (ndarray[N]): stride of each point.
        pred_boxes (ndarray[N, 4]): decoded predictions, xyxy pixels.
        logits (ndarray[N, C]): class **logits** (not probabilities).
        gt_boxes (ndarray[M, 4]): xyxy pixels; gt_labels: int (M,).
    """
    g, labels, pts, st, pb, x = prediction_inputs(points, strides, pred_boxes, logits, gt_boxes, gt_labels,
                                                  rule="DSL", scores_are="logit")
    m, n = len(g), len(pts)
    in_gts = strictly_inside(pts, g[:, :2], g[:, 2:])
    cand = np.flatnonzero(any_per_row(in_gts))
    distance, prior = _centre_prior(pts[cand], st[cand], g, config.soft_center_radius)
    ious = mmdet_iou(pb[cand], g)
    with np.errstate(divide="ignore"):  # -log(iou + eps) * w, in place
        iou_cost = np.add(ious, F(config.eps))
        np.log(iou_cost, out=iou_cost)
        np.negative(iou_cost, out=iou_cost)
        iou_cost *= F(config.iou_weight)
    soft_cls = soft_bce_cost(x[cand], labels, ious) if m else np.zeros((len(cand), 0), F)
    cost = soft_cls + iou_cost
    cost += prior
    match = dynamic_k_match(cost, ious, config.topk)
    matched = np.full(n, -1, np.int64)
    soft = np.zeros(n, F)
    matched[cand] = match.matched_gt
    soft[cand] = match.matched_iou
    return DSLResult(config=config, in_gts=in_gts, candidate_index=cand, distance=distance, center_prior=prior,
                     ious=ious, soft_cls_cost=soft_cls, iou_cost=iou_cost, cost=cost, match=match, matched_gt=matched,
                     soft_target=soft)


def assign_dsl(points, strides, pred_boxes, logits, gt_boxes, gt_labels, *, config: DSLConfig = DSLConfig()
               ) -> PointAssignment:
    """DynamicSoftLabelAssigner in the common frame (``cost`` = the full cost over candidates x GTs)."""
    res = dynamic_soft_label(points, strides, pred_boxes, logits, gt_boxes, gt_labels, config)
    mt = res.match
    rows, cols = true_pairs(mt.before)
    n, m = res.in_gts.shape
    soft = np.where(res.matched_gt >= 0, res.soft_target, 0.0)
    cand = np.zeros(n, bool)
    cand[res.candidate_index] = True
    return from_matches(rule=f"RTMDet DynamicSoftLabelAssigner (top-{config.topk})", matched_gt=res.matched_gt,
                        gt_labels=gt_labels, num_gts=m, quality=res.ious, soft_target=soft, candidates=cand,
                        cost=res.cost, cost_kind="cost", dynamic_k=mt.dynamic_ks,
                        picked=np.column_stack([res.candidate_index[rows], cols]), ties=mt.ties)
