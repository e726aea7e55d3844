"""Cell anchors: the anchors of one feature-map location, with each library's own arithmetic.

One function per library formula (``_CELL_FORMULAS``, chosen by ``Convention.cell_formula``), so the grid code
never branches on a library's name. Each returns (A, 4) in the library's dtype, around the library's base
centre.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.conventions import Convention

__all__ = ["cell_anchors", "num_cell_anchors", "feature_size"]


def _cells_torchvision(lv: LevelSpec, conv: Convention, cfg: AnchorConfig) -> np.ndarray:
    # h = size*sqrt(r), w = size/sqrt(r); the box is round([-w, -h, w, h] / 2) in float32, half-to-even.
    scales = np.asarray(lv.sizes, np.float32)
    ratios = np.asarray(lv.ratios, np.float32)
    h_ratios = np.sqrt(ratios)
    w_ratios = np.float32(1) / h_ratios
    ws = (w_ratios[:, None] * scales[None, :]).reshape(-1)  # ratio outer, size inner
    hs = (h_ratios[:, None] * scales[None, :]).reshape(-1)
    return np.round(np.stack([-ws, -hs, ws, hs], axis=1) / np.float32(2))


def _cells_mmdet(lv: LevelSpec, conv: Convention, cfg: AnchorConfig) -> np.ndarray:
    # w = base*scale/sqrt(r), h = base*scale*sqrt(r) in float32, no rounding (legacy: +1 pixel corners).
    legacy = conv.cell_formula == "mmdet_legacy"
    base = lv.base_size if lv.base_size is not None else min(lv.stride_wh)
    ratios = np.asarray(lv.ratios, np.float32)
    scales = np.asarray(lv.scales, np.float32)
    h_ratios = np.sqrt(ratios)
    w_ratios = np.float32(1) / h_ratios
    if cfg.scale_major:  # mmdet's scale_major=True: ratio outer, scale inner
        ws = (base * w_ratios[:, None] * scales[None, :]).reshape(-1)
        hs = (base * h_ratios[:, None] * scales[None, :]).reshape(-1)
    else:
        ws = (base * scales[:, None] * w_ratios[None, :]).reshape(-1)
        hs = (base * scales[:, None] * h_ratios[None, :]).reshape(-1)
    off = cfg.offset
    if lv.center is not None:
        cx, cy = lv.center
    elif legacy:
        cx = cy = off * (base - 1)
    else:
        cx = cy = off * base  # the base size, not the stride
    if legacy:
        cells = np.stack([cx - 0.5 * (ws - 1), cy - 0.5 * (hs - 1), cx + 0.5 * (ws - 1), cy + 0.5 * (hs - 1)], axis=1)
        cells = np.round(cells)
    else:
        cells = np.stack([cx - 0.5 * ws, cy - 0.5 * hs, cx + 0.5 * ws, cy + 0.5 * hs], axis=1)
    if conv.cell_order == "ssd":  # SSD moves anchor #len(ratios) to position 1 (mmdet's index_select)
        order = list(range(len(lv.ratios)))
        order.insert(1, len(order))
        cells = cells[order]
    return cells.astype(np.float32)


def _cells_detectron2(lv: LevelSpec, conv: Convention, cfg: AnchorConfig) -> np.ndarray:
    # size outer, ratio inner; w = sqrt(size^2 / r), h = r*w in Python doubles, then float32.
    rows = []
    for size in lv.sizes:
        area = size**2.0
        for r in lv.ratios:
            w = math.sqrt(area / r)
            h = r * w
            rows.append([-w / 2.0, -h / 2.0, w / 2.0, h / 2.0])
    return np.asarray(rows, dtype=np.float32)


def _cells_keras(lv: LevelSpec, conv: Convention, cfg: AnchorConfig) -> np.ndarray:
    # side = base*scale (float32 scales), w = sqrt(side^2 / r), h = w*r, in float64; ratio outer.
    base = lv.base_size if lv.base_size is not None else 4 * min(lv.stride_wh)
    ratios = np.asarray(lv.ratios, np.float32)
    scales = np.asarray(lv.scales, np.float32)
    n = len(ratios) * len(scales)
    cells = np.zeros((n, 4))
    cells[:, 2:] = (base * np.tile(scales, (2, len(ratios)))).T
    areas = cells[:, 2] * cells[:, 3]
    cells[:, 2] = np.sqrt(areas / np.repeat(ratios, len(scales)))
    cells[:, 3] = cells[:, 2] * np.repeat(ratios, len(scales))
    cells[:, 0::2] -= np.tile(cells[:, 2] * 0.5, (2, 1)).T
    cells[:, 1::2] -= np.tile(cells[:, 3] * 0.5, (2, 1)).T
    return cells


def _cells_d2l(lv: LevelSpec, conv: Convention, cfg: AnchorConfig, feat_hw: tuple[int, int]) -> np.ndarray:
    # Normalised units: w = s*sqrt(r)*H/W, h = s/sqrt(r) (r = w/h); every size with r0, then s0 with r1...
    fh, fw = feat_hw
    sizes = np.asarray(lv.sizes, np.float32)
    ratios = np.asarray(lv.ratios, np.float32)
    s0 = np.float32(lv.sizes[0])
    w = np.concatenate([sizes * np.sqrt(ratios[0]), s0 * np.sqrt(ratios[1:])]) * np.float32(fh) / np.float32(fw)
    # torch evaluates scalar / tensor as reciprocal(tensor) * scalar, which rounds differently from a division
    h = np.concatenate([sizes / np.sqrt(ratios[0]), (np.float32(1) / np.sqrt(ratios[1:])) * s0])
    return np.stack([-w, -h, w, h], axis=1) / np.float32(2)


def _cells_wh(lv: LevelSpec, conv: Convention, cfg: AnchorConfig) -> np.ndarray:
    wh = np.asarray(lv.wh, np.float64)
    return np.concatenate([-wh / 2, wh / 2], axis=1)


_CELL_FORMULAS: dict[str, Callable[..., np.ndarray]] = {
    "torchvision": _cells_torchvision,
    "mmdet": _cells_mmdet,
    "mmdet_legacy": _cells_mmdet,
    "detectron2": _cells_detectron2,
    "keras": _cells_keras,
    "wh": _cells_wh,
}


def num_cell_anchors(lv: LevelSpec, conv: Convention) -> int:
    """How many anchors one location of this level has under the convention."""
    if conv.cell_order == "wh":
        return len(lv.wh)
    if conv.cell_order == "d2l":
        return len(lv.sizes) + len(lv.ratios) - 1
    if conv.cell_order == "ssd":
        return len(lv.ratios) + 1
    n_sizes = len(lv.scales) if conv.size_knob == "base_size*scales" else len(lv.sizes)
    return n_sizes * len(lv.ratios)


def cell_anchors(cfg: AnchorConfig, level: int, feat_hw: tuple[int, int] | None = None) -> np.ndarray:
    """The anchors of one location of ``level``, as float64 (A, 4) xyxy around the library's base centre."""
    conv = cfg.conv
    lv = cfg.levels[level]
    if conv.cell_formula == "d2l":
        return _cells_d2l(lv, conv, cfg, feat_hw or lv.feature_hw or (1, 1)).astype(np.float64)
    return _CELL_FORMULAS[conv.cell_formula](lv, conv, cfg).astype(np.float64)


def feature_size(image_hw: tuple[int, int], stride_wh: tuple[float, float]) -> tuple[int, int]:
    """Feature-map size of a level: ceil(image / stride), what a stride-2 backbone chain produces.

    This is torchvision's and mmdet's backbone output on the (padded) network input, and
    keras-retinanet's ``guess_shapes`` ((img + 2^l - 1) // 2^l).
    """
    h, w = image_hw
    return max(1, math.ceil(h / stride_wh[1])), max(1, math.ceil(w / stride_wh[0]))
