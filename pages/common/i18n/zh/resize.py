"""The train-time resize in words (pages/common/resize_text.py); sizes are written w×h."""

STRINGS = {
    "resize.mode_none": "不缩放",
    "resize.mode_shorter_side": "按短边",
    "resize.mode_letterbox": "letterbox",
    "resize.mode_custom": "自定义",
    "resize.head": "{mode}：{photo} 照片",
    "resize.scale_xy": "宽 {sx}，高 {sy}",
    "resize.scaled": " {scale} → {resized}",
    "resize.no_padding": "；网络输入 {input}（w×h），无填充",
    "resize.letterbox": "，居中放入 {input}，灰边 左 {left}、右 {right}、上 {top}、下 {bottom}；网络输入 {input}（w×h）",
    "resize.padded": "，右侧/下方填充到 {input}（{div} 的倍数）；网络输入 {input}（w×h）",
}
