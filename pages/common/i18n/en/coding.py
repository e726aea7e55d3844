STRINGS = {
    "coding.title": "Encode / decode: from an anchor to a box",
    "coding.intro": (
        "**What you see:** one anchor (dashed, cyan) and one GT box. The detector does not predict boxes "
        "directly: it predicts four numbers — the **deltas** tx, ty, tw, th — that move and stretch the anchor. "
        "Left, the GT is **encoded** into the targets the head is trained to output, with the library's own "
        "formula and the actual numbers. The sliders are the head's output: they are **decoded** live into the "
        "yellow box.\n\n"
        "**Try:** move dx and watch the box slide by a fraction of the anchor's width; push dw far and see the "
        "clamp bite (the limit on how much a box may grow). Switch the coder: the RoI presets multiply the "
        "targets by weights 10, 10, 5, 5 (or divide by stds 0.1, 0.1, 0.2, 0.2) so they have similar ranges."
    ),
    "coding.formulas": (
        "- Centre and size of a box: cx = x1 + w/2, cy = y1 + h/2, w = x2 − x1, h = y2 − y1.\n"
        "- **Encode** (GT g relative to anchor a): tx = (g_cx − a_cx) / a_w, ty = (g_cy − a_cy) / a_h — the "
        "shift measured in anchor sizes; tw = log(g_w / a_w), th = log(g_h / a_h) — the stretch on a log scale.\n"
        "- torchvision / detectron2 multiply these by **weights** (wx, wy, ww, wh); mmdet subtracts **means** "
        "and divides by **stds**; keras-retinanet encodes the four **corners** instead: (g_x1 − a_x1) / a_w … "
        "divided by 0.2; d2l uses weights 10, 10, 5, 5 and log(1e-6 + g_w / a_w).\n"
        "- **Decode** undoes it: cx = tx·a_w + a_cx, w = a_w·exp(tw), then the corners.\n"
        "- **Clamp:** before exp, tw and th are limited to log(1000/16) ≈ 4.135 so a box cannot grow more than "
        "62.5×. torchvision and detectron2 clamp from above only; mmdet clamps both sides; keras-retinanet and "
        "d2l do not clamp."
    ),
    "coding.anchor_mode": "Anchor",
    "coding.mode_best": "the GT's best positive anchor",
    "coding.mode_grid": "choose level, cell, shape",
    "coding.mode_custom": "type an anchor and a GT",
    "coding.anchor_box": "Anchor x1, y1, x2, y2",
    "coding.gt_box": "GT x1, y1, x2, y2",
    "coding.box_help": "Four numbers in network-input pixels, x2 > x1 and y2 > y1.",
    "coding.bad_box": "{what}: expected four numbers x1, y1, x2, y2 with x2 > x1 and y2 > y1, got {text!r}",
    "coding.custom_gt": "typed GT",
    "coding.gt": "GT box",
    "coding.level": "Level",
    "coding.row": "row (y)",
    "coding.col": "column (x)",
    "coding.shape": "Shape",
    "coding.best_positive": "It is the best of the {n} positive anchors matched to this GT (IoU {iou}).",
    "coding.best_not_positive": "No anchor is positive for this GT; this is the anchor with its best IoU ({iou}).",
    "coding.anchor_is": "Anchor: {lv}, cell (row {y}, column {x}), shape {k} ({wh}).",
    "coding.encode_head": "Encode: the targets for {gt}",
    "coding.targets": "Targets (tx, ty, tw, th) = ({v})",
    "coding.deltas_head": "Decode: move the deltas",
    "coding.deltas_help": "Sliders cover ±{lim}; the number boxes accept up to ±{big} (extreme values show the "
                          "clamp). They start at the true targets, so the decoded box starts on the GT.",
    "coding.exact": "{n} exact",
    "coding.reset": "Back to the true targets",
    "coding.reset_help": "Set the four deltas to the encoded targets again.",
    "coding.fig_title": "deltas ({d}) → box ({box})<br>IoU with the GT {iou}",
    "coding.anchor": "anchor",
    "coding.gt_name": "GT",
    "coding.decoded": "decoded box",
    "coding.decode_head": "Decode, step by step",
    "coding.clamped": "The clamp bites: {name} = {before} was limited to {after}.",
    "coding.clamp_note": "This coder clamps {side}. Libraries differ here: torchvision and detectron2 only cap "
                         "growth (a very negative dw still shrinks the box), mmdet also caps shrinking, "
                         "keras-retinanet and d2l do not clamp at all.",
    "coding.clamp_rule": "Clamp of this coder: {side}; c = {c}. Push dw or dh beyond it to see it bite.",
    "coding.not_finite": "These deltas decode to a box that is not finite (the coder has no clamp). "
                         "Use smaller deltas.",
    "coding.round_trip_head": "Round trip: encode, then decode",
    "coding.round_trip": "Decoding the encoded targets returns the GT up to {err} pixels (the coder computes in "
                         "{dtype}).",
}
