"""torchvision's detection losses over a batch, step by step as ``compute_loss`` / ``fastrcnn_loss`` run them.

Assignment uses anchorviz's max-IoU assigner with torchvision's IoU and ``Matcher`` rules, sampling uses the
replayed ``torch.randperm`` stream (one generator for the whole batch, images in order, as torchvision's sampler
loops over them), coding uses ``coding_presets.TORCHVISION_RPN`` / ``TORCHVISION_ROI``; the per-anchor losses and the
normalisers are ``rules.image_loss`` / ``rules.normalise``, the same code the app runs.

torchvision's ``Matcher`` returns, per anchor, the matched GT index or -1 (below the low threshold) or -2
(between the thresholds); ``matched_idxs`` here uses that coding.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.coding import spec as coding_spec
from anchorviz.core.coding import codec as coding_codec
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss.rules import ImageLoss, Role, Terms, image_loss, normalise
from anchorviz.core.loss.specs import LOSS_SPECS, LossSpec
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.sampling.samplers import torchvision_sample

__all__ = ["matched_idxs", "retinanet_loss", "rpn_loss", "roi_training_samples", "fastrcnn_loss"]

F32 = np.float32


def matched_idxs(anchors: np.ndarray, gt_boxes: np.ndarray, *, high: float, low: float,
                 low_quality: bool) -> np.ndarray:
    """torchvision ``Matcher(high, low, allow_low_quality_matches)`` on IoU(gt, anchors): int64 (N,) with the GT
    index, -1 (BELOW_LOW_THRESHOLD) or -2 (BETWEEN_THRESHOLDS). No GT: all -1 (as ``compute_loss`` fills it)."""
    n = len(anchors)
    if len(gt_boxes) == 0:
        return np.full(n, -1, np.int64)
    rule = MaxIoURule(pos_iou=high, neg_iou=low, low_quality="argmax" if low_quality else "none",
                      nan_label=Label.POSITIVE)
    stats = dense_match_quality(anchors, gt_boxes, style=get_convention("torchvision").iou, request=rule.request())
    res = assign_max_iou(stats, rule)
    out = np.where(res.labels == Label.POSITIVE, res.matched_gt, -1)
    out[res.labels == Label.IGNORED] = -2
    return out.astype(np.int64)


def retinanet_loss(anchors: np.ndarray, targets: list[tuple[np.ndarray, np.ndarray]], cls_logits: np.ndarray,
                   bbox_regression: np.ndarray, *, spec: LossSpec | None = None,
                   matcher: tuple[float, float, bool] = (0.5, 0.4, True),
                   coder: coding_spec.CoderSpec = coding_presets.TORCHVISION_RPN) -> tuple[list[dict], list[ImageLoss], Terms]:
    """``RetinaNet.compute_loss``.

    Args:
        anchors (ndarray[N, 4]): the same anchors for every image.
        targets: per image (boxes (M, 4), labels (M,)) -- torchvision labels, used as class *columns* as they are.
        cls_logits (ndarray[B, N, C]), bbox_regression (ndarray[B, N, 4]): float32 head outputs.
        spec: defaults to LOSS_SPECS["torchvision/retinanet"] (box loss, alpha, gamma, beta, eps from it).
    Returns:
        (per-image details, per-image losses, the two terms).
    """
    spec = spec or LOSS_SPECS["torchvision/retinanet"]
    high, low, lq = matcher
    details, losses = [], []
    for b, (boxes, labels) in enumerate(targets):
        m = matched_idxs(anchors, boxes, high=high, low=low, low_quality=lq)
        role = np.select([m >= 0, m == -1], [Role.POSITIVE, Role.NEGATIVE], Role.IGNORED).astype(np.int8)
        col = np.where(m >= 0, np.asarray(labels, np.int64)[np.maximum(m, 0)] if len(labels) else -1, -1)
        im = image_loss(spec, anchors=anchors, gt_boxes=boxes, role=role, target_col=col, matched_gt=m,
                        scores=cls_logits[b], deltas=bbox_regression[b], coder=coder)
        fg = m >= 0
        targets_fg = coding_codec.encode(anchors[fg], boxes[m[fg]], coder) if fg.any() else np.zeros((0, 4))
        details.append({"matched_idxs": m, "num_foreground": int(fg.sum()), "num_valid_for_cls": int((m != -2).sum()),
                        "box_targets_fg": targets_fg, "cls_focal_sum": float(im.cls_sum),
                        "box_loss_sum": float(im.box_sum)})
        losses.append(im)
    return details, losses, normalise(spec, losses)


def _rpn_assign(anchors, boxes, fg, bg):
    """RPN ``assign_targets_to_anchors``: labels 1/0/-1 and the matched GT box of *every* anchor (index clamped at 0,
    so negatives and ignored anchors carry GT 0; zero boxes when the image has no GT)."""
    m = matched_idxs(anchors, boxes, high=fg, low=bg, low_quality=True)
    labels = np.select([m >= 0, m == -1], [1, 0], -1).astype(np.int64)
    gt_of_all = boxes[np.maximum(m, 0)] if len(boxes) else np.zeros_like(anchors)
    return m, labels, gt_of_all


def rpn_loss(anchors: np.ndarray, targets: list[np.ndarray], objectness: np.ndarray, pred_bbox_deltas: np.ndarray, *,
             fg_iou: float = 0.7, bg_iou: float = 0.3, batch_size_per_image: int = 256, positive_fraction: float = 0.5,
             seed: int = 0, spec: LossSpec | None = None,
             coder: coding_spec.CoderSpec = coding_presets.TORCHVISION_RPN) -> tuple[dict, list[ImageLoss], Terms]:
    """``RegionProposalNetwork.compute_loss`` after ``torch.manual_seed(seed)``.

    objectness (ndarray[B*N] or [B*N, 1]) and pred_bbox_deltas (ndarray[B*N, 4]) are torchvision's flattened,
    image-major layout. Returns (details with labels, regression targets, sampled indices, ...), per-image losses,
    terms (objectness: BCE mean over sampled; box: smooth-L1 sum / #sampled).
    """
    spec = spec or LOSS_SPECS["torchvision/rpn"]
    n = len(anchors)
    obj = np.asarray(objectness, F32).reshape(len(targets), n, 1)
    deltas = np.asarray(pred_bbox_deltas, F32).reshape(len(targets), n, 4)
    gen = TorchCPUGenerator(seed)
    labels_all, reg_all, pos_flat, neg_flat, losses = [], [], [], [], []
    for b, boxes in enumerate(targets):
        m, labels, gt_of_all = _rpn_assign(anchors, boxes, fg_iou, bg_iou)
        pos, neg = torchvision_sample(labels, batch_size_per_image=batch_size_per_image,
                                      positive_fraction=positive_fraction, generator=gen)
        role = np.where(pos, Role.POSITIVE, np.where(neg, Role.NEGATIVE, np.where(labels >= 0, Role.NOT_SAMPLED,
                                                                                   Role.IGNORED))).astype(np.int8)
        with np.errstate(divide="ignore"):
            reg_all.append(coding_codec.encode(anchors, gt_of_all, coder))
        losses.append(image_loss(spec, anchors=anchors, gt_boxes=boxes if len(boxes) else np.zeros((1, 4)),
                                 role=role, target_col=np.where(pos, 0, -1), matched_gt=np.maximum(m, 0),
                                 scores=obj[b], deltas=deltas[b], coder=coder))
        labels_all.append(labels.astype(np.float64))
        pos_flat.append(np.flatnonzero(pos) + b * n)
        neg_flat.append(np.flatnonzero(neg) + b * n)
    terms = normalise(spec, losses)
    details = {"labels": labels_all, "regression_targets": np.concatenate(reg_all),
               "sampled_pos_inds_flat": np.concatenate(pos_flat), "sampled_neg_inds_flat": np.concatenate(neg_flat),
               "num_sampled": int(sum(len(p) + len(q) for p, q in zip(pos_flat, neg_flat)))}
    return details, losses, terms


def roi_training_samples(proposals: list[np.ndarray], targets: list[tuple[np.ndarray, np.ndarray]], *,
                         fg_iou: float = 0.5, bg_iou: float = 0.5, batch_size_per_image: int = 512,
                         positive_fraction: float = 0.25, seed: int = 0) -> list[dict]:
    """``RoIHeads.select_training_samples`` after ``torch.manual_seed(seed)``.

    Per image: the GT boxes are appended after the proposals, ``Matcher(fg, bg, False)`` labels them
    (labels = GT labels of the clamped match, 0 = background, -1 = between thresholds), the balanced sampler keeps
    ``batch_size_per_image`` with ``positive_fraction`` and the kept rows stay in index order (torchvision builds them
    from masks). Returns per image: proposals, matched_idxs (clamped), labels, and the matched GT box of each row.
    """
    gen = TorchCPUGenerator(seed)
    out = []
    for props, (boxes, labels) in zip(proposals, targets):
        allp = np.concatenate([np.asarray(props, np.float64), boxes]) if len(boxes) else np.asarray(props, np.float64)
        m = matched_idxs(allp, boxes, high=fg_iou, low=bg_iou, low_quality=False)
        if len(boxes):
            lab = np.asarray(labels, np.int64)[np.maximum(m, 0)]
            lab[m == -1] = 0
            lab[m == -2] = -1
        else:
            lab = np.zeros(len(allp), np.int64)
        pos, neg = torchvision_sample(lab, batch_size_per_image=batch_size_per_image,
                                      positive_fraction=positive_fraction, generator=gen)
        keep = np.flatnonzero(pos | neg)
        clamped = np.maximum(m[keep], 0)
        out.append({"proposals": allp[keep], "matched_idxs": clamped, "labels": lab[keep],
                    "matched_gt_boxes": boxes[clamped] if len(boxes) else np.zeros((len(keep), 4))})
    return out


def fastrcnn_loss(samples: list[dict], class_logits: np.ndarray, box_regression: np.ndarray, *,
                  spec: LossSpec | None = None, coder: coding_spec.CoderSpec = coding_presets.TORCHVISION_ROI
                  ) -> tuple[np.ndarray, list[ImageLoss], Terms]:
    """``fastrcnn_loss`` over the rows of ``roi_training_samples`` (all images concatenated, as torchvision does).

    class_logits (ndarray[R, C]) with C = classes + background column 0; box_regression (ndarray[R, 4*C]), read at
    each foreground row's GT-class slot. Returns (regression targets of every row, per-image losses, terms).
    """
    spec = spec or LOSS_SPECS["torchvision/roi"]
    logits = np.asarray(class_logits, F32)
    boxes = np.asarray(box_regression, F32).reshape(len(logits), -1, 4)
    targets, losses, start = [], [], 0
    for s in samples:
        r = len(s["labels"])
        rows = slice(start, start + r)
        lab = s["labels"]
        role = np.where(lab > 0, Role.POSITIVE, Role.NEGATIVE).astype(np.int8)
        slot = boxes[rows][np.arange(r), np.maximum(lab, 0)]
        targets.append(coding_codec.encode(s["proposals"], s["matched_gt_boxes"], coder))
        losses.append(image_loss(spec, anchors=s["proposals"], gt_boxes=s["matched_gt_boxes"], role=role,
                                 target_col=lab, matched_gt=np.arange(r), scores=logits[rows], deltas=slot,
                                 coder=coder))
        start += r
    # torchvision: both terms over the whole batch's rows, not per image
    return np.concatenate(targets) if targets else np.zeros((0, 4)), losses, normalise(spec, losses)


def with_spec(base: str, **changes) -> LossSpec:
    """A torchvision spec with fields replaced (the parity cases set box loss type and thresholds per case)."""
    return dataclasses.replace(LOSS_SPECS[base], **changes)
