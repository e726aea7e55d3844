STRINGS = {
    "inputs.image": "Image",
    "inputs.image_help": "A bundled photo (public domain / CC0, see About) with hand-made boxes, or your upload.",
    "inputs.uploaded": "uploaded: {name}",
    "inputs.uploaded_image": "uploaded image",
    "inputs.upload_image": "Upload an image (JPEG, PNG, WebP, BMP)",
    "inputs.upload_image_help": "EXIF orientation is applied; any colour mode is converted to RGB. An uploaded image "
                                "cannot travel in a link.",
    "inputs.upload_gt": "Upload GT boxes (COCO JSON, YOLO txt, VOC XML, CSV)",
    "inputs.upload_gt_help": "COCO: pick the image by file name. YOLO: class cx cy w h, normalised. VOC: one image's "
                             "XML. CSV: x1,y1,x2,y2[,label], header optional.",
    "inputs.coco_image": "Image in {name}",
    "inputs.coco_placeholder": "choose the image these boxes belong to",
    "inputs.coco_help": "The COCO file lists these images; the boxes of the chosen one are used.",
    "inputs.link_box_fields": "gt: box {i} should be x1,y1,x2,y2,class, got {text!r}",
    "inputs.link_box_number": "gt: box {i} has a non-number: {text!r}",
    "inputs.link_boxes": "the edited boxes in the link ({e})",
    "inputs.new_box": "New box: {e}",
    "inputs.new_class": "Class of boxes drawn on the figure",
    "inputs.gt_table": "GT table",
    "inputs.gt_table_numbers": "GT table: expected numbers in x1, y1, x2, y2 ({e})",
    "inputs.gt_expander": "Ground truth: {n} boxes (edit, add, delete, download)",
    "inputs.gt_caption": "{n} boxes on {name} ({w}×{h} photo pixels). Edit a cell, add a row at the bottom, or "
                         "select rows and delete them. Drag in Box Select mode on the figure to add one.",
    "inputs.col_class": "class",
    "inputs.incomplete": "{n} row(s) without all of x1, y1, x2, y2 are not applied yet.",
    "inputs.download_gt": "Download GT as COCO JSON",
}
