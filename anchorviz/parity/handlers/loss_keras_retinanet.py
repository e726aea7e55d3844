"""Parity handlers for loss_keras_retinanet.json (fizyr/keras-retinanet @ 7ac91dfb).

The loss cases name their y_true as "outputs.labels_batch / regression_batch of the anchor_targets_bbox case":
the handler computes those targets itself with anchorviz (from common_inputs), never reading the other case's
outputs. A y_pred written as "same probabilities as the other focal cases" / "same as above" is taken from the
sibling case that stores the array (``ctx["cases"]``).
"""

from __future__ import annotations

from anchorviz.core.loss import keras_rules as K
from anchorviz.parity.handlers.loss_common import boxes, common_ref, f32, images, input_from_sibling

__all__ = ["HANDLERS"]

LIB = "keras_retinanet"


def _targets(common: dict, num_classes: int, **kw) -> dict:
    return K.anchor_targets_bbox(boxes(common["anchors"]), images(common), num_classes=num_classes,
                                 image_hw=tuple(common["image_hw"]), **kw)


def _pred(inp: dict, ctx: dict, function: str):
    v = inp["y_pred"]
    return f32(v if isinstance(v, list) else input_from_sibling(ctx, function, "y_pred"))


def anchor_targets(p: dict, inp: dict, ctx: dict) -> dict:
    common = ctx["common"]
    t = K.anchor_targets_bbox(boxes(common_ref(inp["anchors"], common)),
                              images({"images": common_ref(inp["annotations"], common)}),
                              num_classes=int(p["num_classes"]), image_hw=tuple(inp["image_hw"]),
                              negative_overlap=float(p["negative_overlap"]),
                              positive_overlap=float(p["positive_overlap"]))
    return dict(t, per_image_gt_annotations=t["per_image"])


def focal(p: dict, inp: dict, ctx: dict) -> dict:
    y_pred = _pred(inp, ctx, "keras_retinanet.losses.focal")
    y_true = f32(inp["y_true"]) if isinstance(inp["y_true"], list) else \
        _targets(ctx["common"], y_pred.shape[-1])["labels_batch"]
    norm, loss = K.focal_loss(y_true, y_pred, alpha=float(p["alpha"]), gamma=float(p["gamma"]),
                              cutoff=float(p.get("cutoff", 0.5)))
    return {"normalizer": norm, "loss": loss}


def smooth_l1(p: dict, inp: dict, ctx: dict) -> dict:
    y_pred = _pred(inp, ctx, "keras_retinanet.losses.smooth_l1")
    y_true = f32(inp["y_true"]) if isinstance(inp["y_true"], list) else \
        _targets(ctx["common"], 1)["regression_batch"]
    norm, loss = K.smooth_l1_loss(y_true, y_pred, sigma=float(p["sigma"]))
    return {"normalizer": norm, "loss": loss}


def all_ignored(p: dict, inp: dict, ctx: dict) -> dict:
    """Both losses with every anchor's state set to -1 and the class columns 0 (the targets of the common inputs
    otherwise); predictions as in the focal and smooth-L1 cases."""
    probs = f32(input_from_sibling(ctx, "keras_retinanet.losses.focal", "y_pred"))
    deltas = f32(input_from_sibling(ctx, "keras_retinanet.losses.smooth_l1", "y_pred"))
    t = _targets(ctx["common"], probs.shape[-1])
    labels, reg = t["labels_batch"].copy(), t["regression_batch"].copy()
    labels[...] = 0
    labels[..., -1] = -1
    reg[..., -1] = -1
    _, f = K.focal_loss(labels, probs, alpha=float(p["alpha"]), gamma=float(p["gamma"]))
    _, s = K.smooth_l1_loss(reg, deltas, sigma=float(p["sigma"]))
    return {"focal": f, "smooth_l1": s}


HANDLERS = {
    (LIB, "keras_retinanet.utils.anchors.anchor_targets_bbox"): anchor_targets,
    (LIB, "keras_retinanet.losses.focal"): focal,
    (LIB, "keras_retinanet.losses.smooth_l1"): smooth_l1,
    (LIB, "keras_retinanet.losses.focal + smooth_l1"): all_ignored,
}
