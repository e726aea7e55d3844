"""torchvision FCOS matching (``FCOS.compute_loss``, the part before the head's loss), in float32.

A (point, GT) pair matches when all three tests hold:

1. centre sampling: Chebyshev distance from the point to the GT centre < radius x anchor size (open);
2. inside: the point is strictly inside the GT (min(l, t, r, b) > 0);
3. scale: 4 x size < max(l, t, r, b) < 8 x size, both open, with the first level's lower bound 0 and the last
   level's upper bound +inf.

A point matched by several GTs takes the one with the smallest area, but torchvision does it by multiplying the
mask with ``1e8 - area`` **in float32** and taking the argmax. Near 1e8 float32 has a spacing of 8, so areas within
~8 px² share a key and the lower GT index wins (a 900 px² GT at index 1 beats an 899 px² one at index 2). That
quantisation is reproduced here on purpose, and each GT's key is returned so the page can show it. Keys below
1e-5 (no match, or an area >= 1e8) give -1.

Points sit on cell corners (see ``anchorviz.core.points``): a grid half a stride away from the YOLO-style ones.
The matching uses no prediction, so it does not move with training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.assigners._inputs import gt_label_array
from anchorviz.core.assigners._overlaps import any_per_row
from anchorviz.core.assigners.dynamic_k import true_pairs
from anchorviz.core.assigners.result import PointAssignment, from_matches
from anchorviz.core.points import PointGrid
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["FcosMatch", "fcos_match_torchvision", "assign_fcos_torchvision"]

F = np.float32


@dataclass(frozen=True, eq=False)
class FcosMatch:
    """torchvision FCOS matching of N points to M GTs, with every intermediate the golden files record.

    Attributes:
        matched_idxs: int64 (N,) 0-based GT index of each point, -1 for background.
        center_mask: bool (N, M) test 1 (centre sampling).
        inside_mask: bool (N, M) tests 1 and 2.
        match_mask: bool (N, M) tests 1, 2 and 3.
        max_ltrb: float32 (N, M) max(l, t, r, b) of each pair (the scale test's distance).
        lower_bound, upper_bound: float32 (N,) each point's scale range (0 / +inf at the ends).
        gt_areas: float32 (M,).
        keys: float32 (M,) 1e8 - area in float32: the quantised tie-break value of each GT.
        min_area_key_per_gt: float32 (M,) the key where the GT matched some point, 0 where it matched none.
        num_anchors_per_level: points per level.
    """

    matched_idxs: np.ndarray
    center_mask: np.ndarray
    inside_mask: np.ndarray
    match_mask: np.ndarray
    max_ltrb: np.ndarray
    lower_bound: np.ndarray
    upper_bound: np.ndarray
    gt_areas: np.ndarray
    keys: np.ndarray
    min_area_key_per_gt: np.ndarray
    num_anchors_per_level: tuple[int, ...]

    @property
    def lower_bound_per_level(self) -> np.ndarray:
        return self._per_level(self.lower_bound)

    @property
    def upper_bound_per_level(self) -> np.ndarray:
        return self._per_level(self.upper_bound)

    def _per_level(self, a: np.ndarray) -> np.ndarray:
        starts = np.cumsum((0,) + tuple(self.num_anchors_per_level[:-1]))
        return a[starts] if len(a) else a[:0]


def _check_radius(radius: float) -> float:
    if not isinstance(radius, (int, float)) or not np.isfinite(radius) or radius <= 0:
        raise AnchorVizInputError(f"center_sampling_radius: expected a positive number (FCOS uses 1.5), got {radius!r}")
    return float(radius)


def fcos_match_torchvision(points: np.ndarray, sizes: np.ndarray, num_anchors_per_level, gt_boxes, *,
                           center_sampling_radius: float = 1.5) -> FcosMatch:
    """torchvision's FCOS ``matched_idxs`` for one image, with the intermediate values.

    Args:
        points (ndarray[N, 2]): anchor centres (cell corners), in torchvision's order (``PointGrid.points`` of
            ``library_points("torchvision_fcos", ...)``).
        sizes (ndarray[N]): anchor width of each point (``PointGrid.sizes``).
        num_anchors_per_level: N per level, finest first (the scale range's ends are set per level).
        gt_boxes (ndarray[M, 4]): xyxy pixels.
        center_sampling_radius: in anchor sizes (torchvision's default 1.5).

    Returns:
        FcosMatch; ``matched_idxs`` is what torchvision passes to ``FCOSHead.compute_loss``.
    """
    radius = _check_radius(center_sampling_radius)
    g = as_boxes(gt_boxes, name="gt boxes").astype(F)
    pts = np.asarray(points, np.float64).reshape(-1, 2).astype(F)
    size = np.asarray(sizes, np.float64).reshape(-1).astype(F)
    counts = tuple(int(c) for c in num_anchors_per_level)
    n, m = len(pts), len(g)
    if len(size) != n or sum(counts) != n:
        raise AnchorVizInputError(f"FCOS points: {n} points, {len(size)} sizes and {sum(counts)} points per level "
                                  "must agree")
    lower = size * F(4)
    upper = size * F(8)
    if n:
        lower[:counts[0]] = 0
        upper[n - counts[-1]:] = np.inf
    areas = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    keys = F(1e8) - areas
    if m == 0:
        z = np.zeros((n, 0), bool)
        return FcosMatch(matched_idxs=np.full(n, -1, np.int64), center_mask=z, inside_mask=z, match_mask=z,
                         max_ltrb=np.zeros((n, 0), F), lower_bound=lower, upper_bound=upper, gt_areas=areas,
                         keys=keys, min_area_key_per_gt=np.zeros(0, F), num_anchors_per_level=counts)
    centres = (g[:, :2] + g[:, 2:]) / F(2)
    center, inside, match = (np.empty((n, m), bool) for _ in range(3))
    max_ltrb = np.empty((n, m), F)
    matched = np.empty(n, np.int64)
    key_max = np.full(m, -np.inf, F)
    # block by block of rows: every value is per (point, GT), and whole (N, M) temporaries would be fresh memory
    # (page faults) on every call; the column maximum of the keys is exact in any order
    for lo in range(0, n, _ROWS):
        r = slice(lo, min(lo + _ROWS, n))
        x, y = pts[r, 0:1], pts[r, 1:2]  # [rows, 1]
        cheb = np.maximum(np.abs(x - centres[None, :, 0]), np.abs(y - centres[None, :, 1]))  # [rows, M]
        center[r] = cheb < F(radius) * size[r, None]
        left, top = x - g[None, :, 0], y - g[None, :, 1]
        right, bottom = g[None, :, 2] - x, g[None, :, 3] - y
        inside[r] = center[r] & (np.minimum(np.minimum(left, top), np.minimum(right, bottom)) > 0)
        max_ltrb[r] = np.maximum(np.maximum(left, top), np.maximum(right, bottom))
        match[r] = inside[r] & (max_ltrb[r] > lower[r, None]) & (max_ltrb[r] < upper[r, None])
        keyed = match[r].astype(F) * keys[None, :]  # the float32 product torchvision takes the argmax of
        best = keyed.argmax(axis=1)  # first maximum on ties: the lower GT index
        best_val = keyed[np.arange(len(best)), best]
        matched[r] = np.where(best_val < F(1e-5), -1, best)
        np.maximum(key_max, keyed.max(axis=0), out=key_max)
    return FcosMatch(matched_idxs=matched, center_mask=center, inside_mask=inside, match_mask=match,
                     max_ltrb=max_ltrb, lower_bound=lower, upper_bound=upper, gt_areas=areas, keys=keys,
                     min_area_key_per_gt=key_max, num_anchors_per_level=counts)


_ROWS = 1024  # rows per block: the block's (rows, M) float32 temporaries stay in cache


def assign_fcos_torchvision(grid: PointGrid, gt_boxes, gt_labels=None, *,
                            center_sampling_radius: float = 1.5) -> PointAssignment:
    """torchvision FCOS matching in the common frame: candidates are the points passing the centre test for some
    GT, ``cost`` is each candidate's area key (the value the argmax compares, 0 where the pair fails a test), and
    ``picked`` lists every (point, GT) pair passing all three tests, so points shared by GTs show what the
    smaller-area (quantised) GT took from the others.

    Args:
        grid: from ``library_points("torchvision_fcos", ...)``.
        gt_boxes (ndarray[M, 4]): xyxy pixels.
        gt_labels: int (M,) class per GT (default 0).
    """
    res = fcos_match_torchvision(grid.points, grid.sizes, grid.num_points_per_level, gt_boxes,
                                 center_sampling_radius=center_sampling_radius)
    m = res.match_mask.shape[1]
    labels = np.zeros(m, np.int64) if gt_labels is None else gt_label_array(gt_labels, m)
    cand = any_per_row(res.center_mask)
    keyed_cand = res.match_mask[cand].astype(F) * res.keys[None, :]  # the argmax's values, candidate rows only
    picked = np.column_stack(true_pairs(res.match_mask))
    return from_matches(rule=f"torchvision FCOS (radius {center_sampling_radius:g})", matched_gt=res.matched_idxs,
                        gt_labels=labels, num_gts=m, candidates=cand, cost=keyed_cand, cost_kind="metric",
                        picked=picked)

