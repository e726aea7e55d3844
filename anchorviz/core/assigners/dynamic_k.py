"""Dynamic-k matching, shared by SimOTA (mmdet and YOLOX) and RTMDet's DynamicSoftLabelAssigner.

Given a cost and an IoU matrix over (candidates x GTs), every library does the same four steps:

1. the ``topk`` largest IoUs of each GT over **all** candidates (also points that belong to other GTs);
2. k = max(1, int(sum of them)), summed in float32 and truncated toward zero;
3. each GT takes its k cheapest candidates (``torch.topk(largest=False)``: penalised points count too, so a GT
   always gets >= 1 point);
4. a candidate taken by several GTs keeps only the GT of minimum cost (first index on equal costs).

The result keeps the matching before and after step 4, so a page can show what each GT picked and what it lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.assigners._topk import largest_values, smallest_k_per_column

__all__ = ["DynamicKMatch", "dynamic_k_match", "true_pairs"]


@dataclass(frozen=True, eq=False)
class DynamicKMatch:
    """Dynamic-k matching over K candidates and M GTs.

    Attributes:
        topk_ious: float32 (t, M) the t = min(topk, K) largest IoUs of each GT, descending.
        dynamic_ks: int64 (M,) k of each GT.
        before: bool (K, M) each GT's k cheapest candidates, before conflicts are resolved.
        final: bool (K, M) after conflicts: at most one GT per candidate.
        conflict_rows: int64 (R,) candidate rows picked by more than one GT.
        matched_gt: int64 (K,) GT of each candidate, -1 where none.
        matched_iou: float32 (K,) IoU with the matched GT (0 where none), the soft class target.
        ties: bool (M,) the GT's k-th and (k+1)-th cheapest costs were equal, so CPU torch's tie order decided.
    """

    topk_ious: np.ndarray
    dynamic_ks: np.ndarray
    before: np.ndarray
    final: np.ndarray
    conflict_rows: np.ndarray
    matched_gt: np.ndarray
    matched_iou: np.ndarray
    ties: np.ndarray


def true_pairs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a 2-D bool array (the same pairs, row-major), through the flat index: NumPy's 2-D nonzero
    costs about 15x more on a sparse (K, M) mask."""
    flat = np.flatnonzero(mask)
    return np.divmod(flat, mask.shape[1]) if mask.shape[1] else (flat, flat)


def _float32_sum_rows(a: np.ndarray) -> np.ndarray:
    """Sum over axis 0 in float32, row after row, as torch reduces a leading dimension."""
    acc = np.zeros(a.shape[1:], np.float32)
    for row in a:
        acc = acc + row
    return acc


def _to_int32(v: np.ndarray) -> np.ndarray:
    """``tensor.int()``: truncation toward zero; NaN becomes INT_MIN on x86 (then clamped to 1 by the caller)."""
    out = np.full(v.shape, np.iinfo(np.int32).min, np.int64)
    ok = np.isfinite(v)
    out[ok] = np.trunc(v[ok]).astype(np.int64)
    out[np.isposinf(v)] = np.iinfo(np.int32).min  # what x86 cvttss2si gives for out-of-range values
    return out


def dynamic_k_match(cost: np.ndarray, ious: np.ndarray, topk: int) -> DynamicKMatch:
    """Run the four steps of the module docstring.

    Args:
        cost: float32 (K, M) cost of each candidate for each GT (lower is better).
        ious: float32 (K, M) IoU of each candidate's predicted box with each GT.
        topk: how many IoUs per GT are summed (SimOTA 10, RTMDet 13).
    """
    cost = np.asarray(cost, np.float32)
    ious = np.asarray(ious, np.float32)
    k_cand, m = cost.shape
    t = min(int(topk), k_cand)
    topk_ious = largest_values(ious, t) if t > 0 else np.zeros((0, m), np.float32)
    sums = _float32_sum_rows(topk_ious) if t > 0 else np.zeros(m, np.float32)
    dynamic_ks = np.maximum(_to_int32(sums), 1)
    before, ties = smallest_k_per_column(cost, dynamic_ks)
    rows, cols = true_pairs(before)  # a few picks per GT: work on them, not on the [K, M] matrix
    counts = np.bincount(rows, minlength=k_cand)
    conflict_rows = np.flatnonzero(counts > 1)
    matched = np.full(k_cand, -1, np.int64)
    matched[rows] = cols
    if len(conflict_rows):
        # torch.min(dim=1) returns the first minimum and propagates NaN (its index); np.argmin does the same
        matched[conflict_rows] = np.argmin(cost[conflict_rows], axis=1)
    fg = np.flatnonzero(matched >= 0)
    final = np.zeros_like(before)
    final[fg, matched[fg]] = True
    matched_iou = np.zeros(k_cand, np.float32)
    matched_iou[fg] = ious[fg, matched[fg]]
    nan_rows = fg[np.isnan(ious[fg]).any(axis=1)] if len(fg) else fg
    matched_iou[nan_rows] = np.nan  # torch sums matching * ious over the row: 0 * NaN is NaN
    return DynamicKMatch(topk_ious=topk_ious, dynamic_ks=dynamic_ks.astype(np.int64), before=before, final=final,
                         conflict_rows=conflict_rows.astype(np.int64), matched_gt=matched.astype(np.int64),
                         matched_iou=matched_iou.astype(np.float32), ties=ties)
