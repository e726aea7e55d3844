"""The objectives the optimisers evaluate thousands of times: YOLOv5's fitness on every box (float32, as
autoanchor), and fast weighted versions on log-binned shapes (fitness, BPR, mean best IoU)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.tune.results import OBJECTIVES

__all__ = ["yolo_fitness"]


def yolo_fitness(k: np.ndarray, wh: np.ndarray, thr: float) -> float:
    """YOLOv5 ``anchor_fitness``: mean(best * (best > 1/thr)), best = max over anchors of min(r, 1/r) over w, h.

    Computed in float32 exactly as autoanchor does (``wh`` float32 (N, 2), ``k`` cast to float32). The two
    dimensions are reduced with ``np.minimum`` rather than ``.min(axis=2)``: same values, 5x faster.
    """
    return _YoloFitness(wh)(k, thr)


class _YoloFitness:
    """`yolo_fitness` on fixed boxes with preallocated (N, K) buffers (the baseline evaluates it 1000 times)."""

    def __init__(self, wh: np.ndarray) -> None:
        self.w = np.ascontiguousarray(wh[:, 0:1], np.float32)
        self.h = np.ascontiguousarray(wh[:, 1:2], np.float32)
        self.bufs: tuple[np.ndarray, ...] = ()

    def __call__(self, k: np.ndarray, thr: float) -> float:
        kk = np.asarray(k, np.float32)
        shape = (len(self.w), len(kk))
        if not self.bufs or self.bufs[0].shape != shape:
            self.bufs = tuple(np.empty(shape, np.float32) for _ in range(3))
        rw, rh, inv = self.bufs
        one = np.float32(1)
        np.divide(self.w, kk[None, :, 0], out=rw)  # r = wh / k per dimension, [N, K]
        np.divide(one, rw, out=inv)
        np.minimum(rw, inv, out=rw)
        np.divide(self.h, kk[None, :, 1], out=rh)
        np.divide(one, rh, out=inv)
        np.minimum(rh, inv, out=rh)
        np.minimum(rw, rh, out=rw)  # x = min over w, h of min(r, 1/r)
        best = rw.max(axis=1)
        return float((best * (best > np.float32(1.0 / thr)).astype(np.float32)).mean(dtype=np.float32))


class _LogShapes:
    """Weighted shapes for fast objectives, with preallocated buffers (every op in place: an objective is
    evaluated thousands of times, and fresh N-sized temporaries cost more than the arithmetic).

    The YOLOv5 ratio metric uses min(r, 1/r) = exp(-|log w - log a|), so the best metric over anchors is
    exp(-min_j max(|log w - log a_j|, |log h - log b_j|)), computed in float32 (distances) and float64 (means).
    Methods return views of the buffers: use the values before the next call.
    """

    def __init__(self, pts: np.ndarray, weights: np.ndarray) -> None:
        n = len(pts)
        self.pts = np.ascontiguousarray(pts, np.float64)
        self.pw, self.ph = self.pts[:, 0].copy(), self.pts[:, 1].copy()
        self.lw = np.log(self.pw).astype(np.float32)
        self.lh = np.log(self.ph).astype(np.float32)
        self.w = weights / weights.sum()
        self.area = self.pw * self.ph
        self._d, self._e, self._dmin = (np.empty(n, np.float32) for _ in range(3))
        self._b, self._t, self._u, self._v = (np.empty(n, np.float64) for _ in range(4))
        self._mask = np.empty(n, bool)

    def best_ratio(self, k: np.ndarray) -> np.ndarray:
        """(P,) best YOLOv5 ratio metric over anchors k (K, 2) (a buffer)."""
        lk = np.log(np.asarray(k, np.float64)).astype(np.float32)
        d, e, dmin = self._d, self._e, self._dmin
        dmin.fill(np.inf)
        for j in range(len(lk)):  # a loop over the few anchors keeps every temporary at (P,)
            np.subtract(self.lw, lk[j, 0], out=d)
            np.abs(d, out=d)
            np.subtract(self.lh, lk[j, 1], out=e)
            np.abs(e, out=e)
            np.maximum(d, e, out=d)
            np.minimum(dmin, d, out=dmin)
        b = self._b
        np.negative(dmin, out=b)
        np.exp(b, out=b)
        return b

    def _wmean(self, x: np.ndarray) -> float:
        """sum(w * x) with NumPy's pairwise sum. Not np.dot: OpenBLAS threads a long dot product, and on a
        busy machine every one of thousands of calls can then wait for a core (measured: 10x slower)."""
        np.multiply(self.w, x, out=self._v)
        return float(self._v.sum())

    def fitness_bpr(self, k: np.ndarray, t: float) -> tuple[float, float]:
        """(YOLOv5 fitness, BPR), weighted: mean(best * (best > t)), mean(best > t)."""
        b = self.best_ratio(k)
        np.greater(b, t, out=self._mask)
        np.copyto(self._u, self._mask)
        np.multiply(b, self._u, out=self._t)
        return self._wmean(self._t), self._wmean(self._u)

    def best_iou(self, k: np.ndarray) -> np.ndarray:
        """(P,) best shape IoU over anchors k (K, 2) (a buffer)."""
        best, inter, tmp = self._b, self._t, self._u
        best.fill(0.0)
        for j in range(len(k)):
            kw, kh = float(k[j, 0]), float(k[j, 1])
            np.minimum(self.pw, kw, out=inter)
            np.minimum(self.ph, kh, out=tmp)
            np.multiply(inter, tmp, out=inter)
            np.add(self.area, kw * kh, out=tmp)
            np.subtract(tmp, inter, out=tmp)
            np.divide(inter, tmp, out=inter)
            np.maximum(best, inter, out=best)
        return best

    def mean_iou_bpr(self, k: np.ndarray, iou_thr: float) -> tuple[float, float]:
        """(weighted mean best IoU, weighted share with best IoU >= iou_thr)."""
        best = self.best_iou(k)
        mean = self._wmean(best)
        np.greater_equal(best, iou_thr, out=self._mask)
        np.copyto(self._u, self._mask)
        return mean, self._wmean(self._u)


def _yolo_objective(objective: str, thr: float, shapes: _LogShapes) -> Callable:
    """The objective on weighted shapes: a float, or (primary, tie-break) for "bpr"."""
    t = 1.0 / thr
    if objective == "fitness":
        return lambda k: shapes.fitness_bpr(k, t)[0]
    if objective == "bpr":
        def bpr(k):
            f, b = shapes.fitness_bpr(k, t)
            return (b, f)
        return bpr
    if objective == "mean_iou":
        return lambda k: shapes.mean_iou_bpr(k, 1.0)[0]
    raise AnchorVizInputError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")


def _primary(v) -> float:
    """The number to show: a float, the first of (primary, tie-break), the middle of (feasible, value, other)."""
    if isinstance(v, tuple):
        return float(v[1] if len(v) == 3 else v[0])
    return float(v)
