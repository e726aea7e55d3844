"""Per-anchor classification loss: the element-wise terms summed over an anchor's class columns.

What a detection head's classifier sees per anchor is one target column (or none: an all-zero sigmoid row) and
C predicted scores. Summing the per-element loss over the columns gives the anchor's classification loss, the
number the Loss page draws on the image. Two score layouts are accepted:

* dense ``ndarray[N, C]`` (uploaded predictions, the parity goldens);
* :class:`CompactScores`: every column of a row holds one shared value except at most S listed columns. The
  simulated head emits this (a background level per anchor plus its target or confused class), and the loss of
  the C - S equal columns is computed once and multiplied, so 200,000 anchors x 80 classes cost O(N), not O(N*C).
  ``dense()`` gives the same scores as an (N, C) array; both layouts give the same per-anchor loss (tested).

Dense rows are evaluated as "every column is a negative" (t = 0) and then corrected at the target column, which
avoids building an (N, C) target array. The t = 0 and t = 1 kernels are the library formulas with t substituted;
multiplying by 0 or 1 and adding 0 are exact in float32, so they give the library's bits.

Kinds (the libraries' classifiers):
    "focal_torchvision"  torchvision / fvcore sigmoid focal (alpha < 0 switches alpha_t off)
    "focal_mmdet"        mmdet py_sigmoid_focal_loss (same maths, other op order)
    "focal_keras"        keras-retinanet focal on probabilities (clip 1e-7, +1e-7 in the logs)
    "bce"                sigmoid BCE with logits (RPN objectness, mmdet CE use_sigmoid, detectron2 sigmoid CE)
    "softmax_ce"         softmax cross-entropy (d2l, RoI heads, mmdet softmax CE)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np

from anchorviz.core.loss import elementwise as E

__all__ = ["CompactScores", "ClsKind", "CLS_KINDS", "per_anchor_cls_loss", "foreground_prob", "target_prob",
           "num_columns"]

ClsKind = Literal["focal_torchvision", "focal_mmdet", "focal_keras", "bce", "softmax_ce"]
CLS_KINDS: tuple[str, ...] = ("focal_torchvision", "focal_mmdet", "focal_keras", "bce", "softmax_ce")
F32 = np.float32


@dataclass(frozen=True, eq=False)
class CompactScores:
    """Class scores (logits, or probabilities for keras) where a row is constant except at a few columns.

    Attributes:
        base (ndarray[N], float32): the value of every column not listed in ``columns``.
        columns (ndarray[N, S], int64): up to S distinct columns per row with their own value; -1 = unused slot.
        values (ndarray[N, S], float32): the values at ``columns``.
        num_columns: C.
    """

    base: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    num_columns: int

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.base.shape[0]), int(self.num_columns))

    def dense(self) -> np.ndarray:
        """The same scores as a float32 (N, C) array."""
        out = np.repeat(self.base.astype(F32)[:, None], self.num_columns, axis=1)
        rows, slots = np.nonzero(self.columns >= 0)
        out[rows, self.columns[rows, slots]] = self.values[rows, slots]
        return out

    def take(self, idx: np.ndarray) -> "CompactScores":
        return CompactScores(self.base[idx], self.columns[idx], self.values[idx], self.num_columns)


def num_columns(scores) -> int:
    return scores.num_columns if isinstance(scores, CompactScores) else int(np.shape(scores)[1])


# --- t = 0 / t = 1 kernels (library formulas with the target substituted) --------------------------------------


def _kernels(kind: str, alpha: float, gamma: float) -> tuple[Callable, Callable]:
    one = F32(1)
    g = F32(gamma)
    if kind == "focal_torchvision":
        a = F32(alpha)

        def neg(x):  # ce * (1 - p_t)**g * alpha_t with t = 0: p_t = 1 - p, alpha_t = 1 - a
            loss = (x - E.log_sigmoid(x)) * (one - (one - E.sigmoid(x))) ** g
            return (one - a) * loss if alpha >= 0 else loss

        def pos(x):
            loss = -E.log_sigmoid(x) * (one - E.sigmoid(x)) ** g
            return a * loss if alpha >= 0 else loss
        return neg, pos
    if kind == "focal_mmdet":
        a = F32(alpha)
        return (lambda x: (x - E.log_sigmoid(x)) * ((one - a) * E.sigmoid(x) ** g),
                lambda x: -E.log_sigmoid(x) * (a * (one - E.sigmoid(x)) ** g))
    if kind == "focal_keras":
        def neg(p):
            return E.keras_focal(np.zeros_like(p), p, alpha=alpha, gamma=gamma)

        def pos(p):
            return E.keras_focal(np.ones_like(p), p, alpha=alpha, gamma=gamma)
        return neg, pos
    if kind == "bce":
        return (lambda x: x - E.log_sigmoid(x)), (lambda x: -E.log_sigmoid(x))
    raise ValueError(f"no sigmoid kernels for {kind!r}")


def per_anchor_cls_loss(scores, target_col: np.ndarray, kind: ClsKind, *, alpha: float = 0.25,
                        gamma: float = 2.0) -> np.ndarray:
    """Classification loss of each anchor, summed over its columns (float32 (N,)).

    Args:
        scores: dense float32 (N, C) or CompactScores; logits, except probabilities for "focal_keras".
        target_col (ndarray[N], int): sigmoid kinds: the column whose target is 1, -1 for an all-zero row;
            "softmax_ce": the label column of every row (the background column for negatives).
        kind, alpha, gamma: see the module docstring (alpha/gamma only for the focal kinds).
    """
    t = np.asarray(target_col, np.int64)
    if kind == "softmax_ce":
        return _softmax_ce(scores, t)
    neg, pos = _kernels(kind, alpha, gamma)
    rows = np.flatnonzero(t >= 0)
    if isinstance(scores, CompactScores):
        s = scores.columns.shape[1]
        used = (scores.columns >= 0).sum(axis=1)
        total = (scores.num_columns - used).astype(F32) * neg(scores.base)
        for j in range(s):
            col, val = scores.columns[:, j], scores.values[:, j]
            hit = col >= 0
            is_t = hit & (col == t)
            total += np.where(hit, np.where(is_t, pos(val), neg(val)), F32(0))
        listed = (scores.columns[rows] == t[rows, None]).any(axis=1)
        fix = rows[~listed]  # target column holds the base value
        total[fix] += pos(scores.base[fix]) - neg(scores.base[fix])
        return total
    x = np.asarray(scores, F32)
    total = neg(x).sum(axis=1, dtype=F32)
    if len(rows):
        xt = x[rows, t[rows]]
        total[rows] += pos(xt) - neg(xt)
    return total


def _softmax_ce(scores, t: np.ndarray) -> np.ndarray:
    if isinstance(scores, CompactScores):
        c = scores.num_columns
        hit = scores.columns >= 0
        vals = np.where(hit, scores.values, -np.inf).astype(F32)
        m = np.maximum(scores.base, vals.max(axis=1))
        rest = (c - hit.sum(axis=1)).astype(F32)
        lse = m + np.log(rest * np.exp(scores.base - m) + np.exp(vals - m[:, None]).sum(axis=1, dtype=F32))
        at_t = scores.base.copy()
        rows, slots = np.nonzero(hit & (scores.columns == t[:, None]))
        at_t[rows] = scores.values[rows, slots]
        return lse - at_t
    x = np.asarray(scores, F32)
    return E.softmax_cross_entropy(x, t)


def foreground_prob(scores, kind: ClsKind, *, background_col: int | None = None) -> np.ndarray:
    """The head's highest foreground probability per anchor (float32 (N,)): what "hard" and "easy" are read from.

    Sigmoid kinds: max over the foreground columns of sigmoid(score) (the score itself for keras); a
    ``background_col`` (torchvision RetinaNet's never-targeted column 0) is left out. Softmax: 1 - P(background).
    """
    if kind == "softmax_ce":
        bg = 0 if background_col is None else background_col
        return F32(1) - _softmax_at(scores, np.full(scores.shape[0], bg, np.int64))
    to_p = (lambda v: np.asarray(v, F32)) if kind == "focal_keras" else E.sigmoid
    if isinstance(scores, CompactScores):
        low = F32(0) if kind == "focal_keras" else F32(-np.inf)  # below any score of the kind
        cols = scores.columns
        is_bg = (cols == background_col) if background_col is not None else np.zeros(cols.shape, bool)
        listed_fg = np.where((cols >= 0) & ~is_bg, scores.values, low).max(axis=1)
        # columns holding the base value that are foreground: C - listed - (background column if not listed)
        unlisted = scores.num_columns - (cols >= 0).sum(axis=1)
        if background_col is not None:
            unlisted = unlisted - (~is_bg.any(axis=1)).astype(np.int64)
        best = np.where(unlisted > 0, scores.base, low)
        return to_p(np.maximum(best, listed_fg).astype(F32))
    x = np.asarray(scores, F32)
    if background_col is not None:
        x = np.delete(x, background_col, axis=1)
    return to_p(x.max(axis=1)) if x.shape[1] else np.zeros(x.shape[0], F32)


def target_prob(scores, target_col: np.ndarray, kind: ClsKind) -> np.ndarray:
    """The predicted probability of each anchor's target (float32 (N,)): softmax/sigmoid at its target column;
    for an all-zero sigmoid row, the probability of being background on every column = 1 - max foreground."""
    t = np.asarray(target_col, np.int64)
    if kind == "softmax_ce":
        return _softmax_at(scores, t)
    to_p = (lambda v: np.asarray(v, F32)) if kind == "focal_keras" else E.sigmoid
    out = F32(1) - foreground_prob(scores, kind)
    rows = np.flatnonzero(t >= 0)
    out[rows] = to_p(_values_at(scores, rows, t[rows]))
    return out


def _values_at(scores, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if isinstance(scores, CompactScores):
        v = scores.base[rows].copy()
        sub_c, sub_v = scores.columns[rows], scores.values[rows]
        r, s = np.nonzero(sub_c == cols[:, None])
        v[r] = sub_v[r, s]
        return v
    return np.asarray(scores, F32)[rows, cols]


def _softmax_at(scores, cols: np.ndarray) -> np.ndarray:
    ce = _softmax_ce(scores, cols)
    return np.exp(-ce)
