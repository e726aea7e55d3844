STRINGS = {
    # train-time resize
    "sidebar.resize": "Train-time resize",
    "sidebar.resize_help": "How the photo reaches the network. Anchors, GT and every IoU live in the network input "
                           "(after resize and padding): the feature-map sizes of P6/P7 depend on it.",
    "sidebar.rs_none": "as is (pad to a multiple of size_divisor)",
    "sidebar.rs_shorter_side": "shorter side → min_size, longer ≤ max_size (torchvision / mmdet)",
    "sidebar.rs_letterbox": "letterbox to a square (YOLOv5)",
    "sidebar.rs_custom": "custom size",
    "sidebar.min_size_help": "torchvision GeneralizedRCNNTransform(min_size) / mmdet Resize(scale=(1333, 800)).",
    "sidebar.max_size_help": "Cap for the longer side.",
    "sidebar.img_size_help": "YOLOv5 letterbox(new_shape=img_size): fit inside a square, pad with grey 114.",
    "sidebar.height": "height",
    "sidebar.width": "width",
    "sidebar.keep_ratio_help": "Fit inside without distortion, else stretch.",
    "sidebar.size_divisor_help": "Pad bottom/right up to a multiple of this (32 in torchvision and mmdet).",
    "sidebar.resize_error": "Train-time resize: {e}",
    # anchor setup
    "sidebar.conv": "Convention (library)",
    "sidebar.conv_help": "Whose arithmetic to use: cell anchors, centres, IoU and assignment exactly as that "
                         "library computes them.",
    "sidebar.preset": "Preset",
    "sidebar.preset_help": "Shipped defaults of the library. {note}",
    "sidebar.levels": "Levels",
    "sidebar.levels_help": "Switch pyramid levels on and off. Pk has stride 2^k.",
    "sidebar.from_octave": "from octave_base_scale",
    "sidebar.example_scales": "e.g. 8",
    "sidebar.offset": "centre offset",
    "sidebar.offset_help": "Where in its cell an anchor is centred: 0 = the cell's top-left corner, 0.5 = its "
                           "middle. {note}",
    "sidebar.offset_ssd": "mmdet SSD fixes centres at stride/2 (`centers`).",
    "sidebar.offset_name": "The library's name is `{name}`.",
    "sidebar.offset_none": "{conv} has no option for this: it always uses {off}. Other values are what-ifs.",
    "sidebar.offset_what_if": "⚠ {conv} has no centre-offset option (always {off}); this is a what-if.",
    "sidebar.previous_setup": "Showing the previous good anchor setup until the value above is fixed.",
    # the picture
    "sidebar.upload_no_link": "An uploaded image cannot travel in a link: a copied URL opens this setup on the "
                              "sample {sample!r}. Upload the image again to reproduce the view.",
    "sidebar.credit": "{name}: {credit}. Licence: {licence} Source: {source}",
    # the link
    "sidebar.url_warnings": "Some values in the link could not be used and were replaced by defaults: {items}",
    "sidebar.upload_link": "This link was made with an uploaded image, which cannot travel in a URL: it opens on "
                           "the sample {sample!r}. Upload the image again to reproduce the view.",
    "sidebar.url_one_of": "expected one of {choices}",
    "sidebar.url_bool": "expected 1 or 0",
    "sidebar.url_number": "expected a number",
    "sidebar.url_int": "expected a whole number",
    "sidebar.url_finite": "expected a finite number",
    "sidebar.url_range": "expected a value in [{lo}, {hi}]",
    "sidebar.url_preset": "`preset={preset}` (not available for {conv})",
    "sidebar.url_levels": "`lv={lv}` (expected levels among {choices})",
    "sidebar.url_knobs": "the anchor knobs in the link ({e})",
    "sidebar.url_neg_pos": "`neg={neg}` is above `pos={pos}`",
    "sidebar.url_rs_min": "`rs_min` is above `rs_max`",
}
