"""Per-anchor / per-GT IoU statistics for assignment, dense or grid-sparse (being restructured)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.boxes import as_boxes
from anchorviz.core.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.core.iou.pairwise import _dtype, _iou_matrix, pairwise_iou

__all__ = ["IoUStats", "dense_iou_stats", "grid_iou_stats"]


@dataclass(frozen=True, eq=False)
class IoUStats:
    """What assignment needs to know about the (M GTs x N anchors) IoU matrix, dense or sparse.

    Attributes:
        max_iou: (N,) best IoU of each anchor over all GTs (0 when there are no GTs), in the style's dtype
            (float32 for the torch-based libraries: the values the library compares with its thresholds).
        gt_max_iou: float64 (M,) best IoU of each GT over the considered anchors.
        num_anchors, num_gts: N and M.
    """

    max_iou: np.ndarray
    gt_max_iou: np.ndarray
    num_anchors: int
    num_gts: int
    style: IoUStyle = ANCHORVIZ_IOU
    _anchors: np.ndarray | None = field(default=None, repr=False)
    _gts: np.ndarray | None = field(default=None, repr=False)
    _matrix: np.ndarray | None = field(default=None, repr=False)  # dense: (M, N) in the style dtype
    _aset: AnchorSet | None = field(default=None, repr=False)  # sparse: IoU blocks are recomputed from its grid
    _ties: tuple = field(default=(), repr=False)  # sparse: (gt, anchor) at each best IoU > 0, by gt then anchor
    _valid: np.ndarray | None = field(default=None, repr=False)
    # sparse: (anchors sorted, their best GT) for every anchor whose best IoU is >= the floor, found in the pass
    _argmax_known: tuple | None = field(default=None, repr=False)

    def argmax_for(self, anchors: np.ndarray) -> np.ndarray:
        """The GT with the best IoU for each listed anchor (first GT on ties, 0 when all are 0, -1 without GTs).

        Computed exactly as a dense argmax would be, but only for these anchors.
        """
        idx = np.asarray(anchors, np.int64).reshape(-1)
        if self.num_gts == 0:
            return np.full(len(idx), -1, np.int64)
        if self._matrix is not None:
            return self._matrix[:, idx].argmax(axis=0).astype(np.int64) if len(idx) else np.zeros(0, np.int64)
        out = np.empty(len(idx), np.int64)
        rest = np.arange(len(idx))
        if self._argmax_known is not None:
            anchors, best_gt, floor = self._argmax_known
            known = self.max_iou[idx] >= floor
            out[known] = best_gt[np.searchsorted(anchors, idx[known])]
            rest = rest[~known]
        for s in range(0, len(rest), 4096):  # bounded memory: 4096 x M at a time
            part = rest[s:s + 4096]
            mat = _iou_matrix(self._gts, self._anchors[idx[part]], self.style)
            out[part] = mat.argmax(axis=0)
        return out

    @functools.cached_property
    def argmax_gt(self) -> np.ndarray:
        """int64 (N,) best GT of every anchor (see ``argmax_for``). Costs O(N*M) on sparse stats: prefer
        ``argmax_for`` on the anchors you need."""
        return self.argmax_for(np.arange(self.num_anchors))

    def tie_anchors(self, gt: int) -> np.ndarray:
        """Anchors whose IoU with ``gt`` equals that GT's best, ties included (all of them when it is 0)."""
        best = self.gt_max_iou[gt]
        if self._matrix is not None:
            row = self._matrix[gt]
            hit = row == row.dtype.type(best)
            if self._valid is not None:
                hit &= self._valid
            return np.flatnonzero(hit)
        if not best > 0:
            idx = np.arange(self.num_anchors)
            return idx if self._valid is None else idx[self._valid]
        tie_gt, tie_anchor = self._ties
        lo, hi = np.searchsorted(tie_gt, [gt, gt + 1])
        return tie_anchor[lo:hi]

    def tie_mask(self, gts) -> np.ndarray:
        """bool (N,): anchors tied for the best IoU of any of the listed GTs (the low-quality candidates)."""
        gts = np.fromiter(gts, np.int64)
        mask = np.zeros(self.num_anchors, bool)
        every = len(gts) == self.num_gts and (np.diff(gts) > 0).all()  # all GTs, the common case
        if self._matrix is not None:
            for k in gts:
                mask[self.tie_anchors(k)] = True
        elif not (self.gt_max_iou[gts] > 0).all():  # a GT whose best is 0 ties with every anchor
            mask[:] = True
        else:
            tie_gt, tie_anchor = self._ties
            mask[tie_anchor if every else tie_anchor[np.isin(tie_gt, gts)]] = True
        if self._valid is not None:
            mask &= self._valid
        return mask

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (anchor, gt, iou) with IoU > 0 (NaN pairs excluded), sorted by gt then anchor."""
        if self._matrix is not None:
            g, a = np.nonzero(self._matrix > 0)
            return a.astype(np.int64), g.astype(np.int64), self._matrix[g, a].astype(np.float64)
        anchors, gts, vals = [], [], []
        for g, idx, block in _grid_blocks(self._aset, self._gts, self.style, np.arange(self.num_gts)):
            hit = block > 0
            anchors.append(idx[hit])
            gts.append(np.full(int(hit.sum()), g, np.int64))
            vals.append(block[hit].astype(np.float64))
        if not anchors:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        a, g, v = np.concatenate(anchors), np.concatenate(gts), np.concatenate(vals)
        order = np.lexsort((a, g))
        return a[order], g[order], v[order]

    def iou_with(self, gt: int) -> np.ndarray:
        """Dense float64 (N,) IoU of every anchor with one GT (zeros where they do not overlap)."""
        if self._matrix is not None:
            return self._matrix[gt].astype(np.float64)
        out = np.zeros(self.num_anchors)
        for _, idx, block in _grid_blocks(self._aset, self._gts, self.style, np.array([gt])):
            out[idx.ravel()] = block.ravel()
        return out

    def restricted(self, valid: np.ndarray) -> "IoUStats":
        """The same statistics where only anchors with ``valid`` True count for the per-GT maxima and ties.

        This is how mmdet v1 drops anchors that cross the border before assigning.
        """
        valid = np.asarray(valid, bool)
        ties = ()
        if self._matrix is not None:
            m = np.where(valid[None, :], self._matrix, self._matrix.dtype.type(-np.inf))
            gt_max = m.max(axis=1).astype(np.float64) if m.shape[1] else np.zeros(self.num_gts)
            gt_max[~np.isfinite(gt_max)] = 0.0
        else:
            gt_max, ties, _ = _grid_scan(self._aset, self._gts, self.style, zero_empty=True, valid=valid)
        return IoUStats(max_iou=self.max_iou, gt_max_iou=gt_max, num_anchors=self.num_anchors,
                        num_gts=self.num_gts, style=self.style, _anchors=self._anchors, _gts=self._gts,
                        _matrix=self._matrix, _aset=self._aset, _ties=ties, _valid=valid,
                        _argmax_known=self._argmax_known)


def dense_iou_stats(anchors, gts, *, style: IoUStyle = ANCHORVIZ_IOU) -> IoUStats:
    """Statistics from the full (M, N) matrix. Works for any boxes; O(N*M) time and memory."""
    a = as_boxes(anchors, name="anchors")
    g = as_boxes(gts, name="gt boxes")
    n, m = len(a), len(g)
    if m == 0 or n == 0:
        return IoUStats(max_iou=np.zeros(n, _dtype(style)), gt_max_iou=np.zeros(m), num_anchors=n, num_gts=m, style=style,
                        _anchors=a, _gts=g, _matrix=np.zeros((m, n), _dtype(style)))
    mat = pairwise_iou(g, a, style=style).astype(_dtype(style))  # [M, N], exact: values are in the dtype
    return IoUStats(max_iou=mat.max(axis=0), gt_max_iou=mat.max(axis=1).astype(np.float64),
                    num_anchors=n, num_gts=m, style=style, _anchors=a, _gts=g, _matrix=mat)


class _Geometry(NamedTuple):
    """One level's anchors by column and shape, and by row and shape."""

    x1: np.ndarray  # [W, A] column extents
    x2: np.ndarray
    y1: np.ndarray  # [H, A] row extents
    y2: np.ndarray
    wd: np.ndarray  # [W, A] widths (+1 for mmdet v1)
    hd: np.ndarray  # [H, A] heights
    shape_area: np.ndarray | None  # [A] the area of each shape, when it does not vary with the location
    area: np.ndarray | None  # [H * W, A] every anchor's area hd[i] * wd[j], when it does
    shape: tuple[int, int, int]  # (A, H, W): shapes per location, rows, columns
    extents: tuple  # per column / row the extremes over shapes, monotone in the index: x2 max, x1 min, y2 max, y1 min


def _level_geometry(aset: AnchorSet, level: int, style: IoUStyle) -> _Geometry:
    """A level's ``_Geometry`` in the style's dtype. An anchor's area is hd[i] * wd[j], the product the per-anchor
    formula makes (the same IEEE product). ``shape_area`` is set when every column has the same width and every row the same height
    for each shape (always for integer anchors; not for most float32 ones, whose widths round differently
    from column to column): then that one number per shape is bit for bit every anchor's area.
    Memoised on the AnchorSet (its arrays are read-only)."""
    key = (level, style.dtype, style.plus_one)
    cache = aset.__dict__.setdefault("_geometry", {})
    if key not in cache:
        dt = _dtype(style)
        p = dt(1) if style.plus_one else dt(0)
        lg = aset.levels[level]
        fh, fw = lg.feat_hw
        a = lg.num_shapes
        view = aset.boxes[lg.start:lg.stop].reshape(fh, fw, a, 4)
        x1, x2 = (np.ascontiguousarray(view[0, :, :, c], dt) for c in (0, 2))
        y1, y2 = (np.ascontiguousarray(view[:, 0, :, c], dt) for c in (1, 3))
        wd, hd = x2 - x1 + p, y2 - y1 + p
        uniform = bool((wd == wd[0]).all() and (hd == hd[0]).all())
        shape_area = hd[0] * wd[0] if uniform else None
        area = None if uniform else (hd[:, None, :] * wd[None, :, :]).reshape(fh * fw, a)
        extents = (x2.max(axis=1) + p, x1.min(axis=1), y2.max(axis=1) + p, y1.min(axis=1))
        for arr in (x1, x2, y1, y2, wd, hd, *extents) + ((shape_area,) if uniform else (area,)):
            arr.setflags(write=False)
        cache[key] = _Geometry(x1, x2, y1, y2, wd, hd, shape_area, area, (a, fh, fw), extents)
    return cache[key]


# The sparse pass works on flat lists of (GT, window cell) pairs: each GT's window cells one after the other,
# row by row, with the A shapes of a cell side by side ([C, A] arrays, the anchors' own location-major
# order). Every step is then one numpy call per level over all its GTs at once, with no padding.
_CHUNK_PAIRS = 1 << 21  # anchor-GT pairs computed at once (bounded memory: a few arrays of this many values)


_KEEP_PAIRS = 1 << 23  # IoU values kept between passes; past this, the later passes recompute their chunks


# A level is computed densely (every GT against the whole grid, one maximum over the GTs) when that costs less
# than the windows: a dense pair costs about half a windowed one, and each GT's window costs numpy calls worth
# about this many pairs.
_DENSE_PAIR_COST = 0.5


_PER_GT_PAIRS = 3_000


def _gt_arrays(g64: np.ndarray, style: IoUStyle):
    """GT boxes and areas in the style's dtype."""
    dt = _dtype(style)
    p = dt(1) if style.plus_one else dt(0)
    g = g64.astype(dt)
    return g, (g[:, 2] - g[:, 0] + p) * (g[:, 3] - g[:, 1] + p)


class _Level(NamedTuple):
    """One level's windows: GT ks[j] can only overlap the anchors in rows [i0, i0 + hs) and columns
    [j0, j0 + ws) (all arrays per listed GT, in the order of ``ks``)."""

    start: int  # the level's first anchor in the AnchorSet
    geo: _Geometry
    dense: bool  # every window is the whole grid
    ks: np.ndarray
    i0: np.ndarray
    j0: np.ndarray
    hs: np.ndarray
    ws: np.ndarray


def _level_windows(aset: AnchorSet, lg, g, style: IoUStyle, gts=None) -> _Level:
    """The windows of the GTs that can overlap the level (of the listed ones when ``gts`` is given). An anchor
    column overlaps a GT iff x2 > gx1 and x1 < gx2; extents grow with the column index, so the overlapping
    columns are contiguous and binary search finds them, for every GT at once."""
    dt = g.dtype.type
    geo = _level_geometry(aset, lg.index, style)
    a, fh, fw = geo.shape
    x2_max, x1_min, y2_max, y1_min = geo.extents
    j0, i0 = x2_max.searchsorted(g[:, 0], side="right"), y2_max.searchsorted(g[:, 1], side="right")
    if style.plus_one:  # +1 widths: touching boxes overlap, and the test rounds in float: widen by one (zeros only)
        j1, i1 = x1_min.searchsorted(g[:, 2] + dt(1)) + 1, y1_min.searchsorted(g[:, 3] + dt(1)) + 1
        j0, i0, j1, i1 = np.maximum(j0 - 1, 0), np.maximum(i0 - 1, 0), np.minimum(j1, fw), np.minimum(i1, fh)
    else:
        j1, i1 = x1_min.searchsorted(g[:, 2]), y1_min.searchsorted(g[:, 3])
    hs, ws = np.maximum(i1 - i0, 0), np.maximum(j1 - j0, 0)
    ks = np.flatnonzero((hs > 0) & (ws > 0))
    if gts is not None:
        ks = np.intersect1d(ks, gts)
    i0, j0, hs, ws = i0[ks], j0[ks], hs[ks], ws[ks]
    windowed = a * int((hs * ws).sum()) + len(ks) * _PER_GT_PAIRS
    dense = len(ks) > 0 and _DENSE_PAIR_COST * a * fh * fw * len(ks) <= windowed
    if dense:
        i0, j0, hs, ws = np.zeros_like(i0), np.zeros_like(j0), np.full_like(hs, fh), np.full_like(ws, fw)
    return _Level(lg.start, geo, dense, ks, i0, j0, hs, ws)


def _chunks(lv: _Level):
    """Slices of lv.ks whose pairs stay within _CHUNK_PAIRS (a single GT may need more)."""
    a = lv.geo.shape[0]
    ends = np.cumsum(lv.hs * lv.ws) * a
    out, lo, done = [], 0, 0
    while lo < len(ends):
        hi = max(int(np.searchsorted(ends, done + _CHUNK_PAIRS, side="right")), lo + 1)
        out.append(slice(lo, hi))
        done, lo = int(ends[hi - 1]), hi
    return out


class _Pairs(NamedTuple):
    """IoU of a chunk of GTs with the anchors of their windows: GT ks[j] against the cells seg[j]:seg[j + 1].
    Cell q lies in window row r[q] and window column c[q]: level row rows[r[q]], level column cols[c[q]]."""

    ks: np.ndarray  # [K] GTs
    seg: np.ndarray  # [K + 1] where each GT's cells start
    r: np.ndarray  # [C]
    c: np.ndarray  # [C]
    rows: np.ndarray  # [R] every GT's window rows, GT after GT
    cols: np.ndarray  # [W] every GT's window columns
    iou: np.ndarray  # [C, A] in the style's dtype

    def cells(self, fw: int, q=slice(None)) -> np.ndarray:
        """Flat cell index row * W + column on the level of the cells ``q``."""
        return self.rows[self.r[q]] * fw + self.cols[self.c[q]]


def _extent_overlap(lo, hi, glo, ghi, idx, gt_of, p, dt):
    """Overlap of the anchors' extents [lo, hi) at rows (or columns) ``idx`` with their GT's: [len(idx), A]."""
    out = np.minimum(hi.take(idx, 0), ghi[gt_of, None]) - np.maximum(lo.take(idx, 0), glo[gt_of, None])
    if p:
        out += p
    return np.maximum(out, dt(0), out=out)


def _pairs_iou(lv: _Level, part: slice, g, area_g, style: IoUStyle, zero_empty: bool) -> _Pairs:
    """The IoU of the GTs lv.ks[part] with every anchor of their windows, in the dense formula's order of
    operations (so bit-identical to it)."""
    geo = lv.geo
    dt = g.dtype.type
    p = dt(1) if style.plus_one else None
    ks, i0, j0, hs, ws = lv.ks[part], lv.i0[part], lv.j0[part], lv.hs[part], lv.ws[part]
    nk = len(ks)
    # every GT's window rows, GT after GT, and their overlap heights [R, A]; the same for columns
    row_end, col_end = np.cumsum(hs), np.cumsum(ws)
    row_gt, col_gt = np.repeat(np.arange(nk), hs), np.repeat(np.arange(nk), ws)
    rows = np.arange(int(row_end[-1])) - (row_end - hs - i0)[row_gt]
    cols = np.arange(int(col_end[-1])) - (col_end - ws - j0)[col_gt]
    gk = g[ks]
    ih = _extent_overlap(geo.y1, geo.y2, gk[:, 1], gk[:, 3], rows, row_gt, p, dt)
    iw = _extent_overlap(geo.x1, geo.x2, gk[:, 0], gk[:, 2], cols, col_gt, p, dt)
    # every GT's window cells, row by row: each window row has its GT's width in cells
    per_row = ws[row_gt]
    cell_end = np.cumsum(per_row)
    r = np.repeat(np.arange(len(rows)), per_row)
    c = np.arange(int(cell_end[-1])) - np.repeat(cell_end - per_row - (col_end - ws)[row_gt], per_row)
    seg = np.zeros(nk + 1, np.int64)
    np.cumsum(hs * ws, out=seg[1:])
    inter = ih.take(r, 0)
    inter *= iw.take(c, 0)  # [C, A]
    if geo.shape_area is not None:  # area_g + area_a: one value per GT and shape
        union = (area_g[ks, None] + geo.shape_area).take(row_gt, 0).take(r, 0)
    else:  # each anchor's own area; the GT's repeated over the shapes (a broadcast add would be 7x slower)
        union = geo.area.take(rows.take(r) * geo.shape[2] + cols.take(c), 0)
        union += np.repeat(area_g[ks].take(row_gt), geo.shape[0]).reshape(-1, geo.shape[0]).take(r, 0)
    union -= inter
    if style.union_eps > 0:
        np.maximum(union, dt(style.union_eps), out=union)
    iou = np.divide(inter, union, out=union)
    if zero_empty:
        iou[inter <= 0] = 0
    return _Pairs(ks, seg, r, c, rows, cols, iou)


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


_ARGMAX_FLOOR = 0.25  # the pass finds the best GT of the anchors whose best IoU is at least this


def _scan_level(lv: _Level, g, area_g, style, zero_empty, max_iou, valid, budget: list[int]):
    """One level of ``_grid_scan``'s first pass: [(chunk, GTs, their best on the level, (pairs, IoU) or None)],
    and [(anchors, best GT)] for the anchors whose best IoU is >= _ARGMAX_FLOOR (when ``max_iou`` is given).
    A chunk's arrays are kept while ``budget[0]`` (IoU values left to keep) allows; the others are recomputed
    when needed, so memory stays bounded however many GTs there are."""
    dt = g.dtype.type
    out = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in _chunks(lv):
            pr = _pairs_iou(lv, part, g, area_g, style, zero_empty)
            if max_iou is not None:
                _write_max(lv, part, pr, max_iou)
            v = _valid_only(lv, pr, valid)
            top = np.maximum(np.maximum.reduceat(v.reshape(-1), pr.seg[:-1] * v.shape[1]), dt(0))
            keep = v.size <= budget[0]
            budget[0] -= v.size if keep else 0
            out.append((part, pr.ks, top, (pr, v) if keep else None))
        # every anchor's best GT where its best IoU is >= the floor: the pairs at that value (the level's maxima
        # are final now: each anchor belongs to one level), the first GT on ties (ks grows along the chunks)
        hits = []
        if max_iou is not None:
            a, _, fw = lv.geo.shape
            floor = dt(_ARGMAX_FLOOR)
            for part, ks, _, got in out:
                pr = got[0] if got is not None else _pairs_iou(lv, part, g, area_g, style, zero_empty)
                flat = np.flatnonzero(pr.iou >= floor)
                q, s = np.divmod(flat, a)
                anchor = lv.start + pr.cells(fw, q) * a + s
                at_max = pr.iou.reshape(-1)[flat] == max_iou[anchor]
                hits.append((anchor[at_max], ks[np.searchsorted(pr.seg, q[at_max], side="right") - 1]))
    return out, hits


def _grid_scan(aset: AnchorSet, g64: np.ndarray, style: IoUStyle, *, zero_empty: bool,
               max_iou: np.ndarray | None = None, valid: np.ndarray | None = None):
    """The sparse pass over every level. Writes each anchor's best IoU into ``max_iou`` when given (it must
    hold zeros). Returns each GT's best IoU (float64, over the ``valid`` anchors only when given) and the anchors
    tied at it, as (gt, anchor) sorted by gt then anchor; a GT whose best is 0 is left out (it ties with every
    anchor); and, when ``max_iou`` is given, (anchors, their best GT, floor) for every anchor whose best IoU is
    >= the floor (else None). ``zero_empty``: set IoU to 0 where the intersection is 0 (where a 0-area GT meets
    a 0-area anchor, 0/0)."""
    m, n = len(g64), len(aset)
    g, area_g = _gt_arrays(g64, style)
    gt_max = np.zeros(m, g.dtype)
    levels = [_level_windows(aset, lg, g, style) for lg in aset.levels]
    # (Levels could run on two threads, but on the 2-core machines this targets two threads of large numpy
    # loops ran only 1.2x faster than one, and the many small calls then contend for the GIL.)
    budget = [_KEEP_PAIRS]
    results = [_scan_level(lv, g, area_g, style, zero_empty, max_iou, valid, budget) for lv in levels]
    hits = [h for _, level_hits in results for h in level_hits]
    anchors, first = np.unique(np.concatenate([h[0] for h in hits] or [np.zeros(0, np.int64)]), return_index=True)
    best_gt = np.concatenate([h[1] for h in hits] or [np.zeros(0, np.int64)])[first]
    known = (anchors, best_gt, g.dtype.type(_ARGMAX_FLOOR)) if max_iou is not None else None
    done = [(lv, *chunk) for lv, (chunks, _) in zip(levels, results) for chunk in chunks]
    for _, _, ks, top, _ in done:
        np.maximum.at(gt_max, ks, top)  # a GT appears once per level: few values
    del results
    # the tie pass: where a GT's best on a level is its best overall (and > 0), the anchors at that value
    keys = [np.zeros(0, np.int64)]
    for lv, part, ks, top, got in done:
        want = np.flatnonzero((top == gt_max[ks]) & (top > 0)).tolist()
        if not want:
            continue
        pr, v = got if got is not None else _recompute(lv, part, g, area_g, style, zero_empty, valid)
        a, flat, seg = v.shape[1], v.reshape(-1), (pr.seg * v.shape[1]).tolist()
        # a few GTs per level: each one's own cells only
        hits = [(flat[seg[j]:seg[j + 1]] == top[j]).nonzero()[0] + seg[j] for j in want]
        hit = np.concatenate(hits)
        gt = ks[np.repeat(want, [len(h) for h in hits])]
        keys.append(gt * n + lv.start + pr.cells(lv.geo.shape[2], hit // a) * a + hit % a)
    key = np.sort(np.concatenate(keys))
    return gt_max.astype(np.float64), (key // n, key % n), known


def _recompute(lv, part, g, area_g, style, zero_empty, valid):
    pr = _pairs_iou(lv, part, g, area_g, style, zero_empty)
    return pr, _valid_only(lv, pr, valid)


def _grid_blocks(aset: AnchorSet, g64: np.ndarray, style: IoUStyle, gts: np.ndarray) -> list:
    """(gt, anchor indices, IoU) of each listed GT's window on each level, recomputed on demand."""
    g, area_g = _gt_arrays(g64, style)
    blocks = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for lg in aset.levels:
            lv = _level_windows(aset, lg, g, style, gts)
            a = lv.geo.shape[0]
            for part in _chunks(lv):
                pr = _pairs_iou(lv, part, g, area_g, style, True)
                idx = lv.start + pr.cells(lv.geo.shape[2])[:, None] * a + np.arange(a)
                for j, k in enumerate(pr.ks.tolist()):
                    s, e = int(pr.seg[j]), int(pr.seg[j + 1])
                    blocks.append((k, idx[s:e], pr.iou[s:e]))
    return blocks


def grid_iou_stats(aset: AnchorSet, gts, *, style: IoUStyle = ANCHORVIZ_IOU) -> IoUStats:
    """Statistics computed only where a GT can overlap an anchor; bit-identical to ``dense_iou_stats``.

    Within a level, the x-extent of an anchor depends only on its column and shape, and the y-extent only
    on its row and shape. So for each GT the overlapping anchors of a level lie in a window of columns and
    rows, found by binary search, and the window's intersections are an outer product of per-column widths
    and per-row heights. GTs with windows of similar size are computed together, padded to a common size.
    The IoU blocks themselves are not kept: ``iou_with`` and ``pairs`` recompute the ones they need.

    Args:
        aset: anchors from ``generate_anchors``.
        gts (ndarray[M, 4]): xyxy pixels.
        style: the library's IoU arithmetic.
    """
    g64 = as_boxes(gts, name="gt boxes")
    n, m = len(aset), len(g64)
    flat = aset.boxes
    if m == 0 or n == 0:
        return dense_iou_stats(flat, g64, style=style)
    # Only a 0-area GT against a 0-area anchor can give 0/0.
    both_degenerate = bool(((g64[:, 2] <= g64[:, 0]) | (g64[:, 3] <= g64[:, 1])).any()) and bool(
        ((flat[:, 2] <= flat[:, 0]) | (flat[:, 3] <= flat[:, 1])).any()
    )
    if both_degenerate and style.can_be_nan:
        # These libraries give NaN there, and NaN propagates through max: use the full matrix.
        return dense_iou_stats(flat, g64, style=style)
    max_iou = np.zeros(n, _dtype(style))
    gt_max, ties, known = _grid_scan(aset, g64, style, zero_empty=both_degenerate, max_iou=max_iou)
    return IoUStats(max_iou=max_iou, gt_max_iou=gt_max, num_anchors=n, num_gts=m, style=style, _anchors=flat,
                    _gts=g64, _aset=aset, _ties=ties, _argmax_known=known)
