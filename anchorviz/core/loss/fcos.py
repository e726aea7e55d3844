"""torchvision FCOS's loss (``FCOSHead.compute_loss``) given the point matching.

The matching (which GT each point regresses to) is the point assigner's job (issue #14); this module takes its
``matched_idxs`` (GT index or -1 per point) and computes the three terms exactly as torchvision does:

* classification: sigmoid focal loss over **all** points (no ignore band), one-hot at the GT label column;
* box regression: GIoU loss (eps 1e-7) between the decoded predictions and the GT boxes, over foreground points;
* centre-ness: BCE-with-logits over foreground points, target ``sqrt(min(l, r)/max(l, r) * min(t, b)/max(t, b))``
  from the GT's (l, t, r, b) distances;

each summed and divided by ``max(1, #foreground over the whole batch)`` -- per batch, unlike RetinaNet's per image.

FCOS codes boxes with ``BoxLinearCoder(normalize_by_size=True)``: distances from the anchor centre to the four
sides, divided by the anchor's width/height. That coder is not among ``anchorviz.coding``'s centre/log and corner
coders, so its two formulas are here, in torchvision's float32 operation order.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.loss import elementwise as E
from anchorviz.core.loss.rules import ImageLoss, Normaliser, Role, image_loss
from anchorviz.core.loss.specs import LOSS_SPECS, LossSpec

__all__ = ["linear_encode", "linear_decode", "centerness_target", "fcos_loss"]

F32 = np.float32


def linear_encode(anchors: np.ndarray, gts: np.ndarray) -> np.ndarray:
    """BoxLinearCoder.encode(reference_boxes=anchors, proposals=gts): (l, t, r, b) / (w, h, w, h), float32 (N, 4)."""
    a, g = np.asarray(anchors, F32), np.asarray(gts, F32)
    half = F32(0.5)
    cx = half * (a[:, 0] + a[:, 2])
    cy = half * (a[:, 1] + a[:, 3])
    t = np.stack([cx - g[:, 0], cy - g[:, 1], g[:, 2] - cx, g[:, 3] - cy], axis=1)
    w, h = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    return t / np.stack([w, h, w, h], axis=1)


def linear_decode(rel_codes: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """BoxLinearCoder.decode(rel_codes, boxes=anchors): centre -/+ code * size, float32 (N, 4) xyxy."""
    r, a = np.asarray(rel_codes, F32), np.asarray(anchors, F32)
    half = F32(0.5)
    cx = half * (a[:, 0] + a[:, 2])
    cy = half * (a[:, 1] + a[:, 3])
    w, h = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    r = r * np.stack([w, h, w, h], axis=1)
    return np.stack([cx - r[:, 0], cy - r[:, 1], cx + r[:, 2], cy + r[:, 3]], axis=1)


def centerness_target(reg_targets: np.ndarray) -> np.ndarray:
    """``sqrt(min(l, r)/max(l, r) * min(t, b)/max(t, b))`` per row of (l, t, r, b), float32 (N,)."""
    r = np.asarray(reg_targets, F32)
    lr, tb = r[:, [0, 2]], r[:, [1, 3]]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt((lr.min(axis=1) / lr.max(axis=1)) * (tb.min(axis=1) / tb.max(axis=1)))


def fcos_loss(anchors: np.ndarray, targets: list[tuple[np.ndarray, np.ndarray]], matched: list[np.ndarray],
              cls_logits: np.ndarray, bbox_regression: np.ndarray, bbox_ctrness: np.ndarray, *,
              spec: LossSpec | None = None) -> tuple[list[dict], list[ImageLoss], dict]:
    """``FCOSHead.compute_loss``.

    Args:
        anchors (ndarray[N, 4]): the FCOS anchors (one per point; the point is the anchor centre), same every image.
        targets: per image (boxes (M, 4), labels (M,)) -- labels are class columns (0-based for num_classes C).
        matched: per image int (N,) GT index or -1 (background), from the point assigner.
        cls_logits (ndarray[B, N, C]), bbox_regression (ndarray[B, N, 4]), bbox_ctrness (ndarray[B, N] or [B, N, 1]).
    Returns:
        (per-image details: foreground indices, regression and centre-ness targets, decoded boxes; per-image losses
        with the GIoU loss as box loss; {"classification", "bbox_regression", "bbox_ctrness", "normaliser"}).
    """
    spec = spec or LOSS_SPECS["torchvision/fcos"]
    ctr = np.asarray(bbox_ctrness, F32).reshape(len(targets), len(anchors))
    details, losses = [], []
    ctr_sum = F32(0)
    for b, ((boxes, labels), m) in enumerate(zip(targets, matched)):
        m = np.asarray(m, np.int64)
        fg = np.flatnonzero(m >= 0)
        role = np.where(m >= 0, Role.POSITIVE, Role.NEGATIVE).astype(np.int8)
        col = np.full(len(m), -1, np.int64)
        col[fg] = np.asarray(labels, np.int64)[m[fg]]
        im = image_loss(spec, anchors=anchors, gt_boxes=np.zeros((0, 4)), role=role, target_col=col,
                        matched_gt=m, scores=cls_logits[b], deltas=np.zeros((len(m), 4), F32), coder=None,
                        box_counted=np.zeros(len(m), bool))
        gt_fg = np.asarray(boxes, F32)[m[fg]] if len(fg) else np.zeros((0, 4), F32)
        pred = linear_decode(np.asarray(bbox_regression, F32)[b][fg], np.asarray(anchors)[fg])
        giou = E.giou_loss(pred, gt_fg, eps=spec.giou_eps)
        reg_t = linear_encode(np.asarray(anchors)[fg], gt_fg)
        ctr_t = centerness_target(reg_t)
        ctr_l = E.bce_with_logits(ctr[b][fg], ctr_t)
        ctr_sum = F32(ctr_sum + ctr_l.sum(dtype=F32))
        box_loss = np.zeros(len(m), F32)
        box_loss[fg] = giou
        losses.append(dataclasses.replace(im, box_counted=m >= 0, box_idx=fg, box_gt=m[fg], box_rows=gt_fg,
                                          box_loss=box_loss))
        details.append({"foreground_point_indices": fg, "bbox_reg_targets_fg": reg_t, "gt_ctrness_targets_fg": ctr_t,
                        "decoded_pred_boxes_fg": pred, "ctrness_loss_fg": ctr_l})
    num_fg = sum(im.num_pos for im in losses)
    d = max(1, num_fg)
    cls = sum((im.cls_sum for im in losses), F32(0))
    box = sum((im.box_sum for im in losses), F32(0))
    terms = {"classification": F32(cls / F32(d)) * F32(spec.lambda_cls),
             "bbox_regression": F32(box / F32(d)) * F32(spec.lambda_box),
             "bbox_ctrness": F32(ctr_sum / F32(d)),
             "normaliser": Normaliser("max(1, #foreground points in the batch)", float(d), f"max(1, {num_fg}) = {d}",
                                      {"#fg": num_fg})}
    return details, losses, terms
