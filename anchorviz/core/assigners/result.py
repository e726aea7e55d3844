"""One result for every point assigner, shaped like ``anchorviz.assign.Assignment`` so the existing views draw it.

``PointAssignment`` *is* an ``Assignment`` (labels, matched_gt, max_iou, gt_max_iou, num_gts, positives_per_gt),
so a Labels view that draws anchors by label can draw points the same way. On top it carries what a page needs to
explain a dynamic rule: which points were candidates, the cost (or alignment-metric) matrix over candidates x GTs,
each GT's dynamic k, what each GT picked before conflicts were resolved and which of those it lost (and to whom).

None of these rules has an ignore band, so labels are only POSITIVE or NEGATIVE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from anchorviz.core.assign.labels import Assignment, Label

__all__ = ["PointAssignment", "lost_pairs", "from_matches"]

CostKind = Literal["cost", "metric", "none"]


@dataclass(frozen=True, eq=False, kw_only=True)
class PointAssignment(Assignment):
    """A point (or anchor) assignment with the intermediates that explain it.

    Attributes (besides ``Assignment``'s; ``max_iou`` holds the rule's per-point quality for heatmaps: the IoU of
    the point's prediction with its best GT for the prediction-aware rules, 0 for purely geometric ones):
        rule: which library rule made it, e.g. "ultralytics TAL 8.4.190".
        class_target: int64 (N,) class of the matched GT, -1 for background (one convention for every library;
            the libraries' own background codes differ: -1, num_classes, or GT 0's label in ultralytics).
        soft_target: float64 (N,) the soft classification target at each point (0 for background) for the rules
            that have one (TAL: normalised metric; SimOTA / RTMDet: IoU), None otherwise.
        candidates: bool (N,) points the rule considered at all.
        candidate_index: int64 (K,) = flatnonzero(candidates), the rows of ``cost``.
        cost: float (K, M) the cost (lower wins) or alignment metric (higher wins) of each candidate for each
            GT, in the rule's own precision (float32 for the torch-based libraries); None for rules without one.
        cost_kind: "cost", "metric" or "none".
        dynamic_k: int64 (M,) positives each GT asks for (SimOTA / RTMDet); the fixed top-k for TAL; None else.
        picked: int64 (P, 2) (point, GT) pairs each GT picked before conflicts were resolved.
        lost: int64 (L, 3) (point, GT that picked it, GT that got it) for picks lost in conflict resolution; the
            winner is -1 when the point ended as background (TAL's topk2, for example).
        ties: bool (M,) the GT's selection hit a tie at its k-th place; the picked set then follows CPU torch's
            kernel (emulated), and another implementation could pick differently.
    """

    rule: str = ""
    class_target: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    soft_target: np.ndarray | None = None
    candidates: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    candidate_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cost: np.ndarray | None = None
    cost_kind: CostKind = "none"
    dynamic_k: np.ndarray | None = None
    picked: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    lost: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    ties: np.ndarray | None = None

    def lost_per_gt(self) -> np.ndarray:
        """int64 (M,) picks each GT lost to another GT (or to nothing) in conflict resolution."""
        return np.bincount(self.lost[:, 1], minlength=self.num_gts).astype(np.int64) if len(self.lost) else \
            np.zeros(self.num_gts, np.int64)

    def without_positive(self) -> np.ndarray:
        """int64 indices of the GTs that ended with no positive point (the small / crowded-object story)."""
        return np.flatnonzero(self.positives_per_gt() == 0)


def lost_pairs(picked: np.ndarray, matched_gt: np.ndarray) -> np.ndarray:
    """(point, GT, winner) for every picked (point, GT) pair whose point did not end with that GT."""
    picked = np.asarray(picked, np.int64).reshape(-1, 2)
    if not len(picked):
        return np.zeros((0, 3), np.int64)
    winner = matched_gt[picked[:, 0]]
    keep = winner != picked[:, 1]
    return np.column_stack([picked[keep], winner[keep]]).astype(np.int64)


def from_matches(*, rule: str, matched_gt: np.ndarray, gt_labels: np.ndarray, num_gts: int,
                 quality: np.ndarray | None = None, soft_target: np.ndarray | None = None,
                 candidates: np.ndarray | None = None, cost: np.ndarray | None = None,
                 cost_kind: CostKind = "none", dynamic_k: np.ndarray | None = None,
                 picked: np.ndarray | None = None, ties: np.ndarray | None = None) -> PointAssignment:
    """Build a PointAssignment from the per-point matched GT (-1 = background) and the optional intermediates.

    Args:
        quality: float (K, M) quality of each candidate for each GT (the rows of ``cost``), or (N,) per point
            already reduced; None gives zeros.
        candidates: bool (N,); None means "every point" (no candidate stage).
        cost: (K, M) over the candidate rows, K = candidates.sum().
    """
    matched = np.asarray(matched_gt, np.int64)
    n = len(matched)
    labels = np.where(matched >= 0, Label.POSITIVE, Label.NEGATIVE).astype(np.int8)
    gl = np.asarray(gt_labels, np.int64).reshape(-1)
    cls = np.where(matched >= 0, gl[np.clip(matched, 0, None)] if len(gl) else -1, -1).astype(np.int64)
    cand = np.ones(n, bool) if candidates is None else np.asarray(candidates, bool)
    max_q = np.zeros(n)
    gt_q = np.zeros(num_gts)
    if quality is not None:
        q = np.asarray(quality)
        if q.ndim == 2:
            if q.shape[0] and q.shape[1]:
                max_q[cand] = np.fmax.reduce(q, axis=1)  # fmax: a NaN IoU (YOLOX, 0/0) does not hide the others
                gt_q = np.fmax.reduce(q, axis=0).astype(np.float64)
        else:
            max_q = q.astype(np.float64)
            pos = matched >= 0
            np.maximum.at(gt_q, matched[pos], q[pos])
    pk = np.zeros((0, 2), np.int64) if picked is None else np.asarray(picked, np.int64).reshape(-1, 2)
    return PointAssignment(
        labels=labels, matched_gt=matched, max_iou=np.nan_to_num(max_q), gt_max_iou=np.nan_to_num(gt_q),
        num_gts=num_gts, rule=rule, class_target=cls,
        soft_target=None if soft_target is None else np.asarray(soft_target, np.float64),
        candidates=cand, candidate_index=np.flatnonzero(cand).astype(np.int64),
        cost=None if cost is None else np.asarray(cost), cost_kind=cost_kind,
        dynamic_k=None if dynamic_k is None else np.asarray(dynamic_k, np.int64),
        picked=pk, lost=lost_pairs(pk, matched), ties=None if ties is None else np.asarray(ties, bool))
