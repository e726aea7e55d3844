# The Dataset page's metric names (anchorviz.dataset.fit_report.FitReport.rows(); pages/common/metric_names.py
# reads the core's English name and its numbers). English reads exactly as the core writes it.
STRINGS = {
    "metrics.shapes": "anchor shapes",
    "metrics.mean_iou_shape": "mean best IoU (shape)",
    "metrics.share_shape": "GTs with best IoU >= {thr} (shape)",
    "metrics.yolo_bpr": "YOLOv5 BPR (anchor_t {t_})",
    "metrics.yolo_aat": "YOLOv5 anchors above threshold",
    "metrics.yolo_fitness": "YOLOv5 fitness",
    "metrics.assigner": "assigner",
    "metrics.assigner_sampled": "assigner, {n} of {m} images",
    "metrics.with_positive": "GTs with >= 1 positive (grid)",
    "metrics.zero_positive": "GTs with 0 positives (grid)",
    "metrics.low_quality_only": "GTs positive only by the low-quality rule (grid)",
    "metrics.mean_positives": "mean positives per GT (grid)",
    "metrics.mean_iou_grid": "mean best IoU (grid)",
}
