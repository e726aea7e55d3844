"""Parity handlers for loss_torchvision.json (torchvision 0.29.1 losses).

Each handler reads params and inputs (inputs written as "common_inputs.<key>[slice] ..." are read from
common_inputs), computes with anchorviz.core.loss and returns every output the golden lists.

The FCOS case needs the point matching of the modern-assigners issue (#14): its handler imports
``fcos_match_torchvision`` lazily from ``anchorviz.core.assigners.fcos``; until that module exists (it is written
by another branch) the case fails with ModuleNotFoundError, and it is wired at merge.
"""

from __future__ import annotations

import re

import numpy as np

from anchorviz.core.loss import elementwise as E
from anchorviz.core.loss import torchvision_rules as TV
from anchorviz.core.loss.fcos import fcos_loss
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.presets import TORCHVISION_ROI, TORCHVISION_RPN
from anchorviz.core.assigners.fcos import fcos_match_torchvision
from anchorviz.parity.handlers.loss_common import boxes, common_ref, f32

__all__ = ["HANDLERS"]

LIB = "torchvision"


def _targets(value, common: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """torchvision targets: boxes and the labels as written (torchvision uses them as class columns).
    "with labels-K" in the input's description means the case passed labels minus K."""
    shift = 0
    m = re.search(r"labels\s*-\s*(\d+)", value) if isinstance(value, str) else None
    if m:
        shift = int(m.group(1))
    out = []
    for im in common_ref(value, common):
        out.append((boxes(im["boxes"]), np.asarray(im["labels"], np.int64) - shift))
    return out


def _coder(base: CoderSpec, weights) -> CoderSpec:
    import dataclasses

    return dataclasses.replace(base, weights=tuple(float(w) for w in weights)) if weights is not None else base


def sigmoid_focal_loss(p: dict, inp: dict, ctx: dict) -> dict:
    loss = E.sigmoid_focal(f32(inp["logits"]), f32(inp["targets"]), alpha=float(p["alpha"]), gamma=float(p["gamma"]))
    return {"none": loss, "mean": loss.mean(dtype=np.float32), "sum": loss.sum(dtype=np.float32)}


def retinanet_compute_loss(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    anchors = boxes(common_ref(inp["anchors"], common))
    targets = _targets(inp["targets"], common)
    spec = TV.with_spec("torchvision/retinanet", box_loss=p.get("box_loss_type", "l1"))
    high, low, lq = p.get("matcher", (0.5, 0.4, True))
    details, _, terms = TV.retinanet_loss(anchors, targets, f32(inp["cls_logits"]), f32(inp["bbox_regression"]),
                                          spec=spec, matcher=(float(high), float(low), bool(lq)),
                                          coder=_coder(TORCHVISION_RPN, p.get("box_coder_weights")))
    return {"per_image": details, "classification": terms.cls, "bbox_regression": terms.box}


def rpn_compute_loss(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    anchors = boxes(common_ref(inp["anchors"], common))
    targets = [b for b, _ in _targets(inp["targets"], common)]
    details, _, terms = TV.rpn_loss(anchors, targets, f32(inp["objectness"]), f32(inp["pred_bbox_deltas"]),
                                    fg_iou=float(p["fg_iou_thresh"]), bg_iou=float(p["bg_iou_thresh"]),
                                    batch_size_per_image=int(p["batch_size_per_image"]),
                                    positive_fraction=float(p["positive_fraction"]),
                                    seed=int(p.get("torch_manual_seed_before_sampler", 0)),
                                    coder=_coder(TORCHVISION_RPN, p.get("box_coder_weights")))
    return dict(details, objectness_loss=terms.cls, box_loss=terms.box)


def fastrcnn_loss(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    targets = _targets(inp["targets"], common)
    props = boxes(common_ref(inp["proposals"], common))
    samples = TV.roi_training_samples([props] * len(targets), targets, fg_iou=float(p["fg_iou_thresh"]),
                                      bg_iou=float(p["bg_iou_thresh"]),
                                      batch_size_per_image=int(p["batch_size_per_image"]),
                                      positive_fraction=float(p["positive_fraction"]),
                                      seed=int(p.get("torch_manual_seed_before_sampler", 0)))
    coder = _coder(TORCHVISION_ROI, p.get("bbox_reg_weights"))
    reg, _, terms = TV.fastrcnn_loss(samples, f32(inp["class_logits"]), f32(inp["box_regression"]), coder=coder)
    sizes = np.cumsum([len(s["labels"]) for s in samples])[:-1]
    return {"sampled_proposals": [s["proposals"] for s in samples],
            "matched_idxs": [s["matched_idxs"] for s in samples], "labels": [s["labels"] for s in samples],
            "regression_targets": np.split(reg, sizes), "classification_loss": terms.cls, "box_loss": terms.box}


def fcos_compute_loss(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    anchors = boxes(common_ref(inp["anchors"], common))
    targets = _targets(inp["targets"], common)
    points, sizes = (anchors[:, :2] + anchors[:, 2:]) / 2, anchors[:, 2] - anchors[:, 0]
    matched = [fcos_match_torchvision(points, sizes, list(p["num_anchors_per_level"]), b,
                                      center_sampling_radius=float(p["center_sampling_radius"])).matched_idxs
               for b, _ in targets]
    _, _, terms = fcos_loss(anchors, targets, matched, f32(inp["cls_logits"]), f32(inp["bbox_regression"]),
                            f32(inp["bbox_ctrness"]))
    return {k: terms[k] for k in ("classification", "bbox_regression", "bbox_ctrness")}


HANDLERS = {
    (LIB, "torchvision.ops.sigmoid_focal_loss"): sigmoid_focal_loss,
    (LIB, "torchvision.models.detection.retinanet.RetinaNet.compute_loss"): retinanet_compute_loss,
    (LIB, "torchvision.models.detection.rpn.RegionProposalNetwork.compute_loss"): rpn_compute_loss,
    (LIB, "torchvision.models.detection.roi_heads.fastrcnn_loss"): fastrcnn_loss,
    (LIB, "torchvision.models.detection.fcos.FCOS.compute_loss"): fcos_compute_loss,
}
