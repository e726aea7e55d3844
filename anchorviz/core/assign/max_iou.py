"""Max-IoU assignment: thresholds on the best IoU plus the library's low-quality rule.

torchvision and detectron2 ``Matcher``, mmdet ``MaxIoUAssigner``, keras-retinanet ``compute_gt_annotations``,
d2l ``assign_anchor_to_bbox``. ``MaxIoURule`` holds the numbers; ``max_iou_rule`` fills in a library's defaults.

As detectron2's Matcher takes the match-quality matrix once, assignment asks the IoU side one question: the
rule says what it will read (``MaxIoURule.request``), ``grid_match_quality`` / ``dense_match_quality`` compute
all of it in one call, and ``assign_max_iou`` only reads the resulting ``MatchQuality``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.conventions import IoUStyle, get_convention
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.quality import MatchQuality, MatchRequest

__all__ = ["MaxIoURule", "assign_max_iou", "max_iou_rule", "ASSIGNER_PRESETS", "outside_mask", "assign_anchors"]


LowQuality = Literal["none", "argmax", "gt_all", "gt_first", "greedy"]


@dataclass(frozen=True, kw_only=True)
class MaxIoURule:
    """Thresholds and the low-quality rule of a max-IoU assigner.

    Attributes:
        pos_iou: max IoU >= pos_iou is positive.
        neg_iou: max IoU < neg_iou is negative (<= with ``neg_inclusive``, keras-retinanet).
        neg_iou_min: negatives also need max IoU >= this (mmdet's tuple form ``neg_iou_thr=(lo, hi)``).
        neg_inclusive: keras-retinanet's rule, max IoU <= neg_iou is negative.
        low_quality: what happens to the anchors tied for a GT's best IoU, even when below pos_iou:
            "argmax" (torchvision / detectron2: positive, matched to the anchor's own best GT),
            "gt_all" (mmdet: matched to that GT, looping GTs in order so later GTs overwrite),
            "gt_first" (mmdet with gt_max_assign_all=False: only the first tied anchor),
            "greedy" (d2l: num_gt rounds, each forcing the globally best remaining pair),
            "none".
        min_pos_iou: mmdet: the low-quality step only applies to GTs whose best IoU >= this.
        nan_label: the label of an anchor whose max IoU is NaN (only torchvision's and d2l's IoU can give
            NaN: a zero-area anchor against a zero-area GT): torchvision keeps it matched (positive),
            mmdet leaves it ignored, d2l calls it background.
    """

    pos_iou: float = 0.5
    neg_iou: float = 0.4
    neg_iou_min: float = 0.0
    neg_inclusive: bool = False
    low_quality: LowQuality = "none"
    min_pos_iou: float = 0.0
    nan_label: Label = Label.IGNORED

    def __post_init__(self) -> None:
        for name in ("pos_iou", "neg_iou", "neg_iou_min", "min_pos_iou"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not 0.0 <= v <= 1.0:
                raise AnchorVizInputError(f"{name}: expected a number in [0, 1], got {v!r}")
        if self.neg_iou > self.pos_iou:
            raise AnchorVizInputError(
                f"neg_iou ({self.neg_iou}) is above pos_iou ({self.pos_iou}): expected neg_iou <= pos_iou"
            )
        if self.neg_iou_min > self.neg_iou:
            raise AnchorVizInputError(f"neg_iou_min ({self.neg_iou_min}) is above neg_iou ({self.neg_iou})")
        object.__setattr__(self, "nan_label", Label(self.nan_label))

    def request(self) -> MatchRequest:
        """What ``assign_max_iou`` reads from the match quality under this rule: the best GT of every positive
        (and of the NaN anchors torchvision keeps), the ties of the GTs the low-quality rule looks at, with
        their own best GT for torchvision / detectron2, and every overlapping pair for d2l's greedy rounds."""
        lq = self.low_quality
        return MatchRequest(argmax_from=self.pos_iou, ties_from=self.min_pos_iou if lq in ("argmax", "gt_all", "gt_first")
                            else None, argmax_of_ties=lq == "argmax", pairs=lq == "greedy")


# Threshold presets users know by name: (pos, neg, low-quality on?).
ASSIGNER_PRESETS: dict[str, tuple[float, float, bool]] = {
    "RPN 0.7/0.3": (0.7, 0.3, True),
    "RetinaNet 0.5/0.4": (0.5, 0.4, True),
    "SSD 0.5": (0.5, 0.5, True),
    "RoI 0.5": (0.5, 0.5, False),
}


def max_iou_rule(convention: str, *, pos_iou: float, neg_iou: float, low_quality: bool = True,
                 min_pos_iou: float | None = None) -> MaxIoURule:
    """A MaxIoURule with the given thresholds and the named library's low-quality and boundary rules."""
    conv = get_convention(convention)
    lq = conv.low_quality if low_quality else "none"
    if min_pos_iou is None:
        # mmdet's configs: RPN 0.3, RetinaNet 0.0; the others have no such knob.
        min_pos_iou = 0.3 if (conv.low_quality == "gt_all" and pos_iou >= 0.7) else 0.0
    nan_label = {"argmax": Label.POSITIVE, "greedy": Label.NEGATIVE}.get(conv.low_quality, Label.IGNORED)
    return MaxIoURule(pos_iou=pos_iou, neg_iou=neg_iou, neg_inclusive=conv.neg_inclusive, low_quality=lq,
                      min_pos_iou=min_pos_iou, nan_label=nan_label)


def _greedy_rounds(quality: MatchQuality, matched: np.ndarray, num_gts: int) -> None:
    """d2l: exactly num_gt rounds, each taking the global max of the remaining IoU matrix (row-major first
    on ties), forcing that anchor onto that GT and discarding its row and column. In place on ``matched``."""
    a, g, v = quality.pairs
    order = np.lexsort((g, a, -v))  # by IoU descending, then anchor, then GT: torch.argmax row-major order
    a, g, v = a[order], g[order], v[order]
    used_a: set[int] = set()
    used_g: set[int] = set()
    pos = 0
    for _ in range(num_gts):
        while pos < len(a) and (int(a[pos]) in used_a or int(g[pos]) in used_g):
            pos += 1
        if pos < len(a):
            ai, gi = int(a[pos]), int(g[pos])
        else:
            # Only zeros remain: the first remaining row, then the first remaining column.
            ai = next(i for i in range(quality.num_anchors) if i not in used_a)
            gi = next(j for j in range(num_gts) if j not in used_g)
        matched[ai] = gi
        used_a.add(ai)
        used_g.add(gi)


def assign_max_iou(quality: MatchQuality, rule: MaxIoURule, *, ignore: np.ndarray | None = None,
                   exclude: np.ndarray | None = None) -> Assignment:
    """Label anchors from their match quality (computed for ``rule.request()``).

    Args:
        quality: from ``grid_match_quality`` or ``dense_match_quality`` with ``request=rule.request()`` (or a
            request that asks for more), and ``valid=~exclude`` when ``exclude`` is given.
        rule: thresholds and low-quality rule.
        ignore: bool (N,) anchors set to ignored after assignment (keras-retinanet: centre outside image).
        exclude: bool (N,) anchors left out before assignment, so they cannot be a GT's best (mmdet v1
            allowed_border); they end up ignored.

    Returns:
        Assignment. Empty GT lists give all-negative labels.

    Raises:
        ValueError: the quality was computed for a request that lacks what the rule reads (a programming error).
    """
    n, m = quality.num_anchors, quality.num_gts
    matched = np.full(n, -1, np.int64)
    if m == 0:
        labels = np.full(n, Label.NEGATIVE, np.int8)
        return Assignment(labels=labels, matched_gt=matched, max_iou=quality.max_iou,
                          gt_max_iou=quality.gt_max_iou, num_gts=0)
    _check_answers(quality, rule, exclude)
    dt = np.float32 if quality.style.dtype == "float32" else np.float64
    v = np.asarray(quality.max_iou, dt)  # compare in the library's precision, as it does
    pos = v >= dt(rule.pos_iou)
    if rule.neg_inclusive:
        neg = v <= dt(rule.neg_iou)
    else:
        neg = v < dt(rule.neg_iou)
        if rule.neg_iou_min > 0:  # IoUs are >= 0, so a minimum of 0 excludes nothing
            neg &= v >= dt(rule.neg_iou_min)
    if rule.neg_inclusive and rule.neg_iou >= rule.pos_iou:
        neg &= ~pos  # positive wins
    # IGNORED (-1) + 1 where negative + 2 where positive: arithmetic on int8 is far cheaper than masked writes
    labels = neg.view(np.int8) - np.int8(1)
    labels += pos.view(np.int8) * np.int8(2)
    nan = np.isnan(v)
    need = pos
    if nan.any():  # only torchvision's and d2l's IoU give NaN (0-area anchor against 0-area GT)
        labels[nan] = rule.nan_label
        if rule.nan_label == Label.POSITIVE:
            need = pos | nan
    argmax = quality.argmax_gt
    if rule.low_quality == "greedy":
        matched[pos] = argmax[pos]
        labels[~pos] = Label.NEGATIVE  # d2l has no ignore band: unassigned anchors are background
        _greedy_rounds(quality, matched, m)
        labels[matched >= 0] = Label.POSITIVE
    elif rule.low_quality in ("gt_all", "gt_first"):
        matched[pos] = argmax[pos]
        gts = np.flatnonzero(quality.gt_max_iou >= rule.min_pos_iou)  # the GTs mmdet's loop looks at, in order
        lo, hi = (np.searchsorted(quality.tie_gt, gts + d).tolist() for d in (0, 1))  # each GT's ties, at once
        for k, a, b in zip(gts.tolist(), lo, hi):  # later GTs overwrite earlier ones, as mmdet's loop does
            ties = quality.tie_anchors(k) if quality.ties_all[k] else quality.tie_anchor[a:b]
            if rule.low_quality == "gt_first":
                ties = ties[:1]
            matched[ties] = k
            labels[ties] = Label.POSITIVE
    elif rule.low_quality == "argmax":
        lq = quality.tie_mask(rule.min_pos_iou)
        np.maximum(labels, lq.view(np.int8) * np.int8(2) - np.int8(1), out=labels)  # POSITIVE where lq
        idx = np.flatnonzero(need | lq)
        matched[idx] = argmax[idx]
    else:
        matched[need] = argmax[need]
    if exclude is not None:
        labels[np.asarray(exclude, bool)] = Label.IGNORED
    if ignore is not None:
        labels[np.asarray(ignore, bool)] = Label.IGNORED
    if exclude is not None or ignore is not None or rule.low_quality in ("gt_all", "gt_first", "greedy"):
        matched[labels != Label.POSITIVE] = -1
    return Assignment(labels=labels, matched_gt=matched, max_iou=quality.max_iou, gt_max_iou=quality.gt_max_iou,
                      num_gts=m)


def _check_answers(quality: MatchQuality, rule: MaxIoURule, exclude) -> None:
    """A quality computed for a narrower request would give wrong labels silently: refuse it."""
    asked, need = quality.request, rule.request()
    ok = need.argmax_from is None or (asked.argmax_from is not None and asked.argmax_from <= need.argmax_from)
    ok &= need.ties_from is None or (asked.ties_from is not None and asked.ties_from <= need.ties_from)
    ok &= asked.argmax_of_ties or not need.argmax_of_ties
    ok &= asked.pairs or not need.pairs
    if not ok:
        raise ValueError(f"the match quality answers {asked}, but {rule} reads {need}")
    if (exclude is None) != (quality.valid is None) or (
            exclude is not None and not np.array_equal(quality.valid, ~np.asarray(exclude, bool))):
        raise ValueError("exclude must be the complement of the match quality's valid anchors")


def outside_mask(anchors: np.ndarray, image_hw: tuple[int, int], rule: str, *, allowed_border: float = 0.0) -> np.ndarray:
    """Anchors a library leaves out for lying outside the image. Returns bool (N,).

    rule: "centre" (keras-retinanet: centre x >= W or centre y >= H), "border" (mmdet v1: not
    x1 >= -b, y1 >= -b, x2 < W + b, y2 < H + b), or "none".
    """
    h, w = image_hw
    if rule == "centre":
        cx = (anchors[:, 0] + anchors[:, 2]) / 2
        cy = (anchors[:, 1] + anchors[:, 3]) / 2
        return (cx >= w) | (cy >= h)
    if rule == "border":
        b = allowed_border
        inside = (anchors[:, 0] >= -b) & (anchors[:, 1] >= -b) & (anchors[:, 2] < w + b) & (anchors[:, 3] < h + b)
        return ~inside
    return np.zeros(len(anchors), bool)


def assign_anchors(aset: AnchorSet, gts, rule: MaxIoURule, *, style: IoUStyle | None = None) -> Assignment:
    """Max-IoU assignment of a whole AnchorSet with its convention's IoU and outside-image rule: one
    ``grid_match_quality`` call for what the rule reads, then ``assign_max_iou``."""
    conv = aset.config.conv
    st = style or conv.iou
    if conv.outside_rule == "border":
        exclude = _outside(aset, "border")
        quality = grid_match_quality(aset, gts, style=st, request=rule.request(), valid=~exclude)
        return assign_max_iou(quality, rule, exclude=exclude)
    quality = grid_match_quality(aset, gts, style=st, request=rule.request())
    if conv.outside_rule == "centre":
        return assign_max_iou(quality, rule, ignore=_outside(aset, "centre"))
    return assign_max_iou(quality, rule)


def _outside(aset: AnchorSet, rule: str) -> np.ndarray:
    """``outside_mask`` of a whole AnchorSet, memoised on it (the app asks again on every change of the GTs)."""
    cache = aset.__dict__.setdefault("_outside", {})
    if rule not in cache:
        mask = outside_mask(aset.boxes, aset.image_hw, rule)
        mask.setflags(write=False)
        cache[rule] = mask
    return cache[rule]
