STRINGS = {
    "common.language": "语言",
    "common.image_and_boxes": "图像与标注框",
    "common.anchor_setup": "锚框设置",
}
