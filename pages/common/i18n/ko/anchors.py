STRINGS = {
    "anchors.title": "네트워크 입력 위의 앵커",
    "anchors.intro": (
        "**보이는 것:** 학습 시 리사이즈를 거쳐 네트워크에 들어가는 이미지, GT 박스, 그리고 선택한 레벨의 앵커 중심점입니다. "
        "중심점을 클릭하면 그 셀의 모든 앵커를, 모양(shape)을 고르면 레벨 전체에서 그 모양의 앵커를 그립니다. "
        "**해 볼 것:** 사이드바에서 size, ratio, stride를 바꾸고 그리드와 개수가 어떻게 변하는지 보세요. "
        "convention을 바꾸면 같은 설정이 스트라이드 절반만큼 이동하는 것을 볼 수 있습니다."
    ),
    "anchors.formulas": (
        "- 각 레벨은 스트라이드 *s*를 가집니다: 입력 *s* × *s* 픽셀마다 셀 하나, 특징 맵 크기는 ⌈H/s⌉ × ⌈W/s⌉.\n"
        "- 크기 *S*, 비율 *r*(h/w, d2l에서는 w/h)인 앵커는 *w = S/√r*, *h = S·√r* 이며 넓이는 *S²* 로 같습니다.\n"
        "- 중심은 *(x + offset)·s* 입니다: offset 0은 셀의 모서리(torchvision, mmdet, detectron2 설정), "
        "0.5는 셀의 중앙(keras-retinanet, YOLOv5, d2l)입니다.\n"
        "- 레벨당 앵커 수 = 셀 수 × size 수 × ratio 수 (d2l: 셀 수 × (n + m − 1))."
    ),
    "anchors.base_title": "레벨별 기본 앵커(base anchor)",
    "anchors.offset_title": "중심 offset: 셀 모서리(0) 또는 셀 중앙(0.5)",
    # controls
    "anchors.show": "중심점을 그릴 레벨",
    "anchors.show_all": "모든 레벨",
    "anchors.show_picked": "선택한 셀의 레벨",
    "anchors.show_help": "앵커 위치마다 마커 하나. 중심점을 클릭하면 그 셀이 선택됩니다.",
    "anchors.cell_level": "선택한 셀: 레벨",
    "anchors.row": "행 (y)",
    "anchors.row_help": "{lv}에는 셀이 {n}행 있습니다",
    "anchors.col": "열 (x)",
    "anchors.col_help": "{lv}에는 셀이 {n}열 있습니다",
    "anchors.shape": "{lv} 전체에서 한 모양의 앵커 모두",
    "anchors.shape_none": "없음",
    "anchors.shape_opt": "모양 {k}: {wh}",
    # the figure
    "anchors.shape_note": "모양 {k}의 앵커는 {lv}에 {n}개입니다. 선택한 셀에 가장 가까운 {m}개만 사각형으로 그리고, "
                          "나머지는 중심점만 그립니다.",
    "anchors.levels_one": "레벨 1개",
    "anchors.levels_many": "레벨 {n}개",
    "anchors.fig_title": "앵커 {total}개, {levels} ({names}) · 입력 {w}×{h} · 셀 {lv} ({y}, {x}), 중심 ({cx}, {cy}): "
                         "앵커 {n}개",
    "anchors.fig_shape": " · 모양 {k} {wh}: {n}개",
    "anchors.centre_note": "{lv}에는 위치가 {n}개 있습니다. 선택한 셀에 가장 가까운 {m}개만 그립니다. 다른 셀을 고르면 "
                           "그리는 범위가 옮겨 갑니다.",
    "anchors.centres_name": "{lv} 중심점 ({w}×{h})",
    "anchors.cell": "셀",
    "anchors.shape_name": "모양 {k} {wh} ({n}개)",
    "anchors.cell_anchor": "셀 앵커 {k}: {wh}",
    "anchors.picked_cell": "선택한 셀 {lv} ({y}, {x})",
    "anchors.clickable_name": "{lv}: 가장 가까운 {n}개, 클릭 가능",
    "anchors.click_caption": "고리가 있는 중심점(그려진 각 레벨에서 선택한 셀에 가장 가까운 {n}개)을 클릭하면 그 셀이 "
                             "선택됩니다. 다른 셀은 위의 행/열 입력으로 고를 수 있습니다. GT 박스를 추가하려면 차트 "
                             "툴바에서 **Box Select**를 고르고 물체 위로 드래그하세요 (박스는 아래 표에 사진 픽셀 단위로 "
                             "추가됩니다). 스크롤하면 확대/축소됩니다.",
    # counts
    "anchors.per_level": "레벨별 앵커 수",
    "anchors.col_level": "레벨",
    "anchors.col_stride": "스트라이드",
    "anchors.col_stride_hw": "스트라이드 (h×w)",
    "anchors.col_fmap": "특징 맵",
    "anchors.col_per_location": "위치당 앵커",
    "anchors.col_anchors": "앵커 수",
    "anchors.total": "합계",
    "anchors.down": "세로",
    "anchors.across": "가로",
    "anchors.odd_level": "{lv}: {parts} ({want}이 아님)",
    "anchors.odd_strides": "torchvision은 각 스트라이드를 크기로부터 입력 // 특징 맵으로 구합니다: {items}. 이 "
                           "레벨들의 중심은 왼쪽 위로 치우칩니다.",
    # base anchors
    "anchors.base_panel": "{lv} · 스트라이드 {s}",
    "anchors.col_shape": "모양",
    "anchors.base_caption": "각 레벨에서 한 위치의 앵커들을 같은 점을 중심으로 겹쳐 그리고, 픽셀 단위의 너비×높이를 "
                            "붙였습니다. 점선 정사각형은 셀 하나(스트라이드 × 스트라이드)입니다. {conv}: {knobs} 예: "
                            "16×16 정사각형(keras-retinanet에서는 size 32 × scale 0.5)을 종횡비 2(h/w)로 바꾸면 "
                            "w·h = 256, h = 2w이므로 11.31×22.62가 됩니다.",
    "anchors.base_table": "기본 앵커 표",
    # centre offset
    "anchors.offset_panel": "offset {o}: 첫 중심 ({x}, {y})",
    "anchors.cmp_level": "비교할 레벨",
    "anchors.cmp_help": "이 레벨의 왼쪽 위 모서리를 두 offset으로 그립니다.",
    "anchors.offset_fig": "{lv}, 스트라이드 {s}: 같은 셀을 offset 0과 0.5로 ({conv}은(는) {cur} 사용)",
    "anchors.offset_text": """
offset이 0이면 앵커 중심이 셀의 왼쪽 위 **모서리**에 놓입니다. 첫 중심이 이미지 모서리에 오고, 중심 그리드 전체가
스트라이드 절반만큼 왼쪽 위로 밀립니다. 이 {w}×{h} 입력의 {lv}에서는 첫 중심과 마지막 중심이 왼쪽·오른쪽 가장자리에서
각각 {l0} px, {r0} px 떨어져 있습니다. 0.5이면 셀의 한가운데에 놓여 {l5} px, {r5} px가 됩니다.
라이브러리별로는:

* **torchvision**은 항상 모서리를 씁니다 (옵션 없음). [pytorch/vision#1765](https://github.com/pytorch/vision/issues/1765)에서는
  512×512 이미지에서 왼쪽 위 앵커 `[-16, -16, 16, 16]`은 이미지 밖으로 16 px 튀어나오는데 오른쪽 아래 앵커는 8 px만
  튀어나오며, 이 비대칭이 스트라이드와 함께(P7) 커진다고 지적했습니다.
* **detectron2**는 [facebookresearch/detectron2#378](https://github.com/facebookresearch/detectron2/issues/378)에서
  그리드 앵커가 셀의 왼쪽 위로 치우친다는 보고가 나온 뒤 `MODEL.ANCHOR_GENERATOR.OFFSET`을 추가했습니다. 설정 기본값은
  여전히 0.0입니다 (주석은 0.5를 권하면서도 정확도가 달라지리라고 보지는 않습니다).
* **keras-retinanet**은 `(x + 0.5)·stride`에 중심을 둡니다. [fizyr/keras-retinanet#1073](https://github.com/fizyr/keras-retinanet/issues/1073)에서는
  올바른 이동량이 이미지와 특징 맵 크기에 따라 달라지며 (`(image − (features − 1)·stride) / 2`), 이미지가 스트라이드의
  배수가 아니면 스트라이드 절반과 다르다는 것을 밝혔습니다 — P6/P7 특징 맵은 올림되기 때문입니다 (800×800 입력에서
  13×13과 7×7).
* **mmdetection** 3.x는 `center_offset=0`을 씁니다 (스트라이드가 아니라 base size에 곱함). v1 레거시 생성기는 0.5를 씁니다.

회귀 헤드는 일정한 이동을 되돌리도록 학습되므로 어느 쪽이든 학습은 됩니다. 달라지는 것은 오른쪽·아래쪽 가장자리
근처 물체에 대해 어떤 앵커가 양성 IoU에 닿는지, 그리고 모델 가중치가 학습 때 쓴 앵커와 맞는지입니다.
""",
}
