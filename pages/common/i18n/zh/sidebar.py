STRINGS = {
    # train-time resize
    "sidebar.resize": "训练时缩放",
    "sidebar.resize_help": "照片如何送入网络。锚框、GT 和所有 IoU 都在（缩放并填充后的）网络输入上计算；P6/P7 的"
                           "特征图尺寸也取决于它。",
    "sidebar.rs_none": "保持原样（填充到 size_divisor 的倍数）",
    "sidebar.rs_shorter_side": "短边 → min_size，长边 ≤ max_size（torchvision / mmdet）",
    "sidebar.rs_letterbox": "letterbox 到正方形（YOLOv5）",
    "sidebar.rs_custom": "自定义尺寸",
    "sidebar.min_size_help": "短边的目标长度：torchvision GeneralizedRCNNTransform(min_size) / mmdet "
                             "Resize(scale=(1333, 800))。",
    "sidebar.max_size_help": "长边的上限。",
    "sidebar.img_size_help": "YOLOv5 letterbox(new_shape=img_size)：缩放到正方形内，用灰色 114 填充。",
    "sidebar.height": "高",
    "sidebar.width": "宽",
    "sidebar.keep_ratio_help": "保持比例缩放到框内、不变形；关闭则拉伸填满。",
    "sidebar.size_divisor_help": "在下方/右方填充到该值的倍数（torchvision 和 mmdet 为 32）。",
    "sidebar.resize_error": "训练时缩放：{e}",
    # anchor setup
    "sidebar.conv": "约定（库）",
    "sidebar.conv_help": "采用哪个库的计算方式：格子锚框、中心、IoU 和分配都与该库的计算完全一致。",
    "sidebar.preset": "预设",
    "sidebar.preset_help": "库自带的默认值。{note}",
    "sidebar.levels": "层级",
    "sidebar.levels_help": "打开或关闭金字塔层级。Pk 的步长为 2^k。",
    "sidebar.from_octave": "由 octave_base_scale 计算",
    "sidebar.example_scales": "例如 8",
    "sidebar.offset": "中心偏移",
    "sidebar.offset_help": "锚框中心位于格子中的位置：0 = 格子左上角，0.5 = 格子正中。{note}",
    "sidebar.offset_ssd": "mmdet SSD 把中心固定在 stride/2（`centers`）。",
    "sidebar.offset_name": "该库中的参数名是 `{name}`。",
    "sidebar.offset_none": "{conv} 没有这个选项：始终使用 {off}。其他值只是假设演示。",
    "sidebar.offset_what_if": "⚠ {conv} 没有中心偏移选项（始终为 {off}）；当前值只是假设演示。",
    "sidebar.previous_setup": "在修正上面的值之前，显示上一次有效的锚框设置。",
    # the picture
    "sidebar.upload_no_link": "上传的图像无法放进链接：复制的 URL 会用示例图 {sample!r} 打开这套设置。要复现当前视图，"
                              "请重新上传图像。",
    "sidebar.credit": "{name}：{credit}。许可：{licence} 来源：{source}",
    # the link
    "sidebar.url_warnings": "链接中的部分值无法使用，已替换为默认值：{items}",
    "sidebar.upload_link": "这个链接是用上传的图像生成的，而上传的图像无法放进 URL：它会用示例图 {sample!r} 打开。"
                           "要复现当前视图，请重新上传图像。",
    "sidebar.url_one_of": "应为以下之一：{choices}",
    "sidebar.url_bool": "应为 1 或 0",
    "sidebar.url_number": "应为数字",
    "sidebar.url_int": "应为整数",
    "sidebar.url_finite": "应为有限的数字",
    "sidebar.url_range": "应在 [{lo}, {hi}] 范围内",
    "sidebar.url_preset": "`preset={preset}`（{conv} 中没有）",
    "sidebar.url_levels": "`lv={lv}`（层级应从 {choices} 中选择）",
    "sidebar.url_knobs": "链接中的锚框参数（{e}）",
    "sidebar.url_neg_pos": "`neg={neg}` 大于 `pos={pos}`",
    "sidebar.url_rs_min": "`rs_min` 大于 `rs_max`",
}
