"""Parity handlers for loss_mmdet.json (mmdetection 3.3.0 loss modules and anchor heads).

Loss-module cases list several reductions of one loss as outputs; which reduction each output is comes from its
name (``_loss_common.reduce_keys``): "none", "mean", "sum", "..._avg_factor_K", "weight" when the case's weight is
applied, "ignore_index_K_avg_non_ignore". ``weight_reduce_loss`` applies its weight to every output.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.loss import mmdet_losses as M
from anchorviz.core.loss.mmdet_rules import anchor_head_loss
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.parity.handlers.loss_common import common_ref, f32, images, input_from_sibling, reduce_keys

__all__ = ["HANDLERS"]

LIB = "mmdet"


def _module_case(fn, ctx: dict, *, always_weighted: bool = False, **fixed):
    out = {}
    for key, r in reduce_keys(ctx["keys"]).items():
        kw = dict(fixed)
        if r.get("avg_non_ignore"):
            kw.update(ignore_index=r["ignore_index"], avg_non_ignore=True)
        weighted = r["weighted"] or always_weighted
        try:
            out[key] = fn(weighted, reduction=r["reduction"], avg_factor=r["avg_factor"], **kw)
        except AnchorVizInputError:
            out[key] = "ValueError"  # mmdet raises ValueError for reduction='sum' with an avg_factor
    return out


def focal_loss(p: dict, inp: dict, ctx: dict) -> dict:
    pred, labels, w = f32(inp["pred"]), np.asarray(inp["labels"], np.int64), f32(inp["weight"])
    return _module_case(lambda wt, **kw: M.focal_loss(pred, labels, w if wt else None, alpha=float(p["alpha"]),
                                                      gamma=float(p["gamma"]), loss_weight=float(p["loss_weight"]), **kw),
                        ctx)


def ce_softmax(p: dict, inp: dict, ctx: dict) -> dict:
    pred, labels, w = f32(inp["pred"]), np.asarray(inp["labels"], np.int64), f32(inp["weight"])
    return _module_case(lambda wt, **kw: M.cross_entropy_loss(pred, labels, w if wt else None,
                                                              loss_weight=float(p["loss_weight"]), **kw), ctx)


def ce_sigmoid(p: dict, inp: dict, ctx: dict) -> dict:
    pred = inp["pred"] if isinstance(inp["pred"], list) else input_from_sibling(ctx, "mmdet.models.losses.FocalLoss",
                                                                                "pred")
    pred, labels, w = f32(pred), np.asarray(inp["labels"], np.int64), f32(inp["weight"])
    return _module_case(lambda wt, **kw: M.binary_cross_entropy_loss(pred, labels, w if wt else None,
                                                                     loss_weight=float(p["loss_weight"]), **kw), ctx)


def _box_case(fn, p: dict, inp: dict, ctx: dict, **fixed) -> dict:
    pred, target, w = f32(inp["pred"]), f32(inp["target"]), f32(inp["weight"])
    return _module_case(lambda wt, **kw: fn(pred, target, w if wt else None, loss_weight=float(p["loss_weight"]),
                                            **fixed, **kw), ctx)


def smooth_l1(p: dict, inp: dict, ctx: dict) -> dict:
    return _box_case(M.smooth_l1_loss, p, inp, ctx, beta=float(p["beta"]))


def l1(p: dict, inp: dict, ctx: dict) -> dict:
    return _box_case(M.l1_loss, p, inp, ctx)


def giou(p: dict, inp: dict, ctx: dict) -> dict:
    return _box_case(M.giou_loss, p, inp, ctx, eps=float(p.get("eps", 1e-6)))


def weight_reduce(p: dict, inp: dict, ctx: dict) -> dict:
    loss, w = f32(inp["loss"]), f32(inp["weight"])
    return _module_case(lambda wt, **kw: M.weight_reduce_loss(loss, w, kw["reduction"], kw["avg_factor"]), ctx,
                        always_weighted=True)


def _head(rpn: bool):
    """AnchorHead / RPNHead.loss_by_feat.

    RPN: the golden's targets (labels, label_weights, ...) were recorded with every GT label set to 0, as mmdet's
    detector passes them, but its ``loss_rpn_cls`` comes from ``RPNHead.loss_by_feat`` called with the images' own
    labels (0, 1, 2): zeroed labels give 1.1120, the golden's 1.2588 is reproduced to 1e-8 only with the labels as
    given (loss_by_feat does not zero them; labels >= 1 become background rows of the objectness BCE). Both calls
    are reproduced, each with its own labels; the box loss and avg_factor are the same either way.
    """
    def run(p: dict, inp: dict, ctx: dict) -> dict:
        gts = images({"images": common_ref(inp["gt"], ctx["common"])})
        args = (p["config"], gts, f32(inp["cls_scores_level0"]), f32(inp["bbox_preds_level0"]))
        seed = int(p.get("torch_manual_seed", 0))
        out, _, terms = anchor_head_loss(*args, seed=seed, rpn=rpn)
        if rpn:
            _, _, terms = anchor_head_loss(*args, seed=seed, rpn=True, zero_rpn_labels=False)
        prefix = "loss_rpn_" if rpn else "loss_"
        return {"anchors_image0": out["anchors"], "labels": out["labels"], "label_weights": out["label_weights"],
                "bbox_targets": out["bbox_targets"], "bbox_weights": out["bbox_weights"],
                "avg_factor": out["avg_factor"], prefix + "cls": terms.cls, prefix + "bbox": terms.box}
    return run


HANDLERS = {
    (LIB, "mmdet.models.losses.FocalLoss.forward"): focal_loss,
    (LIB, "mmdet.models.losses.CrossEntropyLoss.forward (use_sigmoid=False)"): ce_softmax,
    (LIB, "mmdet.models.losses.CrossEntropyLoss.forward (use_sigmoid=True)"): ce_sigmoid,
    (LIB, "mmdet.models.losses.SmoothL1Loss.forward"): smooth_l1,
    (LIB, "mmdet.models.losses.L1Loss.forward"): l1,
    (LIB, "mmdet.models.losses.GIoULoss.forward"): giou,
    (LIB, "mmdet.models.losses.utils.weight_reduce_loss"): weight_reduce,
    (LIB, "mmdet.models.dense_heads.AnchorHead.loss_by_feat"): _head(False),
    (LIB, "mmdet.models.dense_heads.RPNHead.loss_by_feat"): _head(True),
}
