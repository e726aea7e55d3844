"""ATSS: top-k anchors by centre distance per level, IoU >= mean + std, centre inside the GT."""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.boxes import as_boxes
from anchorviz.core.conventions import ANCHORVIZ_IOU, IoUStyle
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.quality import MAXIMA_ONLY

__all__ = ["assign_atss"]


def assign_atss(aset: AnchorSet, gts, *, topk: int = 9, style: IoUStyle = ANCHORVIZ_IOU) -> Assignment:
    """ATSS (Zhang et al. 2020, as mmdet's ATSSAssigner): per GT, the ``topk`` anchors of each level nearest
    to its centre are candidates; those with IoU >= mean + std (unbiased) of the candidates' IoUs and whose
    centre lies inside the GT (by more than 0.01 px) are positive; an anchor claimed by several GTs goes to
    the one with the highest IoU. Everything else is negative. Distance ties go to the lower anchor index.
    """
    g = as_boxes(gts, name="gt boxes")
    if not isinstance(topk, int) or topk < 1:
        raise AnchorVizInputError(f"topk: expected an integer >= 1, got {topk!r}")
    n, m = len(aset), len(g)
    labels = np.full(n, Label.NEGATIVE, np.int8)
    matched = np.full(n, -1, np.int64)
    stats = grid_match_quality(aset, g, style=style, request=MAXIMA_ONLY)
    if m == 0:
        return Assignment(labels=labels, matched_gt=matched, max_iou=stats.max_iou, gt_max_iou=stats.gt_max_iou,
                          num_gts=0)
    centres = aset.centres()
    gc = 0.5 * (g[:, :2] + g[:, 2:])
    cand_by_gt: list[list[np.ndarray]] = [[] for _ in range(m)]
    for lg in aset.levels:
        c = centres[lg.start:lg.stop]
        k_sel = min(topk, lg.count)
        for k in range(m):
            d = np.hypot(c[:, 0] - gc[k, 0], c[:, 1] - gc[k, 1])
            part = np.argpartition(d, k_sel - 1)[:k_sel] if k_sel < lg.count else np.arange(lg.count)
            # stable order among equal distances: by index
            part = part[np.lexsort((part, d[part]))]
            cand_by_gt[k].append(part + lg.start)
    best_iou = np.full(n, -np.inf)
    for k in range(m):
        cand = np.concatenate(cand_by_gt[k])
        ious = pairwise_iou(g[k:k + 1], aset.boxes[cand], style=style)[0]
        thr = ious.mean() + (ious.std(ddof=1) if len(ious) > 1 else 0.0)
        cx, cy = centres[cand, 0], centres[cand, 1]
        inside = np.minimum.reduce([cx - g[k, 0], cy - g[k, 1], g[k, 2] - cx, g[k, 3] - cy]) > 0.01
        ok = (ious >= thr) & inside
        sel, val = cand[ok], ious[ok]
        better = val > best_iou[sel]  # strict: the lower GT index keeps a tie, as torch.max does
        best_iou[sel[better]] = val[better]
        matched[sel[better]] = k
    labels[matched >= 0] = Label.POSITIVE
    return Assignment(labels=labels, matched_gt=matched, max_iou=stats.max_iou, gt_max_iou=stats.gt_max_iou,
                      num_gts=m)
