"""Parity handlers for loss_d2l.json (d2l-en @ 23d7a5ae: multibox_target + the SSD chapter's calc_loss).

The zero-GT case expects an exception; its output ``raises`` is what d2l raises, reproduced from the
D2lEmptyLabelsError that anchorviz raises for the same input.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.loss.d2l_rules import D2lEmptyLabelsError, calc_loss, multibox_target
from anchorviz.parity.handlers.loss_common import boxes, common_ref, f32

__all__ = ["HANDLERS"]

LIB = "d2l"


def calc_loss_case(p: dict, inp: dict, ctx: dict) -> dict:
    anchors = boxes(common_ref(inp["anchors"], ctx["common"]))
    details, _, _ = calc_loss(anchors, np.asarray(inp["labels"], np.float64), f32(inp["cls_preds"]),
                              f32(inp["bbox_preds"]), iou_threshold=float(p.get("iou_threshold", 0.5)))
    return details


def multibox_target_case(p: dict, inp: dict, ctx: dict) -> dict:
    anchors = boxes(common_ref(inp["anchors"], ctx["common"]))
    labels = np.zeros(tuple(inp["labels_shape"])) if "labels_shape" in inp else np.asarray(inp["labels"])
    try:
        out = multibox_target(anchors, labels, iou_threshold=float(p.get("iou_threshold", 0.5)))
    except D2lEmptyLabelsError as e:
        return {"raises": e.library_error}
    return {k: out[k] for k in ("class_labels", "bbox_mask", "bbox_offset")}


HANDLERS = {
    (LIB, "d2l calc_loss (ssd.md) + d2l.multibox_target"): calc_loss_case,
    (LIB, "d2l.multibox_target"): multibox_target_case,
}
