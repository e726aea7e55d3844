"""Why a GT got no positive anchor: one sentence per GT, from the core's IoU statistics.

Pure NumPy on top of the core (no Streamlit). The reasons, in the order they are checked:

* shape: no anchor shape, even centred exactly on the GT, reaches the positive threshold (too small, too
  large, or too elongated for the ratios);
* placement: a shape would fit, but the nearest anchor centres are a stride away;
* low-quality matching: off, or skipped because the best IoU is below ``min_pos_iou``;
* competition: its best anchor went to another GT, or is ignored by the library's outside-image rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.anchors import AnchorSet
from anchorviz.assign import Assignment, Label
from anchorviz.iou import shape_iou

__all__ = ["ZeroPositive", "explain_zero_positives", "fmt_wh"]


@dataclass(frozen=True)
class ZeroPositive:
    """One GT without positives.

    Attributes:
        gt: GT index.
        best_iou: its best IoU with any anchor (NaN if unknown).
        anchor: index of its best anchor (-1 when it overlaps none).
        level, cell_y, cell_x, shape_wh: where that anchor sits ("" / -1 when none).
        why: the sentence shown to the user.
    """

    gt: int
    best_iou: float
    anchor: int
    level: str
    cell_y: int
    cell_x: int
    shape_wh: tuple[float, float]
    why: str


def fmt_wh(wh) -> str:
    w, h = (float(v) for v in wh)
    f = (lambda v: f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.2f}")
    return f"{f(w)}×{f(h)}"


def _all_shapes(aset: AnchorSet):
    """(S, 2) every (level, shape) w×h, with their level index and shape index."""
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


def _shape_reason(aset: AnchorSet, gwh: np.ndarray, thr: float) -> tuple[str, float]:
    """('' or a shape sentence, best shape IoU)."""
    whs, lvl, shp = _all_shapes(aset)
    ious = shape_iou(gwh[None, :], whs)[0]
    k = int(np.argmax(ious))
    best = float(ious[k])
    name = aset.levels[int(lvl[k])].name
    if best >= thr:
        return "", best
    areas = whs[:, 0] * whs[:, 1]
    garea = float(gwh[0] * gwh[1])
    gsz = fmt_wh(gwh)
    fit = f"{fmt_wh(whs[k])} at {name}"
    if garea < areas.min():
        head = f"too small for the smallest anchors ({gsz} px; best-fitting anchor {fit})"
    elif garea > areas.max():
        head = f"too large for the largest anchors ({gsz} px; best-fitting anchor {fit})"
    else:
        r = gwh[1] / gwh[0] if gwh[0] > 0 else np.inf
        ar = whs[:, 1] / whs[:, 0]
        head = (f"too elongated (h/w = {r:.2f}; the anchors span h/w {ar.min():.2f}–{ar.max():.2f}, "
                f"best-fitting anchor {fit})")
    return f"{head}: even centred exactly on it, that anchor would reach only IoU {best:.2f} < {thr:g}", best


def explain_zero_positives(aset: AnchorSet, gts: np.ndarray, asg: Assignment, stats, zero_idx, key: tuple,
                           rule) -> list[ZeroPositive]:
    """One ZeroPositive per GT in ``zero_idx``.

    Args:
        aset: the anchors.
        gts: (M, 4) xyxy GT boxes in network-input pixels.
        asg: the assignment that gave them no positive.
        stats: ``grid_iou_stats`` of aset and gts (in the convention's IoU style for max-IoU).
        zero_idx: GT indices without positives.
        key: the assigner key from ``cache.assignment_key`` (("maxiou", pos, neg, lq), ("yolov5", t), ("atss", k)).
        rule: the MaxIoURule (max-IoU only).
    """
    out = []
    for g in (int(i) for i in zero_idx):
        box = gts[g]
        gwh = np.array([box[2] - box[0], box[3] - box[1]], np.float64)
        best = float(stats.gt_max_iou[g])
        a = -1
        if np.isfinite(best) and best > 0:
            ties = stats.tie_anchors(g)
            if len(ties):
                a = int(ties[0])
        where = _where(aset, a) if a >= 0 else ("", -1, -1, (0.0, 0.0))
        at = f" ({where[0]} cell ({where[1]}, {where[2]}), anchor {fmt_wh(where[3])})" if a >= 0 else ""
        if key[0] == "maxiou":
            why = _why_maxiou(aset, asg, g, gwh, best, a, at, rule)
        elif key[0] == "yolov5":
            why = _why_yolo(aset, gwh, key[1])
        else:
            why = _why_atss(aset, box, best, at, key[1])
        out.append(ZeroPositive(gt=g, best_iou=best, anchor=a, level=where[0], cell_y=where[1], cell_x=where[2],
                                shape_wh=tuple(float(v) for v in where[3]), why=why))
    return out


def _competition(asg: Assignment, aset: AnchorSet, g: int, a: int) -> str:
    if a < 0:
        return ""
    lab = int(asg.labels[a])
    if lab == Label.POSITIVE and int(asg.matched_gt[a]) != g:
        return f"its best anchor went to GT {int(asg.matched_gt[a])}, which overlaps it more"
    if lab == Label.IGNORED:
        rule = aset.config.conv.outside_rule
        if rule == "centre":
            return "its best anchor is ignored: its centre lies outside the image (keras-retinanet rule)"
        if rule == "border":
            return "its best anchor is ignored: it crosses the image border (mmdet v1 allowed_border=0)"
        return "its best anchor is ignored"
    return ""


def _why_maxiou(aset, asg, g, gwh, best, a, at, rule) -> str:
    thr = rule.pos_iou
    if not best > 0:
        return "it overlaps no anchor at all (IoU 0 everywhere)"
    shape, shape_best = _shape_reason(aset, gwh, thr)
    parts = []
    if best < thr:
        if shape:
            parts.append(shape + f"; best IoU {best:.2f}{at}")
        else:
            strides = sorted({int(s) if float(s).is_integer() else s for gl in aset.levels for s in gl.stride_hw})
            parts.append(
                f"a centred anchor would reach IoU {shape_best:.2f}, but the anchor centres are "
                f"{'/'.join(str(s) for s in strides)} px apart: best IoU {best:.2f} < {thr:g}{at}"
            )
        if rule.low_quality == "none":
            parts.append("low-quality matching is off" if aset.config.conv.low_quality != "none"
                         else f"{aset.config.conv.title} has no low-quality matching")
        elif best < rule.min_pos_iou:
            parts.append(f"its best IoU is below min_pos_iou {rule.min_pos_iou:g}, so low-quality matching skips it")
        else:
            comp = _competition(asg, aset, g, a)
            if comp:
                parts.append(comp)
    else:
        comp = _competition(asg, aset, g, a)
        parts.append(comp or f"best IoU {best:.2f}{at}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _why_yolo(aset, gwh, anchor_t) -> str:
    whs, lvl, _ = _all_shapes(aset)
    with np.errstate(divide="ignore"):
        r = np.maximum(gwh[None, :] / whs, whs / gwh[None, :]).max(axis=1)
    k = int(np.argmin(r))
    return (f"No anchor shape is within anchor_t = {anchor_t:g} of its {fmt_wh(gwh)} px: the closest, "
            f"{aset.levels[int(lvl[k])].name} {fmt_wh(whs[k])}, has max(r, 1/r) = {float(r[k]):.2f} ≥ {anchor_t:g}.")


def _why_atss(aset, box, best, at, topk) -> str:
    c = aset.centres()
    inside = ((c[:, 0] > box[0]) & (c[:, 0] < box[2]) & (c[:, 1] > box[1]) & (c[:, 1] < box[3])).any()
    if not inside:
        return (f"No anchor centre lies inside it, and ATSS requires one; best IoU {best:.2f}{at}.")
    return (f"None of its {topk} nearest candidates per level passed IoU ≥ mean + std with its centre inside "
            f"the box; best IoU {best:.2f}{at}.")
