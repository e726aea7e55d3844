"""How well a set of anchor shapes fits a set of box shapes.

``yolo_fit`` reproduces YOLOv5 autoanchor's metrics exactly (float32, strict comparisons):

* x = min(r, 1/r) with r = wh / anchor per dimension, then the min over w and h (the "ratio metric");
* best = max over anchors of x;
* BPR (best possible recall) = mean(best > 1/thr);
* aat (anchors above threshold) = mean over targets of #(x > 1/thr);
* fitness = mean(best * (best > 1/thr)), what autoanchor's evolution maximises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.pairwise import shape_iou, yolo_ratio_metric32

__all__ = ["YoloFit", "yolo_fit", "yolo_scores", "best_shape_iou"]


@dataclass(frozen=True, eq=False)
class YoloFit:
    """YOLOv5 autoanchor metrics of anchors on targets.

    Attributes:
        x: float64 (N, K) ratio metric of every target against every anchor.
        best: float64 (N,) best ratio metric of each target.
        bpr: best possible recall, in [0, 1].
        aat: anchors above threshold per target.
        fitness: mean(best * (best > 1/thr)).
        metric_all_mean: mean of x.
        best_mean: mean of best.
    """

    x: np.ndarray
    best: np.ndarray
    bpr: float
    aat: float
    fitness: float
    metric_all_mean: float
    best_mean: float


def yolo_fit(wh, anchors_wh, *, thr: float = 4.0) -> YoloFit:
    """YOLOv5's ``metric`` / ``anchor_fitness`` on targets ``wh`` (N, 2) and anchors (K, 2), in pixels.

    >>> f = yolo_fit([[10, 10], [50, 10]], [[10, 10]])
    >>> f.bpr, f.aat
    (0.5, 0.5)
    """
    if not isinstance(thr, (int, float)) or not math.isfinite(thr) or thr <= 1:
        raise AnchorVizInputError(f"thr (anchor_t): expected a number > 1, got {thr!r}")
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(w) == 0:
        raise AnchorVizInputError("yolo_fit: no target boxes to measure")
    x = yolo_ratio_metric32(w, anchors_wh)  # [N, K]
    best, (bpr, aat, fitness, metric_all_mean, best_mean) = _scores(x, thr)
    return YoloFit(x=x.astype(np.float64), best=best.astype(np.float64), bpr=bpr, aat=aat, fitness=fitness,
                   metric_all_mean=metric_all_mean, best_mean=best_mean)


def yolo_scores(wh, anchors_wh, *, thr: float = 4.0) -> tuple[float, float, float, float, float]:
    """(bpr, aat, fitness, metric_all_mean, best_mean) of `yolo_fit`, the same numbers, without building its
    float64 (N, K) and (N,) arrays (a dataset's fit reads only these five)."""
    if not isinstance(thr, (int, float)) or not math.isfinite(thr) or thr <= 1:
        raise AnchorVizInputError(f"thr (anchor_t): expected a number > 1, got {thr!r}")
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    if len(w) == 0:
        raise AnchorVizInputError("yolo_fit: no target boxes to measure")
    k = np.asarray(anchors_wh, np.float32).reshape(-1, 2)
    x = np.empty((len(w), len(k)), np.float32)
    step = max(1, _ROW_CHUNK_ELEMENTS // max(len(k), 1))
    for a in range(0, len(w), step):  # elementwise: the same values as one call, without (N, K) temporaries
        x[a:a + step] = yolo_ratio_metric32(w[a:a + step], k)
    return _scores(x, thr)[1]


_ROW_CHUNK_ELEMENTS = 1 << 16  # per-row work in blocks of this many (N, K) elements: temporaries stay in cache


def _scores(x: np.ndarray, thr: float):
    """(best float32 (N,), (bpr, aat, fitness, metric_all_mean, best_mean)) of the float32 ratio metric ``x``.

    The per-target count of anchors above the threshold is taken in row blocks (whole numbers <= K: exact in
    float32 in any order); the means run over the whole arrays, in autoanchor's float32."""
    t = np.float32(1.0 / thr)  # autoanchor compares float32 tensors with 1/thr
    best = x.max(axis=1)
    above = best > t
    per_target = np.empty(len(x), np.float32)
    step = max(1, _ROW_CHUNK_ELEMENTS // max(x.shape[1], 1))
    for a in range(0, len(x), step):
        per_target[a:a + step] = (x[a:a + step] > t).astype(np.float32).sum(axis=1)
    return best, (float(above.astype(np.float32).mean(dtype=np.float32)),
                  float(per_target.mean(dtype=np.float32)),
                  float((best * above.astype(np.float32)).mean(dtype=np.float32)),
                  float(x.mean(dtype=np.float32)),
                  float(best.mean(dtype=np.float32)))


def best_shape_iou(wh, anchors_wh) -> np.ndarray:
    """Best shape-only IoU (boxes at a common centre) of each target with any anchor shape. (N,) float64."""
    return shape_iou(wh, anchors_wh).max(axis=1) if len(np.asarray(anchors_wh)) else np.zeros(len(np.asarray(wh)))
