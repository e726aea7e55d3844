"""Parity handler for assign_yolox.json: YOLOX's own SimOTA at HEAD and before the Jan-2023 fix (a4152a5).

The case's ``params["version"]`` ("head" / "pre_fix") picks the ``SIMOTA_VARIANTS`` preset; the hard-coded numbers
in the params (radius, top-k, weight, penalty, eps) are applied on top, so a golden that records other values is
run with them. YOLOX's matrices are [gt, candidate]: the common result's [candidate, gt] ones are transposed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from anchorviz.parity.handlers.assign_common import by_prefix, pairs, with_lists

from anchorviz.core.boxes import cxcywh_to_xyxy
from anchorviz.core.assigners.simota import SIMOTA_VARIANTS, run_simota, yolox_scores



@with_lists
def _yolox(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    variant = "yolox_head" if str(p.get("version", "head")).lower() == "head" else "yolox_prefix"
    base = SIMOTA_VARIANTS[variant]
    cfg = replace(base, center_radius=float(by_prefix(p, "center_radius", base.center_radius)),
                  candidate_topk=int(by_prefix(p, "candidate_topk", base.candidate_topk)),
                  iou_weight=float(by_prefix(p, "iou_cost_weight", base.iou_weight)),
                  penalty=float(by_prefix(p, "geometry_penalty", base.penalty)),
                  log_eps=float(by_prefix(p, "log_eps", base.log_eps)))
    strides = np.asarray(common["expanded_strides"], np.float32).reshape(-1)
    xs = np.asarray(common["x_shifts"], np.float32).reshape(-1)
    ys = np.asarray(common["y_shifts"], np.float32).reshape(-1)
    points = np.stack([(xs + np.float32(0.5)) * strides, (ys + np.float32(0.5)) * strides], axis=1)
    gt_cxcywh = np.asarray(inp["gt_bboxes_cxcywh"], np.float64).reshape(-1, 4)
    classes = np.asarray(inp["gt_classes"], np.float64).reshape(-1)
    labels = classes.astype(np.int64)
    scores = yolox_scores(inp["cls_logits"], inp["obj_logits"])
    pred = cxcywh_to_xyxy(np.asarray(inp["bboxes_preds_cxcywh"], np.float64).reshape(-1, 4))
    res = run_simota(points, strides, pred, scores, cxcywh_to_xyxy(gt_cxcywh), labels, cfg)
    fg = res.matched_gt >= 0
    matched = res.matched_gt[fg]
    ious = res.soft_target[fg]
    c = scores.shape[1]
    onehot = np.zeros((len(matched), c), np.float32)
    onehot[np.arange(len(matched)), labels[matched]] = 1
    mt = res.match
    out = {
        "fg_mask": fg,
        "num_fg": int(fg.sum()),
        "fg_indices": np.flatnonzero(fg),
        "matched_gt_inds (per fg point, 0-based)": matched,
        "gt_matched_classes": classes[matched],
        "pred_ious_this_matching (soft cls target scale)": ious,
        "cls_target = one_hot*iou (get_losses)": onehot * ious[:, None],
        "reg_target_cxcywh = gt[matched]": gt_cxcywh[matched],
        "candidate_indices": res.candidate_index,
        "is_in_centers_[gt,point]": pairs(res.in_centers.T),
        "pair_wise_ious_[gt,candidate]": res.ious.T,
        "pair_wise_cls_loss_[gt,candidate]": res.cls_cost.T,
        "cost_[gt,candidate]": res.cost.T,
        "dynamic_ks": mt.dynamic_ks,
        "matching_before_conflict_[gt,candidate]": pairs(mt.before.T),
        "matching_final_[gt,candidate]": pairs(mt.final.T),
        "assigned_count_per_gt": np.bincount(matched, minlength=len(labels)),
    }
    if variant == "yolox_prefix":
        out["is_in_boxes_[gt,point]"] = pairs(res.in_boxes.T)
    return out


_FN = "yolox.models.yolo_head.YOLOXHead.get_assignments"
HANDLERS: dict[tuple[str, str], Callable[[dict, dict, dict], dict]] = {
    ("yolox", _FN): _yolox,
}
