"""detectron2: ``DefaultAnchorGenerator`` (``generate_cell_anchors``, ``cell_anchors``, ``_grid_anchors``,
``forward``, ``num_cell_anchors`` / ``num_anchors``), ``pairwise_iou``, ``Matcher``, ``subsample_labels`` and
``Box2BoxTransform``, with detectron2's own argument names and defaults."""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.anchors.cells import cell_anchors
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.coding.presets import DETECTRON2
from anchorviz.core.conventions import get_convention
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.sampling.samplers import detectron2_subsample_labels
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.parity.golden import CaseError, as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case, with_spec
from anchorviz.parity.handlers.common import NO_LIMIT, anchor_outputs, argmax_or_zeros, iou_handler, quality

__all__ = ["HANDLERS"]


def _broadcast(params, n: int, what: str) -> list:
    """detectron2's ``_broadcast_params``: a flat list is one setting for every level; a list of one list is
    repeated; otherwise one list per level."""
    if not isinstance(params[0], (list, tuple)):
        return [params] * n
    if len(params) == 1:
        return list(params) * n
    if len(params) != n:
        raise CaseError(f"DefaultAnchorGenerator: {what} has {len(params)} entries for {n} feature maps")
    return list(params)


def _config(p: dict) -> AnchorConfig:
    """``DefaultAnchorGenerator(*, sizes, aspect_ratios, strides, offset=0.5)`` (the class default offset; the
    config default ``MODEL.ANCHOR_GENERATOR.OFFSET`` is 0.0)."""
    strides = p["strides"]
    n = len(strides)
    sizes = _broadcast(p["sizes"], n, "sizes")
    ratios = _broadcast(p.get("aspect_ratios", [[0.5, 1.0, 2.0]]), n, "aspect_ratios")
    levels = tuple(LevelSpec(stride=s, sizes=tuple(z), ratios=tuple(r)) for s, z, r in zip(strides, sizes, ratios))
    return AnchorConfig(convention="detectron2", levels=levels, center_offset=p.get("offset", 0.5),
                        max_anchors=NO_LIMIT)


def _cells(cfg: AnchorConfig) -> list[np.ndarray]:
    return [cell_anchors(cfg, i) for i in range(len(cfg.levels))]


def _described(cfg: AnchorConfig) -> dict:
    cells = _cells(cfg)
    n = [len(c) for c in cells]
    return {"cell_anchors": cells[0] if len(cells) == 1 else cells, "num_cell_anchors": n, "num_anchors": n}


def _forward(p: dict, inp: dict, ctx: dict) -> dict:
    """``forward(features)`` / ``_grid_anchors(grid_sizes)``: one array per feature map, centres at
    (x + offset) * stride, size outer and ratio inner within a location."""
    cfg = _config(p)
    grid = p.get("feature_hw", p.get("grid_sizes"))
    if grid is None or len(grid) != len(cfg.levels):
        raise CaseError(f"DefaultAnchorGenerator: expected {len(cfg.levels)} feature-map sizes (feature_hw)")
    aset = generate_anchors(cfg, (1, 1), feature_hws=tuple(tuple(f) for f in grid))
    out = _described(cfg)
    out.update(anchor_outputs(aset, anchors_per_level=True))
    return out


def _cell_anchors(p: dict, inp: dict, ctx: dict) -> dict:
    return _described(_config(p))


def _generate_cell_anchors(p: dict, inp: dict, ctx: dict) -> dict:
    """``generate_cell_anchors(sizes=(32, 64, 128, 256, 512), aspect_ratios=(0.5, 1, 2))``: one level."""
    lv = LevelSpec(stride=1, sizes=tuple(p.get("sizes", (32, 64, 128, 256, 512))),
                   ratios=tuple(p.get("aspect_ratios", (0.5, 1, 2))))
    cells = cell_anchors(AnchorConfig(convention="detectron2", levels=(lv,)), 0)
    return {"cell_anchors": cells, "anchors": cells}


def _matcher(p: dict, inp: dict, ctx: dict) -> dict:
    """``Matcher(thresholds, labels, allow_low_quality_matches=False)``: matches are always the argmax GT;
    labels by the [low, high) intervals; low-quality ties (0 included) get label 1."""
    gts, anchors = as_boxes(inp["gt_boxes"]), as_boxes(inp["anchors"])
    thresholds = [float(t) for t in p["thresholds"]]
    labels_spec = [int(x) for x in p["labels"]]
    if len(labels_spec) != len(thresholds) + 1:
        raise CaseError("Matcher: expected len(labels) == len(thresholds) + 1")
    q = quality("detectron2", anchors, gts)
    v = q.max_iou.astype(np.float32)
    bounds = [-math.inf] + thresholds + [math.inf]
    match_labels = np.ones(len(v), np.int64)
    for lab, lo, hi in zip(labels_spec, bounds[:-1], bounds[1:]):
        match_labels[(v >= np.float32(lo)) & (v < np.float32(hi))] = lab
    if p.get("allow_low_quality_matches", False) and q.num_gts:
        match_labels[q.tie_mask(0.0)] = 1
    if q.num_gts == 0:
        match_labels[:] = labels_spec[0]
    return {"match_quality_matrix": pairwise_iou(gts, anchors, style=get_convention("detectron2").iou),
            "matches": argmax_or_zeros(q), "match_labels": match_labels}


def _sampler(p: dict, inp: dict, ctx: dict) -> dict:
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    pos, neg = detectron2_subsample_labels(np.asarray(inp["labels"], np.int64), num_samples=int(p["num_samples"]),
                                           positive_fraction=float(p["positive_fraction"]),
                                           bg_label=int(p["bg_label"]), generator=gen)
    return {"num_pos": len(pos), "num_neg": len(neg), "pos_idx": pos, "neg_idx": neg}


def _coder(p: dict, inp: dict, ctx: dict) -> dict:
    """``Box2BoxTransform(weights, scale_clamp=log(1000 / 16))``: get_deltas / apply_deltas."""
    spec = with_spec(DETECTRON2, weights=tuple(p["weights"]), dwh_clamp=p.get("scale_clamp"))
    return coder_case(spec, inp, ctx, encoded_name="deltas")


HANDLERS = {
    ("detectron2", "DefaultAnchorGenerator.forward"): _forward,
    ("detectron2", "DefaultAnchorGenerator._grid_anchors"): _forward,
    ("detectron2", "DefaultAnchorGenerator.cell_anchors"): _cell_anchors,
    ("detectron2", "DefaultAnchorGenerator.__init__"): _cell_anchors,
    ("detectron2", "DefaultAnchorGenerator.num_cell_anchors"): _cell_anchors,
    ("detectron2", "DefaultAnchorGenerator.num_anchors"): _cell_anchors,
    ("detectron2", "DefaultAnchorGenerator.generate_cell_anchors"): _generate_cell_anchors,
    ("detectron2", "structures.pairwise_iou"): iou_handler("detectron2"),
    ("detectron2", "pairwise_iou"): iou_handler("detectron2"),
    ("detectron2", "Matcher.__call__"): _matcher,
    ("detectron2", "sampling.subsample_labels"): _sampler,
    ("detectron2", "subsample_labels"): _sampler,
    ("detectron2", "Box2BoxTransform.get_deltas / apply_deltas"): _coder,
}
