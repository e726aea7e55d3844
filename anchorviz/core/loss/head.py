"""A simulated detection head whose loss falls as training progresses, and the head-output type the loss reads.

The Loss page needs predictions for every anchor at every moment of training, for every library, without a
network. ``simulate_loss_head`` gives them from a "training progress" p in [0, 1]:

* p = 0, untrained: every class score sits at the head's initial prior (RetinaNet's bias init prior 0.01, logit
  about -4.6; zero-init heads logit 0) with some spread, so a few negatives start out "hard" by chance; the box
  deltas are far from the targets;
* p = 1, trained: positives score their GT class confidently (logit +4, p about 0.98), every other score is
  confidently low (logit -7), and the deltas sit within a small residual of the encoded targets.

Each value moves on a straight line from its untrained to its trained draw (the draws are fixed by the seed), so
the classification loss of every anchor and the box error of every positive shrink monotonically in p; the total
falls monotonically for every seed (tested for L1 / smooth-L1; GIoU falls in expectation).

Scores are :class:`scores.CompactScores`: per anchor one background level for all columns plus its target column
(positives), a "confused" class (negatives: a random class with its own spread, which is what makes some of them
hard) and, for softmax heads, the background column. The losses of 200,000 anchors x 80 classes then cost O(N);
``CompactScores.dense()`` gives the same scores as an (N, C) array.

The random draws depend only on (number of anchors, seed): :func:`draw_head_noise` makes them once and the page
can keep them, so moving the progress slider only redoes the arithmetic.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.codec import encode
from anchorviz.core.loss import elementwise as E
from anchorviz.core.loss.scores import CompactScores
from anchorviz.core.loss.specs import LossSpec
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["LossHead", "HeadNoise", "draw_head_noise", "simulate_loss_head", "num_score_columns", "column_of_class",
           "background_column", "TRAINED_POS_LOGIT", "TRAINED_NEG_LOGIT"]

F32 = np.float32
TRAINED_POS_LOGIT = 4.0    # a trained head's score for the right class: sigmoid 0.982
TRAINED_NEG_LOGIT = -7.0   # and for everything else: sigmoid 0.0009
UNTRAINED_SPREAD = 1.0     # spread of the untrained logits around the prior
CONFUSION_SPREAD = 2.0     # extra half-normal spread of each negative's one "confused" class at p = 0
TRAINED_SPREAD = 0.5       # spread left at p = 1
BOX_ERROR_UNTRAINED = 0.8  # untrained delta error, in units of the anchor size (before the coder's weights)
BOX_ERROR_TRAINED = 0.05   # residual delta error at p = 1


@dataclass(frozen=True, eq=False)
class LossHead:
    """What the head emits per anchor, as the loss reads it.

    Attributes:
        scores: dense float32 (N, C) or CompactScores -- logits, or probabilities for keras-retinanet.
        deltas (ndarray[N, 4], float32): box regression outputs in the coder's encoding.
        probabilities: True when ``scores`` are probabilities (keras-retinanet's head ends in a sigmoid).
        finite_by_construction: set by ``simulate_loss_head`` only, whose values are finite by construction, so
            ``compute_loss`` skips scanning them for NaN/inf; every other head is checked.
    """

    scores: object
    deltas: np.ndarray
    probabilities: bool = False
    finite_by_construction: bool = False


def num_score_columns(spec: LossSpec, num_classes: int) -> int:
    """C, the classifier's columns for K dataset classes (torchvision RetinaNet and softmax heads add a background
    column, the RPN has one objectness column)."""
    return {"label_col": num_classes + 1, "class_col": num_classes, "objectness": 1, "softmax_bg0": num_classes + 1,
            "softmax_bg_last": num_classes + 1}[spec.columns]


def column_of_class(spec: LossSpec, classes: np.ndarray) -> np.ndarray:
    """The score column of each 0-based dataset class (0 for every class of an RPN's objectness)."""
    c = np.asarray(classes, np.int64)
    if spec.columns in ("label_col", "softmax_bg0"):
        return c + 1
    if spec.columns == "objectness":
        return np.zeros_like(c)
    return c


def background_column(spec: LossSpec, num_classes: int) -> int | None:
    """The column that is background (never a foreground target), or None for heads without one."""
    return {"label_col": 0, "softmax_bg0": 0, "softmax_bg_last": num_classes}.get(spec.columns)


@dataclass(frozen=True, eq=False)
class HeadNoise:
    """The seeded draws behind a simulated head (float32, clipped to +-4 so no extreme draw breaks monotonicity)."""

    base: np.ndarray      # (N,) spread of the background level
    special: np.ndarray   # (N,) spread of the target / confused column
    confusion: np.ndarray  # (N,) uniform [0, 1): which class a negative confuses
    box: np.ndarray       # (4, N) direction of the box error (coordinate-major: scaling a coordinate is one pass)
    num_anchors: int
    seed: int

    def confused_column(self, num_fg: int, first_fg: int) -> np.ndarray:
        """int64 (N,): each anchor's confused class among ``num_fg`` foreground columns starting at ``first_fg``
        (cached per layout: the page asks again on every slider move)."""
        cache = self.__dict__.setdefault("_confused", {})
        if (num_fg, first_fg) not in cache:
            col = np.minimum((self.confusion * num_fg).astype(np.int64), num_fg - 1) + first_fg
            col.setflags(write=False)
            cache[(num_fg, first_fg)] = col
        return cache[(num_fg, first_fg)]

    @functools.cached_property
    def abs_special(self) -> np.ndarray:
        return np.abs(self.special)


def draw_head_noise(num_anchors: int, seed: int = 0) -> HeadNoise:
    """Draw once per (anchor count, seed); ``simulate_loss_head`` only does arithmetic on it."""
    if isinstance(num_anchors, bool) or not isinstance(num_anchors, (int, np.integer)) or num_anchors < 0:
        raise AnchorVizInputError(f"num_anchors: expected an integer >= 0, got {num_anchors!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise AnchorVizInputError(f"seed: expected an integer >= 0, got {seed!r}")
    rng = np.random.default_rng(int(seed))
    g = rng.standard_normal((int(num_anchors), 6), dtype=F32)
    np.clip(g, -4, 4, out=g)
    return HeadNoise(base=g[:, 0].copy(), special=g[:, 1].copy(), confusion=rng.random(int(num_anchors), dtype=F32),
                     box=np.ascontiguousarray(g[:, 2:].T), num_anchors=int(num_anchors), seed=int(seed))


def _scores(spec: LossSpec, num_classes: int, noise: HeadNoise, p: float, pos: np.ndarray,
            target_col: np.ndarray) -> CompactScores:
    """Logits (keras: probabilities) as CompactScores: every value a straight line from its untrained draw to its
    trained one. Columns: the background level everywhere; a positive's target column rises to +4; a negative's
    confused class starts above the prior (half-normal spread) and sinks; a softmax head's background column is a
    negative's target and rises. Full-length work is a few float32 operations; positives are patched by index."""
    n, cols = noise.num_anchors, num_score_columns(spec, num_classes)
    softmax = spec.cls_loss == "softmax_ce"
    prior = F32(0.0 if softmax else math.log(spec.init_prior / (1 - spec.init_prior)))
    q, lo, hi, s1 = F32(1 - p), F32(TRAINED_NEG_LOGIT), F32(TRAINED_POS_LOGIT), F32(TRAINED_SPREAD)
    s0 = F32(UNTRAINED_SPREAD)
    # lerp(start, end) = q*start + p*end with start = prior + s0*e and end = lo + s1*e  ->  a + b*e
    base = (q * prior + F32(p) * lo) + (q * s0 + F32(p) * s1) * noise.base
    confused = base + (q * F32(CONFUSION_SPREAD)) * noise.abs_special  # the base line plus a fading half-normal
    es_pos = noise.special[pos]
    rising_pos = (q * prior + F32(p) * hi) + (q * s0 + F32(p) * s1) * es_pos
    bg_col = background_column(spec, num_classes)
    # foreground columns are 1..C-1 when column 0 is the background
    conf_col = noise.confused_column(cols - (bg_col is not None), 1 if bg_col == 0 else 0)
    if cols == 1:  # RPN objectness: the positives' only column rises, the negatives' is the background level
        columns = np.full((n, 1), -1, np.int64)
        values = base[:, None].copy()
        columns[pos, 0], values[pos, 0] = 0, rising_pos
    elif softmax:  # slot 0: the positive's class or the negative's confused class; slot 1: the background column
        rising = (q * prior + F32(p) * hi) + (q * s0 + F32(p) * s1) * noise.special
        columns = np.stack([conf_col, np.full(n, bg_col, np.int64)], axis=1)  # a new array: patched below
        values = np.stack([confused, rising], axis=1)
        columns[pos, 0], values[pos, 0] = target_col[pos], rising_pos
        columns[pos, 1], values[pos, 1] = -1, base[pos]
    else:
        columns, values = conf_col[:, None].copy(), confused[:, None].copy()
        columns[pos, 0], values[pos, 0] = target_col[pos], rising_pos
    if spec.cls_loss == "focal_keras":  # keras-retinanet's head ends in a sigmoid: the loss reads probabilities
        return CompactScores(E.sigmoid(base), columns, E.sigmoid(values), cols)
    return CompactScores(base, columns, values, cols)


def simulate_loss_head(*, anchors: np.ndarray, assignment: Assignment, gt_boxes: np.ndarray, gt_classes: np.ndarray,
                       num_classes: int, spec: LossSpec, coder: CoderSpec, progress: float, seed: int = 0,
                       noise: HeadNoise | None = None) -> LossHead:
    """The head at training progress ``progress`` (see the module docstring).

    Args:
        anchors (ndarray[N, 4]): xyxy pixels.
        assignment: which anchors are positive and for which GT (the head is "trained" on these targets).
        gt_boxes (ndarray[M, 4]), gt_classes (ndarray[M], 0-based < num_classes).
        num_classes: K dataset classes.
        spec: the library/head whose score layout and initial prior to use.
        coder: the box coder whose targets the deltas approach.
        progress: p in [0, 1].
        seed / noise: the draws; pass ``draw_head_noise(N, seed)`` to reuse them across calls.

    Raises:
        AnchorVizInputError: progress outside [0, 1], K < 1, mismatched sizes.
    """
    if isinstance(progress, bool) or not isinstance(progress, (int, float)) or not 0.0 <= progress <= 1.0:
        raise AnchorVizInputError(f"progress: expected a number in [0, 1] (0 untrained, 1 trained), got {progress!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise AnchorVizInputError(f"num_classes: expected an integer >= 1, got {num_classes!r}")
    n = len(anchors)
    if len(assignment.labels) != n:
        raise AnchorVizInputError(f"assignment: labels for {len(assignment.labels)} anchors, expected {n}")
    noise = noise if noise is not None else draw_head_noise(n, seed)
    if noise.num_anchors != n:
        raise AnchorVizInputError(f"noise: drawn for {noise.num_anchors} anchors, expected {n}")
    p = float(progress)
    pos = np.flatnonzero(assignment.labels == Label.POSITIVE)
    if not len(gt_boxes):
        pos = pos[:0]
    target_col = np.full(n, -1, np.int64)
    target_col[pos] = column_of_class(spec, np.asarray(gt_classes, np.int64)[assignment.matched_gt[pos]])
    scores = _scores(spec, num_classes, noise, p, pos, target_col)
    scale = np.asarray(coder.weights, F32) / np.asarray(coder.stds, F32) if coder is not None else np.ones(4, F32)
    size = F32((1 - p) * BOX_ERROR_UNTRAINED + BOX_ERROR_TRAINED)
    deltas = (noise.box * (size * scale)[:, None]).T  # the error, everywhere: (N, 4), computed coordinate-major
    if len(pos) and coder is not None:
        target = encode(np.asarray(anchors)[pos], np.asarray(gt_boxes)[assignment.matched_gt[pos]], coder)
        deltas[pos] += target.astype(F32)
    return LossHead(scores=scores, deltas=deltas, probabilities=spec.cls_loss == "focal_keras",
                    finite_by_construction=True)
