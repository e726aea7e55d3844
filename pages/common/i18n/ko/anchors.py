STRINGS = {
    "common.image_and_boxes": "이미지와 박스",
    "common.anchor_setup": "앵커 설정",
    "anchors.title": "네트워크 입력 위의 앵커",
    "anchors.intro": (
        "**보이는 것:** 학습 시 리사이즈를 거쳐 네트워크에 들어가는 이미지, GT 박스, 그리고 선택한 레벨의 앵커 중심점입니다. "
        "중심점을 클릭하면 그 셀의 모든 앵커를, 모양(shape)을 고르면 레벨 전체에서 그 모양의 앵커를 그립니다. "
        "**해 볼 것:** 사이드바에서 size, ratio, stride를 바꾸고 그리드와 개수가 어떻게 변하는지 보세요. "
        "convention을 바꾸면 같은 설정이 stride 절반만큼 이동하는 것을 볼 수 있습니다."
    ),
    "anchors.formulas": (
        "- 각 레벨은 stride *s*를 가집니다: 입력 *s* × *s* 픽셀마다 셀 하나, feature map 크기는 ⌈H/s⌉ × ⌈W/s⌉.\n"
        "- 크기 *S*, 비율 *r*(h/w, d2l에서는 w/h)인 앵커는 *w = S/√r*, *h = S·√r* 이며 넓이는 *S²* 로 같습니다.\n"
        "- 중심은 *(x + offset)·s* 입니다: offset 0은 셀의 모서리(torchvision, mmdet, detectron2 설정), "
        "0.5는 셀의 중앙(keras-retinanet, YOLOv5, d2l)입니다.\n"
        "- 레벨당 앵커 수 = 셀 수 × size 수 × ratio 수 (d2l: 셀 수 × (n + m − 1))."
    ),
    "anchors.base_title": "레벨별 기본 앵커(base anchor)",
    "anchors.offset_title": "중심 offset: 셀 모서리(0) 또는 셀 중앙(0.5)",
    "labels.title": "앵커 라벨: positive, negative, ignore",
    "labels.intro": (
        "**보이는 것:** 선택한 assigner에서 각 앵커의 라벨입니다. positive는 해당 GT 색의 사각형, negative와 ignore는 점으로 "
        "표시됩니다. 아래에는 레벨별·GT별 개수와, **positive 앵커를 하나도 받지 못한** GT에 대한 경고가 있습니다 — "
        "검출기가 조용히 배경으로 학습해 버리는 물체들입니다. **해 볼 것:** pos_iou를 0.7(RPN)로 올려 작은 물체가 "
        "positive를 잃는지 보고, low-quality matching을 끄거나 YOLOv5 shape matching, ATSS로 바꿔 보세요."
    ),
    "labels.formulas": (
        "- Max IoU: 각 앵커는 모든 GT 중 가장 큰 IoU를 취합니다. pos_iou 이상 → positive, neg_iou 미만 → negative "
        "(keras-retinanet은 이하), 그 사이 → ignore.\n"
        "- Low-quality matching: 어떤 GT와 IoU가 가장 큰 앵커는 pos_iou보다 낮아도 positive가 됩니다 "
        "(torchvision/detectron2는 앵커 자신의 최적 GT를 유지, mmdet은 그 GT에 배정하고 나중 GT가 덮어씀).\n"
        "- YOLOv5: max(w/a_w, a_w/w, h/a_h, a_h/h) < anchor_t 이면 GT가 앵커와 매칭되며, 중심 셀과 이웃 두 셀에 배정됩니다.\n"
        "- ATSS: 레벨마다 GT 중심에 가장 가까운 top-k 앵커 중 IoU ≥ 평균 + 표준편차이고 중심이 GT 안에 있으면 positive."
    ),
}
