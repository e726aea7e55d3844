STRINGS = {
    "common.language": "Language",
    "common.image_and_boxes": "Image and boxes",
    "common.anchor_setup": "Anchor setup",
}
