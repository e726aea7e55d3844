"""What each convention's knobs mean, in the library's words (the sidebar's caption under the convention)."""

STRINGS = {
    "conventions.help_torchvision": "AnchorGenerator(sizes, aspect_ratios). aspect_ratio = h/w; cell anchors are "
                                    "round(±w/2), round(±h/2) (half-to-even), centred on the top-left corner of "
                                    "each cell; stride = padded image size // feature size.",
    "conventions.help_mmdet": "AnchorGenerator(strides, ratios, scales | octave_base_scale, base_sizes, "
                              "center_offset). ratio = h/w; w = base_size*scale/sqrt(ratio); no rounding; the base "
                              "centre is center_offset*base_size (the base size, not the stride).",
    "conventions.help_mmdet_v1": "LegacyAnchorGenerator: widths count pixels (x2 - x1 + 1); centre 0.5*(base - 1); "
                                 "corners ctr ∓ 0.5*(w - 1), rounded. ratio = h/w.",
    "conventions.help_mmdet_ssd": "SSDAnchorGenerator(scale_major=False): per level base size (from "
                                  "basesize_ratio_range), scales (1, sqrt(max/min)) and ratios (1, 1/r, r); "
                                  "anchors centred at stride/2.",
    "conventions.help_detectron2": "MODEL.ANCHOR_GENERATOR.SIZES / ASPECT_RATIOS / OFFSET. aspect ratio = h/w; "
                                   "size is the outer loop; cell centre at (x + OFFSET)*stride; config default "
                                   "OFFSET is 0.0 (the class default is 0.5).",
    "conventions.help_keras_retinanet": "AnchorParameters(sizes, strides, ratios, scales). ratio = h/w; side = "
                                        "size*scale; centres at (x + 0.5)*stride; feature sizes ceil(image / "
                                        "2^level).",
    "conventions.help_d2l": "multibox_prior(data, sizes, ratios). sizes are fractions of the image height, ratio = "
                            "w/h (not h/w!), n + m - 1 anchors per pixel, centres at (x + 0.5)/W.",
    "conventions.help_yolov5": "anchors: explicit (w, h) pixel pairs per level (model yaml). A target matches an "
                               "anchor when max(r, 1/r) < anchor_t for both w and h; anchor centres at (x + "
                               "0.5)*stride.",
}
