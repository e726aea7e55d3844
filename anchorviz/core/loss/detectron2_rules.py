"""detectron2's losses over a batch: ``RPN.losses``, ``RetinaNet.losses`` (with its EMA normaliser) and
``FastRCNNOutputLayers.losses``, each after the labelling/sampling step that feeds it.

detectron2's ``Matcher(thresholds, labels, allow_low_quality_matches)`` is anchorviz's max-IoU assigner with the
detectron2 IoU (0 wherever boxes do not overlap) and the "argmax" low-quality rule; ``subsample_labels`` is the
replayed randperm stream (one generator, images in order). fvcore's smooth-L1 treats beta < 1e-5 as L1, so the
default SMOOTH_L1_BETA = 0 is L1.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.coding import spec as coding_spec
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.coding import codec as coding_codec
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss.rules import EmaNormaliser, ImageLoss, Role, Terms, image_loss, normalise
from anchorviz.core.loss.specs import LOSS_SPECS, LossSpec
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.sampling.samplers import detectron2_subsample_labels

__all__ = ["match", "rpn_loss", "retinanet_labels", "retinanet_loss", "roi_label_and_sample", "fastrcnn_loss"]

F32 = np.float32


def match(anchors: np.ndarray, gt_boxes: np.ndarray, *, thresholds: tuple[float, ...], labels: tuple[int, ...],
          low_quality: bool) -> tuple[np.ndarray, np.ndarray]:
    """detectron2 ``Matcher``: (matched GT index per anchor, match label per anchor from ``labels``).

    Only the two-threshold and one-threshold forms the heads use: labels (0, -1, 1) or (0, 1).
    """
    n = len(anchors)
    if len(gt_boxes) == 0:
        return np.zeros(n, np.int64), np.full(n, labels[0], np.int64)
    lo, hi = (thresholds[0], thresholds[-1])
    rule = MaxIoURule(pos_iou=hi, neg_iou=lo, low_quality="argmax" if low_quality else "none")
    # the Matcher returns every anchor's argmax GT (matches), not only the positives'
    request = dataclasses.replace(rule.request(), argmax_from=0.0)
    stats = dense_match_quality(anchors, gt_boxes, style=get_convention("detectron2").iou, request=request)
    res = assign_max_iou(stats, rule)
    lab = np.select([res.labels == Label.POSITIVE, res.labels == Label.NEGATIVE], [labels[-1], labels[0]],
                    labels[1] if len(labels) == 3 else labels[0]).astype(np.int64)
    return stats.argmax_gt.astype(np.int64), lab


def _coder(weights) -> coding_spec.CoderSpec:
    return dataclasses.replace(coding_presets.DETECTRON2, weights=tuple(float(w) for w in weights))


def rpn_loss(anchors: np.ndarray, gts: list[np.ndarray], pred_objectness: np.ndarray, pred_deltas: np.ndarray, *,
             spec: LossSpec | None = None, thresholds=(0.3, 0.7), low_quality: bool = True,
             batch_size_per_image: int = 256, positive_fraction: float = 0.5, seed: int = 0,
             weights=(1.0, 1.0, 1.0, 1.0)) -> tuple[dict, list[ImageLoss], Terms]:
    """``RPN.label_and_sample_anchors`` then ``RPN.losses``.

    pred_objectness (ndarray[B, N]) and pred_deltas (ndarray[B, N, 4]). Both sums are divided by
    ``batch_size_per_image * images`` -- the configured size, not the number sampled. Returns (gt_labels per image,
    counts, the deltas of the positives; per-image losses; terms before the loss weights are applied by the caller's
    spec).
    """
    spec = spec or LOSS_SPECS["detectron2/rpn"]
    coder = _coder(weights)
    gen = TorchCPUGenerator(seed)
    labels_out, pos_targets, losses = [], [], []
    for b, boxes in enumerate(gts):
        matched, lab = match(anchors, boxes, thresholds=thresholds, labels=(0, -1, 1), low_quality=low_quality)
        pos, neg = detectron2_subsample_labels(lab, num_samples=batch_size_per_image,
                                               positive_fraction=positive_fraction, bg_label=0, generator=gen)
        sampled = np.full(len(anchors), -1, np.int64)
        sampled[pos], sampled[neg] = 1, 0
        role = np.where(sampled == 1, Role.POSITIVE, np.where(sampled == 0, Role.NEGATIVE, np.where(
            lab >= 0, Role.NOT_SAMPLED, Role.IGNORED))).astype(np.int8)
        gt = boxes if len(boxes) else np.zeros((1, 4))
        im = image_loss(spec, anchors=anchors, gt_boxes=gt, role=role, target_col=np.where(sampled == 1, 0, -1),
                        matched_gt=matched, scores=np.asarray(pred_objectness, F32)[b][:, None],
                        deltas=np.asarray(pred_deltas, F32)[b], coder=coder)
        losses.append(im)
        labels_out.append(sampled)
        fg = np.flatnonzero(sampled == 1)
        pos_targets.append(coding_codec.encode(anchors[fg], gt[matched[fg]], coder))
    terms = normalise(spec, losses, batch_size_per_image=batch_size_per_image)
    details = {"gt_labels": labels_out, "num_pos": sum(im.num_pos for im in losses),
               "num_neg": sum(im.num_neg for im in losses), "normalizer": batch_size_per_image * len(gts),
               "box_targets_of_positives": np.concatenate(pos_targets)}
    return details, losses, terms


def retinanet_labels(anchors: np.ndarray, boxes: np.ndarray, classes: np.ndarray, *, num_classes: int,
                     thresholds=(0.4, 0.5), low_quality: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``RetinaNet.label_anchors`` for one image: (gt label per anchor -- class, K = background, -1 = ignored;
    matched GT index)."""
    matched, lab = match(anchors, boxes, thresholds=thresholds, labels=(0, -1, 1), low_quality=low_quality)
    if len(boxes) == 0:
        return np.full(len(anchors), num_classes, np.int64), matched
    out = np.asarray(classes, np.int64)[matched]
    out[lab == 0] = num_classes
    out[lab == -1] = -1
    return out, matched


def retinanet_loss(anchors: np.ndarray, gts: list[tuple[np.ndarray, np.ndarray]], pred_logits: np.ndarray,
                   pred_deltas: np.ndarray, *, spec: LossSpec | None = None, num_classes: int,
                   ema: EmaNormaliser | None = None, weights=(1.0, 1.0, 1.0, 1.0)
                   ) -> tuple[dict, list[ImageLoss], Terms]:
    """One call of ``RetinaNet.losses`` on a batch: focal over labels >= 0 (one-hot without the background
    column), box loss over positives, both divided by the EMA normaliser updated with this batch's #pos.
    ``ema`` is the model's state before the call; the returned ``Terms.ema`` is the state after it."""
    spec = spec or LOSS_SPECS["detectron2/retinanet"]
    coder = _coder(weights)
    labels_out, losses = [], []
    for b, (boxes, classes) in enumerate(gts):
        lab, matched = retinanet_labels(anchors, boxes, classes, num_classes=num_classes)
        role = np.where(lab == -1, Role.IGNORED, np.where(lab == num_classes, Role.NEGATIVE, Role.POSITIVE))
        losses.append(image_loss(spec, anchors=anchors, gt_boxes=boxes if len(boxes) else np.zeros((1, 4)),
                                 role=role.astype(np.int8), target_col=np.where(lab < num_classes, lab, -1),
                                 matched_gt=matched, scores=np.asarray(pred_logits, F32)[b],
                                 deltas=np.asarray(pred_deltas, F32)[b], coder=coder))
        labels_out.append(lab)
    terms = normalise(spec, losses, ema=ema)
    details = {"gt_labels": labels_out, "num_pos_anchors": sum(im.num_pos for im in losses),
               "num_valid": int(sum((lab >= 0).sum() for lab in labels_out))}
    return details, losses, terms


def roi_label_and_sample(proposals: list[np.ndarray], gts: list[tuple[np.ndarray, np.ndarray]], *,
                         num_classes: int, batch_size_per_image: int = 512, positive_fraction: float = 0.25,
                         iou_threshold: float = 0.5, seed: int = 0) -> list[dict]:
    """``ROIHeads.label_and_sample_proposals``: GT boxes appended after the proposals, ``Matcher([0.5], [0, 1])``,
    classes (K for background), ``subsample_labels`` with bg_label K; rows come back foreground first, each group
    in the random permutation's order."""
    gen = TorchCPUGenerator(seed)
    out = []
    for props, (boxes, classes) in zip(proposals, gts):
        allp = np.concatenate([np.asarray(props, np.float64), boxes]) if len(boxes) else np.asarray(props, np.float64)
        matched, lab = match(allp, boxes, thresholds=(iou_threshold,), labels=(0, 1), low_quality=False)
        if len(boxes):
            gt_classes = np.asarray(classes, np.int64)[matched]
            gt_classes[lab == 0] = num_classes
        else:
            gt_classes = np.full(len(allp), num_classes, np.int64)
        fg, bg = detectron2_subsample_labels(gt_classes, num_samples=batch_size_per_image,
                                             positive_fraction=positive_fraction, bg_label=num_classes, generator=gen)
        idx = np.concatenate([fg, bg])
        out.append({"proposals": allp[idx], "gt_classes": gt_classes[idx],
                    "gt_boxes": boxes[matched[idx]] if len(boxes) else allp[idx]})
    return out


def fastrcnn_loss(samples: list[dict], scores: np.ndarray, proposal_deltas: np.ndarray, *, num_classes: int,
                  spec: LossSpec | None = None, use_sigmoid_ce: bool = False, weights=(10.0, 10.0, 5.0, 5.0)
                  ) -> tuple[list[ImageLoss], Terms]:
    """``FastRCNNOutputLayers.losses`` over the sampled RoIs of all images (concatenated).

    scores (ndarray[R, K+1], background last), proposal_deltas (ndarray[R, 4K], read at the GT-class slot of the
    foreground rows; or (R, 4) for class-agnostic regression). Softmax CE is a mean over the R rows; ``use_sigmoid_ce`` is BCE over the K foreground
    columns (the background column of the scores is dropped) summed and divided by R. The box loss is summed over
    the foreground rows and divided by max(R, 1).
    """
    spec = spec or LOSS_SPECS["detectron2/roi"]
    if use_sigmoid_ce:
        spec = dataclasses.replace(spec, cls_loss="bce")
    coder = dataclasses.replace(coding_presets.DETECTRON2_ROI, weights=tuple(float(w) for w in weights))
    s = np.asarray(scores, F32)
    deltas = np.asarray(proposal_deltas, F32)
    agnostic = deltas.shape[1] == 4  # class-agnostic regression: one box per RoI
    deltas = deltas.reshape(len(s), 1 if agnostic else num_classes, 4)
    losses, start = [], 0
    for smp in samples:
        r = len(smp["gt_classes"])
        rows = slice(start, start + r)
        gc = smp["gt_classes"]
        fg = (gc >= 0) & (gc < num_classes)
        role = np.where(fg, Role.POSITIVE, Role.NEGATIVE).astype(np.int8)
        col = np.where(fg, gc, -1) if use_sigmoid_ce else gc
        cls_scores = s[rows][:, :num_classes] if use_sigmoid_ce else s[rows]
        slot = deltas[rows][np.arange(r), 0 if agnostic else np.where(fg, gc, 0)]
        losses.append(image_loss(spec, anchors=smp["proposals"], gt_boxes=smp["gt_boxes"], role=role,
                                 target_col=col, matched_gt=np.arange(r), scores=cls_scores, deltas=slot,
                                 coder=coder))
        start += r
    return losses, normalise(spec, losses)
