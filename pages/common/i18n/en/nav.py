STRINGS = {
    "nav.anchors": "Anchors",
    "nav.labels": "Labels",
    "nav.iou": "IoU heatmap",
    "nav.coding": "Encode / decode",
    "nav.predictions": "Predictions",
    "nav.dataset": "Dataset",
    "nav.loss": "Loss",
}
