"""What the Assigners view draws, picked out of an anchor assignment and a point assignment. NumPy only.

The view puts the preset's anchor rule and a point rule side by side, in one language: every location is a
negative dot, an ignored dot (anchor rules only) or a positive marker whose ring is its GT and whose fill is its
class target (1 for the hard-label rules, the soft score for TAL, SimOTA and RTMDet). ``PanelLayers`` holds one
panel. ``gt_candidates`` lays one GT's cost (or alignment metric) over its candidate points out as one window per
level, with the points it won and the ones it picked but lost to another GT. ``label_differences`` finds the cells
where two rules (e.g. mmdet's and YOLOX's SimOTA) disagree.

Why here and not in the page: the same picking serves a notebook, and which point counts as "lost" or
"penalised" is a rule worth one tested place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Label
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.label_layers import label_layers
from anchorviz.core.points import PointGrid

__all__ = ["PanelLayers", "anchor_panel", "point_panel", "LevelWindow", "GtCandidates", "gt_candidates",
           "label_differences", "PENALTY_FLOOR"]

PENALTY_FLOOR = 1e5  # a cost at or above this is a penalty (SimOTA's 1e5 / 1e6, mmdet FCOS's 1e8 "not allowed")


@dataclass(frozen=True, eq=False)
class PanelLayers:
    """One panel of the Assigners view.

    Attributes:
        neg_xy: float64 (n, 2) negative locations (anchor centres or points).
        ign_xy: float64 (m, 2) ignored locations (anchor rules with an ignore band; empty for point rules).
        pos_xy: float64 (p, 2) one row per positive anchor or point.
        pos_gt: int64 (p,) its GT.
        pos_target: float64 (p,) its class target in [0, 1]: 1 for hard labels, the soft score otherwise.
        pos_index: int64 (p,) its anchor or point index.
        positives_per_gt: int64 (M,) positives (YOLOv5: matched pairs) per GT, as the rule counts them.
    """

    neg_xy: np.ndarray
    ign_xy: np.ndarray
    pos_xy: np.ndarray
    pos_gt: np.ndarray
    pos_target: np.ndarray
    pos_index: np.ndarray
    positives_per_gt: np.ndarray

    @property
    def without_positive(self) -> np.ndarray:
        """int64 indices of the GTs with no positive in this panel."""
        return np.flatnonzero(self.positives_per_gt == 0)


def anchor_panel(aset: AnchorSet, labels: np.ndarray, matched_gt: np.ndarray, positives_per_gt: np.ndarray
                 ) -> PanelLayers:
    """The anchor rule's panel: locations as the Labels view draws them (one dot per cell: negative, or ignored
    when one of its anchors is), and every positive anchor at its centre with a hard target of 1.

    Args:
        aset: the anchors.
        labels: int (N,) ``Label`` per anchor; matched_gt: int (N,) GT of each positive.
        positives_per_gt: int (M,) the rule's own count per GT (YOLOv5 counts pairs, so it is passed, not derived).
    """
    layers = label_layers(aset, labels, matched_gt)
    p = len(layers.pos_idx)
    return PanelLayers(neg_xy=layers.neg_xy, ign_xy=layers.ign_xy, pos_xy=layers.pos_xy, pos_gt=layers.pos_gt,
                       pos_target=np.ones(p), pos_index=layers.pos_idx,
                       positives_per_gt=np.asarray(positives_per_gt, np.int64).reshape(-1))


def point_panel(points: np.ndarray, assignment: PointAssignment) -> PanelLayers:
    """The point rule's panel: each point negative or positive (no ignore band), with its class target.

    Args:
        points: float64 (N, 2) the rule's points (``PointGrid.points``).
        assignment: the rule's result on those points.
    """
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    matched = np.asarray(assignment.matched_gt, np.int64)
    if len(matched) != len(pts):
        raise AnchorVizInputError(f"the assignment has {len(matched)} points, the grid {len(pts)}")
    pos = np.flatnonzero((assignment.labels == Label.POSITIVE) & (matched >= 0))
    target = np.ones(len(pos)) if assignment.soft_target is None else \
        np.clip(np.nan_to_num(assignment.soft_target[pos].astype(np.float64)), 0.0, 1.0)
    neg = np.ones(len(pts), bool)
    neg[pos] = False
    return PanelLayers(neg_xy=pts[neg], ign_xy=np.zeros((0, 2)), pos_xy=pts[pos], pos_gt=matched[pos],
                       pos_target=target, pos_index=pos.astype(np.int64),
                       positives_per_gt=np.asarray(assignment.positives_per_gt(), np.int64))


@dataclass(frozen=True, eq=False)
class LevelWindow:
    """One level's cells inside the view, as a heatmap places them.

    Attributes:
        stride: the level's nominal stride.
        x0, y0: the first drawn cell's point; dx, dy: spacing of the points (the level's stride per axis).
        value: float64 (h, w) the GT's cost or metric at its candidate points, NaN elsewhere and where penalised.
        penalised: bool (h, w) candidate pairs carrying a penalty (cost >= ``PENALTY_FLOOR``).
    """

    stride: float
    x0: float
    y0: float
    dx: float
    dy: float
    value: np.ndarray
    penalised: np.ndarray


@dataclass(frozen=True, eq=False)
class GtCandidates:
    """One GT's candidates under a point rule.

    Attributes:
        gt: the GT index.
        kind: "cost" (lower wins), "metric" (higher wins) or "none" (the rule keeps no matrix).
        view: (x0, y0, x1, y1) the region drawn: the GT, a margin, and every point it picked or won.
        levels: one window per level, finest first.
        num_candidates: points with an unpenalised value for this GT (its own region: inside it, its centre
            square, its level's range, as the rule defines it).
        num_penalised: points marked ``penalised`` (candidates of the rule that carry this GT's penalty, or for
            ``geometric`` rules points inside the GT that it may not take).
        dynamic_k: positives the GT asked for (SimOTA / RTMDet: dynamic; TAL: the fixed top-k), None for FCOS.
        won_xy: float64 (w, 2) points the GT ended with; won_index, won_level: int64 (w,) their index and level.
        lost_xy: float64 (l, 2) points it picked but lost in conflict resolution; lost_index, lost_level: int64
            (l,);
        lost_to: int64 (l,) the GT that got each (-1: the point ended as background).
        value_range: (lo, hi) of the finite, unpenalised values (0, 1 when there are none).
    """

    gt: int
    kind: str
    view: tuple[float, float, float, float]
    levels: tuple[LevelWindow, ...]
    num_candidates: int
    num_penalised: int
    dynamic_k: int | None
    won_xy: np.ndarray
    won_index: np.ndarray
    won_level: np.ndarray
    lost_xy: np.ndarray
    lost_index: np.ndarray
    lost_level: np.ndarray
    lost_to: np.ndarray
    value_range: tuple[float, float]


def _gt_values(assignment: PointAssignment, gt: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(value float64 (N,), penalised bool (N,)): the GT's column of the cost / metric matrix over all points."""
    value = np.full(n, np.nan)
    penalised = np.zeros(n, bool)
    cost = assignment.cost
    if cost is None or not cost.size:
        return value, penalised
    col = np.asarray(cost[:, gt], np.float64)
    rows = assignment.candidate_index
    if assignment.cost_kind == "metric":  # 0 = not a candidate of this GT (outside it, or a failed test)
        keep = np.isfinite(col) & (col > 0)
        value[rows[keep]] = col[keep]
    else:
        keep = np.isfinite(col)
        pen = keep & (col >= PENALTY_FLOOR)
        value[rows[keep & ~pen]] = col[keep & ~pen]
        penalised[rows[pen]] = True
    return value, penalised


def gt_candidates(grid: PointGrid, assignment: PointAssignment, gt_boxes: np.ndarray, gt: int, *,
                  margin: float = 0.35, geometric: bool = False) -> GtCandidates:
    """Lay GT ``gt``'s candidates out level by level around it.

    Args:
        grid: the rule's points; assignment: its result on them.
        gt_boxes: float64 (M, 4) xyxy.
        gt: the GT to show.
        margin: the view extends the GT by this fraction of its longer side, and by at least the coarsest stride.
        geometric: a rule without costs (FCOS): "penalised" then marks the points strictly inside the GT that the
            rule does not allow it (another level's range, outside the centre region), not a cost.

    Raises:
        AnchorVizInputError: ``gt`` out of range, or an assignment of another grid.
    """
    boxes = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    m, n = len(boxes), len(grid)
    if not 0 <= gt < m or assignment.num_gts != m:
        raise AnchorVizInputError(f"gt: expected an index in [0, {m}) of an assignment with {m} GTs, got {gt} "
                                  f"({assignment.num_gts} GTs assigned)")
    if len(assignment.matched_gt) != n:
        raise AnchorVizInputError(f"the assignment has {len(assignment.matched_gt)} points, the grid {n}")
    value, penalised = _gt_values(assignment, gt, n)
    if geometric:
        b = boxes[gt]
        p = grid.points
        inside = (p[:, 0] > b[0]) & (p[:, 0] < b[2]) & (p[:, 1] > b[1]) & (p[:, 1] < b[3])
        penalised = inside & ~np.isfinite(value)
    won = np.flatnonzero(assignment.matched_gt == gt)
    lost_rows = assignment.lost[assignment.lost[:, 1] == gt] if len(assignment.lost) else np.zeros((0, 3), np.int64)
    x0, y0, x1, y1 = boxes[gt]
    pad = max(margin * max(x1 - x0, y1 - y0), max(lv.stride for lv in grid.levels))
    vx0, vy0, vx1, vy1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    shown = np.concatenate([won, lost_rows[:, 0]])
    if len(shown):
        p = grid.points[shown]
        s = grid.strides[shown]
        vx0, vy0 = min(vx0, float((p[:, 0] - s).min())), min(vy0, float((p[:, 1] - s).min()))
        vx1, vy1 = max(vx1, float((p[:, 0] + s).max())), max(vy1, float((p[:, 1] + s).max()))
    windows = []
    for lv in grid.levels:
        fh, fw = lv.feat_hw
        pts = grid.points[lv.start:lv.stop].reshape(fh, fw, 2)
        xs, ys = pts[0, :, 0], pts[:, 0, 1]
        cols = np.flatnonzero((xs >= vx0) & (xs <= vx1))
        rows = np.flatnonzero((ys >= vy0) & (ys <= vy1))
        if not len(cols) or not len(rows):
            windows.append(LevelWindow(stride=lv.stride, x0=float(vx0), y0=float(vy0), dx=lv.stride_hw[1],
                                       dy=lv.stride_hw[0], value=np.zeros((0, 0)), penalised=np.zeros((0, 0), bool)))
            continue
        sl = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
        windows.append(LevelWindow(
            stride=lv.stride, x0=float(xs[cols[0]]), y0=float(ys[rows[0]]), dx=lv.stride_hw[1], dy=lv.stride_hw[0],
            value=value[lv.start:lv.stop].reshape(fh, fw)[sl].copy(),
            penalised=penalised[lv.start:lv.stop].reshape(fh, fw)[sl].copy()))
    finite = value[np.isfinite(value)]
    vrange = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    dk = None if assignment.dynamic_k is None or not len(assignment.dynamic_k) else int(assignment.dynamic_k[gt])
    return GtCandidates(
        gt=int(gt), kind=assignment.cost_kind, view=(float(vx0), float(vy0), float(vx1), float(vy1)),
        levels=tuple(windows), num_candidates=int(np.isfinite(value).sum()),
        num_penalised=int(penalised.sum()), dynamic_k=dk, won_xy=grid.points[won], won_index=won.astype(np.int64),
        won_level=grid.level[won], lost_xy=grid.points[lost_rows[:, 0]],
        lost_index=lost_rows[:, 0].astype(np.int64), lost_level=grid.level[lost_rows[:, 0]],
        lost_to=lost_rows[:, 2].astype(np.int64), value_range=vrange)


def label_differences(a: PointAssignment, b: PointAssignment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells where two point rules give a different GT (or one gives background).

    Both must label the same cells (same input and strides; the grids may place the points differently, e.g.
    torchvision FCOS at cell corners and mmdet at cell centres: the comparison is per cell, in the libraries'
    common order).

    Returns:
        (index int64 (d,), GT under ``a``, GT under ``b``), -1 meaning background.
    """
    ma, mb = np.asarray(a.matched_gt, np.int64), np.asarray(b.matched_gt, np.int64)
    if ma.shape != mb.shape:
        raise AnchorVizInputError(f"the two assignments label {len(ma)} and {len(mb)} points; compare rules on the "
                                  f"same input and strides")
    idx = np.flatnonzero(ma != mb)
    return idx.astype(np.int64), ma[idx], mb[idx]
