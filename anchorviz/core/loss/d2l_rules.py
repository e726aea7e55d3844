"""d2l's SSD training loss: ``multibox_target`` then ``calc_loss`` (the PyTorch tab of chapter_computer-vision/ssd).

* ``multibox_target``: an anchor is positive when its best IoU with a GT is >= 0.5, then a greedy pass gives
  every GT row its best remaining anchor (anchorviz's "greedy" max-IoU rule). Class = GT class + 1 (0 is
  background); offsets use d2l's coder (10, 10, 5, 5 and log(1e-6 + ratio)); a mask zeroes the negatives'.
  There is no ignore state. **Padding trap**: label rows ``[-1, 0, 0, 0, 0]`` are not skipped -- the greedy pass
  hands each one an anchor, which gets class -1 + 1 = 0 (background) but mask 1 and offsets towards a zero box,
  so padding leaks into the L1 term.
* ``calc_loss``: per image, softmax CE averaged over **all** anchors plus L1 of ``pred*mask`` vs ``target*mask``
  averaged over all 4A entries (masked zeros included). No #pos normaliser, no hard-negative mining, no weight.
  Training takes the ``.mean()`` over images.
* An image with zero label rows makes d2l raise (torch.max over an empty dimension); so does this module, with
  the library's message.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.coding import codec as coding_codec
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss.rules import ImageLoss, Role, Terms, image_loss, normalise
from anchorviz.core.loss.specs import LOSS_SPECS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.quality import dense_match_quality

__all__ = ["D2lEmptyLabelsError", "multibox_target", "calc_loss"]

F32 = np.float32
TORCH_EMPTY_MAX_ERROR = "IndexError: max(): Expected reduction dim 1 to have non-zero size."


class D2lEmptyLabelsError(AnchorVizInputError):
    """d2l cannot label an image without label rows; ``library_error`` is what d2l itself raises there."""

    library_error = TORCH_EMPTY_MAX_ERROR


def _anchor_map(anchors: np.ndarray, gts: np.ndarray, iou_threshold: float) -> np.ndarray:
    """``assign_anchor_to_bbox``: GT row of each anchor or -1."""
    rule = MaxIoURule(pos_iou=iou_threshold, neg_iou=iou_threshold, low_quality="greedy", nan_label=Label.NEGATIVE)
    res = assign_max_iou(dense_match_quality(anchors, gts, style=get_convention("d2l").iou, request=rule.request()),
                         rule)
    return np.where(res.labels == Label.POSITIVE, res.matched_gt, -1)


def multibox_target(anchors: np.ndarray, labels: np.ndarray, *, iou_threshold: float = 0.5) -> dict:
    """``multibox_target(anchors, labels)`` for a batch.

    Args:
        anchors (ndarray[A, 4]): xyxy, in the units of the label boxes.
        labels (ndarray[B, M, 5]): rows [class, x1, y1, x2, y2] per image (class -1 = padding, still used).
    Returns:
        {"class_labels" int64 (B, A), "bbox_mask" float32 (B, 4A), "bbox_offset" float32 (B, 4A),
        "anchor_map" int64 (B, A)}.
    Raises:
        D2lEmptyLabelsError: an image with zero label rows (d2l raises IndexError there).
    """
    labels = np.asarray(labels, np.float64)
    if labels.ndim != 3 or labels.shape[1] == 0:
        raise D2lEmptyLabelsError(f"labels: d2l's multibox_target needs at least one label row per image, got "
                                  f"shape {list(labels.shape)} (d2l raises {TORCH_EMPTY_MAX_ERROR})")
    out = {"class_labels": [], "bbox_mask": [], "bbox_offset": [], "anchor_map": []}
    for rows in labels:
        amap = _anchor_map(anchors, rows[:, 1:], iou_threshold)
        pos = amap >= 0
        cls = np.zeros(len(anchors), np.int64)
        cls[pos] = rows[amap[pos], 0].astype(np.int64) + 1
        assigned = np.zeros((len(anchors), 4))
        assigned[pos] = rows[amap[pos], 1:]
        mask = np.repeat(pos.astype(F32), 4)
        offsets = coding_codec.encode(anchors, assigned, coding_presets.D2L).astype(F32).reshape(-1) * mask
        out["class_labels"].append(cls)
        out["bbox_mask"].append(mask)
        out["bbox_offset"].append(offsets)
        out["anchor_map"].append(amap)
    return {k: np.stack(v) for k, v in out.items()}


def calc_loss(anchors: np.ndarray, labels: np.ndarray, cls_preds: np.ndarray, bbox_preds: np.ndarray, *,
              iou_threshold: float = 0.5) -> tuple[dict, list[ImageLoss], Terms]:
    """``multibox_target`` then ``calc_loss`` (+ ``cls_eval``, ``bbox_eval``) for a batch.

    cls_preds (ndarray[B, A, C]) with C = classes + 1 (column 0 background); bbox_preds (ndarray[B, 4A]).
    Returns (targets, per-anchor CE, per-image terms, their mean, cls_eval, bbox_eval; per-image losses; terms).
    """
    spec = LOSS_SPECS["d2l/ssd"]
    t = multibox_target(anchors, labels, iou_threshold=iou_threshold)
    cls_preds = np.asarray(cls_preds, F32)
    boxes_pred = np.asarray(bbox_preds, F32).reshape(len(cls_preds), -1, 4)
    losses = []
    for b, rows in enumerate(np.asarray(labels, np.float64)):
        cls, amap = t["class_labels"][b], t["anchor_map"][b]
        role = np.where(cls > 0, Role.POSITIVE, Role.NEGATIVE).astype(np.int8)
        losses.append(image_loss(spec, anchors=anchors, gt_boxes=rows[:, 1:], role=role, target_col=cls,
                                 matched_gt=amap, scores=cls_preds[b], deltas=boxes_pred[b], coder=coding_presets.D2L,
                                 box_counted=amap >= 0))
    terms = normalise(spec, losses)
    per_image = [F32(c + bx) for c, bx in zip(terms.cls_per_image, terms.box_per_image)]
    correct = (cls_preds.argmax(axis=-1) == t["class_labels"]).sum()
    details = dict(t, per_anchor_cross_entropy=np.stack([im.cls_loss for im in losses]),
                   cls_term_per_image=list(terms.cls_per_image), calc_loss_per_image=per_image,
                   training_scalar_l_mean=F32(np.mean(np.asarray(per_image, F32), dtype=F32)),
                   cls_eval=float(correct), bbox_eval=float(sum((im.box_sum for im in losses), F32(0))))
    return details, losses, terms
