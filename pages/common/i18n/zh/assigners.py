STRINGS = {
    # 导航标题放在这里而不是 nav.py（本页只增加一个文件，不改共享的行）
    "nav.assigners": "分配器对比",
    "assigners.title": "分配器（assigner）：锚框旁的 FCOS、SimOTA、TAL 与 RTMDet 点",
    "assigners.intro": (
        "**你看到的：** 左边是当前设置的锚框规则（标签页的结果）；右边是作用在*点*上的现代分配器（每个特征图格子、每层一个点，"
        "位于训练时缩放后的网络输入上）。两边用同一套语言：灰点为负样本，橙点为忽略，每个正样本是一个标记，外圈为其 GT 的颜色，"
        "填充为类别目标（硬标签为 1，TAL、SimOTA、RTMDet 为软分数）。没有任何正样本的 GT 会在对应的那一边被标出。下方是每个 GT "
        "的正样本数，以及某个 GT 的候选点和代价。**试一试：** 拖动*训练进度*，看依赖预测的规则重新打标签，而 max-IoU 和 FCOS "
        "不动；挑一个小 GT；对比 mmdet 与 YOLOX 的 SimOTA，或 ultralytics 8.4 与 8.3。"
    ),
    "assigners.formulas": (
        "- **FCOS**（torchvision / mmdet）：点在 GT 内（torchvision 还要求在中心 1.5 个 stride 以内），且最大回归距离落在该层"
        "的范围内；被多个 GT 共享的点归面积最小的 GT。\n"
        "- **TAL**（ultralytics）：GT 内的点上 metric = score^α · CIoU^β；每个 GT 取 top-k；共享的点归 CIoU 最大的 GT；"
        "类别目标是用该 GT 最佳 CIoU 归一化的 metric。\n"
        "- **SimOTA**（mmdet / YOLOX）：代价 = BCE(score) + 3 · (−log IoU)，在 GT 框和中心方块之外再加惩罚；dynamic k = "
        "⌊该 GT 前 10 大 IoU 之和⌋ ≥ 1 个最便宜的点；共享的点归代价最小的 GT；类别目标为 IoU。\n"
        "- **RTMDet DSL**（mmdet）：代价 = 软标签 BCE · |IoU − σ|² + 3 · (−log IoU) + 10^(距离/stride − 3)；由前 13 大 IoU "
        "得到 dynamic k；类别目标为 IoU。\n"
        "- 左边的 Max-IoU、YOLOv5 和 ATSS 就是标签页的规则，未作改动。"
    ),
    # controls
    "assigners.rule": "点分配器",
    "assigners.rule_help": "每条规则在自己库的点上运行（torchvision FCOS 和 RTMDet 在格子角上，其余在格子中心），"
                           "并接收它所需要的那种形式的预测。",
    "assigners.rule_fcos_torchvision": "FCOS · torchvision",
    "assigners.rule_fcos_mmdet": "FCOS · mmdet FCOSHead",
    "assigners.rule_tal_8.4": "TAL · ultralytics 8.4（YOLOv8 / YOLO11）",
    "assigners.rule_tal_8.3": "TAL · ultralytics 8.3",
    "assigners.rule_simota_mmdet": "SimOTA · mmdet（mmdet 中的 YOLOX）",
    "assigners.rule_simota_yolox_head": "SimOTA · YOLOX（HEAD）",
    "assigners.rule_simota_yolox_prefix": "SimOTA · 2023 年修复前的 YOLOX",
    "assigners.rule_dsl_rtmdet": "RTMDet · DynamicSoftLabel（mmdet）",
    "assigners.tal_settings": "TAL 设置",
    "assigners.tal_v8": "YOLOv8 / YOLO11 损失：top-10，α 0.5，β 6",
    "assigners.tal_defaults": "类的默认值：top-13，α 1，β 6（TOOD、PP-YOLOE）",
    "assigners.tal_help": "YOLOv8 / YOLO11 的检测损失构造 TaskAlignedAssigner(topk=10, alpha=0.5, beta=6.0)；"
                          "该类自身的默认值（13、1.0、6.0）来自 TOOD，PP-YOLOE 也使用，RT-DETR 即出自这一系"
                          "（RT-DETR 本身用匈牙利匹配器匹配查询）。",
    "assigners.centre_sampling": "中心采样（mmdet）",
    "assigners.centre_sampling_help": "mmdet FCOSHead 的 center_sampling（默认关闭；FCOS 的 ‘improvements’ 配置将其打开，"
                                      "半径 1.5）。",
    "assigners.compare": "对比对象",
    "assigners.compare_none": "无",
    "assigners.compare_help": "标出另一条规则（用同样的预测）给出不同 GT 或背景的格子。同一系的变体排在前面。",
    "assigners.levels": "点的层级（stride）",
    "assigners.no_strides": "侧边栏的层级没有 4 px 及以上的 stride（每个像素一个格子的固定特征图）；点使用 {st}。",
    "assigners.levels_help": "侧边栏各层的 stride。YOLOv8、YOLOX 和 RTMDet 用 8 / 16 / 32（此处的默认值）。",
    "assigners.source": "预测",
    "assigners.src_sim": "模拟 head",
    "assigners.src_upload": "上传（JSON）",
    "assigners.progress": "训练进度",
    "assigners.progress_help": "0：未训练的 head（先验 bias 分数，框离得很远）；1：已训练（框接近 GT，中心附近分数高）。"
                               "同一个 seed 下所有预测连续变化。",
    "assigners.seed": "seed",
    "assigners.seed_help": "模拟 head 的随机数流。",
    "assigners.setup_desc": "{w}×{h} 输入，stride {st}",
    # predictions upload
    "assigners.upload": "上传预测（JSON，每个点一行）",
    "assigners.upload_help": "本设置中每个点的分数和解码后的框；格式见下方。",
    "assigners.format_title": "预测文件格式",
    "assigners.format": (
        "一个 JSON 对象，行按各库共同的点顺序排列：逐层，从最细的层开始；层内逐行（y 在外，x 变化最快）——"
        "本设置（{setup}）共 **{n} 行**。\n\n"
        "```\n{{\n  \"format\": \"anchorviz.point_predictions/1\",\n  \"scores\": \"logits\",        "
        "// 或 \"probabilities\"\n  \"cls\": [[c0, …, c{c}], …],   // 每个点一行，{classes} 个类别分数\n"
        "  \"obj\": [o, …],              // 可选：每个点的 objectness（YOLOX head）\n"
        "  \"boxes\": [[x1, y1, x2, y2], …],  // 解码后的框，网络输入像素\n"
        "  \"box_format\": \"xyxy\"         // 或 \"cxcywh\"、\"xywh\"\n}}\n```\n"
        "文件中的任何内容都不会被执行。行数不对、NaN 或无穷值、[0, 1] 之外的概率、尺寸为负的框都会被拒绝并给出说明；"
        "上一个有效文件继续使用。"
    ),
    "assigners.download": "把这些预测下载为示例文件",
    "assigners.download_help": "当前图像、设置、进度和 seed 下模拟 head 的预测，采用上传格式（logits）。",
    "assigners.keeping_last": "继续使用上一个有效文件 {name}。",
    "assigners.upload_first": "上传预测文件后即使用它；在此之前显示模拟 head（上传的文件不能通过链接传递）。",
    "assigners.upload_stale": "上一个有效文件（{name}）有 {n} 行，而本设置有 {m} 个点：显示模拟 head。",
    "assigners.upload_classes": "{name}：预测有 {c} 个类别，但 GT 类别索引 {k} 至少需要 {need} 个；"
                                "应为图中每个类别给出一个分数。",
    # figure
    "assigners.src_desc_sim": "训练进度 {p}，seed {seed}",
    "assigners.src_desc_upload": "来自 {name} 的预测",
    "assigners.fig_title": "{rule} · {src}：{pos} 个正样本点，{n} 个 GT 中 {zero} 个没有正样本",
    "assigners.left_title": "{rule}：{pos} 个正样本锚框，{zero} 个 GT 没有正样本",
    "assigners.right_title": "{rule}：{pos} 个正样本点，{zero} 个 GT 没有正样本",
    "assigners.pos_name": "正样本（外圈：其 GT，填充：类别目标）",
    "assigners.pos_hover": "GT %{customdata} · 类别目标 %{marker.color:.3f}<extra></extra>",
    "assigners.as_dots": "正样本（太多，无法逐个画出：用其 GT 颜色的点）",
    "assigners.neg_name": "负样本",
    "assigners.ign_name": "忽略",
    "assigners.flag_name": "没有正样本的 GT",
    "assigners.flag_text": "0 个正样本",
    "assigners.target_title": "类别目标",
    "assigners.gt_click": "GT 中心（点击选择）",
    "assigners.gt_hover": "GT %{customdata}<extra></extra>",
    "assigners.diff_name": "与 {other} 不同（{n} 个格子）",
    "assigners.diff_hover": "{this}：{a} · {other}：{b}",
    "assigners.background": "背景",
    "assigners.gt_word": "GT {i}",
    "assigners.caption": "两个面板共享缩放（鼠标滚轮缩放，拖动平移）。点是一张没有悬停信息的图层；标记有悬停信息。"
                         "点击某个 GT 的中心或它的某个正样本，下方会显示它的候选点。",
    "assigners.left_from_labels": "左边面板是标签页的分配器：请在那里修改。",
    # why things move
    "assigners.why_static": "**{rule} 是静态规则。** 它只按几何关系给点打标签（在 GT 内、中心区域、该层的尺寸范围、"
                            "共享点归最小的 GT），不读取任何预测：拖动训练进度时右边什么都不变，正如左边只读框的 max-IoU。",
    "assigners.why_dynamic": "**{rule} 依赖预测。** 它用网络自己的预测（{what}）给候选点排序，所以标签随训练进度而移动："
                             "未训练的 head 给出少而分散的正样本，训练好的 head 在每个 GT 中心附近给出更多正样本。"
                             "左边的锚框规则只读框，保持不动。",
    "assigners.what_tal": "每个点预测的 score^α · CIoU^β",
    "assigners.what_simota": "每个预测的分类代价 + 3 × IoU 代价，由 IoU 得到 dynamic k",
    "assigners.what_dsl": "软分类代价 + IoU 代价 + 中心先验，由 IoU 得到 dynamic k",
    "assigners.moved": "训练进度 {p0} → {p1}，seed {s0} → {s1}：右边 **{n} 个点的标签改变了**；"
                       "左边 {a} 个锚框的标签改变了。",
    # per GT
    "assigners.per_gt": "每个 GT 的正样本",
    "assigners.zero_warning": "**{n} 个 GT 中有 {zp} 个在 {rule} 下没有正样本点**；{za} 个在 {arule} 下没有正样本锚框。"
                              "它们在两个面板和下表中都已标出——这些就是检测器当作背景学习的小物体和拥挤物体。",
    "assigners.all_have": "全部 {n} 个 GT 在两个面板中都有正样本。",
    "assigners.col_gt": "GT",
    "assigners.col_class": "类别",
    "assigners.col_size": "w×h（输入像素）",
    "assigners.col_anchors": "正样本锚框（左）",
    "assigners.col_pairs": "锚框配对（左）",
    "assigners.col_points": "正样本点（右）",
    "assigners.col_compare": "{rule}",
    "assigners.col_k": "dynamic k",
    "assigners.col_topk": "top-k",
    "assigners.col_lost": "冲突中失去",
    "assigners.col_flag": "标记",
    "assigners.flag_anchor": "没有正样本锚框",
    "assigners.flag_point": "没有正样本点",
    "assigners.flag_anchor_lq": "锚框：仅低质量",
    "assigners.no_gt": "没有 GT 框：在侧边栏添加一些，看看谁得到正样本。",
    # one GT's candidates
    "assigners.cand_head": "某个 GT 的候选点",
    "assigners.cand_gt": "GT",
    "assigners.cand_gt_option": "GT {i}：{cls}（{wh}）",
    "assigners.cand_gt_help": "或者在上图中点击该 GT 的中心（或它的某个正样本）。",
    "assigners.cand_title": "{rule} 下的 GT {gt}：{n} 个候选点 · {k} · 得到 {w} · 失去 {l}",
    "assigners.cand_k_dynamic": "dynamic k = {k}",
    "assigners.cand_k_topk": "top-k = {k}",
    "assigners.cand_k_none": "没有 k（几何规则）",
    "assigners.level_title": "stride {s}",
    "assigners.value_cost": "代价（越低越优先）",
    "assigners.value_metric": "对齐 metric（越高越优先）",
    "assigners.value_allowed": "允许",
    "assigners.value_hover_cost": "代价 %{customdata:.4g}<extra></extra>",
    "assigners.value_hover_metric": "metric %{customdata:.3g}<extra></extra>",
    "assigners.value_hover_allowed": "对该 GT 允许<extra></extra>",
    "assigners.penalised": "受惩罚（代价 ≥ 10⁵）",
    "assigners.penalised_hover": "带有该 GT 惩罚的候选点：在其框或中心方块之外<extra></extra>",
    "assigners.not_allowed": "在内部但不允许",
    "assigners.not_allowed_hover": "在 GT 内，但超出该层的范围或中心区域<extra></extra>",
    "assigners.points_name": "该层的点",
    "assigners.won": "得到",
    "assigners.lost": "选中后输给另一个 GT（其颜色的 ×）",
    "assigners.lost_to": "被 GT {gt} 选中，输给了 GT {w}",
    "assigners.lost_bg": "被 GT {gt} 选中，最终成为背景",
    "assigners.cand_caption_fcos": "FCOS 没有代价：绿色的点通过了该 GT 的所有检验（在 GT 内、库使用时的中心区域、"
                                   "该层的尺寸范围）；灰色的点在内部但有一项检验未通过。多个 GT 都能取的点归面积最小的 GT。",
    "assigners.cand_caption_tal": "（8.4：加宽后的）GT 内各点的对齐 metric score^α · CIoU^β，对数刻度。GT 取其 top-k；"
                                  "被多个 GT 选中的点归 CIoU 最大的 GT。",
    "assigners.cand_caption_simota": "每个候选点的代价，对数刻度（越亮越便宜）。灰色格子带有该 GT 的惩罚，但仍可能被选中："
                                     "GT 取最便宜的 k 个，k 来自其前 10 大 IoU 之和；被选两次的点归代价更低的 GT。",
    "assigners.cand_caption_dsl": "每个候选点（任一 GT 内的点）的代价，对数刻度（越亮越便宜）；中心先验每离 GT 中心一个 "
                                  "stride 增大 10 倍。GT 取最便宜的 k 个，k 来自其前 13 大 IoU。",
    "assigners.ties": "GT {gt} 的第 k 位出现并列；点的选择遵循 CPU torch 的顺序（其他实现可能选得不同）。",
    # where libraries disagree
    "assigners.diff_head": "各库的不同之处",
    "assigners.simota_table": "SimOTA：三种实现不同的字段",
    "assigners.col_field": "字段",
    "assigners.col_mmdet": "mmdet 3.3.0",
    "assigners.col_prefix": "修复前的 YOLOX（a4152a5）",
    "assigners.col_head": "YOLOX HEAD",
    "assigners.diff_tal": "ultralytics 8.4 在内部检验之前把短于第二个 stride（8 / 16 / 32 时为 16 px）的 GT 边加宽，"
                          "并有 topk2；8.3.0 两者都没有，所以在同样的预测下，极小的物体只在 8.4 中得到正样本。",
    "assigners.diff_fcos": "torchvision 把 FCOS 的点放在格子角上，在中心 1.5 个 stride 内采样，范围边界为开区间，并使用 "
                           "float32 面积键（相差约 8 px² 以内的面积并列，索引小者胜）；mmdet 的 FCOSHead 用格子中心，"
                           "默认不做中心采样，范围为闭区间，面积精确。",
    "assigners.diff_cells": "按各库共同的顺序逐格比较；{a} 把点放在{pa}，{b} 放在{pb}。",
    "assigners.corners": "格子角上",
    "assigners.centres": "格子中心",
    "assigners.lq_left": "{n} 个 GT 框中有 {k} 个在 {arule} 下仅靠低质量规则成为正样本：没有锚框的 IoU 达到 pos_iou "
                         "{pos}（各自的原因见标签页）。",
}
