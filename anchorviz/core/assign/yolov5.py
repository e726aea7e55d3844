"""YOLOv5's shape matching (``build_targets``): w/h ratio < anchor_t, with the neighbouring-cell rule."""

from __future__ import annotations

import math

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.boxes import as_boxes
from anchorviz.core.conventions import ANCHORVIZ_IOU
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.quality import MAXIMA_ONLY

__all__ = ["assign_yolov5"]


def assign_yolov5(aset: AnchorSet, gts, *, anchor_t: float = 4.0, neighbours: bool = True) -> Assignment:
    """YOLOv5 ``build_targets``: a GT matches an anchor shape of a level when max(r, 1/r) < anchor_t for both
    w and h (r = gt / anchor); it is then assigned to the cell holding its centre and, with ``neighbours``,
    to the adjacent cell left/right and up/down whose border its centre is nearer to (offset 0.5).

    A YOLO anchor can be matched by several GTs; here ``matched_gt`` keeps the first, and
    ``positives_per_gt`` counts each (GT, anchor) pair YOLOv5 trains on. Unmatched anchors are negative
    (YOLO has no ignore band).
    """
    g = as_boxes(gts, name="gt boxes")
    if not math.isfinite(anchor_t) or anchor_t <= 1:
        raise AnchorVizInputError(f"anchor_t: expected a number > 1, got {anchor_t!r}")
    n, m = len(aset), len(g)
    labels = np.full(n, Label.NEGATIVE, np.int8)
    matched = np.full(n, -1, np.int64)
    per_gt = np.zeros(m, np.int64)
    gwh = (g[:, 2:] - g[:, :2]).astype(np.float32)
    gxy = (0.5 * (g[:, :2] + g[:, 2:])).astype(np.float32)
    off = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]], np.float32) * np.float32(0.5)
    for lg in aset.levels:
        fh, fw = lg.feat_hw
        sh, sw = lg.stride_hw
        stride = np.array([sw, sh], np.float32)
        awh = lg.shapes_wh.astype(np.float32) / stride  # anchors in grid units, as the model stores them
        t_xy = gxy / stride
        t_wh = gwh / stride
        with np.errstate(divide="ignore", invalid="ignore"):
            r = t_wh[:, None, :] / awh[None, :, :]  # [M, A, 2]
            ok = np.maximum(r, np.float32(1) / r).max(axis=2) < np.float32(anchor_t)  # [M, A]
        k, a = np.nonzero(ok)
        if not len(k):
            continue
        xy = t_xy[k]
        gain = np.array([fw, fh], np.float32)
        xyi = gain - xy
        use = [np.ones(len(k), bool)]
        if neighbours:
            j, kk = ((xy % 1 < 0.5) & (xy > 1)).T
            l_, mm = ((xyi % 1 < 0.5) & (xyi > 1)).T
            use += [j, kk, l_, mm]
        else:
            use += [np.zeros(len(k), bool)] * 4
        for o, sel in zip(off, use):
            if not sel.any():
                continue
            cell = np.floor(xy[sel] - o).astype(np.int64)  # .long() truncates; coordinates are >= 0 here
            cx = np.clip(cell[:, 0], 0, fw - 1)
            cy = np.clip(cell[:, 1], 0, fh - 1)
            idx = lg.start + (cy * fw + cx) * lg.num_shapes + a[sel]
            gk = k[sel]
            np.add.at(per_gt, gk, 1)
            fresh = matched[idx] < 0
            # first GT wins for the display; later ones still count in per_gt
            order = np.argsort(gk[fresh], kind="stable")
            first_idx, first_pos = np.unique(idx[fresh][order], return_index=True)
            matched[first_idx] = gk[fresh][order][first_pos]
            labels[idx] = Label.POSITIVE
    stats = grid_match_quality(aset, g, style=ANCHORVIZ_IOU, request=MAXIMA_ONLY)  # the heatmap, each GT's best IoU
    return Assignment(labels=labels, matched_gt=matched, max_iou=stats.max_iou, gt_max_iou=stats.gt_max_iou,
                      num_gts=m, pairs_per_gt=per_gt)
