"""torchvision: ``AnchorGenerator`` (every public entry point), ``box_iou``, ``Matcher``, the balanced sampler,
``BoxCoder`` and NMS, with torchvision's own argument names and defaults."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.cells import cell_anchors
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.coding.presets import TORCHVISION_RPN
from anchorviz.core.conventions import get_convention
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.sampling.samplers import torchvision_sample
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.parity.golden import CaseError, as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case, with_spec
from anchorviz.parity.handlers.common import NO_LIMIT, anchor_outputs, iou_handler, nms_outputs, quality

__all__ = ["HANDLERS"]

_DEFAULT_SIZES = ((128, 256, 512),)
_DEFAULT_RATIOS = ((0.5, 1.0, 2.0),)


def _levels(p: dict) -> list[LevelSpec]:
    """``AnchorGenerator(sizes, aspect_ratios)``'s levels, with its broadcasting: a flat ``sizes`` is one size per
    level; a flat ``aspect_ratios`` is shared by every level."""
    sizes = p.get("sizes", _DEFAULT_SIZES)
    ratios = p.get("aspect_ratios", _DEFAULT_RATIOS)
    if not isinstance(sizes[0], (list, tuple)):
        sizes = [[s] for s in sizes]
    if not isinstance(ratios[0], (list, tuple)):
        ratios = [ratios] * len(sizes)
    if len(sizes) != len(ratios):
        raise CaseError(f"AnchorGenerator: {len(sizes)} size groups but {len(ratios)} aspect-ratio groups")
    return [LevelSpec(stride=1, sizes=tuple(s), ratios=tuple(r)) for s, r in zip(sizes, ratios)]


def _config(levels) -> AnchorConfig:
    return AnchorConfig(convention="torchvision", levels=tuple(levels), max_anchors=NO_LIMIT)


def _cells(p: dict) -> list[np.ndarray]:
    cfg = _config(_levels(p))
    return [cell_anchors(cfg, i) for i in range(len(cfg.levels))]


def _forward(p: dict, inp: dict, ctx: dict) -> dict:
    """``forward(image_list, feature_maps)``: strides = padded image size // feature size, anchors concatenated."""
    levels = _levels(p)
    feats = tuple(tuple(f) for f in p["feature_hw"])
    aset = generate_anchors(_config(levels), tuple(p["image_hw"]), feature_hws=feats)
    strides = [list(g.stride_hw) for g in aset.levels]
    return anchor_outputs(aset, extra={"strides_hw": strides, "strides": strides, "grid_sizes": [list(f) for f in feats],
                                       "num_anchors_per_location": [g.num_shapes for g in aset.levels]})


def _grid_anchors(p: dict, inp: dict, ctx: dict) -> dict:
    """``grid_anchors(grid_sizes, strides)``: one array per level, with the strides given (stride_h, stride_w)."""
    levels = _levels(p)
    grids, strides = p["grid_sizes"], p["strides"]
    if not len(grids) == len(strides) == len(levels):
        raise CaseError(f"grid_anchors: {len(levels)} levels, {len(grids)} grid sizes, {len(strides)} strides")
    per = []
    for lv, (fh, fw), (sh, sw) in zip(levels, grids, strides):
        # torchvision's stride is image // grid: an image of exactly grid * stride gives back the stride given
        aset = generate_anchors(_config([lv]), (int(fh) * int(sh), int(fw) * int(sw)), feature_hws=((fh, fw),))
        per.append(aset.boxes)
    return {"anchors": per, "levels": per, "cell_anchors": _cells(p)}


def _generate_anchors(p: dict, inp: dict, ctx: dict) -> dict:
    """``generate_anchors(scales, aspect_ratios)``: one level's cell anchors, rounded half-to-even."""
    cells = cell_anchors(_config([LevelSpec(stride=1, sizes=tuple(p["scales"]), ratios=tuple(p.get(
        "aspect_ratios", (0.5, 1.0, 2.0))))]), 0)
    return {"cell_anchors": cells, "base_anchors": cells, "anchors": cells}


def _cell_anchors_init(p: dict, inp: dict, ctx: dict) -> dict:
    """``AnchorGenerator.__init__``'s ``cell_anchors`` for every ``*sizes`` parameter of the case (e.g.
    ``fasterrcnn_sizes`` -> ``fasterrcnn_cell_anchors``), each with the case's ``aspect_ratios``."""
    out = {"cell_anchors": _cells(p) if "sizes" in p else None}
    for key, sizes in p.items():
        if key.endswith("sizes") and key != "sizes":
            out[key[: -len("sizes")] + "cell_anchors"] = _cells(dict(p, sizes=sizes))
    if out["cell_anchors"] is None:
        del out["cell_anchors"]
    return out


def _num_anchors_per_location(p: dict, inp: dict, ctx: dict) -> dict:
    n = [len(lv.sizes) * len(lv.ratios) for lv in _levels(p)]
    return {"num_anchors_per_location": n, "cell_anchors": _cells(p)}


def _matcher(p: dict, inp: dict, ctx: dict) -> dict:
    """``Matcher(high_threshold, low_threshold, allow_low_quality_matches=False)(match_quality_matrix)``:
    -1 below low, -2 between, else the argmax GT; low-quality ties keep their own argmax."""
    gts, anchors = as_boxes(inp["gt_boxes"]), as_boxes(inp["anchors"])
    low, high = float(p["low_threshold"]), float(p["high_threshold"])
    rule = MaxIoURule(pos_iou=high, neg_iou=low, nan_label=Label.POSITIVE,
                      low_quality="argmax" if p.get("allow_low_quality_matches", False) else "none")
    q = quality("torchvision", anchors, gts)
    res = assign_max_iou(q, rule)
    matches = np.where(res.labels == Label.POSITIVE, res.matched_gt, 0)
    v = q.max_iou.astype(np.float32)
    matches[res.labels == Label.NEGATIVE] = -1  # BELOW_LOW_THRESHOLD
    matches[(res.labels == Label.IGNORED) & (v >= np.float32(low))] = -2  # BETWEEN_THRESHOLDS
    return {"match_quality_matrix": pairwise_iou(gts, anchors, style=get_convention("torchvision").iou),
            "matches": matches}


def _sampler(p: dict, inp: dict, ctx: dict) -> dict:
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    pos, neg = torchvision_sample(np.asarray(inp["labels"], np.int64), batch_size_per_image=int(p["batch_size_per_image"]),
                                  positive_fraction=float(p["positive_fraction"]), generator=gen)
    return {"num_pos": int(pos.sum()), "num_neg": int(neg.sum()), "pos_mask": pos.astype(np.int64),
            "neg_mask": neg.astype(np.int64)}


def _coder(p: dict, inp: dict, ctx: dict) -> dict:
    """``BoxCoder(weights, bbox_xform_clip=log(1000 / 16))``."""
    spec = with_spec(TORCHVISION_RPN, weights=tuple(p.get("weights", (1.0, 1.0, 1.0, 1.0))),
                     dwh_clamp=p.get("bbox_xform_clip"))
    return coder_case(spec, inp, ctx)


HANDLERS = {
    ("torchvision", "AnchorGenerator.forward"): _forward,
    ("torchvision", "AnchorGenerator.grid_anchors"): _grid_anchors,
    ("torchvision", "AnchorGenerator.generate_anchors"): _generate_anchors,
    ("torchvision", "AnchorGenerator.__init__ (cell_anchors)"): _cell_anchors_init,
    ("torchvision", "AnchorGenerator.__init__"): _cell_anchors_init,
    ("torchvision", "AnchorGenerator.set_cell_anchors"): _cell_anchors_init,
    ("torchvision", "AnchorGenerator.num_anchors_per_location"): _num_anchors_per_location,
    ("torchvision", "torchvision.ops.box_iou"): iou_handler("torchvision"),
    ("torchvision", "box_iou"): iou_handler("torchvision"),
    ("torchvision", "Matcher.__call__"): _matcher,
    ("torchvision", "BalancedPositiveNegativeSampler.__call__"): _sampler,
    ("torchvision", "BoxCoder.encode_single / decode_single / decode"): _coder,
    ("torchvision", "torchvision.ops.nms / batched_nms"): lambda p, i, c: nms_outputs(p, i, c, "torchvision"),
}
