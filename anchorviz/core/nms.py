"""Greedy non-maximum suppression as torchvision and d2l compute it.

Both walk the boxes in decreasing score order, keep the first one still alive and suppress every
later box whose IoU with it is **above** the threshold (strict ``>``; an IoU exactly equal to the
threshold is kept). They differ only where the IoU is NaN, which happens for two zero-area boxes
(``0 / 0``, neither library adds an eps):

* torchvision (``csrc/ops/cpu/nms_kernel.cpp``) suppresses when ``iou > thr``: NaN is not greater,
  so the box is **kept**. The float IoU is compared against the threshold as a double.
* d2l (``d2l.nms``) keeps only boxes with ``iou <= thr``: NaN is not ``<=``, so the box is
  **suppressed**. The comparison happens in the boxes' dtype (torch casts the Python threshold).

Areas and IoU are computed without "+1", in float32 when ``boxes`` is a float32 array (as the
libraries do on float32 tensors) and in float64 otherwise. Ties in score keep the lower index first.

Example:
    >>> boxes = [[0, 0, 10, 10], [0, 0, 10, 5], [1, 0, 11, 10]]
    >>> nms(boxes, [0.9, 0.8, 0.85], 0.5).tolist()  # IoU(0, 1) = 0.5 exactly: kept
    [0, 1]
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["batched_nms", "nms"]

NmsRule = Literal["torchvision", "d2l"]
_RULES = ("torchvision", "d2l")


def nms(boxes, scores, iou_threshold: float, *, rule: NmsRule = "torchvision") -> np.ndarray:
    """Greedy NMS over all boxes (class-agnostic).

    Args:
        boxes (ndarray[N, 4]): xyxy pixels. A float32 array is processed in float32.
        scores (ndarray[N]): finite scores, higher is better.
        iou_threshold: in [0, 1]; a box is suppressed when its IoU with a kept box is above it.
        rule: "torchvision" (NaN IoU keeps the box) or "d2l" (NaN IoU suppresses it).

    Returns:
        ndarray[K], int64: indices of the kept boxes, in decreasing score order.

    Raises:
        AnchorVizInputError: bad boxes, scores of the wrong length or not finite, threshold outside
            [0, 1], or an unknown rule.
    """
    work, scores, thr = _validate(boxes, scores, iou_threshold)
    if rule not in _RULES:
        raise AnchorVizInputError(f"rule: expected one of {', '.join(_RULES)}, got {rule!r}")
    return _greedy(work, scores, None, thr, rule)


def batched_nms(boxes, scores, class_ids, iou_threshold: float) -> np.ndarray:
    """Class-aware NMS, as ``torchvision.ops.batched_nms``: a box only suppresses boxes of its class.

    torchvision gets there by shifting each class's boxes apart (``class * (max_coord + 1)``) for small
    inputs and by a per-class loop for large ones; both amount to independent NMS per class merged in
    decreasing score order, which is what is computed here directly (without the coordinate shift).

    Args:
        boxes (ndarray[N, 4]): xyxy pixels. A float32 array is processed in float32.
        scores (ndarray[N]): finite scores, higher is better.
        class_ids (ndarray[N], int): the class of each box.
        iou_threshold: in [0, 1]; strict ``>`` suppresses, as in ``nms``.

    Returns:
        ndarray[K], int64: indices of the kept boxes, in decreasing score order.

    Raises:
        AnchorVizInputError: as ``nms``, or class_ids not integers of length N.
    """
    work, scores, thr = _validate(boxes, scores, iou_threshold)
    try:
        classes = np.array(class_ids, copy=True)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"class_ids: expected a 1-D array of integers, got {type(class_ids).__name__}") from e
    if classes.size == 0 and work.shape[0] == 0:
        classes = np.zeros(0, dtype=np.int64)
    if classes.ndim != 1 or classes.shape[0] != work.shape[0]:
        raise AnchorVizInputError(
            f"class_ids: expected one class per box, shape ({work.shape[0]},), got shape {classes.shape}"
        )
    if classes.size and (classes.dtype == bool or not np.issubdtype(classes.dtype, np.integer)):
        raise AnchorVizInputError(f"class_ids: expected integers, got dtype {classes.dtype}")
    return _greedy(work, scores, classes.astype(np.int64), thr, "torchvision")


def _greedy(boxes: np.ndarray, scores: np.ndarray, classes: np.ndarray | None, thr: float, rule: str) -> np.ndarray:
    """The NMS loop. boxes (N, 4) in the working dtype, scores (N,) float64, classes (N,) or None."""
    n = boxes.shape[0]
    order = np.argsort(-scores, kind="stable")  # decreasing score, lower index first on ties
    b = boxes[order]
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    cls = None if classes is None else classes[order]
    thr_in_dtype = np.asarray(thr, dtype=boxes.dtype)
    suppressed = np.zeros(n, dtype=bool)
    keep: list[int] = []
    zero = boxes.dtype.type(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(n):
            if suppressed[i]:
                continue
            keep.append(i)
            if i + 1 == n:
                break
            rest = slice(i + 1, n)
            w = np.maximum(zero, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]))
            h = np.maximum(zero, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]))
            inter = w * h
            iou = inter / (areas[i] + areas[rest] - inter)  # no eps: 0-area vs 0-area is NaN
            if rule == "torchvision":
                hit = iou.astype(np.float64) > thr  # C++: float IoU vs double threshold; NaN -> kept
            else:
                hit = ~(iou <= thr_in_dtype)  # d2l keeps iou <= thr only; NaN -> suppressed
            if cls is not None:
                hit &= cls[rest] == cls[i]
            suppressed[rest] |= hit
    return order[np.asarray(keep, dtype=np.int64)].astype(np.int64)


def _validate(boxes, scores, iou_threshold) -> tuple[np.ndarray, np.ndarray, float]:
    """Checked copies: boxes in the working dtype (N, 4), scores float64 (N,), threshold float."""
    dtype = np.float32 if getattr(boxes, "dtype", None) == np.float32 else np.float64
    work = as_boxes(boxes, name="boxes").astype(dtype)
    try:
        s = np.array(scores, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"scores: expected a 1-D array of numbers, got {type(scores).__name__}") from e
    if s.size == 0 and work.shape[0] == 0:
        s = np.zeros(0, dtype=np.float64)
    if s.ndim != 1 or s.shape[0] != work.shape[0]:
        raise AnchorVizInputError(f"scores: expected one score per box, shape ({work.shape[0]},), got shape {s.shape}")
    bad = ~np.isfinite(s)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"scores: expected finite numbers, got {s[i]} for box {i}")
    if isinstance(iou_threshold, (bool, np.bool_)) or not isinstance(
        iou_threshold, (int, float, np.integer, np.floating)
    ):
        raise AnchorVizInputError(f"iou_threshold: expected a number in [0, 1], got {iou_threshold!r}")
    thr = float(iou_threshold)
    if not 0.0 <= thr <= 1.0:  # also rejects NaN
        raise AnchorVizInputError(f"iou_threshold: expected a number in [0, 1], got {iou_threshold}")
    return work, s, thr
