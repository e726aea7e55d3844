STRINGS = {
    "nav.anchors": "锚框",
    "nav.labels": "标签",
    "nav.iou": "IoU 热力图",
    "nav.coding": "编码 / 解码",
    "nav.predictions": "预测",
    "nav.dataset": "数据集",
    "nav.loss": "损失",
}
