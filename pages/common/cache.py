"""Caches around the core shared by every session of the server, keyed by plain hashable values (frozen configs,
tuples, strings) and bounded by bytes (``anchorviz.core.shared_cache``).

Work done once per setup, not once per session: 25 users on the same sample and setup share one AnchorSet, one
labelling, one background JPEG. The results are shared, never copied (``st.cache_data`` unpickled a copy of a
1-2 MB LabelResult on every hit): their arrays are read-only. The budgets are bytes, not entry counts, so a
class on 25 different pictures keeps its entries instead of recomputing them at every step, and RSS stays
bounded.

* Anchors: ``anchorviz.core.anchors.grid.cached_anchors`` (ANCHORVIZ_ANCHOR_CACHE_MB, default 128), shared with
  the dataset fit.
* Everything else here and in ``teach``: ``RESULTS`` (ANCHORVIZ_RESULT_CACHE_MB, default 192).
"""

from __future__ import annotations

import base64
import io as _io
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.anchors.grid import AnchorSet, cached_anchors
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.assign.yolov5 import assign_yolov5
from anchorviz.core.conventions import ANCHORVIZ_IOU
from anchorviz.core.diagnose import GTMatch, explain_low_quality_only, explain_zero_positives, match_kinds
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.quality import MAXIMA_ONLY, MatchRequest
from anchorviz.core.resize import ResizeSpec, plan_resize
from anchorviz.io.network_image import resize_image
from anchorviz.io.samples import load_sample
from anchorviz.core.sampling.samplers import sample_minibatch
from anchorviz.core.shared_cache import SharedCache
from anchorviz.viz import jpeg_uri

MAX_BG_SIDE = 1000  # the background JPEG is at most this many pixels on its longer side
BG_QUALITY = 80

RESULTS = SharedCache("results", int(float(os.environ.get("ANCHORVIZ_RESULT_CACHE_MB", 192)) * 2**20))


@RESULTS.cached
def sample(name: str):
    """``load_sample`` (image, boxes, labels, class_names); the photo is read from assets/ once."""
    return load_sample(name)


def anchors(cfg: AnchorConfig, input_hw: tuple[int, int]) -> AnchorSet:
    """The AnchorSet of a setup on a network input size. Read-only: never mutate it."""
    return cached_anchors(cfg, input_hw)


@RESULTS.cached
def network_input(token: str, _image: np.ndarray, spec: ResizeSpec):
    """(plan, background data URI) of a photo under a train-time resize.

    ``token`` identifies the photo (``_image`` is not hashed). The background is a JPEG of the network
    input (resized + padded), at most MAX_BG_SIDE pixels on its longer side.
    """
    plan = plan_resize(_image.shape[:2], spec)
    return plan, jpeg_uri(resize_image(_image, plan), max_side=MAX_BG_SIDE, quality=BG_QUALITY)


@RESULTS.cached
def network_crop(token: str, _image: np.ndarray, spec: ResizeSpec, view: tuple[float, float, float, float]) -> dict:
    """A small JPEG of one region (x0, y0, x1, y1) of the network input, placed as a layout image.

    Returns a dict with source, x, y, sizex, sizey (empty source when the region misses the image).
    """
    plan = plan_resize(_image.shape[:2], spec)
    net = resize_image(_image, plan)
    h, w = net.shape[:2]
    x0, y0 = max(0, int(np.floor(view[0]))), max(0, int(np.floor(view[1])))
    x1, y1 = min(w, int(np.ceil(view[2]))), min(h, int(np.ceil(view[3])))
    if x1 <= x0 or y1 <= y0:
        return {"source": "", "x": 0, "y": 0, "sizex": 1, "sizey": 1}
    im = Image.fromarray(net[y0:y1, x0:x1])
    buf = _io.BytesIO()
    im.save(buf, format="JPEG", quality=BG_QUALITY)
    return {"source": "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii"),
            "x": x0, "y": y0, "sizex": x1 - x0, "sizey": y1 - y0}


@dataclass(frozen=True, eq=False)
class LabelResult:
    """What the Labels page draws: per-anchor labels and per-GT facts."""

    labels: np.ndarray  # int8 (N,)
    matched_gt: np.ndarray  # int32 (N,), -1 unless positive
    gt_max_iou: np.ndarray  # float64 (M,)
    positives_per_gt: np.ndarray  # int64 (M,)
    zero: list  # anchorviz.core.diagnose.ZeroPositive per GT without positives
    method: str
    kind: np.ndarray  # int8 (M,) anchorviz.core.diagnose.GTMatch of each GT
    weak: np.ndarray  # bool (N,) positives below pos_iou with their own GT (the low-quality rule's)
    lq_only: list  # anchorviz.core.diagnose.ZeroPositive per GT positive only by the low-quality rule


def assignment_key(method: str, pos: float, neg: float, lq: bool, anchor_t: float, topk: int) -> tuple:
    """The parameters that matter for one assigner, as a hashable tuple."""
    if method == "maxiou":
        return ("maxiou", float(pos), float(neg), bool(lq))
    if method == "yolov5":
        return ("yolov5", float(anchor_t))
    return ("atss", int(topk))


def _assign(aset: AnchorSet, gts: np.ndarray, key: tuple) -> tuple[Assignment, object]:
    cfg = aset.config
    if key[0] == "maxiou":
        rule = max_iou_rule(cfg.convention, pos_iou=key[1], neg_iou=key[2], low_quality=key[3])
        return assign_anchors(aset, gts, rule), rule
    if key[0] == "yolov5":
        return assign_yolov5(aset, gts, anchor_t=key[1]), None
    return assign_atss(aset, gts, topk=key[1]), None


@RESULTS.cached
def labels(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple, key: tuple) -> LabelResult:
    """Assign every anchor of ``cfg`` on ``input_hw`` to the GT boxes (network-input xyxy, as tuples)."""
    aset = anchors(cfg, input_hw)
    gts = np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4)
    asg, rule = _assign(aset, gts, key)
    per_gt = asg.positives_per_gt()
    kinds = match_kinds(aset, gts, asg, pos_iou=rule.pos_iou if rule is not None else None,
                        style=cfg.conv.iou if rule is not None else ANCHORVIZ_IOU)
    zero_idx, lq_idx = kinds.indices(GTMatch.NONE), kinds.indices(GTMatch.LOW_QUALITY)
    zero, lq_only = [], []
    if len(zero_idx) or len(lq_idx):
        style = cfg.conv.iou if key[0] == "maxiou" else None
        ties = MatchRequest(ties_from=0.0)  # each GT's best anchor
        stats = grid_match_quality(aset, gts, **({"style": style} if style is not None else {}), request=ties)
        if len(zero_idx):
            zero = explain_zero_positives(aset, gts, asg, stats, zero_idx, method=key[0], rule=rule,
                                          **({"anchor_t": key[1]} if key[0] == "yolov5" else
                                             {"topk": key[1]} if key[0] == "atss" else {}))
        if len(lq_idx):
            lq_only = explain_low_quality_only(aset, gts, asg, stats, kinds)
    return LabelResult(labels=asg.labels, matched_gt=asg.matched_gt.astype(np.int32),
                       gt_max_iou=(stats_max(asg, aset, gts, key)), positives_per_gt=per_gt, zero=zero,
                       method=key[0], kind=kinds.kind, weak=kinds.weak, lq_only=lq_only)


def stats_max(asg: Assignment, aset: AnchorSet, gts: np.ndarray, key: tuple) -> np.ndarray:
    """Best IoU of each GT (YOLOv5's assignment does not report it, so compute it with anchorviz IoU)."""
    if key[0] == "yolov5" and len(gts):
        return grid_match_quality(aset, gts, request=MAXIMA_ONLY).gt_max_iou
    return asg.gt_max_iou


@RESULTS.cached
def minibatch(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple, key: tuple, batch_size: int,
              positive_fraction: float, rule: str, seed: int):
    """(sampled positive indices, sampled negative indices) of the labels above."""
    res = labels(cfg, input_hw, gt_boxes, key)
    lab = res.labels.astype(np.int64)
    lab[lab == int(Label.IGNORED)] = -1
    out = sample_minibatch(lab, batch_size=batch_size, positive_fraction=positive_fraction, rule=rule, seed=seed)
    return out.pos_idx, out.neg_idx
