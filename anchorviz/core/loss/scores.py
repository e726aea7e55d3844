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

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np

from anchorviz.core.loss import elementwise as E

__all__ = ["CompactScores", "ClsKind", "CLS_KINDS", "per_anchor_cls_loss", "cls_losses", "cls_outputs", "foreground_prob", "target_prob",
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

    @functools.cached_property
    def unlisted(self) -> np.ndarray:
        """float32 (N,): how many columns of each row hold the base value."""
        return (self.num_columns - (self.columns >= 0).sum(axis=1)).astype(F32)


def num_columns(scores) -> int:
    return scores.num_columns if isinstance(scores, CompactScores) else int(np.shape(scores)[1])


# --- t = 0 / t = 1 kernels (library formulas with the target substituted) --------------------------------------


def _prims(kind: str, x: np.ndarray, exact: bool = True) -> dict:
    """The transcendental parts, computed once and shared by the t = 0 / t = 1 kernels and by gamma = 0:
    sigmoid, log-sigmoid and the t = 0 cross-entropy ``ce0 = (1 - 0)*x - log_sigmoid(x)`` (t = 1's is
    ``-log_sigmoid``, taken where needed; keras: its two clipped logs)."""
    if kind == "focal_keras":
        p = np.asarray(x, F32)
        eps = F32(E.KERAS_EPSILON)
        q = np.clip(p, eps, F32(1) - eps)
        return {"p": p, "ce1": -np.log(q + eps), "ce0": -np.log(F32(1) - q + eps)}
    ls = E.log_sigmoid(x)
    # exact: torch's own sigmoid formula (the parity path). The compact path (the simulated head, O(N) values the
    # app recomputes on every move) takes exp(log_sigmoid), one operation instead of four, a few ulp away.
    pr = {"sg": E.sigmoid(x) if exact else np.exp(ls), "ce0": x - ls, "ls": ls}
    if not exact:  # "p0": what a focal t = 0 kernel takes for torch's 1 - (1 - p); here p itself, a few ulp away
        pr["p0"] = pr["sg"]
    return pr


def _pow(v: np.ndarray, g: np.float32):
    """v**g as torch computes it: exponent 2 is a square (torch special-cases it, and v*v is exact), 1 is v."""
    if g == 2:
        return v * v
    if g == 1:
        return v
    return v ** g


def _kernel(kind: str, pr: dict, t: int, alpha: float, gamma: float) -> np.ndarray:
    """The element loss for target t in {0, 1}: the library's formula with t substituted. Multiplying by 0 or 1 and
    adding 0 are exact in float32, so these are the library's bits (see elementwise.py for the general forms).
    gamma = 0 skips the factor ``x**0 = 1`` (multiplying by 1 is exact)."""
    one, g, a = F32(1), F32(gamma), F32(alpha)
    ce = pr["ce0"] if t == 0 else (pr["ce1"] if "ce1" in pr else -pr["ls"])
    if kind == "bce":
        return ce
    if kind == "focal_torchvision":  # ce * (1 - p_t)**g, then alpha_t when alpha >= 0
        if g == 0:
            return ce if alpha < 0 else ((one - a) if t == 0 else a) * ce
        # the same operations in the same order as ``at * (ce * (one - (one - sg))**g)``, in one fresh array
        # (float32 products are commutative, so multiplying in place gives the same bits)
        if t == 0 and "p0" in pr:  # compact path: p itself stands for torch's 1 - (1 - p) (two passes fewer)
            p0 = pr["p0"]
            w = np.multiply(p0, p0) if g == 2 else (p0.copy() if g == 1 else np.power(p0, g))
        else:
            w = np.subtract(one, pr["sg"])
            if t == 0:
                np.subtract(one, w, out=w)
            if g == 2:
                np.multiply(w, w, out=w)
            elif g != 1:
                np.power(w, g, out=w)
        np.multiply(ce, w, out=w)
        if alpha >= 0:
            np.multiply((one - a) if t == 0 else a, w, out=w)
        return w
    if kind == "focal_mmdet":  # ce * (alpha_t * one_minus_pt**g)
        at = (one - a) if t == 0 else a
        return ce * at if g == 0 else ce * (at * _pow(pr["sg"] if t == 0 else one - pr["sg"], g))
    if kind == "focal_keras":  # (alpha_t * w**g) * bce, bce with keras' clip and +eps inside the logs
        at = (one - a) if t == 0 else a
        return at * ce if g == 0 else (at * _pow(pr["p"] if t == 0 else one - pr["p"], g)) * ce
    raise ValueError(f"no sigmoid kernels for {kind!r}")


def _times(u: np.ndarray, k: np.ndarray, pr: dict) -> np.ndarray:
    """u * k, in k's own memory when the kernel made k fresh (not one of the shared ``pr`` arrays)."""
    return u * k if any(k is v for v in pr.values()) else np.multiply(u, k, out=k)


def _take(pr: dict, idx) -> dict:
    return {k: v[idx] for k, v in pr.items()}


def per_anchor_cls_loss(scores, target_col: np.ndarray, kind: ClsKind, *, alpha: float = 0.25,
                        gamma: float = 2.0) -> np.ndarray:
    """Classification loss of each anchor, summed over its columns (float32 (N,)).

    Args:
        scores: dense float32 (N, C) or CompactScores; logits, except probabilities for "focal_keras".
        target_col (ndarray[N], int): sigmoid kinds: the column whose target is 1, -1 for an all-zero row;
            "softmax_ce": the label column of every row (the background column for negatives).
        kind, alpha, gamma: see the module docstring (alpha/gamma only for the focal kinds).
    """
    return cls_losses(scores, target_col, kind, alpha=alpha, gammas=(gamma,))[0]


def cls_losses(scores, target_col: np.ndarray, kind: ClsKind, *, alpha: float = 0.25,
               gammas: tuple[float, ...] = (2.0,)) -> list[np.ndarray]:
    """``per_anchor_cls_loss`` for several gammas at once (the Loss page shows the chosen gamma beside gamma = 0);
    the sigmoid and log-sigmoid of every score are computed once for all of them."""
    t = np.asarray(target_col, np.int64)
    if kind == "softmax_ce":
        return [_softmax_ce(scores, t)] * len(gammas)
    if isinstance(scores, CompactScores):
        return _compact_sigmoid(scores, t, kind, alpha, gammas)[0]
    return _dense_sigmoid(np.asarray(scores, F32), t, kind, alpha, gammas)


def cls_outputs(scores, target_col: np.ndarray, kind: ClsKind, *, alpha: float = 0.25,
                gammas: tuple[float, ...] = (2.0,), background_col: int | None = None
                ) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """(``cls_losses``, ``foreground_prob``, ``target_prob``) in one pass: for compact sigmoid scores the
    probabilities come from the sigmoids the losses already computed (sigmoid is monotonic, so the highest
    foreground probability is the sigmoid of the highest foreground score)."""
    t = np.asarray(target_col, np.int64)
    if kind == "softmax_ce" or not isinstance(scores, CompactScores):
        fg = foreground_prob(scores, kind, background_col=background_col)
        return cls_losses(scores, t, kind, alpha=alpha, gammas=gammas), fg, target_prob(scores, t, kind, fg_prob=fg)
    rows = np.flatnonzero(t >= 0)
    out, pb, pvs, hits = _compact_sigmoid(scores, t, kind, alpha, gammas, rows)
    cols = scores.columns
    low = F32(-1.0)  # below any probability
    fg = pb
    bg_listed = None
    for j, pv in enumerate(pvs):
        col = cols[:, j]
        is_fg = hits[j]
        if background_col is not None:
            hit_bg = col == background_col
            bg_listed = hit_bg if bg_listed is None else bg_listed | hit_bg
            if hit_bg.any():
                is_fg = is_fg & ~hit_bg
        fg = np.maximum(fg, pv if is_fg.all() else np.where(is_fg, pv, low))
    # rows where no foreground column holds the base value (none can be when the columns outnumber the slots)
    if scores.num_columns - cols.shape[1] - (background_col is not None) >= 1:
        only_listed = np.zeros(0, np.int64)
    else:
        unlisted_fg = scores.unlisted if background_col is None else scores.unlisted - (~bg_listed).astype(F32)
        only_listed = np.flatnonzero(unlisted_fg <= 0)
    if len(only_listed):
        fg = fg.copy()
        c = cols[only_listed]
        ok = (c >= 0) & (c != (-2 if background_col is None else background_col))
        fg[only_listed] = np.where(ok, np.stack([pv[only_listed] for pv in pvs], axis=1), low).max(axis=1)
        fg[only_listed] = np.maximum(fg[only_listed], F32(0))
    tp = F32(1) - fg
    if len(rows):
        at = pb[rows].copy()
        for j, pv in enumerate(pvs):
            r = np.flatnonzero(cols[rows, j] == t[rows])
            at[r] = pv[rows[r]]
        tp[rows] = at
    return out, np.asarray(fg, F32), tp


def _compact_sigmoid(scores: CompactScores, t: np.ndarray, kind: str, alpha: float, gammas, rows=None):
    """Losses of CompactScores for sigmoid kinds, with the probabilities of the base and of each slot and which
    rows use each slot (``rows``: the rows with a target column, when the caller has them)."""
    rows = np.flatnonzero(t >= 0) if rows is None else rows
    pb = _prims(kind, scores.base, exact=False)
    out = [_times(scores.unlisted, _kernel(kind, pb, 0, alpha, g), pb) for g in gammas]
    probs, hits = [], []
    for j in range(scores.columns.shape[1]):
        col = scores.columns[:, j]
        pv = _prims(kind, scores.values[:, j], exact=False)
        probs.append(pv["p"] if kind == "focal_keras" else pv["sg"])
        hit = col >= 0
        hits.append(hit)
        all_hit = bool(hit.all())
        is_t = rows[col[rows] == t[rows]]  # rows whose target column is this slot
        pt = _take(pv, is_t)
        for o, g in zip(out, gammas):
            c = _kernel(kind, pv, 0, alpha, g)
            c[is_t] = _kernel(kind, pt, 1, alpha, g)
            o += c if all_hit else c * hit
    fix = rows[~(scores.columns[rows] == t[rows, None]).any(axis=1)]  # target column holds the base value
    if len(fix):
        pf = _take(pb, fix)
        for o, g in zip(out, gammas):
            o[fix] += _kernel(kind, pf, 1, alpha, g) - _kernel(kind, pf, 0, alpha, g)
    return out, (pb["p"] if kind == "focal_keras" else pb["sg"]), probs, hits


def _dense_sigmoid(x: np.ndarray, t: np.ndarray, kind: str, alpha: float, gammas) -> list[np.ndarray]:
    rows = np.flatnonzero(t >= 0)
    out = [np.empty(len(x), F32) for _ in gammas]
    for lo in range(0, len(x), _BLOCK):  # row blocks keep the (rows, C) temporaries in cache
        pr = _prims(kind, x[lo:lo + _BLOCK])
        for o, g in zip(out, gammas):
            o[lo:lo + _BLOCK] = _kernel(kind, pr, 0, alpha, g).sum(axis=1, dtype=F32)
    if len(rows):
        pt = _prims(kind, x[rows, t[rows]])
        for o, g in zip(out, gammas):
            o[rows] += _kernel(kind, pt, 1, alpha, g) - _kernel(kind, pt, 0, alpha, g)
    return out


_BLOCK = 4096


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
    out = np.empty(len(x), F32)
    for lo in range(0, len(x), _BLOCK):
        out[lo:lo + _BLOCK] = E.softmax_cross_entropy(x[lo:lo + _BLOCK], t[lo:lo + _BLOCK])
    return out


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
        best = scores.base
        bg_listed = np.zeros(len(best), bool)
        for j in range(cols.shape[1]):
            col = cols[:, j]
            fg = (col >= 0) if background_col is None else (col >= 0) & (col != background_col)
            if background_col is not None:
                bg_listed |= col == background_col
            v = scores.values[:, j]
            best = np.maximum(best, v if fg.all() else np.where(fg, v, low))
        # rows where no foreground column holds the base value: the max is over the listed values only
        unlisted_fg = scores.unlisted - (0 if background_col is None else (~bg_listed).astype(F32))
        only_listed = np.flatnonzero(unlisted_fg <= 0)
        if len(only_listed):
            sub_c, sub_v = cols[only_listed], scores.values[only_listed]
            ok = (sub_c >= 0) & (sub_c != (-2 if background_col is None else background_col))
            best = best.copy()
            best[only_listed] = np.where(ok, sub_v, low).max(axis=1)
        return to_p(np.asarray(best, F32))
    x = np.asarray(scores, F32)
    parts = [x] if background_col is None else [x[:, :background_col], x[:, background_col + 1:]]
    parts = [q for q in parts if q.shape[1]]
    if not parts:
        return np.zeros(x.shape[0], F32)
    best = parts[0].max(axis=1)
    for q in parts[1:]:
        best = np.maximum(best, q.max(axis=1))
    return to_p(best)


def target_prob(scores, target_col: np.ndarray, kind: ClsKind, *, fg_prob: np.ndarray | None = None) -> np.ndarray:
    """The predicted probability of each anchor's target (float32 (N,)): softmax/sigmoid at its target column;
    for an all-zero sigmoid row, the probability of being background on every column = 1 - max foreground."""
    t = np.asarray(target_col, np.int64)
    if kind == "softmax_ce":
        return _softmax_at(scores, t)
    to_p = (lambda v: np.asarray(v, F32)) if kind == "focal_keras" else E.sigmoid
    out = F32(1) - (foreground_prob(scores, kind) if fg_prob is None else fg_prob)
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
