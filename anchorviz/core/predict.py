"""From anchors to final detections: a simulated trained head (uploaded predictions are read by
``anchorviz.io.predictions``), decode, score
threshold and NMS, with the count at each stage.

A trained head is simulated as a teacher would draw it: for each positive anchor the deltas are the true
regression targets plus Gaussian noise of std ``sigma`` and the score is high, higher the better the anchor
overlaps its GT (see ``simulate_head``); every other anchor gets a small random score. Seeded, so a slider move
that does not touch the seed redraws nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.boxes import as_boxes
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.pairwise import paired_iou, pairwise_iou
from anchorviz.core.nms import batched_nms, nms

__all__ = ["HeadOutput", "simulate_head", "Detections", "postprocess", "match_to_gt"]


@dataclass(frozen=True, eq=False)
class HeadOutput:
    """What a detection head emits per anchor.

    Attributes:
        deltas: float64 (N, 4) regression deltas, or None when boxes are given directly.
        boxes: float64 (N, 4) xyxy boxes, or None when deltas are given.
        scores: float64 (N,) in [0, 1].
        classes: int64 (N,) class index of each score.
        class_scores: float64 (N, C) every class column of every anchor, or None. One score per anchor is enough
            to threshold and suppress, not for a multi-class loss (the Loss page reads these).
        class_scores_kind: "logits" or "probabilities" (what ``class_scores`` hold), "" without them.
    """

    scores: np.ndarray
    classes: np.ndarray
    deltas: np.ndarray | None = None
    boxes: np.ndarray | None = None
    class_scores: np.ndarray | None = None
    class_scores_kind: str = ""


def simulate_head(anchors: np.ndarray, gts: np.ndarray, assignment: Assignment, spec: CoderSpec, *,
                  gt_classes: np.ndarray | None = None, sigma: float = 0.1, seed: int = 0) -> HeadOutput:
    """A head that learned its targets up to noise ``sigma`` (see the module docstring).

    Args:
        anchors (ndarray[N, 4]): xyxy pixels.
        gts (ndarray[M, 4]): xyxy pixels.
        assignment: which anchors are positive and for which GT.
        spec: the box coder whose targets the head regresses.
        gt_classes: int (M,) class of each GT (default: all 0).
        sigma: std of the noise added to the true deltas, >= 0.
        seed: the random seed.
    """
    if not (isinstance(sigma, (int, float)) and math.isfinite(sigma) and sigma >= 0):
        raise AnchorVizInputError(f"sigma: expected a number >= 0, got {sigma!r}")
    a = as_boxes(anchors, name="anchors")
    g = as_boxes(gts, name="gt boxes")
    n = len(a)
    rng = np.random.default_rng(seed)
    classes_gt = np.zeros(len(g), np.int64) if gt_classes is None else np.asarray(gt_classes, np.int64)
    pos = np.flatnonzero(assignment.labels == Label.POSITIVE)
    deltas = rng.normal(0.0, max(sigma, 0.05), (n, 4))  # what an untrained anchor would output
    scores = rng.uniform(0.0, 0.1, n) ** 2 * 4  # mostly well under 0.05
    num_classes = max(1, int(classes_gt.max(initial=0)) + 1)
    classes = rng.integers(0, num_classes, n)
    if len(pos) and len(g):
        matched = assignment.matched_gt[pos]
        deltas[pos] = encode(a[pos], g[matched], spec) + rng.normal(0.0, sigma, (len(pos), 4))
        # confidence grows with the anchor's IoU with its GT, as a trained head's does: 0.5 + 0.5 * sigmoid(z),
        # z = 1.5 + 4 (IoU - 0.5) + noise, kept below 6 so no score reaches 1 (0.5 + 0.5 sigmoid(6) = 0.9988)
        # and all lie in (0.5, 1): spread enough to rank, never a tie at "1"
        iou = paired_iou(a[pos], g[matched])
        z = np.minimum(1.5 + 4.0 * (iou - 0.5) + rng.normal(0.0, 0.7, len(pos)), 6.0)
        scores[pos] = 0.5 + 0.5 / (1.0 + np.exp(-z))
        classes[pos] = classes_gt[matched]
    return HeadOutput(scores=scores, classes=classes.astype(np.int64), deltas=deltas)


@dataclass(frozen=True, eq=False)
class Detections:
    """The post-processing pipeline's result.

    Attributes:
        counts: predictions at each stage: {"before threshold", "after threshold", "after NMS"}.
        boxes: float64 (K, 4) final boxes, by decreasing score.
        scores: float64 (K,).
        classes: int64 (K,).
        source: int64 (K,) the anchor (or prediction row) each final box came from.
        candidates: int64 indices of the predictions that passed the score threshold (before NMS).
        decoded: float64 (N, 4) every decoded box (for drawing what NMS removed).
    """

    counts: dict[str, int]
    boxes: np.ndarray
    scores: np.ndarray
    classes: np.ndarray
    source: np.ndarray
    candidates: np.ndarray
    decoded: np.ndarray


def decode_head(anchors: np.ndarray, head: HeadOutput, spec: CoderSpec | None) -> np.ndarray:
    """Every prediction's box, float64 (N, 4): the head's deltas decoded (overflow and NaN made finite), the
    first step of ``postprocess`` (the app keeps it while only the thresholds change)."""
    if spec is None:
        raise AnchorVizInputError("deltas need a box coder to decode; this convention has none")
    with np.errstate(over="ignore", invalid="ignore"):
        decoded = decode(anchors, head.deltas, spec)
    return np.nan_to_num(decoded, nan=0.0, posinf=1e9, neginf=-1e9)


def postprocess(anchors: np.ndarray, head: HeadOutput, spec: CoderSpec | None, *, score_threshold: float = 0.05,
                nms_threshold: float = 0.5, class_aware: bool = True, nms_rule: str = "torchvision",
                max_detections: int = 300) -> Detections:
    """Decode -> score threshold -> NMS (class-aware when asked and classes differ) -> top ``max_detections``."""
    for nm, v in (("score_threshold", score_threshold), ("nms_threshold", nms_threshold)):
        if not (isinstance(v, (int, float)) and 0.0 <= v <= 1.0):
            raise AnchorVizInputError(f"{nm}: expected a number in [0, 1], got {v!r}")
    decoded = head.boxes if head.boxes is not None else decode_head(anchors, head, spec)
    cand = np.flatnonzero(head.scores >= score_threshold)
    boxes = np.ascontiguousarray(decoded[cand])
    # NMS needs valid boxes: a collapsed (inverted) decode becomes a zero-size box at its centre
    fixed = boxes.copy()
    bad = (fixed[:, 2] < fixed[:, 0]) | (fixed[:, 3] < fixed[:, 1])
    if bad.any():
        cx, cy = (fixed[bad, 0] + fixed[bad, 2]) / 2, (fixed[bad, 1] + fixed[bad, 3]) / 2
        fixed[bad] = np.stack([cx, cy, cx, cy], axis=1)
    sc, cl = head.scores[cand], head.classes[cand]
    if len(cand) == 0:
        keep = np.zeros(0, np.int64)
    elif class_aware and len(np.unique(cl)) > 1:
        keep = batched_nms(fixed, sc, cl, nms_threshold)
    else:
        keep = nms(fixed, sc, nms_threshold, rule=nms_rule)
    keep = keep[:max_detections]
    counts = {"before threshold": int(len(head.scores)), "after threshold": int(len(cand)), "after NMS": int(len(keep))}
    return Detections(counts=counts, boxes=boxes[keep], scores=sc[keep], classes=cl[keep], source=cand[keep],
                      candidates=cand, decoded=decoded)


def match_to_gt(boxes: np.ndarray, gts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best GT for each box and that IoU (anchorviz IoU, never NaN). Returns (gt index int64 (K,), iou (K,))."""
    b = as_boxes(boxes, name="detections")
    g = as_boxes(gts, name="gt boxes")
    if len(b) == 0 or len(g) == 0:
        return np.full(len(b), -1, np.int64), np.zeros(len(b))
    m = pairwise_iou(b, g)
    return m.argmax(axis=1).astype(np.int64), m.max(axis=1)
