STRINGS = {
    "teach.formulas": "用通俗的话讲公式",
    "teach.coder": "边框编码器 (box coder)",
    "teach.coder_help": "库如何把 GT 框变成回归目标（encode），以及如何把 delta 还原成框（decode）。列表中只列出所选"
                        "约定（库）的预设。",
    "teach.no_coder": "{conv} 没有 delta 边框编码器：YOLOv5 预测的是 2σ(t)−0.5 的偏移和锚框的 (2σ(t))² 倍，"
                      "而不是对数空间的 delta。这里可以任选一个编码器作假设演示。",
    "teach.clamp_upper": "仅上限：dw, dh ≤ c（torchvision、detectron2、mmdet YOLOF）",
    "teach.clamp_both": "两侧：−c ≤ dw, dh ≤ c（mmdet DeltaXYWHBBoxCoder）",
    "teach.clamp_none": "不截断（keras-retinanet、d2l）",
    "teach.positive": "正样本",
    "teach.negative": "负样本",
    "teach.ignored": "忽略",
}
