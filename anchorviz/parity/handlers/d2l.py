"""d2l (``d2l/torch.py``): ``multibox_prior``, ``box_iou``, ``assign_anchor_to_bbox``, ``offset_boxes`` /
``offset_inverse``, ``multibox_target``, ``nms`` and ``multibox_detection``."""

from __future__ import annotations

import re

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.coding.presets import D2L
from anchorviz.core.iou.quality import MatchRequest
from anchorviz.core.nms import nms
from anchorviz.parity.golden import CaseError, as_array, as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case
from anchorviz.parity.handlers.common import NO_LIMIT, iou_handler, nms_outputs, quality

__all__ = ["HANDLERS"]


def _data_hw(p: dict) -> tuple[int, int]:
    """The feature map's (H, W): ``data_hw``, or the last two of ``data_shape`` ((B, C, H, W) as ``data.shape``)."""
    if "data_hw" in p:
        h, w = p["data_hw"]
    elif "data_shape" in p:
        h, w = p["data_shape"][-2:]
    else:
        raise CaseError("multibox_prior: expected data_hw (H, W) or data_shape (B, C, H, W)")
    return int(h), int(w)


def _prior(p: dict, inp: dict, ctx: dict) -> dict:
    """``multibox_prior(data, sizes, ratios)``: (1, H*W*(n+m-1), 4) normalised anchors; ``boxes_Y_X`` outputs
    are the anchors of pixel (Y, X), as the book's ``boxes[Y, X, :, :]``."""
    fh, fw = _data_hw(p)
    lv = LevelSpec(stride=1, sizes=tuple(p["sizes"]), ratios=tuple(p["ratios"]), feature_hw=(fh, fw))
    aset = generate_anchors(AnchorConfig(convention="d2l", levels=(lv,), max_anchors=NO_LIMIT), (1, 1))
    per = aset.levels[0].num_shapes
    out = {"anchors": aset.boxes, "shape": [1, len(aset), 4], "summary": aset.boxes,
           "boxes": aset.boxes.reshape(fh, fw, per, 4)}
    for key in ctx["keys"]:
        m = re.fullmatch(r"boxes_(\d+)_(\d+)", key)
        if m:
            y, x = int(m.group(1)), int(m.group(2))
            if not (y < fh and x < fw):
                raise CaseError(f"{key}: pixel ({y}, {x}) is outside the {fh}x{fw} feature map")
            out[key] = aset.boxes[(y * fw + x) * per:(y * fw + x + 1) * per]
    return out


def _map(anchors, gts, thr: float) -> np.ndarray:
    rule = MaxIoURule(pos_iou=thr, neg_iou=thr, low_quality="greedy", nan_label=Label.NEGATIVE)
    q = quality("d2l", anchors, gts, request=MatchRequest(argmax_from=0.0, ties_from=0.0, argmax_of_ties=True,
                                                          pairs=True))
    res = assign_max_iou(q, rule)
    return np.where(res.labels == Label.POSITIVE, res.matched_gt, -1)


def _assign(p: dict, inp: dict, ctx: dict) -> dict:
    """``assign_anchor_to_bbox(ground_truth, anchors, device, iou_threshold=0.5)``."""
    gts, anchors = as_boxes(inp["ground_truth"]), as_boxes(inp["anchors"])
    return {"anchors_bbox_map": _map(anchors, gts, float(p.get("iou_threshold", 0.5)))}


def _target(p: dict, inp: dict, ctx: dict) -> dict:
    """``multibox_target(anchors, labels)`` for one image: class + 1 (0 background), masked offsets, mask."""
    anchors = as_boxes(inp["anchors"])
    rows = as_array(inp["labels"]).reshape(-1, 5)
    amap = _map(anchors, rows[:, 1:], float(p.get("iou_threshold", 0.5)))
    pos = amap >= 0
    cls = np.zeros(len(anchors), np.int64)
    cls[pos] = rows[amap[pos], 0].astype(np.int64) + 1
    assigned = np.zeros((len(anchors), 4))
    assigned[pos] = rows[amap[pos], 1:]
    offsets = encode(anchors, assigned, D2L)  # background rows encode a zero box, then masked
    mask = np.repeat(pos.astype(np.float64), 4)
    return {"bbox_offset": (offsets.reshape(-1) * mask)[None], "bbox_mask": mask[None], "class_labels": cls[None]}


def _detection(p: dict, inp: dict, ctx: dict) -> dict:
    """``multibox_detection(cls_probs, offset_preds, anchors, nms_threshold=0.5, pos_threshold=0.009999999)``."""
    probs = as_array(inp["cls_probs"])
    if probs.ndim == 3:
        probs = probs[0]
    anchors = as_boxes(inp["anchors"])
    deltas = as_array(inp["offset_preds"]).reshape(-1, 4)
    fg = probs[1:].astype(np.float32)
    conf, cls = fg.max(axis=0), fg.argmax(axis=0).astype(np.int64)
    boxes = decode(anchors, deltas, D2L)
    keep = nms(boxes, conf.astype(np.float64), float(p.get("nms_threshold", 0.5)), rule="d2l")
    rest = np.setdiff1d(np.arange(len(anchors)), keep)
    cls[rest] = -1
    order = np.concatenate([keep, rest])
    cls, conf, boxes = cls[order], conf[order], boxes[order]
    low = conf < np.float32(p.get("pos_threshold", 0.009999999))
    cls[low] = -1
    conf = np.where(low, np.float32(1) - conf, conf)
    return {"output": np.concatenate([cls[:, None], conf[:, None], boxes], axis=1)}


def _offset_boxes(p: dict, inp: dict, ctx: dict) -> dict:
    return {"offsets": encode(as_boxes(inp["anchors"]), as_boxes(inp["assigned_bb"]), D2L)}


def _offset_inverse(p: dict, inp: dict, ctx: dict) -> dict:
    return coder_case(D2L, inp, ctx)


HANDLERS = {
    ("d2l", "multibox_prior"): _prior,
    ("d2l", "box_iou"): iou_handler("d2l"),
    ("d2l", "assign_anchor_to_bbox"): _assign,
    ("d2l", "multibox_target"): _target,
    ("d2l", "multibox_detection"): _detection,
    ("d2l", "offset_boxes"): _offset_boxes,
    ("d2l", "offset_inverse"): _offset_inverse,
    ("d2l", "nms"): lambda p, i, c: nms_outputs(p, i, c, "d2l"),
}
