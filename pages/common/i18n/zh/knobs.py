STRINGS = {
    # what each knob means, in the library's words (the labels are the libraries' own names and stay)
    "knobs.groups": " 每个层级一组逗号分隔的数，层级之间用 ';' 分隔。只写一组时用于所有层级。",
    "knobs.torchvision_sizes": "AnchorGenerator(sizes=...)：锚框边长，单位为网络输入像素（面积 = size²）。",
    "knobs.torchvision_aspect_ratios": "AnchorGenerator(aspect_ratios=...)：宽高比 = h/w（h = size·√r，w = size/√r）；"
                                       "半边长按四舍六入五成双（half-to-even）取整。",
    "knobs.detectron2_sizes": "MODEL.ANCHOR_GENERATOR.SIZES：锚框边长，单位为像素（面积 = size²）；size 是外层循环。",
    "knobs.detectron2_aspect_ratios": "MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS：宽高比 = h/w（w = √(size²/r)，h = r·w）。",
    "knobs.mmdet_strides": "AnchorGenerator(strides=...)：格子之间的像素间距（步长），每个层级一个。",
    "knobs.mmdet_base_sizes": "AnchorGenerator(base_sizes=...)：scales 所乘的基准边长，每个层级一个。留空 = 等于 "
                              "strides。",
    "knobs.mmdet_octave_base_scale": "设置后 scales = octave_base_scale · 2^(i/scales_per_octave)，i = "
                                     "0..scales_per_octave-1（RetinaNet：4 和 3）。留空 = 使用 `scales`。",
    "knobs.mmdet_scales_per_octave": "与 octave_base_scale 一起使用。",
    "knobs.mmdet_scales": "AnchorGenerator(scales=...)：base_size 的倍数，所有层级共用（设置了 octave_base_scale 时"
                          "忽略）。锚框边长 = base_size · scale。",
    "knobs.mmdet_ratios": "AnchorGenerator(ratios=...)：宽高比 = h/w（w = base·scale/√r，h = base·scale·√r），所有层级"
                          "共用。",
    "knobs.ssd_strides": "SSDAnchorGenerator(strides=...)：每个层级一个；中心位于 stride/2。",
    "knobs.ssd_base_sizes": "由 basesize_ratio_range 得到的各层级最小尺寸（SSD300 COCO：21, 45, 99, 153, 207, 261）。",
    "knobs.ssd_scales": "每个层级：1 和 √(max_size/min_size)。",
    "knobs.ssd_ratios": "每个层级：1，然后对该层级的每个比例 r 取 1/r 和 r；宽高比 = h/w。",
    "knobs.keras_sizes": "AnchorParameters(sizes=...)：每个层级的基准边长（32..512）。",
    "knobs.keras_strides": "AnchorParameters(strides=...)：每个层级一个（8..128）。",
    "knobs.keras_ratios": "AnchorParameters(ratios=...)：宽高比 = h/w（w = √(side²/r)，h = w·r）。",
    "knobs.keras_scales": "AnchorParameters(scales=...)：边长 = size · scale（2^0, 2^(1/3), 2^(2/3)）。",
    "knobs.d2l_sizes": "multibox_prior(sizes=...)：占图像高度的比例，取值 (0, 1]。",
    "knobs.d2l_ratios": "multibox_prior(ratios=...)：这里比例 = w/h，不是 h/w。每个位置的锚框数 = #sizes + #ratios - 1。",
    "knobs.d2l_fmap": "display_anchors(fmap_w, fmap_h)：各层级的特征图尺寸，写成 HxW，层级之间用 ';' 分隔。留空 = 每个"
                      "像素一个位置（直接在图像上做 multibox_prior）。",
    "knobs.yolov5_anchors": "模型 yaml 的 `anchors:`：每个层级的 w,h 像素对（P3/8：10,13, 16,30, 33,23），层级之间用 "
                            "';' 分隔。",
    # what is wrong with a typed value (each starts with the knob's own name)
    "knobs.where_level": "（层级 {n}）",
    "knobs.not_a_level": "levels：{name!r} 不是 {preset} 预设的层级",
    "knobs.not_a_number": "{field}：{text!r}{where} 不是数字",
    "knobs.not_positive": "{field}：每个值都必须是大于 0 的数字，但得到 {text!r}{where}",
    "knobs.no_number": "{field}：至少需要一个数字{where}，但得到 {text!r}",
    "knobs.group_count": "{field}：{m} 个层级（{names}）却有 {n} 组；请每个层级给一组，用 ';' 分隔（输入：{text!r}）",
    "knobs.per_level": "{field}：每个层级需要一个值（{m} 个：{names}），但得到 {text!r}",
    "knobs.pairs": "{field}：层级 {n} 需要 w,h 成对的数（偶数个），但得到 {k} 个数：{text!r}",
    "knobs.fmap_hxw": "{field}：层级 {n} 需要 4x4 这样的 HxW，但得到 {text!r}",
    "knobs.fmap_int": "{field}：{text!r}（层级 {n}）不是整数",
    "knobs.fmap_positive": "{field}：层级 {n} 的尺寸必须大于 0，但得到 {text!r}",
    "knobs.scales_per_octave": "scales_per_octave：应为 >= 1 的整数，但得到 {text!r}",
    "knobs.unknown_conv": "convention：未知的约定 {conv!r}",
    "knobs.no_preset": "preset：{conv} 没有 {preset!r} 预设",
    "knobs.no_levels": "levels：请至少打开一个金字塔层级",
    "knobs.ssd_two_scales": "scales：mmdet SSD 每个层级恰好使用两个 scale（1 和 √(max/min)），层级 {lv} 得到 {n} 个",
    "knobs.ssd_no_ratio": "ratios：层级 {lv} 至少需要一个比例",
    "knobs.rounded": " 显示时四舍五入到两位小数；设置保留全部位数，四舍五入后的预设值（32·2^(1/3) 显示为 40.32）"
                     "代表预设的精确值。",
}
