"""Where a GT can overlap the anchors of a grid level, and the IoU of exactly those pairs.

Within a level, the x-extent of an anchor depends only on its column and shape, and the y-extent only on its
row and shape. So the anchors a GT can overlap lie in a window of columns and rows, found by binary search for
every GT at once, and the window's intersections are an outer product of per-column widths and per-row heights.
The IoU of a window's pairs is computed in the dense formula's order of operations, so it is bit-identical to
``pairwise._iou_matrix``; ``anchorviz.core.iou.grid`` runs the passes over these windows.

The pairs are flat lists of (GT, window cell): each GT's window cells one after the other, row by row, with the
A shapes of a cell side by side ([C, A] arrays, the anchors' own location-major order). Every step is then one
numpy call per level over all its GTs at once, with no padding.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.conventions import IoUStyle
from anchorviz.core.iou.pairwise import _dtype

__all__ = []

_CHUNK_PAIRS = 1 << 21  # anchor-GT pairs computed at once (bounded memory: a few arrays of this many values)
# A level is computed densely (every GT against the whole grid, one maximum over the GTs) when that costs less
# than the windows: a dense pair costs about half a windowed one, and each GT's window costs numpy calls worth
# about this many pairs.
_DENSE_PAIR_COST = 0.5
_PER_GT_PAIRS = 3_000


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
