STRINGS = {
    "iou.title": "IoU heatmap: why an anchor gets its label",
    "iou.intro": (
        "**What you see:** for one pyramid level and one anchor shape, every grid cell is coloured by the IoU of "
        "its anchor with the ground truth — the best over all GT boxes, or with the one GT you pick (choose it "
        "below or click the ring at a GT's centre). Blue cells stay **negative**, orange cells fall in the "
        "**ignore** band, green cells become **positive**. Hover a cell for its row and column, the anchor size, "
        "the IoU and its label.\n\n"
        "**Try:** pick a small GT and walk through the levels: only fine levels (P3) have anchors small enough. "
        "Move the thresholds on the Labels page and watch the colour bands move. The overview below shows, for "
        "one GT, which level and shape own it — and when none does."
    ),
    "iou.formulas": (
        "- **IoU** (intersection over union) of an anchor A and a GT box G = area of A ∩ G ÷ area of A ∪ G. "
        "It is 1 when the boxes coincide and 0 when they do not touch.\n"
        "- A cell's colour is the IoU of the anchor of the chosen shape centred in that cell.\n"
        "- **Max-IoU labelling:** an anchor whose best IoU over all GTs is ≥ the positive threshold is "
        "positive; below the negative threshold it is negative; in between it is ignored (no loss).\n"
        "- **Low-quality matching** (torchvision, detectron2, mmdet) additionally makes each GT's best anchor "
        "positive, even below the threshold — that is why a GT that no cell reaches still gets one positive.\n"
        "- The cell grid follows the stride: cell (i, j) is centred at (j·stride + offset, i·stride + offset)."
    ),
    "iou.values": "IoU values",
    "iou.values_help": "The best IoU of each anchor over all GT boxes (what max-IoU assignment compares with "
                       "the thresholds), or the IoU with one GT. Clicking a GT's centre ring also picks it.",
    "iou.max_over_gts": "max over all GT boxes",
    "iou.with_gt": "with GT {gt}",
    "iou.level": "Level",
    "iou.shape": "Anchor shape (w×h)",
    "iou.thresholds_from_labels": "Thresholds from the Labels page: positive at IoU ≥ {pos}, negative below "
                                  "{neg}, ignored in between.",
    "iou.thresholds_other": "The Labels page uses {asg}, which has no IoU thresholds; the colours use the "
                            "common 0.5 / 0.4 ({pos} / {neg}) for orientation.",
    "iou.positive_other": "positive (another GT)",
    "iou.hover_cell": "cell (row, col):",
    "iou.hover_anchor": "anchor w×h:",
    "iou.fig_title": "{lv} shape {k} ({wh}), IoU {what}: {n:,} cells · {n_pos:,} ≥ {pos} · {n_ign:,} in the "
                     "ignore band · best {best}",
    "iou.tick_neg": "neg {v}",
    "iou.tick_pos": "pos {v}",
    "iou.click_gt": "GT centres (click to pick)",
    "iou.best_here": "best anchor of this level and shape",
    "iou.caption": "Each coloured square is one grid cell of the level, centred where that cell's anchors are "
                   "centred; its colour is the IoU of the chosen shape's anchor there. Transparent means IoU 0.",
    "iou.overview": "Which level and shape own the object?",
    "iou.overview_first_gt": "Showing GT 0; pick a GT above to see another one.",
    "iou.no_gt": "There are no GT boxes: add or upload some in the sidebar or on the Labels page.",
    "iou.owned": "GT {gt} ({wh}): best IoU {best} at {lv} shape {k} ({awh}) — ★ owns it (≥ {pos})",
    "iou.not_owned": "GT {gt} ({wh}): best IoU {best} at {lv} shape {k} ({awh}) — below {pos}: no level or "
                     "shape owns it",
    "iou.not_owned_note": "No anchor reaches the positive threshold {pos} for GT {gt}: its best is {best} "
                          "({lv}, shape {k}, {awh}). With low-quality matching that one anchor is still made "
                          "positive; without it, this object is learned as background. Try a smaller anchor "
                          "size, another aspect ratio, or a finer level.",
    "iou.overview_caption": "Rows are levels, columns anchor shapes; each panel shows the cells around the GT "
                            "(outlined). The panel title gives the shape's w×h and its best IoU with this GT; "
                            "★ marks the panel with the best anchor.",
    "iou.lq_owned": "GT {gt} ({wh}): best IoU {best} < {pos} at {lv} shape {k} ({awh}) — owned only through the "
                    "low-quality rule",
    "iou.lq_owned_note": "No anchor reaches the positive threshold {pos} for GT {gt}: its best is {best} ({lv}, "
                         "shape {k}, {awh}). Low-quality matching makes its best anchors positive anyway — {n} on the "
                         "Labels page, all below {pos} — so the detector learns this object from weak overlaps. Try a "
                         "smaller anchor size, another aspect ratio, or a finer level.",
    "iou.none_note": "No anchor reaches the positive threshold {pos} for GT {gt}: its best is {best} ({lv}, shape {k}, "
                     "{awh}), and it gets no positive anchor at all (the Labels page says why), so this object is "
                     "learned as background. Try a smaller anchor size, another aspect ratio, or a finer level.",
}
