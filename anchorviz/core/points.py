"""Where each library puts the points that point-based assigners label, for the network input after the resize.

Anchor-free detectors still have a grid: one point per feature-map cell and level. The libraries agree on the
order (level-major, then row-major: y outer, x fastest) but **not** on where in its cell a point sits, and that
half-stride shift alone changes which GTs get a positive (a tiny GT between two rows of points gets none):

=================  ===========================  ====================================================
library key        point of cell (x, y), level s  where it comes from
=================  ===========================  ====================================================
torchvision_fcos   (x*s, y*s)  cell corner        centre of AnchorGenerator's anchor [x*s -+ size/2];
                                                  the stride is input // feature size, per axis
mmdet_fcos         ((x+.5)*s, (y+.5)*s)           MlvlPointGenerator(offset=0.5)
ultralytics        ((x+.5)*s, (y+.5)*s)           make_anchors(grid_cell_offset=0.5) * stride
yolox              ((x+.5)*s, (y+.5)*s)           YOLOX adds 0.5 to its grid itself
mmdet_yolox        ((x+.5)*s, (y+.5)*s) to assign  MlvlPointGenerator(offset=0), the head adds 0.5*s before
                   (x*s, y*s) to regress          assigning; boxes are still decoded from the corner
mmdet_rtmdet       (x*s, y*s)  cell corner        MlvlPointGenerator(offset=0), no shift
=================  ===========================  ====================================================

The feature-map size of a level is ceil(input / stride), what a chain of stride-2 convolutions gives.
Coordinates are computed in float32 as the libraries do (exact for any realistic grid) and returned as float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["PointLibrary", "POINT_LIBRARIES", "PointLevel", "PointGrid", "make_points", "library_points",
           "MAX_POINTS"]

PointLibrary = Literal["torchvision_fcos", "mmdet_fcos", "ultralytics", "yolox", "mmdet_yolox", "mmdet_rtmdet"]

# library key -> (offset of the assignment point, offset of the regression point), in strides.
POINT_LIBRARIES: dict[str, tuple[float, float]] = {
    "torchvision_fcos": (0.0, 0.0),
    "mmdet_fcos": (0.5, 0.5),
    "ultralytics": (0.5, 0.5),
    "yolox": (0.5, 0.5),
    "mmdet_yolox": (0.5, 0.0),
    "mmdet_rtmdet": (0.0, 0.0),
}

MAX_POINTS = 2_000_000  # a 4k input at stride 2 is ~2M points; anything beyond is a typo, not a detector


@dataclass(frozen=True, eq=False)
class PointLevel:
    """One level of a point grid.

    Attributes:
        stride: the nominal stride (what the config says, e.g. 8).
        stride_hw: the stride actually used to place points, (rows, columns); torchvision derives it as
            input // feature size, which differs from the nominal one when the input is not a multiple of it.
        feat_hw: feature-map size (rows, columns).
        start, stop: the level's slice in the flat point arrays.
    """

    stride: float
    stride_hw: tuple[float, float]
    feat_hw: tuple[int, int]
    start: int
    stop: int

    @property
    def count(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True, eq=False)
class PointGrid:
    """All points of one network input, in the library's order.

    Attributes:
        points: float64 (N, 2) x, y pixels of the point each rule tests ("inside the GT", distances).
        regression_points: float64 (N, 2) the point the box is decoded from (differs from ``points`` only in
            mmdet's YOLOX head).
        strides: float64 (N,) nominal stride of each point's level.
        sizes: float64 (N,) the length torchvision's FCOS scales its tests by (the anchor width, equal to the
            stride for the default anchor sizes); the stride for every other library.
        grid_xy: int64 (N, 2) column and row of each point in its level (YOLOX's x_shifts / y_shifts).
        level: int64 (N,) level index of each point.
        levels: the levels, finest first.
        input_hw: the network input (rows, columns) the grid was made for.
        library: the library key whose convention made the grid ("custom" for ``make_points``).
        offset: where the assignment point sits in its cell, in strides.
    """

    points: np.ndarray
    regression_points: np.ndarray
    strides: np.ndarray
    sizes: np.ndarray
    grid_xy: np.ndarray
    level: np.ndarray
    levels: tuple[PointLevel, ...]
    input_hw: tuple[int, int]
    library: str
    offset: float

    def __len__(self) -> int:
        return len(self.points)

    @property
    def num_points_per_level(self) -> list[int]:
        return [lv.count for lv in self.levels]


def _check_input(input_hw, strides) -> tuple[tuple[int, int], tuple[float, ...]]:
    try:
        h, w = (int(v) for v in input_hw)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"input size: expected (height, width) in pixels, got {input_hw!r}") from None
    if h < 1 or w < 1 or h != input_hw[0] or w != input_hw[1]:
        raise AnchorVizInputError(f"input size: expected two positive integers (height, width), got {input_hw!r}")
    try:
        st = tuple(float(s) for s in strides)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"strides: expected a list of positive numbers, got {strides!r}") from None
    if not st or any(not math.isfinite(s) or s <= 0 for s in st):
        raise AnchorVizInputError(f"strides: expected one or more positive numbers, got {strides!r}")
    total = sum(math.ceil(h / s) * math.ceil(w / s) for s in st)
    if total > MAX_POINTS:
        raise AnchorVizInputError(f"{h}x{w} with strides {list(st)} gives {total:,} points; at most "
                                  f"{MAX_POINTS:,} are supported")
    return (h, w), st


def _grid(feat_hw: tuple[int, int], stride_hw: tuple[float, float], offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of one level, row-major, as float32 arithmetic gives them: (arange + offset) * stride."""
    fh, fw = feat_hw
    f32 = np.float32
    xs = (np.arange(fw, dtype=f32) + f32(offset)) * f32(stride_hw[1])
    ys = (np.arange(fh, dtype=f32) + f32(offset)) * f32(stride_hw[0])
    gx, gy = np.meshgrid(np.arange(fw), np.arange(fh))
    pts = np.stack([np.broadcast_to(xs[None, :], (fh, fw)), np.broadcast_to(ys[:, None], (fh, fw))], axis=-1)
    return pts.reshape(-1, 2).astype(np.float64), np.stack([gx.reshape(-1), gy.reshape(-1)], axis=1)


def _build(input_hw, strides, *, offset: float, reg_offset: float, library: str,
           torchvision_strides: bool = False, anchor_sizes=None) -> PointGrid:
    (h, w), st = _check_input(input_hw, strides)
    pts, reg, gxy, strd, sizes, lvl, levels = [], [], [], [], [], [], []
    start = 0
    for i, s in enumerate(st):
        feat = (max(1, math.ceil(h / s)), max(1, math.ceil(w / s)))
        # torchvision: strides = image_size // grid_size (integer division), per axis
        shw = (float(h // feat[0]), float(w // feat[1])) if torchvision_strides else (s, s)
        p, g = _grid(feat, shw, offset)
        pts.append(p)
        reg.append(p if reg_offset == offset else _grid(feat, shw, reg_offset)[0])
        gxy.append(g)
        n = len(p)
        strd.append(np.full(n, s))
        size = s if anchor_sizes is None else float(anchor_sizes[i])
        sizes.append(np.full(n, size))
        lvl.append(np.full(n, i, np.int64))
        levels.append(PointLevel(stride=s, stride_hw=shw, feat_hw=feat, start=start, stop=start + n))
        start += n
    return PointGrid(points=np.concatenate(pts), regression_points=np.concatenate(reg), strides=np.concatenate(strd),
                     sizes=np.concatenate(sizes), grid_xy=np.concatenate(gxy).astype(np.int64),
                     level=np.concatenate(lvl), levels=tuple(levels), input_hw=(h, w), library=library,
                     offset=offset)


def make_points(input_hw, strides, *, offset: float = 0.5) -> PointGrid:
    """Points at ((x + offset) * s, (y + offset) * s) for every cell of every level.

    Args:
        input_hw: (height, width) of the network input after the train-time resize.
        strides: one stride per level, finest first (e.g. (8, 16, 32)).
        offset: 0.5 for cell centres, 0 for cell corners.

    >>> g = make_points((16, 16), (8,))
    >>> g.points.tolist()
    [[4.0, 4.0], [12.0, 4.0], [4.0, 12.0], [12.0, 12.0]]
    """
    if not isinstance(offset, (int, float)) or not math.isfinite(offset):
        raise AnchorVizInputError(f"offset: expected a number (0.5 = cell centre), got {offset!r}")
    return _build(input_hw, strides, offset=float(offset), reg_offset=float(offset), library="custom")


def library_points(library: str, input_hw, strides, *, anchor_sizes=None) -> PointGrid:
    """The points a library's point assigner sees (see the module table).

    Args:
        library: a key of ``POINT_LIBRARIES``.
        input_hw: (height, width) of the network input after the resize.
        strides: one stride per level, finest first.
        anchor_sizes: torchvision FCOS only: the one anchor size per level of its AnchorGenerator (default: the
            strides, as FCOS's default sizes 8, 16, 32, ... are). Its anchor width (2 * round(size / 2)) scales
            the centre-sampling radius and the level ranges.

    >>> library_points("torchvision_fcos", (16, 16), (8,)).points.tolist()
    [[0.0, 0.0], [8.0, 0.0], [0.0, 8.0], [8.0, 8.0]]
    """
    if library not in POINT_LIBRARIES:
        raise AnchorVizInputError(f"library: expected one of {sorted(POINT_LIBRARIES)}, got {library!r}")
    off, reg = POINT_LIBRARIES[library]
    if library != "torchvision_fcos":
        if anchor_sizes is not None:
            raise AnchorVizInputError(f"anchor_sizes only applies to torchvision_fcos, not {library}")
        return _build(input_hw, strides, offset=off, reg_offset=reg, library=library)
    n = len(tuple(strides)) if strides is not None else 0
    if anchor_sizes is None:
        anchor_sizes = tuple(strides)
    try:
        sizes = [float(v) for v in anchor_sizes]
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"anchor_sizes: expected one number per level, got {anchor_sizes!r}") from None
    if len(sizes) != n or any(not math.isfinite(v) or v <= 0 for v in sizes):
        raise AnchorVizInputError(f"anchor_sizes: expected {n} positive numbers (one per level), got {anchor_sizes!r}")
    # AnchorGenerator's cell anchor is round([-size/2, size/2]) in float32 (half to even), so its width is
    # 2 * round(size / 2) and its centre the cell corner.
    widths = [2.0 * float(np.round(np.float32(v) / np.float32(2))) for v in sizes]
    return _build(input_hw, strides, offset=0.0, reg_offset=0.0, library=library, torchvision_strides=True,
                  anchor_sizes=widths)
