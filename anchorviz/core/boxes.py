"""Box formats and checks. Inside anchorviz every box array is float64 (N, 4) xyxy pixels, y down.

Conversions happen only at the edges (file formats, plotting), through the functions here.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.errors import AnchorVizInputError


def as_boxes(boxes, *, name: str = "boxes", allow_degenerate: bool = True) -> np.ndarray:
    """Validate and return a new float64 (N, 4) xyxy array.

    Args:
        boxes: anything array-like of shape (N, 4); an empty sequence gives shape (0, 4).
        name: how the boxes are called in error messages.
        allow_degenerate: when False, zero-width or zero-height boxes are rejected.

    Raises:
        AnchorVizInputError: wrong shape, non-numeric, NaN/inf, or x2 < x1 / y2 < y1.
    """
    try:
        arr = np.array(boxes, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"{name}: expected numbers in an (N, 4) array, got {type(boxes).__name__}") from e
    if arr.size == 0:
        return np.zeros((0, 4), dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise AnchorVizInputError(f"{name}: expected shape (N, 4) xyxy, got shape {arr.shape}")
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"{name}: box {i} has a NaN or infinite coordinate: {arr[i].tolist()}")
    inverted = (arr[:, 2] < arr[:, 0]) | (arr[:, 3] < arr[:, 1])
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise AnchorVizInputError(
            f"{name}: box {i} is inverted (expected x1 <= x2 and y1 <= y2 in xyxy), got {arr[i].tolist()}"
        )
    if not allow_degenerate:
        flat = (arr[:, 2] <= arr[:, 0]) | (arr[:, 3] <= arr[:, 1])
        if flat.any():
            i = int(np.flatnonzero(flat)[0])
            raise AnchorVizInputError(f"{name}: box {i} has zero width or height: {arr[i].tolist()}")
    return arr


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Area of each box. boxes (ndarray[N, 4]): xyxy. Returns ndarray[N]."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def degenerate_mask(boxes: np.ndarray) -> np.ndarray:
    """True where a box has zero (or negative) width or height. Returns bool ndarray[N]."""
    return (boxes[:, 2] <= boxes[:, 0]) | (boxes[:, 3] <= boxes[:, 1])


def xyxy_to_xywh(boxes: np.ndarray) -> np.ndarray:
    """xyxy -> COCO xywh (top-left corner, width, height)."""
    out = np.array(boxes, dtype=np.float64, copy=True).reshape(-1, 4)
    out[:, 2:] -= out[:, :2]
    return out


def xywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """COCO xywh -> xyxy."""
    out = np.array(boxes, dtype=np.float64, copy=True).reshape(-1, 4)
    out[:, 2:] += out[:, :2]
    return out


def xyxy_to_cxcywh(boxes: np.ndarray) -> np.ndarray:
    """xyxy -> centre x, centre y, width, height."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    w = b[:, 2] - b[:, 0]
    h = b[:, 3] - b[:, 1]
    return np.stack([b[:, 0] + 0.5 * w, b[:, 1] + 0.5 * h, w, h], axis=1)


def cxcywh_to_xyxy(boxes: np.ndarray) -> np.ndarray:
    """centre x, centre y, width, height -> xyxy."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    half = 0.5 * b[:, 2:]
    return np.concatenate([b[:, :2] - half, b[:, :2] + half], axis=1)


def clip_boxes(boxes: np.ndarray, image_hw: tuple[int, int]) -> np.ndarray:
    """Clip xyxy boxes to [0, W] x [0, H]. Returns a new array."""
    h, w = image_hw
    out = np.array(boxes, dtype=np.float64, copy=True).reshape(-1, 4)
    np.clip(out[:, 0::2], 0, w, out=out[:, 0::2])
    np.clip(out[:, 1::2], 0, h, out=out[:, 1::2])
    return out
