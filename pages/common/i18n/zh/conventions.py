"""What each convention's knobs mean, in the library's words (the sidebar's caption under the convention)."""

STRINGS = {
    "conventions.help_torchvision": "AnchorGenerator(sizes, aspect_ratios)。aspect_ratio = h/w；单元锚框为 "
                                    "round(±w/2)、round(±h/2)（四舍六入五成双），中心在每个单元的左上角；stride = 填充后图像尺寸 // 特征图尺寸。",
    "conventions.help_mmdet": "AnchorGenerator(strides, ratios, scales | octave_base_scale, base_sizes, "
                              "center_offset)。ratio = h/w；w = base_size*scale/sqrt(ratio)；不取整；基准中心为 "
                              "center_offset*base_size（基准尺寸，而非 stride）。",
    "conventions.help_mmdet_v1": "LegacyAnchorGenerator：宽度按像素个数计（x2 - x1 + 1）；中心 0.5*(base - 1)；角点 ctr ∓ 0.5*(w - "
                                 "1)，取整。ratio = h/w。",
    "conventions.help_mmdet_ssd": "SSDAnchorGenerator(scale_major=False)：每个层级的基准尺寸（来自 basesize_ratio_range）、尺度 (1, "
                                  "sqrt(max/min)) 和比例 (1, 1/r, r)；锚框中心在 stride/2。",
    "conventions.help_detectron2": "MODEL.ANCHOR_GENERATOR.SIZES / ASPECT_RATIOS / OFFSET。aspect ratio = "
                                   "h/w；尺寸是外层循环；单元中心在 (x + OFFSET)*stride；配置默认 OFFSET 为 0.0（类的默认值为 0.5）。",
    "conventions.help_keras_retinanet": "AnchorParameters(sizes, strides, ratios, scales)。ratio = h/w；边长 = "
                                        "size*scale；中心在 (x + 0.5)*stride；特征图尺寸 ceil(image / 2^level)。",
    "conventions.help_d2l": "multibox_prior(data, sizes, ratios)。sizes 是图像高度的比例，ratio = w/h（不是 h/w！），每个像素 n + m - "
                            "1 个锚框，中心在 (x + 0.5)/W。",
    "conventions.help_yolov5": "anchors：每个层级显式的 (w, h) 像素对（模型 yaml）。当 w 和 h 都满足 max(r, 1/r) < anchor_t "
                               "时目标与锚框匹配；锚框中心在 (x + 0.5)*stride。",
}
