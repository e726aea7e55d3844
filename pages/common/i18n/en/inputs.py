STRINGS = {
    "inputs.image": "Image",
    "inputs.image_help": "A bundled photo (public domain / CC0, see About) with hand-made boxes, or your upload.",
    "inputs.uploaded": "uploaded: {name}",
    "inputs.uploaded_image": "uploaded image",
    "inputs.upload_image": "Upload an image (JPEG, PNG, WebP, BMP)",
    "inputs.upload_image_help": "EXIF orientation is applied; any colour mode is converted to RGB. An uploaded image "
                                "cannot travel in a link.",
    "inputs.upload_gt": "Upload GT boxes (COCO JSON, YOLO txt, VOC XML, CSV) and, for YOLO, a class-names file",
    "inputs.upload_gt_help": "The file must belong to the image shown. COCO: the image is found by file name (the "
                             "boxes whose image_id is its id). YOLO: class cx cy w h, normalised, in a file named "
                             "after the image (a.txt for a.jpg); add a classes.txt, obj.names or data.yaml to name "
                             "the classes. VOC: one image's XML (its <filename> is checked). CSV: "
                             "x1,y1,x2,y2[,label], header optional, or keras-retinanet's path,x1,y1,x2,y2,class "
                             "(the rows of this image are used).",
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
    "inputs.last_box_file": "{n} box files uploaded: the last one, {name}, is used.",
    "inputs.last_names_file": "{n} class-names files uploaded: the last one, {name}, is used.",
    "inputs.names_not_text": "{name}: expected a UTF-8 text file of class names (data.yaml, classes.txt, obj.names)",
    "inputs.names_waiting": "{name}: {n} class names, used with the next YOLO label file.",
    "inputs.names_unused": "{name} is not used: {fmt} files carry their own class names.",
    "inputs.keeping_boxes": "The previous {n} boxes stay.",
    "inputs.note_crowd": "{file}: {n} crowd region(s) (iscrowd=1) left out; they mark groups of objects, not "
                         "single boxes.",
    "inputs.note_degenerate": "{file}: {n} box(es) with zero width or height left out.",
    "inputs.note_clipped": "{file}: {n} box(es) reaching up to {tol} px outside the image clipped to its border.",
    "inputs.empty_no_objects": "{file} has no boxes for {image}: the file lists this image without any object. 0 "
                               "GT boxes, on purpose.",
    "inputs.empty_empty_file": "{file} has no boxes for {image}: the file holds no box at all (for YOLO, an empty "
                               "label file means an image without objects). 0 GT boxes.",
    "inputs.empty_all_left_out": "{file} has no boxes left for {image}: all {n} record(s) were left out (see the "
                                 "notes).",
    "inputs.no_gt": "No GT boxes on {image}: there is nothing to match, so no anchor can be positive here. Upload "
                    "boxes in the sidebar or draw them on the figure.",
    "inputs.no_gt_title": "{desc}: {pos} positive · {ign} ignored · {neg} negative · no GT boxes",
}
