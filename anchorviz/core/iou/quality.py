"""What max-IoU assignment needs from the (M GTs x N anchors) IoU matrix, computed in one call.

Like detectron2's ``Matcher``, which takes the match-quality matrix once, assignment asks the IoU side one
question per image: ``dense_match_quality`` (any boxes, the whole matrix) or ``grid_match_quality``
(``anchorviz.core.iou.grid``: only where the grid lets a GT overlap an anchor, bit-identical) return a
``MatchQuality`` holding everything the request names, and assignment only reads it:

* each anchor's best IoU (always) and its best GT (``argmax_gt``) for the anchors the request names;
* each GT's best IoU over the anchors that count (``valid``: mmdet v1 leaves out anchors crossing the border);
* the anchors tied at each GT's best (the low-quality candidates), for the GTs the request names;
* optionally every overlapping (anchor, GT, IoU) pair (d2l's greedy rounds).

IoU is computed in the style's dtype (float32 for the torch-based libraries); the per-anchor maxima stay in
it, because those are the values the library compares with its thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.core.iou.pairwise import _dtype, _iou_matrix

__all__ = ["MatchRequest", "MatchQuality", "dense_match_quality", "FULL_REQUEST", "MAXIMA_ONLY"]


@dataclass(frozen=True, kw_only=True)
class MatchRequest:
    """What an assigner will read from a ``MatchQuality``.

    Attributes:
        argmax_from: the best GT of every anchor whose best IoU is >= this (compared in the style's dtype);
            None: none by threshold. 0.0: every anchor (an anchor overlapping nothing gets GT 0, the first, as
            an argmax over zeros does).
        ties_from: the anchors tied at a GT's best IoU, for every GT whose best IoU is >= this; None: none.
            A GT whose best IoU is 0 ties with every anchor that counts.
        argmax_of_ties: also the best GT of every tie anchor (torchvision / detectron2 give a low-quality match
            the anchor's own best GT; mmdet gives it the GT it is tied for, so it does not need this).
        pairs: every (anchor, GT, IoU) with IoU > 0 (d2l's greedy rounds).
    """

    argmax_from: float | None = None
    ties_from: float | None = None
    argmax_of_ties: bool = False
    pairs: bool = False


#: Everything a Matcher computes: every anchor's argmax, every GT's ties (with their argmax).
FULL_REQUEST = MatchRequest(argmax_from=0.0, ties_from=0.0, argmax_of_ties=True)
#: Only the maxima (heatmaps, YOLOv5 and ATSS, which assign by other rules).
MAXIMA_ONLY = MatchRequest()


@dataclass(frozen=True, eq=False)
class MatchQuality:
    """The answer to one ``MatchRequest`` about M GTs and N anchors. Arrays are read-only.

    Attributes:
        max_iou: (N,) best IoU of each anchor over all GTs (0 without GTs), in the style's dtype; NaN where
            the library's IoU gives NaN (torchvision / d2l: a 0-area anchor against a 0-area GT).
        argmax_gt: int64 (N,) best GT of each anchor (the first on ties), at least for the anchors the request
            names; -1 where it was not asked for (and everywhere without GTs).
        gt_max_iou: float64 (M,) best IoU of each GT over the anchors that count.
        tie_gt, tie_anchor: int64 (T,) the (GT, anchor) pairs at each GT's best IoU, sorted by GT then anchor,
            for the requested GTs whose best is > 0 (see ``tie_anchors`` for a best of 0).
        ties_all: bool (M,) requested GTs whose best IoU is 0: they tie with every anchor that counts.
        pairs: (anchor, GT, IoU float64) of every pair with IoU > 0 sorted by GT then anchor, when requested.
        valid: bool (N,) the anchors that count for the per-GT maxima and ties, or None (all).
        request: what was asked.
    """

    max_iou: np.ndarray
    argmax_gt: np.ndarray
    gt_max_iou: np.ndarray
    tie_gt: np.ndarray
    tie_anchor: np.ndarray
    ties_all: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    valid: np.ndarray | None
    request: MatchRequest
    style: IoUStyle = ANCHORVIZ_IOU

    def __post_init__(self) -> None:
        for arr in (self.max_iou, self.argmax_gt, self.gt_max_iou, self.tie_gt, self.tie_anchor, self.ties_all,
                    *(self.pairs or ())):
            arr.setflags(write=False)

    @property
    def num_anchors(self) -> int:
        return int(self.max_iou.shape[0])

    @property
    def num_gts(self) -> int:
        return int(self.gt_max_iou.shape[0])

    def _check_ties(self, gts: np.ndarray) -> None:
        t = self.request.ties_from
        if t is None or (len(gts) and not (np.isnan(self.gt_max_iou[gts]) | (self.gt_max_iou[gts] >= t)).all()):
            raise ValueError(f"ties of GTs {gts.tolist()[:5]} were not requested (ties_from={t})")

    def tie_anchors(self, gt: int) -> np.ndarray:
        """int64 anchors tied at GT ``gt``'s best IoU, ascending (every anchor that counts when its best is 0)."""
        self._check_ties(np.array([gt]))
        if self.ties_all[gt]:
            return self._valid_anchors()
        lo, hi = np.searchsorted(self.tie_gt, [gt, gt + 1])
        return self.tie_anchor[lo:hi]

    def tie_mask(self, min_best: float) -> np.ndarray:
        """bool (N,): anchors tied at the best IoU of any GT whose best is >= ``min_best`` (the low-quality
        candidates of torchvision and detectron2)."""
        gts = np.flatnonzero(self.gt_max_iou >= min_best)
        self._check_ties(gts)
        mask = np.zeros(self.num_anchors, bool)
        if self.ties_all[gts].any():
            mask[self._valid_anchors()] = True
            return mask
        keep = self.tie_gt >= 0 if len(gts) == self.num_gts else np.isin(self.tie_gt, gts)
        mask[self.tie_anchor[keep]] = True
        return mask

    def _valid_anchors(self) -> np.ndarray:
        return np.arange(self.num_anchors) if self.valid is None else np.flatnonzero(self.valid)



def _tie_floor(request: MatchRequest, gt_max: np.ndarray) -> np.ndarray:
    """bool (M,) the GTs whose ties were asked for."""
    if request.ties_from is None:
        return np.zeros(len(gt_max), bool)
    return gt_max >= request.ties_from


def argmax_needed(max_iou: np.ndarray, request: MatchRequest, tie_anchor: np.ndarray, ties_all: np.ndarray,
                  valid: np.ndarray | None) -> np.ndarray:
    """bool (N,) the anchors whose best GT the request asks for."""
    dt = max_iou.dtype.type
    need = np.zeros(len(max_iou), bool)
    if request.argmax_from is not None:
        need |= (max_iou >= dt(request.argmax_from)) | np.isnan(max_iou)
    if request.argmax_of_ties:
        if ties_all.any():
            need |= True if valid is None else valid
        need[tie_anchor] = True
    return need


def dense_match_quality(anchors, gts, *, style: IoUStyle = ANCHORVIZ_IOU, request: MatchRequest = FULL_REQUEST,
                        valid: np.ndarray | None = None) -> MatchQuality:
    """The request answered from the whole (M, N) matrix. Works for any boxes; O(N*M) time and memory.

    Args:
        anchors (ndarray[N, 4]): xyxy.
        gts (ndarray[M, 4]): xyxy.
        style: the library's IoU arithmetic.
        request: what the assigner will read (default: everything a Matcher computes).
        valid: bool (N,) anchors that count for each GT's best and ties (None: all).
    """
    a = as_boxes(anchors, name="anchors")
    g = as_boxes(gts, name="gt boxes")
    n, m = len(a), len(g)
    dt = _dtype(style)
    valid = None if valid is None else np.asarray(valid, bool).copy()
    mat = _iou_matrix(g, a, style) if n and m else np.zeros((m, n), dt)  # [M, N] in the style's dtype
    max_iou = mat.max(axis=0) if m else np.zeros(n, dt)
    argmax = mat.argmax(axis=0).astype(np.int64) if m and n else np.full(n, -1, np.int64)
    counted = mat if valid is None else np.where(valid[None, :], mat, dt(-np.inf))
    gt_max = counted.max(axis=1).astype(np.float64) if n else np.zeros(m)
    gt_max[np.isneginf(gt_max)] = 0.0  # a GT with no anchor that counts
    wanted = _tie_floor(request, gt_max)
    ties_all = wanted & (gt_max == 0)
    rows = np.flatnonzero(wanted & (gt_max > 0))  # > 0: the GT overlaps an anchor, so n > 0
    hit = counted[rows] == gt_max[rows, None].astype(dt)  # [R, N]; exact: gt_max holds the dtype's values
    r, tie_anchor = np.nonzero(hit)  # row-major: by GT, then anchor
    tie_gt = rows[r].astype(np.int64)
    pairs = None
    if request.pairs:
        pg, pa = np.nonzero(mat > 0)  # NaN is not > 0
        pairs = (pa.astype(np.int64), pg.astype(np.int64), mat[pg, pa].astype(np.float64))
    if m == 0:
        argmax = np.full(n, -1, np.int64)
    return MatchQuality(max_iou=max_iou, argmax_gt=argmax, gt_max_iou=gt_max, tie_gt=tie_gt,
                        tie_anchor=tie_anchor.astype(np.int64), ties_all=ties_all, pairs=pairs, valid=valid,
                        request=request, style=style)
