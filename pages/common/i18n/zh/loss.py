STRINGS = {
    "loss.title": "损失：网络实际在学什么",
    "loss.intro": (
        "**你看到的：** 所选库在这张图上的训练损失，完全按该库的方式计算：每个位置在分类项或回归项中所占的份额（颜色）、"
        "不计入任何损失的锚框（被忽略的，或没被采样进小批量的）、分类损失中正样本、难负样本和易负样本各占多少"
        "（在你选的 γ 和 γ = 0 下）、每个 GT 的回归损失，以及代入该库自己的归一化因子和本图数字的公式。"
        "**试试：** 拖动训练进度，看损失下降；把 γ 设为 0，看易负样本占满分类损失；换到 Faster R-CNN 预设，"
        "看 RPN 的 256 个锚框小批量。"
    ),
    "loss.formulas": (
        "- 分类：focal loss（RetinaNet）、sigmoid 交叉熵（RPN objectness）或带背景类的 softmax 交叉熵（d2l 的 "
        "SSD），对锚框的各类别列求和。被忽略的锚框和采样器没选中的锚框贡献恰好为 0。\n"
        "- 回归：只对正样本计算 L1、smooth-L1（β；keras-retinanet 写作 σ，β = 1/σ²）或 GIoU。\n"
        "- 每一项除以该库的归一化因子（正样本数、采样锚框数、固定批大小、EMA 或锚框总数），再乘以权重 λ；"
        "损失为两项之和。\n"
        "- 模拟 head 把每个分数和框偏移从未训练的 head（分数在偏置先验处，偏移离目标很远）沿直线移到训练好的 "
        "head，所以进度升高时损失下降。"
    ),
    "loss.no_rule": (
        "损失视图还没有复现 **{conv}** 下 **{preset}** 预设的损失（mmdet v1 的旧式 head、mmdet 的 SSD 和 YOLOv5 "
        "暂不支持）。已支持：{covered}。其他视图可以使用此设置；要看损失，请在侧边栏选择上面的某个预设。"
    ),
    # controls
    "loss.source": "head 输出",
    "loss.src_sim": "模拟 head",
    "loss.src_upload": "上传预测（JSON）",
    "loss.asg": "标签来自",
    "loss.asg_head": "head 自己的匹配器",
    "loss.asg_labels": "标签页",
    "loss.asg_help": "head 的匹配器就是该库训练这个 head 时用的（RPN 0.7/0.3，RetinaNet 0.5/0.4，SSD 0.5）。"
                     "标签页的分配展示按你设的阈值（或 ATSS、YOLOv5 匹配）训练会怎样。",
    "loss.progress": "训练进度",
    "loss.progress_help": "0：未训练的 head（分数在偏置先验处，框偏移离目标很远）；1：训练好的 head。"
                          "每个值在两者之间沿直线移动，所以它升高时损失下降。",
    "loss.seed": "随机种子",
    "loss.seed_help": "决定模拟 head 的噪声和小批量（与库的采样器一样是 torch.manual_seed 的值）。",
    "loss.cls_kind": "分类损失",
    "loss.cls_focal": "focal loss",
    "loss.cls_bce": "sigmoid 交叉熵",
    "loss.cls_softmax_ce": "softmax 交叉熵",
    "loss.cls_kind_help": "该库自己的实现：torchvision / fvcore sigmoid_focal_loss、mmdet FocalLoss、"
                          "keras-retinanet 基于概率的 focal、基于 logits 的 BCE、softmax CE。",
    "loss.box_kind": "回归损失",
    "loss.box_l1": "L1",
    "loss.box_smooth_l1": "smooth L1",
    "loss.box_giou": "GIoU（解码后的框）",
    "loss.box_kind_help": "只列出该库的 head 可以配置的回归损失。",
    "loss.alpha_help": "正目标的权重 α，取值 [0, 1]（负目标为 1 − α）。",
    "loss.alpha_help_off": "正目标的权重 α，取值 [0, 1]；该库把 α < 0 理解为不做 α 加权。",
    "loss.gamma_help": "聚焦参数 γ ≥ 0：head 越判断正确，(1 − p_t)^γ 越把该项压小。γ = 0 就是交叉熵。",
    "loss.beta_help": "Smooth-L1 β ≥ 0：小于 β 时为二次，大于时为线性。0 即 L1。",
    "loss.beta_help_mmdet": "Smooth-L1 β > 0（mmdet 的 SmoothL1Loss 要求 β > 0）。",
    "loss.sigma_help": "keras-retinanet 的 smooth-L1 σ > 0（默认 3）：β = 1/σ²。",
    "loss.lambda_help": "损失权重 λ ≥ 0，乘到该项上。",
    "loss.bad_value": "{e} —— 下面的损失保留最后一组有效值。",
    "loss.asg_head_desc": "标签：{spec} 用该库的 {name} 匹配器训练。",
    "loss.asg_labels_desc": "标签：标签页的分配（{desc}）。",
    # the head
    "loss.desc_sim": "进度 {p} 的模拟 head，种子 {seed}",
    "loss.desc_upload": "上传的 {name}",
    "loss.upload": "上传预测（JSON）",
    "loss.upload_help": "预测页的格式，再加上损失所需的类别分数：每个锚框一行。",
    "loss.upload_formats": (
        "`{{\"deltas\": [[dx, dy, dw, dh], …], \"scores\": […], \"logits\": [[x_0, …, x_C-1], …]}}`，每个锚框一行"
        "（此处 {n} 个，按 anchorviz 的锚框顺序），也可以用 `probabilities` 代替 `logits`。每个锚框一个分数足够做"
        "阈值和 NMS，但不够计算多类别的损失，所以除 RPN（只有一个 objectness 列：分数就是它的概率）外都需要 "
        "`logits`。列的排布跟随该库的 head：torchvision RetinaNet 和 softmax head 带一个背景列。概率在转为 "
        "logits 之前截断到 [1e-7, 1 − 1e-7]。"
    ),
    "loss.keeping_last": "保留最后一个有效文件 {name}。",
    "loss.upload_first": "上传一个预测文件以查看其损失。",
    "loss.upload_stale": "最后一个有效文件有 {n} 行，但当前设置有 {m} 个锚框：请为它上传新文件。",
    "loss.download": "把这个 head 下载为预测文件",
    "loss.download_help": "上传格式的模拟 head（{n} 个类别分数）：重新上传会得到相同的损失，也可以修改后再上传。"
                          "预测页也能读取它。",
    # metrics
    "loss.m_total": "总损失",
    "loss.m_cls": "分类项",
    "loss.m_box": "回归项",
    "loss.m_norm": "归一化因子",
    "loss.m_pos": "正样本",
    "loss.counts": "{n} 个锚框中：正样本 {pos}，负样本 {neg}，忽略 {ign}，未采样 {ns}。",
    # figure
    "loss.term": "在图上显示",
    "loss.term_cls": "分类",
    "loss.term_box": "回归",
    "loss.fig_title": "{spec}，{desc}：总计 {total} = 分类 {cls} + 回归 {box} · 显示 {term}",
    "loss.bin_0": "占该项 ≥ 10%（{n}）",
    "loss.bin_1": "1–10%（{n}）",
    "loss.bin_2": "0.1–1%（{n}）",
    "loss.bin_3": "0.01–0.1%（{n}）",
    "loss.bin_4": "< 0.01%（{n}）",
    "loss.ignored_name": "被忽略的锚框：不计入（{n}）",
    "loss.not_sampled_name": "未采样：不计入（{n}）",
    "loss.no_box_name": "此处无正样本：无回归损失",
    "loss.hover_pos": "损失最大，含正样本（{n}）",
    "loss.hover_neg": "损失最大，只有负样本（{n}）",
    "loss.pred_name": "损失最大的正样本的预测框（{n}）",
    "loss.caption_cls": "每个点是一个位置，颜色是该位置被计入的锚框在分类项中所占份额之和。橙色圆环表示该位置有"
                        "被忽略的锚框，灰点表示该位置的锚框全部没被采样进小批量：这些锚框贡献为 0。",
    "loss.caption_box": "只有正样本有回归损失：矩形按其在回归项中的份额着色，虚线框是 head 对损失最大的正样本"
                        "预测的框。",
    "loss.caption_sampled": "这个 head 用采样的小批量训练：每张图 {bs} 个锚框，正样本比例 {pf}（{rule} 采样器）："
                            "抽到 {p} 个正样本和 {n} 个负样本，其余有标签的锚框都不计入。",
    "loss.caption_hover": "把鼠标移到标出的 {k} 个位置上，可看到每个锚框的目标、预测和损失。",
    # hover
    "loss.role_pos": "正样本",
    "loss.role_neg": "负样本",
    "loss.role_ign": "忽略",
    "loss.role_ns": "未采样",
    "loss.background": "背景",
    "loss.hv_head": "<b>{lv}</b> 格 ({y}, {x})：占{term}项的 {share}",
    "loss.hv_not_counted": "{size}：{role}，不计入（损失 0）",
    "loss.hv_cls": "{size}：{role} → {target} · p(目标) {p} · 最大 p(物体) {fg} · 损失 {loss}（{share}）",
    "loss.hv_box": "{size} → GT {gt}：目标 {target} · 预测 {pred} · 损失 {loss}（{share}）",
    "loss.hv_more": "… 此处还有 {n} 个锚框",
    # breakdown
    "loss.g_pos": "正样本",
    "loss.g_hard": "难负样本",
    "loss.g_easy": "易负样本",
    "loss.bd_group": "{name}<br>（{n} 个锚框）",
    "loss.bd_bar": "占该项 {share}：{loss}",
    "loss.bd_title": "分类损失来自哪里：γ = {gamma} 与 γ = 0 对比",
    "loss.bd_title_plain": "分类损失来自哪里",
    "loss.bd_sub": "难负样本：最大 p(物体) ≥ {thr}",
    "loss.bd_gamma": "γ = {gamma}",
    "loss.bd_gamma0": "γ = 0（交叉熵）",
    "loss.bd_y": "占分类项的比例",
    "loss.bd_def": "被计入的负样本中，head 给出的最大物体概率 ≥ {thr}（它现在会把它当作物体）为难负样本，否则为"
                   "易负样本；分组只看预测，所以两组柱子对同样的锚框求和。把鼠标移到柱子上可看到它在该项中的部分。",
    "loss.bd_focal_note": "focal loss 的意义：易负样本在 γ = 0 时占损失的 {easy0}，在 γ = {gamma} 时占 {easy}。",
    "loss.bd_not_focal": "这不是 focal loss：γ 不起作用，所以没有 γ = 0 的柱子可比。",
    # per GT
    "loss.gt_head": "每个 GT 的回归损失",
    "loss.gt_none": "没有 GT 框：所有有标签的锚框都是负样本，没有回归损失。",
    "loss.col_pos": "正样本",
    "loss.col_pos_sampled": "采样 +",
    "loss.col_assigned": "已分配",
    "loss.col_box_sum": "Σ 回归损失",
    "loss.col_share": "回归项 %",
    "loss.col_flag": "⚠",
    "loss.flag_none": "无正样本",
    "loss.gt_warn": "**{m} 个 GT 框中有 {n} 个在这里没有任何正样本锚框：{names}。** 它们完全得不到回归损失，"
                    "它们的锚框被当作背景训练，或根本不参与训练。",
    "loss.gt_sampled_out": "其中 {n} 个本有正样本，但被小批量采样器丢掉了。",
    "loss.gt_all": "{m} 个 GT 框都至少有一个正样本，所以每个都得到回归损失。",
    # formulas
    "loss.fx_head": "{title}：代入本图数字的公式",
    "loss.fx_dtype": "损失和求和按库的做法用 float32 计算；归一化因子是 Python 数（库在 Python 中计数，再用它去除 "
                     "float32 的和）。",
    "loss.norm_tv_retinanet": "torchvision 把每张图的和除以 max(1, 该图的前景锚框数)，再对批内各图取平均（这里只有"
                              "一张图）：归一化是按图，而不是按批。",
    "loss.norm_tv_rpn": "torchvision 的 RPN：objectness 是采样锚框上的 BCE 平均；回归损失对采样到的正样本求和，"
                        "再除以采样总数（正 + 负），而不是正样本数。",
    "loss.norm_tv_roi": "torchvision 的 Fast R-CNN：交叉熵对采样的 RoI 取平均；GT 类别位置的回归损失求和后除以采样"
                        "的 RoI 总数。",
    "loss.norm_tv_fcos": "torchvision 的 FCOS：三项都除以 max(1, 整个批中的前景点数)。",
    "loss.norm_mmdet_pos": "mmdet 的 avg_factor：各图 max(#pos, 1) 之和 —— 没有正样本的图也加 1 —— 平均时除以 "
                           "avg_factor + float32 eps（1.19e-7），所以 avg_factor 为 0 时得到一个很大的数而不是报错。",
    "loss.norm_mmdet_pos_neg": "使用随机采样器的 mmdet：avg_factor = 各图采样到的 max(#pos, 1) + max(#neg, 1) 之和，"
                               "除法中再加 float32 eps（1.19e-7）。在 mmdet 的 RPN 中标签 0 是前景。",
    "loss.norm_d2_rpn": "detectron2 的 RPN 把两个和都除以 batch_size_per_image × 图片数，这是个常数：能采到的锚框"
                        "更少时它也不会变小。",
    "loss.norm_d2_ema": "detectron2 的 RetinaNet 除以模型上保存的滑动平均 loss_normalizer，而不是本批的正样本数。",
    "loss.norm_d2_roi": "detectron2 的 Fast R-CNN：交叉熵对 RoI 取平均；GT 类别位置的回归损失求和后除以 "
                        "max(#RoI, 1)。",
    "loss.norm_keras_pos": "keras-retinanet 把两个和都除以 max(1, 整个批中的正样本锚框数)；被忽略的锚框（IoU 在两个"
                           "阈值之间，或中心在图外）被去掉。",
    "loss.norm_d2l_mean": "d2l 的 SSD 没有 #pos 归一化：交叉熵对所有锚框取平均，L1 对全部 4A 个掩码后的元素（含 0）"
                          "取平均，所以它的数值不能和其他库比较。",
    "loss.ema_text": "它从 {init} 开始，每次迭代更新为 N ← {m}·N + (1 − {m})·max(#pos, 1)。本图有 {pos} 个正样本，"
                     "前五次迭代依次除以 {seq} —— 第一次是 #pos 的 {ratio} 倍 —— 大约 {k} 次迭代后才落到 #pos 的 "
                     "5% 以内。这里显示的是第一次迭代的损失。",
}
