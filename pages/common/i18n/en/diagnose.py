STRINGS = {
    # why a GT got no positive anchor: clauses joined into one sentence ({at} names the GT's best anchor)
    "diagnose.at": " ({lv} cell ({y}, {x}), anchor {wh})",
    "diagnose.join": "; ",
    "diagnose.sentence": "{text}.",
    "diagnose.no_overlap": "it overlaps no anchor at all (IoU 0 everywhere)",
    "diagnose.too_small": "too small for the smallest anchors ({gwh} px; best-fitting anchor {fit} at {lv}): even "
                          "centred exactly on it, that anchor would reach only IoU {shape_best} < {thr}; best IoU "
                          "{best}{at}",
    "diagnose.too_large": "too large for the largest anchors ({gwh} px; best-fitting anchor {fit} at {lv}): even "
                          "centred exactly on it, that anchor would reach only IoU {shape_best} < {thr}; best IoU "
                          "{best}{at}",
    "diagnose.too_elongated": "too elongated (h/w = {r}; the anchors span h/w {lo}–{hi}, best-fitting anchor {fit} "
                              "at {lv}): even centred exactly on it, that anchor would reach only IoU {shape_best} < "
                              "{thr}; best IoU {best}{at}",
    "diagnose.placement": "a centred anchor would reach IoU {shape_best}, but the anchor centres are {strides} px "
                          "apart: best IoU {best} < {thr}{at}",
    "diagnose.lq_off": "low-quality matching is off",
    "diagnose.lq_none": "{conv} has no low-quality matching",
    "diagnose.lq_min": "its best IoU is below min_pos_iou {min}, so low-quality matching skips it",
    "diagnose.taken": "its best anchor went to GT {other}, which overlaps it more",
    "diagnose.ignored_centre": "its best anchor is ignored: its centre lies outside the image (keras-retinanet rule)",
    "diagnose.ignored_border": "its best anchor is ignored: it crosses the image border (mmdet v1 allowed_border=0)",
    "diagnose.ignored": "its best anchor is ignored",
    "diagnose.best": "best IoU {best}{at}",
    "diagnose.yolov5": "No anchor shape is within anchor_t = {anchor_t} of its {gwh} px: the closest, {lv} {wh}, has "
                       "max(r, 1/r) = {r} ≥ {anchor_t}",
    "diagnose.atss_outside": "No anchor centre lies inside it, and ATSS requires one; best IoU {best}{at}",
    "diagnose.atss": "None of its {topk} nearest candidates per level passed IoU ≥ mean + std with its centre inside "
                     "the box; best IoU {best}{at}",
    # a GT whose positives all come from the low-quality rule (none reaches pos_iou): the same clause style
    "diagnose.lq_only": "it is positive only by the low-quality rule: best IoU {best} < {thr}{at}",
    "diagnose.lq_too_small": "it is smaller than the smallest anchors: even centred on it, the "
                             "best-fitting anchor ({fit} at {lv}) would reach only IoU {shape_best}",
    "diagnose.lq_too_large": "it is larger than the largest anchors: even centred on it, the "
                             "best-fitting anchor ({fit} at {lv}) would reach only IoU {shape_best}",
    "diagnose.lq_too_elongated": "it is too elongated (h/w = {r}; the anchors span h/w {lo}–{hi}): even centred on "
                                 "it, the best-fitting anchor ({fit} at {lv}) would reach only IoU {shape_best}",
    "diagnose.lq_placement": "a centred anchor would reach IoU {shape_best}, but the anchor centres are {strides} px "
                             "apart",
    "diagnose.lq_taken": "it is positive only by the low-quality rule: its own positives reach only IoU {best} < "
                         "{thr}; its best anchor{at} went to GT {other}, which overlaps it more",
}
