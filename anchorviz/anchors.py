"""Anchor generation for a whole image across pyramid levels, exactly as each library does it.

The result keeps, for every anchor, its level, grid cell (y, x) and shape index, so "all anchors at this
cell" and "all anchors of this shape" are index arithmetic, not recomputation.

Example (torchvision rounds half-extents half-to-even, so size 45 gives a 44-pixel box):

>>> cfg = AnchorConfig(convention="torchvision", levels=(LevelSpec(stride=16, sizes=(45,), ratios=(1.0,)),))
>>> generate_anchors(cfg, (32, 32)).boxes[:2].tolist()
[[-22.0, -22.0, 22.0, 22.0], [-6.0, -22.0, 38.0, 22.0]]
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from anchorviz.conventions import Convention, get_convention
from anchorviz.errors import AnchorVizInputError

__all__ = ["LevelSpec", "AnchorConfig", "LevelGrid", "AnchorSet", "generate_anchors", "cached_anchors",
           "cell_anchors", "feature_size", "DEFAULT_MAX_ANCHORS"]

DEFAULT_MAX_ANCHORS = 2_000_000


def _positive_tuple(values, what: str, *, allow_empty: bool = False) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"{what}: expected a list of positive numbers, got {values!r}") from None
    if not out and not allow_empty:
        raise AnchorVizInputError(f"{what}: expected at least one value, got an empty list")
    for v in out:
        if not math.isfinite(v) or v <= 0:
            raise AnchorVizInputError(f"{what}: every value must be a finite number > 0, got {v!r}")
    return out


@dataclass(frozen=True, kw_only=True)
class LevelSpec:
    """One pyramid level, in the knobs its library uses.

    Attributes:
        stride: pixels between neighbouring cells; a number, or (stride_w, stride_h) as mmdet allows.
        sizes: absolute anchor sides (torchvision, detectron2), or fractions of the image height (d2l).
        base_size: the side that scales multiply (mmdet, keras-retinanet). mmdet defaults it to the stride.
        scales: multipliers of base_size.
        ratios: aspect ratios. h/w for every library except d2l, where they are w/h.
        wh: explicit (w, h) pixel anchors (YOLOv5).
        center: an explicit base-anchor centre (mmdet ``centers``, used by SSD).
        feature_hw: a fixed feature-map size; by default it is derived from the image size.
        name: a label such as "P3".
    """

    stride: float | tuple[float, float]
    sizes: tuple[float, ...] = ()
    base_size: float | None = None
    scales: tuple[float, ...] = (1.0,)
    ratios: tuple[float, ...] = (0.5, 1.0, 2.0)
    wh: tuple[tuple[float, float], ...] = ()
    center: tuple[float, float] | None = None
    feature_hw: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        label = self.name or "level"
        if isinstance(self.stride, (tuple, list)):
            sw, sh = _positive_tuple(self.stride, f"{label} stride")
            object.__setattr__(self, "stride", (sw, sh))
        else:
            (s,) = _positive_tuple((self.stride,), f"{label} stride")
            object.__setattr__(self, "stride", s)
        object.__setattr__(self, "sizes", _positive_tuple(self.sizes, f"{label} sizes", allow_empty=True))
        object.__setattr__(self, "scales", _positive_tuple(self.scales, f"{label} scales"))
        object.__setattr__(self, "ratios", _positive_tuple(self.ratios, f"{label} ratios"))
        if self.base_size is not None:
            (b,) = _positive_tuple((self.base_size,), f"{label} base_size")
            object.__setattr__(self, "base_size", b)
        pairs = []
        for pair in self.wh:
            w, h = _positive_tuple(pair, f"{label} anchor (w, h)")
            pairs.append((w, h))
        object.__setattr__(self, "wh", tuple(pairs))
        if self.center is not None:
            object.__setattr__(self, "center", tuple(float(c) for c in self.center))
        if self.feature_hw is not None:
            fh, fw = (int(v) for v in self.feature_hw)
            if fh <= 0 or fw <= 0:
                raise AnchorVizInputError(f"{label} feature_hw: expected two positive integers, got {self.feature_hw}")
            object.__setattr__(self, "feature_hw", (fh, fw))

    @property
    def stride_wh(self) -> tuple[float, float]:
        return self.stride if isinstance(self.stride, tuple) else (self.stride, self.stride)


@dataclass(frozen=True, kw_only=True)
class AnchorConfig:
    """A whole anchor setup: a convention and its levels. Frozen and hashable, so it is a cache key.

    Attributes:
        convention: a key of ``anchorviz.conventions.CONVENTIONS``.
        levels: the pyramid levels, finest first.
        center_offset: where in its cell an anchor is centred; None means the library's default.
        scale_major: mmdet's ordering switch (True: ratio outer, scale inner, despite the name).
        max_anchors: generating more anchors than this raises AnchorVizInputError.
    """

    convention: str
    levels: tuple[LevelSpec, ...]
    center_offset: float | None = None
    scale_major: bool = True
    max_anchors: int = DEFAULT_MAX_ANCHORS

    def __post_init__(self) -> None:
        conv = get_convention(self.convention)
        levels = tuple(self.levels)
        if not levels:
            raise AnchorVizInputError("levels: expected at least one pyramid level, got none")
        object.__setattr__(self, "levels", levels)
        if self.center_offset is not None:
            off = float(self.center_offset)
            if not (math.isfinite(off) and 0.0 <= off <= 1.0):
                raise AnchorVizInputError(f"center_offset: expected a number in [0, 1], got {self.center_offset!r}")
            object.__setattr__(self, "center_offset", off)
        need = {"sizes": "sizes", "fractions": "sizes", "wh": "wh"}.get(conv.size_knob)
        for i, lv in enumerate(levels):
            if need and not getattr(lv, need):
                raise AnchorVizInputError(
                    f"level {lv.name or i}: the {conv.title} convention needs {need!r} "
                    f"(it sizes anchors by {conv.size_knob}), got none"
                )

    @property
    def conv(self) -> Convention:
        return get_convention(self.convention)

    @property
    def offset(self) -> float:
        return self.conv.default_offset if self.center_offset is None else self.center_offset


# ---------------------------------------------------------------------------------------------------------
# Cell anchors: one function per library arithmetic. Each returns (A, 4) in the library's dtype.


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


# ---------------------------------------------------------------------------------------------------------
# The grid


@dataclass(frozen=True, eq=False)
class LevelGrid:
    """Where one level's anchors sit in the flat array, and how they were made.

    Attributes:
        index: position of the level in the config.
        name: "P3" etc.
        feat_hw: feature-map size (rows, columns).
        stride_hw: the stride actually used (torchvision's is image // feature size).
        cells: (A, 4) float64 cell anchors around the library's base centre.
        start: index of the level's first anchor in ``AnchorSet.boxes``.
        num_shapes: A, anchors per location.
    """

    index: int
    name: str
    feat_hw: tuple[int, int]
    stride_hw: tuple[float, float]
    cells: np.ndarray
    start: int
    num_shapes: int

    @property
    def count(self) -> int:
        return self.feat_hw[0] * self.feat_hw[1] * self.num_shapes

    @property
    def stop(self) -> int:
        return self.start + self.count

    @property
    def shapes_wh(self) -> np.ndarray:
        """(A, 2) width and height of each anchor shape."""
        return self.cells[:, 2:] - self.cells[:, :2]


@dataclass(frozen=True, eq=False)
class AnchorSet:
    """All anchors of one image, with their provenance.

    Attributes:
        boxes: float64 (N, 4) xyxy pixels (d2l: image units times the image size), read-only.
        level: int16 (N,) level index of each anchor.
        cell_y, cell_x: int32 (N,) grid cell of each anchor.
        shape: int16 (N,) index of the anchor's shape within its level's cells.
        levels: one LevelGrid per level.
        image_hw: the image (network input) size the anchors were generated for.
        config: the AnchorConfig.
    """

    boxes: np.ndarray
    level: np.ndarray
    cell_y: np.ndarray
    cell_x: np.ndarray
    shape: np.ndarray
    levels: tuple[LevelGrid, ...]
    image_hw: tuple[int, int]
    config: AnchorConfig = field(repr=False)

    def __len__(self) -> int:
        return int(self.boxes.shape[0])

    def at_cell(self, level: int, y: int, x: int) -> np.ndarray:
        """Indices of every anchor centred in cell (y, x) of ``level``. Returns int64 (A,)."""
        g = self._grid(level)
        fh, fw = g.feat_hw
        if not (0 <= y < fh and 0 <= x < fw):
            raise AnchorVizInputError(f"cell ({y}, {x}) is outside level {g.name}'s {fh}x{fw} grid")
        first = g.start + (y * fw + x) * g.num_shapes
        return np.arange(first, first + g.num_shapes, dtype=np.int64)

    def of_shape(self, level: int, shape: int) -> np.ndarray:
        """Indices of every anchor of one shape across ``level``. Returns int64 (H*W,)."""
        g = self._grid(level)
        if not 0 <= shape < g.num_shapes:
            raise AnchorVizInputError(f"shape {shape} does not exist on level {g.name} (it has {g.num_shapes})")
        return np.arange(g.start + shape, g.stop, g.num_shapes, dtype=np.int64)

    def level_slice(self, level: int) -> slice:
        g = self._grid(level)
        return slice(g.start, g.stop)

    def level_view(self, level: int) -> np.ndarray:
        """The level's anchors as a (H, W, A, 4) view."""
        g = self._grid(level)
        return self.boxes[g.start:g.stop].reshape(g.feat_hw[0], g.feat_hw[1], g.num_shapes, 4)

    def centres(self) -> np.ndarray:
        """(N, 2) anchor centres (x, y)."""
        return 0.5 * (self.boxes[:, :2] + self.boxes[:, 2:])

    def _grid(self, level: int) -> LevelGrid:
        if not 0 <= level < len(self.levels):
            raise AnchorVizInputError(f"level {level} does not exist (there are {len(self.levels)})")
        return self.levels[level]


def _shifts(n: int, stride: float, offset: float, conv: Convention, dtype) -> np.ndarray:
    if conv.normalised:  # d2l: (x + 0.5) * (1 / W) in float32
        return (np.arange(n, dtype=np.float32) + np.float32(offset)) * np.float32(1.0 / n)
    if conv.centre_of == "base":  # mmdet: x * stride; the offset is already in the cell anchors
        return np.arange(n, dtype=dtype) * dtype(stride)
    return ((np.arange(n, dtype=np.float64) + offset) * stride).astype(dtype)


def generate_anchors(
    cfg: AnchorConfig,
    image_hw: tuple[int, int],
    *,
    feature_hws: tuple[tuple[int, int], ...] | None = None,
) -> AnchorSet:
    """Anchors for a whole image, levels concatenated in config order, location-major within a level.

    Args:
        cfg: the anchor setup.
        image_hw: (height, width) of the network input (after resize and padding). For d2l, whose anchors
            are normalised, pass the image size to get pixels or (1, 1) to get d2l's own [0, 1] units.
        feature_hws: optional feature-map size per level; otherwise each level's ``feature_hw`` or
            ceil(image / stride).

    Returns:
        AnchorSet with float64 (N, 4) boxes.

    Raises:
        AnchorVizInputError: bad image size, or more anchors than ``cfg.max_anchors``.
    """
    conv = cfg.conv
    try:
        ih, iw = (int(v) for v in image_hw)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"image size: expected (height, width) integers, got {image_hw!r}") from None
    if ih <= 0 or iw <= 0:
        raise AnchorVizInputError(f"image size: expected positive (height, width), got {image_hw!r}")
    if feature_hws is not None and len(feature_hws) != len(cfg.levels):
        raise AnchorVizInputError(f"feature sizes: expected {len(cfg.levels)}, got {len(feature_hws)}")

    plans = []
    total = 0
    for i, lv in enumerate(cfg.levels):
        if feature_hws is not None:
            fh, fw = (int(v) for v in feature_hws[i])
        elif lv.feature_hw is not None:
            fh, fw = lv.feature_hw
        else:
            fh, fw = feature_size((ih, iw), lv.stride_wh)
        a = num_cell_anchors(lv, conv)
        plans.append((fh, fw, a))
        total += fh * fw * a
    if total > cfg.max_anchors:
        per = ", ".join(f"{lv.name or i}: {fh}x{fw}x{a}" for i, (lv, (fh, fw, a)) in enumerate(zip(cfg.levels, plans)))
        raise AnchorVizInputError(
            f"this setup would make {total:,} anchors ({per}), more than the limit of {cfg.max_anchors:,}; "
            "raise the stride of the finest level, use fewer scales or ratios, drop a level, or use a smaller image"
        )

    dtype = np.float32 if conv.anchor_dtype == "float32" else np.float64
    offset = cfg.offset
    boxes = np.empty((total, 4), np.float64)
    level_idx = np.empty(total, np.int16)
    cell_y = np.empty(total, np.int32)
    cell_x = np.empty(total, np.int32)
    shape_idx = np.empty(total, np.int16)
    grids = []
    start = 0
    for i, (lv, (fh, fw, a)) in enumerate(zip(cfg.levels, plans)):
        if conv.stride_rule == "floor_from_image":  # torchvision: stride = image // feature size
            stride_hw = (float(ih // fh), float(iw // fw))
        elif conv.normalised:  # d2l: one location per feature cell, whatever the image size
            stride_hw = (ih / fh, iw / fw)
        else:
            sw, sh = lv.stride_wh
            stride_hw = (sh, sw)
        if conv.cell_formula == "d2l":
            cells = _cells_d2l(lv, conv, cfg, (fh, fw))
        else:
            cells = _CELL_FORMULAS[conv.cell_formula](lv, conv, cfg).astype(dtype)
        sx = _shifts(fw, stride_hw[1], offset, conv, dtype)
        sy = _shifts(fh, stride_hw[0], offset, conv, dtype)
        shifts = np.empty((fh, fw, 4), cells.dtype)
        shifts[..., 0] = sx[None, :]
        shifts[..., 2] = sx[None, :]
        shifts[..., 1] = sy[:, None]
        shifts[..., 3] = sy[:, None]
        block = shifts[:, :, None, :] + cells[None, None, :, :]  # (H, W, A, 4), location-major
        n = fh * fw * a
        out = boxes[start:start + n]
        out[:] = block.reshape(n, 4)
        if conv.normalised and (ih, iw) != (1, 1):
            out *= np.array([iw, ih, iw, ih], np.float64)
        level_idx[start:start + n] = i
        yy, xx, ss = np.meshgrid(np.arange(fh, dtype=np.int32), np.arange(fw, dtype=np.int32),
                                 np.arange(a, dtype=np.int16), indexing="ij")
        cell_y[start:start + n] = yy.ravel()
        cell_x[start:start + n] = xx.ravel()
        shape_idx[start:start + n] = ss.ravel()
        grids.append(LevelGrid(index=i, name=lv.name or f"L{i}", feat_hw=(fh, fw), stride_hw=stride_hw,
                               cells=cells.astype(np.float64), start=start, num_shapes=a))
        start += n
    for arr in (boxes, level_idx, cell_y, cell_x, shape_idx):
        arr.setflags(write=False)
    return AnchorSet(boxes=boxes, level=level_idx, cell_y=cell_y, cell_x=cell_x, shape=shape_idx,
                     levels=tuple(grids), image_hw=(ih, iw), config=cfg)


@functools.lru_cache(maxsize=32)
def cached_anchors(cfg: AnchorConfig, image_hw: tuple[int, int]) -> AnchorSet:
    """``generate_anchors`` memoised per (config, image size). The arrays are read-only: do not mutate."""
    return generate_anchors(cfg, (int(image_hw[0]), int(image_hw[1])))
