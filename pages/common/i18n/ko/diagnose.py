STRINGS = {
    # why a GT got no positive anchor: clauses joined into one sentence ({at} names the GT's best anchor)
    "diagnose.at": " ({lv} 셀 ({y}, {x}), 앵커 {wh})",
    "diagnose.join": "; ",
    "diagnose.sentence": "{text}.",
    "diagnose.no_overlap": "어떤 앵커와도 전혀 겹치지 않습니다 (모든 곳에서 IoU 0)",
    "diagnose.too_small": "가장 작은 앵커보다도 작습니다 ({gwh} px, 가장 잘 맞는 앵커는 {lv}의 {fit}): 정확히 가운데에 "
                          "놓아도 그 앵커의 IoU는 {shape_best} < {thr}에 그칩니다; 최고 IoU {best}{at}",
    "diagnose.too_large": "가장 큰 앵커보다도 큽니다 ({gwh} px, 가장 잘 맞는 앵커는 {lv}의 {fit}): 정확히 가운데에 "
                          "놓아도 그 앵커의 IoU는 {shape_best} < {thr}에 그칩니다; 최고 IoU {best}{at}",
    "diagnose.too_elongated": "너무 길쭉합니다 (h/w = {r}, 앵커의 h/w 범위는 {lo}–{hi}, 가장 잘 맞는 앵커는 {lv}의 "
                              "{fit}): 정확히 가운데에 놓아도 그 앵커의 IoU는 {shape_best} < {thr}에 그칩니다; 최고 "
                              "IoU {best}{at}",
    "diagnose.placement": "가운데에 놓인 앵커라면 IoU {shape_best}에 닿지만, 앵커 중심 간격이 {strides} px라서 최고 "
                          "IoU는 {best} < {thr}입니다{at}",
    "diagnose.lq_off": "저품질 매칭(low-quality matching)이 꺼져 있습니다",
    "diagnose.lq_none": "{conv}에는 저품질 매칭이 없습니다",
    "diagnose.lq_min": "최고 IoU가 min_pos_iou {min}보다 낮아 저품질 매칭에서도 빠집니다",
    "diagnose.taken": "가장 좋은 앵커를 그 앵커와 더 많이 겹치는 GT {other}이(가) 가져갔습니다",
    "diagnose.ignored_centre": "가장 좋은 앵커가 무시됩니다: 중심이 이미지 밖에 있습니다 (keras-retinanet 규칙)",
    "diagnose.ignored_border": "가장 좋은 앵커가 무시됩니다: 이미지 경계를 넘습니다 (mmdet v1 allowed_border=0)",
    "diagnose.ignored": "가장 좋은 앵커가 무시됩니다",
    "diagnose.best": "최고 IoU {best}{at}",
    "diagnose.yolov5": "{gwh} px에 대해 anchor_t = {anchor_t} 이내인 앵커 모양이 없습니다: 가장 가까운 {lv} {wh}도 "
                       "max(r, 1/r) = {r} ≥ {anchor_t}입니다",
    "diagnose.atss_outside": "중심이 GT 안에 있는 앵커가 하나도 없는데, ATSS는 그런 앵커를 요구합니다; 최고 IoU {best}{at}",
    "diagnose.atss": "레벨마다 가장 가까운 후보 {topk}개 중 어느 것도 'IoU ≥ 평균 + 표준편차, 중심이 박스 안' 조건을 "
                     "통과하지 못했습니다; 최고 IoU {best}{at}",
    # a GT whose positives all come from the low-quality rule (none reaches pos_iou): the same clause style
    "diagnose.lq_only": "저품질 규칙으로만 양성입니다: 최고 IoU {best} < {thr}{at}",
    "diagnose.lq_too_small": "가장 작은 앵커보다도 작습니다: 정확히 가운데에 놓아도 가장 잘 맞는 앵커({lv}의 "
                             "{fit})의 IoU는 {shape_best}에 그칩니다",
    "diagnose.lq_too_large": "가장 큰 앵커보다도 큽니다: 정확히 가운데에 놓아도 가장 잘 맞는 앵커({lv}의 "
                             "{fit})의 IoU는 {shape_best}에 그칩니다",
    "diagnose.lq_too_elongated": "너무 길쭉합니다 (h/w = {r}, 앵커의 h/w 범위는 {lo}–{hi}): 정확히 가운데에 놓아도 가장 "
                                 "잘 맞는 앵커({lv}의 {fit})의 IoU는 {shape_best}에 그칩니다",
    "diagnose.lq_placement": "가운데에 놓인 앵커라면 IoU {shape_best}에 닿지만, 앵커 중심 간격이 {strides} px입니다",
    "diagnose.lq_taken": "저품질 규칙으로만 양성입니다: 자기 양성 앵커의 IoU는 {best} < {thr}에 그치고, 가장 좋은 "
                         "앵커{at}는 그 앵커와 더 많이 겹치는 GT {other}이(가) 가져갔습니다",
}
