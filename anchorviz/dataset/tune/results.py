"""What the anchor optimisers return (``AnchorSearch``, ``TuneResult``), the objectives and methods they know,
and the argument checks they share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.load import BoxDataset

__all__ = ["AnchorSearch", "TuneResult", "OBJECTIVES", "YOLO_METHODS", "GENERATOR_CONVENTIONS"]


OBJECTIVES: tuple[str, ...] = ("fitness", "bpr", "mean_iou", "positives")


YOLO_METHODS: tuple[str, ...] = ("fast", "yolov5")


GENERATOR_CONVENTIONS: tuple[str, ...] = ("torchvision", "mmdet", "mmdet_v1", "detectron2", "keras_retinanet")


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
