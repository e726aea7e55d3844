"""Pieces the library handlers share: per-level parameters, the outputs of an anchor generator, and the match
quality a Matcher-like function computes. Not a handler module itself (it registers nothing)."""

from __future__ import annotations

import re

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.conventions import get_convention
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.iou.quality import FULL_REQUEST, MatchQuality, MatchRequest, dense_match_quality
from anchorviz.core.nms import batched_nms, nms
from anchorviz.parity.golden import CaseError, as_array, as_boxes

__all__ = ["per_level", "is_list_of_lists", "anchor_outputs", "single_or_list", "quality", "iou_handler",
           "nms_outputs", "as_int_list", "argmax_or_zeros", "NO_LIMIT"]

NO_LIMIT = 10**9  # parity cases may generate more anchors than the app allows on screen


def is_list_of_lists(v) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and isinstance(v[0], (list, tuple))


def per_level(value, n: int, what: str = "value") -> list:
    """A per-level parameter given once for all levels ([[0.5, 1, 2]]) or once per level."""
    if value is None:
        return [None] * n
    if len(value) == 1 and n > 1:
        return [value[0]] * n
    if len(value) != n:
        raise CaseError(f"{what}: expected {n} per-level values, got {len(value)}")
    return list(value)


def single_or_list(items: list):
    """A library returns one array per level; goldens of a single level often store just that array."""
    return items[0] if len(items) == 1 else items


def anchor_outputs(aset: AnchorSet, *, cells_key: str = "cell_anchors", anchors_per_level: bool = False,
                   extra: dict | None = None) -> dict:
    """Outputs of an anchor generator under the names goldens use. ``anchors_per_level``: the library returns
    one array per level (mmdet grid_priors, detectron2 forward) rather than one concatenated array
    (torchvision, keras, d2l)."""
    cells = [g.cells for g in aset.levels]
    per = [aset.boxes[g.start:g.stop] for g in aset.levels]
    out = {
        cells_key: single_or_list(cells),
        "anchors": single_or_list(per) if anchors_per_level else aset.boxes,
        "total": len(aset),
        "levels": per,
        "level_shapes": [list(g.feat_hw) for g in aset.levels],
        "summary": aset.boxes,
        "summary_all": aset.boxes,
    }
    out.update(extra or {})
    return out


def quality(style_name: str, anchors, gts, *, request: MatchRequest = FULL_REQUEST, valid=None) -> MatchQuality:
    """The dense match quality in a library's IoU arithmetic (goldens hold a few boxes: the whole matrix)."""
    return dense_match_quality(anchors, gts, style=get_convention(style_name).iou, request=request, valid=valid)


def as_int_list(v, what: str) -> list[int]:
    try:
        return [int(x) for x in v]
    except (TypeError, ValueError):
        raise CaseError(f"{what}: expected integers, got {v!r}") from None


def argmax_or_zeros(q: MatchQuality) -> np.ndarray:
    """Every anchor's best GT, 0 without GTs (what torch's argmax over an empty dimension is replaced by)."""
    return q.argmax_gt if q.num_gts else np.zeros(q.num_anchors, np.int64)


def iou_handler(style: str, first: str = "boxes1", second: str = "boxes2", key: str = "iou"):
    """A pairwise-IoU function of one library: ``key`` = IoU of ``inputs[first]`` x ``inputs[second]``."""
    def run(p: dict, inp: dict, ctx: dict) -> dict:
        return {key: pairwise_iou(as_boxes(inp[first]), as_boxes(inp[second]), style=get_convention(style).iou)}

    return run


def nms_outputs(p: dict, inp: dict, ctx: dict, rule: str) -> dict:
    """``keep`` at ``params.iou_threshold``, and ``[batched_]nms_keep_thrT`` for every threshold T the case names."""
    boxes, scores = as_boxes(inp["boxes"]), as_array(inp["scores"])
    out = {}
    for key in ctx["keys"]:
        m = re.fullmatch(r"(batched_)?nms_keep_thr([0-9.]+)", key)
        if m:
            thr = float(m.group(2))
            if m.group(1):
                out[key] = batched_nms(boxes, scores, np.asarray(inp["idxs"], np.int64), thr)
            else:
                out[key] = nms(boxes, scores, thr, rule=rule)
    if "iou_threshold" in p:
        out["keep"] = nms(boxes, scores, float(p["iou_threshold"]), rule=rule)
    return out
