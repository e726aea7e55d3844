"""The Dataset page's metric names in the chosen language.

``FitReport.rows()`` (anchorviz.dataset.fit_report) names its metrics in English, with the numbers they depend on
written in (the IoU threshold, YOLOv5's anchor_t, the image sample): the core speaks no language of the app, and
the CLI prints those names as they are. Here each name is read back into its i18n key and its numbers, so the table
shows it in the chosen language with the same numbers. A name no pattern knows (a metric a later core adds) is
shown as the core wrote it, never dropped.
"""

from __future__ import annotations

import re

from pages.common.i18n import t

__all__ = ["metric_label"]

_NUM = r"[\d.eE+-]+"
_INT = r"[\d,]+"
# (the core's name as a pattern, its i18n key); fields are passed on as the core wrote them
_NAMES = [(re.compile(p), k) for p, k in (
    (r"anchor shapes", "metrics.shapes"),
    (r"mean best IoU \(shape\)", "metrics.mean_iou_shape"),
    (rf"GTs with best IoU >= (?P<thr>{_NUM}) \(shape\)", "metrics.share_shape"),
    (rf"YOLOv5 BPR \(anchor_t (?P<t_>{_NUM})\)", "metrics.yolo_bpr"),
    (r"YOLOv5 anchors above threshold", "metrics.yolo_aat"),
    (r"YOLOv5 fitness", "metrics.yolo_fitness"),
    (r"assigner", "metrics.assigner"),
    (rf"assigner, (?P<n>{_INT}) of (?P<m>{_INT}) images", "metrics.assigner_sampled"),
    (r"GTs with >= 1 positive \(grid\)", "metrics.with_positive"),
    (r"GTs with 0 positives \(grid\)", "metrics.zero_positive"),
    (r"GTs positive only by the low-quality rule \(grid\)", "metrics.low_quality_only"),
    (r"mean positives per GT \(grid\)", "metrics.mean_positives"),
    (r"mean best IoU \(grid\)", "metrics.mean_iou_grid"),
)]


def metric_label(name: str, lang: str | None = None) -> str:
    """``name`` (a FitReport.rows() metric name) in ``lang`` (default: the current language)."""
    for pattern, key in _NAMES:
        m = pattern.fullmatch(name)
        if m:
            return t(key, lang, **m.groupdict())
    return name
