STRINGS = {
    "coding.title": "编码 / 解码：从锚框到框",
    "coding.intro": (
        "**你看到的：** 一个锚框（青色虚线）和一个 GT 框。检测器并不直接预测框，而是预测四个数——**delta** "
        "tx, ty, tw, th——用来平移和缩放锚框。左侧用库自己的公式和实际数字展示如何把 GT **编码（encode）**"
        "成 head 要学习输出的目标。滑块就是 head 的输出，会实时**解码（decode）**成黄色的框。\n\n"
        "**试一试：** 拖动 dx，框会按锚框宽度的比例平移；把 dw 推得很大，就能看到截断（clamp，框最多能放大多少）"
        "生效。切换编码器：RoI 预设会把目标乘以权重 10, 10, 5, 5（或除以 std 0.1, 0.1, 0.2, 0.2），让各分量范围相近。"
    ),
    "coding.formulas": (
        "- 框的中心和尺寸：cx = x1 + w/2，cy = y1 + h/2，w = x2 − x1，h = y2 − y1。\n"
        "- **编码**（GT g 相对锚框 a）：tx = (g_cx − a_cx) / a_w，ty = (g_cy − a_cy) / a_h——以锚框尺寸为"
        "单位的平移；tw = log(g_w / a_w)，th = log(g_h / a_h)——对数尺度上的缩放。\n"
        "- torchvision / detectron2 会再乘以**权重**（wx, wy, ww, wh）；mmdet 减去 **means** 再除以 **stds**；"
        "keras-retinanet 则编码四个**角点**：(g_x1 − a_x1) / a_w … 再除以 0.2；d2l 使用权重 10, 10, 5, 5 和 "
        "log(1e-6 + g_w / a_w)。\n"
        "- **解码**是逆运算：cx = tx·a_w + a_cx，w = a_w·exp(tw)，再求角点。\n"
        "- **截断：** 在 exp 之前把 tw、th 限制在 log(1000/16) ≈ 4.135，框最多放大 62.5 倍。torchvision 和 "
        "detectron2 只截断上限；mmdet 两侧都截断；keras-retinanet 和 d2l 不截断。"
    ),
    "coding.anchor_mode": "锚框",
    "coding.mode_best": "该 GT 最好的正样本锚框",
    "coding.mode_grid": "选择层级、单元、形状",
    "coding.mode_custom": "手动输入锚框和 GT",
    "coding.anchor_box": "锚框 x1, y1, x2, y2",
    "coding.gt_box": "GT x1, y1, x2, y2",
    "coding.box_help": "网络输入像素下的四个数，x2 > x1，y2 > y1。",
    "coding.bad_box": "{what}：需要四个数 x1, y1, x2, y2，且 x2 > x1、y2 > y1，收到的是 {text!r}",
    "coding.custom_gt": "输入的 GT",
    "coding.gt": "GT 框",
    "coding.level": "层级",
    "coding.row": "行 (y)",
    "coding.col": "列 (x)",
    "coding.shape": "形状",
    "coding.best_positive": "它是匹配到该 GT 的 {n} 个正样本锚框中最好的一个（IoU {iou}）。",
    "coding.best_not_positive": "该 GT 没有正样本锚框；这是与它 IoU 最大的锚框（{iou}）。",
    "coding.anchor_is": "锚框：{lv}，单元（第 {y} 行，第 {x} 列），形状 {k}（{wh}）。",
    "coding.encode_head": "编码：{gt} 的回归目标",
    "coding.targets": "目标 (tx, ty, tw, th) = ({v})",
    "coding.deltas_head": "解码：拖动 delta",
    "coding.deltas_help": "滑块范围 ±{lim}；数字框可输入到 ±{big}（极端值会显示截断）。初始值是真实目标，所以解码出的"
                          "框一开始与 GT 重合。",
    "coding.exact": "{n} 精确值",
    "coding.reset": "恢复为真实目标",
    "coding.reset_help": "把四个 delta 重新设为编码得到的目标。",
    "coding.fig_title": "delta ({d}) → 框 ({box})<br>与 GT 的 IoU {iou}",
    "coding.anchor": "锚框",
    "coding.gt_name": "GT",
    "coding.decoded": "解码出的框",
    "coding.decode_head": "解码，逐步计算",
    "coding.clamped": "截断生效：{name} = {before} 被限制为 {after}。",
    "coding.clamp_note": "该编码器的截断方式：{side}。各库在这里不同：torchvision 和 detectron2 只限制放大（很负的 dw "
                         "仍会缩小框），mmdet 也限制缩小，keras-retinanet 和 d2l 完全不截断。",
    "coding.clamp_rule": "该编码器的截断：{side}；c = {c}。把 dw 或 dh 推过这个值就能看到截断生效。",
    "coding.not_finite": "这些 delta 解码出的框不是有限值（该编码器没有截断）。请使用更小的 delta。",
    "coding.round_trip_head": "往返：先编码，再解码",
    "coding.round_trip": "把编码得到的目标再解码，误差在 {err} 像素以内回到 GT（编码器以 {dtype} 计算）。",
}
