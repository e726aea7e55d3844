"""mmdet's FCOS point targets (``FCOSHead._get_targets_single``), in float32, for comparison with torchvision's.

Same idea as torchvision's FCOS, different details that change who gets a positive:

* points at cell centres (``MlvlPointGenerator(offset=0.5)``), not corners;
* regress ranges are **inclusive** (lo <= max(l, t, r, b) <= hi), defaults (-1, 64), (64, 128), (128, 1e8) for
  three levels (FCOS's five-level defaults continue (256, 512), (512, 1e8));
* without centre sampling (the head's default) only "inside the GT" is tested; with it the GT box is first
  **clipped** to the centre square (+-radius x stride) and the point must be strictly inside that intersection;
* the smallest area wins **exactly** (areas compared as float32 areas, 1e8 for "not allowed", first index on
  ties): no 1e8 - area key, so no quantisation;
* background is labelled ``num_classes``; box targets are l, t, r, b in pixels (divided by the stride only later,
  with ``norm_on_bbox``).

On the visible golden scene the 8 x 7 GT gets one point in torchvision and none here, only because the grids differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.assigners._inputs import gt_label_array
from anchorviz.core.assigners._overlaps import any_per_row
from anchorviz.core.assigners.dynamic_k import true_pairs
from anchorviz.core.assigners.result import PointAssignment, from_matches
from anchorviz.core.points import PointGrid
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["FcosTargets", "fcos_targets_mmdet", "assign_fcos_mmdet", "mmdet_regress_ranges"]

F = np.float32
INF = 1e8


def mmdet_regress_ranges(num_levels: int) -> tuple[tuple[float, float], ...]:
    """FCOSHead's default ranges, (-1, 64), (64, 128), ... with the last level open up to 1e8."""
    if num_levels < 1:
        raise AnchorVizInputError(f"num_levels: expected >= 1, got {num_levels}")
    edges = [-1.0] + [64.0 * 2**i for i in range(num_levels - 1)] + [INF]
    return tuple((edges[i], edges[i + 1]) for i in range(num_levels))


@dataclass(frozen=True, eq=False)
class FcosTargets:
    """mmdet FCOS targets of N points for M GTs.

    Attributes:
        labels: int64 (N,) class of each point, ``num_classes`` for background (mmdet's convention).
        matched_gt: int64 (N,) 0-based GT index, -1 for background.
        bbox_targets: float32 (N, 4) l, t, r, b in pixels to the chosen GT (to GT 0 ... for background rows, as
            mmdet's gather gives them; use ``matched_gt >= 0``).
        inside_mask: bool (N, M) inside the GT (or inside the clipped centre region with centre sampling).
        range_and_inside: bool (N, M) also within the level's regress range.
        areas: float32 (M,).
    """

    labels: np.ndarray
    matched_gt: np.ndarray
    bbox_targets: np.ndarray
    inside_mask: np.ndarray
    range_and_inside: np.ndarray
    areas: np.ndarray


def fcos_targets_mmdet(points: np.ndarray, point_level: np.ndarray, strides, gt_boxes, gt_labels, *,
                       num_classes: int, regress_ranges=None, center_sampling: bool = False,
                       center_sample_radius: float = 1.5) -> FcosTargets:
    """``FCOSHead._get_targets_single`` for one image.

    Args:
        points (ndarray[N, 2]): cell-centre points (``library_points("mmdet_fcos", ...).points``).
        point_level (ndarray[N]): level index of each point.
        strides: one stride per level.
        gt_boxes (ndarray[M, 4]): xyxy pixels.
        gt_labels: int (M,) class per GT.
        num_classes: the background label.
        regress_ranges: one (lo, hi) per level (default ``mmdet_regress_ranges``).
        center_sampling, center_sample_radius: the head's options.
    """
    st = [float(s) for s in strides]
    ranges = mmdet_regress_ranges(len(st)) if regress_ranges is None else tuple(tuple(r) for r in regress_ranges)
    if len(ranges) != len(st) or any(len(r) != 2 for r in ranges):
        raise AnchorVizInputError(f"regress_ranges: expected {len(st)} (lo, hi) pairs, got {regress_ranges!r}")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise AnchorVizInputError(f"num_classes: expected a positive integer, got {num_classes!r}")
    if not isinstance(center_sample_radius, (int, float)) or not math.isfinite(center_sample_radius) \
            or center_sample_radius <= 0:
        raise AnchorVizInputError(f"center_sample_radius: expected a positive number, got {center_sample_radius!r}")
    g = as_boxes(gt_boxes, name="gt boxes").astype(F)
    m = len(g)
    labels_gt = gt_label_array(gt_labels, m)
    pts = np.asarray(points, np.float64).reshape(-1, 2).astype(F)
    lvl = np.asarray(point_level, np.int64).reshape(-1)
    n = len(pts)
    if m == 0:
        z = np.zeros((n, 0), bool)
        return FcosTargets(labels=np.full(n, num_classes, np.int64), matched_gt=np.full(n, -1, np.int64),
                           bbox_targets=np.zeros((n, 4), F), inside_mask=z, range_and_inside=z, areas=np.zeros(0, F))
    rr = np.asarray(ranges, np.float64).astype(F)[lvl]  # [N, 2]
    areas = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    xs, ys = pts[:, 0:1], pts[:, 1:2]
    left, top = xs - g[None, :, 0], ys - g[None, :, 1]
    right, bottom = g[None, :, 2] - xs, g[None, :, 3] - ys
    if center_sampling:
        cx = (g[:, 0] + g[:, 2]) / F(2)
        cy = (g[:, 1] + g[:, 3]) / F(2)
        rad = (np.asarray(st, np.float64) * float(center_sample_radius)).astype(F)[lvl][:, None]  # [N, 1]
        x_min = np.where(cx - rad > g[None, :, 0], cx - rad, g[None, :, 0])
        y_min = np.where(cy - rad > g[None, :, 1], cy - rad, g[None, :, 1])
        x_max = np.where(cx + rad > g[None, :, 2], g[None, :, 2], cx + rad)
        y_max = np.where(cy + rad > g[None, :, 3], g[None, :, 3], cy + rad)
        inside = np.minimum(np.minimum(xs - x_min, ys - y_min), np.minimum(x_max - xs, y_max - ys)) > 0
    else:
        inside = np.minimum(np.minimum(left, top), np.minimum(right, bottom)) > 0
    max_d = np.maximum(np.maximum(left, top), np.maximum(right, bottom))
    in_range = (max_d >= rr[:, 0:1]) & (max_d <= rr[:, 1:2])
    allowed = inside & in_range
    cand_areas = np.where(allowed, areas[None, :], F(INF))
    best = cand_areas.argmin(axis=1)  # first minimum on ties
    min_area = cand_areas[np.arange(n), best]
    background = min_area == F(INF)
    labels = np.where(background, num_classes, labels_gt[best]).astype(np.int64)
    idx = np.arange(n)
    targets = np.stack([left[idx, best], top[idx, best], right[idx, best], bottom[idx, best]], axis=1)
    return FcosTargets(labels=labels, matched_gt=np.where(background, -1, best).astype(np.int64),
                       bbox_targets=targets.astype(F), inside_mask=inside, range_and_inside=allowed, areas=areas)


def assign_fcos_mmdet(grid: PointGrid, gt_boxes, gt_labels=None, *, center_sampling: bool = False,
                      center_sample_radius: float = 1.5, regress_ranges=None) -> PointAssignment:
    """mmdet FCOS targets in the common frame: candidates are points inside some GT (or centre region), ``cost``
    is each candidate's GT area where allowed (lower wins; 1e8 where not), ``picked`` every allowed pair.

    Args:
        grid: from ``library_points("mmdet_fcos", ...)``.
    """
    g = as_boxes(gt_boxes, name="gt boxes")
    labels = np.zeros(len(g), np.int64) if gt_labels is None else gt_label_array(gt_labels, len(g))
    num_classes = int(labels.max(initial=0)) + 1
    res = fcos_targets_mmdet(grid.points, grid.level, [lv.stride for lv in grid.levels], g, labels,
                             num_classes=num_classes, regress_ranges=regress_ranges, center_sampling=center_sampling,
                             center_sample_radius=center_sample_radius)
    cand = any_per_row(res.inside_mask)
    cost = np.where(res.range_and_inside, res.areas[None, :], F(INF))[cand]
    rule = "mmdet FCOS" + (f" (centre sampling {center_sample_radius:g})" if center_sampling else "")
    return from_matches(rule=rule, matched_gt=res.matched_gt, gt_labels=labels, num_gts=len(g), candidates=cand,
                        cost=cost, cost_kind="cost", picked=np.column_stack(true_pairs(res.range_and_inside)))
