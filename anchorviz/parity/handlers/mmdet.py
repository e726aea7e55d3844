"""mmdetection 3.x (and the v1 +1 world): the anchor generators ``AnchorGenerator``, ``LegacyAnchorGenerator``
(mmdet v1) and ``SSDAnchorGenerator`` with every public entry point (``base_anchors``, ``gen_base_anchors``,
``gen_single_level_base_anchors``, ``grid_priors`` / ``grid_anchors``, ``single_level_grid_priors`` /
``single_level_grid_anchors``, ``sparse_priors``, ``valid_flags``, ``single_level_valid_flags``, and the
``num_base_priors`` / ``num_base_anchors`` / ``num_levels`` properties) with the constructors' own argument names
and defaults (mmdet/models/task_modules/prior_generators/anchor_generator.py); ``bbox_overlaps``,
``MaxIoUAssigner``, ``DeltaXYWHBBoxCoder`` / ``LegacyDeltaXYWHBBoxCoder`` and ``RandomSampler``.
"""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.anchors.cells import cell_anchors, num_cell_anchors
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou
from anchorviz.core.coding.presets import MMDET, MMDET_V1_LEGACY
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.conventions import get_convention
from anchorviz.core.iou.pairwise import pairwise_giou, pairwise_iof, pairwise_iou
from anchorviz.core.presets import ssd_levels
from anchorviz.core.sampling.samplers import mmdet_random_sample
from anchorviz.core.sampling.torch_rng import TorchCPUGenerator
from anchorviz.parity.golden import CaseError, as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case, with_spec
from anchorviz.parity.handlers.common import (NO_LIMIT, anchor_outputs, as_int_list, is_list_of_lists, quality,
                                              single_or_list)

__all__ = ["HANDLERS"]

_CONVENTION = {"AnchorGenerator": "mmdet", "LegacyAnchorGenerator": "mmdet_v1", "SSDAnchorGenerator": "mmdet_ssd"}


def _pair(s) -> float | tuple[float, float]:
    """mmdet's ``_pair``: a stride is a number or (stride_w, stride_h)."""
    return tuple(s) if isinstance(s, (list, tuple)) else s


def _scales(p: dict) -> tuple[float, ...]:
    """``scales`` XOR ``octave_base_scale`` + ``scales_per_octave`` (the constructor's assert). A case that gives
    neither, nor ``ratios`` (the goldens' ``valid_flags`` cases, whose output does not depend on the anchor
    shapes), means one anchor per location: scales [1]."""
    has_scales = p.get("scales") is not None
    has_octave = p.get("octave_base_scale") is not None and p.get("scales_per_octave") is not None
    if not has_scales and not has_octave and p.get("ratios") is None:
        return (1.0,)
    if has_scales == has_octave:
        raise CaseError("AnchorGenerator: expected either scales or octave_base_scale with scales_per_octave")
    if has_scales:
        return tuple(float(s) for s in p["scales"])
    n = int(p["scales_per_octave"])
    # np.array([2**(i / scales_per_octave) ...]) * octave_base_scale, as mmdet computes it
    return tuple(float(v) for v in np.array([2 ** (i / n) for i in range(n)]) * p["octave_base_scale"])


def _anchor_generator(p: dict, cls: str) -> AnchorConfig:
    """``AnchorGenerator`` / ``LegacyAnchorGenerator(strides, ratios, scales=None, base_sizes=None,
    scale_major=True, octave_base_scale=None, scales_per_octave=None, centers=None, center_offset=0.,
    use_box_type=False)``. ``use_box_type`` only wraps the same numbers in a box class."""
    strides = [_pair(s) for s in p["strides"]]
    n = len(strides)
    offset = float(p.get("center_offset", 0.0))  # both classes default to 0; v1 configs pass 0.5
    centers = p.get("centers")
    if offset != 0 and centers is not None:
        raise CaseError("AnchorGenerator: centers cannot be set when center_offset != 0")
    if centers is not None and len(centers) != n:
        raise CaseError(f"AnchorGenerator: {n} strides but {len(centers)} centers")
    base_sizes = p.get("base_sizes")
    if base_sizes is not None and len(base_sizes) != n:
        raise CaseError(f"AnchorGenerator: {n} strides but {len(base_sizes)} base_sizes")
    ratios = p.get("ratios", [1.0]) if p.get("scales") is None and p.get("octave_base_scale") is None else p["ratios"]
    if is_list_of_lists(ratios):  # mmdet shares one ratio list across levels; a nested one is not its input
        raise CaseError("AnchorGenerator: expected one list of ratios shared by every level")
    scales = _scales(p)
    levels = tuple(LevelSpec(stride=s, ratios=tuple(float(r) for r in ratios), scales=scales,
                             base_size=None if base_sizes is None else base_sizes[i],
                             center=None if centers is None else tuple(centers[i]))
                   for i, s in enumerate(strides))
    return AnchorConfig(convention=_CONVENTION[cls], levels=levels, center_offset=offset,
                        scale_major=bool(p.get("scale_major", True)), max_anchors=NO_LIMIT)


def _ssd_generator(p: dict) -> AnchorConfig:
    """``SSDAnchorGenerator(strides, ratios, min_sizes=None, max_sizes=None, basesize_ratio_range=(0.15, 0.9),
    input_size=300, scale_major=True, use_box_type=False)``."""
    rng = p.get("basesize_ratio_range", (0.15, 0.9))
    levels = ssd_levels([_pair(s) for s in p["strides"]], p["ratios"], min_sizes=p.get("min_sizes"),
                        max_sizes=p.get("max_sizes"), basesize_ratio_range=tuple(rng),
                        input_size=p.get("input_size", 300))
    return AnchorConfig(convention="mmdet_ssd", levels=levels, scale_major=bool(p.get("scale_major", True)),
                        max_anchors=NO_LIMIT)


def _generator(p: dict, cls: str) -> AnchorConfig:
    return _ssd_generator(p) if cls == "SSDAnchorGenerator" else _anchor_generator(p, cls)


def _properties(cfg: AnchorConfig) -> dict:
    """What a generator reports about itself, for any of its cases."""
    nums = [num_cell_anchors(lv, cfg.conv) for lv in cfg.levels]
    cells = [cell_anchors(cfg, i) for i in range(len(cfg.levels))]
    out = {"base_anchors": single_or_list(cells), "num_base_priors": nums, "num_base_anchors": nums,
           "num_levels": len(cfg.levels), "base_sizes": [lv.base_size if lv.base_size is not None
                                                        else min(lv.stride_wh) for lv in cfg.levels],
           "strides": [list(lv.stride_wh) for lv in cfg.levels]}
    if cfg.convention == "mmdet_ssd":
        out["scales"] = [list(lv.scales) for lv in cfg.levels]
        out["ratios"] = [list(lv.ratios) for lv in cfg.levels]
        out["centers"] = [list(lv.center) for lv in cfg.levels]
    else:
        out["scales"] = list(cfg.levels[0].scales)
        out["ratios"] = list(cfg.levels[0].ratios)
    return out


def _grid(cfg: AnchorConfig, featmap_sizes) -> list[np.ndarray]:
    """``grid_priors``: one (H*W*A, 4) array per level, location-major, shifts x * stride_w, y * stride_h."""
    if len(featmap_sizes) != len(cfg.levels):
        raise CaseError(f"grid_priors: {len(cfg.levels)} levels but {len(featmap_sizes)} feature-map sizes")
    aset = generate_anchors(cfg, (1, 1), feature_hws=tuple(tuple(as_int_list(f, "featmap_size")) for f in featmap_sizes))
    return aset, [aset.boxes[g.start:g.stop] for g in aset.levels]


def _level(cfg: AnchorConfig, i) -> AnchorConfig:
    i = int(i)
    if not 0 <= i < len(cfg.levels):
        raise CaseError(f"level_idx {i}: the generator has {len(cfg.levels)} levels")
    return AnchorConfig(convention=cfg.convention, levels=(cfg.levels[i],), center_offset=cfg.center_offset,
                        scale_major=cfg.scale_major, max_anchors=NO_LIMIT)


def _valid(feat_hw, valid_hw, num_base) -> np.ndarray:
    """``single_level_valid_flags``: cells with x < valid_w and y < valid_h, repeated for each base anchor."""
    (fh, fw), (vh, vw) = feat_hw, valid_hw
    if vh > fh or vw > fw:
        raise CaseError(f"valid size {vh}x{vw} exceeds the feature map {fh}x{fw}")
    valid = (np.arange(fh)[:, None] < vh) & (np.arange(fw)[None, :] < vw)
    return np.repeat(valid.reshape(-1), num_base)


def _handler(cls: str, method: str):
    def run(p: dict, inp: dict, ctx: dict) -> dict:
        if method == "single_level_valid_flags" and "strides" not in p:  # needs no generator
            v = _valid(as_int_list(p["featmap_size"], "featmap_size"), as_int_list(p["valid_size"], "valid_size"),
                       int(p["num_base_anchors"])).astype(np.int64)
            return {"valid": v, "valid_flags": v}
        cfg = _generator(p, cls)
        out = _properties(cfg)
        if p.get("featmap_sizes") is not None and method in ("grid_priors", "grid_anchors", "base_anchors",
                                                            "gen_base_anchors", "__init__"):
            aset, per = _grid(cfg, p["featmap_sizes"])
            out.update(anchor_outputs(aset, cells_key="base_anchors", anchors_per_level=True))
            out.update(priors=single_or_list(per), all_anchors=per)
        elif method in ("single_level_grid_priors", "single_level_grid_anchors"):
            lv = _level(cfg, p.get("level_idx", 0))
            _, per = _grid(lv, [p["featmap_size"]])
            out.update(anchors=per[0], priors=per[0])
        elif method == "sparse_priors":
            lv = _level(cfg, p["level_idx"])
            fh, fw = as_int_list(p["featmap_size"], "featmap_size")
            _, per = _grid(lv, [(fh, fw)])
            a = num_cell_anchors(lv.levels[0], cfg.conv)
            idx = np.asarray(inp.get("prior_idxs", p.get("prior_idxs")), np.int64).reshape(-1)
            # x = (idx // A) % W, y = (idx // W // A) % H: indices past the grid wrap around, as in mmdet
            row = ((idx // (fw * a)) % fh * fw + (idx // a) % fw) * a + idx % a
            out.update(priors=per[0][row], anchors=per[0][row])
        elif method == "gen_single_level_base_anchors":
            i = int(p.get("level_idx", 0))
            out.update(base_anchors=out["base_anchors"] if len(cfg.levels) == 1 else out["base_anchors"][i])
        elif method == "valid_flags":
            h, w = p["pad_shape"][:2]
            flags = []
            for lv, f in zip(cfg.levels, p["featmap_sizes"]):
                fh, fw = as_int_list(f, "featmap_size")
                sw, sh = lv.stride_wh
                flags.append(_valid((fh, fw), (min(math.ceil(h / sh), fh), min(math.ceil(w / sw), fw)),
                                    num_cell_anchors(lv, cfg.conv)).astype(np.int64))
            out.update(valid=np.concatenate(flags), valid_flags=single_or_list(flags), flags=flags)
        elif method == "single_level_valid_flags":
            num = p.get("num_base_anchors", out["num_base_anchors"][int(p.get("level_idx", 0))])
            v = _valid(as_int_list(p["featmap_size"], "featmap_size"), as_int_list(p["valid_size"], "valid_size"),
                       int(num)).astype(np.int64)
            out.update(valid=v, valid_flags=v)
        return out

    return run


_METHODS = ("base_anchors", "gen_base_anchors", "gen_single_level_base_anchors", "grid_priors", "grid_anchors",
            "single_level_grid_priors", "single_level_grid_anchors", "sparse_priors", "valid_flags",
            "single_level_valid_flags", "num_base_priors", "num_base_anchors", "num_levels", "__init__")

_GENERATORS = {("mmdet", f"{cls}.{m}"): _handler(cls, m) for cls in _CONVENTION for m in _METHODS}


# ---------------------------------------------------------------------------------------------------------
# Overlaps, assignment, box coding, sampling


def _overlaps(p: dict, inp: dict, ctx: dict) -> dict:
    """``bbox_overlaps`` in every mode: iou, iof, giou, and v1's +1 IoU."""
    a, b = as_boxes(inp["boxes1"]), as_boxes(inp["boxes2"])
    return {"iou": pairwise_iou(a, b, style=get_convention("mmdet").iou), "iof": pairwise_iof(a, b),
            "giou": pairwise_giou(a, b), "iou_v1_plus1": pairwise_iou(a, b, style=get_convention("mmdet_v1").iou)}


def _assign(p: dict, inp: dict, ctx: dict) -> dict:
    """``MaxIoUAssigner(pos_iou_thr, neg_iou_thr, min_pos_iou=0., gt_max_assign_all=True, ignore_iof_thr=-1,
    match_low_quality=True)``: gt_inds -1 ignore / 0 negative / k+1 GT k; ignored priors get max_overlaps -1."""
    gts, priors = as_boxes(inp["gt_bboxes"]), as_boxes(inp["priors"])
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
        exclude = pairwise_iof(priors, as_boxes(ignore_boxes)).max(axis=1) > ignore_thr
    q = quality("mmdet", priors, gts, valid=None if exclude is None else ~exclude)
    res = assign_max_iou(q, rule, exclude=exclude)
    gt_inds = np.where(res.labels == Label.POSITIVE, res.matched_gt + 1, np.where(res.labels == Label.NEGATIVE, 0, -1))
    if len(gts) == 0:
        gt_inds[:] = 0
    labels = np.where(gt_inds > 0, gt_labels[np.maximum(gt_inds - 1, 0)] if len(gts) else -1, -1)
    max_overlaps = q.max_iou if exclude is None else np.where(exclude, -1.0, q.max_iou)
    return {"overlaps_gt_x_prior": pairwise_iou(gts, priors, style=get_convention("mmdet").iou), "gt_inds": gt_inds,
            "max_overlaps": max_overlaps, "labels": labels}


def _coder(base: CoderSpec):
    """``DeltaXYWHBBoxCoder(target_means, target_stds, clip_border=True, add_ctr_clamp=False, ctr_clamp=32)`` and
    ``decode(..., max_shape, wh_ratio_clip)``; the Legacy coder likewise."""

    def run(p: dict, inp: dict, ctx: dict) -> dict:
        changes = {"means": tuple(p["target_means"]) if "target_means" in p else None,
                   "stds": tuple(p["target_stds"]) if "target_stds" in p else None}
        if "wh_ratio_clip" in p:
            changes["dwh_clamp"] = abs(math.log(p["wh_ratio_clip"]))
        if p.get("add_ctr_clamp"):
            changes.update(ctr_clamp=float(p.get("ctr_clamp", 32)), clamp_sides="upper")
        return coder_case(with_spec(base, **changes), inp, ctx)

    return run


def _sampler(p: dict, inp: dict, ctx: dict) -> dict:
    """``RandomSampler(num, pos_fraction, neg_pos_ub=-1, add_gt_as_proposals=True)`` after torch.manual_seed."""
    gen = TorchCPUGenerator(int(p.get("torch_seed", 0)))
    gt_inds = np.asarray(inp["gt_inds"], np.int64)
    num_gts = len(inp["gt_bboxes"]) if "gt_bboxes" in inp else int(max(gt_inds.max(initial=0), 0))
    pos, neg = mmdet_random_sample(gt_inds, num=int(p["num"]), pos_fraction=float(p["pos_fraction"]),
                                   neg_pos_ub=float(p.get("neg_pos_ub", -1)),
                                   add_gt_as_proposals=bool(p.get("add_gt_as_proposals", True)), num_gts=num_gts,
                                   generator=gen)
    return {"num_pos": len(pos), "num_neg": len(neg), "pos_inds": pos, "neg_inds": neg}


HANDLERS = {
    **_GENERATORS,
    ("mmdet", "bbox_overlaps"): _overlaps,
    ("mmdet", "MaxIoUAssigner.assign"): _assign,
    ("mmdet", "DeltaXYWHBBoxCoder.encode / decode"): _coder(MMDET),
    ("mmdet", "DeltaXYWHBBoxCoder.decode"): _coder(MMDET),
    ("mmdet", "DeltaXYWHBBoxCoder.encode"): _coder(MMDET),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.encode / decode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.decode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "LegacyDeltaXYWHBBoxCoder.encode"): _coder(MMDET_V1_LEGACY),
    ("mmdet", "RandomSampler.sample"): _sampler,
}
