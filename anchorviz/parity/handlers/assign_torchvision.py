"""Parity handler for assign_torchvision.json: torchvision FCOS matching, the head's targets and its three losses.

The matching is ``anchorviz.core.assigners.fcos.fcos_match_torchvision``; the head's targets
(``BoxLinearCoder(normalize_by_size=True)`` regression targets, centre-ness, decoded boxes) and its three losses
(sigmoid focal, GIoU, centre-ness BCE, each divided by max(1, num_foreground)) come from the loss package's
``fcos_loss``, in float32 as torchvision computes them.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from anchorviz.parity.handlers.assign_common import pairs, with_lists

from anchorviz.core.assigners.fcos import fcos_match_torchvision
from anchorviz.core.loss.fcos import fcos_loss

F = np.float32


def _a(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64).astype(F)


@with_lists
def _fcos(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    anchors = _a(common["anchors_xyxy"]).reshape(-1, 4)
    per_level = [int(v) for v in p.get("num_anchors_per_level") or common["num_anchors_per_level"]]
    gt = _a(inp["gt_boxes"]).reshape(-1, 4)
    gt_labels = np.asarray(inp["gt_labels"], np.int64).reshape(-1)
    points = (anchors[:, :2] + anchors[:, 2:]) / F(2)
    sizes = anchors[:, 2] - anchors[:, 0]
    res = fcos_match_torchvision(points, sizes, per_level, gt, center_sampling_radius=p["center_sampling_radius"])
    matched = res.matched_idxs
    fg = matched >= 0
    n_fg = int(fg.sum())
    cls_logits = _a(inp["cls_logits"]).reshape(len(anchors), -1)
    c = cls_logits.shape[1]
    onehot = np.zeros((len(anchors), c), F)
    onehot[np.flatnonzero(fg), gt_labels[matched[fg]]] = 1
    details, _, terms = fcos_loss(anchors, [(gt, gt_labels)], [matched], cls_logits[None],
                                  _a(inp["bbox_regression"]).reshape(1, -1, 4),
                                  _a(inp["bbox_ctrness_logits"]).reshape(1, -1))
    d = details[0]
    losses = {k: float(terms[k]) for k in ("classification", "bbox_regression", "bbox_ctrness")}
    return {
        "matched_idxs": matched,
        "num_foreground": n_fg,
        "gt_classes_targets": onehot[None],
        "foreground_point_indices": np.flatnonzero(fg),
        "bbox_reg_targets_fg": d["bbox_reg_targets_fg"],
        "gt_ctrness_targets_fg": d["gt_ctrness_targets_fg"],
        "decoded_pred_boxes_fg": d["decoded_pred_boxes_fg"],
        "losses": losses,
        "stage_pairs": {"center_sampling_[point,gt]": pairs(res.center_mask),
                        "and_inside_gt_[point,gt]": pairs(res.inside_mask),
                        "and_scale_range_[point,gt]": pairs(res.match_mask)},
        "min_area_key_per_gt_(1e8-area_float32,_0_if_no_point)": res.min_area_key_per_gt,
        "gt_areas": res.gt_areas,
        "lower_bound_per_level": res.lower_bound_per_level,
        "upper_bound_per_level": res.upper_bound_per_level,
        "max_ltrb_distance_fg": res.max_ltrb[fg],
        "assigned_count_per_gt": np.bincount(matched[fg], minlength=len(gt)),
    }


_FN = "torchvision.models.detection.fcos.FCOS.compute_loss (matching) -> FCOSHead.compute_loss (targets, losses)"
HANDLERS: dict[tuple[str, str], Callable[[dict, dict, dict], dict]] = {
    ("torchvision", _FN): _fcos,
    ("torchvision", "torchvision.models.detection.fcos.FCOS.compute_loss (matching) -> FCOSHead.compute_loss"): _fcos,
}
