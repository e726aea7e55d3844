STRINGS = {
    "teach.formulas": "The formulas in plain words",
    "teach.coder": "Box coder",
    "teach.coder_help": "How the library turns a GT box into regression targets (encode) and deltas back into a "
                        "box (decode). The list holds the presets of the chosen convention's library.",
    "teach.no_coder": "{conv} has no delta box coder: YOLOv5 predicts boxes as 2σ(t)−0.5 offsets and "
                      "(2σ(t))² anchor multiples, not log-space deltas. Pick any coder here as a what-if.",
    "teach.clamp_upper": "upper only: dw, dh ≤ c (torchvision, detectron2, mmdet YOLOF)",
    "teach.clamp_both": "both sides: −c ≤ dw, dh ≤ c (mmdet DeltaXYWHBBoxCoder)",
    "teach.clamp_none": "no clamp (keras-retinanet, d2l)",
    "teach.positive": "positive",
    "teach.negative": "negative",
    "teach.ignored": "ignored",
}
