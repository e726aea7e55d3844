"""What assignment produces: the ``Label`` of every anchor and the ``Assignment`` (labels + matched GT)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["Label", "Assignment"]


class Label(IntEnum):
    """The label of an anchor for the classification loss."""

    IGNORED = -1
    NEGATIVE = 0
    POSITIVE = 1


@dataclass(frozen=True, eq=False)
class Assignment:
    """The result of assigning anchors to GTs.

    Attributes:
        labels: int8 (N,) ``Label`` values.
        matched_gt: int64 (N,) GT index of each positive (-1 for negatives and ignored anchors).
        max_iou: float64 (N,) best IoU of each anchor (for heatmaps).
        gt_max_iou: float64 (M,) best IoU of each GT over all anchors.
        num_gts: M.
        pairs_per_gt: int64 (M,) training pairs per GT when one anchor can serve several GTs (YOLOv5);
            None otherwise.
    """

    labels: np.ndarray
    matched_gt: np.ndarray
    max_iou: np.ndarray
    gt_max_iou: np.ndarray
    num_gts: int
    pairs_per_gt: np.ndarray | None = None

    @property
    def positive(self) -> np.ndarray:
        return np.flatnonzero(self.labels == Label.POSITIVE)

    def positives_per_gt(self) -> np.ndarray:
        """int64 (M,) number of positive anchors matched to each GT (YOLOv5: (GT, anchor) pairs)."""
        if self.pairs_per_gt is not None:
            return self.pairs_per_gt
        pos = self.matched_gt[self.labels == Label.POSITIVE]
        return np.bincount(pos, minlength=self.num_gts).astype(np.int64)

    def counts(self) -> dict[str, int]:
        return {
            "positive": int((self.labels == Label.POSITIVE).sum()),
            "negative": int((self.labels == Label.NEGATIVE).sum()),
            "ignored": int((self.labels == Label.IGNORED).sum()),
        }
