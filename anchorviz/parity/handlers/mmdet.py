"""mmdetection 3.x (and the v1 +1 world): ``bbox_overlaps``, ``MaxIoUAssigner``, ``DeltaXYWHBBoxCoder`` /
``LegacyDeltaXYWHBBoxCoder`` and ``RandomSampler``. The anchor generators are in ``mmdet_anchors``."""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.coding.presets import MMDET, MMDET_V1_LEGACY
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.conventions import get_convention
from anchorviz.core.iou.pairwise import pairwise_giou, pairwise_iof, pairwise_iou
from anchorviz.core.sampling.samplers import mmdet_random_sample
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.parity.golden import as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case, with_spec
from anchorviz.parity.handlers.common import quality

__all__ = ["HANDLERS"]


def _overlaps(p: dict, inp: dict, ctx: dict) -> dict:
    """``bbox_overlaps`` in every mode: iou, iof, giou, and v1's +1 IoU."""
    a, b = as_boxes(inp["boxes1"]), as_boxes(inp["boxes2"])
    return {"iou": pairwise_iou(a, b, style=get_convention("mmdet").iou), "iof": pairwise_iof(a, b),
            "giou": pairwise_giou(a, b), "iou_v1_plus1": pairwise_iou(a, b, style=get_convention("mmdet_v1").iou)}


def _assign(p: dict, inp: dict, ctx: dict) -> dict:
    """``MaxIoUAssigner(pos_iou_thr, neg_iou_thr, min_pos_iou=0., gt_max_assign_all=True, ignore_iof_thr=-1,
    match_low_quality=True)``: gt_inds -1 ignore / 0 negative / k+1 GT k; ignored priors get max_overlaps -1."""
    gts, priors = as_boxes(inp["gt_bboxes"]), as_boxes(inp["priors"])
    gt_labels = np.asarray(inp.get("gt_labels", list(range(len(gts)))), np.int64)
    neg = p["neg_iou_thr"]
    neg_lo, neg_hi = (float(neg[0]), float(neg[1])) if isinstance(neg, list) else (0.0, float(neg))
    lq = "none"
    if p.get("match_low_quality", True):
        lq = "gt_all" if p.get("gt_max_assign_all", True) else "gt_first"
    rule = MaxIoURule(pos_iou=float(p["pos_iou_thr"]), neg_iou=neg_hi, neg_iou_min=neg_lo, low_quality=lq,
                      min_pos_iou=float(p.get("min_pos_iou", 0.0)))
    exclude = None
    ignore_thr = float(p.get("ignore_iof_thr", -1))
    ignore_boxes = inp.get("gt_bboxes_ignore")
    if ignore_thr > 0 and ignore_boxes:
        exclude = pairwise_iof(priors, as_boxes(ignore_boxes)).max(axis=1) > ignore_thr
    q = quality("mmdet", priors, gts, valid=None if exclude is None else ~exclude)
    res = assign_max_iou(q, rule, exclude=exclude)
    gt_inds = np.where(res.labels == Label.POSITIVE, res.matched_gt + 1, np.where(res.labels == Label.NEGATIVE, 0, -1))
    if len(gts) == 0:
        gt_inds[:] = 0
    labels = np.where(gt_inds > 0, gt_labels[np.maximum(gt_inds - 1, 0)] if len(gts) else -1, -1)
    max_overlaps = q.max_iou if exclude is None else np.where(exclude, -1.0, q.max_iou)
    return {"overlaps_gt_x_prior": pairwise_iou(gts, priors, style=get_convention("mmdet").iou), "gt_inds": gt_inds,
            "max_overlaps": max_overlaps, "labels": labels}


def _coder(base: CoderSpec):
    """``DeltaXYWHBBoxCoder(target_means, target_stds, clip_border=True, add_ctr_clamp=False, ctr_clamp=32)`` and
    ``decode(..., max_shape, wh_ratio_clip)``; the Legacy coder likewise."""

    def run(p: dict, inp: dict, ctx: dict) -> dict:
        changes = {"means": tuple(p["target_means"]) if "target_means" in p else None,
                   "stds": tuple(p["target_stds"]) if "target_stds" in p else None}
        if "wh_ratio_clip" in p:
            changes["dwh_clamp"] = abs(math.log(p["wh_ratio_clip"]))
        if p.get("add_ctr_clamp"):
            changes.update(ctr_clamp=float(p.get("ctr_clamp", 32)), clamp_sides="upper")
        return coder_case(with_spec(base, **changes), inp, ctx)

    return run


def _sampler(p: dict, inp: dict, ctx: dict) -> dict:
    """``RandomSampler(num, pos_fraction, neg_pos_ub=-1, add_gt_as_proposals=True)`` after torch.manual_seed."""
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    gt_inds = np.asarray(inp["gt_inds"], np.int64)
    num_gts = len(inp["gt_bboxes"]) if "gt_bboxes" in inp else int(max(gt_inds.max(initial=0), 0))
    pos, neg = mmdet_random_sample(gt_inds, num=int(p["num"]), pos_fraction=float(p["pos_fraction"]),
                                   neg_pos_ub=float(p.get("neg_pos_ub", -1)),
                                   add_gt_as_proposals=bool(p.get("add_gt_as_proposals", True)), num_gts=num_gts,
                                   generator=gen)
    return {"num_pos": len(pos), "num_neg": len(neg), "pos_inds": pos, "neg_inds": neg}


HANDLERS = {
    ("mmdet", "bbox_overlaps"): _overlaps,
    ("mmdet", "MaxIoUAssigner.assign"): _assign,
    ("mmdet", "DeltaXYWHBBoxCoder.encode / decode"): _coder(MMDET),
    ("mmdet", "DeltaXYWHBBoxCoder.decode"): _coder(MMDET),
    ("mmdet", "DeltaXYWHBBoxCoder.encode"): _coder(MMDET),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.encode / decode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.decode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.encode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "RandomSampler.sample"): _sampler,
}
