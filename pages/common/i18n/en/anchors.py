STRINGS = {
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
    # controls
    "anchors.show": "Draw centres of",
    "anchors.show_all": "all levels",
    "anchors.show_picked": "the picked cell's level",
    "anchors.show_help": "One marker per anchor location. Click a centre to pick its cell.",
    "anchors.cell_level": "Picked cell: level",
    "anchors.row": "row (y)",
    "anchors.row_help": "{lv} has {n} rows of cells",
    "anchors.col": "column (x)",
    "anchors.col_help": "{lv} has {n} columns of cells",
    "anchors.shape": "All anchors of one shape across {lv}",
    "anchors.shape_none": "none",
    "anchors.shape_opt": "shape {k}: {wh}",
    # the figure
    "anchors.shape_note": "Shape {k} has {n} anchors on {lv}: the {m} nearest the picked cell are drawn as "
                          "rectangles, the others only as centres.",
    "anchors.levels_one": "1 level",
    "anchors.levels_many": "{n} levels",
    "anchors.fig_title": "{total} anchors on {levels} ({names}) · input {w}×{h} · cell {lv} ({y}, {x}) at ({cx}, "
                         "{cy}): {n} anchors",
    "anchors.fig_shape": " · shape {k} {wh}: {n}",
    "anchors.centre_note": "{lv} has {n} locations: the {m} nearest the picked cell are drawn. Pick another cell to "
                           "move the window.",
    "anchors.centres_name": "{lv} centres ({w}×{h})",
    "anchors.cell": "cell",
    "anchors.shape_name": "shape {k} {wh} ({n})",
    "anchors.cell_anchor": "cell anchor {k}: {wh}",
    "anchors.picked_cell": "picked cell {lv} ({y}, {x})",
    "anchors.clickable_name": "{lv}: the {n} nearest, clickable",
    "anchors.click_caption": "Click a ringed centre (the {n} nearest the picked cell on each level drawn) to pick its "
                             "cell; the row and column boxes above reach any cell. To add a GT box, choose **Box "
                             "Select** in the chart's toolbar and drag over the object (the box is added in photo "
                             "pixels below). Scroll to zoom.",
    # counts
    "anchors.per_level": "Anchors per level",
    "anchors.col_level": "level",
    "anchors.col_stride": "stride",
    "anchors.col_stride_hw": "stride (h×w)",
    "anchors.col_fmap": "feature map",
    "anchors.col_per_location": "anchors / location",
    "anchors.col_anchors": "anchors",
    "anchors.total": "total",
    "anchors.down": "down",
    "anchors.across": "across",
    "anchors.odd_level": "{lv}: {parts} (not {want})",
    "anchors.odd_strides": "torchvision derives each stride from the sizes, input // feature map: {items}. Centres on "
                           "those levels drift toward the top-left.",
    # base anchors
    "anchors.base_panel": "{lv} · stride {s}",
    "anchors.col_shape": "shape",
    "anchors.base_caption": "Each level's anchors of one location, centred on a common point, labelled width×height "
                            "in pixels; the dotted square is one cell (stride × stride). {conv}: {knobs} Example: "
                            "a 16×16 square (keras-retinanet writes it size 32 × scale 0.5) at ratio 2 (h/w): "
                            "w·h = 256 and h = 2w give 11.31×22.62.",
    "anchors.base_table": "Base anchor table",
    # centre offset
    "anchors.offset_panel": "offset {o}: first centre at ({x}, {y})",
    "anchors.cmp_level": "Level to compare",
    "anchors.cmp_help": "The top-left corner of this level, drawn with both offsets.",
    "anchors.offset_fig": "{lv}, stride {s}: the same cells with offset 0 and 0.5 ({conv} uses {cur})",
    "anchors.offset_text": """
With offset 0 the anchor centres sit on the top-left **corner** of their cells: the first centre is on the image
corner and the grid of centres is shifted half a stride up-left: on {lv} of this {w}×{h}
input the first and last centres are {l0} px and {r0} px from the left and right
edges. With 0.5 they sit in the middle of the cells: {l5} px and {r5} px.
Where a library puts them:

* **torchvision** always uses the corner (no option). [pytorch/vision#1765](https://github.com/pytorch/vision/issues/1765)
  pointed out that on a 512×512 image the top-left anchor `[-16, -16, 16, 16]` pokes 16 px out of the image
  while the bottom-right one pokes out only 8 px, and that the asymmetry grows with the stride (P7).
* **detectron2** added `MODEL.ANCHOR_GENERATOR.OFFSET` after
  [facebookresearch/detectron2#378](https://github.com/facebookresearch/detectron2/issues/378) reported grid anchors
  shifted toward the upper left of their cells; the config default stays 0.0 (the comment recommends 0.5 and does
  not expect it to change accuracy).
* **keras-retinanet** centres at `(x + 0.5)·stride`; [fizyr/keras-retinanet#1073](https://github.com/fizyr/keras-retinanet/issues/1073)
  worked out that the right shift depends on the image and feature-map sizes (`(image − (features − 1)·stride) / 2`),
  which differs from half a stride when the image is not a multiple of the stride — P6/P7 feature maps are
  rounded up (13×13 and 7×7 for an 800×800 input).
* **mmdetection** 3.x uses `center_offset=0` (times the base size, not the stride); the v1 legacy generator uses 0.5.

The regression head learns to undo a constant shift, so either choice trains; what changes is which anchors reach
the positive IoU for objects near the right and bottom borders, and whether a model's weights match the anchors
they were trained with.
""",
}
