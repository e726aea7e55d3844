STRINGS = {
    "common.language": "언어",
    "common.image_and_boxes": "이미지와 박스",
    "common.anchor_setup": "앵커 설정",
}
