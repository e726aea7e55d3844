STRINGS = {
    # train-time resize
    "sidebar.resize": "학습 시 리사이즈",
    "sidebar.resize_help": "사진이 네트워크에 들어가는 방식입니다. 앵커, GT, 모든 IoU는 (리사이즈와 패딩을 거친) "
                           "네트워크 입력 위에 있습니다. P6/P7의 특징 맵 크기도 이것에 따라 달라집니다.",
    "sidebar.rs_none": "그대로 (size_divisor의 배수로 패딩)",
    "sidebar.rs_shorter_side": "짧은 변 → min_size, 긴 변 ≤ max_size (torchvision / mmdet)",
    "sidebar.rs_letterbox": "정사각형으로 레터박스 (YOLOv5)",
    "sidebar.rs_custom": "크기 직접 지정",
    "sidebar.min_size_help": "짧은 변의 목표 길이: torchvision GeneralizedRCNNTransform(min_size) / mmdet "
                             "Resize(scale=(1333, 800)).",
    "sidebar.max_size_help": "긴 변의 상한입니다.",
    "sidebar.img_size_help": "YOLOv5 letterbox(new_shape=img_size): 정사각형 안에 맞추고 회색(114)으로 패딩합니다.",
    "sidebar.height": "높이",
    "sidebar.width": "너비",
    "sidebar.keep_ratio_help": "왜곡 없이 안쪽에 맞춥니다. 끄면 늘려서 채웁니다.",
    "sidebar.size_divisor_help": "아래쪽/오른쪽을 이 값의 배수가 되도록 패딩합니다 (torchvision과 mmdet은 32).",
    "sidebar.resize_error": "학습 시 리사이즈: {e}",
    # anchor setup
    "sidebar.conv": "규약 (라이브러리)",
    "sidebar.conv_help": "어느 라이브러리의 계산을 쓸지 고릅니다. 셀 앵커, 중심, IoU, 할당을 그 라이브러리가 계산하는 "
                         "그대로 따릅니다.",
    "sidebar.preset": "프리셋",
    "sidebar.preset_help": "라이브러리가 제공하는 기본값입니다. {note}",
    "sidebar.levels": "레벨",
    "sidebar.levels_help": "피라미드 레벨을 켜고 끕니다. Pk의 스트라이드는 2^k입니다.",
    "sidebar.from_octave": "octave_base_scale에서 계산",
    "sidebar.example_scales": "예: 8",
    "sidebar.offset": "중심 offset",
    "sidebar.offset_help": "앵커 중심이 셀의 어디에 놓이는지: 0 = 셀의 왼쪽 위 모서리, 0.5 = 셀의 한가운데. {note}",
    "sidebar.offset_ssd": "mmdet SSD는 중심을 stride/2에 고정합니다 (`centers`).",
    "sidebar.offset_name": "라이브러리에서의 이름은 `{name}`입니다.",
    "sidebar.offset_none": "{conv}에는 이 옵션이 없어 항상 {off}을(를) 씁니다. 다른 값은 가정(what-if)입니다.",
    "sidebar.offset_what_if": "⚠ {conv}에는 중심 offset 옵션이 없습니다 (항상 {off}). 지금 값은 가정(what-if)입니다.",
    "sidebar.previous_setup": "위의 값을 고칠 때까지 마지막으로 유효했던 앵커 설정을 보여 줍니다.",
    # the picture
    "sidebar.upload_no_link": "업로드한 이미지는 링크에 담을 수 없습니다. 복사한 URL은 이 설정을 샘플 {sample!r}로 "
                              "엽니다. 같은 화면을 보려면 이미지를 다시 업로드하세요.",
    "sidebar.credit": "{name}: {credit}. 라이선스: {licence} 출처: {source}",
    # the link
    "sidebar.url_warnings": "링크의 일부 값을 쓸 수 없어 기본값으로 바꿨습니다: {items}",
    "sidebar.upload_link": "이 링크는 업로드한 이미지로 만들어졌는데, 업로드 이미지는 URL에 담을 수 없어 샘플 "
                           "{sample!r}로 열립니다. 같은 화면을 보려면 이미지를 다시 업로드하세요.",
    "sidebar.url_one_of": "다음 중 하나여야 합니다: {choices}",
    "sidebar.url_bool": "1 또는 0이어야 합니다",
    "sidebar.url_number": "숫자여야 합니다",
    "sidebar.url_int": "정수여야 합니다",
    "sidebar.url_finite": "유한한 숫자여야 합니다",
    "sidebar.url_range": "[{lo}, {hi}] 범위의 값이어야 합니다",
    "sidebar.url_preset": "`preset={preset}` ({conv}에서는 쓸 수 없음)",
    "sidebar.url_levels": "`lv={lv}` (레벨은 {choices} 중에서 골라야 함)",
    "sidebar.url_knobs": "링크의 앵커 설정값 ({e})",
    "sidebar.url_neg_pos": "`neg={neg}`가 `pos={pos}`보다 큽니다",
    "sidebar.url_rs_min": "`rs_min`이 `rs_max`보다 큽니다",
}
