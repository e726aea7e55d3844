STRINGS = {
    "labels.title": "앵커 라벨: 양성, 음성, 무시",
    "labels.intro": (
        "**보이는 것:** 선택한 assigner에서 각 앵커의 라벨입니다. 양성은 해당 GT 색의 사각형, 음성과 무시는 점으로 "
        "표시됩니다. 아래에는 레벨별·GT별 개수와, **양성 앵커를 하나도 받지 못한** GT에 대한 경고가 있습니다 — "
        "검출기가 조용히 배경으로 학습해 버리는 물체들입니다. **해 볼 것:** pos_iou를 0.7(RPN)로 올려 작은 물체가 "
        "양성을 잃는지 보고, 저품질 매칭을 끄거나 YOLOv5 모양 매칭, ATSS로 바꿔 보세요."
    ),
    "labels.formulas": (
        "- Max IoU: 각 앵커는 모든 GT 중 가장 큰 IoU를 취합니다. pos_iou 이상 → 양성, neg_iou 미만 → 음성 "
        "(keras-retinanet은 이하), 그 사이 → 무시.\n"
        "- 저품질 매칭(low-quality matching): 어떤 GT와 IoU가 가장 큰 앵커는 pos_iou보다 낮아도 양성이 됩니다 "
        "(torchvision/detectron2는 앵커 자신의 최적 GT를 유지, mmdet은 그 GT에 배정하고 나중 GT가 덮어씀).\n"
        "- YOLOv5: max(w/a_w, a_w/w, h/a_h, a_h/h) < anchor_t 이면 GT가 앵커와 매칭되며, 중심 셀과 이웃 두 셀에 배정됩니다.\n"
        "- ATSS: 레벨마다 GT 중심에 가장 가까운 top-k 앵커 중 IoU ≥ 평균 + 표준편차이고 중심이 GT 안에 있으면 양성."
    ),
    # controls
    "labels.assigner": "할당 방식 (assigner)",
    "labels.asg_maxiou": "Max IoU",
    "labels.asg_yolov5": "YOLOv5 모양 매칭",
    "labels.asg_atss": "ATSS",
    "labels.assigner_help": "Max IoU: torchvision/mmdet/detectron2/keras-retinanet/d2l. YOLOv5: 모양 매칭 "
                            "(build_targets). ATSS: GT마다 적응형 IoU 임계값 (mmdet ATSSAssigner).",
    "labels.thr_preset": "임계값 프리셋",
    "labels.custom": "사용자 지정",
    "labels.lq": "저품질 매칭",
    "labels.lq_help": "저품질 매칭 (low-quality matching). {conv}: {rule}.",
    "labels.lq_argmax": "어떤 GT의 최고 IoU를 공동으로 가진 앵커는 모두 양성이 되며, 앵커 자신의 최적 GT에 매칭됩니다",
    "labels.lq_gt_all": "어떤 GT의 최고 IoU(≥ min_pos_iou)를 공동으로 가진 앵커는 모두 그 GT에 배정되며, 나중 GT가 "
                        "덮어씁니다",
    "labels.lq_greedy": "d2l은 IoU 순으로 탐욕적으로 GT마다 앵커 하나를 강제로 배정합니다",
    "labels.lq_none": "이 라이브러리에는 저품질 매칭이 없습니다",
    "labels.pos": "pos_iou (최대 IoU ≥ 이면 양성)",
    "labels.pos_help": "torchvision high_threshold / mmdet pos_iou_thr.",
    "labels.neg": "neg_iou (최대 IoU {op} 이면 음성)",
    "labels.neg_help": "torchvision low_threshold / mmdet neg_iou_thr. 둘 사이는 무시됩니다.",
    "labels.anchor_t_help": "hyp.anchor_t: w와 h 모두 max(r, 1/r) < anchor_t이면 GT가 그 앵커 모양과 매칭됩니다.",
    "labels.topk_help": "레벨마다의 ATSS 후보: GT 중심에 가장 가까운 topk개의 앵커.",
    "labels.level": "레벨",
    "labels.all_levels": "모든 레벨",
    "labels.shape": "모양",
    "labels.any_shape": "전체 (위치 단위)",
    "labels.minibatch": "샘플링된 미니배치 겹쳐 보기",
    "labels.show_minibatch": "미니배치 표시",
    "labels.batch_size_help": "이미지당 앵커 수 (RPN 256).",
    "labels.seed": "시드 (seed)",
    "labels.seed_help": "torch.manual_seed 값. 같은 시드면 라이브러리와 같은 앵커를 뽑습니다.",
    "labels.sampler": "샘플러",
    "labels.sampler_help": "torchvision BalancedPositiveNegativeSampler, detectron2 subsample_labels, mmdet "
                           "RandomSampler.",
    "labels.no_sampling": "{conv}은(는) 이 헤드를 샘플링 없이 학습합니다 (라벨이 붙은 모든 앵커가 손실에 들어감). 겹쳐 "
                          "보기는 샘플러가 골랐을 앵커를 보여 줍니다.",
    # the figure
    "labels.desc_maxiou": "Max IoU {pos}/{neg}, 저품질 매칭 {lq} ({conv})",
    "labels.on": "켬",
    "labels.off": "끔",
    "labels.desc_yolov5": "YOLOv5 anchor_t {v}",
    "labels.desc_atss": "ATSS top-{k}",
    "labels.fig_title": "{desc}: 양성 {pos} · 무시 {ign} · 음성 {neg} · 양성이 없는 GT {zero}/{n}",
    "labels.fig_minibatch": " · 미니배치 {p}+{n}",
    "labels.on_level": " ({lv})",
    "labels.gt_positives": "GT {gt}의 양성 ({n})",
    "labels.as_centres": "{name} · 중심점",
    "labels.neg_name": "음성 위치{where} ({n})",
    "labels.ign_name": "무시, 양성 없음{where} ({n})",
    "labels.sampled_neg": "샘플링된 음성 ({n})",
    "labels.sampled_pos": "샘플링된 양성 ({n})",
    "labels.as_centres_note": "양성{where} {n}개: {m}개를 넘으므로 중심점으로 그립니다.",
    "labels.caption": "양성은 해당 GT 색의 사각형입니다. 위치(점)는 앵커 중 하나가 무시이고 양성이 없으면 주황색, "
                      "모두 음성이면 회색입니다 (점들은 이미지 레이어 하나라서 마우스 오버 정보가 없습니다). Box "
                      "Select 모드로 드래그하면 GT가 추가됩니다.",
    # GTs without positives
    "labels.zero_warning": "**GT 박스 {n}개 중 {zero}개가 양성 앵커를 하나도 받지 못합니다** — 배경으로 학습됩니다. "
                           "각각의 이유:",
    "labels.zero_line": "- **GT {gt}** ({cls}, {wh} px): {why}",
    "labels.all_have": "GT 박스 {n}개 모두 양성 앵커를 하나 이상 받았습니다.",
    # tables
    "labels.per_level": "레벨별",
    "labels.per_gt": "GT별",
    "labels.col_level": "레벨",
    "labels.col_class": "클래스",
    "labels.col_size": "크기 (w×h)",
    "labels.col_best": "최고 IoU",
    "labels.col_cell": "셀 (y, x)",
    "labels.col_anchor": "앵커 w×h",
    "labels.col_positive": "양성",
    "labels.col_ignored": "무시",
    "labels.col_negative": "음성",
    "labels.col_sampled_pos": "샘플 +",
    "labels.col_sampled_neg": "샘플 −",
    "labels.col_wh": "w×h (입력 px)",
    "labels.col_positives": "양성 수",
    "labels.col_pairs": "양성 쌍 수",
    "labels.total": "합계",
    "labels.assignment": "{w}×{h} 네트워크 입력에서 {conv}의 IoU({dtype}{plus})와 규칙으로 할당했습니다. ",
    "labels.plus_one": ", 너비 +1 픽셀",
    # GTs positive only by the low-quality rule
    "labels.fig_lq": " · {k}개는 저품질 규칙으로만",
    "labels.lq_warning": "**GT 박스 {n}개 중 {k}개는 저품질 규칙으로만 양성입니다**: pos_iou {pos}에 닿는 앵커가 없는데 "
                         "규칙이 가장 좋은 앵커를 그래도 양성으로 만들어, 검출기는 이 물체를 약하게 겹치는 앵커로 "
                         "배웁니다. 각각의 이유:",
    "labels.col_weak": "저품질 (IoU < {pos})",
    "labels.col_match": "매칭",
    "labels.match_none": "양성 없음",
    "labels.match_lq": "저품질만",
    "labels.match_thr": "IoU ≥ {pos}",
    "labels.match_rule": "규칙대로",
}
