from anchorviz.core.knobs.messages import MESSAGES

STRINGS = {
    # what each knob means, in the library's words (the labels are the libraries' own names and stay)
    "knobs.groups": " One comma-separated group per level, levels separated by ';'. One group alone applies to "
                    "every level.",
    "knobs.torchvision_sizes": "AnchorGenerator(sizes=...): anchor side lengths in pixels of the network input "
                               "(area = size²).",
    "knobs.torchvision_aspect_ratios": "AnchorGenerator(aspect_ratios=...): ratio = h/w (h = size·√r, w = size/√r); "
                                       "half-sides are rounded half-to-even.",
    "knobs.detectron2_sizes": "MODEL.ANCHOR_GENERATOR.SIZES: anchor side lengths in pixels (area = size²); size is "
                              "the outer loop.",
    "knobs.detectron2_aspect_ratios": "MODEL.ANCHOR_GENERATOR.ASPECT_RATIOS: ratio = h/w (w = √(size²/r), h = r·w).",
    "knobs.mmdet_strides": "AnchorGenerator(strides=...): pixels between cells, one per level.",
    "knobs.mmdet_base_sizes": "AnchorGenerator(base_sizes=...): the side that scales multiply, one per level. Blank "
                              "= the strides.",
    "knobs.mmdet_octave_base_scale": "If set, scales = octave_base_scale · 2^(i/scales_per_octave), i = "
                                     "0..scales_per_octave-1 (RetinaNet: 4 and 3). Blank = use `scales`.",
    "knobs.mmdet_scales_per_octave": "Used with octave_base_scale.",
    "knobs.mmdet_scales": "AnchorGenerator(scales=...): multipliers of base_size, shared by every level (ignored "
                          "when octave_base_scale is set). Anchor side = base_size · scale.",
    "knobs.mmdet_ratios": "AnchorGenerator(ratios=...): ratio = h/w (w = base·scale/√r, h = base·scale·√r), shared "
                          "by every level.",
    "knobs.ssd_strides": "SSDAnchorGenerator(strides=...): one per level; centres at stride/2.",
    "knobs.ssd_base_sizes": "Per-level min size from basesize_ratio_range (SSD300 COCO: 21, 45, 99, 153, 207, 261).",
    "knobs.ssd_scales": "Per level: 1 and √(max_size/min_size).",
    "knobs.ssd_ratios": "Per level: 1, then 1/r and r for each of the level's ratios; ratio = h/w.",
    "knobs.keras_sizes": "AnchorParameters(sizes=...): base side per level (32..512).",
    "knobs.keras_strides": "AnchorParameters(strides=...): one per level (8..128).",
    "knobs.keras_ratios": "AnchorParameters(ratios=...): ratio = h/w (w = √(side²/r), h = w·r).",
    "knobs.keras_scales": "AnchorParameters(scales=...): side = size · scale (2^0, 2^(1/3), 2^(2/3)).",
    "knobs.d2l_sizes": "multibox_prior(sizes=...): fractions of the image height, in (0, 1].",
    "knobs.d2l_ratios": "multibox_prior(ratios=...): ratio = w/h here, NOT h/w. Anchors per location = #sizes + "
                        "#ratios - 1.",
    "knobs.d2l_fmap": "display_anchors(fmap_w, fmap_h): feature-map size per level as HxW, levels separated by ';'. "
                      "Blank = one location per pixel (multibox_prior on the image itself).",
    "knobs.yolov5_anchors": "Model yaml `anchors:` w,h pixel pairs per level (P3/8: 10,13, 16,30, 33,23), levels "
                            "separated by ';'.",
    # what is wrong with a typed value (each starts with the knob's own name): the core's English sentences
    **{f"knobs.{code}": text for code, text in MESSAGES.items()},
    "knobs.rounded": " Shown rounded to two decimals; the setup keeps every digit, and a rounded preset value "
                     "(40.32 for 32·2^(1/3)) stands for the preset's exact one.",
}
