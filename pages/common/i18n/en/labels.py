STRINGS = {
    "labels.title": "Anchor labels: positive, negative, ignored",
    "labels.intro": (
        "**What you see:** every anchor's label under the chosen assigner: positives as rectangles in the colour "
        "of their GT, negatives and ignored anchors as dots. Below, counts per level and per GT, and a warning for "
        "every GT that got **no positive anchor** — the objects a detector silently learns as background. "
        "**Try:** raise pos_iou to 0.7 (RPN) and watch small objects lose their positives; turn low-quality "
        "matching off; switch to YOLOv5 shape matching or ATSS."
    ),
    "labels.formulas": (
        "- Max IoU: each anchor takes its best IoU over all GTs; ≥ pos_iou → positive, < neg_iou → negative "
        "(keras-retinanet: ≤), in between → ignored.\n"
        "- Low-quality matching: the anchor(s) with a GT's best IoU become positive even below pos_iou "
        "(torchvision/detectron2 keep the anchor's own best GT; mmdet gives it to that GT, later GTs win).\n"
        "- YOLOv5: a GT matches an anchor when max(w/a_w, a_w/w, h/a_h, a_h/h) < anchor_t, in its cell and two "
        "neighbours.\n"
        "- ATSS: per level the top-k anchors nearest the GT centre; positive if IoU ≥ mean + std and the centre "
        "is inside the GT."
    ),
    # controls
    "labels.assigner": "Assigner",
    "labels.asg_maxiou": "Max IoU",
    "labels.asg_yolov5": "YOLOv5 shape match",
    "labels.asg_atss": "ATSS",
    "labels.assigner_help": "Max IoU: torchvision/mmdet/detectron2/keras-retinanet/d2l. YOLOv5: shape matching "
                            "(build_targets). ATSS: adaptive IoU threshold per GT (mmdet ATSSAssigner).",
    "labels.thr_preset": "Thresholds preset",
    "labels.custom": "custom",
    "labels.lq": "low-quality matching",
    "labels.lq_help": "{conv}: {rule}.",
    "labels.lq_argmax": "every anchor tied for a GT's best IoU becomes positive, matched to its own best GT",
    "labels.lq_gt_all": "every anchor tied for a GT's best IoU (≥ min_pos_iou) goes to that GT; later GTs overwrite",
    "labels.lq_greedy": "d2l forces one anchor per GT, greedily by IoU",
    "labels.lq_none": "this library has no low-quality matching",
    "labels.pos": "pos_iou (positive if max IoU ≥)",
    "labels.pos_help": "torchvision high_threshold / mmdet pos_iou_thr.",
    "labels.neg": "neg_iou (negative if max IoU {op})",
    "labels.neg_help": "torchvision low_threshold / mmdet neg_iou_thr. Between the two: ignored.",
    "labels.anchor_t_help": "hyp.anchor_t: a GT matches an anchor shape when max(r, 1/r) < anchor_t for w and h.",
    "labels.topk_help": "ATSS candidates per level: the topk anchors nearest the GT centre.",
    "labels.level": "Level",
    "labels.all_levels": "all levels",
    "labels.shape": "Shape",
    "labels.any_shape": "any (per location)",
    "labels.minibatch": "Sampled minibatch overlay",
    "labels.show_minibatch": "show minibatch",
    "labels.batch_size_help": "Anchors per image (RPN 256).",
    "labels.seed": "seed",
    "labels.seed_help": "torch.manual_seed value; the same seed draws the same anchors as the library.",
    "labels.sampler": "sampler",
    "labels.sampler_help": "torchvision BalancedPositiveNegativeSampler, detectron2 subsample_labels, mmdet "
                           "RandomSampler.",
    "labels.no_sampling": "{conv} trains this head without sampling (every labelled anchor counts); the overlay "
                          "shows what a sampler would pick.",
    # the figure
    "labels.desc_maxiou": "Max IoU {pos}/{neg}, low-quality {lq} ({conv})",
    "labels.on": "on",
    "labels.off": "off",
    "labels.desc_yolov5": "YOLOv5 anchor_t {v}",
    "labels.desc_atss": "ATSS top-{k}",
    "labels.fig_title": "{desc}: {pos} positive · {ign} ignored · {neg} negative · {zero} of {n} GT without "
                        "positives",
    "labels.fig_minibatch": " · minibatch {p}+{n}",
    "labels.on_level": " on {lv}",
    "labels.gt_positives": "GT {gt} positives ({n})",
    "labels.as_centres": "{name} · centres",
    "labels.neg_name": "negative locations{where} ({n})",
    "labels.ign_name": "ignored, no positive{where} ({n})",
    "labels.sampled_neg": "sampled negatives ({n})",
    "labels.sampled_pos": "sampled positives ({n})",
    "labels.as_centres_note": "{n} positives{where}: more than {m}, so they are drawn as centres.",
    "labels.caption": "Positives are rectangles in their GT's colour; a location (dot) is orange when one of its "
                      "anchors is ignored and none is positive, grey when all are negative (the dots are one image "
                      "layer, so they have no hover). Drag in Box Select mode to add a GT.",
    # GTs without positives
    "labels.zero_warning": "**{zero} of {n} GT boxes get no positive anchor** — they will be learned as background. "
                           "Why, for each:",
    "labels.zero_line": "- **GT {gt}** ({cls}, {wh} px): {why}",
    "labels.all_have": "Every one of the {n} GT boxes has at least one positive anchor.",
    # tables
    "labels.per_level": "Per level",
    "labels.per_gt": "Per GT",
    "labels.col_level": "level",
    "labels.col_class": "class",
    "labels.col_size": "size (w×h)",
    "labels.col_best": "best IoU",
    "labels.col_cell": "cell (y, x)",
    "labels.col_anchor": "anchor w×h",
    "labels.col_positive": "positive",
    "labels.col_ignored": "ignored",
    "labels.col_negative": "negative",
    "labels.col_sampled_pos": "sampled +",
    "labels.col_sampled_neg": "sampled −",
    "labels.col_wh": "w×h (input px)",
    "labels.col_positives": "positives",
    "labels.col_pairs": "positive pairs",
    "labels.total": "total",
    "labels.assignment": "Assignment on the {w}×{h} network input with {conv}'s IoU ({dtype}{plus}) and rules. ",
    "labels.plus_one": ", +1 pixel widths",
    # GTs positive only by the low-quality rule
    "labels.fig_lq": " · {k} only by the low-quality rule",
    "labels.lq_warning": "**{k} of {n} GT boxes are positive only by the low-quality rule**: no anchor reaches "
                         "pos_iou {pos} with them, and the rule makes their best anchors positive anyway, so the "
                         "detector learns them from anchors that overlap them weakly. Why, for each:",
    "labels.col_weak": "low-quality (IoU < {pos})",
    "labels.col_match": "matched",
    "labels.match_none": "no positive",
    "labels.match_lq": "low-quality only",
    "labels.match_thr": "IoU ≥ {pos}",
    "labels.match_rule": "by the rule",
}
