STRINGS = {
    "nav.anchors": "앵커",
    "nav.labels": "레이블",
    "nav.iou": "IoU 히트맵",
    "nav.coding": "인코딩 / 디코딩",
    "nav.predictions": "예측",
    "nav.dataset": "데이터셋",
    "nav.loss": "손실",
}
