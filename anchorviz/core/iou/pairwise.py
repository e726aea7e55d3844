"""IoU between two sets of boxes, in each library's arithmetic: pairwise IoU / IoF / GIoU, shape-only IoU,
and YOLOv5's w/h-ratio metric.

IoU is computed in the style's dtype (float32 for the torch-based libraries, as they do) and returned as
float64.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["pairwise_iou", "paired_iou", "pairwise_iof", "pairwise_giou", "shape_iou", "yolo_ratio_metric"]


def _dtype(style: IoUStyle):
    return np.float32 if style.dtype == "float32" else np.float64


def _iou_arith(a: np.ndarray, b: np.ndarray, style: IoUStyle) -> np.ndarray:
    """IoU of already-validated boxes a [..., 4] and b [..., 4] (broadcast against each other), in the style's
    dtype (the library's exact arithmetic). One implementation for the matrix and the paired IoU, so the paired
    values are the matrix's diagonal bit for bit."""
    dt = _dtype(style)
    a = a.astype(dt, copy=False)
    b = b.astype(dt, copy=False)
    p = dt(1) if style.plus_one else dt(0)
    area1 = (a[..., 2] - a[..., 0] + p) * (a[..., 3] - a[..., 1] + p)
    area2 = (b[..., 2] - b[..., 0] + p) * (b[..., 3] - b[..., 1] + p)
    iw = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + p, dt(0))
    ih = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + p, dt(0))
    inter = iw * ih
    union = area1 + area2 - inter
    if style.union_eps > 0:
        union = np.maximum(union, dt(style.union_eps))
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / union
    if style.zero_without_overlap:
        iou = np.where(inter > 0, iou, dt(0))
    return iou


def _iou_matrix(a: np.ndarray, b: np.ndarray, style: IoUStyle) -> np.ndarray:
    """IoU [N, M] of already-validated boxes, in the style's dtype (the library's exact arithmetic)."""
    return _iou_arith(a[:, None, :], b[None, :, :], style)  # [N, 1, 4] against [1, M, 4] -> [N, M]


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


def paired_iou(boxes1, boxes2, *, style: IoUStyle = ANCHORVIZ_IOU) -> np.ndarray:
    """IoU of each box of ``boxes1`` with the box at the same index of ``boxes2`` (the diagonal of
    ``pairwise_iou``, with the same arithmetic, so the same values bit for bit).

    Args:
        boxes1, boxes2 (ndarray[N, 4]): xyxy.

    Returns:
        ndarray[N] float64.

    >>> paired_iou([[0, 0, 10, 10], [0, 0, 10, 10]], [[5, 5, 15, 15], [0, 0, 10, 10]]).round(4).tolist()
    [0.1429, 1.0]
    """
    a, b = as_boxes(boxes1, name="boxes1"), as_boxes(boxes2, name="boxes2")
    if len(a) != len(b):
        raise AnchorVizInputError(f"paired_iou: expected two lists of the same length, got {len(a)} and {len(b)}")
    return _iou_arith(a, b, style).astype(np.float64)


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
    return yolo_ratio_metric32(wh, anchors_wh).astype(np.float64)


def yolo_ratio_metric32(wh, anchors_wh) -> np.ndarray:
    """`yolo_ratio_metric` in the float32 it is computed in (what autoanchor's means read; no float64 copy of an
    (N, K) array that a caller would only turn back into float32)."""
    w = np.asarray(wh, np.float32).reshape(-1, 2)
    k = np.asarray(anchors_wh, np.float32).reshape(-1, 2)
    if (k <= 0).any() or not np.isfinite(k).all():
        raise AnchorVizInputError("yolo_ratio_metric: anchor widths and heights must be finite and > 0")
    one = np.float32(1)
    with np.errstate(divide="ignore"):
        rw = w[:, 0:1] / k[None, :, 0]  # [N, K]; w and h separately: same values as an (N, K, 2) min, 5x faster
        rh = w[:, 1:2] / k[None, :, 1]
        np.minimum(rw, one / rw, out=rw)
        np.minimum(rh, one / rh, out=rh)
        return np.minimum(rw, rh, out=rw)
