STRINGS = {
    # what each knob means, in the library's words (the labels are the libraries' own names and stay)
    "knobs.groups": " 레벨마다 쉼표로 구분한 그룹 하나, 레벨 사이는 ';'로 구분합니다. 그룹을 하나만 쓰면 모든 레벨에 "
                    "적용됩니다.",
    "knobs.torchvision_sizes": "AnchorGenerator(sizes=...): 네트워크 입력 픽셀 단위의 앵커 변 길이 (넓이 = size²).",
    "knobs.torchvision_aspect_ratios": "AnchorGenerator(aspect_ratios=...): 종횡비 = h/w (h = size·√r, w = size/√r). "
                                       "반변(half-side)은 짝수 쪽 반올림(half-to-even)됩니다.",
    "knobs.detectron2_sizes": "MODEL.ANCHOR_GENERATOR.SIZES: 픽셀 단위의 앵커 변 길이 (넓이 = size²). size가 바깥 "
                              "루프입니다.",
    "knobs.detectron2_aspect_ratios": "MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS: 종횡비 = h/w (w = √(size²/r), h = r·w).",
    "knobs.mmdet_strides": "AnchorGenerator(strides=...): 셀 사이의 픽셀 간격(스트라이드), 레벨마다 하나.",
    "knobs.mmdet_base_sizes": "AnchorGenerator(base_sizes=...): scales를 곱하는 기준 변 길이, 레벨마다 하나. 비우면 "
                              "strides와 같습니다.",
    "knobs.mmdet_octave_base_scale": "값이 있으면 scales = octave_base_scale · 2^(i/scales_per_octave), i = "
                                     "0..scales_per_octave-1 (RetinaNet: 4와 3). 비우면 `scales`를 씁니다.",
    "knobs.mmdet_scales_per_octave": "octave_base_scale과 함께 씁니다.",
    "knobs.mmdet_scales": "AnchorGenerator(scales=...): base_size에 곱하는 배수, 모든 레벨 공통 (octave_base_scale이 "
                          "있으면 무시). 앵커 변 = base_size · scale.",
    "knobs.mmdet_ratios": "AnchorGenerator(ratios=...): 종횡비 = h/w (w = base·scale/√r, h = base·scale·√r), 모든 레벨 "
                          "공통.",
    "knobs.ssd_strides": "SSDAnchorGenerator(strides=...): 레벨마다 하나. 중심은 stride/2에 놓입니다.",
    "knobs.ssd_base_sizes": "basesize_ratio_range에서 나온 레벨별 최소 크기 (SSD300 COCO: 21, 45, 99, 153, 207, 261).",
    "knobs.ssd_scales": "레벨마다: 1과 √(max_size/min_size).",
    "knobs.ssd_ratios": "레벨마다: 1, 그리고 그 레벨의 각 비율 r에 대해 1/r과 r. 종횡비 = h/w.",
    "knobs.keras_sizes": "AnchorParameters(sizes=...): 레벨별 기준 변 길이 (32..512).",
    "knobs.keras_strides": "AnchorParameters(strides=...): 레벨마다 하나 (8..128).",
    "knobs.keras_ratios": "AnchorParameters(ratios=...): 종횡비 = h/w (w = √(side²/r), h = w·r).",
    "knobs.keras_scales": "AnchorParameters(scales=...): 변 = size · scale (2^0, 2^(1/3), 2^(2/3)).",
    "knobs.d2l_sizes": "multibox_prior(sizes=...): 이미지 높이에 대한 비율, (0, 1] 범위.",
    "knobs.d2l_ratios": "multibox_prior(ratios=...): 여기서는 비율 = w/h이며 h/w가 아닙니다. 위치당 앵커 수 = "
                        "#sizes + #ratios - 1.",
    "knobs.d2l_fmap": "display_anchors(fmap_w, fmap_h): 레벨별 특징 맵 크기를 HxW로, 레벨 사이는 ';'로 구분합니다. "
                      "비우면 픽셀마다 위치 하나 (이미지 자체에 multibox_prior).",
    "knobs.yolov5_anchors": "모델 yaml의 `anchors:` 레벨별 w,h 픽셀 쌍 (P3/8: 10,13, 16,30, 33,23), 레벨 사이는 ';'로 "
                            "구분합니다.",
    # what is wrong with a typed value (each starts with the knob's own name)
    "knobs.where_level": " (레벨 {n})",
    "knobs.not_a_level": "levels: {name!r}은(는) {preset} 프리셋의 레벨이 아닙니다",
    "knobs.not_a_number": "{field}: {text!r}{where}은(는) 숫자가 아닙니다",
    "knobs.not_positive": "{field}: 모든 값은 0보다 큰 숫자여야 하는데 {text!r}{where}이(가) 들어왔습니다",
    "knobs.no_number": "{field}: 숫자가 하나 이상 필요합니다{where}. 입력: {text!r}",
    "knobs.group_count": "{field}: 레벨은 {m}개({names})인데 그룹은 {n}개입니다. 레벨마다 그룹 하나씩, ';'로 구분해 "
                         "주세요 (입력: {text!r})",
    "knobs.per_level": "{field}: 레벨마다 값 하나씩({m}개: {names}) 있어야 하는데 {text!r}이(가) 들어왔습니다",
    "knobs.pairs": "{field}: 레벨 {n}에는 w,h 쌍(짝수 개)이 필요한데 숫자 {k}개가 들어왔습니다: {text!r}",
    "knobs.fmap_hxw": "{field}: 레벨 {n}에는 4x4 같은 HxW가 필요한데 {text!r}이(가) 들어왔습니다",
    "knobs.fmap_int": "{field}: {text!r} (레벨 {n})은(는) 정수가 아닙니다",
    "knobs.fmap_positive": "{field}: 레벨 {n}의 크기는 0보다 커야 하는데 {text!r}이(가) 들어왔습니다",
    "knobs.scales_per_octave": "scales_per_octave: 1 이상의 정수여야 하는데 {text!r}이(가) 들어왔습니다",
    "knobs.unknown_conv": "convention: 알 수 없는 규약 {conv!r}",
    "knobs.no_preset": "preset: {conv}에는 {preset!r} 프리셋이 없습니다",
    "knobs.no_levels": "levels: 피라미드 레벨을 하나 이상 켜세요",
    "knobs.ssd_two_scales": "scales: mmdet SSD는 레벨마다 scale을 정확히 두 개(1과 √(max/min)) 씁니다. 레벨 {lv}에 "
                            "{n}개가 들어왔습니다",
    "knobs.ssd_no_ratio": "ratios: 레벨 {lv}에는 비율이 하나 이상 필요합니다",
    "knobs.rounded": " 소수 둘째 자리까지 반올림해 보여 주며, 설정은 모든 자릿수를 유지합니다. 반올림된 프리셋 값"
                     "(32·2^(1/3)의 40.32)은 프리셋의 정확한 값을 뜻합니다.",
}
