STRINGS = {
    "coding.title": "인코딩 / 디코딩: 앵커에서 박스로",
    "coding.intro": (
        "**보이는 것:** 앵커 하나(청록 점선)와 GT 박스 하나. 검출기는 박스를 직접 예측하지 않고, 앵커를 옮기고 "
        "늘리는 네 숫자 — **delta** tx, ty, tw, th — 를 예측합니다. 왼쪽에서는 GT를 head가 학습할 타깃으로 "
        "**encode**하는 과정을 라이브러리 공식과 실제 숫자로 보여 줍니다. 슬라이더는 head의 출력이며, 노란 박스로 "
        "실시간 **decode**됩니다.\n\n"
        "**해 볼 것:** dx를 움직이면 박스가 앵커 너비의 비율만큼 미끄러집니다. dw를 크게 밀면 clamp(박스가 "
        "커질 수 있는 한계)가 걸리는 것을 볼 수 있습니다. 코더를 바꿔 보세요. RoI 프리셋은 타깃에 가중치 10, 10, "
        "5, 5를 곱하거나(또는 std 0.1, 0.1, 0.2, 0.2로 나누어) 값의 범위를 비슷하게 맞춥니다."
    ),
    "coding.formulas": (
        "- 박스의 중심과 크기: cx = x1 + w/2, cy = y1 + h/2, w = x2 − x1, h = y2 − y1.\n"
        "- **Encode** (앵커 a 기준의 GT g): tx = (g_cx − a_cx) / a_w, ty = (g_cy − a_cy) / a_h — 앵커 크기 "
        "단위의 이동량; tw = log(g_w / a_w), th = log(g_h / a_h) — log 스케일의 늘림.\n"
        "- torchvision / detectron2는 여기에 **가중치**(wx, wy, ww, wh)를 곱하고, mmdet은 **means**를 빼고 "
        "**stds**로 나눕니다. keras-retinanet은 대신 네 **모서리**를 encode합니다: (g_x1 − a_x1) / a_w … 를 "
        "0.2로 나눔. d2l은 가중치 10, 10, 5, 5와 log(1e-6 + g_w / a_w)를 씁니다.\n"
        "- **Decode**는 그 역입니다: cx = tx·a_w + a_cx, w = a_w·exp(tw), 그다음 모서리를 구합니다.\n"
        "- **Clamp:** exp 전에 tw, th를 log(1000/16) ≈ 4.135로 제한해 박스가 62.5배 넘게 커지지 않게 합니다. "
        "torchvision과 detectron2는 위쪽만, mmdet은 양쪽을 제한하고, keras-retinanet과 d2l은 제한하지 않습니다."
    ),
    "coding.anchor_mode": "앵커",
    "coding.mode_best": "GT의 가장 좋은 양성 앵커",
    "coding.mode_grid": "레벨·셀·모양 직접 선택",
    "coding.mode_custom": "앵커와 GT 직접 입력",
    "coding.anchor_box": "앵커 x1, y1, x2, y2",
    "coding.gt_box": "GT x1, y1, x2, y2",
    "coding.box_help": "네트워크 입력 픽셀 단위의 숫자 네 개, x2 > x1, y2 > y1.",
    "coding.bad_box": "{what}: x2 > x1, y2 > y1인 숫자 네 개 x1, y1, x2, y2가 필요하지만 {text!r}를 받았습니다",
    "coding.custom_gt": "입력한 GT",
    "coding.gt": "GT 박스",
    "coding.level": "레벨",
    "coding.row": "행 (y)",
    "coding.col": "열 (x)",
    "coding.shape": "모양",
    "coding.best_positive": "이 GT에 매칭된 양성 앵커 {n}개 중 가장 좋은 앵커입니다 (IoU {iou}).",
    "coding.best_not_positive": "이 GT에는 양성 앵커가 없습니다. IoU가 가장 높은 앵커입니다 ({iou}).",
    "coding.anchor_is": "앵커: {lv}, 셀 ({y}행, {x}열), 모양 {k} ({wh}).",
    "coding.encode_head": "Encode: {gt}의 타깃",
    "coding.targets": "타깃 (tx, ty, tw, th) = ({v})",
    "coding.deltas_head": "Decode: delta를 움직여 보기",
    "coding.deltas_help": "슬라이더는 ±{lim}, 숫자 칸은 ±{big}까지 받습니다(극단값에서 clamp가 보입니다). 처음 값은 "
                          "진짜 타깃이므로 decode된 박스는 GT 위에서 시작합니다.",
    "coding.exact": "{n} 정확한 값",
    "coding.reset": "진짜 타깃으로 되돌리기",
    "coding.reset_help": "네 delta를 다시 encode된 타깃으로 설정합니다.",
    "coding.fig_title": "delta ({d}) → 박스 ({box})<br>GT와의 IoU {iou}",
    "coding.anchor": "앵커",
    "coding.gt_name": "GT",
    "coding.decoded": "decode된 박스",
    "coding.decode_head": "Decode 단계별 계산",
    "coding.clamped": "Clamp가 걸렸습니다: {name} = {before}가 {after}로 제한되었습니다.",
    "coding.clamp_note": "이 코더의 clamp: {side}. 라이브러리마다 다릅니다: torchvision과 detectron2는 커지는 쪽만 "
                         "막고(아주 작은 dw는 박스를 계속 줄임), mmdet은 줄어드는 쪽도 막으며, keras-retinanet과 "
                         "d2l은 전혀 제한하지 않습니다.",
    "coding.clamp_rule": "이 코더의 clamp: {side}; c = {c}. dw나 dh를 그 너머로 밀면 걸리는 것을 볼 수 있습니다.",
    "coding.not_finite": "이 delta는 유한하지 않은 박스로 decode됩니다(이 코더에는 clamp가 없음). 더 작은 값을 "
                         "쓰세요.",
    "coding.round_trip_head": "왕복: encode한 뒤 decode",
    "coding.round_trip": "encode된 타깃을 decode하면 GT가 {err} 픽셀 이내로 돌아옵니다 (코더는 {dtype}로 계산).",
}
