"""Parity handlers for loss_detectron2.json (detectron2 @ 02b5c4e2 with fvcore 0.1.5).

The RetinaNet case runs ``RetinaNet.losses`` several times on one model: its inputs list the images of each call,
and each call's predictions are stored beside its results under ``outputs.calls[i]`` (pred_logits,
pred_anchor_deltas and their rng records). The handler reads those prediction arrays from ``ctx["case"]`` -- they
are inputs of the loss -- echoes them, and computes everything else, carrying the EMA state from call to call.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from anchorviz.core.loss import detectron2_rules as D2
from anchorviz.core.loss.rules import EmaNormaliser
from anchorviz.core.loss.specs import LOSS_SPECS
from anchorviz.parity.handlers.loss_common import boxes, common_ref, f32, images

__all__ = ["HANDLERS"]

LIB = "detectron2"


def _loss_weights(p: dict, cls_key: str, box_key: str) -> dict:
    w = p.get("loss_weight", 1.0)
    if isinstance(w, dict):
        return {"lambda_cls": float(w.get(cls_key, 1.0)), "lambda_box": float(w.get(box_key, 1.0))}
    return {"lambda_cls": float(w), "lambda_box": float(w)}


def rpn_losses(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    m = p["matcher"]
    spec = dataclasses.replace(LOSS_SPECS["detectron2/rpn"], box_loss=p.get("box_reg_loss_type", "smooth_l1"),
                               beta=float(p.get("smooth_l1_beta", 0.0)),
                               **_loss_weights(p, "loss_rpn_cls", "loss_rpn_loc"))
    gts = [b for b, _ in images({"images": common_ref(inp["gt"], common)})]
    details, _, terms = D2.rpn_loss(boxes(common_ref(inp["anchors"], common)), gts, f32(inp["pred_objectness_logits"]),
                                    f32(inp["pred_anchor_deltas"]), spec=spec, thresholds=tuple(m["thresholds"]),
                                    low_quality=bool(m.get("allow_low_quality_matches", True)),
                                    batch_size_per_image=int(p["batch_size_per_image"]),
                                    positive_fraction=float(p["positive_fraction"]),
                                    seed=int(p.get("torch_manual_seed_before_sampling", 0)),
                                    weights=p.get("box2box_weights", (1, 1, 1, 1)))
    return dict(details, loss_rpn_cls=terms.cls, loss_rpn_loc=terms.box)


def retinanet_losses(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    anchors = boxes(common_ref(inp["anchors"], common))
    gts = images({"images": common_ref(inp["gt"], common)})
    k = int(p["num_classes"])
    spec = dataclasses.replace(LOSS_SPECS["detectron2/retinanet"], alpha=float(p["focal_loss_alpha"]),
                               gamma=float(p["focal_loss_gamma"]), beta=float(p["smooth_l1_beta"]),
                               box_loss=p.get("box_reg_loss_type", "smooth_l1"))
    ema = EmaNormaliser(initial=float(p.get("ema_initial", 100)), momentum=float(p.get("ema_momentum", 0.9)))
    stored = ctx["case"]["outputs"]["calls"]
    calls = []
    for i, image_ids in enumerate(inp["calls"]):
        pred = stored[i]
        details, _, terms = D2.retinanet_loss(anchors, [gts[j] for j in image_ids], f32(pred["pred_logits"]),
                                              f32(pred["pred_anchor_deltas"]), spec=spec, num_classes=k, ema=ema)
        before = f"unset (initial {ema.initial:g})" if ema.value is None else ema.value
        calls.append({"images": list(image_ids), "pred_logits": pred["pred_logits"],
                      "pred_logits_rng": pred["pred_logits_rng"], "pred_anchor_deltas": pred["pred_anchor_deltas"],
                      "pred_anchor_deltas_rng": pred["pred_anchor_deltas_rng"], "gt_labels": details["gt_labels"],
                      "num_pos_anchors": details["num_pos_anchors"], "num_valid": details["num_valid"],
                      "loss_normalizer_before": before, "loss_normalizer_after": terms.ema.value,
                      "loss_cls": terms.cls, "loss_box_reg": terms.box})
        ema = terms.ema
    return {"calls": calls}


def fastrcnn_losses(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    k = int(p["num_classes"])
    gts = images({"images": common_ref(inp["gt"], common)})
    props = boxes(common_ref(inp["proposals"], common))
    samples = D2.roi_label_and_sample([props] * len(gts), gts, num_classes=k,
                                      batch_size_per_image=int(p["batch_size_per_image"]),
                                      positive_fraction=float(p["positive_fraction"]),
                                      seed=int(p.get("torch_manual_seed_before_sampling", 0)))
    spec = dataclasses.replace(LOSS_SPECS["detectron2/roi"], beta=float(p.get("smooth_l1_beta", 0.0)),
                               **_loss_weights(p, "loss_cls", "loss_box_reg"))
    _, terms = D2.fastrcnn_loss(samples, f32(inp["scores"]), f32(inp["proposal_deltas"]), num_classes=k, spec=spec,
                                use_sigmoid_ce=bool(p.get("use_sigmoid_ce", False)),
                                weights=p.get("box2box_weights", (10, 10, 5, 5)))
    return {"sampled_proposal_boxes": [s["proposals"] for s in samples],
            "gt_classes": np.concatenate([s["gt_classes"] for s in samples]), "loss_cls": terms.cls,
            "loss_box_reg": terms.box}


HANDLERS = {
    (LIB, "detectron2.modeling.proposal_generator.rpn.RPN.losses"): rpn_losses,
    (LIB, "detectron2.modeling.meta_arch.retinanet.RetinaNet.losses"): retinanet_losses,
    (LIB, "detectron2.modeling.roi_heads.fast_rcnn.FastRCNNOutputLayers.losses"): fastrcnn_losses,
}
