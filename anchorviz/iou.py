"""IoU between boxes: pairwise, shape-only, the YOLO w/h-ratio metric, and per-anchor / per-GT statistics.

Two ways to get the statistics that assignment needs (per-anchor max IoU and argmax GT, per-GT max IoU and
the anchors tied at it):

* ``dense_iou_stats`` builds the whole (M, N) matrix, for any set of boxes;
* ``grid_iou_stats`` uses the grid: a GT can only overlap anchors whose columns and rows fall in a small
  window per level, so it computes only those pairs. Its results are bit-identical to the dense ones
  (tests/test_iou.py checks this, including degenerate GTs and GTs that overlap nothing).

IoU is computed in the style's dtype (float32 for the torch-based libraries, as they do) and returned as
float64.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from anchorviz.anchors import AnchorSet
from anchorviz.boxes import as_boxes
from anchorviz.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.errors import AnchorVizInputError

__all__ = ["pairwise_iou", "pairwise_iof", "pairwise_giou", "shape_iou", "yolo_ratio_metric", "IoUStats",
           "dense_iou_stats", "grid_iou_stats"]


def _dtype(style: IoUStyle):
    return np.float32 if style.dtype == "float32" else np.float64


def _iou_matrix(a: np.ndarray, b: np.ndarray, style: IoUStyle) -> np.ndarray:
    """IoU [N, M] of already-validated boxes, in the style's dtype (the library's exact arithmetic)."""
    dt = _dtype(style)
    a = a.astype(dt, copy=False)
    b = b.astype(dt, copy=False)
    p = dt(1) if style.plus_one else dt(0)
    area1 = (a[:, 2] - a[:, 0] + p) * (a[:, 3] - a[:, 1] + p)
    area2 = (b[:, 2] - b[:, 0] + p) * (b[:, 3] - b[:, 1] + p)
    iw = np.maximum(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + p, dt(0))
    ih = np.maximum(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + p, dt(0))
    inter = iw * ih  # [N, M]
    union = area1[:, None] + area2[None, :] - inter
    if style.union_eps > 0:
        union = np.maximum(union, dt(style.union_eps))
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / union
    if style.zero_without_overlap:
        iou = np.where(inter > 0, iou, dt(0))
    return iou


def pairwise_iou(boxes1, boxes2, *, style: IoUStyle = ANCHORVIZ_IOU) -> np.ndarray:
    """IoU of every pair.

    Args:
        boxes1 (ndarray[N, 4]): xyxy.
        boxes2 (ndarray[M, 4]): xyxy.
        style: the library's IoU arithmetic (default: anchorviz's, which never gives NaN).

    Returns:
        ndarray[N, M] float64. With torchvision's or d2l's style a 0-area box against a 0-area box gives NaN,
        as those libraries do.

    >>> pairwise_iou([[0, 0, 10, 10]], [[5, 5, 15, 15], [20, 20, 30, 30]]).round(4).tolist()
    [[0.1429, 0.0]]
    """
    iou = _iou_matrix(as_boxes(boxes1, name="boxes1"), as_boxes(boxes2, name="boxes2"), style)
    return iou.astype(np.float64)


def pairwise_iof(boxes1, boxes2, *, eps: float = 1e-6) -> np.ndarray:
    """Intersection over the area of boxes1 (mmdet's "iof" mode, float32, area clamped at eps). [N, M]."""
    a = as_boxes(boxes1, name="boxes1").astype(np.float32)
    b = as_boxes(boxes2, name="boxes2").astype(np.float32)
    area1 = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    wh = np.maximum(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0)
    inter = wh[..., 0] * wh[..., 1]
    return (inter / np.maximum(area1[:, None], np.float32(eps))).astype(np.float64)


def pairwise_giou(boxes1, boxes2, *, eps: float = 1e-6) -> np.ndarray:
    """Generalised IoU as mmdet computes it (float32; union and enclosing area clamped at eps). [N, M]."""
    a = as_boxes(boxes1, name="boxes1").astype(np.float32)
    b = as_boxes(boxes2, name="boxes2").astype(np.float32)
    e = np.float32(eps)
    area1 = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area2 = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    wh = np.maximum(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0)
    inter = wh[..., 0] * wh[..., 1]
    union = np.maximum(area1[:, None] + area2[None, :] - inter, e)
    iou = inter / union
    ewh = np.maximum(np.maximum(a[:, None, 2:], b[None, :, 2:]) - np.minimum(a[:, None, :2], b[None, :, :2]), 0)
    enclose = np.maximum(ewh[..., 0] * ewh[..., 1], e)
    return (iou - (enclose - union) / enclose).astype(np.float64)


def shape_iou(wh1, wh2) -> np.ndarray:
    """IoU of boxes placed at a common centre: only widths and heights matter.

    Args:
        wh1 (ndarray[N, 2]): widths and heights.
        wh2 (ndarray[M, 2]): widths and heights.

    Returns:
        ndarray[N, M] float64 in [0, 1]; 0 where a box has no area.

    >>> shape_iou([[10, 20]], [[20, 10]]).tolist()
    [[0.3333333333333333]]
    """
    a = np.asarray(wh1, np.float64).reshape(-1, 2)
    b = np.asarray(wh2, np.float64).reshape(-1, 2)
    if not (np.isfinite(a).all() and np.isfinite(b).all()) or (a < 0).any() or (b < 0).any():
        raise AnchorVizInputError("shape_iou: widths and heights must be finite and >= 0")
    inter = np.minimum(a[:, None, 0], b[None, :, 0]) * np.minimum(a[:, None, 1], b[None, :, 1])
    union = (a[:, 0] * a[:, 1])[:, None] + (b[:, 0] * b[:, 1])[None, :] - inter
    out = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def yolo_ratio_metric(wh, anchors_wh) -> np.ndarray:
    """YOLOv5's w/h-ratio metric: r = wh / anchor per dimension, x = min(r, 1/r), min over (w, h).

    Computed in float32 as autoanchor does. A target fits an anchor when x > 1 / anchor_t (strict).

    Args:
        wh (ndarray[N, 2]): target widths and heights in pixels.
        anchors_wh (ndarray[K, 2]): anchor widths and heights in pixels.

    Returns:
        ndarray[N, K] float64 in [0, 1].
    """
    w = np.asarray(wh, np.float32).reshape(-1, 2)
    k = np.asarray(anchors_wh, np.float32).reshape(-1, 2)
    if (k <= 0).any() or not np.isfinite(k).all():
        raise AnchorVizInputError("yolo_ratio_metric: anchor widths and heights must be finite and > 0")
    one = np.float32(1)
    with np.errstate(divide="ignore"):
        rw = w[:, 0:1] / k[None, :, 0]  # [N, K]; w and h separately: same values as an (N, K, 2) min, 5x faster
        rh = w[:, 1:2] / k[None, :, 1]
        x = np.minimum(np.minimum(rw, one / rw), np.minimum(rh, one / rh))
    return x.astype(np.float64)


# ---------------------------------------------------------------------------------------------------------
# Statistics for assignment


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
    _blocks: tuple = field(default=(), repr=False)  # sparse: (gt, anchor-index block, IoU block, block max)
    _valid: np.ndarray | None = field(default=None, repr=False)

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
        for s in range(0, len(idx), 4096):  # bounded memory: 4096 x M at a time
            part = idx[s:s + 4096]
            mat = _iou_matrix(self._gts, self._anchors[part], self.style)
            out[s:s + 4096] = mat.argmax(axis=0)
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
        found = []
        for idx, block, top in self._blocks_by_gt.get(gt, ()):
            if top != best:  # a tie can only sit in a block whose maximum is the GT's best
                continue
            hit = block == block.dtype.type(best)
            if hit.any():
                sel = idx[hit]
                found.append(sel if self._valid is None else sel[self._valid[sel]])
        return np.sort(np.concatenate(found)) if found else np.zeros(0, np.int64)

    def tie_mask(self, gts) -> np.ndarray:
        """bool (N,): anchors tied for the best IoU of any of the listed GTs (the low-quality candidates)."""
        mask = np.zeros(self.num_anchors, bool)
        for k in gts:
            best = self.gt_max_iou[k]
            if self._matrix is not None or not best > 0:
                mask[self.tie_anchors(k)] = True
                continue
            for idx, block, top in self._blocks_by_gt.get(k, ()):
                if top == best:
                    hit = block == block.dtype.type(best)
                    mask[idx[hit]] = True
        if self._valid is not None:
            mask &= self._valid
        return mask

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (anchor, gt, iou) with IoU > 0 (NaN pairs excluded), sorted by gt then anchor."""
        if self._matrix is not None:
            g, a = np.nonzero(self._matrix > 0)
            return a.astype(np.int64), g.astype(np.int64), self._matrix[g, a].astype(np.float64)
        anchors, gts, vals = [], [], []
        for g, idx, block, _ in self._blocks:
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
        for idx, block, _ in self._blocks_by_gt.get(gt, ()):
            out[idx.ravel()] = block.ravel()
        return out

    @functools.cached_property
    def _blocks_by_gt(self) -> dict[int, list]:
        by_gt: dict[int, list] = {}
        for g, idx, block, top in self._blocks:
            by_gt.setdefault(g, []).append((idx, block, top))
        return by_gt

    def restricted(self, valid: np.ndarray) -> "IoUStats":
        """The same statistics where only anchors with ``valid`` True count for the per-GT maxima and ties.

        This is how mmdet v1 drops anchors that cross the border before assigning.
        """
        valid = np.asarray(valid, bool)
        if self._matrix is not None:
            m = np.where(valid[None, :], self._matrix, self._matrix.dtype.type(-np.inf))
            gt_max = m.max(axis=1).astype(np.float64) if m.shape[1] else np.zeros(self.num_gts)
            gt_max[~np.isfinite(gt_max)] = 0.0
        else:
            gt_max = np.zeros(self.num_gts)
            for g, idx, block, _ in self._blocks:
                v = valid[idx]
                if v.any():
                    gt_max[g] = max(gt_max[g], float(block[v].max()))
        return IoUStats(max_iou=self.max_iou, gt_max_iou=gt_max, num_anchors=self.num_anchors,
                        num_gts=self.num_gts, style=self.style, _anchors=self._anchors, _gts=self._gts,
                        _matrix=self._matrix, _blocks=self._blocks, _valid=valid)


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


def _level_geometry(aset: AnchorSet, level: int, style: IoUStyle):
    """Per-level arrays in (A, H, W) layout, so numpy's inner loops run along W rather than the few shapes:
    column extents x1, x2 [A, W], row extents y1, y2 [A, H], anchor areas and flat indices [A, H, W].

    ``uniform`` is true when every column has the same width and every row the same height for each shape
    (always for integer anchors; usually for float32 ones). Then an anchor's area is one number per shape,
    bit for bit what the per-anchor formula gives, and ``shape_area`` [A, 1, 1] holds it.
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
        x1, x2 = view[0, :, :, 0].T.astype(dt), view[0, :, :, 2].T.astype(dt)
        y1, y2 = view[:, 0, :, 1].T.astype(dt), view[:, 0, :, 3].T.astype(dt)
        wd, hd = x2 - x1 + p, y2 - y1 + p
        area = hd[:, :, None] * wd[:, None, :]  # = (x2 - x1) * (y2 - y1) per anchor
        uniform = bool((wd == wd[:, :1]).all() and (hd == hd[:, :1]).all())
        shape_area = area[:, :1, :1].copy() if uniform else None
        base = (np.arange(lg.count, dtype=np.int64).reshape(fh, fw, a) + lg.start).transpose(2, 0, 1)
        # per column / row the extremes over shapes, monotone in the index: what the window search needs
        extents = (x2.max(axis=0) + p, x1.min(axis=0), y2.max(axis=0) + p, y1.min(axis=0))
        for arr in (x1, x2, y1, y2, area, *extents):
            arr.setflags(write=False)
        cache[key] = (x1, x2, y1, y2, area, shape_area, base, extents)
    return cache[key]


def _plan_batches(live, hs, ws, max_batch: int = 48, slack: float = 1.5):
    """Group GTs with similar window sizes; returns [(gt indices, padded h, padded w)]."""
    order = live[np.argsort(-(hs[live] * ws[live]), kind="stable")].tolist()
    hl, wl = hs.tolist(), ws.tolist()
    plans = []
    start = 0
    while start < len(order):
        hb, wb = hl[order[start]], wl[order[start]]
        volume = hb * wb
        stop = start + 1
        # grow the batch while the padded volume stays within ``slack`` of the cells really needed
        while stop < len(order) and stop - start < max_batch:
            k = order[stop]
            nh, nw = max(hb, hl[k]), max(wb, wl[k])
            if (stop - start + 1) * nh * nw > slack * (volume + hl[k] * wl[k]):
                break
            hb, wb, volume = nh, nw, volume + hl[k] * wl[k]
            stop += 1
        plans.append((np.asarray(order[start:stop]), hb, wb))
        start = stop
    return plans


def _windows_batched(live, j0, i0, hs, ws, ih_all, iw_all, shape_area, area_g, tops, style, both_degenerate, best,
                     base, blocks):
    """IoU blocks of many GTs at once, padded to a common window size within a batch of similar sizes, then
    one in-place maximum per GT into the level's best IoU. Padding cells (columns clamped to the grid, or
    zero overlap) are sliced off before use. All IoU blocks of the level live in one buffer."""
    a = shape_area.shape[0]
    dt = shape_area.dtype
    plans = _plan_batches(live, hs, ws)
    store = np.empty(sum(a * len(ks) * hb * wb for ks, hb, wb in plans), dt)
    scratch = np.empty(max(a * len(ks) * hb * wb for ks, hb, wb in plans), dt)
    pos = 0
    j0l, i0l, hl, wl = j0.tolist(), i0.tolist(), hs.tolist(), ws.tolist()
    for ks, hb, wb in plans:
        shape = (a, len(ks), hb, wb)
        size = a * len(ks) * hb * wb
        inter = scratch[:size].reshape(shape)
        iou = store[pos:pos + size].reshape(shape)
        pos += size
        np.multiply(ih_all[:, ks, :hb, None], iw_all[:, ks, None, :wb], out=inter)  # [A, B, hb, wb]
        s_ab = shape_area[:, :, :, None] + area_g[ks][None, :, None, None]  # area_a + area_g, as the dense order
        np.subtract(s_ab, inter, out=iou)  # union
        if style.union_eps > 0:
            np.maximum(iou, dt.type(style.union_eps), out=iou)
        np.divide(inter, iou, out=iou)
        if both_degenerate:
            iou[inter <= 0] = 0
        for b, k in enumerate(ks.tolist()):
            r0, c0, h, w = i0l[k], j0l[k], hl[k], wl[k]
            block = iou[:, b, :h, :w]
            bview = best[:, r0:r0 + h, c0:c0 + w]
            np.maximum(bview, block, out=bview)
            blocks.append((k, base[:, r0:r0 + h, c0:c0 + w], block, float(tops[k])))


_PARALLEL_MIN_PAIRS = 2_000_000  # below this, thread hand-off costs more than it saves
_POOL = None


def _pool():
    """Two worker threads (the machines this targets have 2 cores), created on first use."""
    global _POOL
    if _POOL is None:
        import concurrent.futures

        _POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="anchorviz-iou")
    return _POOL


# Cost model for choosing, per level, between one dense block and one block per GT (measured on 2 cores):
# a numpy call on a small block costs about as much as this many pair computations.
_BLOCK_OVERHEAD_PAIRS = 4_000


def grid_iou_stats(aset: AnchorSet, gts, *, style: IoUStyle = ANCHORVIZ_IOU) -> IoUStats:
    """Statistics computed only where a GT can overlap an anchor; bit-identical to ``dense_iou_stats``.

    Within a level, the x-extent of an anchor depends only on its column and shape, and the y-extent only
    on its row and shape. So for each GT the overlapping anchors of a level lie in a window of columns
    [j0, j1) and rows [i0, i1), found by binary search, and the window's intersections are an outer product
    of per-column widths and per-row heights. Coarse levels, where nearly every pair overlaps, are done as
    one dense block.

    Args:
        aset: anchors from ``generate_anchors``.
        gts (ndarray[M, 4]): xyxy pixels.
        style: the library's IoU arithmetic.
    """
    g64 = as_boxes(gts, name="gt boxes")
    n, m = len(aset), len(g64)
    dt = _dtype(style)
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
    g = g64.astype(dt)
    p = dt(1) if style.plus_one else dt(0)
    area_g = (g[:, 2] - g[:, 0] + p) * (g[:, 3] - g[:, 1] + p)
    eps = dt(style.union_eps)
    zero = dt(0)
    # With +1 widths the overlap test rounds in float, so widen each window by one column/row (zeros only).
    pad = 1 if style.plus_one else 0
    max_iou = np.empty(n, dt)

    def iou_of(inter, union):
        if style.union_eps > 0:
            union = np.maximum(union, eps)
        iou = inter / union
        if both_degenerate:
            iou[inter <= 0] = zero
        return iou

    def one_level(lg):
        """Write the level's slice of max_iou; return its per-GT maxima and its IoU blocks."""
        gt_max = np.zeros(m, dt)
        blocks: list = []
        with np.errstate(invalid="ignore", divide="ignore"):  # errstate is per thread
            x1, x2, y1, y2, area, shape_area, base, (x2_max, x1_min, y2_max, y1_min) = _level_geometry(aset, lg.index, style)
            a, fh, fw = area.shape
            # An anchor column overlaps the GT iff x2 > gx1 and x1 < gx2; extents grow with the column index,
            # so the overlapping columns are contiguous and binary search finds them, for every GT at once.
            j0 = np.maximum(np.searchsorted(x2_max, g[:, 0], side="right") - pad, 0)
            j1 = np.minimum(np.searchsorted(x1_min, g[:, 2] + p, side="left") + pad, fw)
            i0 = np.maximum(np.searchsorted(y2_max, g[:, 1], side="right") - pad, 0)
            i1 = np.minimum(np.searchsorted(y1_min, g[:, 3] + p, side="left") + pad, fh)
            hs, ws = np.maximum(i1 - i0, 0), np.maximum(j1 - j0, 0)
            live = np.flatnonzero((hs > 0) & (ws > 0))
            windowed_cost = int((hs * ws).sum()) * a + len(live) * _BLOCK_OVERHEAD_PAIRS
            if lg.count * m <= windowed_cost:
                iw = np.maximum(np.minimum(x2[None], g[:, 2, None, None]) - np.maximum(x1[None], g[:, 0, None, None]) + p, zero)
                ih = np.maximum(np.minimum(y2[None], g[:, 3, None, None]) - np.maximum(y1[None], g[:, 1, None, None]) + p, zero)
                inter = ih[:, :, :, None] * iw[:, :, None, :]  # [M, A, H, W]
                iou = iou_of(inter, (area[None] + area_g[:, None, None, None]) - inter)
                best = iou.max(axis=0)
                tops = iou.reshape(m, -1).max(axis=1)
                np.maximum(gt_max, tops, out=gt_max)
                blocks.extend((k, base, iou[k], float(tops[k])) for k in range(m))
            elif len(live) == 0:
                best = np.zeros((a, fh, fw), dt)
            else:
                best = np.zeros((a, fh, fw), dt)
                wmax, hmax = int(ws.max()), int(hs.max())
                cols = np.minimum(j0[:, None] + np.arange(wmax), fw - 1)  # [M, wmax]
                rows = np.minimum(i0[:, None] + np.arange(hmax), fh - 1)  # [M, hmax]
                iw_all = np.maximum(np.minimum(x2[:, cols], g[None, :, 2, None]) - np.maximum(x1[:, cols], g[None, :, 0, None]) + p, zero)
                ih_all = np.maximum(np.minimum(y2[:, rows], g[None, :, 3, None]) - np.maximum(y1[:, rows], g[None, :, 1, None]) + p, zero)
                if shape_area is not None:
                    # IoU = t / (S - t) grows with the intersection t for a fixed shape, so each GT's best IoU on
                    # this level is reached where its widest column meets its tallest row: O(A) per GT, exact.
                    colmask = np.arange(wmax) < ws[:, None]
                    rowmask = np.arange(hmax) < hs[:, None]
                    t_best = (np.where(rowmask[None], ih_all, zero).max(axis=2)
                              * np.where(colmask[None], iw_all, zero).max(axis=2))  # [A, M]
                    s_all = shape_area[:, 0, :] + area_g[None, :]  # [A, M]
                    tops = iou_of(t_best, s_all - t_best).max(axis=0)  # [M]
                    tops[(hs == 0) | (ws == 0)] = zero
                    np.maximum(gt_max, tops, out=gt_max)
                    _windows_batched(live, j0, i0, hs, ws, ih_all, iw_all, shape_area, area_g, tops, style,
                                     both_degenerate, best, base, blocks)
                else:
                    for k in live.tolist():
                        c0, c1, r0, r1 = int(j0[k]), int(j1[k]), int(i0[k]), int(i1[k])
                        inter = ih_all[:, k, : r1 - r0, None] * iw_all[:, k, None, : c1 - c0]  # [A, h, w]
                        iou = iou_of(inter, (area[:, r0:r1, c0:c1] + area_g[k]) - inter)
                        top = float(iou.max())
                        if top > gt_max[k]:
                            gt_max[k] = top
                        bview = best[:, r0:r1, c0:c1]
                        np.maximum(bview, iou, out=bview)
                        blocks.append((k, base[:, r0:r1, c0:c1], iou, top))
            # back to location-major order, shapes innermost
            max_iou[lg.start:lg.stop].reshape(fh, fw, a)[...] = best.transpose(1, 2, 0)
        return gt_max, blocks

    # Levels are independent and numpy releases the GIL in its loops: the finest level on one core, the
    # rest on the other.
    levels = list(aset.levels)
    if len(levels) > 1 and n * m >= _PARALLEL_MIN_PAIRS:
        results = list(_pool().map(one_level, levels))
    else:
        results = [one_level(lg) for lg in levels]
    gt_max = np.max([r[0] for r in results], axis=0)
    blocks = [blk for r in results for blk in r[1]]
    return IoUStats(max_iou=max_iou, gt_max_iou=gt_max.astype(np.float64),
                    num_anchors=n, num_gts=m, style=style, _anchors=flat, _gts=g64, _blocks=tuple(blocks))
