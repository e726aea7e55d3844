"""YOLO pixel anchors (``convention="yolov5"``): YOLOv5 autoanchor's ``kmean_anchors`` step by step (the
baseline) and the fast path (log-binned shapes, 1 - IoU k-means, evolution, polish); see the package docstring."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.kmeans import iou_kmeans, vq_kmeans
from anchorviz.dataset.progress import ProgressFn, StopFn, _never, _noop_progress
from anchorviz.dataset.shape_fit import shape_fit, yolo_metrics
from anchorviz.dataset.shapes import anchor_shapes
from anchorviz.dataset.tune.evolve import _evolve, _polish, _sort_area, compress_wh
from anchorviz.dataset.tune.objectives import _LogShapes, _YoloFitness, _yolo_objective
from anchorviz.dataset.tune.results import (OBJECTIVES, YOLO_METHODS, AnchorSearch, TuneResult, _as_wh, _check_count,
                                            _check_seed, _check_thr)

__all__ = ["yolov5_kmean_anchors", "kmeans_evolve_anchors", "tune_yolo", "yolo_config"]


def _yolo_args(data, n, thr, gen, seed, on_progress, should_stop):
    """The checked arguments the two YOLO anchor searches share, and the (N, 2) widths and heights."""
    return (_check_thr(thr), _check_count(n, "n"), _check_count(gen, "gen", 0),
            np.random.default_rng(_check_seed(seed)), on_progress or _noop_progress, should_stop or _never, _as_wh(data))


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
        `anchorviz.dataset.shape_fit.yolo_metrics`).
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
