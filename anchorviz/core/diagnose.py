"""How each GT is matched, and why a GT got no positive anchor or only low-quality ones: the reasons, as codes with
their numbers (the app words them).

``match_kinds`` sorts the GTs into three kinds, the one summary every view and the dataset fit use:

* ``GTMatch.NONE``: no positive anchor (learned as background);
* ``GTMatch.LOW_QUALITY``: positive anchors, but none reaches ``pos_iou`` with it: only the library's low-quality
  rule made them positive (torchvision / detectron2 / mmdet tie rule, d2l's forced match). A success by the rule's
  letter, not by its threshold;
* ``GTMatch.THRESHOLD``: at least one positive anchor reaches ``pos_iou`` with it.

YOLOv5 (shape ratios) and ATSS (a threshold of its own per GT, mean + std of its candidates' IoUs) have no
low-quality rule and no fixed IoU threshold: there a GT is NONE or THRESHOLD ("matched by the assigner's rule"),
never LOW_QUALITY.

Why a GT got no positive, in the order the reasons are checked:

* shape: no anchor shape, even centred exactly on the GT, reaches the positive threshold (too small, too
  large, or too elongated for the ratios);
* placement: a shape would fit, but the nearest anchor centres are a stride away;
* low-quality matching: off, or skipped because the best IoU is below ``min_pos_iou``;
* competition: its best anchor went to another GT, or is ignored by the library's outside-image rule.

Each reason is a ``Reason(code, fields)`` with raw values (IoUs, thresholds, (w, h) pairs, level names); the
app's i18n table has a sentence per code (``diagnose.<code>``) and formats the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal, NamedTuple

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.assign.max_iou import MaxIoURule
from anchorviz.core.conventions import IoUStyle
from anchorviz.core.iou.pairwise import paired_iou, shape_iou
from anchorviz.core.iou.quality import MatchQuality

__all__ = ["Reason", "ZeroPositive", "explain_zero_positives", "GTMatch", "MatchKinds", "match_kinds",
           "gt_match_kinds", "explain_low_quality_only"]


class GTMatch(IntEnum):
    """How a GT is matched (see the module docstring)."""

    NONE = 0
    LOW_QUALITY = 1
    THRESHOLD = 2


@dataclass(frozen=True, eq=False)
class MatchKinds:
    """How the GTs of one assignment are matched.

    Attributes:
        kind: int8 (M,) ``GTMatch`` of each GT.
        weak: bool (N,) positive anchors whose IoU with their own GT is below ``pos_iou`` (the low-quality
            rule's positives); all False without a threshold (YOLOv5, ATSS).
        positive_iou: float64 (N,) IoU of each positive anchor with the GT it is matched to, NaN elsewhere.
        pos_iou: the threshold, or None (YOLOv5, ATSS).
    """

    kind: np.ndarray
    weak: np.ndarray
    positive_iou: np.ndarray
    pos_iou: float | None

    def indices(self, kind: GTMatch) -> np.ndarray:
        """int64 GT indices of one kind, in order."""
        return np.flatnonzero(self.kind == kind)


def match_kinds(aset: AnchorSet, gts: np.ndarray, asg: Assignment, *, pos_iou: float | None,
                style: IoUStyle | None = None) -> MatchKinds:
    """Sort the GTs of ``asg`` into NONE / LOW_QUALITY / THRESHOLD.

    A GT is matched at the threshold when one of *its own* positive anchors reaches ``pos_iou`` with it. Its best
    IoU over all anchors is not enough: torchvision's tie rule can hand a GT positives through another GT's ties
    while its one good anchor went to a GT it overlaps more, and d2l forces a match that need not be the GT's best.

    Args:
        aset: the anchors.
        gts: (M, 4) xyxy GT boxes in network-input pixels.
        asg: their assignment.
        pos_iou: the max-IoU positive threshold; None for assigners without one (YOLOv5, ATSS).
        style: the IoU arithmetic of the assignment (default the convention's), compared in its dtype as the
            library compares.
    """
    n = len(asg.labels)
    pos, iou, kind, strong = _kinds(aset, gts, asg, pos_iou, style)
    positive_iou = np.full(n, np.nan)
    positive_iou[pos] = iou
    weak = np.zeros(n, bool)
    if strong is not None:
        weak[pos[~strong]] = True
    return MatchKinds(kind=kind, weak=weak, positive_iou=positive_iou, pos_iou=pos_iou)


def gt_match_kinds(aset: AnchorSet, gts: np.ndarray, asg: Assignment, *, pos_iou: float | None,
                   style: IoUStyle | None = None) -> np.ndarray:
    """``match_kinds(...).kind`` alone: the same int8 (M,) ``GTMatch`` per GT, without the per-anchor arrays (a
    dataset fit asks this for every image it assesses, and needs nothing per anchor)."""
    return _kinds(aset, gts, asg, pos_iou, style)[2]


def _kinds(aset: AnchorSet, gts, asg: Assignment, pos_iou: float | None, style: IoUStyle | None):
    """(positive anchors matched to a GT, float64 IoU with that GT, int8 (M,) GTMatch, which of those positives
    reach ``pos_iou`` (None without a threshold or GTs))."""
    gts = np.asarray(gts, np.float64).reshape(-1, 4)
    m = asg.num_gts
    pos = np.flatnonzero((asg.labels == Label.POSITIVE) & (asg.matched_gt >= 0))
    st = style or aset.config.conv.iou
    iou = np.zeros(0)
    if len(pos):
        iou = np.asarray(paired_iou(aset.boxes[pos], gts[asg.matched_gt[pos]], style=st), np.float64)
    per_gt = asg.positives_per_gt()
    kind = np.where(per_gt > 0, GTMatch.THRESHOLD, GTMatch.NONE).astype(np.int8)
    strong = None
    if pos_iou is not None and m:
        dt = np.float32 if st.dtype == "float32" else np.float64
        strong = np.asarray(iou, dt) >= dt(pos_iou)  # NaN (0-area pairs) is not strong
        has_strong = np.bincount(asg.matched_gt[pos[strong]], minlength=m) > 0
        kind[(per_gt > 0) & ~has_strong] = GTMatch.LOW_QUALITY
    return pos, iou, kind, strong


class Reason(NamedTuple):
    """One reason: ``code`` ("too_small", "placement", "lq_off", "taken", ...) and its values."""

    code: str
    fields: dict


@dataclass(frozen=True)
class ZeroPositive:
    """One GT without positives, or positive only by the low-quality rule (``explain_low_quality_only``).

    Attributes:
        gt: GT index.
        best_iou: its best IoU with any anchor (NaN if unknown).
        anchor: index of its best anchor (-1 when it overlaps none).
        level, cell_y, cell_x, shape_wh: where that anchor sits ("" / -1 when none).
        why: the reasons, in the order they were found.
    """

    gt: int
    best_iou: float
    anchor: int
    level: str
    cell_y: int
    cell_x: int
    shape_wh: tuple[float, float]
    why: tuple[Reason, ...]


def _all_shapes(aset: AnchorSet):
    """(S, 2) every (level, shape) w x h, with their level index and shape index."""
    whs, lvl, shp = [], [], []
    for g in aset.levels:
        wh = g.shapes_wh
        whs.append(wh)
        lvl += [g.index] * len(wh)
        shp += list(range(len(wh)))
    return np.concatenate(whs), np.asarray(lvl), np.asarray(shp)


def _where(aset: AnchorSet, a: int):
    lv = int(aset.level[a])
    g = aset.levels[lv]
    return g.name, int(aset.cell_y[a]), int(aset.cell_x[a]), tuple(g.shapes_wh[int(aset.shape[a])].tolist())


def _wh(v) -> tuple[float, float]:
    return float(v[0]), float(v[1])


def _shape_reason(aset: AnchorSet, gwh: np.ndarray, thr: float) -> tuple[Reason | None, float]:
    """(None or the shape reason without the GT's best IoU, best shape IoU)."""
    whs, lvl, shp = _all_shapes(aset)
    ious = shape_iou(gwh[None, :], whs)[0]
    k = int(np.argmax(ious))
    best = float(ious[k])
    if best >= thr:
        return None, best
    areas = whs[:, 0] * whs[:, 1]
    garea = float(gwh[0] * gwh[1])
    fields = dict(gwh=_wh(gwh), fit=_wh(whs[k]), lv=aset.levels[int(lvl[k])].name, shape_best=best, thr=thr)
    if garea < areas.min():
        return Reason("too_small", fields), best
    if garea > areas.max():
        return Reason("too_large", fields), best
    r = gwh[1] / gwh[0] if gwh[0] > 0 else np.inf
    ar = whs[:, 1] / whs[:, 0]
    return Reason("too_elongated", dict(fields, r=float(r), lo=float(ar.min()), hi=float(ar.max()))), best


def _best_anchor(aset: AnchorSet, gts: np.ndarray, quality: MatchQuality, g: int):
    """(GT w, h; its best IoU; its first best anchor or -1; that anchor's level, cell y, cell x, shape w, h)."""
    box = gts[g]
    gwh = np.array([box[2] - box[0], box[3] - box[1]], np.float64)
    best = float(quality.gt_max_iou[g])
    a = -1
    if np.isfinite(best) and best > 0:
        ties = quality.tie_anchors(g)
        if len(ties):
            a = int(ties[0])
    return gwh, best, a, (_where(aset, a) if a >= 0 else ("", -1, -1, (0.0, 0.0)))


def explain_zero_positives(aset: AnchorSet, gts: np.ndarray, asg: Assignment, quality: MatchQuality, zero_idx, *,
                           method: Literal["maxiou", "yolov5", "atss"], rule: MaxIoURule | None = None,
                           anchor_t: float = 4.0, topk: int = 9) -> list[ZeroPositive]:
    """One ZeroPositive per GT in ``zero_idx``.

    Args:
        aset: the anchors.
        gts: (M, 4) xyxy GT boxes in network-input pixels.
        asg: the assignment that gave them no positive.
        quality: the match quality of aset and gts with every GT's ties (``MatchRequest(ties_from=0.0)``), in the
            convention's IoU style for max-IoU.
        zero_idx: GT indices without positives.
        method: the assigner: "maxiou" (needs ``rule``), "yolov5" (``anchor_t``) or "atss" (``topk``).
    """
    out = []
    for g in (int(i) for i in zero_idx):
        box = gts[g]
        gwh, best, a, where = _best_anchor(aset, gts, quality, g)
        if method == "maxiou":
            why = _why_maxiou(aset, asg, g, gwh, best, a, rule)
        elif method == "yolov5":
            why = _why_yolo(aset, gwh, anchor_t)
        else:
            why = _why_atss(aset, box, best, topk)
        out.append(ZeroPositive(gt=g, best_iou=best, anchor=a, level=where[0], cell_y=where[1], cell_x=where[2],
                                shape_wh=tuple(float(v) for v in where[3]), why=tuple(why)))
    return out


def _strides(aset: AnchorSet) -> tuple:
    return tuple(sorted({int(s) if float(s).is_integer() else s for gl in aset.levels for s in gl.stride_hw}))


def _competition(asg: Assignment, aset: AnchorSet, g: int, a: int) -> Reason | None:
    if a < 0:
        return None
    lab = int(asg.labels[a])
    if lab == Label.POSITIVE and int(asg.matched_gt[a]) != g:
        return Reason("taken", dict(other=int(asg.matched_gt[a])))
    if lab == Label.IGNORED:
        rule = aset.config.conv.outside_rule
        if rule == "centre":
            return Reason("ignored_centre", {})
        if rule == "border":
            return Reason("ignored_border", {})
        return Reason("ignored", {})
    return None


def _why_maxiou(aset, asg, g, gwh, best, a, rule: MaxIoURule) -> list[Reason]:
    thr = rule.pos_iou
    if not best > 0:
        return [Reason("no_overlap", {})]
    shape, shape_best = _shape_reason(aset, gwh, thr)
    parts = []
    if best < thr:
        if shape:
            parts.append(Reason(shape.code, dict(shape.fields, best=best)))
        else:
            parts.append(Reason("placement", dict(shape_best=shape_best, best=best, strides=_strides(aset), thr=thr)))
        if rule.low_quality == "none":
            parts.append(Reason("lq_off", {}) if aset.config.conv.low_quality != "none"
                         else Reason("lq_none", dict(conv=aset.config.conv.title)))
        elif best < rule.min_pos_iou:
            parts.append(Reason("lq_min", dict(min=rule.min_pos_iou)))
        else:
            comp = _competition(asg, aset, g, a)
            if comp:
                parts.append(comp)
    else:
        comp = _competition(asg, aset, g, a)
        parts.append(comp or Reason("best", dict(best=best)))
    return parts


def _why_yolo(aset, gwh, anchor_t) -> list[Reason]:
    whs, lvl, _ = _all_shapes(aset)
    with np.errstate(divide="ignore"):
        r = np.maximum(gwh[None, :] / whs, whs / gwh[None, :]).max(axis=1)
    k = int(np.argmin(r))
    return [Reason("yolov5", dict(anchor_t=anchor_t, gwh=_wh(gwh), lv=aset.levels[int(lvl[k])].name, wh=_wh(whs[k]),
                                  r=float(r[k])))]


def _why_atss(aset, box, best, topk) -> list[Reason]:
    c = aset.centres()
    inside = ((c[:, 0] > box[0]) & (c[:, 0] < box[2]) & (c[:, 1] > box[1]) & (c[:, 1] < box[3])).any()
    if not inside:
        return [Reason("atss_outside", dict(best=best))]
    return [Reason("atss", dict(topk=topk, best=best))]


def explain_low_quality_only(aset: AnchorSet, gts: np.ndarray, asg: Assignment, quality: MatchQuality,
                             kinds: MatchKinds) -> list[ZeroPositive]:
    """One entry per GT positive only by the low-quality rule (``GTMatch.LOW_QUALITY`` in ``kinds``), in the
    words of the unmatched ones.

    Usually no anchor reaches ``pos_iou`` with the GT: "lq_only" (its best IoU against the threshold, where that
    anchor sits), then why: its shape ("lq_too_small", "lq_too_large", "lq_too_elongated": no anchor shape would,
    even centred on it) or the grid ("lq_placement": a shape would, the centres are too far apart). Rarely an
    anchor does reach it but went to a GT it overlaps more, and the rule handed this GT weaker ones: "lq_taken"
    (the best IoU of its own positives, and the GT that took its best anchor).

    Args:
        aset, gts: the anchors and (M, 4) xyxy GT boxes in network-input pixels.
        asg: the assignment.
        quality: the match quality with every GT's ties (``MatchRequest(ties_from=0.0)``), in the assignment's IoU.
        kinds: ``match_kinds`` of the assignment (with its threshold).
    """
    thr = kinds.pos_iou
    dt = np.float32 if quality.style.dtype == "float32" else np.float64
    out = []
    for g in kinds.indices(GTMatch.LOW_QUALITY).tolist():
        gwh, best, a, where = _best_anchor(aset, gts, quality, g)
        if np.isfinite(best) and dt(best) >= dt(thr):
            own = kinds.positive_iou[(asg.labels == Label.POSITIVE) & (asg.matched_gt == g)]
            why = [Reason("lq_taken", dict(best=float(np.nanmax(own)) if np.isfinite(own).any() else 0.0, thr=thr,
                                           other=int(asg.matched_gt[a]) if a >= 0 else -1))]
        else:
            why = [Reason("lq_only", dict(best=best, thr=thr))]
            shape, shape_best = _shape_reason(aset, gwh, thr)
            if shape is not None:
                why.append(Reason("lq_" + shape.code, shape.fields))
            else:
                why.append(Reason("lq_placement", dict(shape_best=shape_best, strides=_strides(aset), thr=thr)))
        out.append(ZeroPositive(gt=g, best_iou=best, anchor=a, level=where[0], cell_y=where[1], cell_x=where[2],
                                shape_wh=tuple(float(v) for v in where[3]), why=tuple(why)))
    return out
