"""Parity handler for assign_torchvision.json: torchvision FCOS matching, the head's targets and its three losses.

The matching is ``anchorviz.core.assigners.fcos.fcos_match_torchvision``. The head's targets (one-hot classes,
``BoxLinearCoder(normalize_by_size=True)`` regression targets, centre-ness) and losses (sigmoid focal loss,
GIoU loss, centre-ness BCE, each divided by max(1, num_foreground)) are computed here in float32 from the
golden's head outputs, so the ``losses`` field is checked too. At merge the losses can come from the loss
package's torchvision FCOS loss instead (same formulas); this private copy is only what the check needs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from anchorviz._parity_pending._common import pairs, with_lists

from anchorviz.core.assigners._overlaps import log_sigmoid32, sigmoid32
from anchorviz.core.assigners.fcos import fcos_match_torchvision

F = np.float32


def _a(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64).astype(F)



def _encode(anchors: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """BoxLinearCoder(normalize_by_size=True).encode(anchors, gt): (l, t, r, b) / anchor size, float32."""
    cx = F(0.5) * (anchors[:, 0] + anchors[:, 2])
    cy = F(0.5) * (anchors[:, 1] + anchors[:, 3])
    w = anchors[:, 2] - anchors[:, 0]
    h = anchors[:, 3] - anchors[:, 1]
    t = np.stack([cx - gt[:, 0], cy - gt[:, 1], gt[:, 2] - cx, gt[:, 3] - cy], axis=1)
    return t / np.stack([w, h, w, h], axis=1)


def _decode(rel: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    cx = F(0.5) * (anchors[:, 0] + anchors[:, 2])
    cy = F(0.5) * (anchors[:, 1] + anchors[:, 3])
    w = anchors[:, 2] - anchors[:, 0]
    h = anchors[:, 3] - anchors[:, 1]
    r = rel * np.stack([w, h, w, h], axis=1)
    return np.stack([cx - r[:, 0], cy - r[:, 1], cx + r[:, 2], cy + r[:, 3]], axis=1)


def _bce_logits(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return (F(1) - t) * x - log_sigmoid32(x)


def _giou_loss(p: np.ndarray, g: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """torchvision generalized_box_iou_loss, reduction none, float32."""
    xk1, yk1 = np.maximum(p[:, 0], g[:, 0]), np.maximum(p[:, 1], g[:, 1])
    xk2, yk2 = np.minimum(p[:, 2], g[:, 2]), np.minimum(p[:, 3], g[:, 3])
    inter = np.where((yk2 > yk1) & (xk2 > xk1), (xk2 - xk1) * (yk2 - yk1), F(0)).astype(F)
    union = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1]) + (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1]) - inter
    iou = inter / (union + F(eps))
    area_c = (np.maximum(p[:, 2], g[:, 2]) - np.minimum(p[:, 0], g[:, 0])) * \
             (np.maximum(p[:, 3], g[:, 3]) - np.minimum(p[:, 1], g[:, 1]))
    return F(1) - (iou - (area_c - union) / (area_c + F(eps)))


def _sum32(a: np.ndarray) -> F:
    """A float32 total: the float32 terms summed exactly (float64), rounded once, as torch's cascade sum nearly is."""
    return F(np.asarray(a, np.float64).sum())


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
    gt_targets = gt[np.clip(matched, 0, None)] if len(gt) else np.zeros((len(anchors), 4), F)
    reg_targets = _encode(anchors[fg], gt_targets[fg])
    lr, tb = reg_targets[:, [0, 2]], reg_targets[:, [1, 3]]
    ctrness = np.sqrt((lr.min(axis=1) / lr.max(axis=1)) * (tb.min(axis=1) / tb.max(axis=1)))
    pred = _decode(_a(inp["bbox_regression"]).reshape(-1, 4), anchors)
    # losses: sigmoid focal (alpha 0.25, gamma 2) over every logit, GIoU and centre-ness BCE over the foreground
    prob = sigmoid32(cls_logits)
    p_t = prob * onehot + (F(1) - prob) * (F(1) - onehot)
    focal = (F(0.25) * onehot + F(0.75) * (F(1) - onehot)) * (_bce_logits(cls_logits, onehot) * (F(1) - p_t) ** 2)
    ctr_logits = _a(inp["bbox_ctrness_logits"]).reshape(-1)[fg]
    denom = F(max(1, n_fg))
    losses = {"classification": float(_sum32(focal) / denom),
              "bbox_regression": float(_sum32(_giou_loss(pred[fg], gt_targets[fg])) / denom),
              "bbox_ctrness": float(_sum32(_bce_logits(ctr_logits, ctrness.astype(F))) / denom)}
    return {
        "matched_idxs": matched,
        "num_foreground": n_fg,
        "gt_classes_targets": onehot[None],
        "foreground_point_indices": np.flatnonzero(fg),
        "bbox_reg_targets_fg": reg_targets,
        "gt_ctrness_targets_fg": ctrness,
        "decoded_pred_boxes_fg": pred[fg],
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
    ("torchvision", "torchvision.models.detection.fcos.FCOS.compute_loss"): _fcos,
    ("torchvision", "torchvision.models.detection.fcos.FCOS.compute_loss (matching) -> FCOSHead.compute_loss"): _fcos,
}
