"""ultralytics' TaskAlignedAssigner (YOLOv8 / YOLO11), version 8.4.190 and the 8.3.0 legacy, in float32.

Per image, with the GT list padded to the batch's longest (``mask_gt`` marks real rows):

1. candidates: points strictly inside the GT (by more than eps 1e-9). **8.4.x** first widens every GT side
   shorter than ``stride_val`` (twice the first stride, 16 px for strides 8/16/32) to ``stride_val`` about its
   centre, so tiny GTs get candidates; **8.3.0** has no widening. Every box goes through ultralytics' float32
   xyxy -> xywh -> xyxy round trip first, as the code does;
2. metric t = s^alpha · CIoU^beta, s = the predicted *probability* of the GT's class, CIoU clamped at 0 (exactly
   ultralytics' ``bbox_iou``), computed for candidates only (0 elsewhere);
3. top-k per GT over **all** points, then masked by the candidates. A GT with fewer than k non-zero metrics fills
   its list with zero-metric points chosen by torch's tie order (emulated, ``_topk.py``); one inside the GT becomes
   a positive with target 0. ``tie_check`` reports where that happens;
4. a point picked by several GTs goes to the GT with the largest CIoU among **all** GTs (0 for pairs outside), which
   need not have picked it (ties and all-zero columns go to the lowest index, possibly GT 0);
5. 8.4.x only, when topk2 != topk: each GT keeps its topk2 best positives by metric;
6. soft target of a positive = t · (max CIoU over the GT's positives) / (max t over them + eps), max over GTs;
7. background rows carry ``target_gt_idx`` 0 and GT 0's label: only ``fg_mask`` tells them apart. With no GT row at
   all in the batch ultralytics returns early (labels = num_classes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from anchorviz.core.assigners._overlaps import f32, ultralytics_ciou
from anchorviz.core.assigners._topk import _emulate, torch_topk_set
from anchorviz.core.assigners.result import PointAssignment, from_matches
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["TALConfig", "TAL_PRESETS", "TALResult", "task_aligned", "task_aligned_batch", "assign_tal"]

F = np.float32


@dataclass(frozen=True, kw_only=True)
class TALConfig:
    """TaskAlignedAssigner's arguments.

    Attributes:
        version: "8.4.190" (widening, topk2) or "8.3.0" (neither).
        topk, topk2: candidates per GT; topk2 (8.4.x) re-selects after conflicts when it differs (None = topk).
        alpha, beta: metric exponents; eps: 1e-9.
        strides: the model's strides; stride_val (8.4.x) defaults to 2 x strides[0] (strides[0] with one level).
    """

    version: Literal["8.4.190", "8.3.0"] = "8.4.190"
    topk: int = 10
    topk2: int | None = None
    alpha: float = 0.5
    beta: float = 6.0
    eps: float = 1e-9
    strides: tuple[float, ...] = (8.0, 16.0, 32.0)
    stride_val: float | None = None

    def __post_init__(self) -> None:
        if self.version not in ("8.4.190", "8.3.0"):
            raise AnchorVizInputError(f"TAL version: expected '8.4.190' or '8.3.0', got {self.version!r}")
        for name in ("topk", "topk2"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or v < 1):
                raise AnchorVizInputError(f"TAL {name}: expected an integer >= 1, got {v!r}")
        for name in ("alpha", "beta", "eps"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise AnchorVizInputError(f"TAL {name}: expected a finite number >= 0, got {v!r}")
        if not self.strides or any(not isinstance(s, (int, float)) or s <= 0 for s in self.strides):
            raise AnchorVizInputError(f"TAL strides: expected positive numbers, got {self.strides!r}")
        object.__setattr__(self, "strides", tuple(float(s) for s in self.strides))

    @property
    def widen_to(self) -> float | None:
        """The side tiny GTs are widened to (8.4.x), None for 8.3.0."""
        if self.version == "8.3.0":
            return None
        if self.stride_val is not None:
            return float(self.stride_val)
        return self.strides[0] * 2 if len(self.strides) > 1 else self.strides[0]

    @property
    def k2(self) -> int:
        return self.topk2 if (self.topk2 is not None and self.version != "8.3.0") else self.topk


# The settings users meet: the YOLOv8 / YOLO11 detection loss (v8DetectionLoss builds top-10, alpha 0.5, beta 6),
# the class defaults (what TaskAlignedAssigner() gives without arguments), and 8.3.0 on the loss's setting.
TAL_PRESETS: dict[str, TALConfig] = {
    "YOLOv8 / YOLO11 loss (top-10, α 0.5, β 6)": TALConfig(topk=10, alpha=0.5, beta=6.0),
    "class defaults (top-13, α 1, β 6)": TALConfig(topk=13, alpha=1.0, beta=6.0),
    "ultralytics 8.3.0 (no tiny-GT widening)": TALConfig(version="8.3.0", topk=10, alpha=0.5, beta=6.0),
}


@dataclass(frozen=True, eq=False)
class TALResult:
    """TaskAlignedAssigner on one image: N points, M (padded) GT rows, P candidate pairs.

    Attributes:
        mask_in_gts: bool (M, N) point inside the (widened) GT row, padded rows included (ultralytics' mask).
        pair_gt, pair_point: int64 (P,) the (GT row, point) pairs inside a real (widened) GT, GT-major.
        scores, ciou, align: float32 (P,) s, clamped CIoU and metric of each pair.
        topk_pairs: int64 (T, 2) (GT row, point) top-k picks before the candidate mask (mask_topk).
        before, final: int64 (.., 2) (GT row, point) positives before and after conflicts (and topk2).
        target_gt_idx: int64 (N,) (0 for background); fg: bool (N,); target_labels: int64 (N,) (GT 0's label for
            background, or num_classes after the early return).
        norm_align: float32 (N,) soft target scale of each point (0 for background).
        pos_align, pos_overlaps: float32 (M,) max metric / CIoU over each GT's final positives.
        tie_check: (M, 5) int64 columns boundary_tie, zero_metric_in_topk, in_gt_nonzero, in_gt_zero, ambiguous.
        early_return: True when there were no GT rows (ultralytics' n_max_boxes == 0 path).
    """

    config: TALConfig
    num_points: int
    num_rows: int
    mask_in_gts: np.ndarray
    pair_gt: np.ndarray
    pair_point: np.ndarray
    scores: np.ndarray
    ciou: np.ndarray
    align: np.ndarray
    topk_pairs: np.ndarray
    before: np.ndarray
    final: np.ndarray
    target_gt_idx: np.ndarray
    fg: np.ndarray
    target_labels: np.ndarray
    norm_align: np.ndarray
    pos_align: np.ndarray
    pos_overlaps: np.ndarray
    tie_check: np.ndarray
    early_return: bool = False


def _roundtrip_widen(g: np.ndarray, mask_gt: np.ndarray, widen_to: float | None) -> np.ndarray:
    """ultralytics 8.4's xyxy2xywh -> widen sides < stride_val -> xywh2xyxy, in float32."""
    if widen_to is None:
        return g
    c = (g[:, :2] + g[:, 2:]) / F(2)
    wh = g[:, 2:] - g[:, :2]
    wh = np.where((wh < F(widen_to)) & mask_gt[:, None], F(widen_to), wh)
    half = wh / F(2)
    return np.concatenate([c - half, c + half], axis=1)


def _select_rows(values_by_row: list[np.ndarray], points_by_row: list[np.ndarray], n: int, k: int
                 ) -> tuple[list[np.ndarray], np.ndarray]:
    """torch.topk(row, k) over full rows of length n that are zero except at the given points; returns the picked
    point indices of each row and whether a tie at the k-th place decided (CPU torch's order, emulated)."""
    picks, ties = [], np.zeros(len(values_by_row), bool)
    for r, (v, pts) in enumerate(zip(values_by_row, points_by_row)):
        if k >= n:
            picks.append(np.arange(n, dtype=np.int64))
            continue
        nz = v > 0
        cnt = int(nz.sum())
        has_nan = bool(np.isnan(v).any())
        if cnt > k and not has_nan:
            part = np.argpartition(-v, (k - 1, k))
            if v[part[k - 1]] != v[part[k]]:  # the k-th and (k+1)-th largest differ: the set is fixed
                picks.append(np.sort(pts[part[:k]]))
                continue
        elif cnt == k and not has_nan:
            picks.append(np.sort(pts[nz]))
            continue
        row = np.zeros(n, F)
        row[pts] = v
        if cnt < k and not has_nan:  # zeros fill the list: a tie at the k-th place for sure
            picks.append(_emulate(row, k, True))
            ties[r] = True
            continue
        idx, tie = torch_topk_set(row, k)
        picks.append(idx)
        ties[r] = tie
    return picks, ties


def _row_pairs(rows: list[np.ndarray]) -> np.ndarray:
    """int64 (T, 2) (row, point) pairs from one array of points per row."""
    if not rows:
        return np.zeros((0, 2), np.int64)
    lengths = np.array([len(r) for r in rows])
    pts = np.concatenate(rows).astype(np.int64) if lengths.sum() else np.zeros(0, np.int64)
    return np.column_stack([np.repeat(np.arange(len(rows)), lengths), pts])


def _group(keys: np.ndarray, m: int) -> list[slice]:
    bounds = np.searchsorted(keys, np.arange(m + 1))
    return [slice(int(bounds[j]), int(bounds[j + 1])) for j in range(m)]


def task_aligned(points, pd_scores, pd_bboxes, gt_boxes, gt_labels, mask_gt=None, *, config: TALConfig = TALConfig()
                 ) -> TALResult:
    """Run the assigner on one image (see the module docstring for the steps).

    Args:
        points (ndarray[N, 2]): pixel points, cell centres (``library_points("ultralytics", ...)``).
        pd_scores (ndarray[N, C]): class **probabilities** (sigmoid of the logits).
        pd_bboxes (ndarray[N, 4]): predicted boxes, xyxy pixels.
        gt_boxes (ndarray[M, 4]): xyxy pixels, padded rows included; gt_labels: (M,) class per row.
        mask_gt: bool (M,) real rows (default: all).
    """
    pts = f32(points).reshape(-1, 2)
    n = len(pts)
    s = f32(pd_scores)
    pb = f32(pd_bboxes).reshape(-1, 4)
    g = f32(gt_boxes).reshape(-1, 4)
    m = len(g)
    labels = np.asarray(gt_labels, np.float64).reshape(-1).astype(np.int64)
    valid = np.ones(m, bool) if mask_gt is None else np.asarray(mask_gt, bool).reshape(-1)
    if s.ndim != 2 or len(s) != n or len(pb) != n or len(labels) != m or len(valid) != m:
        raise AnchorVizInputError(f"TAL: expected {n} score rows and boxes and one label / mask per GT row ({m})")
    if (labels[valid] < 0).any() or (labels[valid] >= s.shape[1]).any():
        raise AnchorVizInputError(f"gt labels must lie in [0, {s.shape[1]}), got {labels[valid].tolist()[:8]}")
    cfg = config
    if m == 0:  # ultralytics' n_max_boxes == 0 early return
        z = np.zeros((0, 2), np.int64)
        return TALResult(config=cfg, num_points=n, num_rows=0, mask_in_gts=np.zeros((0, n), bool), pair_gt=z[:, 0],
                         pair_point=z[:, 0], scores=F([]), ciou=F([]), align=F([]), topk_pairs=z, before=z, final=z,
                         target_gt_idx=np.zeros(n, np.int64), fg=np.zeros(n, bool),
                         target_labels=np.full(n, s.shape[1], np.int64), norm_align=np.zeros(n, F),
                         pos_align=F([]), pos_overlaps=F([]), tie_check=np.zeros((0, 5), np.int64), early_return=True)
    box = _roundtrip_widen(g, valid, cfg.widen_to)
    eps = F(cfg.eps)
    x, y = pts[None, :, 0], pts[None, :, 1]
    inside = (x - box[:, 0:1] > eps) & (y - box[:, 1:2] > eps) & (box[:, 2:3] - x > eps) & (box[:, 3:4] - y > eps)
    pg, pp = np.nonzero(inside & valid[:, None])  # the metric's pairs (mask_in_gts * mask_gt), GT-major
    sc = s[pp, np.clip(labels[pg], 0, s.shape[1] - 1)]
    ciou = ultralytics_ciou(g[pg], pb[pp])
    align = np.power(sc, F(cfg.alpha)) * np.power(ciou, F(cfg.beta))
    groups = _group(pg, m)
    # 3. top-k per row over all points; padded rows: topk_mask is False, their picks become index 0 and any index
    # counted more than once is dropped, so only topk == 1 leaves point 0 picked
    picks, _ = _select_rows([align[sl] for sl in groups], [pp[sl] for sl in groups], n, cfg.topk)
    topk_rows = []
    for j in range(m):
        if valid[j]:
            topk_rows.append(picks[j])
        else:
            topk_rows.append(np.zeros(1, np.int64) if min(cfg.topk, n) == 1 else np.zeros(0, np.int64))
    topk_pairs = _row_pairs(topk_rows)
    codes = pg.astype(np.int64) * n + pp  # ascending: pairs are GT-major, points ascending
    in_topk = np.isin(codes, topk_pairs[:, 0] * n + topk_pairs[:, 1]) & valid[pg]
    before = np.column_stack([pg[in_topk], pp[in_topk]])
    # 4. conflicts: argmax of the CIoU column over all rows (0 outside), first index on ties
    count = np.bincount(before[:, 1], minlength=n)
    multi = np.flatnonzero(count > 1)
    final_rows = before
    if len(multi):
        col = np.full(n, -1, np.int64)
        col[multi] = np.arange(len(multi))
        ov = np.zeros((m, len(multi)), F)
        sel = col[pp] >= 0
        ov[pg[sel], col[pp[sel]]] = ciou[sel]
        winner = ov.argmax(axis=0)
        keep = count[before[:, 1]] == 1
        final_rows = np.concatenate([before[keep], np.column_stack([winner, multi])])
        final_rows = final_rows[np.lexsort((final_rows[:, 1], final_rows[:, 0]))]
    f_codes = final_rows[:, 0] * n + final_rows[:, 1]
    at = np.clip(np.searchsorted(codes, f_codes), 0, max(len(codes) - 1, 0))
    hit = (codes[at] == f_codes) if len(codes) else np.zeros(len(f_codes), bool)
    f_align = np.where(hit, align[at] if len(align) else F(0), F(0)).astype(F)  # a winner outside its GT: 0
    f_ciou = np.where(hit, ciou[at] if len(ciou) else F(0), F(0)).astype(F)
    # 5. topk2 (8.4.x): each row keeps its topk2 best final positives by metric
    if cfg.version != "8.3.0" and cfg.k2 != cfg.topk and len(final_rows):
        order = np.argsort(final_rows[:, 0], kind="stable")
        final_rows, f_align, f_ciou = final_rows[order], f_align[order], f_ciou[order]
        fgroups = _group(final_rows[:, 0], m)
        picks2, _ = _select_rows([f_align[sl] for sl in fgroups], [final_rows[sl, 1] for sl in fgroups], n, cfg.k2)
        p2 = _row_pairs(picks2)
        keep2 = np.isin(final_rows[:, 0] * n + final_rows[:, 1], p2[:, 0] * n + p2[:, 1])
        final_rows, f_align, f_ciou = final_rows[keep2], f_align[keep2], f_ciou[keep2]
    fg = np.zeros(n, bool)
    fg[final_rows[:, 1]] = True
    target_gt_idx = np.zeros(n, np.int64)
    target_gt_idx[final_rows[:, 1]] = final_rows[:, 0]
    # 6. normalisation
    pos_align = np.zeros(m, F)
    pos_ov = np.zeros(m, F)
    np.maximum.at(pos_align, final_rows[:, 0], f_align)
    np.maximum.at(pos_ov, final_rows[:, 0], f_ciou)
    norm = np.zeros(n, F)
    vals = (f_align * pos_ov[final_rows[:, 0]]) / (pos_align[final_rows[:, 0]] + eps)
    np.maximum.at(norm, final_rows[:, 1], vals.astype(F))
    target_labels = np.clip(labels[target_gt_idx], 0, None)
    tie = _tie_check(cfg, n, m, valid, groups, align, inside, topk_rows, pp)
    return TALResult(config=cfg, num_points=n, num_rows=m, mask_in_gts=inside, pair_gt=pg.astype(np.int64),
                     pair_point=pp.astype(np.int64),
                     scores=sc, ciou=ciou, align=align.astype(F), topk_pairs=topk_pairs,
                     before=before.astype(np.int64), final=final_rows.astype(np.int64), target_gt_idx=target_gt_idx,
                     fg=fg, target_labels=target_labels, norm_align=norm, pos_align=pos_align, pos_overlaps=pos_ov,
                     tie_check=tie)


def _tie_check(cfg, n, m, valid, groups, align, inside, topk_rows, pp) -> np.ndarray:
    """Per GT row: boundary tie, zero-metric picks, in-GT points with / without metric, and whether the tie can
    change the positives (the tied value is held by a point inside the GT)."""
    out = np.zeros((m, 5), np.int64)
    for j, sl in enumerate(groups):
        v = align[sl]
        nonzero_pts = pp[sl][v > 0]
        in_gt = int(inside[j].sum())
        picked = topk_rows[j] if valid[j] else np.zeros(min(cfg.topk, n), np.int64)
        zero_picks = len(picked) - int(np.isin(picked, nonzero_pts).sum())
        boundary, ambiguous = False, False
        if cfg.topk < n:
            top = v if len(v) <= cfg.topk + 1 else -np.partition(-v, cfg.topk)[:cfg.topk + 1]
            top = np.sort(top)[::-1]
            pad = min(cfg.topk + 1 - len(top), n - len(v))  # the row's other points hold 0
            full = np.concatenate([top, np.zeros(max(pad, 0), F)])
            boundary = bool(full[cfg.topk - 1] == full[cfg.topk])
            ambiguous = boundary and bool((v == full[cfg.topk - 1]).any())
        out[j] = (boundary, zero_picks, len(nonzero_pts), in_gt - len(nonzero_pts), ambiguous)
    return out


def task_aligned_batch(points, pd_scores, pd_bboxes, gt_boxes_padded, gt_labels_padded, mask_gt, *,
                       config: TALConfig = TALConfig()) -> list[TALResult]:
    """The padded batch ultralytics' loss passes: (B, N, C) scores, (B, N, 4) boxes, (B, Mmax, 4) GTs,
    (B, Mmax[, 1]) labels and mask. Images are independent except for the padding (Mmax rows each) and the
    early return, which applies to the whole batch when Mmax == 0."""
    s = f32(pd_scores)
    if s.ndim != 3:
        raise AnchorVizInputError(f"TAL batch: expected scores of shape (B, N, C), got {s.shape}")
    b = s.shape[0]
    g = f32(gt_boxes_padded).reshape(b, -1, 4)
    lab = np.asarray(gt_labels_padded, np.float64).reshape(b, -1)
    msk = np.asarray(mask_gt, np.float64).reshape(b, -1) > 0
    pb = f32(pd_bboxes).reshape(b, -1, 4)
    return [task_aligned(points, s[i], pb[i], g[i], lab[i], msk[i], config=config) for i in range(b)]


def assign_tal(points, pd_scores, pd_bboxes, gt_boxes, gt_labels, *, config: TALConfig = TALConfig()
               ) -> PointAssignment:
    """TaskAlignedAssigner in the common frame: ``cost`` is the alignment metric over candidates x GTs (higher
    wins), ``dynamic_k`` the fixed top-k, ``soft_target`` the normalised metric."""
    res = task_aligned(points, pd_scores, pd_bboxes, gt_boxes, gt_labels, config=config)
    n, m = res.num_points, res.num_rows
    cand = np.zeros(n, bool)
    cand[res.pair_point] = True
    rows = np.cumsum(cand) - 1
    metric = np.zeros((int(cand.sum()), m), np.float32)
    metric[rows[res.pair_point], res.pair_gt] = res.align
    quality = np.zeros_like(metric)
    quality[rows[res.pair_point], res.pair_gt] = res.ciou
    matched = np.where(res.fg, res.target_gt_idx, -1)
    return from_matches(rule=f"ultralytics TAL {config.version} (top-{config.topk}, α {config.alpha:g}, "
                             f"β {config.beta:g})", matched_gt=matched, gt_labels=gt_labels, num_gts=m,
                        quality=quality, soft_target=res.norm_align, candidates=cand, cost=metric, cost_kind="metric",
                        dynamic_k=np.full(m, config.topk, np.int64), picked=res.before[:, ::-1],
                        ties=res.tie_check[:, 4].astype(bool) if m else np.zeros(0, bool))
