"""Anchor generation for a whole image across pyramid levels, exactly as each library does it.

The result keeps, for every anchor, its level, grid cell (y, x) and shape index, so "all anchors at this
cell" and "all anchors of this shape" are index arithmetic, not recomputation.

Example (torchvision rounds half-extents half-to-even, so size 45 gives a 44-pixel box):

>>> cfg = AnchorConfig(convention="torchvision", levels=(LevelSpec(stride=16, sizes=(45,), ratios=(1.0,)),))
>>> generate_anchors(cfg, (32, 32)).boxes[:2].tolist()
[[-22.0, -22.0, 22.0, 22.0], [-6.0, -22.0, 38.0, 22.0]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from anchorviz.core.anchors.cells import _CELL_FORMULAS, _cells_d2l, feature_size, num_cell_anchors
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec  # noqa: F401  (LevelSpec: the doctest above)
from anchorviz.core.conventions import Convention
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.shared_cache import SharedCache

__all__ = ["LevelGrid", "AnchorSet", "generate_anchors", "cached_anchors"]


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


# Anchor sets shared by everything in the process (the app's pages and the dataset fit), bounded by bytes: an
# AnchorSet is 44 bytes per anchor (0.1 MB for a small input, ~8 MB for RetinaNet on 800 x 1333).
ANCHOR_CACHE = SharedCache("anchors", int(float(os.environ.get("ANCHORVIZ_ANCHOR_CACHE_MB", 128)) * 2**20))


def cached_anchors(cfg: AnchorConfig, image_hw: tuple[int, int]) -> AnchorSet:
    """``generate_anchors`` memoised per (config, image size) in ``ANCHOR_CACHE``. The arrays are read-only: do
    not mutate."""
    hw = (int(image_hw[0]), int(image_hw[1]))
    return ANCHOR_CACHE.get((cfg, hw), lambda: generate_anchors(cfg, hw))
