"""Parity handler for assign_mmdet.json: SimOTAAssigner, DynamicSoftLabelAssigner (RTMDet) and FCOSHead targets.

Output names are the golden's; AssignResult conventions are rebuilt from the common result: ``gt_inds`` 1-based
with 0 for background, ``labels`` -1 for background, ``max_overlaps`` the IoU at positives and -INF elsewhere
(0 everywhere in the no-GT / no-candidate early return).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from anchorviz.parity.handlers.assign_common import pairs, with_lists

from anchorviz.core.assigners.dsl import DSLConfig, dynamic_soft_label
from anchorviz.core.assigners.fcos_mmdet import fcos_targets_mmdet
from anchorviz.core.assigners.simota import SIMOTA_VARIANTS, run_simota



def _priors(common: dict) -> np.ndarray:
    return np.asarray(common["priors_offset0 [x,y,stride_w,stride_h]"], np.float64).reshape(-1, 4)


def _assign_result(matched: np.ndarray, soft: np.ndarray, gt_labels: np.ndarray, inf: float, early: bool) -> dict:
    """mmdet AssignResult fields from the per-point matched GT (-1 = background)."""
    fg = matched >= 0
    return {
        "gt_inds": np.where(fg, matched + 1, 0),
        "labels": np.where(fg, gt_labels[np.clip(matched, 0, None)] if len(gt_labels) else -1, -1),
        "num_gts": len(gt_labels),
        "fg_indices": np.flatnonzero(fg),
        "max_overlaps_fg (soft target IoU)": soft[fg],
        "max_overlaps_background_value": 0.0 if early else -inf,
        "assigned_count_per_gt": np.bincount(matched[fg], minlength=len(gt_labels)),
    }


def _dynamic_outputs(match) -> dict:
    return {
        "topk_ious_[k,gt]": match.topk_ious,
        "dynamic_ks": match.dynamic_ks,
        "matching_before_conflict_[candidate,gt]": pairs(match.before),
        "conflict_rows (candidates picked by >1 GT)": match.conflict_rows,
        "matching_final_[candidate,gt]": pairs(match.final),
    }


@with_lists
def _simota(p: dict, inp: dict, ctx: dict) -> dict:
    priors = _priors(ctx["common"])
    # the YOLOX head in mmdet shifts its corner priors by half a stride before assigning
    points = priors[:, :2] + priors[:, 2:] * 0.5
    gt = np.asarray(inp["gt_bboxes"], np.float64).reshape(-1, 4)
    labels = np.asarray(inp["gt_labels"], np.int64).reshape(-1)
    scores = inp["scores (=sqrt(sigmoid(cls)*sigmoid(obj)), what the assigner receives)"]
    cfg = replace(SIMOTA_VARIANTS["mmdet"], center_radius=float(p["center_radius"]),
                  candidate_topk=int(p["candidate_topk"]), iou_weight=float(p["iou_weight"]),
                  cls_weight=float(p["cls_weight"]), penalty=float(p.get("INF", 1e5)),
                  log_eps=float(p.get("EPS", 1e-7)))
    res = run_simota(points, priors[:, 2], inp["decoded_bboxes_xyxy"], scores, gt, labels, cfg)
    early = len(gt) == 0 or len(res.candidate_index) == 0
    out = _assign_result(res.matched_gt, res.soft_target, labels, cfg.penalty, early)
    out.update({
        "candidate_indices (in any GT box OR any centre region)": res.candidate_index,
        "is_in_gts_[point,gt]": pairs(res.in_boxes),
        "is_in_cts_[point,gt]": pairs(res.in_centers),
        "is_in_boxes_and_center_[candidate_row,gt]": pairs(res.geometry),
        "pairwise_ious_[candidate,gt]": res.ious,
        "cls_cost_[candidate,gt]": res.cls_cost,
        "cost_matrix_[candidate,gt]": res.cost,
    })
    out.update(_dynamic_outputs(res.match))
    return out


@with_lists
def _dsl(p: dict, inp: dict, ctx: dict) -> dict:
    priors = _priors(ctx["common"])
    gt = np.asarray(inp["gt_bboxes"], np.float64).reshape(-1, 4)
    labels = np.asarray(inp["gt_labels"], np.int64).reshape(-1)
    cfg = DSLConfig(soft_center_radius=float(p["soft_center_radius"]), topk=int(p["topk"]),
                    iou_weight=float(p["iou_weight"]), eps=float(p.get("EPS", 1e-7)))
    res = dynamic_soft_label(priors[:, :2], priors[:, 2], inp["decoded_bboxes_xyxy"],
                             inp["cls_logits (assigner input is LOGITS)"], gt, labels, cfg)
    early = len(gt) == 0 or len(res.candidate_index) == 0
    out = _assign_result(res.matched_gt, res.soft_target, labels, float(p.get("INF", 1e8)), early)
    out.update({
        "candidate_indices (strictly inside any GT box)": res.candidate_index,
        "distance_over_stride_[candidate,gt]": res.distance,
        "soft_center_prior_[candidate,gt]": res.center_prior,
        "pairwise_ious_[candidate,gt]": res.ious,
        "soft_cls_cost_[candidate,gt]": res.soft_cls_cost,
        "iou_cost_[candidate,gt] (already x iou_weight)": res.iou_cost,
        "cost_matrix_[candidate,gt]": res.cost,
    })
    out.update(_dynamic_outputs(res.match))
    return out


@with_lists
def _fcos(p: dict, inp: dict, ctx: dict) -> dict:
    points = np.asarray(ctx["common"]["fcos_points_offset0.5 [x,y]"], np.float64).reshape(-1, 2)
    counts = [int(c) for c in p["num_points_per_lvl"]]
    level = np.repeat(np.arange(len(counts)), counts)
    gt = np.asarray(inp["gt_bboxes"], np.float64).reshape(-1, 4)
    labels = np.asarray(inp["gt_labels"], np.int64).reshape(-1)
    res = fcos_targets_mmdet(points, level, p["strides"], gt, labels, num_classes=int(p["num_classes"]),
                             regress_ranges=p["regress_ranges"], center_sampling=bool(p["center_sampling"]),
                             center_sample_radius=float(p["center_sample_radius"]))
    fg = res.matched_gt >= 0
    return {
        "labels (num_classes = background)": res.labels,
        "fg_indices": np.flatnonzero(fg),
        "bbox_targets_fg (l,t,r,b pixels, before norm_on_bbox / stride)": res.bbox_targets[fg],
        "assigned_gt_index_fg": res.matched_gt[fg],
        "inside_gt_or_centre_region_[point,gt]": pairs(res.inside_mask),
        "inside_regress_range_and_inside_[point,gt]": pairs(res.range_and_inside),
        "assigned_count_per_gt": np.bincount(res.matched_gt[fg], minlength=len(gt)),
    }


_SIMOTA = "mmdet.models.task_modules.assigners.SimOTAAssigner.assign"
_DSL = "mmdet.models.task_modules.assigners.DynamicSoftLabelAssigner.assign"
_FCOS = "mmdet.models.dense_heads.fcos_head.FCOSHead._get_targets_single"
HANDLERS: dict[tuple[str, str], Callable[[dict, dict, dict], dict]] = {
    ("mmdet", _SIMOTA): _simota,
    ("mmdet", _DSL): _dsl,
    ("mmdet", _FCOS): _fcos,
    ("mmdet", _FCOS + " (unbound, stub self)"): _fcos,
}
