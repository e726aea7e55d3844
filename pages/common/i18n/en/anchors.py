STRINGS = {
    "common.image_and_boxes": "Image and boxes",
    "common.anchor_setup": "Anchor setup",
    "anchors.title": "Anchors on the network input",
    "anchors.intro": (
        "**What you see:** the image as it reaches the network (after the train-time resize), its GT boxes, and "
        "the anchor centres of the chosen level(s). Click a centre to draw every anchor of that cell; pick a shape "
        "to draw it across the whole level. **Try:** change a size, a ratio or the stride in the sidebar and watch "
        "the grid and the counts change; switch the convention and see the same setup move by half a stride."
    ),
    "anchors.formulas": (
        "- Each level has a stride *s*: one cell per *s* × *s* pixels of the input, feature map ⌈H/s⌉ × ⌈W/s⌉.\n"
        "- An anchor of size *S* and ratio *r* (h/w; w/h in d2l) is *w = S/√r*, *h = S·√r*: same area *S²*.\n"
        "- Its centre is *(x + offset)·s*: offset 0 is the cell corner (torchvision, mmdet, detectron2 configs), "
        "0.5 the cell centre (keras-retinanet, YOLOv5, d2l).\n"
        "- Anchors per level = cells × sizes × ratios (d2l: cells × (n + m − 1))."
    ),
    "anchors.base_title": "Base anchors of each level",
    "anchors.offset_title": "Centre offset: cell corner (0) or cell centre (0.5)",
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
}
