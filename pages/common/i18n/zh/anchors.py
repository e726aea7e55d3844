STRINGS = {
    "anchors.title": "网络输入上的锚框",
    "anchors.intro": (
        "**你看到的：** 经过训练时缩放后送入网络的图像、它的 GT 框，以及所选层级的锚框中心点。"
        "点击一个中心点，会画出该格子的全部锚框；选择一种形状（shape），会在整层画出这种形状的锚框。"
        "**试一试：** 在侧边栏修改 size、ratio 或步长，观察网格和数量的变化；切换 convention，"
        "同一套设置会移动半个步长。"
    ),
    "anchors.formulas": (
        "- 每个层级有一个步长 *s*：输入每 *s* × *s* 个像素对应一个格子，特征图大小为 ⌈H/s⌉ × ⌈W/s⌉。\n"
        "- 尺寸为 *S*、比例为 *r*（h/w；d2l 中为 w/h）的锚框：*w = S/√r*，*h = S·√r*，面积都是 *S²*。\n"
        "- 中心为 *(x + offset)·s*：offset 为 0 时在格子左上角（torchvision、mmdet、detectron2 配置），"
        "为 0.5 时在格子中心（keras-retinanet、YOLOv5、d2l）。\n"
        "- 每层锚框数 = 格子数 × size 数 × ratio 数（d2l：格子数 × (n + m − 1)）。"
    ),
    "anchors.base_title": "各层级的基础锚框（base anchor）",
    "anchors.offset_title": "中心偏移：格子角（0）还是格子中心（0.5）",
    # controls
    "anchors.show": "绘制中心点的层级",
    "anchors.show_all": "所有层级",
    "anchors.show_picked": "所选格子的层级",
    "anchors.show_help": "每个锚框位置一个标记。点击中心点即可选中它的格子。",
    "anchors.cell_level": "所选格子：层级",
    "anchors.row": "行 (y)",
    "anchors.row_help": "{lv} 有 {n} 行格子",
    "anchors.col": "列 (x)",
    "anchors.col_help": "{lv} 有 {n} 列格子",
    "anchors.shape": "在整个 {lv} 上画出某一形状的全部锚框",
    "anchors.shape_none": "不画",
    "anchors.shape_opt": "形状 {k}：{wh}",
    # the figure
    "anchors.shape_note": "形状 {k} 在 {lv} 上有 {n} 个锚框：离所选格子最近的 {m} 个画成矩形，其余只画中心点。",
    "anchors.levels_one": "1 个层级",
    "anchors.levels_many": "{n} 个层级",
    "anchors.fig_title": "{total} 个锚框，{levels}（{names}）· 输入 {w}×{h} · 格子 {lv} ({y}, {x})，中心 ({cx}, {cy})："
                         "{n} 个锚框",
    "anchors.fig_shape": " · 形状 {k} {wh}：{n} 个",
    "anchors.centre_note": "{lv} 有 {n} 个位置：只画离所选格子最近的 {m} 个。选择其他格子可以移动这个窗口。",
    "anchors.centres_name": "{lv} 中心点（{w}×{h}）",
    "anchors.cell": "格子",
    "anchors.shape_name": "形状 {k} {wh}（{n} 个）",
    "anchors.cell_anchor": "格子锚框 {k}：{wh}",
    "anchors.picked_cell": "所选格子 {lv} ({y}, {x})",
    "anchors.clickable_name": "{lv}：最近的 {n} 个，可点击",
    "anchors.click_caption": "点击带圆环的中心点（每个已绘制层级中离所选格子最近的 {n} 个）即可选中它的格子；其他格子可用"
                             "上方的行、列输入框选择。要添加 GT 框，在图表工具栏中选择 **Box Select**，然后在物体上"
                             "拖动（框会以照片像素添加到下方表格）。滚动鼠标可缩放。",
    # counts
    "anchors.per_level": "各层级的锚框数",
    "anchors.col_level": "层级",
    "anchors.col_stride": "步长",
    "anchors.col_stride_hw": "步长 (h×w)",
    "anchors.col_fmap": "特征图",
    "anchors.col_per_location": "每个位置的锚框",
    "anchors.col_anchors": "锚框数",
    "anchors.total": "合计",
    "anchors.down": "纵向",
    "anchors.across": "横向",
    "anchors.odd_level": "{lv}：{parts}（不是 {want}）",
    "anchors.odd_strides": "torchvision 用 输入 // 特征图 从尺寸推算每个步长：{items}。这些层级的中心会向左上方偏移。",
    # base anchors
    "anchors.base_panel": "{lv} · 步长 {s}",
    "anchors.col_shape": "形状",
    "anchors.base_caption": "每个层级一个位置上的全部锚框，以同一点为中心叠在一起，标注为像素单位的 宽×高；虚线正方形是"
                            "一个格子（步长 × 步长）。{conv}：{knobs} 例子："
                            "16×16 的正方形（keras-retinanet 写作 size 32 × scale 0.5）在宽高比 2（h/w）时 w·h = 256 且 "
                            "h = 2w，得到 11.31×22.62。",
    "anchors.base_table": "基础锚框表",
    # centre offset
    "anchors.offset_panel": "偏移 {o}：第一个中心在 ({x}, {y})",
    "anchors.cmp_level": "要比较的层级",
    "anchors.cmp_help": "用两种偏移画出这个层级的左上角。",
    "anchors.offset_fig": "{lv}，步长 {s}：同一批格子分别用偏移 0 和 0.5（{conv} 使用 {cur}）",
    "anchors.offset_text": """
偏移为 0 时，锚框中心位于格子的左上**角**：第一个中心落在图像角上，整个中心网格向左上方偏移半个步长：
在这个 {w}×{h} 输入的 {lv} 上，第一个和最后一个中心分别距左、右边缘 {l0} px 和 {r0} px。
偏移为 0.5 时，中心位于格子正中：{l5} px 和 {r5} px。
各个库的做法：

* **torchvision** 始终使用格子角（没有选项）。[pytorch/vision#1765](https://github.com/pytorch/vision/issues/1765)
  指出：在 512×512 的图像上，左上角的锚框 `[-16, -16, 16, 16]` 伸出图像 16 px，而右下角的只伸出 8 px，
  并且这种不对称随步长增大（P7）。
* **detectron2** 在 [facebookresearch/detectron2#378](https://github.com/facebookresearch/detectron2/issues/378)
  报告网格锚框偏向格子左上方之后，加入了 `MODEL.ANCHOR_GENERATOR.OFFSET`；配置默认值仍为 0.0（注释推荐 0.5，
  但并不认为它会改变精度）。
* **keras-retinanet** 把中心放在 `(x + 0.5)·stride`；[fizyr/keras-retinanet#1073](https://github.com/fizyr/keras-retinanet/issues/1073)
  推算出正确的平移取决于图像和特征图的尺寸（`(image − (features − 1)·stride) / 2`），当图像不是步长的整数倍时
  就不等于半个步长——P6/P7 的特征图尺寸是向上取整的（800×800 输入时为 13×13 和 7×7）。
* **mmdetection** 3.x 使用 `center_offset=0`（乘的是 base size，不是步长）；v1 的旧版生成器使用 0.5。

回归头会学会抵消一个固定的平移，所以两种选择都能训练；改变的是：靠近右边和下边的物体由哪些锚框达到正样本 IoU，
以及模型权重是否与训练时所用的锚框一致。
""",
}
