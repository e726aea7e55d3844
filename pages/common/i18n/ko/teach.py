STRINGS = {
    "teach.formulas": "쉬운 말로 보는 공식",
    "teach.coder": "박스 코더",
    "teach.coder_help": "라이브러리가 GT 박스를 회귀 타깃으로 바꾸는 방법(encode)과 delta를 다시 박스로 되돌리는 방법"
                        "(decode)입니다. 목록에는 선택한 규약(라이브러리)의 프리셋만 나옵니다.",
    "teach.no_coder": "{conv}에는 delta 박스 코더가 없습니다. YOLOv5는 log 공간의 delta가 아니라 2σ(t)−0.5 오프셋과 "
                      "앵커의 (2σ(t))² 배로 박스를 예측합니다. 여기서는 가정(what-if)으로 아무 코더나 고를 수 있습니다.",
    "teach.clamp_upper": "위쪽만: dw, dh ≤ c (torchvision, detectron2, mmdet YOLOF)",
    "teach.clamp_both": "양쪽 모두: −c ≤ dw, dh ≤ c (mmdet DeltaXYWHBBoxCoder)",
    "teach.clamp_none": "clamp 없음 (keras-retinanet, d2l)",
    "teach.positive": "양성",
    "teach.negative": "음성",
    "teach.ignored": "무시",
}
