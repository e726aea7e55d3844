"""What each convention's knobs mean, in the library's words (the sidebar's caption under the convention)."""

STRINGS = {
    "conventions.help_torchvision": "AnchorGenerator(sizes, aspect_ratios). aspect_ratio = h/w; 셀 앵커는 round(±w/2), "
                                    "round(±h/2) (짝수 반올림)이며 각 셀의 왼쪽 위 모서리에 중심을 둡니다; stride = 패딩된 이미지 크기 // 특징 맵 크기.",
    "conventions.help_mmdet": "AnchorGenerator(strides, ratios, scales | octave_base_scale, base_sizes, "
                              "center_offset). ratio = h/w; w = base_size*scale/sqrt(ratio); 반올림 없음; 기준 중심은 "
                              "center_offset*base_size (stride가 아니라 기준 크기).",
    "conventions.help_mmdet_v1": "LegacyAnchorGenerator: 너비는 픽셀 개수 (x2 - x1 + 1); 중심 0.5*(base - 1); 모서리 ctr ∓ "
                                 "0.5*(w - 1), 반올림. ratio = h/w.",
    "conventions.help_mmdet_ssd": "SSDAnchorGenerator(scale_major=False): 레벨마다 기준 크기 (basesize_ratio_range에서), 스케일 "
                                  "(1, sqrt(max/min)), 비율 (1, 1/r, r); 앵커 중심은 stride/2.",
    "conventions.help_detectron2": "MODEL.ANCHOR_GENERATOR.SIZES / ASPECT_RATIOS / OFFSET. aspect ratio = h/w; 크기가 "
                                   "바깥 루프; 셀 중심은 (x + OFFSET)*stride; 설정 기본값 OFFSET은 0.0 (클래스 기본값은 0.5).",
    "conventions.help_keras_retinanet": "AnchorParameters(sizes, strides, ratios, scales). ratio = h/w; 변 = "
                                        "size*scale; 중심은 (x + 0.5)*stride; 특징 맵 크기 ceil(image / 2^level).",
    "conventions.help_d2l": "multibox_prior(data, sizes, ratios). sizes는 이미지 높이에 대한 비율, ratio = w/h (h/w가 아님!), "
                            "픽셀마다 n + m - 1개 앵커, 중심은 (x + 0.5)/W.",
    "conventions.help_yolov5": "anchors: 레벨마다 명시적인 (w, h) 픽셀 쌍 (모델 yaml). w와 h 모두 max(r, 1/r) < anchor_t이면 타깃이 앵커와 "
                               "매칭됩니다; 앵커 중심은 (x + 0.5)*stride.",
}
