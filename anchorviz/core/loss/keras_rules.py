"""keras-retinanet's training targets and losses: ``anchor_targets_bbox``, ``losses.focal``, ``losses.smooth_l1``.

* ``anchor_targets_bbox`` packs the anchor state into an extra last column: ``labels_batch`` (B, N, K + 1) is the
  one-hot class then the state (1 positive, 0 background, -1 ignored); ``regression_batch`` (B, N, 5) the corner
  offsets (std 0.2) then the state. IoU >= 0.5 is positive, 0.4 < IoU < 0.5 ignored, no low-quality matching (a
  GT with no anchor at 0.5 is simply lost), and anchors whose centre lies at x >= W or y >= H are ignored. The
  one-hot class is written from the IoU test *before* the outside-image rule, so an ignored outside anchor can
  still carry a 1 in its class columns (the state column is what the losses read).
* ``focal(alpha, gamma, cutoff)``: on **probabilities**; anchors in state -1 are dropped; alpha_t and the focal
  weight are picked by ``label > cutoff``; Keras' binary_crossentropy clips p to [1e-7, 1 - 1e-7] and adds 1e-7
  inside the logs; summed and divided by max(1, #state == 1 over the whole batch).
* ``smooth_l1(sigma)``: over state == 1 only, ``0.5*sigma**2*d**2`` below ``1/sigma**2`` else ``d - 0.5/sigma**2``
  (beta = 1/sigma**2), summed and divided by max(1, #positives in the batch).
When every anchor is ignored both losses are exactly 0.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.coding import codec as coding_codec
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou, outside_mask
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss import elementwise as E
from anchorviz.core.iou.quality import dense_match_quality

__all__ = ["compute_gt_annotations", "anchor_targets_bbox", "focal_loss", "smooth_l1_loss"]

F32 = np.float32


def compute_gt_annotations(anchors: np.ndarray, gts: np.ndarray, *, negative_overlap: float = 0.4,
                           positive_overlap: float = 0.5) -> dict:
    """Per anchor: positive (IoU >= pos), ignore_by_iou (neg < IoU < pos) and the argmax GT (0 without GTs)."""
    rule = MaxIoURule(pos_iou=positive_overlap, neg_iou=negative_overlap, neg_inclusive=True)
    # keras keeps the argmax GT of every anchor (its annotations row), not only of the positives
    request = dataclasses.replace(rule.request(), argmax_from=0.0)
    stats = dense_match_quality(anchors, gts, style=get_convention("keras_retinanet").iou, request=request)
    res = assign_max_iou(stats, rule)
    argmax = stats.argmax_gt if len(gts) else np.zeros(len(anchors), np.int64)
    return {"positive": res.labels == Label.POSITIVE, "ignore_by_iou": res.labels == Label.IGNORED,
            "argmax_gt": argmax.astype(np.int64)}


def anchor_targets_bbox(anchors: np.ndarray, annotations: list[tuple[np.ndarray, np.ndarray]], *, num_classes: int,
                        image_hw: tuple[int, int] | None, negative_overlap: float = 0.4,
                        positive_overlap: float = 0.5) -> dict:
    """``anchor_targets_bbox`` for a batch of (boxes (M, 4), 0-based labels (M,)) on the same anchors.

    Returns {"per_image": [compute_gt_annotations of each image], "labels_batch" float32 (B, N, K+1),
    "regression_batch" float32 (B, N, 5), "num_positive", "num_ignored", "num_background"}.
    """
    n, b = len(anchors), len(annotations)
    labels_batch = np.zeros((b, n, num_classes + 1), F32)
    regression_batch = np.zeros((b, n, 5), F32)
    per_image = []
    outside = outside_mask(anchors, tuple(image_hw), "centre") if image_hw is not None else np.zeros(n, bool)
    for i, (boxes, labels) in enumerate(annotations):
        if len(boxes):
            ann = compute_gt_annotations(anchors, boxes, negative_overlap=negative_overlap,
                                         positive_overlap=positive_overlap)
            pos = ann["positive"]
            for arr in (labels_batch, regression_batch):
                arr[i, ann["ignore_by_iou"], -1] = -1
                arr[i, pos, -1] = 1
            labels_batch[i, np.flatnonzero(pos), np.asarray(labels, np.int64)[ann["argmax_gt"][pos]]] = 1
            regression_batch[i, :, :4] = coding_codec.encode(anchors, boxes[ann["argmax_gt"]], coding_presets.KERAS_RETINANET)
            per_image.append(ann)
        labels_batch[i, outside, -1] = -1
        regression_batch[i, outside, -1] = -1
    state = labels_batch[:, :, -1]
    return {"per_image": per_image, "labels_batch": labels_batch, "regression_batch": regression_batch,
            "num_positive": int((state == 1).sum()), "num_ignored": int((state == -1).sum()),
            "num_background": int((state == 0).sum())}


def focal_loss(y_true: np.ndarray, y_pred: np.ndarray, *, alpha: float = 0.25, gamma: float = 2.0,
               cutoff: float = 0.5) -> tuple[float, np.float32]:
    """``losses.focal()(y_true, y_pred)``: (normaliser, loss). y_true (B, N, K+1) with the state last; y_pred
    (B, N, K) probabilities."""
    y_true, y_pred = np.asarray(y_true, F32), np.asarray(y_pred, F32)
    state = y_true[..., -1]
    keep = state != -1
    per = E.keras_focal(y_true[..., :-1][keep], y_pred[keep], alpha=alpha, gamma=gamma, cutoff=cutoff)
    normaliser = max(F32(1.0), F32((state == 1).sum()))
    return float(normaliser), F32(per.sum(dtype=F32) / normaliser)


def smooth_l1_loss(y_true: np.ndarray, y_pred: np.ndarray, *, sigma: float = 3.0) -> tuple[float, np.float32]:
    """``losses.smooth_l1(sigma)(y_true, y_pred)``: (normaliser, loss). y_true (B, N, 5) with the state last; y_pred
    (B, N, 4) regression outputs."""
    y_true, y_pred = np.asarray(y_true, F32), np.asarray(y_pred, F32)
    pos = y_true[..., -1] == 1
    per = E.keras_smooth_l1(y_pred[pos], y_true[..., :4][pos], sigma=sigma)
    normaliser = F32(max(1, int(pos.sum())))
    return float(normaliser), F32(per.sum(dtype=F32) / normaliser)
