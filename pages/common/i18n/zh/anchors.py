STRINGS = {
    "common.image_and_boxes": "图像与标注框",
    "common.anchor_setup": "Anchor 设置",
    "anchors.title": "网络输入上的 anchor",
    "anchors.intro": (
        "**你看到的：** 经过训练时缩放后送入网络的图像、它的 GT 框，以及所选层级的 anchor 中心点。"
        "点击一个中心点，会画出该格子的全部 anchor；选择一种形状（shape），会在整层画出这种形状的 anchor。"
        "**试一试：** 在侧栏修改 size、ratio 或 stride，观察网格和数量的变化；切换 convention，"
        "同一套设置会移动半个 stride。"
    ),
    "anchors.formulas": (
        "- 每个层级有一个 stride *s*：输入每 *s* × *s* 个像素对应一个格子，特征图大小为 ⌈H/s⌉ × ⌈W/s⌉。\n"
        "- 尺寸为 *S*、比例为 *r*（h/w；d2l 中为 w/h）的 anchor：*w = S/√r*，*h = S·√r*，面积都是 *S²*。\n"
        "- 中心为 *(x + offset)·s*：offset 为 0 时在格子左上角（torchvision、mmdet、detectron2 配置），"
        "为 0.5 时在格子中心（keras-retinanet、YOLOv5、d2l）。\n"
        "- 每层 anchor 数 = 格子数 × size 数 × ratio 数（d2l：格子数 × (n + m − 1)）。"
    ),
    "anchors.base_title": "各层级的基础 anchor（base anchor）",
    "anchors.offset_title": "中心偏移：格子角（0）还是格子中心（0.5）",
    "labels.title": "Anchor 标签：正样本、负样本、忽略",
    "labels.intro": (
        "**你看到的：** 在所选分配器（assigner）下每个 anchor 的标签：正样本画成与其 GT 同色的矩形，负样本和忽略的 anchor 画成点。"
        "下方是按层级、按 GT 的数量统计，以及对每个**没有任何正样本 anchor** 的 GT 的警告——检测器会悄悄把这些物体当成背景。"
        "**试一试：** 把 pos_iou 提到 0.7（RPN），看小物体失去正样本；关闭 low-quality matching；"
        "换成 YOLOv5 形状匹配或 ATSS。"
    ),
    "labels.formulas": (
        "- Max IoU：每个 anchor 取与所有 GT 的最大 IoU；≥ pos_iou 为正样本，< neg_iou 为负样本"
        "（keras-retinanet 为 ≤），介于两者之间则忽略。\n"
        "- Low-quality matching：与某个 GT 的 IoU 最大的 anchor 即使低于 pos_iou 也成为正样本"
        "（torchvision/detectron2 保留 anchor 自己的最佳 GT；mmdet 分给该 GT，后面的 GT 覆盖前面的）。\n"
        "- YOLOv5：当 max(w/a_w, a_w/w, h/a_h, a_h/h) < anchor_t 时 GT 与 anchor 匹配，分配到中心格子及相邻的两个格子。\n"
        "- ATSS：每层取离 GT 中心最近的 top-k 个 anchor，IoU ≥ 均值 + 标准差且中心在 GT 内则为正样本。"
    ),
}
