"""Why a GT got no positive anchor: one sentence per GT, from the core's IoU statistics.

Pure NumPy on top of the core (no Streamlit). The reasons, in the order they are checked:

* shape: no anchor shape, even centred exactly on the GT, reaches the positive threshold (too small, too
  large, or too elongated for the ratios);
* placement: a shape would fit, but the nearest anchor centres are a stride away;
* low-quality matching: off, or skipped because the best IoU is below ``min_pos_iou``;
* competition: its best anchor went to another GT, or is ignored by the library's outside-image rule.

The reasons are i18n keys with their fields (the results are cached whatever the language); ``why_text`` writes
the sentence in the current language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.iou.pairwise import shape_iou
from pages.common.i18n import t

__all__ = ["ZeroPositive", "explain_zero_positives", "why_text", "fmt_wh"]


@dataclass(frozen=True)
class ZeroPositive:
    """One GT without positives.

    Attributes:
        gt: GT index.
        best_iou: its best IoU with any anchor (NaN if unknown).
        anchor: index of its best anchor (-1 when it overlaps none).
        level, cell_y, cell_x, shape_wh: where that anchor sits ("" / -1 when none).
        why: the reasons, as (i18n key, fields) pairs; ``why_text`` makes the sentence.
    """

    gt: int
    best_iou: float
    anchor: int
    level: str
    cell_y: int
    cell_x: int
    shape_wh: tuple[float, float]
    why: tuple[tuple[str, dict], ...]


def why_text(z: ZeroPositive) -> str:
    """The sentence shown for ``z``, in the current language: its reasons joined, as one sentence."""
    at = t("diagnose.at", lv=z.level, y=z.cell_y, x=z.cell_x, wh=fmt_wh(z.shape_wh)) if z.anchor >= 0 else ""
    text = t("diagnose.join").join(t(key, at=at, **fields) for key, fields in z.why)
    return t("diagnose.sentence", text=text[:1].upper() + text[1:])


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


def _shape_reason(aset: AnchorSet, gwh: np.ndarray, thr: float) -> tuple[tuple[str, dict] | None, float]:
    """(None or the shape reason without the GT's best IoU, best shape IoU)."""
    whs, lvl, shp = _all_shapes(aset)
    ious = shape_iou(gwh[None, :], whs)[0]
    k = int(np.argmax(ious))
    best = float(ious[k])
    if best >= thr:
        return None, best
    areas = whs[:, 0] * whs[:, 1]
    garea = float(gwh[0] * gwh[1])
    fields = dict(gwh=fmt_wh(gwh), fit=fmt_wh(whs[k]), lv=aset.levels[int(lvl[k])].name, shape_best=f"{best:.2f}",
                  thr=f"{thr:g}")
    if garea < areas.min():
        return ("diagnose.too_small", fields), best
    if garea > areas.max():
        return ("diagnose.too_large", fields), best
    r = gwh[1] / gwh[0] if gwh[0] > 0 else np.inf
    ar = whs[:, 1] / whs[:, 0]
    return ("diagnose.too_elongated", dict(fields, r=f"{r:.2f}", lo=f"{ar.min():.2f}", hi=f"{ar.max():.2f}")), best


def explain_zero_positives(aset: AnchorSet, gts: np.ndarray, asg: Assignment, stats, zero_idx, key: tuple,
                           rule) -> list[ZeroPositive]:
    """One ZeroPositive per GT in ``zero_idx``.

    Args:
        aset: the anchors.
        gts: (M, 4) xyxy GT boxes in network-input pixels.
        asg: the assignment that gave them no positive.
        stats: ``grid_match_quality`` of aset and gts with the ties of every GT (in the convention's IoU style
            for max-IoU).
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
        if key[0] == "maxiou":
            why = _why_maxiou(aset, asg, g, gwh, best, a, rule)
        elif key[0] == "yolov5":
            why = _why_yolo(aset, gwh, key[1])
        else:
            why = _why_atss(aset, box, best, key[1])
        out.append(ZeroPositive(gt=g, best_iou=best, anchor=a, level=where[0], cell_y=where[1], cell_x=where[2],
                                shape_wh=tuple(float(v) for v in where[3]), why=tuple(why)))
    return out


def _competition(asg: Assignment, aset: AnchorSet, g: int, a: int) -> tuple[str, dict] | None:
    if a < 0:
        return None
    lab = int(asg.labels[a])
    if lab == Label.POSITIVE and int(asg.matched_gt[a]) != g:
        return "diagnose.taken", dict(other=int(asg.matched_gt[a]))
    if lab == Label.IGNORED:
        rule = aset.config.conv.outside_rule
        if rule == "centre":
            return "diagnose.ignored_centre", {}
        if rule == "border":
            return "diagnose.ignored_border", {}
        return "diagnose.ignored", {}
    return None


def _why_maxiou(aset, asg, g, gwh, best, a, rule) -> list[tuple[str, dict]]:
    thr = rule.pos_iou
    if not best > 0:
        return [("diagnose.no_overlap", {})]
    shape, shape_best = _shape_reason(aset, gwh, thr)
    parts = []
    if best < thr:
        if shape:
            parts.append((shape[0], dict(shape[1], best=f"{best:.2f}")))
        else:
            strides = sorted({int(s) if float(s).is_integer() else s for gl in aset.levels for s in gl.stride_hw})
            parts.append(("diagnose.placement", dict(shape_best=f"{shape_best:.2f}", best=f"{best:.2f}",
                                                     strides="/".join(str(s) for s in strides), thr=f"{thr:g}")))
        if rule.low_quality == "none":
            parts.append(("diagnose.lq_off", {}) if aset.config.conv.low_quality != "none"
                         else ("diagnose.lq_none", dict(conv=aset.config.conv.title)))
        elif best < rule.min_pos_iou:
            parts.append(("diagnose.lq_min", dict(min=f"{rule.min_pos_iou:g}")))
        else:
            comp = _competition(asg, aset, g, a)
            if comp:
                parts.append(comp)
    else:
        comp = _competition(asg, aset, g, a)
        parts.append(comp or ("diagnose.best", dict(best=f"{best:.2f}")))
    return parts


def _why_yolo(aset, gwh, anchor_t) -> list[tuple[str, dict]]:
    whs, lvl, _ = _all_shapes(aset)
    with np.errstate(divide="ignore"):
        r = np.maximum(gwh[None, :] / whs, whs / gwh[None, :]).max(axis=1)
    k = int(np.argmin(r))
    return [("diagnose.yolov5", dict(anchor_t=f"{anchor_t:g}", gwh=fmt_wh(gwh), lv=aset.levels[int(lvl[k])].name,
                                     wh=fmt_wh(whs[k]), r=f"{float(r[k]):.2f}"))]


def _why_atss(aset, box, best, topk) -> list[tuple[str, dict]]:
    c = aset.centres()
    inside = ((c[:, 0] > box[0]) & (c[:, 0] < box[2]) & (c[:, 1] > box[1]) & (c[:, 1] < box[3])).any()
    if not inside:
        return [("diagnose.atss_outside", dict(best=f"{best:.2f}"))]
    return [("diagnose.atss", dict(topk=topk, best=f"{best:.2f}"))]
