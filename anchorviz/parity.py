"""Parity checker: run golden cases of the six reference libraries through anchorviz and compare.

Usage::

    python -m anchorviz.parity tests/data/reference/*.json [--verbose]

Each file has the layout of ../shared/reference/*.json: ``{library, cases: [{case, function, params, inputs,
outputs}], common_inputs?}``. Every case is dispatched on (library, function) to a handler that reads its
parameters and inputs (never the expected outputs), computes with anchorviz, and returns named outputs;
every output the golden case holds is then compared:

* floats with rtol 1e-6 (1e-5 for decoded boxes), and an absolute floor of rtol * max(1, |largest value|);
  NaN must match NaN ("nan"/"inf" strings are decoded);
* integers, labels, indices and shapes exactly;
* large anchor sets stored as summaries (shape, column sums/min/max, first/last/sampled rows, and the sha256
  of round(a, 6) as little-endian float64) field by field, the hash exactly.

One line is printed per failing case, saying what differed, and the last line is
``N passed, M failed, K skipped``; the exit status is 1 when any case failed. Only cases whose output
depends on another library's random stream (YOLOv5 ``kmean_anchors``: scipy's k-means and NumPy's global
RNG) are skipped, with the reason.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from pathlib import Path
from typing import Callable

import numpy as np

from anchorviz.core import nms as nms_mod
from anchorviz.core.coding import codec as coding_codec
from anchorviz.core.coding import presets as coding_presets
from anchorviz.core.coding import spec as coding_spec
from anchorviz.core.sampling import samplers as sampling_samplers
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.cells import cell_anchors
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou, outside_mask
from anchorviz.core.conventions import get_convention
from anchorviz.core.fit import yolo_fit
from anchorviz.core.iou.quality import FULL_REQUEST, MatchRequest, dense_match_quality
from anchorviz.core.iou.pairwise import pairwise_giou, pairwise_iof, pairwise_iou
from anchorviz.core.presets import ssd_levels

__all__ = ["run_file", "run_case", "main", "Outcome"]


class Skip(Exception):
    """A case that cannot be reproduced without another library's random stream."""


class CaseError(Exception):
    """A case whose parameters or inputs anchorviz cannot read."""


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _decode(v):
    """JSON value -> Python value with "nan"/"inf"/"-inf" strings turned into floats."""
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if isinstance(v, dict):
        return {k: _decode(x) for k, x in v.items()}
    return v


def _arr(v, dtype=np.float64) -> np.ndarray:
    return np.asarray(_decode(v), dtype=dtype)


def _boxes(v) -> np.ndarray:
    a = _arr(v)
    return a.reshape(-1, 4) if a.size else np.zeros((0, 4))


def _per_level(value, n: int) -> list:
    """A per-level parameter may be given once for all levels ([[0.5, 1, 2]]) or once per level."""
    if value is None:
        return [None] * n
    if len(value) == 1 and n > 1:
        return [value[0]] * n
    if len(value) != n:
        raise CaseError(f"expected {n} per-level values, got {len(value)}")
    return list(value)


def _is_list_of_lists(v) -> bool:
    return isinstance(v, list) and bool(v) and isinstance(v[0], list)


def _stats(style_name: str, anchors, gts, valid=None, pairs: bool = False):
    request = MatchRequest(argmax_from=0.0, ties_from=0.0, argmax_of_ties=True, pairs=True) if pairs else FULL_REQUEST
    return dense_match_quality(anchors, gts, style=get_convention(style_name).iou, request=request, valid=valid)


def _mmdet_scales(p: dict) -> tuple[float, ...]:
    if p.get("scales") is not None:
        return tuple(float(s) for s in p["scales"])
    if p.get("octave_base_scale") is not None:
        n = int(p.get("scales_per_octave", 1))
        return tuple(float(v) for v in np.array([2 ** (i / n) for i in range(n)]) * p["octave_base_scale"])
    return (1.0,)


# ---------------------------------------------------------------------------------------------------------
# Anchor generators


def _torchvision_anchor_forward(p: dict, inp: dict) -> dict:
    sizes = p["sizes"]
    ratios = _per_level(p.get("aspect_ratios"), len(sizes))
    feats = [tuple(f) for f in p["feature_hw"]]
    levels = tuple(LevelSpec(stride=1, sizes=tuple(s), ratios=tuple(r or (0.5, 1.0, 2.0))) for s, r in zip(sizes, ratios))
    cfg = AnchorConfig(convention="torchvision", levels=levels, max_anchors=10**9)
    aset = generate_anchors(cfg, tuple(p["image_hw"]), feature_hws=tuple(feats))
    return _anchor_outputs(aset, extra={"strides_hw": [list(g.stride_hw) for g in aset.levels],
                                        "num_anchors_per_location": [g.num_shapes for g in aset.levels]})


def _anchor_outputs(aset, *, extra: dict | None = None, cells_key: str = "cell_anchors",
                    anchors_per_level: bool = False) -> dict:
    """Outputs of an anchor generator. ``anchors_per_level``: the library returns one array per level
    (mmdet grid_priors, detectron2 forward) rather than one concatenated array (torchvision, keras, d2l)."""
    cells = [g.cells for g in aset.levels]
    per_level = [aset.boxes[g.start:g.stop] for g in aset.levels]
    out = {
        cells_key: cells[0] if len(cells) == 1 else cells,
        "anchors": per_level if anchors_per_level and len(per_level) > 1 else aset.boxes,
        "total": len(aset),
        "levels": per_level,
        "level_shapes": [list(g.feat_hw) for g in aset.levels],
        "summary": aset.boxes,
        "summary_all": aset.boxes,
    }
    out.update(extra or {})
    return out


def _torchvision_generate_anchors(p: dict, inp: dict) -> dict:
    cfg = AnchorConfig(convention="torchvision",
                       levels=(LevelSpec(stride=1, sizes=tuple(p["scales"]), ratios=tuple(p["aspect_ratios"])),))
    return {"cell_anchors": cell_anchors(cfg, 0)}


def _torchvision_cell_anchors_init(p: dict, inp: dict) -> dict:
    out = {}
    ratios_all = p.get("aspect_ratios", [0.5, 1.0, 2.0])
    for key, sizes in p.items():
        if not key.endswith("sizes"):
            continue
        ratios = _per_level(ratios_all if _is_list_of_lists(ratios_all) else [ratios_all], len(sizes))
        cfg = AnchorConfig(convention="torchvision", levels=tuple(
            LevelSpec(stride=1, sizes=tuple(s), ratios=tuple(r)) for s, r in zip(sizes, ratios)))
        out[key[: -len("sizes")] + "cell_anchors"] = [cell_anchors(cfg, i) for i in range(len(sizes))]
    return out


def _mmdet_config(p: dict, convention: str) -> AnchorConfig:
    strides = p["strides"]
    n = len(strides)
    ratios = p.get("ratios", [1.0])
    ratios = _per_level(ratios, n) if _is_list_of_lists(ratios) else [ratios] * n
    base_sizes = p.get("base_sizes") or [None] * n
    centers = p.get("centers") or [None] * n
    scales = _mmdet_scales(p)
    levels = tuple(
        LevelSpec(stride=tuple(s) if isinstance(s, list) else s, base_size=b, scales=scales, ratios=tuple(r),
                  center=tuple(c) if c is not None else None)
        for s, r, b, c in zip(strides, ratios, base_sizes, centers)
    )
    return AnchorConfig(convention=convention, levels=levels, center_offset=p.get("center_offset"),
                        scale_major=bool(p.get("scale_major", True)), max_anchors=10**9)


def _mmdet_grid_priors(convention: str) -> Callable[[dict, dict], dict]:
    def run(p: dict, inp: dict) -> dict:
        cfg = _mmdet_config(p, convention)
        feats = p.get("featmap_sizes")
        if feats is None:
            return {"base_anchors": _cells_out(cfg), "scales": list(_mmdet_scales(p))}
        aset = generate_anchors(cfg, (1, 1), feature_hws=tuple(tuple(f) for f in feats))
        return _anchor_outputs(aset, cells_key="base_anchors", anchors_per_level=True, extra={
            "num_base_priors": [g.num_shapes for g in aset.levels], "scales": list(_mmdet_scales(p))})

    return run


def _cells_out(cfg: AnchorConfig):
    cells = [cell_anchors(cfg, i) for i in range(len(cfg.levels))]
    return cells[0] if len(cells) == 1 else cells


def _mmdet_valid_flags(p: dict, inp: dict) -> dict:
    cfg = _mmdet_config(p, "mmdet")
    h, w = p["pad_shape"][:2]
    flags = []
    for lv, (fh, fw) in zip(cfg.levels, p["featmap_sizes"]):
        sw, sh = lv.stride_wh
        vh, vw = min(math.ceil(h / sh), fh), min(math.ceil(w / sw), fw)
        valid = (np.arange(fh)[:, None] < vh) & (np.arange(fw)[None, :] < vw)
        a = len(lv.ratios) * len(lv.scales)
        flags.append(np.repeat(valid.reshape(-1), a))
    return {"valid": np.concatenate(flags).astype(np.int64)}


def _mmdet_ssd(p: dict, inp: dict) -> dict:
    levels = ssd_levels(p["strides"], p["ratios"], tuple(p.get("basesize_ratio_range", (0.15, 0.9))),
                        p.get("input_size", 300))
    cfg = AnchorConfig(convention="mmdet_ssd", levels=levels)
    return {"base_sizes": [int(lv.base_size) for lv in levels], "base_anchors": _cells_out(cfg)}


def _detectron2_config(p: dict) -> AnchorConfig:
    sizes = p["sizes"]
    strides = p["strides"]
    n = len(strides)
    sizes = _per_level(sizes, n)
    ratios = _per_level(p.get("aspect_ratios", [[0.5, 1.0, 2.0]]), n)
    levels = tuple(LevelSpec(stride=s, sizes=tuple(z), ratios=tuple(r)) for s, z, r in zip(strides, sizes, ratios))
    return AnchorConfig(convention="detectron2", levels=levels, center_offset=p.get("offset", 0.5), max_anchors=10**9)


def _detectron2_forward(p: dict, inp: dict) -> dict:
    cfg = _detectron2_config(p)
    aset = generate_anchors(cfg, (1, 1), feature_hws=tuple(tuple(f) for f in p["feature_hw"]))
    return _anchor_outputs(aset, anchors_per_level=True)


def _detectron2_cells(p: dict, inp: dict) -> dict:
    return {"cell_anchors": _cells_out(_detectron2_config(p))}


def _keras_level(size, stride, p: dict) -> LevelSpec:
    return LevelSpec(stride=stride, base_size=size, scales=tuple(p.get("scales", _KERAS_SCALES)),
                     ratios=tuple(p.get("ratios", (0.5, 1.0, 2.0))))


_KERAS_SCALES = (1.0, 2 ** (1.0 / 3.0), 2 ** (2.0 / 3.0))


def _keras_defaults(p: dict, inp: dict) -> dict:
    levels = [_keras_level(2 ** (k + 2), 2**k, {}) for k in range(3, 8)]
    return {"sizes": [int(lv.base_size) for lv in levels], "strides": [int(lv.stride) for lv in levels],
            "ratios": np.asarray(levels[0].ratios, np.float32).astype(np.float64),
            "scales": np.asarray(levels[0].scales, np.float32).astype(np.float64),
            "num_anchors": len(levels[0].ratios) * len(levels[0].scales)}


def _keras_generate(p: dict, inp: dict, expected_keys) -> dict:
    out = {}
    for key in expected_keys:
        try:
            size = float(key)
        except ValueError:
            continue
        cfg = AnchorConfig(convention="keras_retinanet", levels=(_keras_level(size, 1, p),))
        out[key] = cell_anchors(cfg, 0)
    return out


def _keras_generate_shift(p: dict, inp: dict) -> dict:
    cfg = AnchorConfig(convention="keras_retinanet", levels=(_keras_level(p["base_size"], p["stride"], p),))
    aset = generate_anchors(cfg, (1, 1), feature_hws=(tuple(p["shape"]),))
    return _anchor_outputs(aset, cells_key="base_anchors")


def _keras_levels(p: dict):
    levels = p.get("pyramid_levels", [3, 4, 5, 6, 7])
    sizes = p.get("sizes") or [2 ** (k + 2) for k in levels]
    strides = p.get("strides") or [2**k for k in levels]
    return levels, tuple(_keras_level(s, st, p) for s, st in zip(sizes, strides))


def _keras_guess_shapes(p: dict, inp: dict) -> dict:
    from anchorviz.core.anchors.cells import feature_size

    h, w = p["image_shape"][:2]
    levels = p.get("pyramid_levels", [3, 4, 5, 6, 7])
    return {"shapes": [list(feature_size((h, w), (2**k, 2**k))) for k in levels]}


def _keras_anchors_for_shape(p: dict, inp: dict) -> dict:
    _, levels = _keras_levels(p)
    cfg = AnchorConfig(convention="keras_retinanet", levels=levels, max_anchors=10**9)
    h, w = p["image_shape"][:2]
    return _anchor_outputs(generate_anchors(cfg, (h, w)))


def _d2l_prior(p: dict, inp: dict, expected_keys) -> dict:
    fh, fw = p["data_hw"]
    lv = LevelSpec(stride=1, sizes=tuple(p["sizes"]), ratios=tuple(p["ratios"]), feature_hw=(fh, fw))
    aset = generate_anchors(AnchorConfig(convention="d2l", levels=(lv,), max_anchors=10**9), (1, 1))
    per = aset.levels[0].num_shapes
    out = {"anchors": aset.boxes, "shape": [1, len(aset), 4], "summary": aset.boxes}
    for key in expected_keys:
        m = re.fullmatch(r"boxes_(\d+)_(\d+)", key)
        if m:
            y, x = int(m.group(1)), int(m.group(2))
            out[key] = aset.boxes[(y * fw + x) * per:(y * fw + x + 1) * per]
    return out


# ---------------------------------------------------------------------------------------------------------
# IoU


def _iou_handler(style: str, first: str = "boxes1", second: str = "boxes2", key: str = "iou"):
    def run(p: dict, inp: dict) -> dict:
        a, b = _boxes(inp[first]), _boxes(inp[second])
        return {key: pairwise_iou(a, b, style=get_convention(style).iou)}

    return run


def _mmdet_overlaps(p: dict, inp: dict) -> dict:
    a, b = _boxes(inp["boxes1"]), _boxes(inp["boxes2"])
    return {"iou": pairwise_iou(a, b, style=get_convention("mmdet").iou), "iof": pairwise_iof(a, b),
            "giou": pairwise_giou(a, b), "iou_v1_plus1": pairwise_iou(a, b, style=get_convention("mmdet_v1").iou)}


# ---------------------------------------------------------------------------------------------------------
# Assignment


def _torchvision_matcher(p: dict, inp: dict) -> dict:
    gts, anchors = _boxes(inp["gt_boxes"]), _boxes(inp["anchors"])
    stats = _stats("torchvision", anchors, gts)
    low, high = float(p["low_threshold"]), float(p["high_threshold"])
    rule = MaxIoURule(pos_iou=high, neg_iou=low, low_quality="argmax" if p.get("allow_low_quality_matches") else "none",
                      nan_label=Label.POSITIVE)
    res = assign_max_iou(stats, rule)
    matches = np.where(res.labels == Label.POSITIVE, res.matched_gt, 0)
    v = stats.max_iou.astype(np.float32)
    matches[res.labels == Label.NEGATIVE] = -1  # BELOW_LOW_THRESHOLD
    matches[(res.labels == Label.IGNORED) & (v >= np.float32(low))] = -2  # BETWEEN_THRESHOLDS
    return {"match_quality_matrix": pairwise_iou(gts, anchors, style=get_convention("torchvision").iou),
            "matches": matches}


def _detectron2_matcher(p: dict, inp: dict) -> dict:
    gts, anchors = _boxes(inp["gt_boxes"]), _boxes(inp["anchors"])
    thresholds = [float(t) for t in p["thresholds"]]
    labels_spec = [int(x) for x in p["labels"]]
    if len(labels_spec) != len(thresholds) + 1:
        raise CaseError("Matcher: expected len(labels) == len(thresholds) + 1")
    stats = _stats("detectron2", anchors, gts)
    v = stats.max_iou.astype(np.float32)
    bounds = [-math.inf] + thresholds + [math.inf]
    match_labels = np.ones(len(v), np.int64)
    for lab, lo, hi in zip(labels_spec, bounds[:-1], bounds[1:]):
        match_labels[(v >= np.float32(lo)) & (v < np.float32(hi))] = lab
    if p.get("allow_low_quality_matches") and stats.num_gts:
        match_labels[stats.tie_mask(0.0)] = 1
    matches = stats.argmax_gt if stats.num_gts else np.zeros(len(v), np.int64)
    if stats.num_gts == 0:
        match_labels[:] = labels_spec[0]
    return {"match_quality_matrix": pairwise_iou(gts, anchors, style=get_convention("detectron2").iou),
            "matches": matches, "match_labels": match_labels}


def _mmdet_assign(p: dict, inp: dict) -> dict:
    gts, priors = _boxes(inp["gt_bboxes"]), _boxes(inp["priors"])
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
        exclude = pairwise_iof(priors, _boxes(ignore_boxes)).max(axis=1) > ignore_thr
    stats = _stats("mmdet", priors, gts, valid=None if exclude is None else ~exclude)
    res = assign_max_iou(stats, rule, exclude=exclude)
    gt_inds = np.where(res.labels == Label.POSITIVE, res.matched_gt + 1, np.where(res.labels == Label.NEGATIVE, 0, -1))
    if len(gts) == 0:
        gt_inds[:] = 0
    labels = np.where(gt_inds > 0, gt_labels[np.maximum(gt_inds - 1, 0)] if len(gts) else -1, -1)
    max_overlaps = stats.max_iou if exclude is None else np.where(exclude, -1.0, stats.max_iou)
    return {"overlaps_gt_x_prior": pairwise_iou(gts, priors, style=get_convention("mmdet").iou), "gt_inds": gt_inds,
            "max_overlaps": max_overlaps, "labels": labels}


def _keras_annotations(p: dict, inp: dict) -> dict:
    anchors, gts = _boxes(inp["anchors"]), _boxes(inp["annotations"])
    res, stats = _keras_assign(p, anchors, gts)
    argmax = stats.argmax_gt if len(gts) else np.zeros(len(anchors), np.int64)
    return {"positive_indices": (res.labels == Label.POSITIVE).astype(np.int64),
            "ignore_indices": (res.labels == Label.IGNORED).astype(np.int64),
            "argmax_overlaps_inds": argmax,
            "anchor_state(1 pos,0 neg,-1 ignore)": res.labels.astype(np.int64)}


def _keras_assign(p: dict, anchors, gts, image_hw=None):
    stats = _stats("keras_retinanet", anchors, gts)
    rule = MaxIoURule(pos_iou=float(p.get("positive_overlap", 0.5)), neg_iou=float(p.get("negative_overlap", 0.4)),
                      neg_inclusive=True)
    ignore = outside_mask(anchors, tuple(image_hw), "centre") if image_hw is not None else None
    return assign_max_iou(stats, rule, ignore=ignore), stats


def _keras_targets(p: dict, inp: dict) -> dict:
    anchors, gts = _boxes(inp["anchors"]), _boxes(inp["bboxes"])
    labels = np.asarray(inp["labels"], np.int64)
    num_classes = int(p["num_classes"])
    res, stats = _keras_assign(p, anchors, gts, p.get("image_hw"))
    n = len(anchors)
    reg = np.zeros((n, 5), np.float32)
    cls = np.zeros((n, num_classes + 1), np.float32)
    if len(gts):
        # the assignment before the outside-image rule decides the one-hot class, as keras-retinanet does
        inside_res, _ = _keras_assign(p, anchors, gts)
        pos = inside_res.labels == Label.POSITIVE
        argmax = stats.argmax_gt
        cls[np.flatnonzero(pos), labels[argmax[pos]]] = 1
        reg[:, :4] = coding_codec.encode(anchors, gts[argmax], coding_presets.KERAS_RETINANET)
    reg[:, 4] = res.labels
    cls[:, -1] = res.labels
    return {"regression_batch": reg, "labels_batch": cls}


def _d2l_assign(p: dict, inp: dict) -> dict:
    gts, anchors = _boxes(inp["ground_truth"]), _boxes(inp["anchors"])
    return {"anchors_bbox_map": _d2l_map(anchors, gts, float(p.get("iou_threshold", 0.5)))}


def _d2l_map(anchors, gts, thr: float) -> np.ndarray:
    stats = _stats("d2l", anchors, gts, pairs=True)
    res = assign_max_iou(stats, MaxIoURule(pos_iou=thr, neg_iou=thr, low_quality="greedy", nan_label=Label.NEGATIVE))
    return np.where(res.labels == Label.POSITIVE, res.matched_gt, -1)


def _d2l_target(p: dict, inp: dict) -> dict:
    anchors = _boxes(inp["anchors"])
    rows = _arr(inp["labels"]).reshape(-1, 5)
    amap = _d2l_map(anchors, rows[:, 1:], float(p.get("iou_threshold", 0.5)))
    pos = amap >= 0
    cls = np.zeros(len(anchors), np.int64)
    cls[pos] = rows[amap[pos], 0].astype(np.int64) + 1
    assigned = np.zeros((len(anchors), 4))
    assigned[pos] = rows[amap[pos], 1:]
    offsets = coding_codec.encode(anchors, assigned, coding_presets.D2L)  # background rows encode a zero box, then masked
    mask = np.repeat(pos.astype(np.float64), 4)
    return {"bbox_offset": (offsets.reshape(-1) * mask)[None], "bbox_mask": mask[None], "class_labels": cls[None]}


def _d2l_detection(p: dict, inp: dict) -> dict:
    probs = _arr(inp["cls_probs"])
    if probs.ndim == 3:
        probs = probs[0]
    anchors = _boxes(inp["anchors"])
    deltas = _arr(inp["offset_preds"]).reshape(-1, 4)
    fg = probs[1:].astype(np.float32)
    conf, cls = fg.max(axis=0), fg.argmax(axis=0).astype(np.int64)
    boxes = coding_codec.decode(anchors, deltas, coding_presets.D2L)
    keep = nms_mod.nms(boxes, conf.astype(np.float64), float(p.get("nms_threshold", 0.5)), rule="d2l")
    rest = np.setdiff1d(np.arange(len(anchors)), keep)
    cls[rest] = -1
    order = np.concatenate([keep, rest])
    cls, conf, boxes = cls[order], conf[order], boxes[order]
    low = conf < np.float32(p.get("pos_threshold", 0.009999999))
    cls[low] = -1
    conf = np.where(low, np.float32(1) - conf, conf)
    return {"output": np.concatenate([cls[:, None], conf[:, None], boxes], axis=1)}


# ---------------------------------------------------------------------------------------------------------
# Box coding


def _coder_case(spec: coding_spec.CoderSpec, p: dict, inp: dict, ctx: dict, names: dict, keys=()) -> dict:
    out = {}
    enc_a, enc_g = inp.get("enc_anchors", ctx.get("enc_anchors")), inp.get("enc_gts", ctx.get("enc_gts"))
    if enc_a is not None and enc_g is not None:
        enc = coding_codec.encode(_boxes(enc_a), _boxes(enc_g), spec)
        out[names.get("encoded", "encoded")] = enc
        rt = coding_codec.decode(_boxes(enc_a), enc, spec)
        for k in ("roundtrip", "roundtrip_decoded", "roundtrip_decoded_of_ENC"):
            out[k] = rt
    if "dec_anchors" in inp:
        a, d = _boxes(inp["dec_anchors"]), _arr(inp["dec_deltas"]).reshape(-1, 4)
        dec = coding_codec.decode(a, d, spec)
        out["decoded"] = dec
        out["decode_list_api"] = dec[:, None, :]
        shapes = [tuple(inp["max_shape_for_clip"])] if inp.get("max_shape_for_clip") is not None else []
        for key in keys:  # the (H, W) may also be written only in the output's name
            m = re.fullmatch(r"decoded_clipped_max_shape_(\d+)x(\d+)", key)
            if m:
                shapes.append((int(m.group(1)), int(m.group(2))))
        for h, w in shapes:
            out[f"decoded_clipped_max_shape_{h:g}x{w:g}"] = coding_codec.decode(a, d, spec, max_shape=(h, w))
    return out


def _with_spec(base: coding_spec.CoderSpec, **changes) -> coding_spec.CoderSpec:
    import dataclasses

    return dataclasses.replace(base, **{k: v for k, v in changes.items() if v is not None})


def _torchvision_coder(p, inp, ctx):
    w = tuple(p.get("weights", (1.0, 1.0, 1.0, 1.0)))
    spec = _with_spec(coding_presets.TORCHVISION_RPN, weights=w, dwh_clamp=p.get("bbox_xform_clip"))
    return _coder_case(spec, p, inp, ctx, {}, ctx.get("keys", ()))


def _detectron2_coder(p, inp, ctx):
    w = tuple(p.get("weights", (1.0, 1.0, 1.0, 1.0)))
    spec = _with_spec(coding_presets.DETECTRON2, weights=w, dwh_clamp=p.get("scale_clamp"))
    return _coder_case(spec, p, inp, ctx, {"encoded": "deltas"}, ctx.get("keys", ()))


def _mmdet_coder(base: coding_spec.CoderSpec):
    def run(p, inp, ctx):
        changes = {"means": tuple(p["target_means"]) if "target_means" in p else None,
                   "stds": tuple(p["target_stds"]) if "target_stds" in p else None}
        if "wh_ratio_clip" in p:
            changes["dwh_clamp"] = abs(math.log(p["wh_ratio_clip"]))
        if p.get("add_ctr_clamp"):
            changes.update(ctr_clamp=float(p.get("ctr_clamp", 32)), clamp_sides="upper")
        return _coder_case(_with_spec(base, **changes), p, inp, ctx, {}, ctx.get("keys", ()))

    return run


def _keras_transform(p, inp, ctx):
    spec = _with_spec(coding_presets.KERAS_RETINANET, means=tuple(p.get("mean", (0, 0, 0, 0))), stds=tuple(p.get("std", (0.2,) * 4)))
    return {"targets": coding_codec.encode(_boxes(inp["anchors"]), _boxes(inp["gt_boxes"]), spec)}


def _keras_inverse(p, inp, ctx):
    spec = _with_spec(coding_presets.KERAS_RETINANET, means=tuple(p.get("mean", (0, 0, 0, 0))), stds=tuple(p.get("std", (0.2,) * 4)))
    return _coder_case(spec, p, inp, ctx, {}, ctx.get("keys", ()))


def _d2l_offset_boxes(p, inp, ctx):
    return {"offsets": coding_codec.encode(_boxes(inp["anchors"]), _boxes(inp["assigned_bb"]), coding_presets.D2L)}


def _d2l_offset_inverse(p, inp, ctx):
    return _coder_case(coding_presets.D2L, p, inp, ctx, {}, ctx.get("keys", ()))


# ---------------------------------------------------------------------------------------------------------
# Sampling and NMS


def _torchvision_sampler(p, inp):
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    pos, neg = sampling_samplers.torchvision_sample(np.asarray(inp["labels"], np.int64),
                                           batch_size_per_image=int(p["batch_size_per_image"]),
                                           positive_fraction=float(p["positive_fraction"]), generator=gen)
    return {"num_pos": int(pos.sum()), "num_neg": int(neg.sum()), "pos_mask": pos.astype(np.int64),
            "neg_mask": neg.astype(np.int64)}


def _detectron2_sampler(p, inp):
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    pos, neg = sampling_samplers.detectron2_subsample_labels(np.asarray(inp["labels"], np.int64), num_samples=int(p["num_samples"]),
                                                    positive_fraction=float(p["positive_fraction"]),
                                                    bg_label=int(p.get("bg_label", 0)), generator=gen)
    return {"num_pos": len(pos), "num_neg": len(neg), "pos_idx": pos, "neg_idx": neg}


def _mmdet_sampler(p, inp):
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    gt_inds = np.asarray(inp["gt_inds"], np.int64)
    num_gts = len(inp["gt_bboxes"]) if "gt_bboxes" in inp else int(max(gt_inds.max(initial=0), 0))
    pos, neg = sampling_samplers.mmdet_random_sample(gt_inds, num=int(p["num"]), pos_fraction=float(p["pos_fraction"]),
                                            neg_pos_ub=float(p.get("neg_pos_ub", -1)),
                                            add_gt_as_proposals=bool(p.get("add_gt_as_proposals", False)),
                                            num_gts=num_gts, generator=gen)
    return {"num_pos": len(pos), "num_neg": len(neg), "pos_inds": pos, "neg_inds": neg}


def _nms_keys(p, inp, expected_keys, rule: str):
    boxes, scores = _boxes(inp["boxes"]), _arr(inp["scores"])
    out = {}
    for key in expected_keys:
        m = re.fullmatch(r"(batched_)?nms_keep_thr([0-9.]+)", key)
        if m:
            thr = float(m.group(2))
            if m.group(1):
                out[key] = nms_mod.batched_nms(boxes, scores, np.asarray(inp["idxs"], np.int64), thr)
            else:
                out[key] = nms_mod.nms(boxes, scores, thr, rule=rule)
    if "keep" in expected_keys:
        out["keep"] = nms_mod.nms(boxes, scores, float(p["iou_threshold"]), rule=rule)
    return out


# ---------------------------------------------------------------------------------------------------------
# YOLOv5


def _yolo_metric(p, inp):
    f = yolo_fit(_arr(inp["wh"]), _arr(inp["anchors"]), thr=float(p.get("thr", 4.0)))
    return {"bpr": f.bpr, "aat": f.aat, "x_ratio_metric": f.x, "best_x": f.best, "fitness": f.fitness,
            "metric_all_mean": f.metric_all_mean, "best_mean": f.best_mean}


def _yolo_kmean_metric(p, inp):
    out = _yolo_metric(p, inp)
    if "n" in p:  # autoanchor's print_results: aat = mean(x > 1/thr) * n
        thr = np.float32(1.0 / float(p.get("thr", 4.0)))
        x = np.asarray(out["x_ratio_metric"], np.float32)
        out["aat"] = float((x > thr).astype(np.float32).mean(dtype=np.float32) * np.float32(p["n"]))
    return out


def _yolo_kmeans(p, inp):
    raise Skip("output depends on scipy.cluster.vq.kmeans and NumPy's global random stream (YOLOv5 autoanchor)")


# ---------------------------------------------------------------------------------------------------------
# Dispatch


def _library_key(name: str) -> str:
    low = name.lower()
    for key in ("torchvision", "detectron2", "keras", "d2l", "yolov5", "mmdet", "mmdetection"):
        if key in low:
            return {"keras": "keras_retinanet", "mmdetection": "mmdet"}.get(key, key)
    raise CaseError(f"unknown library {name!r}")


# handler(params, inputs) or, with the flags below, handler(params, inputs, extra)
_PLAIN: dict[tuple[str, str], Callable] = {
    ("torchvision", "AnchorGenerator.forward"): _torchvision_anchor_forward,
    ("torchvision", "AnchorGenerator.generate_anchors"): _torchvision_generate_anchors,
    ("torchvision", "AnchorGenerator.__init__ (cell_anchors)"): _torchvision_cell_anchors_init,
    ("torchvision", "torchvision.ops.box_iou"): _iou_handler("torchvision"),
    ("torchvision", "Matcher.__call__"): _torchvision_matcher,
    ("torchvision", "BalancedPositiveNegativeSampler.__call__"): _torchvision_sampler,
    ("mmdet", "AnchorGenerator.grid_priors"): _mmdet_grid_priors("mmdet"),
    ("mmdet", "AnchorGenerator.gen_base_anchors"): _mmdet_grid_priors("mmdet"),
    ("mmdet", "LegacyAnchorGenerator.grid_priors"): _mmdet_grid_priors("mmdet_v1"),
    ("mmdet", "LegacyAnchorGenerator.gen_base_anchors"): _mmdet_grid_priors("mmdet_v1"),
    ("mmdet", "AnchorGenerator.valid_flags"): _mmdet_valid_flags,
    ("mmdet", "SSDAnchorGenerator.base_anchors"): _mmdet_ssd,
    ("mmdet", "bbox_overlaps"): _mmdet_overlaps,
    ("mmdet", "MaxIoUAssigner.assign"): _mmdet_assign,
    ("mmdet", "RandomSampler.sample"): _mmdet_sampler,
    ("detectron2", "DefaultAnchorGenerator.forward"): _detectron2_forward,
    ("detectron2", "DefaultAnchorGenerator.cell_anchors"): _detectron2_cells,
    ("detectron2", "structures.pairwise_iou"): _iou_handler("detectron2"),
    ("detectron2", "Matcher.__call__"): _detectron2_matcher,
    ("detectron2", "sampling.subsample_labels"): _detectron2_sampler,
    ("keras_retinanet", "AnchorParameters.default"): _keras_defaults,
    ("keras_retinanet", "generate_anchors + shift"): _keras_generate_shift,
    ("keras_retinanet", "guess_shapes"): _keras_guess_shapes,
    ("keras_retinanet", "anchors_for_shape"): _keras_anchors_for_shape,
    ("keras_retinanet", "compute_overlap"): _iou_handler("keras_retinanet", "boxes", "query_boxes", "overlaps"),
    ("keras_retinanet", "compute_gt_annotations"): _keras_annotations,
    ("keras_retinanet", "anchor_targets_bbox"): _keras_targets,
    ("d2l", "box_iou"): _iou_handler("d2l"),
    ("d2l", "assign_anchor_to_bbox"): _d2l_assign,
    ("d2l", "multibox_target"): _d2l_target,
    ("d2l", "multibox_detection"): _d2l_detection,
    ("yolov5", "check_anchors.<locals>.metric"): _yolo_metric,
    ("yolov5", "kmean_anchors.<locals>.metric / anchor_fitness"): _yolo_kmean_metric,
    ("yolov5", "kmean_anchors"): _yolo_kmeans,
}
_WITH_KEYS: dict[tuple[str, str], Callable] = {
    ("keras_retinanet", "generate_anchors"): _keras_generate,
    ("d2l", "multibox_prior"): _d2l_prior,
    ("torchvision", "torchvision.ops.nms / batched_nms"): lambda p, i, k: _nms_keys(p, i, k, "torchvision"),
    ("d2l", "nms"): lambda p, i, k: _nms_keys(p, i, k, "d2l"),
}
_WITH_CONTEXT: dict[tuple[str, str], Callable] = {
    ("torchvision", "BoxCoder.encode_single / decode_single / decode"): _torchvision_coder,
    ("detectron2", "Box2BoxTransform.get_deltas / apply_deltas"): _detectron2_coder,
    ("mmdet", "DeltaXYWHBBoxCoder.encode / decode"): _mmdet_coder(coding_presets.MMDET),
    ("mmdet", "DeltaXYWHBBoxCoder.decode"): _mmdet_coder(coding_presets.MMDET),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.encode / decode"): _mmdet_coder(coding_presets.MMDET_V1_LEGACY),
    ("keras_retinanet", "bbox_transform"): _keras_transform,
    ("keras_retinanet", "backend.bbox_transform_inv"): _keras_inverse,
    ("d2l", "offset_boxes"): _d2l_offset_boxes,
    ("d2l", "offset_inverse"): _d2l_offset_inverse,
}


def _function_key(function: str) -> str:
    """'compute_overlap (cython, compiled from ...)' -> 'compute_overlap'; other names as they are."""
    return re.sub(r"\s+\(.*\)$", "", function.strip()) if "(" in function and not function.endswith("(cell_anchors)") else function.strip()


def _resolve(value, common: dict):
    if isinstance(value, str) and value in common:
        return common[value]
    if isinstance(value, dict):
        if set(value) == {"$ref"} and value["$ref"] in common:
            return common[value["$ref"]]
        return {k: _resolve(v, common) for k, v in value.items()}
    return value


def _file_context(data: dict) -> dict:
    """Inputs some cases refer to implicitly: the ENC anchor/GT pairs used by roundtrip_decoded_of_ENC."""
    ctx: dict = {}
    common = data.get("common_inputs") or {}
    for c in data.get("cases", []):
        inp = _resolve(c.get("inputs") or {}, common)
        if not isinstance(inp, dict):
            continue
        if "enc_anchors" in inp and "enc_gts" in inp:
            ctx.setdefault("enc_anchors", inp["enc_anchors"])
            ctx.setdefault("enc_gts", inp["enc_gts"])
        elif "anchors" in inp and ("gt_boxes" in inp or "assigned_bb" in inp) and "Matcher" not in c.get("function", ""):
            ctx.setdefault("enc_anchors", inp["anchors"])
            ctx.setdefault("enc_gts", inp.get("gt_boxes", inp.get("assigned_bb")))
    return ctx


def compute_case(library: str, case: dict, common: dict, ctx: dict) -> dict:
    """Run one case through anchorviz and return its outputs by name."""
    lib = _library_key(library)
    fn = _function_key(case["function"])
    p = _resolve(case.get("params") or {}, common)
    inp = _resolve(case.get("inputs") or {}, common)
    if isinstance(inp, str):
        inp = common.get(inp, {})
    keys = list((case.get("outputs") or {}).keys())
    if (lib, fn) in _PLAIN:
        return _PLAIN[(lib, fn)](p, inp)
    if (lib, fn) in _WITH_KEYS:
        return _WITH_KEYS[(lib, fn)](p, inp, keys)
    if (lib, fn) in _WITH_CONTEXT:
        return _WITH_CONTEXT[(lib, fn)](p, inp, dict(ctx, keys=keys))
    raise CaseError(f"no anchorviz handler for {lib} function {case['function']!r}")


# ---------------------------------------------------------------------------------------------------------
# Comparison

_SUMMARY_KEYS = {"shape", "col_sum", "col_min", "col_max", "sha256_float64_rounded6", "first_rows", "last_rows",
                 "sample_indices", "sample_rows"}


def _rtol_for(path: str) -> float:
    return 1e-5 if ("decod" in path or "roundtrip" in path or "output" in path) else 1e-6


def _compare(ours, gold, path: str, problems: list[str]) -> None:
    if isinstance(gold, dict) and gold and set(gold) <= _SUMMARY_KEYS:
        _compare_summary(np.asarray(ours, np.float64), gold, path, problems)
        return
    if isinstance(gold, dict):
        if not isinstance(ours, dict):
            problems.append(f"{path}: expected a mapping")
            return
        for k, v in gold.items():
            if k not in ours:
                problems.append(f"{path}.{k}: not computed")
            else:
                _compare(ours[k], v, f"{path}.{k}", problems)
        return
    if isinstance(gold, list) and gold and isinstance(gold[0], dict):
        if not isinstance(ours, (list, tuple)) or len(ours) != len(gold):
            problems.append(f"{path}: expected {len(gold)} entries, got {len(ours) if isinstance(ours, (list, tuple)) else type(ours).__name__}")
            return
        for i, (o, g) in enumerate(zip(ours, gold)):
            _compare(o, g, f"{path}[{i}]", problems)
        return
    if isinstance(gold, list) and gold and isinstance(gold[0], list) and _ragged(gold):
        if not isinstance(ours, (list, tuple)) or len(ours) != len(gold):
            problems.append(f"{path}: expected {len(gold)} entries")
            return
        for i, (o, g) in enumerate(zip(ours, gold)):
            _compare(o, g, f"{path}[{i}]", problems)
        return
    if isinstance(gold, str) and gold not in ("nan", "inf", "-inf"):
        if str(ours) != gold:
            problems.append(f"{path}: expected {gold!r}, got {ours!r}")
        return
    g = _arr(gold)
    try:
        o = np.asarray(ours, np.float64)
    except (TypeError, ValueError):
        problems.append(f"{path}: could not read anchorviz's value as numbers")
        return
    if o.shape != g.shape:
        if o.size == g.size and o.size:
            o = o.reshape(g.shape)
        else:
            problems.append(f"{path}: shape {list(o.shape)} instead of {list(g.shape)}")
            return
    if _is_integral(gold):
        bad = ~((o == g) | (np.isnan(o) & np.isnan(g)))
        if bad.any():
            i = np.argwhere(bad)[0]
            problems.append(f"{path}: {int(bad.sum())} of {g.size} values differ, first at {i.tolist()}: "
                            f"anchorviz {o[tuple(i)]:g}, library {g[tuple(i)]:g}")
        return
    rtol = _rtol_for(path)
    finite = np.isfinite(g)
    atol = rtol * max(1.0, float(np.abs(g[finite]).max())) if finite.any() else 0.0
    close = np.isclose(o, g, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        i = np.argwhere(~close)[0]
        problems.append(f"{path}: {int((~close).sum())} of {g.size} values differ beyond rtol {rtol:g}, first at "
                        f"{i.tolist()}: anchorviz {o[tuple(i)]!r}, library {g[tuple(i)]!r}")


def _ragged(gold: list) -> bool:
    try:
        np.asarray(_decode(gold), np.float64)
    except ValueError:
        return True
    return False


def _is_integral(gold) -> bool:
    """True when the golden values are all ints (JSON ints, not floats): labels, indices, counts."""
    if isinstance(gold, bool):
        return True
    if isinstance(gold, int):
        return True
    if isinstance(gold, list):
        return bool(gold) and all(_is_integral(x) for x in gold)
    return False


def _summary_hash(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(np.round(a.astype("<f8"), 6)).tobytes()).hexdigest()


def _compare_summary(a: np.ndarray, gold: dict, path: str, problems: list[str]) -> None:
    a = a.reshape(-1, 4) if a.ndim != 2 else a
    if "shape" in gold and list(a.shape) != list(gold["shape"]):
        problems.append(f"{path}.shape: {list(a.shape)} instead of {gold['shape']}")
        return
    parts = {"col_sum": a.sum(axis=0), "col_min": a.min(axis=0), "col_max": a.max(axis=0)}
    n = len(gold.get("first_rows", []))
    if n:
        parts["first_rows"] = a[:n]
    n = len(gold.get("last_rows", []))
    if n:
        parts["last_rows"] = a[-n:]
    if "sample_rows" in gold:
        parts["sample_rows"] = a[np.asarray(gold.get("sample_indices", []), np.int64)]
    for k, v in parts.items():
        if k in gold:
            _compare(v, gold[k], f"{path}.{k}", problems)
    if "sha256_float64_rounded6" in gold and _summary_hash(a) != gold["sha256_float64_rounded6"]:
        problems.append(f"{path}.sha256_float64_rounded6: the rounded array's hash differs")


# ---------------------------------------------------------------------------------------------------------
# Running


class Outcome:
    """Result of one case: status "pass" | "fail" | "skip" and the reasons."""

    def __init__(self, label: str, status: str, reasons: list[str]):
        self.label, self.status, self.reasons = label, status, reasons


def run_case(library: str, case: dict, common: dict, ctx: dict, label: str) -> Outcome:
    expected = case.get("outputs") or {}
    try:
        ours = compute_case(library, case, common, ctx)
    except Skip as e:
        return Outcome(label, "skip", [str(e)])
    except Exception as e:  # noqa: BLE001 - any failure to compute is reported as a failing case
        return Outcome(label, "fail", [f"anchorviz raised {type(e).__name__}: {e}"])
    problems: list[str] = []
    for key, gold in expected.items():
        if key not in ours:
            problems.append(f"{key}: not computed by anchorviz")
            continue
        _compare(ours[key], gold, key, problems)
    return Outcome(label, "fail" if problems else "pass", problems)


def run_file(path: str | Path) -> list[Outcome]:
    data = json.loads(Path(path).read_text())
    library = data.get("library", "")
    common = data.get("common_inputs") or {}
    ctx = _file_context(data)
    out = []
    for i, case in enumerate(data.get("cases", [])):
        label = f"{Path(path).name}#{i} {case.get('function', '?')}"
        out.append(run_case(library, case, common, ctx, label))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anchorviz.parity", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="golden JSON files in the layout of ../shared/reference/*.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print passing and skipped cases too")
    args = parser.parse_args(argv)
    passed = failed = skipped = 0
    for f in args.files:
        try:
            outcomes = run_file(f)
        except (OSError, json.JSONDecodeError) as e:
            print(f"FAIL {f}: cannot read the file: {e}")
            failed += 1
            continue
        for o in outcomes:
            if o.status == "pass":
                passed += 1
                if args.verbose:
                    print(f"ok   {o.label}")
            elif o.status == "skip":
                skipped += 1
                print(f"SKIP {o.label}: {o.reasons[0]}")
            else:
                failed += 1
                print(f"FAIL {o.label} | " + "; ".join(o.reasons[:4]) + (" ..." if len(o.reasons) > 4 else ""))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
