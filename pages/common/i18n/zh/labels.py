STRINGS = {
    "labels.title": "锚框标签：正样本、负样本、忽略",
    "labels.intro": (
        "**你看到的：** 在所选分配器（assigner）下每个锚框的标签：正样本画成与其 GT 同色的矩形，负样本和忽略的锚框画成点。"
        "下方是按层级、按 GT 的数量统计，以及对每个**没有任何正样本锚框** 的 GT 的警告——检测器会悄悄把这些物体当成背景。"
        "**试一试：** 把 pos_iou 提到 0.7（RPN），看小物体失去正样本；关闭低质量匹配；"
        "换成 YOLOv5 形状匹配或 ATSS。"
    ),
    "labels.formulas": (
        "- Max IoU：每个锚框取与所有 GT 的最大 IoU；≥ pos_iou 为正样本，< neg_iou 为负样本"
        "（keras-retinanet 为 ≤），介于两者之间则忽略。\n"
        "- 低质量匹配（low-quality matching）：与某个 GT 的 IoU 最大的锚框即使低于 pos_iou 也成为正样本"
        "（torchvision/detectron2 保留锚框自己的最佳 GT；mmdet 分给该 GT，后面的 GT 覆盖前面的）。\n"
        "- YOLOv5：当 max(w/a_w, a_w/w, h/a_h, a_h/h) < anchor_t 时 GT 与锚框匹配，分配到中心格子及相邻的两个格子。\n"
        "- ATSS：每层取离 GT 中心最近的 top-k 个锚框，IoU ≥ 均值 + 标准差且中心在 GT 内则为正样本。"
    ),
    # controls
    "labels.assigner": "分配器 (assigner)",
    "labels.asg_maxiou": "Max IoU",
    "labels.asg_yolov5": "YOLOv5 形状匹配",
    "labels.asg_atss": "ATSS",
    "labels.assigner_help": "Max IoU：torchvision/mmdet/detectron2/keras-retinanet/d2l。YOLOv5：形状匹配"
                            "（build_targets）。ATSS：每个 GT 自适应的 IoU 阈值（mmdet ATSSAssigner）。",
    "labels.thr_preset": "阈值预设",
    "labels.custom": "自定义",
    "labels.lq": "低质量匹配",
    "labels.lq_help": "低质量匹配 (low-quality matching)。{conv}：{rule}。",
    "labels.lq_argmax": "并列拥有某个 GT 最大 IoU 的锚框都成为正样本，匹配到锚框自己的最佳 GT",
    "labels.lq_gt_all": "并列拥有某个 GT 最大 IoU（≥ min_pos_iou）的锚框都分给该 GT；后面的 GT 覆盖前面的",
    "labels.lq_greedy": "d2l 按 IoU 贪心地为每个 GT 强制分配一个锚框",
    "labels.lq_none": "这个库没有低质量匹配",
    "labels.pos": "pos_iou（最大 IoU ≥ 时为正样本）",
    "labels.pos_help": "torchvision high_threshold / mmdet pos_iou_thr。",
    "labels.neg": "neg_iou（最大 IoU {op} 时为负样本）",
    "labels.neg_help": "torchvision low_threshold / mmdet neg_iou_thr。介于两者之间：忽略。",
    "labels.anchor_t_help": "hyp.anchor_t：当 w 和 h 都满足 max(r, 1/r) < anchor_t 时，GT 与该锚框形状匹配。",
    "labels.topk_help": "ATSS 每个层级的候选：离 GT 中心最近的 topk 个锚框。",
    "labels.level": "层级",
    "labels.all_levels": "所有层级",
    "labels.shape": "形状",
    "labels.any_shape": "任意（按位置）",
    "labels.minibatch": "叠加采样的小批量 (minibatch)",
    "labels.show_minibatch": "显示小批量",
    "labels.batch_size_help": "每张图像的锚框数（RPN 256）。",
    "labels.seed": "随机种子 (seed)",
    "labels.seed_help": "torch.manual_seed 的值；同一个种子抽出的锚框与该库相同。",
    "labels.sampler": "采样器",
    "labels.sampler_help": "torchvision BalancedPositiveNegativeSampler、detectron2 subsample_labels、mmdet "
                           "RandomSampler。",
    "labels.no_sampling": "{conv} 训练这个检测头时不采样（每个有标签的锚框都计入损失）；叠加层显示的是采样器会选中的锚框。",
    # the figure
    "labels.desc_maxiou": "Max IoU {pos}/{neg}，低质量匹配{lq}（{conv}）",
    "labels.on": "开",
    "labels.off": "关",
    "labels.desc_yolov5": "YOLOv5 anchor_t {v}",
    "labels.desc_atss": "ATSS top-{k}",
    "labels.fig_title": "{desc}：{pos} 个正样本 · {ign} 个忽略 · {neg} 个负样本 · {n} 个 GT 中 {zero} 个没有正样本",
    "labels.fig_minibatch": " · 小批量 {p}+{n}",
    "labels.on_level": "（{lv}）",
    "labels.gt_positives": "GT {gt} 的正样本（{n}）",
    "labels.as_centres": "{name} · 中心点",
    "labels.neg_name": "负样本位置{where}（{n}）",
    "labels.ign_name": "忽略、无正样本{where}（{n}）",
    "labels.sampled_neg": "采样的负样本（{n}）",
    "labels.sampled_pos": "采样的正样本（{n}）",
    "labels.as_centres_note": "正样本{where}共 {n} 个：超过 {m} 个，所以只画中心点。",
    "labels.caption": "正样本画成与其 GT 同色的矩形；某个位置（点）只要有一个锚框被忽略且没有正样本就显示为橙色，全部为"
                      "负样本时显示为灰色（这些点是一张图像图层，没有悬停信息）。用 Box Select 模式拖动可添加 GT。",
    # GTs without positives
    "labels.zero_warning": "**{n} 个 GT 框中有 {zero} 个没有得到任何正样本锚框**——它们会被当作背景学习。各自的原因：",
    "labels.zero_line": "- **GT {gt}**（{cls}，{wh} px）：{why}",
    "labels.all_have": "全部 {n} 个 GT 框都至少有一个正样本锚框。",
    # tables
    "labels.per_level": "按层级",
    "labels.per_gt": "按 GT",
    "labels.col_level": "层级",
    "labels.col_class": "类别",
    "labels.col_size": "尺寸 (w×h)",
    "labels.col_best": "最大 IoU",
    "labels.col_cell": "格子 (y, x)",
    "labels.col_anchor": "锚框 w×h",
    "labels.col_positive": "正样本",
    "labels.col_ignored": "忽略",
    "labels.col_negative": "负样本",
    "labels.col_sampled_pos": "采样 +",
    "labels.col_sampled_neg": "采样 −",
    "labels.col_wh": "w×h（输入像素）",
    "labels.col_positives": "正样本数",
    "labels.col_pairs": "正样本对数",
    "labels.total": "合计",
    "labels.assignment": "在 {w}×{h} 的网络输入上，用 {conv} 的 IoU（{dtype}{plus}）和规则进行分配。",
    "labels.plus_one": "，宽度 +1 像素",
    # GTs positive only by the low-quality rule
    "labels.fig_lq": " · {k} 个仅靠低质量规则",
    "labels.lq_warning": "**{n} 个 GT 框中有 {k} 个仅靠低质量规则成为正样本**：没有锚框与它们的 IoU 达到 pos_iou "
                         "{pos}，规则仍把它们最好的锚框设为正样本，于是检测器用只是弱重叠的锚框来学习它们。各自的原因：",
    "labels.col_weak": "低质量 (IoU < {pos})",
    "labels.col_match": "匹配",
    "labels.match_none": "无正样本",
    "labels.match_lq": "仅低质量",
    "labels.match_thr": "IoU ≥ {pos}",
    "labels.match_rule": "按规则",
}
