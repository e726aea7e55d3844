"""``RawDataset`` (a dataset as read from its files, before the resize) and the checks every reader shares:
boxes checked, clipped and dropped in one vectorised pass, and notes about what was left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.groundtruth import BOX_TOLERANCE_PX

__all__ = ["RawDataset", "DATASET_FORMATS", "IMAGE_EXTENSIONS", "SIZES_FILE_NAMES"]


DATASET_FORMATS: tuple[str, ...] = ("coco", "yolo", "voc", "csv")


IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})


SIZES_FILE_NAMES = frozenset({"sizes.txt", "sizes.csv", "image_sizes.txt", "image_sizes.csv"})


_MAX_NOTES = 30


@dataclass(frozen=True, kw_only=True, eq=False)
class RawDataset:
    """A dataset as read from its files, before the train-time resize.

    Attributes:
        source: the file or folder name.
        format: "coco", "yolo", "voc" or "csv".
        image_names: (I,) image file names (as the annotations name them).
        image_wh: int64 (I, 2) original (width, height) of each image.
        boxes: float64 (N, 4) xyxy original-image pixels of the kept boxes (clipped to the image).
        image_index: int64 (N,) row of ``image_names`` each box belongs to.
        labels: int64 (N,) index into ``class_names``.
        class_names: class names.
        n_records: box records read, including the ones left out.
        n_crowd: COCO crowd regions left out.
        n_degenerate: zero-width or zero-height boxes left out.
        n_clipped: kept boxes that reached up to BOX_TOLERANCE_PX outside their image and were clipped.
        notes: sentences about anything left out, ignored or changed.
    """

    source: str
    format: str
    image_names: tuple[str, ...]
    image_wh: np.ndarray
    boxes: np.ndarray
    image_index: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    n_records: int
    n_crowd: int = 0
    n_degenerate: int = 0
    n_clipped: int = 0
    notes: tuple[str, ...] = ()


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _short(v, n: int = 60) -> str:
    text = repr(v)
    return text if len(text) <= n else text[: n - 3] + "..."


def _few(values, n: int = 6) -> str:
    values = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:n])
    return shown + (f", ... {len(values) - n} more" if len(values) > n else "") if values else "none"


def _cap_notes(notes: list[str]) -> tuple[str, ...]:
    if len(notes) <= _MAX_NOTES:
        return tuple(notes)
    return tuple(notes[:_MAX_NOTES]) + (f"... and {len(notes) - _MAX_NOTES:,} more notes like these.",)


def _finish_boxes(boxes: np.ndarray, box_image: np.ndarray, image_wh: np.ndarray, *, name: str,
                  where: Callable[[int], str]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Check, clip and drop: returns (kept mask (N,), clipped boxes (N, 4), n_degenerate, n_clipped kept).

    Raises AnchorVizInputError naming the first bad record (``where(i)``) for NaN/inf, inverted boxes and
    boxes more than BOX_TOLERANCE_PX outside their image.
    """
    b = boxes
    bad = ~np.isfinite(b).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AnchorVizInputError(f"{name}, {where(i)}: expected finite coordinates, got {b[i].tolist()}")
    inverted = (b[:, 2] < b[:, 0]) | (b[:, 3] < b[:, 1])
    if inverted.any():
        i = int(np.flatnonzero(inverted)[0])
        raise AnchorVizInputError(
            f"{name}, {where(i)}: expected x1 <= x2 and y1 <= y2, got [x1, y1, x2, y2] = {b[i].tolist()}"
        )
    w = image_wh[box_image, 0].astype(np.float64)
    h = image_wh[box_image, 1].astype(np.float64)
    tol = BOX_TOLERANCE_PX
    outside = (b[:, 0] < -tol) | (b[:, 1] < -tol) | (b[:, 2] > w + tol) | (b[:, 3] > h + tol)
    if outside.any():
        idx = np.flatnonzero(outside)
        i = int(idx[0])
        more = f" ({_plural(len(idx) - 1, 'other box', 'other boxes')} too)" if len(idx) > 1 else ""
        raise AnchorVizInputError(
            f"{name}, {where(i)}: box [x1, y1, x2, y2] = [{', '.join(f'{v:g}' for v in b[i])}] lies outside the "
            f"{w[i]:g}×{h[i]:g} image (expected 0 <= x <= {w[i]:g}, 0 <= y <= {h[i]:g}, {tol:g} px tolerance){more}"
        )
    # Only rows reaching outside need clipping; the common case copies nothing (10M boxes are 320 MB).
    reach = np.flatnonzero((b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > w) | (b[:, 3] > h))
    out = b
    if len(reach):
        out = b.copy()
        sub = out[reach]
        np.clip(sub[:, 0::2], 0.0, w[reach, None], out=sub[:, 0::2])
        np.clip(sub[:, 1::2], 0.0, h[reach, None], out=sub[:, 1::2])
        out[reach] = sub
    del w, h
    flat = (out[:, 2] <= out[:, 0]) | (out[:, 3] <= out[:, 1])
    n_clipped = int(((out[reach] != b[reach]).any(axis=1) & ~flat[reach]).sum()) if len(reach) else 0
    return ~flat, out, int(flat.sum()), n_clipped


def _take(a: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """a[keep] without a copy when every row is kept."""
    return a if keep.all() else a[keep]


def _drop_notes(source: str, counts_per_image: np.ndarray, image_names: Sequence[str], what: str) -> list[str]:
    """One note per image with something left out: 'file: image 'x.jpg': 2 boxes with zero width ...'."""
    notes = []
    for i in np.flatnonzero(counts_per_image).tolist():
        notes.append(f"{source}: image {image_names[i]!r}: {_plural(int(counts_per_image[i]), 'box', 'boxes')} {what}")
    return notes
