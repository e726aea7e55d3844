"""mmdetection 3.x ``AnchorHead.loss_by_feat`` / ``RPNHead.loss_by_feat``, from a head config, over a batch.

Per image (``_get_targets_single``): ``MaxIoUAssigner`` (anchorviz's max-IoU assigner, mmdet IoU, "gt_all"
low-quality rule), then the sampler -- ``PseudoSampler`` keeps every positive and negative, ``RandomSampler`` draws
from the replayed ``torch.randperm`` stream, one generator for the batch -- then the targets: labels start at
``num_classes`` (background), positives get their GT label, ``label_weights`` are 1 on sampled positives and
negatives, ``bbox_targets`` are DeltaXYWH deltas (or the GT boxes with ``reg_decoded_bbox``) with weight 1 on
positives. ``avg_factor`` sums ``SamplingResult.avg_factor`` over images: max(#pos, 1), plus max(#neg, 1) with
``RandomSampler``. Both loss terms divide by that same avg_factor (+ float32 eps) and are multiplied by their
``loss_weight``. ``RPNHead`` has one class and sets every GT label to 0, so label 0 is foreground and 1 background.

Everything maps onto ``rules.image_loss`` / ``rules.normalise``: label weight 1 = the anchor counts; the
background label = an all-zero sigmoid row or the background column of a softmax.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.coding import spec as coding_spec
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.conventions import get_convention
from anchorviz.core.loss.rules import ImageLoss, Role, Terms, image_loss, normalise
from anchorviz.core.loss.specs import LOSS_SPECS, LossSpec
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.quality import dense_match_quality
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.sampling.samplers import mmdet_random_sample

__all__ = ["spec_from_config", "coder_from_config", "anchors_from_config", "head_targets", "anchor_head_loss",
           "flatten_head_output"]

F32 = np.float32


def spec_from_config(config: dict, *, rpn: bool = False) -> LossSpec:
    """The LossSpec an mmdet head config describes (loss_cls, loss_bbox, reg_decoded_bbox, train_cfg.sampler)."""
    base = LOSS_SPECS["mmdet/rpn" if rpn else "mmdet/retinanet"]
    lc, lb = config["loss_cls"], config["loss_bbox"]
    ch: dict = {"lambda_cls": float(lc.get("loss_weight", 1.0)), "lambda_box": float(lb.get("loss_weight", 1.0))}
    if lc["type"] == "FocalLoss":
        ch.update(cls_loss="focal_mmdet", alpha=float(lc.get("alpha", 0.25)), gamma=float(lc.get("gamma", 2.0)))
    elif lc["type"] == "CrossEntropyLoss":
        ch["cls_loss"] = "bce" if lc.get("use_sigmoid", False) else "softmax_ce"
        if ch["cls_loss"] == "softmax_ce":
            ch["columns"] = "softmax_bg_last"
    else:
        raise AnchorVizInputError(f"loss_cls: expected FocalLoss or CrossEntropyLoss, got {lc['type']!r}")
    box = {"L1Loss": "l1", "SmoothL1Loss": "smooth_l1", "GIoULoss": "giou"}.get(lb["type"])
    if box is None:
        raise AnchorVizInputError(f"loss_bbox: expected L1Loss, SmoothL1Loss or GIoULoss, got {lb['type']!r}")
    if (box == "giou") != bool(config.get("reg_decoded_bbox", False)):
        raise AnchorVizInputError("loss_bbox: GIoULoss needs reg_decoded_bbox=True and the delta losses need False")
    ch.update(box_loss=box, beta=float(lb.get("beta", 1.0)), giou_eps=float(lb.get("eps", 1e-6)))
    train = config.get("train_cfg", {})
    if train.get("pos_weight", -1) > 0 or train.get("allowed_border", -1) >= 0:
        raise AnchorVizInputError("train_cfg: pos_weight > 0 and allowed_border >= 0 are not reproduced; expected the "
                                  f"defaults -1, got pos_weight={train.get('pos_weight')}, "
                                  f"allowed_border={train.get('allowed_border')}")
    sampler = train.get("sampler", {"type": "PseudoSampler"})
    if sampler.get("add_gt_as_proposals", False):
        raise AnchorVizInputError("sampler: add_gt_as_proposals is not reproduced for anchor heads; expected False")
    if sampler["type"] == "RandomSampler":
        ch.update(normaliser="mmdet_pos_neg", sampler=(int(sampler["num"]), float(sampler["pos_fraction"])),
                  sampler_rule="mmdet")
    elif sampler["type"] == "PseudoSampler":
        ch.update(normaliser="mmdet_pos", sampler=None, sampler_rule="")
    else:
        raise AnchorVizInputError(f"sampler: expected PseudoSampler or RandomSampler, got {sampler['type']!r}")
    return dataclasses.replace(base, **ch)


def coder_from_config(config: dict) -> coding_spec.CoderSpec:
    bc = config.get("bbox_coder", {})
    return dataclasses.replace(coding_presets.MMDET, means=tuple(bc.get("target_means", (0.0,) * 4)),
                               stds=tuple(bc.get("target_stds", (1.0,) * 4)))


def anchors_from_config(config: dict, feat_hw: tuple[int, int]) -> np.ndarray:
    """The single level's anchors of ``AnchorGenerator(strides, ratios, base_sizes, scales, center_offset)``."""
    ag = config["anchor_generator"]
    if len(ag["strides"]) != 1:
        raise AnchorVizInputError(f"anchor_generator: one level expected here, got {len(ag['strides'])}")
    lv = LevelSpec(stride=ag["strides"][0], base_size=(ag.get("base_sizes") or [None])[0],
                   scales=tuple(ag.get("scales", (1.0,))), ratios=tuple(ag.get("ratios", (1.0,))))
    cfg = AnchorConfig(convention="mmdet", levels=(lv,), center_offset=ag.get("center_offset", 0.0),
                       max_anchors=10**9)
    return generate_anchors(cfg, (1, 1), feature_hws=(tuple(feat_hw),)).boxes


def flatten_head_output(x: np.ndarray, channels: int) -> np.ndarray:
    """(A*channels, H, W) -> (H*W*A, channels): ``permute(1, 2, 0).reshape(-1, channels)`` of one image."""
    return np.ascontiguousarray(np.asarray(x, F32).transpose(1, 2, 0)).reshape(-1, channels)


def head_targets(anchors: np.ndarray, gt_boxes: np.ndarray, gt_labels: np.ndarray, spec: LossSpec, *,
                 assigner: dict, num_classes: int, generator: TorchCPUGenerator | None = None,
                 neg_pos_ub: float = -1) -> dict:
    """``_get_targets_single`` for one image: role, labels, label_weights, matched GT (all anchors inside).

    ``assigner`` holds MaxIoUAssigner's pos_iou_thr, neg_iou_thr (a number or mmdet's (lo, hi) pair), min_pos_iou,
    match_low_quality and gt_max_assign_all; ``neg_pos_ub`` is RandomSampler's cap on negatives.
    """
    n = len(anchors)
    neg = assigner["neg_iou_thr"]
    neg_lo, neg_hi = (float(neg[0]), float(neg[1])) if isinstance(neg, (list, tuple)) else (0.0, float(neg))
    lq = "none"
    if assigner.get("match_low_quality", True):
        lq = "gt_all" if assigner.get("gt_max_assign_all", True) else "gt_first"
    if float(assigner.get("ignore_iof_thr", -1)) > 0:
        raise AnchorVizInputError("assigner: ignore_iof_thr > 0 needs ignored GT boxes, which these heads do not get; "
                                  f"expected -1, got {assigner['ignore_iof_thr']}")
    rule = MaxIoURule(pos_iou=float(assigner["pos_iou_thr"]), neg_iou=neg_hi, neg_iou_min=neg_lo, low_quality=lq,
                      min_pos_iou=float(assigner.get("min_pos_iou", 0.0)))
    res = assign_max_iou(dense_match_quality(anchors, gt_boxes, style=get_convention("mmdet").iou,
                                             request=rule.request()), rule)
    gt_inds = np.where(res.labels == Label.POSITIVE, res.matched_gt + 1,
                       np.where(res.labels == Label.NEGATIVE, 0, -1)).astype(np.int64)
    if len(gt_boxes) == 0:
        gt_inds[:] = 0
    if spec.sampler is None:
        pos, neg = np.flatnonzero(gt_inds > 0), np.flatnonzero(gt_inds == 0)
    else:
        num, frac = spec.sampler
        pos, neg = mmdet_random_sample(gt_inds, num=num, pos_fraction=frac, neg_pos_ub=neg_pos_ub, generator=generator)
    role = np.where(gt_inds >= 0, Role.NOT_SAMPLED, Role.IGNORED).astype(np.int8)
    role[neg] = Role.NEGATIVE
    role[pos] = Role.POSITIVE
    matched = np.where(role == Role.POSITIVE, gt_inds - 1, -1)
    labels = np.full(n, num_classes, np.int64)
    labels[pos] = np.asarray(gt_labels, np.int64)[matched[pos]]
    weights = (role >= Role.NEGATIVE).astype(F32)
    return {"role": role, "matched": matched, "labels": labels, "label_weights": weights}


def anchor_head_loss(config: dict, gts: list[tuple[np.ndarray, np.ndarray]], cls_scores: np.ndarray,
                     bbox_preds: np.ndarray, *, seed: int = 0, rpn: bool = False, zero_rpn_labels: bool = True
                     ) -> tuple[dict, list[ImageLoss], Terms]:
    """``loss_by_feat`` of a one-level AnchorHead (``rpn``: RPNHead) after ``torch.manual_seed(seed)``.

    ``zero_rpn_labels``: mmdet's two-stage detector sets every GT label to 0 before calling the RPN head (training
    does this). ``RPNHead.loss_by_feat`` itself uses the labels it is given: with False, a positive whose GT label
    is >= 1 falls outside the single objectness column and is a background row for the BCE, while it stays a
    positive for the box loss and the avg_factor.

    Args:
        config: the head config (num_classes, anchor_generator, bbox_coder, reg_decoded_bbox, loss_cls, loss_bbox,
            train_cfg.assigner / sampler), as in the golden files.
        gts: per image (boxes (M, 4), 0-based labels (M,)).
        cls_scores (ndarray[B, A*C, H, W]), bbox_preds (ndarray[B, A*4, H, W]): the level's head outputs.
    Returns:
        (get_targets outputs: anchors, labels, label_weights, bbox_targets, bbox_weights, avg_factor; per-image
        losses; terms).
    """
    spec = spec_from_config(config, rpn=rpn)
    num_classes = 1 if rpn else int(config["num_classes"])
    channels = num_classes + 1 if spec.cls_loss == "softmax_ce" else num_classes
    anchors = anchors_from_config(config, cls_scores.shape[2:])
    coder = coder_from_config(config)
    gen = TorchCPUGenerator(seed)
    out = {"labels": [], "label_weights": [], "bbox_targets": [], "bbox_weights": []}
    losses = []
    for b, (boxes, labels) in enumerate(gts):
        labels = np.zeros(len(boxes), np.int64) if rpn and zero_rpn_labels else np.asarray(labels, np.int64)
        t = head_targets(anchors, boxes, labels, spec, assigner=config["train_cfg"]["assigner"],
                         num_classes=num_classes, generator=gen,
                         neg_pos_ub=float(config["train_cfg"].get("sampler", {}).get("neg_pos_ub", -1)))
        lab = t["labels"]
        col = lab if spec.cls_loss == "softmax_ce" else np.where(lab < num_classes, lab, -1)
        im = image_loss(spec, anchors=anchors, gt_boxes=boxes, role=t["role"], target_col=col,
                        matched_gt=t["matched"], scores=flatten_head_output(cls_scores[b], channels),
                        deltas=flatten_head_output(bbox_preds[b], 4), coder=coder)
        losses.append(im)
        out["labels"].append(lab)
        out["label_weights"].append(t["label_weights"])
        out["bbox_targets"].append(np.nan_to_num(im.box_target, nan=0.0))
        out["bbox_weights"].append(np.repeat(im.box_counted.astype(F32)[:, None], 4, axis=1))
    terms = normalise(spec, losses)
    out["avg_factor"] = terms.cls_normaliser.inputs["avg_factor"]
    out["anchors"] = anchors
    return out, losses, terms
