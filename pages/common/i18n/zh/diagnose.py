STRINGS = {
    # why a GT got no positive anchor: clauses joined into one sentence ({at} names the GT's best anchor)
    "diagnose.at": "（{lv} 格子 ({y}, {x})，锚框 {wh}）",
    "diagnose.join": "；",
    "diagnose.sentence": "{text}。",
    "diagnose.no_overlap": "它与任何锚框都不重叠（所有位置的 IoU 都是 0）",
    "diagnose.too_small": "比最小的锚框还小（{gwh} px；最匹配的锚框是 {lv} 上的 {fit}）：即使正好以它为中心，该锚框的 "
                          "IoU 也只有 {shape_best} < {thr}；最大 IoU {best}{at}",
    "diagnose.too_large": "比最大的锚框还大（{gwh} px；最匹配的锚框是 {lv} 上的 {fit}）：即使正好以它为中心，该锚框的 "
                          "IoU 也只有 {shape_best} < {thr}；最大 IoU {best}{at}",
    "diagnose.too_elongated": "过于细长（h/w = {r}；锚框的 h/w 范围是 {lo}–{hi}，最匹配的锚框是 {lv} 上的 {fit}）：即使"
                              "正好以它为中心，该锚框的 IoU 也只有 {shape_best} < {thr}；最大 IoU {best}{at}",
    "diagnose.placement": "以它为中心的锚框能达到 IoU {shape_best}，但锚框中心之间相隔 {strides} px：最大 IoU {best} < "
                          "{thr}{at}",
    "diagnose.lq_off": "低质量匹配已关闭",
    "diagnose.lq_none": "{conv} 没有低质量匹配",
    "diagnose.lq_min": "它的最大 IoU 低于 min_pos_iou {min}，低质量匹配也会跳过它",
    "diagnose.taken": "它最好的锚框分给了与该锚框重叠更多的 GT {other}",
    "diagnose.ignored_centre": "它最好的锚框被忽略：中心在图像之外（keras-retinanet 规则）",
    "diagnose.ignored_border": "它最好的锚框被忽略：越过了图像边界（mmdet v1 allowed_border=0）",
    "diagnose.ignored": "它最好的锚框被忽略",
    "diagnose.best": "最大 IoU {best}{at}",
    "diagnose.yolov5": "没有锚框形状与它的 {gwh} px 相差在 anchor_t = {anchor_t} 以内：最接近的 {lv} {wh} 的 "
                       "max(r, 1/r) = {r} ≥ {anchor_t}",
    "diagnose.atss_outside": "没有锚框中心落在它内部，而 ATSS 要求必须有；最大 IoU {best}{at}",
    "diagnose.atss": "每个层级离它中心最近的 {topk} 个候选中，没有一个同时满足 IoU ≥ 均值 + 标准差且中心在框内；"
                     "最大 IoU {best}{at}",
    # a GT whose positives all come from the low-quality rule (none reaches pos_iou): the same clause style
    "diagnose.lq_only": "仅靠低质量规则成为正样本：最大 IoU {best} < {thr}{at}",
    "diagnose.lq_too_small": "它比最小的锚框还小：即使正好以它为中心，最匹配的锚框（{lv} 上的 {fit}）的 IoU "
                             "也只有 {shape_best}",
    "diagnose.lq_too_large": "它比最大的锚框还大：即使正好以它为中心，最匹配的锚框（{lv} 上的 {fit}）的 IoU "
                             "也只有 {shape_best}",
    "diagnose.lq_too_elongated": "它过于细长（h/w = {r}；锚框的 h/w 范围是 {lo}–{hi}）：即使正好以它为中心，最匹配的锚框"
                                 "（{lv} 上的 {fit}）的 IoU 也只有 {shape_best}",
    "diagnose.lq_placement": "以它为中心的锚框能达到 IoU {shape_best}，但锚框中心之间相隔 {strides} px",
    "diagnose.lq_taken": "仅靠低质量规则成为正样本：它自己的正样本 IoU 只有 {best} < {thr}；它最好的锚框{at}分给了与"
                         "该锚框重叠更多的 GT {other}",
}
