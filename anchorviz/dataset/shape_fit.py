"""Shape-only fit of a setup to a dataset: each GT against every anchor shape at a common centre (best IoU,
recall vs IoU, YOLOv5 autoanchor's BPR / aat / fitness). Cheap: 10M boxes in seconds."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.fit import yolo_scores
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.shapes import _SHAPE_CHUNK_ELEMENTS, AnchorShapes, anchor_shapes, best_shape_match

__all__ = ["ShapeFit", "shape_fit", "at_threshold", "recall_curve", "YoloMetrics", "yolo_metrics",
           "RECALL_THRESHOLDS"]


#: IoU thresholds of the recall curves: 0, 0.01, ..., 1.
RECALL_THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)


@dataclass(frozen=True, kw_only=True)
class YoloMetrics:
    """YOLOv5 autoanchor's metrics (see anchorviz.core.fit): bpr, aat, fitness, best_mean, metric_all_mean."""

    bpr: float
    aat: float
    fitness: float
    best_mean: float
    metric_all_mean: float


def _yolo_from(v: np.ndarray) -> YoloMetrics:
    bpr, aat, fitness, best_mean, metric_all_mean = (float(x) for x in v)
    return YoloMetrics(bpr=bpr, aat=aat, fitness=fitness, best_mean=best_mean, metric_all_mean=metric_all_mean)


def yolo_metrics(wh, anchors_wh, *, thr: float = 4.0) -> YoloMetrics:
    """`anchorviz.core.fit.yolo_fit` on any number of boxes.

    Up to a few million box-anchor pairs this *is* one yolo_fit call, so the numbers equal it exactly. Larger
    inputs are cut into chunks of whole boxes, each measured by yolo_fit, and the per-chunk means are combined
    weighted by chunk size in float64 (autoanchor averages in float32; the two differ by float32 rounding,
    about 1e-7 relative).
    """
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    k = np.asarray(anchors_wh, np.float64).reshape(-1, 2)
    n = len(w)
    if n == 0:
        raise AnchorVizInputError("yolo metrics: no target boxes to measure")
    step = max(1, _SHAPE_CHUNK_ELEMENTS // (2 * max(len(k), 1)))
    if n <= step:
        bpr, aat, fitness, metric_all_mean, best_mean = yolo_scores(w, k, thr=thr)
        return YoloMetrics(bpr=bpr, aat=aat, fitness=fitness, best_mean=best_mean, metric_all_mean=metric_all_mean)
    acc = np.zeros(5)
    for a in range(0, n, step):
        bpr, aat, fitness, metric_all_mean, best_mean = yolo_scores(w[a:a + step], k, thr=thr)
        m = len(w[a:a + step])
        acc += m * np.array([bpr, aat, fitness, best_mean, metric_all_mean])
    acc /= n
    return _yolo_from(acc)


@dataclass(frozen=True, kw_only=True, eq=False)
class ShapeFit:
    """Shape-only fit of a setup on a set of boxes.

    Attributes:
        shapes: the anchor shapes (of the first input size for d2l).
        best_iou: float64 (N,) best shape IoU of each GT.
        best_shape: int64 (N,) row of ``shapes`` giving it (for d2l: of that image size's shapes).
        best_level: int64 (N,) level of that shape.
        mean_best_iou: mean of best_iou.
        iou_thr: the IoU threshold of ``bpr_iou``.
        bpr_iou: share of GTs whose best shape IoU >= iou_thr ("BPR-like").
        thresholds: float64 (T,) IoU thresholds; recall: float64 (T,) share of GTs with best IoU >= each.
        anchor_t: YOLOv5's anchor_t; yolo: YOLOv5 BPR / aat / fitness on the ratio metric.
    """

    shapes: AnchorShapes
    best_iou: np.ndarray
    best_shape: np.ndarray
    best_level: np.ndarray
    mean_best_iou: float
    iou_thr: float
    bpr_iou: float
    thresholds: np.ndarray
    recall: np.ndarray
    anchor_t: float
    yolo: YoloMetrics


def recall_curve(best_iou: np.ndarray, thresholds=RECALL_THRESHOLDS) -> np.ndarray:
    """float64 (T,): share of GTs whose best IoU >= each threshold (1.0 at threshold 0)."""
    b = np.sort(np.asarray(best_iou, np.float64))
    t = np.asarray(thresholds, np.float64)
    if len(b) == 0:
        return np.zeros(len(t))
    return (len(b) - np.searchsorted(b, t, side="left")) / len(b)


def _wh_groups(data, cfg: AnchorConfig, input_hw):
    """[(box indices or slice, wh (n, 2), AnchorShapes)]: one group, or one per input size for d2l."""
    if isinstance(data, BoxDataset):
        wh = data.wh
        if cfg.conv.normalised:
            sizes = data.input_hw[data.image_index]
            uniq, inv = np.unique(sizes, axis=0, return_inverse=True)
            inv = inv.reshape(-1)
            return [(np.flatnonzero(inv == u), wh[inv == u], anchor_shapes(cfg, tuple(int(v) for v in hw)))
                    for u, hw in enumerate(uniq)]
        return [(slice(None), wh, anchor_shapes(cfg))]
    wh = np.asarray(data, np.float64)
    if wh.ndim != 2 or wh.shape[1] != 2:
        raise AnchorVizInputError(f"boxes: expected a BoxDataset or (N, 2) widths and heights, got shape {wh.shape}")
    if not np.isfinite(wh).all() or (wh < 0).any():
        raise AnchorVizInputError("boxes: widths and heights must be finite and >= 0")
    return [(slice(None), wh, anchor_shapes(cfg, input_hw))]


def shape_fit(data, cfg: AnchorConfig, *, anchor_t: float = 4.0, iou_thr: float = 0.5,
              thresholds=RECALL_THRESHOLDS, input_hw: tuple[int, int] | None = None) -> ShapeFit:
    """Shape-only fit of ``cfg`` on a dataset or on (N, 2) widths and heights.

    Args:
        data: a BoxDataset, or float64 (N, 2) box widths and heights in network-input pixels.
        cfg: the anchor setup.
        anchor_t: YOLOv5's anchor_t for BPR / aat / fitness (a GT fits an anchor when both w and h are within
            a factor anchor_t, strictly).
        iou_thr: threshold of the IoU-based BPR (``bpr_iou``).
        thresholds: IoU thresholds of the recall curve.
        input_hw: d2l only, when ``data`` is a wh array: the network input size.

    Raises:
        AnchorVizInputError: no boxes; bad anchor_t or iou_thr.
    """
    if not isinstance(iou_thr, (int, float)) or not 0.0 <= iou_thr <= 1.0:
        raise AnchorVizInputError(f"iou_thr: expected a number in [0, 1], got {iou_thr!r}")
    groups = _wh_groups(data, cfg, input_hw)
    n = sum(len(g[1]) for g in groups)
    if n == 0:
        raise AnchorVizInputError("shape fit: the dataset has no boxes to measure")
    best = np.zeros(n)
    arg = np.zeros(n, np.int64)
    lvl = np.zeros(n, np.int64)
    yolo_acc = np.zeros(5)
    ym = None
    for idx, wh, shapes in groups:
        b, a = best_shape_match(wh, shapes.wh)
        best[idx], arg[idx], lvl[idx] = b, a, shapes.level[a]
        if len(wh):
            ym = yolo_metrics(wh, shapes.wh, thr=anchor_t)
            yolo_acc += len(wh) * np.array([ym.bpr, ym.aat, ym.fitness, ym.best_mean, ym.metric_all_mean])
    if len(groups) > 1:  # one group: its own metrics (n > 0), not measured twice
        ym = _yolo_from(yolo_acc / n)
    thr = np.asarray(thresholds, np.float64)
    return ShapeFit(shapes=groups[0][2], best_iou=best, best_shape=arg, best_level=lvl,
                    mean_best_iou=float(best.mean()), iou_thr=float(iou_thr),
                    bpr_iou=float((best >= iou_thr).mean()), thresholds=thr, recall=recall_curve(best, thr),
                    anchor_t=float(anchor_t), yolo=ym)


def at_threshold(fit: ShapeFit, iou_thr: float) -> ShapeFit:
    """The same fit read at another IoU threshold: only ``iou_thr`` and ``bpr_iou`` change (one pass over the
    best IoUs), so a threshold change reuses the IoU work of `shape_fit`.

    Raises:
        AnchorVizInputError: iou_thr outside [0, 1].
    """
    if not isinstance(iou_thr, (int, float)) or not 0.0 <= iou_thr <= 1.0:
        raise AnchorVizInputError(f"iou_thr: expected a number in [0, 1], got {iou_thr!r}")
    if float(iou_thr) == fit.iou_thr:
        return fit
    return replace(fit, iou_thr=float(iou_thr), bpr_iou=float((fit.best_iou >= iou_thr).mean()))
