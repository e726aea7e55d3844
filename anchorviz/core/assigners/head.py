"""Predictions on points: a simulated head with a training-progress control, and what each assigner receives.

The dynamic assigners (TAL, SimOTA, RTMDet's DSL) label points from the network's own predictions, so showing them
needs predictions. ``simulate_point_head`` draws them as a teacher would sketch a detector during training:

* ``progress`` 0 (untrained): every class logit is the prior-bias init (about -4.6, i.e. p ~ 0.01) plus noise of
  unit variance, so the scores are random and uninformative; boxes are squares of a random size (1 to 8 strides)
  at a random offset of up to 3 strides from the point: far off;
* ``progress`` 1 (trained): a point strictly inside a GT predicts the smallest such GT with noise that grows from
  the GT's centre to its border (5 % to 20 % of its size), its true-class logit is high near the centre (about +3)
  and lower at the border; every other logit is -5 plus the same class noise as untrained (one [N, C] draw serves
  both ends: a 640 x 640 input with 80 classes has 672k logits); a point outside every GT predicts a square of 4
  strides around itself;
* in between, logits are interpolated linearly and boxes in (cx, cy, log w, log h), between the *same* untrained
  and trained draws: both come from fixed random streams of the seed, so moving ``progress`` moves every prediction
  continuously and a given (seed, progress) always gives the same predictions.

Geometric rules (FCOS, max-IoU) ignore predictions, so their labels stay put while progress moves; the dynamic ones
move (tests check both). ``PointPredictions`` keeps the logits and derives what each rule takes: probabilities for
TAL, sqrt(σ(cls)·σ(obj)) for SimOTA, logits for DSL (feeding the wrong one changes labels silently).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.assigners._overlaps import sigmoid32
from anchorviz.core.points import PointGrid
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["PointPredictions", "simulate_point_head", "PRIOR_LOGIT"]

PRIOR_LOGIT = -math.log((1 - 0.01) / 0.01)  # the bias init of RetinaNet / YOLOX / RTMDet heads: p = 0.01


@dataclass(frozen=True, eq=False)
class PointPredictions:
    """A head's output on N points for C classes.

    Attributes:
        cls_logits: float32 (N, C) class logits.
        obj_logits: float32 (N,) objectness logits (YOLOX heads; a head without objectness uses +inf, i.e.
            σ(obj) = 1).
        boxes: float64 (N, 4) decoded predicted boxes, xyxy pixels of the network input.
        progress: the training progress it was simulated at (None for uploaded predictions).

    The arrays are made read-only: the forms derived from them are computed once and kept.
    """

    cls_logits: np.ndarray
    obj_logits: np.ndarray
    boxes: np.ndarray
    progress: float | None = None

    def __post_init__(self) -> None:
        for name, dtype in (("cls_logits", np.float32), ("obj_logits", np.float32), ("boxes", np.float64)):
            arr = np.asarray(getattr(self, name), dtype)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if self.cls_logits.ndim != 2 or self.obj_logits.shape != (len(self.cls_logits),) \
                or self.boxes.shape != (len(self.cls_logits), 4):
            raise AnchorVizInputError(f"predictions: expected cls_logits (N, C), obj_logits (N,) and boxes (N, 4), got "
                                      f"{self.cls_logits.shape}, {self.obj_logits.shape} and {self.boxes.shape}")

    def __len__(self) -> int:
        return len(self.boxes)

    @property
    def num_classes(self) -> int:
        return int(self.cls_logits.shape[1])

    # The derived forms are computed once per predictions and kept with them (read-only), as the page keeps the
    # predictions of one seed and progress: every rule that takes the same form then reuses it.

    def tal_scores(self) -> np.ndarray:
        """What ultralytics' TaskAlignedAssigner receives: σ(cls) float32 (N, C)."""
        return self._sigmoid_cls

    def simota_scores(self) -> np.ndarray:
        """What SimOTA receives (mmdet's and YOLOX's heads): sqrt(σ(cls) · σ(obj)) float32 (N, C)."""
        return self._simota

    @cached_property
    def _sigmoid_cls(self) -> np.ndarray:
        out = sigmoid32(self.cls_logits)
        out.setflags(write=False)
        return out

    @cached_property
    def _simota(self) -> np.ndarray:
        out = np.sqrt(self._sigmoid_cls * sigmoid32(self.obj_logits.reshape(-1, 1)))
        out.setflags(write=False)
        return out

    def dsl_logits(self) -> np.ndarray:
        """What RTMDet's DynamicSoftLabelAssigner receives: the logits themselves, float32 (N, C)."""
        return self.cls_logits


def _smallest_containing(points: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Index of the smallest-area GT strictly containing each point, -1 where none (first index on equal areas)."""
    n = len(points)
    if not len(g):
        return np.full(n, -1, np.int64)
    x, y = points[:, 0:1], points[:, 1:2]
    inside = (x > g[None, :, 0]) & (x < g[None, :, 2]) & (y > g[None, :, 1]) & (y < g[None, :, 3])
    area = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    keyed = np.where(inside, area[None, :], np.inf)
    best = keyed.argmin(axis=1)
    return np.where(np.isfinite(keyed[np.arange(n), best]), best, -1)


def simulate_point_head(grid: PointGrid, gt_boxes, gt_labels, *, num_classes: int, progress: float,
                        seed: int = 0) -> PointPredictions:
    """Predictions of a head at a given training progress (see the module docstring).

    Args:
        grid: the points (``library_points(...)``); predictions are made around ``grid.points``.
        gt_boxes (ndarray[M, 4]): xyxy pixels; gt_labels: int (M,) in [0, num_classes).
        num_classes: C >= 1.
        progress: 0 = untrained, 1 = trained.
        seed: the random streams' seed.
    """
    if not isinstance(progress, (int, float)) or not math.isfinite(progress) or not 0.0 <= progress <= 1.0:
        raise AnchorVizInputError(f"training progress: expected a number in [0, 1], got {progress!r}")
    if not isinstance(num_classes, int) or not 1 <= num_classes <= 10_000:
        raise AnchorVizInputError(f"num_classes: expected an integer in [1, 10000], got {num_classes!r}")
    g = as_boxes(gt_boxes, name="gt boxes")
    labels = np.asarray(gt_labels, np.int64).reshape(-1)
    if len(labels) != len(g) or (len(labels) and (labels.min() < 0 or labels.max() >= num_classes)):
        raise AnchorVizInputError(f"gt labels: expected {len(g)} integers in [0, {num_classes}), got "
                                  f"{labels.tolist()[:8]}")
    pts = grid.points
    n = len(pts)
    s = grid.strides
    p = float(progress)
    rng_untrained = np.random.default_rng([seed, 0])
    rng_trained = np.random.default_rng([seed, 1])
    # untrained: prior-bias logits plus class noise (uniform, unit variance: 5x cheaper to draw than normal noise
    # for [N, C]), boxes of random size at a random offset
    cls_noise = (rng_untrained.random((n, num_classes), dtype=np.float32) - np.float32(0.5)) * np.float32(math.sqrt(12))
    u_obj = PRIOR_LOGIT + rng_untrained.normal(0.0, 1.0, n)
    u_c = pts + rng_untrained.uniform(-3.0, 3.0, (n, 2)) * s[:, None]
    u_logwh = np.log(s[:, None] * np.exp(rng_untrained.uniform(0.0, math.log(8.0), (n, 2))))
    # trained: the smallest containing GT, better near its centre
    owner = _smallest_containing(pts, g)
    inside = owner >= 0
    true_logit = np.zeros(0)  # the true class's trained logit at points inside a GT
    t_obj = rng_trained.normal(-5.0, 1.0, n)
    noise = rng_trained.normal(0.0, 1.0, (n, 4))
    t_c = pts.copy()
    t_logwh = np.log(np.stack([4.0 * s, 4.0 * s], axis=1)) + 0.1 * noise[:, 2:]
    t_c = t_c + 0.1 * s[:, None] * noise[:, :2]
    if inside.any():
        gb = g[owner[inside]]
        wh = np.maximum(gb[:, 2:] - gb[:, :2], 1e-3)
        centre = 0.5 * (gb[:, :2] + gb[:, 2:])
        # 0 at the GT centre, 1 at its border (Chebyshev distance in half-sizes)
        d = np.clip(np.abs(pts[inside] - centre) / (0.5 * wh), 0.0, 1.0).max(axis=1)
        sigma = 0.05 + 0.15 * d
        t_c[inside] = centre + sigma[:, None] * wh * noise[inside, :2]
        t_logwh[inside] = np.log(wh) + sigma[:, None] * noise[inside, 2:]
        rows = np.flatnonzero(inside)
        true_logit = 3.0 - 2.5 * d + 0.5 * rng_trained.normal(0.0, 1.0, len(rows))
        t_obj[inside] = 3.0 - 2.0 * d + 0.5 * rng_trained.normal(0.0, 1.0, len(rows))
    logits = cls_noise + np.float32((1 - p) * PRIOR_LOGIT + p * -5.0)  # lerp of (prior + noise, -5 + noise)
    if inside.any():
        rows, cls = np.flatnonzero(inside), labels[owner[inside]]
        logits[rows, cls] = (1 - p) * (PRIOR_LOGIT + cls_noise[rows, cls]) + p * true_logit
    obj = (1 - p) * u_obj + p * t_obj
    c = (1 - p) * u_c + p * t_c
    half = 0.5 * np.exp((1 - p) * u_logwh + p * t_logwh)
    boxes = np.concatenate([c - half, c + half], axis=1)
    return PointPredictions(cls_logits=logits.astype(np.float32), obj_logits=obj.astype(np.float32), boxes=boxes,
                            progress=p)
