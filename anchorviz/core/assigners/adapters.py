"""The anchor rules anchorviz already reproduces (max-IoU, ATSS) in the point assigners' frame.

The assigners page puts an anchor rule and a point rule side by side on the same image. Both panels then need the
same things: a position per sample (the anchor centre, the point), a label, the matched GT, a class target, and
per-GT counts ("this GT got no positive"). ``anchor_frame`` turns an ``Assignment`` of an ``AnchorSet`` into a
``PointAssignment`` plus the anchor centres, keeping the ignored band (only max-IoU rules have one) and the
per-anchor best IoU as the heatmap quality. Nothing is recomputed: the labels are the anchor rule's own.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_anchors
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.boxes import as_boxes
from anchorviz.core.assigners._inputs import gt_label_array
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["anchor_frame", "max_iou_frame", "atss_frame"]


def anchor_frame(aset: AnchorSet, assignment: Assignment, *, rule: str, gt_labels=None
                 ) -> tuple[np.ndarray, PointAssignment]:
    """(anchor centres float64 (N, 2), the assignment as a PointAssignment).

    Candidates are the anchors that overlap some GT (IoU > 0); there is no cost matrix, dynamic k or pick list
    (a max-IoU rule has no competition between GTs beyond the argmax, ATSS's is per-GT thresholds).
    """
    if len(assignment.labels) != len(aset):
        raise AnchorVizInputError(f"the assignment has {len(assignment.labels)} labels for {len(aset)} anchors")
    m = assignment.num_gts
    gl = np.zeros(m, np.int64) if gt_labels is None else gt_label_array(gt_labels, m)
    matched = np.where(assignment.labels == Label.POSITIVE, assignment.matched_gt, -1).astype(np.int64)
    cls = np.where(matched >= 0, gl[np.clip(matched, 0, None)] if m else -1, -1).astype(np.int64)
    cand = np.asarray(assignment.max_iou) > 0
    pa = PointAssignment(labels=assignment.labels, matched_gt=matched, max_iou=assignment.max_iou,
                         gt_max_iou=assignment.gt_max_iou, num_gts=m, pairs_per_gt=assignment.pairs_per_gt,
                         rule=rule, class_target=cls, candidates=cand,
                         candidate_index=np.flatnonzero(cand).astype(np.int64))
    return aset.centres(), pa


def max_iou_frame(aset: AnchorSet, gts, rule: MaxIoURule, *, gt_labels=None, name: str = "max-IoU"
                  ) -> tuple[np.ndarray, PointAssignment]:
    """The preset's max-IoU assignment (its convention's IoU and outside-image rule) in the common frame."""
    g = as_boxes(gts, name="gt boxes")
    res = assign_anchors(aset, g, rule)
    label = f"{name} {aset.config.conv.name} (pos >= {rule.pos_iou:g}, neg < {rule.neg_iou:g})"
    return anchor_frame(aset, res, rule=label, gt_labels=gt_labels)


def atss_frame(aset: AnchorSet, gts, *, topk: int = 9, gt_labels=None) -> tuple[np.ndarray, PointAssignment]:
    """ATSS (anchorviz.assign.assign_atss) in the common frame."""
    res = assign_atss(aset, gts, topk=topk)
    return anchor_frame(aset, res, rule=f"ATSS (top-{topk} per level)", gt_labels=gt_labels)
