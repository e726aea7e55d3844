STRINGS = {
    "iou.title": "IoU 热力图：锚框为什么得到这个标签",
    "iou.intro": (
        "**你看到的：** 对某一个金字塔层级和某一种锚框形状，每个网格单元按其锚框与 ground truth 的 IoU "
        "着色——可以是对所有 GT 的最大值，也可以是与你选定的某个 GT 的 IoU（在下方选择，或点击 GT 中心的圆环）。"
        "蓝色单元是**负样本**，橙色单元落在**忽略**区间，绿色单元成为**正样本**。鼠标悬停可看到行列、锚框尺寸、"
        "IoU 和标签。\n\n"
        "**试一试：** 选一个小的 GT，逐层切换：只有细的层级（P3）才有足够小的锚框。在 Labels 页面调整阈值，"
        "看色带如何移动。下方的总览显示某个 GT 由哪个层级和形状“负责”——以及没有任何一个负责的情况。"
    ),
    "iou.formulas": (
        "- 锚框 A 与 GT 框 G 的 **IoU**（交并比）= A ∩ G 的面积 ÷ A ∪ G 的面积。两框重合时为 1，不相交时为 0。\n"
        "- 单元的颜色是以该单元为中心、所选形状的锚框的 IoU。\n"
        "- **最大 IoU 分配：** 锚框对所有 GT 的最大 IoU ≥ 正样本阈值时为正样本；低于负样本阈值时为负样本；"
        "介于两者之间则忽略（不计损失）。\n"
        "- **低质量匹配**（torchvision、detectron2、mmdet）还会把每个 GT 的最佳锚框设为正样本，即使低于阈值——"
        "这就是为什么没有单元达到阈值的 GT 仍然能得到一个正样本。\n"
        "- 单元网格按步长排列：单元 (i, j) 的中心在 (j·stride + offset, i·stride + offset)。"
    ),
    "iou.values": "IoU 取值",
    "iou.values_help": "每个锚框对所有 GT 的最大 IoU（最大 IoU 分配拿来和阈值比较的值），或与某一个 GT 的 IoU。"
                       "点击 GT 中心的圆环也可以选中它。",
    "iou.max_over_gts": "所有 GT 框中的最大值",
    "iou.with_gt": "与 GT {gt}",
    "iou.level": "层级",
    "iou.shape": "锚框形状 (w×h)",
    "iou.thresholds_from_labels": "阈值来自 Labels 页面：IoU ≥ {pos} 为正样本，低于 {neg} 为负样本，中间忽略。",
    "iou.thresholds_other": "Labels 页面使用 {asg}，它没有 IoU 阈值；颜色按常用的 0.5 / 0.4（{pos} / {neg}）作参考。",
    "iou.positive_other": "正样本（其他 GT）",
    "iou.hover_cell": "单元（行，列）：",
    "iou.hover_anchor": "锚框 w×h：",
    "iou.fig_title": "{lv} 形状 {k}（{wh}），IoU {what}：{n:,} 个单元 · {n_pos:,} 个 ≥ {pos} · {n_ign:,} 个在忽略区间 "
                     "· 最大 {best}",
    "iou.tick_neg": "负 {v}",
    "iou.tick_pos": "正 {v}",
    "iou.click_gt": "GT 中心（点击选择）",
    "iou.best_here": "该层级和形状中最好的锚框",
    "iou.caption": "每个着色方块是该层级的一个网格单元，放在该单元锚框的中心处；颜色是所选形状锚框在此处的 "
                   "IoU。透明表示 IoU 为 0。",
    "iou.overview": "哪个层级和形状负责这个物体？",
    "iou.overview_first_gt": "显示的是 GT 0；在上方选择其他 GT。",
    "iou.no_gt": "没有 GT 框：请在侧边栏或 Labels 页面添加或上传。",
    "iou.owned": "GT {gt}（{wh}）：最大 IoU {best}，位于 {lv} 形状 {k}（{awh}）— ★ 由它负责（≥ {pos}）",
    "iou.not_owned": "GT {gt}（{wh}）：最大 IoU {best}，位于 {lv} 形状 {k}（{awh}）— 低于 {pos}：没有层级或形状负责",
    "iou.not_owned_note": "对 GT {gt}，没有锚框达到正样本阈值 {pos}：最好的是 {best}（{lv}，形状 {k}，{awh}）。"
                          "开启低质量匹配时，这个锚框仍会被设为正样本；关闭时，这个物体会被当作背景学习。"
                          "可以试试更小的锚框尺寸、其他长宽比或更细的层级。",
    "iou.overview_caption": "行是层级，列是锚框形状；每个小图显示 GT（描边）周围的单元。小图标题给出形状的 w×h "
                            "和它与该 GT 的最大 IoU；★ 标出最佳锚框所在的小图。",
    "iou.lq_owned": "GT {gt}（{wh}）：最大 IoU {best} < {pos}，在 {lv} 形状 {k}（{awh}）— 仅靠低质量规则",
    "iou.lq_owned_note": "对 GT {gt} 来说没有锚框达到正样本阈值 {pos}：最好的是 {best}（{lv}，形状 {k}，{awh}）。"
                         "低质量匹配仍把它最好的锚框设为正样本——标签页上有 {n} 个，全部低于 {pos}——所以检测器靠弱重叠"
                         "来学习这个物体。可以试试更小的锚框尺寸、其他宽高比或更细的层级。",
    "iou.none_note": "对 GT {gt} 来说没有锚框达到正样本阈值 {pos}：最好的是 {best}（{lv}，形状 {k}，{awh}），而且它"
                     "完全没有正样本锚框（原因见标签页），所以这个物体会被当作背景学习。可以试试更小的锚框尺寸、其他"
                     "宽高比或更细的层级。",
}
