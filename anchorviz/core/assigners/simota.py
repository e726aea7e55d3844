"""SimOTA: mmdet's ``SimOTAAssigner`` and YOLOX's own ``get_assignments`` at HEAD and before the Jan-2023 fix.

All three build a cost over (candidate points x GTs) from the prediction and then run dynamic-k matching
(``dynamic_k.py``):

    cost = cls_weight * Σ_c BCE(sqrt(σ(cls)·σ(obj))_c, onehot_c)
           + iou_weight * (-log(IoU + eps)) + penalty * outside

and they differ exactly in the fields of ``SimOTAConfig`` (``SIMOTA_VARIANTS`` holds the three presets and
``simota_differences`` lays them side by side for the page):

=================  ====================  =====================  =====================
field              mmdet 3.3.0           YOLOX pre-fix a4152a5  YOLOX HEAD (14c62a7+)
=================  ====================  =====================  =====================
centre radius      2.5 strides           2.5 (hard-coded)       1.5 (hard-coded)
candidates         in any box OR any     in any box OR any      in any centre square
                   centre square         centre square          only (no box test)
penalty where      not (in this box AND  not (in this box AND   not in this GT's
                   in its square): 1e5   in its square): 1e5    centre square: 1e6
log eps            1e-7                  1e-8                   1e-8
IoU                union clamped 1e-6    no eps (0/0 = NaN)     no eps (0/0 = NaN)
=================  ====================  =====================  =====================

Points are cell centres in all three (mmdet's YOLOX head adds 0.5 stride to its corner priors before assigning).
Everything is float32 like the libraries; the intermediates keep mmdet's [candidate, GT] layout (YOLOX stores the
transpose).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from anchorviz.core.boxes import xyxy_to_cxcywh
from anchorviz.core.assigners._inputs import prediction_inputs
from anchorviz.core.assigners._overlaps import (any_per_row, bce_onehot_cost, f32, inside_squares, mmdet_iou, sigmoid32,
                                                strictly_inside, yolox_iou_cxcywh)
from anchorviz.core.assigners.dynamic_k import DynamicKMatch, dynamic_k_match, true_pairs
from anchorviz.core.assigners.result import PointAssignment, from_matches
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["SimOTAConfig", "SIMOTA_VARIANTS", "SimOTAResult", "run_simota", "assign_simota", "yolox_scores",
           "simota_differences"]

F = np.float32


@dataclass(frozen=True, kw_only=True)
class SimOTAConfig:
    """The knobs in which SimOTA implementations differ (see the module table).

    Attributes:
        name: shown on the page.
        center_radius: half side of each GT's centre square, in strides.
        candidates: "box_or_centre" (inside any GT box or any centre square) or "centre" (any centre square).
        penalty_outside: "box_and_centre" (penalise pairs not inside this GT's box and its square) or "centre".
        penalty: the added cost of a penalised pair (mmdet's INF).
        candidate_topk: IoUs summed for the dynamic k.
        iou_weight, cls_weight: cost weights.
        log_eps: in -log(IoU + eps).
        iou: "mmdet" (union clamped at 1e-6) or "yolox" (no eps).
    """

    name: str = "mmdet SimOTAAssigner"
    center_radius: float = 2.5
    candidates: Literal["box_or_centre", "centre"] = "box_or_centre"
    penalty_outside: Literal["box_and_centre", "centre"] = "box_and_centre"
    penalty: float = 1e5
    candidate_topk: int = 10
    iou_weight: float = 3.0
    cls_weight: float = 1.0
    log_eps: float = 1e-7
    iou: Literal["mmdet", "yolox"] = "mmdet"

    def __post_init__(self) -> None:
        for name in ("center_radius", "penalty", "iou_weight", "cls_weight", "log_eps"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0 or (name == "center_radius" and v == 0):
                raise AnchorVizInputError(f"SimOTA {name}: expected a finite number >= 0, got {v!r}")
        if not isinstance(self.candidate_topk, int) or self.candidate_topk < 1:
            raise AnchorVizInputError(f"SimOTA candidate_topk: expected an integer >= 1, got {self.candidate_topk!r}")
        if (self.candidates not in ("box_or_centre", "centre")
                or self.penalty_outside not in ("box_and_centre", "centre") or self.iou not in ("mmdet", "yolox")):
            raise AnchorVizInputError("SimOTA: candidates / penalty_outside / iou have a value no library uses")


SIMOTA_VARIANTS: dict[str, SimOTAConfig] = {
    "mmdet": SimOTAConfig(),
    "yolox_prefix": SimOTAConfig(name="YOLOX before 14c62a7 (a4152a5)", log_eps=1e-8, iou="yolox"),
    "yolox_head": SimOTAConfig(name="YOLOX HEAD", center_radius=1.5, candidates="centre", penalty_outside="centre",
                               penalty=1e6, log_eps=1e-8, iou="yolox"),
}


def simota_differences() -> list[tuple[str, str, str, str]]:
    """(field, mmdet, YOLOX pre-fix, YOLOX HEAD) for every field where the three presets are not all equal."""
    a, b, c = SIMOTA_VARIANTS["mmdet"], SIMOTA_VARIANTS["yolox_prefix"], SIMOTA_VARIANTS["yolox_head"]
    rows = []
    for f in ("center_radius", "candidates", "penalty_outside", "penalty", "candidate_topk", "iou_weight",
              "cls_weight", "log_eps", "iou"):
        vals = [getattr(x, f) for x in (a, b, c)]
        if len({repr(v) for v in vals}) > 1:
            rows.append((f, *(f"{v:g}" if isinstance(v, float) else str(v) for v in vals)))
    return rows


@dataclass(frozen=True, eq=False)
class SimOTAResult:
    """SimOTA on one image: N points, M GTs, K candidates.

    Attributes:
        config: the variant that ran.
        in_boxes: bool (N, M) point strictly inside the GT box (computed by every variant; YOLOX HEAD ignores it).
        in_centers: bool (N, M) point strictly inside the GT's centre square.
        candidate_index: int64 (K,) candidate points (mmdet's valid_mask, YOLOX's fg_mask before matching).
        geometry: bool (K, M) pairs without the penalty.
        ious: float32 (K, M) IoU of each candidate's predicted box with each GT.
        cls_cost: float32 (K, M); cost: float32 (K, M) the full cost.
        match: the dynamic-k matching over the candidates.
        matched_gt: int64 (N,) GT of each point, -1 for background.
        soft_target: float32 (N,) IoU with the matched GT (the class target scale), 0 for background.
    """

    config: SimOTAConfig
    in_boxes: np.ndarray
    in_centers: np.ndarray
    candidate_index: np.ndarray
    geometry: np.ndarray
    ious: np.ndarray
    cls_cost: np.ndarray
    cost: np.ndarray
    match: DynamicKMatch
    matched_gt: np.ndarray
    soft_target: np.ndarray


def yolox_scores(cls_logits, obj_logits) -> np.ndarray:
    """What SimOTA receives from a YOLOX head: sqrt(σ(cls) · σ(obj)) per class, float32 [N, C]."""
    c = sigmoid32(cls_logits)
    o = sigmoid32(np.asarray(obj_logits, np.float32).reshape(-1, 1))
    return np.sqrt(c * o)


def _geometry(points, strides, g, radius: float, iou: str):
    """in_boxes and in_centers [N, M], with each library's float32 arithmetic."""
    if iou == "yolox":  # YOLOX works on cxcywh GTs: x1 = cx - 0.5 * w
        gc = f32(xyxy_to_cxcywh(g.astype(np.float64)))
        half = gc[:, 2:] * F(0.5)
        lo, hi, centres = gc[:, :2] - half, gc[:, :2] + half, gc[:, :2]
    else:
        lo, hi, centres = g[:, :2], g[:, 2:], (g[:, :2] + g[:, 2:]) / F(2)
    return strictly_inside(points, lo, hi), inside_squares(points, strides, centres, radius)


def run_simota(points, strides, pred_boxes, scores, gt_boxes, gt_labels, config: SimOTAConfig = SIMOTA_VARIANTS["mmdet"]
           ) -> SimOTAResult:
    """Run one SimOTA variant on one image.

    Args:
        points (ndarray[N, 2]): assignment points, cell centres (``library_points("yolox" | "mmdet_yolox", ...)``).
        strides (ndarray[N]): stride of each point.
        pred_boxes (ndarray[N, 4]): decoded predicted boxes, xyxy pixels.
        scores (ndarray[N, C]): probabilities as SimOTA receives them (``yolox_scores``).
        gt_boxes (ndarray[M, 4]): xyxy pixels; gt_labels: int (M,).
        config: a variant (``SIMOTA_VARIANTS``) or your own.
    """
    g, labels, pts, st, pb, sc = prediction_inputs(points, strides, pred_boxes, scores, gt_boxes, gt_labels,
                                                   rule="SimOTA", scores_are="score")
    m, n = len(g), len(pts)
    in_boxes, in_centers = _geometry(pts, st, g, config.center_radius, config.iou) if m else \
        (np.zeros((n, 0), bool), np.zeros((n, 0), bool))
    if config.candidates == "centre":
        valid = any_per_row(in_centers)
    else:
        valid = any_per_row(in_boxes | in_centers)
    cand = np.flatnonzero(valid)
    geometry = in_centers[cand] if config.penalty_outside == "centre" else in_boxes[cand] & in_centers[cand]
    if config.iou == "yolox":
        ious = yolox_iou_cxcywh(f32(xyxy_to_cxcywh(pb[cand].astype(np.float64))),
                                f32(xyxy_to_cxcywh(g.astype(np.float64))))
    else:
        ious = mmdet_iou(pb[cand], g)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou_cost = -np.log(ious + F(config.log_eps))
    cls_cost = bce_onehot_cost(sc[cand], labels) if m else np.zeros((len(cand), 0), F)
    cost = cls_cost * F(config.cls_weight)
    iou_cost *= F(config.iou_weight)
    cost += iou_cost
    cost += (~geometry).astype(F) * F(config.penalty)  # ((cls * w) + (iou * w)) + penalty, torch's order
    match = dynamic_k_match(cost, ious, config.candidate_topk)
    matched = np.full(n, -1, np.int64)
    soft = np.zeros(n, F)
    matched[cand] = match.matched_gt
    soft[cand] = match.matched_iou
    return SimOTAResult(config=config, in_boxes=in_boxes, in_centers=in_centers, candidate_index=cand,
                        geometry=geometry, ious=ious, cls_cost=cls_cost, cost=cost, match=match, matched_gt=matched,
                        soft_target=soft)


def assign_simota(points, strides, pred_boxes, scores, gt_boxes, gt_labels, *, variant: str = "mmdet",
                  config: SimOTAConfig | None = None, **overrides) -> PointAssignment:
    """SimOTA in the common frame (``cost`` = the full cost over candidates x GTs, ``dynamic_k``, picks and losses).

    Args:
        variant: "mmdet", "yolox_prefix" or "yolox_head" (ignored when ``config`` is given).
        overrides: SimOTAConfig fields to change on the variant (e.g. center_radius=1.5).
    """
    if config is None:
        if variant not in SIMOTA_VARIANTS:
            raise AnchorVizInputError(f"SimOTA variant: expected one of {sorted(SIMOTA_VARIANTS)}, got {variant!r}")
        config = SIMOTA_VARIANTS[variant]
    if overrides:
        config = replace(config, **overrides)
    res = run_simota(points, strides, pred_boxes, scores, gt_boxes, gt_labels, config)
    mt = res.match
    rows, cols = true_pairs(mt.before)
    picked = np.column_stack([res.candidate_index[rows], cols])
    m = res.in_centers.shape[1]
    cand = np.zeros(len(res.matched_gt), bool)
    cand[res.candidate_index] = True
    soft = np.where(res.matched_gt >= 0, res.soft_target, 0.0)
    return from_matches(rule=f"SimOTA, {config.name}", matched_gt=res.matched_gt, gt_labels=gt_labels, num_gts=m,
                        quality=res.ious, soft_target=soft, candidates=cand, cost=res.cost,
                        cost_kind="cost", dynamic_k=mt.dynamic_ks, picked=picked, ties=mt.ties)
