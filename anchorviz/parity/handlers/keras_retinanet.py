"""keras-retinanet (``keras_retinanet/utils/anchors.py``, ``compute_overlap.pyx``, ``backend``): every anchor
entry point (``AnchorParameters`` and ``.default`` / ``.num_anchors``, ``parse_anchor_parameters``,
``generate_anchors``, ``shift``, ``guess_shapes``, ``anchors_for_shape``), the overlaps, the assignment and
targets, and the corner box coder, with keras-retinanet's own argument names and defaults."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.cells import cell_anchors, feature_size
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_max_iou, outside_mask
from anchorviz.core.coding.codec import encode
from anchorviz.core.coding.presets import KERAS_RETINANET
from anchorviz.parity.golden import CaseError, as_boxes
from anchorviz.parity.handlers.coding_cases import coder_case, with_spec
from anchorviz.parity.handlers.common import NO_LIMIT, anchor_outputs, argmax_or_zeros, iou_handler, quality

__all__ = ["HANDLERS"]

# AnchorParameters.default: ratios and scales are float32 arrays (keras.backend.floatx())
_DEFAULT = {"sizes": [32, 64, 128, 256, 512], "strides": [8, 16, 32, 64, 128],
            "ratios": np.array([0.5, 1, 2], np.float32), "scales": np.array([2 ** 0, 2 ** (1 / 3), 2 ** (2 / 3)], np.float32)}


def _params(p: dict) -> dict:
    """AnchorParameters(sizes, strides, ratios, scales) from a case: nested ``anchor_params`` or top-level
    keys, each defaulting to ``AnchorParameters.default``'s."""
    src = p.get("anchor_params") or p
    out = {k: src.get(k) if src.get(k) is not None else _DEFAULT[k] for k in _DEFAULT}
    out["ratios"] = np.asarray(out["ratios"], np.float32)
    out["scales"] = np.asarray(out["scales"], np.float32)
    if len(out["sizes"]) != len(out["strides"]):
        raise CaseError(f"AnchorParameters: {len(out['sizes'])} sizes but {len(out['strides'])} strides")
    return out


def _level(size, stride, ap: dict) -> LevelSpec:
    return LevelSpec(stride=stride, base_size=size, scales=tuple(map(float, ap["scales"])),
                     ratios=tuple(map(float, ap["ratios"])))


def _cfg(levels) -> AnchorConfig:
    return AnchorConfig(convention="keras_retinanet", levels=tuple(levels), max_anchors=NO_LIMIT)


def _describe(ap: dict) -> dict:
    return {"sizes": list(ap["sizes"]), "strides": list(ap["strides"]), "ratios": ap["ratios"].astype(np.float64),
            "scales": ap["scales"].astype(np.float64), "num_anchors": len(ap["ratios"]) * len(ap["scales"])}


def _anchor_parameters(p: dict, inp: dict, ctx: dict) -> dict:
    """``AnchorParameters(...)`` / ``.default`` / ``.num_anchors()``."""
    return _describe(_params(p))


def _parse_anchor_parameters(p: dict, inp: dict, ctx: dict) -> dict:
    """``parse_anchor_parameters(config)``: space-separated strings in ``config['anchor_parameters']``."""
    cfg = p.get("config", p).get("anchor_parameters", p)
    ap = {"sizes": [int(v) for v in str(cfg["sizes"]).split()], "strides": [int(v) for v in str(cfg["strides"]).split()],
          "ratios": np.array([float(v) for v in str(cfg["ratios"]).split()], np.float32),
          "scales": np.array([float(v) for v in str(cfg["scales"]).split()], np.float32)}
    return _describe(ap)


def _generate(p: dict, inp: dict, ctx: dict) -> dict:
    """``generate_anchors(base_size=16, ratios=None, scales=None)``: (ratios x scales, 4) around 0, ratio outer.
    A case may also name outputs after base sizes ("32", "64", ...): each is that base size's anchors."""
    ap = _params({"ratios": p.get("ratios"), "scales": p.get("scales")})
    out = {}
    if "base_size" in p or not any(_is_number(k) for k in ctx["keys"]):
        cells = cell_anchors(_cfg([_level(p.get("base_size", 16), 1, ap)]), 0)
        out.update(anchors=cells, base_anchors=cells)
    for key in ctx["keys"]:
        if _is_number(key):
            out[key] = cell_anchors(_cfg([_level(float(key), 1, ap)]), 0)
    return out


def _is_number(key: str) -> bool:
    try:
        float(key)
    except ValueError:
        return False
    return True


def _generate_shift(p: dict, inp: dict, ctx: dict) -> dict:
    """``shift(shape, stride, generate_anchors(base_size, ratios, scales))``."""
    ap = _params({"ratios": p.get("ratios"), "scales": p.get("scales")})
    aset = generate_anchors(_cfg([_level(p.get("base_size", 16), p["stride"], ap)]), (1, 1),
                            feature_hws=(tuple(p["shape"][:2]),))
    return anchor_outputs(aset, cells_key="base_anchors")


def _shift(p: dict, inp: dict, ctx: dict) -> dict:
    """``shift(shape, stride, anchors)`` for any anchors: each cell centre (x + 0.5) * stride plus every anchor,
    location-major. The centres are the app's grid (a one-anchor keras level of the same shape and stride)."""
    anchors = as_boxes(inp.get("anchors", p.get("anchors")))
    unit = {"ratios": np.ones(1, np.float32), "scales": np.ones(1, np.float32)}
    grid = generate_anchors(_cfg([_level(1.0, p["stride"], unit)]), (1, 1), feature_hws=(tuple(p["shape"][:2]),))
    c = grid.centres()  # (K, 2) exact: the unit box is centred on the shift
    shifts = np.concatenate([c, c], axis=1)
    all_anchors = (anchors[None, :, :] + shifts[:, None, :]).reshape(-1, 4)
    return {"anchors": all_anchors, "shifted_anchors": all_anchors, "all_anchors": all_anchors}


def _guess_shapes(p: dict, inp: dict, ctx: dict) -> dict:
    """``guess_shapes(image_shape, pyramid_levels)``: (img + 2^l - 1) // 2^l per level."""
    h, w = p["image_shape"][:2]
    return {"shapes": [list(feature_size((h, w), (2 ** k, 2 ** k))) for k in p.get("pyramid_levels", [3, 4, 5, 6, 7])]}


def _anchors_for_shape(p: dict, inp: dict, ctx: dict) -> dict:
    """``anchors_for_shape(image_shape, pyramid_levels=None, anchor_params=None, shapes_callback=None)``: level
    ``idx`` uses ``anchor_params.sizes[idx]`` and ``.strides[idx]`` on the feature shape ``guess_shapes`` gives
    for ``pyramid_levels[idx]`` (keras-retinanet pairs them by position, not by level)."""
    ap = _params(p)
    pyramid = p.get("pyramid_levels") or [3, 4, 5, 6, 7]
    if len(pyramid) > len(ap["sizes"]):
        raise CaseError(f"anchors_for_shape: {len(pyramid)} pyramid levels but {len(ap['sizes'])} anchor sizes")
    h, w = p["image_shape"][:2]
    feats = tuple(feature_size((h, w), (2 ** k, 2 ** k)) for k in pyramid)
    levels = [_level(ap["sizes"][i], ap["strides"][i], ap) for i in range(len(pyramid))]
    return anchor_outputs(generate_anchors(_cfg(levels), (h, w), feature_hws=feats))


def _assign(p: dict, anchors, gts, image_hw=None):
    q = quality("keras_retinanet", anchors, gts)
    rule = MaxIoURule(pos_iou=float(p.get("positive_overlap", 0.5)), neg_iou=float(p.get("negative_overlap", 0.4)),
                      neg_inclusive=True)
    ignore = outside_mask(anchors, tuple(image_hw), "centre") if image_hw is not None else None
    return assign_max_iou(q, rule, ignore=ignore), q


def _gt_annotations(p: dict, inp: dict, ctx: dict) -> dict:
    """``compute_gt_annotations(anchors, annotations, negative_overlap=0.4, positive_overlap=0.5)``."""
    anchors, gts = as_boxes(inp["anchors"]), as_boxes(inp["annotations"])
    res, q = _assign(p, anchors, gts)
    return {"positive_indices": (res.labels == Label.POSITIVE).astype(np.int64),
            "ignore_indices": (res.labels == Label.IGNORED).astype(np.int64),
            "argmax_overlaps_inds": argmax_or_zeros(q),
            "anchor_state(1 pos,0 neg,-1 ignore)": res.labels.astype(np.int64)}


def _targets(p: dict, inp: dict, ctx: dict) -> dict:
    """``anchor_targets_bbox`` for one image: anchors centred outside the image are ignored after assignment."""
    anchors, gts = as_boxes(inp["anchors"]), as_boxes(inp["bboxes"])
    labels = np.asarray(inp["labels"], np.int64)
    num_classes = int(p["num_classes"])
    res, q = _assign(p, anchors, gts, p.get("image_hw"))
    n = len(anchors)
    reg = np.zeros((n, 5), np.float32)
    cls = np.zeros((n, num_classes + 1), np.float32)
    if len(gts):
        # the assignment before the outside-image rule decides the one-hot class, as keras-retinanet does
        inside_res, _ = _assign(p, anchors, gts)
        pos = inside_res.labels == Label.POSITIVE
        argmax = q.argmax_gt
        cls[np.flatnonzero(pos), labels[argmax[pos]]] = 1
        reg[:, :4] = encode(anchors, gts[argmax], KERAS_RETINANET)
    reg[:, 4] = res.labels
    cls[:, -1] = res.labels
    return {"regression_batch": reg, "labels_batch": cls}


def _coder_spec(p: dict):
    return with_spec(KERAS_RETINANET, means=tuple(p.get("mean", (0, 0, 0, 0))), stds=tuple(p.get("std", (0.2,) * 4)))


def _transform(p: dict, inp: dict, ctx: dict) -> dict:
    """``bbox_transform(anchors, gt_boxes, mean=None, std=None)``: corner offsets / anchor size."""
    return {"targets": encode(as_boxes(inp["anchors"]), as_boxes(inp["gt_boxes"]), _coder_spec(p))}


def _inverse(p: dict, inp: dict, ctx: dict) -> dict:
    """``backend.bbox_transform_inv(boxes, deltas, mean=None, std=None)``."""
    return coder_case(_coder_spec(p), inp, ctx)


HANDLERS = {
    ("keras_retinanet", "AnchorParameters.default"): _anchor_parameters,
    ("keras_retinanet", "AnchorParameters"): _anchor_parameters,
    ("keras_retinanet", "AnchorParameters.num_anchors"): _anchor_parameters,
    ("keras_retinanet", "parse_anchor_parameters"): _parse_anchor_parameters,
    ("keras_retinanet", "generate_anchors"): _generate,
    ("keras_retinanet", "generate_anchors + shift"): _generate_shift,
    ("keras_retinanet", "shift"): _shift,
    ("keras_retinanet", "guess_shapes"): _guess_shapes,
    ("keras_retinanet", "anchors_for_shape"): _anchors_for_shape,
    ("keras_retinanet", "compute_overlap"): iou_handler("keras_retinanet", "boxes", "query_boxes", "overlaps"),
    ("keras_retinanet", "compute_gt_annotations"): _gt_annotations,
    ("keras_retinanet", "anchor_targets_bbox"): _targets,
    ("keras_retinanet", "bbox_transform"): _transform,
    ("keras_retinanet", "backend.bbox_transform_inv"): _inverse,
    ("keras_retinanet", "bbox_transform_inv"): _inverse,
}
