"""``grid_match_quality``: a ``MatchRequest`` answered only where the grid lets a GT overlap an anchor.

A GT can only overlap the anchors of a small window of rows and columns per level
(``anchorviz.core.iou.grid_windows``), so one pass over those windows gives, bit-identical to
``dense_match_quality`` (tests/core/iou checks this on every engine path, degenerate GTs and GTs that overlap
nothing included): every anchor's best IoU, each GT's best over the anchors that count, the best GT of every
anchor whose best IoU is at least the request's ``argmax_from``, and the pairs of every GT at its best (a
second look at the few chunks that hold them). The best GT of the remaining requested anchors (low-quality
ties below the threshold) comes from a small dense block of just those anchors; an anchor that overlaps
nothing has GT 0, as an argmax over zeros does. Memory stays bounded however many GTs there are: a chunk's IoU
is kept between the passes only while ``_KEEP_PAIRS`` allows, and recomputed otherwise.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.boxes import as_boxes, degenerate_mask
from anchorviz.core.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.core.iou.grid_windows import (_chunks, _gt_arrays, _Level, _level_windows, _Pairs, _pairs_iou)
from anchorviz.core.iou.pairwise import _dtype, _iou_matrix
from anchorviz.core.iou.quality import (FULL_REQUEST, MatchQuality, MatchRequest, argmax_needed,
                                        dense_match_quality)

__all__ = ["grid_match_quality", "iou_with_box"]

_KEEP_PAIRS = 1 << 23  # IoU values kept between passes; past this, the later passes recompute their chunks
_ARGMAX_BLOCK = 4096  # anchors per dense block when completing the argmax (bounded memory: this many x M)


def _write_max(lv: _Level, part: slice, pr: _Pairs, max_iou: np.ndarray) -> None:
    """max_iou[anchor] = max(max_iou[anchor], IoU) over the chunk's pairs."""
    a, fh, fw = lv.geo.shape
    best = max_iou[lv.start:lv.start + a * fh * fw].reshape(fh, fw, a)  # the anchors' own order
    if lv.dense:  # every GT's cells are the whole grid: one maximum over the GTs
        np.maximum(best, pr.iou.reshape(len(pr.ks), fh, fw, a).max(axis=0), out=best)
        return
    best, flat = best.reshape(fh, fw * a), pr.iou.reshape(-1)  # 2-D views: numpy loops over them faster
    seg = (pr.seg * a).tolist()
    for j, (r0, c0, h, w) in enumerate(zip(lv.i0[part].tolist(), lv.j0[part].tolist(), lv.hs[part].tolist(),
                                           lv.ws[part].tolist())):
        view = best[r0:r0 + h, c0 * a:(c0 + w) * a]
        np.maximum(view, flat[seg[j]:seg[j + 1]].reshape(h, w * a), out=view)


def _valid_only(lv: _Level, pr: _Pairs, valid: np.ndarray | None) -> np.ndarray:
    """The chunk's IoU with -1 at the anchors that are not ``valid`` (they cannot be a GT's best)."""
    if valid is None:
        return pr.iou
    a, fh, fw = lv.geo.shape
    ok = valid[lv.start:lv.start + a * fh * fw].reshape(fh * fw, a).take(pr.cells(fw), 0)
    return np.where(ok, pr.iou, pr.iou.dtype.type(-1))


def _anchors_of(lv: _Level, pr: _Pairs, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(anchor index, GT) of the chunk's flat pair positions ``flat``."""
    a, _, fw = lv.geo.shape
    q, s = np.divmod(flat, a)
    return lv.start + pr.cells(fw, q) * a + s, pr.ks[np.searchsorted(pr.seg, q, side="right") - 1]


def _scan_level(lv: _Level, g, area_g, style, zero_empty, max_iou, valid, budget: list[int], floor, pairs):
    """One level of the first pass: [(chunk, GTs, their best on the level, (pairs, IoU) or None)], and
    [(anchors, best GT)] for the anchors whose best IoU is >= ``floor`` (> 0 when ``floor`` is 0; none when it
    is None). Appends (anchor, GT, IoU) of every pair with IoU > 0 to ``pairs`` when it is a list. A chunk's
    arrays are kept while ``budget[0]`` (IoU values left to keep) allows; the others are recomputed."""
    dt = g.dtype.type
    out = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in _chunks(lv):
            pr = _pairs_iou(lv, part, g, area_g, style, zero_empty)
            _write_max(lv, part, pr, max_iou)
            v = _valid_only(lv, pr, valid)
            top = np.maximum(np.maximum.reduceat(v.reshape(-1), pr.seg[:-1] * v.shape[1]), dt(0))
            keep = v.size <= budget[0]
            budget[0] -= v.size if keep else 0
            out.append((part, pr.ks, top, (pr, v) if keep else None))
            if pairs is not None:
                flat = np.flatnonzero(pr.iou > 0)
                pairs.append((*_anchors_of(lv, pr, flat), pr.iou.reshape(-1)[flat].astype(np.float64)))
        # every anchor's best GT where its best IoU is >= the floor: the pairs at that value (the level's maxima
        # are final now: each anchor belongs to one level), the first GT on ties (ks grows along the chunks)
        hits = []
        if floor is not None:
            for part, ks, _, got in out:
                pr = got[0] if got is not None else _pairs_iou(lv, part, g, area_g, style, zero_empty)
                flat = np.flatnonzero(pr.iou >= floor if floor > 0 else pr.iou > 0)
                anchor, gt = _anchors_of(lv, pr, flat)
                at_max = pr.iou.reshape(-1)[flat] == max_iou[anchor]
                hits.append((anchor[at_max], gt[at_max]))
    return out, hits


def _grid_scan(aset: AnchorSet, g64: np.ndarray, style: IoUStyle, request: MatchRequest, *, zero_empty: bool,
               max_iou: np.ndarray, valid: np.ndarray | None):
    """The pass over every level. Writes each anchor's best IoU into ``max_iou`` (it must hold zeros).

    Returns (each GT's best IoU over the ``valid`` anchors as float64, (tie GT, tie anchor) sorted by GT then
    anchor for the requested GTs whose best is > 0, (anchors, best GT) for the anchors whose best IoU is
    >= ``request.argmax_from``, pairs (anchor, GT, IoU) or None). ``zero_empty``: IoU 0 where the intersection
    is 0 (where a 0-area GT meets a 0-area anchor, 0/0)."""
    m, n = len(g64), len(aset)
    g, area_g = _gt_arrays(g64, style)
    gt_max = np.zeros(m, g.dtype)
    levels = [_level_windows(aset, lg, g, style) for lg in aset.levels]
    floor = None if request.argmax_from is None else g.dtype.type(request.argmax_from)
    pairs: list | None = [] if request.pairs else None
    # (Levels could run on two threads, but on the 2-core machines this targets two threads of large numpy
    # loops ran only 1.2x faster than one, and the many small calls then contend for the GIL.)
    budget = [_KEEP_PAIRS]
    results = [_scan_level(lv, g, area_g, style, zero_empty, max_iou, valid, budget, floor, pairs) for lv in levels]
    hits = [h for _, level_hits in results for h in level_hits]
    anchors, first = np.unique(np.concatenate([h[0] for h in hits] or [np.zeros(0, np.int64)]), return_index=True)
    known = (anchors, np.concatenate([h[1] for h in hits] or [np.zeros(0, np.int64)])[first])
    done = [(lv, *chunk) for lv, (chunks, _) in zip(levels, results) for chunk in chunks]
    for _, _, ks, top, _ in done:
        np.maximum.at(gt_max, ks, top)  # a GT appears once per level: few values
    del results
    gt_max64 = gt_max.astype(np.float64)
    wanted = np.zeros(m, bool) if request.ties_from is None else gt_max64 >= request.ties_from
    # the tie pass: where a wanted GT's best on a level is its best overall (and > 0), the anchors at that value
    keys = [np.zeros(0, np.int64)]
    for lv, part, ks, top, got in done:
        want = np.flatnonzero((top == gt_max[ks]) & (top > 0) & wanted[ks]).tolist()
        if not want:
            continue
        if got is None:
            pr = _pairs_iou(lv, part, g, area_g, style, zero_empty)
            got = pr, _valid_only(lv, pr, valid)
        pr, v = got
        flat, seg = v.reshape(-1), (pr.seg * v.shape[1]).tolist()
        # a few GTs per level: each one's own cells only
        hit = np.concatenate([(flat[seg[j]:seg[j + 1]] == top[j]).nonzero()[0] + seg[j] for j in want])
        anchor, gt = _anchors_of(lv, pr, hit)
        keys.append(gt * n + anchor)
    key = np.sort(np.concatenate(keys))
    if pairs is not None:
        pa, pg, pv = (np.concatenate([p[i] for p in pairs]) if pairs else np.zeros(0, dt)
                      for i, dt in enumerate((np.int64, np.int64, np.float64)))
        order = np.lexsort((pa, pg))
        pairs = (pa[order], pg[order], pv[order])
    return gt_max64, (key // n, key % n), known, pairs


def grid_match_quality(aset: AnchorSet, gts, *, style: IoUStyle = ANCHORVIZ_IOU,
                       request: MatchRequest = FULL_REQUEST, valid: np.ndarray | None = None) -> MatchQuality:
    """The request answered only where a GT can overlap an anchor; bit-identical to ``dense_match_quality``.

    Args:
        aset: anchors from ``generate_anchors``.
        gts (ndarray[M, 4]): xyxy pixels.
        style: the library's IoU arithmetic.
        request: what the assigner will read (see ``MatchRequest``).
        valid: bool (N,) anchors that count for each GT's best and ties (None: all).

    Falls back to the dense matrix without GTs or anchors, and where the library's IoU can give NaN (a 0-area
    GT against a 0-area anchor in torchvision's or d2l's arithmetic): NaN propagates through the maxima.
    """
    g64 = as_boxes(gts, name="gt boxes")
    n, m = len(aset), len(g64)
    flat = aset.boxes
    valid = None if valid is None else np.asarray(valid, bool).copy()
    if m == 0 or n == 0:
        return dense_match_quality(flat, g64, style=style, request=request, valid=valid)
    # Only a 0-area GT against a 0-area anchor can give 0/0.
    both_degenerate = bool(degenerate_mask(g64).any()) and bool(degenerate_mask(flat).any())
    if both_degenerate and style.can_be_nan:
        return dense_match_quality(flat, g64, style=style, request=request, valid=valid)
    max_iou = np.zeros(n, _dtype(style))
    gt_max, (tie_gt, tie_anchor), known, pairs = _grid_scan(aset, g64, style, request, zero_empty=both_degenerate,
                                                            max_iou=max_iou, valid=valid)
    ties_all = (gt_max == 0) & (np.zeros(m, bool) if request.ties_from is None else gt_max >= request.ties_from)
    argmax = np.full(n, -1, np.int64)
    argmax[known[0]] = known[1]
    rest = argmax_needed(max_iou, request, tie_anchor, ties_all, valid) & (argmax < 0)
    zero = rest & (max_iou == 0)
    argmax[zero] = 0  # overlaps no GT: the first, as an argmax over zeros
    rest = np.flatnonzero(rest & ~zero)
    with np.errstate(invalid="ignore", divide="ignore"):
        for s in range(0, len(rest), _ARGMAX_BLOCK):  # the few requested anchors the pass did not settle
            part = rest[s:s + _ARGMAX_BLOCK]
            argmax[part] = _iou_matrix(g64, flat[part], style).argmax(axis=0)
    return MatchQuality(max_iou=max_iou, argmax_gt=argmax, gt_max_iou=gt_max, tie_gt=tie_gt, tie_anchor=tie_anchor,
                        ties_all=ties_all, pairs=pairs, valid=valid, request=request, style=style)


def iou_with_box(aset: AnchorSet, box, *, style: IoUStyle = ANCHORVIZ_IOU) -> np.ndarray:
    """float64 (N,) IoU of every anchor with one box (0 where they do not overlap), computed on its windows.

    Where the library's IoU can give NaN (a 0-area box in torchvision's or d2l's arithmetic, with 0-area anchors),
    the dense row is returned, NaN included, as the library computes it.
    """
    b64 = as_boxes([box] if np.ndim(box) == 1 else box, name="box")[:1]
    if len(b64) == 0 or len(aset) == 0:
        return np.zeros(len(aset))
    if style.can_be_nan and degenerate_mask(b64).any() and degenerate_mask(aset.boxes).any():
        return _iou_matrix(b64, aset.boxes, style)[0].astype(np.float64)
    g, area_g = _gt_arrays(b64, style)
    out = np.zeros(len(aset))
    with np.errstate(invalid="ignore", divide="ignore"):
        for lg in aset.levels:
            lv = _level_windows(aset, lg, g, style)
            for part in _chunks(lv):
                pr = _pairs_iou(lv, part, g, area_g, style, True)
                flat = np.arange(pr.iou.size)
                anchor, _ = _anchors_of(lv, pr, flat)
                out[anchor] = pr.iou.reshape(-1)
    return out
