STRINGS = {
    "iou.title": "IoU 히트맵: 앵커가 왜 그 라벨을 받는가",
    "iou.intro": (
        "**보이는 것:** 피라미드 레벨 하나와 앵커 모양 하나에 대해, 각 그리드 셀을 그 셀 앵커와 GT의 IoU로 "
        "칠했습니다. 모든 GT 중 최댓값이거나, 직접 고른 GT 하나와의 IoU입니다(아래에서 고르거나 GT 중심의 고리를 "
        "클릭). 파란 셀은 **음성**, 주황 셀은 **무시** 구간, 초록 셀은 **양성**이 됩니다. 셀에 마우스를 "
        "올리면 행·열, 앵커 크기, IoU, 라벨이 나옵니다.\n\n"
        "**해 볼 것:** 작은 GT를 골라 레벨을 차례로 바꿔 보세요. 충분히 작은 앵커는 촘촘한 레벨(P3)에만 있습니다. "
        "Labels 페이지에서 임계값을 바꾸면 색 구간이 움직입니다. 아래 개요는 GT 하나를 어느 레벨·모양이 "
        "'맡는지', 그리고 아무도 맡지 않는 경우를 보여 줍니다."
    ),
    "iou.formulas": (
        "- 앵커 A와 GT 박스 G의 **IoU**(Intersection over Union) = A ∩ G의 넓이 ÷ A ∪ G의 넓이. 두 박스가 "
        "겹치면 1, 닿지 않으면 0입니다.\n"
        "- 셀의 색은 그 셀에 중심을 둔, 선택한 모양의 앵커의 IoU입니다.\n"
        "- **Max-IoU 라벨링:** 모든 GT에 대한 최대 IoU가 양성 임계값 이상이면 양성, 음성 임계값 "
        "미만이면 음성, 그 사이는 무시(손실 없음)입니다.\n"
        "- **저품질 매칭**(low-quality matching; torchvision, detectron2, mmdet)은 임계값 아래라도 GT마다 가장 좋은 앵커를 "
        "양성으로 만듭니다. 어떤 셀도 닿지 않는 GT가 그래도 양성 하나를 얻는 이유입니다.\n"
        "- 셀 그리드는 stride를 따릅니다: 셀 (i, j)의 중심은 (j·stride + offset, i·stride + offset)입니다."
    ),
    "iou.values": "IoU 값",
    "iou.values_help": "각 앵커의 모든 GT에 대한 최대 IoU(max-IoU 할당이 임계값과 비교하는 값), 또는 GT 하나와의 "
                       "IoU. GT 중심의 고리를 클릭해도 고를 수 있습니다.",
    "iou.max_over_gts": "모든 GT 박스 중 최댓값",
    "iou.with_gt": "GT {gt}와의 IoU",
    "iou.level": "레벨",
    "iou.shape": "앵커 모양 (w×h)",
    "iou.thresholds_from_labels": "Labels 페이지의 임계값: IoU ≥ {pos}이면 양성, {neg} 미만이면 음성, "
                                  "그 사이는 무시.",
    "iou.thresholds_other": "Labels 페이지는 {asg}를 쓰며 IoU 임계값이 없습니다. 색은 참고용으로 흔히 쓰는 "
                            "0.5 / 0.4 ({pos} / {neg})를 씁니다.",
    "iou.positive_other": "양성 (다른 GT)",
    "iou.hover_cell": "셀 (행, 열):",
    "iou.hover_anchor": "앵커 w×h:",
    "iou.fig_title": "{lv} 모양 {k} ({wh}), IoU {what}: 셀 {n:,}개 · {n_pos:,}개 ≥ {pos} · 무시 구간 {n_ign:,}개 "
                     "· 최고 {best}",
    "iou.tick_neg": "음성 {v}",
    "iou.tick_pos": "양성 {v}",
    "iou.click_gt": "GT 중심 (클릭해서 선택)",
    "iou.best_here": "이 레벨·모양에서 가장 좋은 앵커",
    "iou.caption": "색칠된 사각형 하나가 레벨의 그리드 셀 하나이며, 그 셀 앵커들의 중심에 놓입니다. 색은 그 자리에 "
                   "있는 선택한 모양 앵커의 IoU입니다. 투명하면 IoU 0입니다.",
    "iou.overview": "어느 레벨과 모양이 이 물체를 맡는가?",
    "iou.overview_first_gt": "GT 0을 보여 줍니다. 다른 GT는 위에서 고르세요.",
    "iou.no_gt": "GT 박스가 없습니다. 사이드바나 Labels 페이지에서 추가하거나 업로드하세요.",
    "iou.owned": "GT {gt} ({wh}): 최고 IoU {best}, {lv} 모양 {k} ({awh}) — ★ 이 물체를 맡음 (≥ {pos})",
    "iou.not_owned": "GT {gt} ({wh}): 최고 IoU {best}, {lv} 모양 {k} ({awh}) — {pos} 미만: 맡는 레벨·모양이 없음",
    "iou.not_owned_note": "GT {gt}에 대해 양성 임계값 {pos}에 닿는 앵커가 없습니다. 가장 좋은 것은 {best} "
                          "({lv}, 모양 {k}, {awh})입니다. 저품질 매칭을 켜면 그 앵커 하나는 그래도 "
                          "양성이 되지만, 끄면 이 물체는 배경으로 학습됩니다. 더 작은 앵커 크기, 다른 종횡비, "
                          "더 촘촘한 레벨을 시도해 보세요.",
    "iou.overview_caption": "행은 레벨, 열은 앵커 모양입니다. 각 패널은 GT(테두리) 주변 셀을 보여 줍니다. 패널 "
                            "제목은 모양의 w×h와 이 GT와의 최고 IoU이며, ★는 가장 좋은 앵커가 있는 패널입니다.",
    "iou.lq_owned": "GT {gt} ({wh}): 최고 IoU {best} < {pos}, {lv} 모양 {k} ({awh}) — 저품질 규칙으로만 맡음",
    "iou.lq_owned_note": "GT {gt}에 대해 양성 임계값 {pos}에 닿는 앵커가 없습니다. 가장 좋은 것은 {best} ({lv}, 모양 "
                         "{k}, {awh})입니다. 저품질 매칭이 가장 좋은 앵커들을 그래도 양성으로 만들어 — 라벨 페이지에서 "
                         "{n}개, 모두 {pos} 미만 — 검출기는 이 물체를 약한 겹침으로 배웁니다. 더 작은 앵커 크기, 다른 "
                         "종횡비, 더 세밀한 레벨을 시도해 보세요.",
    "iou.none_note": "GT {gt}에 대해 양성 임계값 {pos}에 닿는 앵커가 없습니다. 가장 좋은 것은 {best} ({lv}, 모양 {k}, "
                     "{awh})이고 양성 앵커가 하나도 없어 (이유는 라벨 페이지에), 이 물체는 배경으로 학습됩니다. 더 작은 "
                     "앵커 크기, 다른 종횡비, 더 세밀한 레벨을 시도해 보세요.",
}
