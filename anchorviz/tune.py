"""Anchor optimisers: YOLO pixel anchors, and scales x ratios for size-based generators.

Every optimiser is seeded (``numpy.random.default_rng(seed)``: same seed and data, same result), reports
progress through ``on_progress(fraction, message)`` and polls ``should_stop()`` so the app can show a progress
bar and cancel; a cancelled run returns the best setup found so far with ``cancelled=True``.

YOLO-style pixel anchors (``convention="yolov5"``):

* `yolov5_kmean_anchors`: YOLOv5 autoanchor's ``kmean_anchors`` as the baseline, step by step: keep boxes
  with w or h >= 2 px; whiten by the per-column std; scipy-style k-means (30 restarts, `anchorviz.kmeans`);
  un-whiten; sort by area; ``gen`` generations of mutation (probability 0.9, sigma 0.1, factors clipped to
  [0.3, 3.0], anchors clipped at >= 2 px), a candidate kept only when the fitness strictly improves; sorted by
  area. Bit-exact reproduction of yolov5's global NumPy / ``random`` streams and SciPy's k-means is not the
  goal (the golden ``kmean_anchors`` parity cases are skipped for that reason): the procedure is the same,
  the random numbers are not.
* `kmeans_evolve_anchors`: the fast path. The same filtered boxes are binned on a fine log grid (1 % steps in
  w and h, coarsened until at most 30k shapes remain) into weighted representative shapes, clustered with
  1 - IoU k-means (k-means++), then the same evolution runs on the weighted shapes, followed by a
  deterministic coordinate polish and a short BPR stage (BPR raised while fitness stays within 1e-4 of its
  best). Only the evaluation is approximate (binning moves a shape by about a bin); final metrics are always
  measured on all boxes.

Size x scale x ratio generators (torchvision, mmdet, mmdet_v1, detectron2, keras_retinanet), `tune_generator`:
the scales and the ratios (h/w) are shared across levels and searched in log space (the scales as their
smallest value and the gaps between neighbours, so one move shifts them all); sizes stay tied to the strides
as the library ties them:

* torchvision: sizes_l = ``int(base_l * scale)`` (truncated like ``int(x * 2 ** (i / 3))``), base_l = the
  template level's first size;
* detectron2: sizes_l = ``base_l * scale`` (floats, like ``x * 2 ** (k / 3)``);
* mmdet / mmdet_v1: ``scales`` with the base size = the stride (or the template's base_size);
* keras-retinanet: ``scales`` times the template's per-level ``base_size`` (sizes 32..512).

The objective, chosen by the user: ``mean_iou`` (mean best shape IoU), ``bpr`` (share of GTs whose best shape
IoU >= ``iou_thr``, ties broken by mean IoU), or ``positives`` (share of GTs with >= 1 positive anchor under
the real assigner on the grid; expensive, so it runs on a seeded subsample of ``max_images`` images and a
smaller evaluation budget, and says so in ``notes``). The search: a scan of the overall size (shared scales on
a stride-2 ladder make the objective roughly periodic in it, with local optima an octave apart), a seeded
coordinate search with shrinking steps, then seeded random mutations for the remaining budget.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from anchorviz.anchors import AnchorConfig
from anchorviz.dataset import BoxDataset
from anchorviz.dataset_fit import (AssignerSpec, ProgressFn, StopFn, anchor_shapes, default_assigner,
                                   positional_fit, shape_fit, yolo_metrics)
from anchorviz.errors import AnchorVizInputError
from anchorviz.kmeans import iou_kmeans, vq_kmeans

__all__ = ["AnchorSearch", "TuneResult", "OBJECTIVES", "YOLO_METHODS", "GENERATOR_CONVENTIONS", "compress_wh",
           "yolo_fitness", "yolov5_kmean_anchors", "kmeans_evolve_anchors", "tune_yolo", "tune_generator",
           "tune", "yolo_config"]

OBJECTIVES: tuple[str, ...] = ("fitness", "bpr", "mean_iou", "positives")
YOLO_METHODS: tuple[str, ...] = ("fast", "yolov5")
GENERATOR_CONVENTIONS: tuple[str, ...] = ("torchvision", "mmdet", "mmdet_v1", "detectron2", "keras_retinanet")


def _noop(fraction: float, message: str) -> None:
    return None


def _never() -> bool:
    return False


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise AnchorVizInputError(f"seed: expected a whole number >= 0, got {seed!r}")
    return int(seed)


def _check_count(v, what: str, lo: int = 1) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise AnchorVizInputError(f"{what}: expected a whole number >= {lo}, got {v!r}")
    return int(v)


def _check_thr(thr) -> float:
    if isinstance(thr, bool) or not isinstance(thr, (int, float)) or not math.isfinite(thr) or thr <= 1:
        raise AnchorVizInputError(f"anchor_t: expected a number > 1, got {thr!r}")
    return float(thr)


def _as_wh(data) -> np.ndarray:
    wh = data.wh if isinstance(data, BoxDataset) else np.asarray(data, np.float64)
    if wh.ndim != 2 or wh.shape[1] != 2:
        raise AnchorVizInputError(f"boxes: expected a BoxDataset or (N, 2) widths and heights, got shape {wh.shape}")
    if not np.isfinite(wh).all() or (wh < 0).any():
        raise AnchorVizInputError("boxes: widths and heights must be finite and >= 0")
    return wh


# --------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, kw_only=True, eq=False)
class AnchorSearch:
    """The outcome of a YOLO anchor search.

    Attributes:
        anchors: float64 (k, 2) (w, h) pixel anchors sorted by area.
        fitness: the objective on the data the search optimised (float, or (primary, secondary) for "bpr").
        history: float64 (G,) best primary objective after each generation.
        evaluations: objective evaluations made.
        cancelled: ``should_stop`` ended the search early.
        kmeans_anchors: float64 (k, 2) the k-means result before evolution.
    """

    anchors: np.ndarray
    fitness: float | tuple
    history: np.ndarray
    evaluations: int
    cancelled: bool
    kmeans_anchors: np.ndarray


@dataclass(frozen=True, kw_only=True, eq=False)
class TuneResult:
    """A tuned setup.

    Attributes:
        config: the tuned AnchorConfig (values rounded: YOLO anchors to 0.01 px, scales and ratios to 4
            decimals, so exports read cleanly; ``after`` is measured on this rounded setup).
        start: the template it started from.
        objective: what was maximised.
        before, after: the objective of ``start`` and ``config`` (on all boxes, or on the image sample for
            "positives").
        history: float64 best objective after each generation / evaluation.
        evaluations: objective evaluations.
        seed: the seed.
        cancelled: stopped early by ``should_stop``.
        notes: sentences about what was done (sampling, objective mapping, rounding).
    """

    config: AnchorConfig
    start: AnchorConfig
    objective: str
    before: float
    after: float
    history: np.ndarray
    evaluations: int
    seed: int
    cancelled: bool = False
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------------------------------------
# YOLO fitness


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


def _mutate(k: np.ndarray, rng: np.random.Generator, mp: float = 0.9, s: float = 0.1) -> np.ndarray:
    """autoanchor's mutation: v = clip(1 + (rand < mp) * random() * randn * s, 0.3, 3.0), redrawn while all 1."""
    sh = k.shape
    v = np.ones(sh)
    while (v == 1).all():
        v = ((rng.random(sh) < mp) * rng.random() * rng.standard_normal(sh) * s + 1).clip(0.3, 3.0)
    return (k.copy() * v).clip(min=2.0)


def _evolve(k: np.ndarray, fitness: Callable, gen: int, rng: np.random.Generator, progress: ProgressFn,
            stop: StopFn, lo: float, hi: float, label: str):
    f = fitness(k)
    history = np.empty(gen)
    every = max(1, gen // 100)
    done = gen
    for g in range(gen):
        if g % every == 0:
            if stop():
                done = g
                break
            progress(lo + (hi - lo) * g / gen, f"{label}: generation {g:,} of {gen:,}, fitness {_primary(f):.4f}")
        kg = _mutate(k, rng)
        fg = fitness(kg)
        if fg > f:
            f, k = fg, kg.copy()
        history[g] = _primary(f)
    return k, f, history[:done], done, done < gen


def _sort_area(k: np.ndarray) -> np.ndarray:
    return k[np.argsort(k.prod(axis=1), kind="stable")]


# --------------------------------------------------------------------------------------------------------
# YOLOv5 autoanchor (baseline)


def _yolo_args(data, n, thr, gen, seed, on_progress, should_stop):
    """The checked arguments the two YOLO anchor searches share, and the (N, 2) widths and heights."""
    return (_check_thr(thr), _check_count(n, "n"), _check_count(gen, "gen", 0),
            np.random.default_rng(_check_seed(seed)), on_progress or _noop, should_stop or _never, _as_wh(data))


def yolov5_kmean_anchors(data, *, n: int = 9, img_size: int = 640, thr: float = 4.0, gen: int = 1000,
                         seed: int = 0, on_progress: ProgressFn | None = None,
                         should_stop: StopFn | None = None) -> AnchorSearch:
    """YOLOv5 autoanchor's ``kmean_anchors`` on box widths and heights already in network-input pixels.

    Steps (yolov5 ``utils/autoanchor.py``; see the module docstring about random streams): keep rows with
    w >= 2 or h >= 2; s = per-column std (float32); k = vq_kmeans(wh / s, n, iter=30) * s, falling back to
    ``sort(rand(2n)).reshape(n, 2) * img_size`` when k-means returns fewer than n centres; sort by area;
    evolve ``gen`` generations of the float32 fitness on the kept rows; sort by area.

    Args:
        data: a BoxDataset or float64 (N, 2) widths and heights (network-input pixels).
        n: number of anchors.
        img_size: only used by the random-init fallback, as in yolov5.
        thr: anchor_t.
        gen: generations of evolution.
        seed: seed of ``numpy.random.default_rng``.
        on_progress, should_stop: progress callback and cancel check.

    Returns:
        AnchorSearch (anchors float64 values of the float32 result, sorted by area).
    """
    thr, n, gen, rng, progress, stop, wh0 = _yolo_args(data, n, thr, gen, seed, on_progress, should_stop)
    wh = wh0[(wh0 >= 2.0).any(axis=1)].astype(np.float32)
    if len(wh) < n:
        raise AnchorVizInputError(f"k-means: expected at least n = {n} boxes of 2 px or more, got {len(wh)}")
    progress(0.0, f"k-means (whitened, 30 restarts) on {len(wh):,} boxes")
    s = wh.std(axis=0)
    s = np.where(s > 0, s, np.float32(1))
    book, _ = vq_kmeans(wh / s, n, rng=rng, iter=30, should_stop=stop)
    if book is None or len(book) != n:
        k = np.sort(rng.random(n * 2)).reshape(n, 2) * img_size  # yolov5's random-init fallback
    else:
        k = book.astype(np.float64) * s
    k = _sort_area(k)
    k0 = k.copy()

    fitness = _YoloFitness(wh)

    def fit(kk):
        return fitness(kk, thr)

    k, f, hist, done, cancelled = _evolve(k, fit, gen, rng, progress, stop, 0.3, 1.0, "evolving anchors")
    progress(1.0, "done")
    out = _sort_area(k).astype(np.float32).astype(np.float64)
    return AnchorSearch(anchors=out, fitness=f, history=hist, evaluations=done + 1, cancelled=cancelled or stop(),
                        kmeans_anchors=k0)


# --------------------------------------------------------------------------------------------------------
# Fast path: binned shapes, 1 - IoU k-means, evolution, polish


def compress_wh(wh, *, resolution: float = 0.01, max_points: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bin (w, h) on a log grid: returns (representative shapes (P, 2), weights (P,)).

    Each occupied cell of width ``resolution`` in log(w) and log(h) (0.01 = 1 % steps) becomes one shape, the
    mean (w, h) of its members, weighted by their count. With ``max_points`` the step grows by 1.25x until at
    most that many cells are occupied. O(N) time and memory per try.

    Args:
        wh (ndarray[N, 2]): widths and heights > 0.
        resolution: the log-grid step.
        max_points: the most shapes to return, or None.
    """
    x = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(x) == 0:
        return np.zeros((0, 2)), np.zeros(0)
    if (x <= 0).any() or not np.isfinite(x).all():
        raise AnchorVizInputError("compress_wh: widths and heights must be finite and > 0")
    # per column, int32 cell indices: a few N-sized temporaries even for 10M boxes
    lw, lh = np.log(x[:, 0]), np.log(x[:, 1])
    lw -= lw.min()
    lh -= lh.min()
    span = np.array([lw.max(), lh.max()])
    res = float(resolution)
    while True:
        nx, ny = (int(v) for v in np.floor(span / res) + 1)
        if nx * ny <= 16_000_000:
            key = np.floor(lh / res).astype(np.int32)
            key *= np.int32(nx)
            key += np.floor(lw / res).astype(np.int32)
            cnt = np.bincount(key, minlength=nx * ny)
            occ = np.flatnonzero(cnt)
            if max_points is None or len(occ) <= max_points:
                break
        res *= 1.25
    del lw, lh
    sw = np.bincount(key, weights=x[:, 0], minlength=nx * ny)[occ]
    sh = np.bincount(key, weights=x[:, 1], minlength=nx * ny)[occ]
    c = cnt[occ].astype(np.float64)
    return np.stack([sw / c, sh / c], axis=1), c


def _polish(k: np.ndarray, fitness: Callable, f, stop: StopFn, steps=(0.04, 0.02, 0.01, 0.005, 0.0025)):
    """Deterministic coordinate search: scale one anchor side by (1 +- step) while that improves."""
    evals = 0
    for step in steps:
        for _ in range(4):
            improved = False
            for i in range(k.shape[0]):
                for d in range(2):
                    for sign in (1.0, -1.0):
                        kg = k.copy()
                        kg[i, d] = max(2.0, kg[i, d] * (1.0 + sign * step))
                        fg = fitness(kg)
                        evals += 1
                        if fg > f:
                            k, f, improved = kg, fg, True
                            break
            if not improved or stop():
                break
    return k, f, evals


def kmeans_evolve_anchors(data, *, n: int = 9, thr: float = 4.0, gen: int = 1000, seed: int = 0,
                          objective: str = "fitness", resolution: float = 0.01, max_points: int = 30_000,
                          n_init: int = 3, polish: bool = True, bpr_tolerance: float = 1e-4,
                          on_progress: ProgressFn | None = None,
                          should_stop: StopFn | None = None) -> AnchorSearch:
    """Fast YOLO anchors: 1 - IoU k-means, then YOLOv5's evolution, on log-binned weighted shapes.

    Args:
        data: a BoxDataset or float64 (N, 2) widths and heights (network-input pixels).
        n: number of anchors.
        thr: anchor_t.
        gen: generations of evolution.
        seed: seed of ``numpy.random.default_rng``.
        objective: "fitness" (YOLOv5's), "bpr" (YOLOv5 BPR, ties broken by fitness) or "mean_iou" (mean best
            shape IoU).
        resolution: finest log-grid step of the binning (0.01 = 1 %); coarsened until at most ``max_points``
            binned shapes remain.
        max_points: most binned shapes the search works on.
        n_init: k-means restarts.
        polish: finish with a deterministic coordinate search.
        bpr_tolerance: objective "fitness" only: a last stage (gen / 5 generations + polish) maximises BPR
            among anchors whose fitness stays within this much of the best found (autoanchor adopts anchors
            by BPR, and fitness-optimal anchors can leave a few boxes just outside 4x); 0 turns it off.
        on_progress, should_stop: progress callback and cancel check.

    Returns:
        AnchorSearch; ``fitness`` is the objective on the binned shapes (measure on all boxes with
        `anchorviz.dataset_fit.yolo_metrics`).
    """
    thr, n, gen, rng, progress, stop, wh0 = _yolo_args(data, n, thr, gen, seed, on_progress, should_stop)
    # yolov5's filter (w or h >= 2 px); a 0 side cannot be binned on a log grid and fits no anchor anyway
    keep = ((wh0[:, 0] >= 2.0) | (wh0[:, 1] >= 2.0)) & (wh0[:, 0] > 0) & (wh0[:, 1] > 0)
    wh = wh0 if keep.all() else wh0[keep]
    del keep
    progress(0.0, f"binning {len(wh):,} box shapes")
    pts, wts = compress_wh(wh, resolution=resolution, max_points=max_points)
    if len(pts) < n:
        raise AnchorVizInputError(f"k-means: expected at least n = {n} distinct box shapes, got {len(pts)}")
    shapes = _LogShapes(pts, wts)
    fitness = _yolo_objective(objective, thr, shapes)
    progress(0.05, f"k-means (1 - IoU, k-means++) on {len(pts):,} binned shapes")
    k, _ = iou_kmeans(pts, n, rng=rng, weights=wts, n_init=n_init)
    k = np.maximum(k, 2.0)
    k0 = k.copy()
    k, f, hist, done, cancelled = _evolve(k, fitness, gen, rng, progress, stop, 0.1, 0.85, "evolving anchors")
    evals = done + 1
    if polish and not cancelled:
        progress(0.85, "polishing")
        k, f, pe = _polish(k, fitness, f, stop)
        evals += pe
    if objective == "fitness" and bpr_tolerance > 0 and not (cancelled or stop()):
        # autoanchor adopts anchors by BPR: spend at most ``bpr_tolerance`` of fitness to raise it
        bpr_fit = _yolo_objective("bpr", thr, shapes)
        floor = f - bpr_tolerance

        def constrained(kk):
            b, fk = bpr_fit(kk)
            return (fk >= floor, b, fk)

        k, v, _, done2, c2 = _evolve(k, constrained, max(gen // 5, 1) if gen else 0, rng, progress, stop, 0.9, 0.97,
                                     "raising BPR")
        k, v, pe = _polish(k, constrained, v, stop)
        f, evals, cancelled = v[2], evals + done2 + pe, c2
    progress(1.0, "done")
    return AnchorSearch(anchors=_sort_area(k), fitness=f, history=hist, evaluations=evals,
                        cancelled=cancelled or stop(), kmeans_anchors=k0)


def yolo_config(anchors_wh, template: AnchorConfig) -> AnchorConfig:
    """Put k anchors (sorted by area) on the template's levels, k / L per level, smallest on the finest."""
    k = np.asarray(anchors_wh, np.float64).reshape(-1, 2)
    nl = len(template.levels)
    if len(k) % nl:
        raise AnchorVizInputError(f"k = {len(k)} anchors cannot be shared evenly by {nl} levels; expected a multiple of {nl}")
    k = _sort_area(k)
    per = len(k) // nl
    levels = tuple(replace(lv, wh=tuple((float(w), float(h)) for w, h in k[i * per:(i + 1) * per]))
                   for i, lv in enumerate(template.levels))
    return replace(template, levels=levels)


def _yolo_value(objective: str, wh: np.ndarray, cfg: AnchorConfig, thr: float) -> float:
    shapes = anchor_shapes(cfg).wh
    if objective == "mean_iou":
        return shape_fit(wh, cfg, anchor_t=thr).mean_best_iou
    m = yolo_metrics(wh, shapes, thr=thr)
    return m.bpr if objective == "bpr" else m.fitness


def tune_yolo(data, template: AnchorConfig, *, k: int | None = None, objective: str = "fitness",
              anchor_t: float = 4.0, gen: int = 1000, seed: int = 0, method: str = "fast",
              on_progress: ProgressFn | None = None, should_stop: StopFn | None = None) -> TuneResult:
    """Tune YOLO pixel anchors with `kmeans_evolve_anchors` and put them on the template's levels.

    Args:
        data: a BoxDataset or (N, 2) widths and heights.
        template: a yolov5 AnchorConfig (its levels and strides are kept).
        k: number of anchors (default: as many as the template has); a multiple of the number of levels.
        objective: "fitness", "bpr", "mean_iou"; "positives" is treated as "fitness" (under YOLOv5's
            assigner a GT has a positive exactly when it passes the ratio test, i.e. BPR).
        anchor_t, gen, seed, on_progress, should_stop: see `kmeans_evolve_anchors`.
        method: "fast" (`kmeans_evolve_anchors`) or "yolov5" (`yolov5_kmean_anchors`, YOLOv5's own procedure on
            every box; it maximises the fitness only).
    """
    if template.convention != "yolov5":
        raise AnchorVizInputError(f"tune_yolo: expected a yolov5 setup, got {template.convention}")
    notes = []
    if objective == "positives":
        notes.append("objective 'positives' under YOLOv5's assigner is its BPR; the evolution maximised YOLOv5's fitness.")
        objective = "fitness"
    if objective not in ("fitness", "bpr", "mean_iou"):
        raise AnchorVizInputError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    k = sum(len(lv.wh) for lv in template.levels) if k is None else _check_count(k, "k")
    if k % len(template.levels):
        raise AnchorVizInputError(f"k = {k} anchors cannot be shared evenly by {len(template.levels)} levels; "
                                  f"expected a multiple of {len(template.levels)}")
    if method not in YOLO_METHODS:
        raise AnchorVizInputError(f"method: expected one of {', '.join(YOLO_METHODS)}, got {method!r}")
    if method == "yolov5" and objective != "fitness":
        raise AnchorVizInputError(f"method 'yolov5' (YOLOv5's autoanchor) maximises the fitness; got objective "
                                  f"{objective!r}")
    wh = _as_wh(data)
    if method == "yolov5":
        search = yolov5_kmean_anchors(wh, n=k, thr=anchor_t, gen=gen, seed=seed, on_progress=on_progress,
                                      should_stop=should_stop)
        notes.append(f"{k} anchors by YOLOv5's autoanchor procedure (whitened k-means + {len(search.history):,} "
                     "generations on every box); values rounded to 0.01 px.")
    else:
        search = kmeans_evolve_anchors(wh, n=k, thr=anchor_t, gen=gen, seed=seed, objective=objective,
                                       on_progress=on_progress, should_stop=should_stop)
        notes.append(f"{k} anchors from 1 - IoU k-means + {len(search.history):,} generations of evolution on "
                     "log-binned box shapes; values rounded to 0.01 px.")
    cfg = yolo_config(np.round(search.anchors, 2), template)
    return TuneResult(config=cfg, start=template, objective=objective,
                      before=_yolo_value(objective, wh, template, anchor_t),
                      after=_yolo_value(objective, wh, cfg, anchor_t), history=search.history,
                      evaluations=search.evaluations, seed=int(seed), cancelled=search.cancelled, notes=tuple(notes))


# --------------------------------------------------------------------------------------------------------
# Size x scale x ratio generators


def _default_scales(n: int) -> np.ndarray:
    return 2.0 ** (np.arange(n) / n)


def _default_ratios(n: int) -> np.ndarray:
    if n == 1:
        return np.ones(1)
    return 2.0 ** np.linspace(-1, 1, n) if n <= 3 else 4.0 ** np.linspace(-1, 1, n)


class _Space:
    """Maps log(scales) ++ log(ratios) to an AnchorConfig the way the library ties sizes to strides."""

    def __init__(self, template: AnchorConfig, n_scales: int, n_ratios: int) -> None:
        conv = template.convention
        if conv not in GENERATOR_CONVENTIONS:
            raise AnchorVizInputError(
                f"tune_generator: expected one of {', '.join(GENERATOR_CONVENTIONS)}, got {conv!r} "
                "(YOLO anchors: use tune_yolo; SSD and d2l sizes are not a scale x ratio grid)")
        self.template, self.conv = template, conv
        self.ns, self.nr = n_scales, n_ratios
        lv0 = template.levels[0]
        if conv in ("torchvision", "detectron2"):
            self.bases = [lv.sizes[0] for lv in template.levels]
            rel = np.array(lv0.sizes, np.float64) / lv0.sizes[0]
        else:
            rel = np.array(lv0.scales, np.float64)
        s0 = rel if len(rel) == n_scales else (rel[0] if len(rel) else 1.0) * _default_scales(n_scales)
        r0 = np.array(lv0.ratios, np.float64)
        r0 = r0 if len(r0) == n_ratios else _default_ratios(n_ratios)
        # scales as (log of the smallest, log gaps between neighbours): one coordinate shifts them all, which
        # is the move a shared-scale grid needs (moving one scale alone breaks its spacing)
        ls = np.log(np.sort(s0))
        self.x0 = np.concatenate([ls[:1], np.diff(ls), np.log(np.sort(r0))])
        self.lo = np.concatenate([self.x0[:1] - math.log(16), np.zeros(n_scales - 1), np.full(n_ratios, -math.log(16))])
        self.hi = np.concatenate([self.x0[:1] + math.log(16), np.full(n_scales - 1, math.log(4)),
                                  np.full(n_ratios, math.log(16))])

    def config(self, x: np.ndarray, *, decimals: int | None = None) -> AnchorConfig:
        s = np.exp(np.cumsum(x[:self.ns]))
        r = np.sort(np.exp(x[self.ns:]))
        if decimals is not None:
            s, r = np.round(s, decimals), np.round(r, decimals)
            s, r = np.maximum(s, 10.0 ** -decimals), np.maximum(r, 10.0 ** -decimals)
        ratios = tuple(float(v) for v in r)
        levels = []
        for i, lv in enumerate(self.template.levels):
            if self.conv == "torchvision":
                sizes = tuple(max(1, int(self.bases[i] * v)) for v in s)
                levels.append(replace(lv, sizes=sizes, ratios=ratios))
            elif self.conv == "detectron2":
                levels.append(replace(lv, sizes=tuple(float(self.bases[i] * v) for v in s), ratios=ratios))
            else:
                levels.append(replace(lv, scales=tuple(float(v) for v in s), ratios=ratios))
        return replace(self.template, levels=tuple(levels))


def _shape_objective(objective: str, shapes: _LogShapes, iou_thr: float):

    def f(cfg: AnchorConfig):
        mean, share = shapes.mean_iou_bpr(anchor_shapes(cfg).wh, iou_thr)
        return mean if objective == "mean_iou" else (share, mean)

    return f


def tune_generator(ds: BoxDataset, template: AnchorConfig, *, objective: str = "mean_iou",
                   n_scales: int | None = None, n_ratios: int | None = None, iou_thr: float = 0.5,
                   assigner: AssignerSpec | None = None, max_images: int = 64, max_evals: int | None = None,
                   seed: int = 0, on_progress: ProgressFn | None = None,
                   should_stop: StopFn | None = None) -> TuneResult:
    """Search shared scales and ratios of a size-based generator (see the module docstring).

    Args:
        ds: the dataset (its boxes in network-input pixels).
        template: the starting setup (its levels, strides and per-level bases are kept).
        objective: "mean_iou", "bpr" (share with best shape IoU >= iou_thr) or "positives" (share of GTs
            with >= 1 positive under ``assigner`` on the grid, on a seeded sample of ``max_images`` images).
        n_scales, n_ratios: how many scales and ratios (default: as in the template's first level).
        iou_thr: threshold of "bpr".
        assigner: the assigner of "positives" (default: max-IoU 0.5/0.4 with the library's low-quality rule).
        max_images: image sample of "positives".
        max_evals: objective evaluations (default 400 for shape objectives, 40 for "positives").
        seed: seeds the search order, the mutations and the image sample.
        on_progress, should_stop: progress callback and cancel check.

    Raises:
        AnchorVizInputError: a convention without a scale x ratio grid, an unknown objective, bad counts.
    """
    if objective == "fitness":
        objective = "mean_iou"
    if objective not in ("mean_iou", "bpr", "positives"):
        raise AnchorVizInputError(f"objective: expected mean_iou, bpr or positives, got {objective!r}")
    seed = _check_seed(seed)
    lv0 = template.levels[0]
    n_s0 = len(lv0.sizes) if template.convention in ("torchvision", "detectron2") else len(lv0.scales)
    ns = _check_count(n_scales if n_scales is not None else n_s0, "n_scales")
    nr = _check_count(n_ratios if n_ratios is not None else len(lv0.ratios), "n_ratios")
    space = _Space(template, ns, nr)
    progress, stop = on_progress or _noop, should_stop or _never
    rng = np.random.default_rng(seed)
    notes = []
    if objective == "positives":
        spec = assigner or default_assigner(template)
        images = ds.sample_images(max_images, seed=seed)
        if len(images) == 0:
            raise AnchorVizInputError("tune: the dataset has no image with boxes")
        budget = 40 if max_evals is None else _check_count(max_evals, "max_evals")
        notes.append(f"objective 'positives' ({spec.describe(template.convention)}) measured on "
                     f"{len(images):,} of {int((ds.boxes_per_image() > 0).sum()):,} images (seeded sample), "
                     f"{budget} evaluations: the real assignment is expensive.")

        def value(cfg):
            pf = positional_fit(ds, cfg, assigner=spec, images=images)
            return (pf.with_positive_share(), float(pf.grid_best_iou.mean()))
    else:
        budget = 400 if max_evals is None else _check_count(max_evals, "max_evals")
        wh = ds.wh if isinstance(ds, BoxDataset) else _as_wh(ds)
        pts, wts = compress_wh(wh[(wh > 0).all(axis=1)], max_points=30_000)
        value = _shape_objective(objective, _LogShapes(pts, wts), iou_thr)
        notes.append(f"objective '{objective}' on {len(wh):,} boxes (log-binned into {len(pts):,} shapes).")

    evals = 0
    history = []

    def ev(x):
        nonlocal evals
        evals += 1
        v = value(space.config(x))
        return v

    x = space.x0.copy()
    f = ev(x)
    history.append(_primary(f))
    cancelled = False
    dim = len(x)
    # 1. scan the overall size: shared scales on a stride ladder make the objective periodic in it
    shifts = np.log(2.0) * np.arange(-24, 25) / 12  # +-2 octaves in 1/12-octave steps, nearest first
    for shift in shifts[np.argsort(np.abs(shifts), kind="stable")]:
        if shift == 0 or evals >= budget // 3:
            continue
        if stop():
            cancelled = True
            break
        y = x.copy()
        y[0] = np.clip(space.x0[0] + shift, space.lo[0], space.hi[0])
        fy = ev(y)
        if fy > f:
            x, f = y, fy
        history.append(_primary(f))
        progress(min(evals / budget, 1.0) * 0.95, f"scanning sizes: {evals} of {budget} evaluations, "
                                                  f"{objective} {_primary(f):.4f}")
    # 2. coordinate search with shrinking steps
    step = 0.3
    while evals < budget and step >= 0.01 and not cancelled:
        improved = False
        for i in rng.permutation(dim):
            for d in (step, -step):
                if evals >= budget:
                    break
                if stop():
                    cancelled = True
                    break
                y = x.copy()
                y[i] = np.clip(y[i] + d, space.lo[i], space.hi[i])
                if y[i] == x[i]:
                    continue
                fy = ev(y)
                accepted = fy > f
                if accepted:
                    x, f, improved = y, fy, True
                history.append(_primary(f))
                progress(min(evals / budget, 1.0) * 0.95, f"searching scales and ratios: {evals} of {budget} "
                                                          f"evaluations, {objective} {_primary(f):.4f}")
                if accepted:
                    break  # this coordinate moved; the opposite direction cannot be better from here
            if cancelled:
                break
        if not improved:
            step /= 2
    while evals < budget and not cancelled:  # 3. seeded random mutations for the rest of the budget
        if stop():
            cancelled = True
            break
        y = np.clip(x + (rng.random(dim) < 0.5) * rng.standard_normal(dim) * 0.05, space.lo, space.hi)
        fy = ev(y)
        if fy > f:
            x, f = y, fy
        history.append(_primary(f))
        progress(min(evals / budget, 1.0) * 0.95, f"refining: {evals} of {budget} evaluations, {objective} {_primary(f):.4f}")
    cfg = space.config(x, decimals=4)
    before = _primary(value(template))
    after = _primary(value(cfg))
    if after < before:  # rounding or a template off the search grid: never hand back a worse setup
        cfg, after = template, before
        notes.append("no setup better than the template was found; the template is returned.")
    notes.append("scales and ratios rounded to 4 decimals.")
    progress(1.0, "done")
    return TuneResult(config=cfg, start=template, objective=objective, before=before, after=after,
                      history=np.array(history), evaluations=evals + 2, seed=seed, cancelled=cancelled,
                      notes=tuple(notes))


def tune(ds: BoxDataset, template: AnchorConfig, *, objective: str = "fitness", k: int | None = None,
         n_scales: int | None = None, n_ratios: int | None = None, anchor_t: float = 4.0, iou_thr: float = 0.5,
         gen: int = 1000, assigner: AssignerSpec | None = None, max_images: int = 64,
         max_evals: int | None = None, seed: int = 0, method: str = "fast", on_progress: ProgressFn | None = None,
         should_stop: StopFn | None = None) -> TuneResult:
    """Tune any setup: `tune_yolo` for yolov5 templates, `tune_generator` for the size-based libraries.

    For generators, ``k`` (anchors per location) may replace ``n_scales``: n_scales = k / n_ratios. The
    objective "fitness" means YOLOv5's fitness for YOLO and mean best IoU for generators. ``method`` chooses
    the YOLO optimiser (see `tune_yolo`).
    """
    if objective not in OBJECTIVES:
        raise AnchorVizInputError(f"objective: expected one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if template.convention == "yolov5":
        return tune_yolo(ds, template, k=k, objective=objective, anchor_t=anchor_t, gen=gen, seed=seed, method=method,
                         on_progress=on_progress, should_stop=should_stop)
    if k is not None:
        k = _check_count(k, "k")
        nr = n_ratios if n_ratios is not None else len(template.levels[0].ratios)
        if n_scales is None:
            if k % nr:
                raise AnchorVizInputError(f"k = {k} anchors per location is not a multiple of {nr} ratios; "
                                          "give the number of scales and ratios instead")
            n_scales = k // nr
        elif n_scales * nr != k:
            raise AnchorVizInputError(f"k = {k} but {n_scales} scales x {nr} ratios = {n_scales * nr}")
        n_ratios = nr
    return tune_generator(ds, template, objective=objective, n_scales=n_scales, n_ratios=n_ratios,
                          iou_thr=iou_thr, assigner=assigner, max_images=max_images, max_evals=max_evals, seed=seed,
                          on_progress=on_progress, should_stop=should_stop)
