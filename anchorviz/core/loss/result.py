"""What ``compute_loss`` returns to the Loss page: per-anchor arrays, the terms with their normalisers, the
positives / hard negatives / easy negatives breakdown and the per-GT table.

Frozen dataclasses of NumPy arrays and plain numbers; nothing here computes (``compute.py`` does), so the page and
the figure builders can read the fields directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from anchorviz.core.loss.rules import EmaNormaliser, ImageLoss, Normaliser
from anchorviz.core.loss.specs import LossSpec

__all__ = ["Term", "Group", "Breakdown", "PerGT", "LossResult", "HARD_EASY_DEFINITION"]

HARD_EASY_DEFINITION = (
    "A counted negative is hard when the head's highest foreground probability for it is at least the threshold "
    "(default 0.5: the head would currently call it an object), easy otherwise. The groups depend only on the "
    "predictions, not on gamma, so the same anchors are summed with gamma = 0 and with the chosen gamma."
)


@dataclass(frozen=True)
class Term:
    """One reported loss term.

    ``value = weight * raw_sum / normaliser.value`` (torchvision RetinaNet and d2l normalise per image; for one image
    that is the same formula). ``raw_sum`` is the float32 sum of the per-anchor losses that count.
    """

    name: str
    raw_sum: float
    normaliser: Normaliser
    weight: float
    value: float


@dataclass(frozen=True)
class Group:
    """One bar of the classification breakdown: its anchors' summed loss as a share of the classification term,
    at the chosen gamma and at gamma = 0 (same normaliser and weight)."""

    name: str
    count: int
    loss: float
    loss_gamma0: float
    share: float
    share_gamma0: float


@dataclass(frozen=True)
class Breakdown:
    """positives, hard negatives, easy negatives (see ``HARD_EASY_DEFINITION``)."""

    groups: tuple[Group, Group, Group]
    hard_threshold: float
    gamma: float
    definition: str = HARD_EASY_DEFINITION


@dataclass(frozen=True, eq=False)
class PerGT:
    """Per GT box (M rows).

    Attributes:
        positives (ndarray[M], int64): anchors that train on it (after sampling).
        assigned (ndarray[M], int64): anchors the assigner gave it (before sampling).
        box_loss_sum (ndarray[M], float32): summed box loss of its positives (raw, before the normaliser).
        box_term (ndarray[M], float64): its part of the box term (weight * sum / normaliser).
        share (ndarray[M], float64): box_term / the box term (0 when the term is 0).
        no_positive (ndarray[M], bool): GTs that get no box loss at all.
    """

    positives: np.ndarray
    assigned: np.ndarray
    box_loss_sum: np.ndarray
    box_term: np.ndarray
    share: np.ndarray
    no_positive: np.ndarray


@dataclass(frozen=True, eq=False)
class LossResult:
    """The loss of one image as the chosen library computes it.

    Per-anchor arrays (N rows):
        role (int8): ``rules.Role`` -- 1 positive, 0 negative, -1 ignored, -2 not sampled.
        counts_cls (bool): the anchor contributes to the classification term (ignored / not sampled never do).
        counts_box (bool): the anchor contributes to the box term (the positives).
        target_col (int64): the class column whose target is 1 (softmax: the label column), in the library's layout
            (``spec.columns``); -1 for an all-zero sigmoid row or an anchor that does not count.
        target_class (int64): the 0-based dataset class of positives, -1 elsewhere.
        matched_gt (int64): the GT a positive regresses to, -1 elsewhere.
        fg_prob (float32): the head's highest foreground probability (what hard/easy is read from).
        target_prob (float32): the predicted probability of the anchor's target (its class for a positive, "no
            object" for a negative).
        cls_loss (float32): classification loss summed over the anchor's columns, before the normaliser; 0 where
            it does not count. ``cls_contribution`` is its share of the term.
        cls_loss_gamma0 (float32): the same with gamma = 0 (equal to cls_loss for non-focal losses).
        reg_target (float32, (N, 4)): encoded regression target of positives (GT boxes for GIoU), NaN elsewhere.
        box_loss (float32): box loss of positives (summed over the 4 coordinates; GIoU one value), 0 elsewhere.
    ``target_class``, ``matched_gt``, ``target_col`` and ``reg_target`` are views built on first use, from the
    positives (``pos_idx`` and their GT's class ``pos_class``, int64 (P,)) and from ``image`` (the rules.ImageLoss
    behind it): the page reads them for one hover at a time.
    Summary:
        cls, box (Term), total (float), breakdown, per_gt, counts ({"positive", "negative", "ignored",
        "not_sampled"}), ema (detectron2 RetinaNet's normaliser state after this iteration, else None).
    """

    spec: LossSpec
    image: ImageLoss
    role: np.ndarray
    counts_cls: np.ndarray
    counts_box: np.ndarray
    pos_idx: np.ndarray
    pos_class: np.ndarray
    fg_prob: np.ndarray
    target_prob: np.ndarray
    cls_loss: np.ndarray
    cls_loss_gamma0: np.ndarray
    box_loss: np.ndarray
    cls: Term
    box: Term
    total: float
    breakdown: Breakdown
    per_gt: PerGT
    counts: dict
    ema: EmaNormaliser | None = None

    @functools.cached_property
    def target_class(self) -> np.ndarray:
        """int64 (N,): the 0-based dataset class of positives, -1 elsewhere."""
        out = np.full(len(self.role), -1, np.int64)
        out[self.pos_idx] = self.pos_class
        return out

    @property
    def matched_gt(self) -> np.ndarray:
        """int64 (N,): the GT a positive regresses to, -1 elsewhere (the box-counted anchors are the positives)."""
        return self.image.matched_gt

    @property
    def target_col(self) -> np.ndarray:
        """int64 (N,), built on first use (see the class docstring)."""
        return self.image.target_col

    @property
    def reg_target(self) -> np.ndarray:
        """float32 (N, 4), built on first use (see the class docstring)."""
        return self.image.box_target

    @property
    def cls_contribution(self) -> np.ndarray:
        """float64 (N,): each anchor's part of the classification term (weight * loss / normaliser)."""
        return self.cls_loss.astype(np.float64) * (self.cls.weight / self.cls.normaliser.value)

    @property
    def box_contribution(self) -> np.ndarray:
        """float64 (N,): each anchor's part of the box term."""
        return self.box_loss.astype(np.float64) * (self.box.weight / self.box.normaliser.value)
