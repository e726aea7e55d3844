STRINGS = {
    "pred.title": "预测：解码、分数阈值、NMS",
    "pred.intro": (
        "**你看到的：** head 输出之后检测器要做的事。每个锚框得到四个 delta 和一个分数。delta 被**解码**成框，"
        "分数低的框被丢弃（**分数阈值**），**NMS**（非极大值抑制）在高度重叠的框中只保留最好的一个。细的白框是通过"
        "分数阈值的框；粗的彩色框是 NMS 之后留下的框，颜色与它最匹配的 GT 相同。\n\n"
        "**试一试：** 调大 σ（head 的噪声），框会散开；调低 NMS 的 IoU 阈值，重复框会合并成每个物体一个框；把它调到"
        "接近 1，重复框又会回来。也可以把你自己的 head 输出以 JSON 上传。"
    ),
    "pred.formulas": (
        "- **模拟 head：** 对每个正样本锚框，delta = 真实目标（其 GT 的编码）+ 标准差为 σ 的高斯噪声，分数 ≈ 0.9；"
        "其他锚框得到较小的随机分数。固定随机种子，同一个 seed 得到同一个 head。\n"
        "- **解码：** 框 = decode(锚框, delta)，使用所选编码器（见“编码 / 解码”页面）。\n"
        "- **分数阈值：** 保留分数 ≥ 阈值的框。\n"
        "- **NMS：** 按分数排序；取最好的框，删除与它 IoU 大于 NMS 阈值的其余框，重复。按类别 NMS 对每个类别分别做，"
        "所以人不会抑制狗。\n"
        "- **与 GT 的 IoU：** 每个最终框与所有 GT 框的最大 IoU（通常 ≥ 0.5 算找到）。"
    ),
    "pred.source": "head 输出",
    "pred.src_sim": "模拟训练好的 head",
    "pred.src_upload": "上传预测（JSON）",
    "pred.sigma": "σ（delta 的噪声）",
    "pred.sigma_help": "加到正样本锚框真实目标上的高斯噪声的标准差。0 = 完美的 head。",
    "pred.seed": "随机种子",
    "pred.score": "分数阈值",
    "pred.score_help": "分数更低的框在 NMS 之前被丢弃（torchvision RetinaNet：0.05）。",
    "pred.nms": "NMS IoU 阈值",
    "pred.nms_help": "与分数更高的框的 IoU 大于该值时，框被删除（torchvision：0.5）。",
    "pred.class_aware": "按类别 NMS",
    "pred.class_aware_help": "每个类别分别做 NMS（不同类别的框互不抑制）。只有预测中包含多个类别时才可用。",
    "pred.upload": "预测 JSON",
    "pred.upload_help": "文件中的任何内容都不会被执行，只按 JSON 解析。",
    "pred.upload_formats": "支持的格式：每个锚框一行的 {{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […]}}"
                           "（按本设置的顺序，共 {n} 个锚框）；只给部分锚框时加上 \"anchor_index\": […]；"
                           "或网络输入像素下的 {{\"boxes\": [[x1, y1, x2, y2], …], \"scores\": […]}}。\"classes\" "
                           "可选。下方模拟 head 的下载文件就是一个示例。",
    "pred.keeping_last": "仍显示上一次有效的预测（{name}）。",
    "pred.upload_stale": "上一次有效的预测对应 {n} 个锚框，而当前设置有 {m} 个：请上传与当前设置对应的预测。",
    "pred.upload_first": "上传预测文件即可查看解码结果（或切换到模拟 head）。",
    "pred.desc_sim": "模拟 head σ={sigma}，seed {seed}",
    "pred.desc_upload": "{name}",
    "pred.no_coder": "这些预测是 delta，需要边框编码器才能解码。",
    "pred.n_before": "阈值之前",
    "pred.n_after_thr": "分数 ≥ {thr} 之后",
    "pred.n_after_nms": "NMS 之后（IoU {thr}）",
    "pred.gt_found": "找到的 GT（IoU ≥ 0.5）",
    "pred.hover": "分数 {score} · 类别 {cls}<br>最匹配的 GT {gt}，IoU {iou}<br>来自锚框 {a}",
    "pred.fig_title": "{desc}：{n0:,} 个预测 → 分数 ≥ {thr} 的 {n1:,} 个 → NMS 后 {n2:,} 个（IoU {nms}）",
    "pred.cand_name": "通过分数阈值（{n}）",
    "pred.final_name": "NMS 之后（{n}）",
    "pred.caption": "细白线：通过分数阈值的框（大多被 NMS 删除）。粗线：最终的框，颜色为重叠最多的 GT 的颜色（没有则为白色）。",
    "pred.over_budget": "{n} 个框通过了阈值；按锚框顺序只画前 {m} 个。",
    "pred.table_head": "最终的框及其与 GT 的 IoU",
    "pred.col_score": "分数",
    "pred.col_class": "类别",
    "pred.col_gt": "最匹配的 GT",
    "pred.col_iou": "IoU",
    "pred.col_anchor": "锚框",
    "pred.none_left": "没有剩下的框：请降低分数阈值。",
    "pred.download": "把这个 head 下载为 predictions.json（分数最高的 500 个）",
    "pred.download_help": "上传格式的示例（带 anchor_index 的稀疏格式）。",
}
