"""The I/O edge of anchorviz: uploaded images and annotation files in, arrays and GroundTruth out.

Parsers take bytes/text/dicts already read (testable in memory); ``load_*_file`` helpers open paths.
Every problem with the user's data is raised as `anchorviz.core.errors.AnchorVizInputError` naming the file
and the record. Nothing uploaded is ever evaluated, unpickled or written to disk.

Modules: `images` (decode images), `groundtruth` (GroundTruth, shared checks), `coco`, `yolo`, `voc`,
`csv_format` (one format each), `annotations` (format detection and dispatch).
"""

from __future__ import annotations

from anchorviz.io.annotations import (
    ANNOTATION_FORMATS,
    AnnotationFormat,
    guess_format,
    load_annotations_file,
    parse_annotations,
)
from anchorviz.io.coco import CocoImage, coco_images, parse_coco, to_coco_json
from anchorviz.io.coco_file import load_coco_dataset
from anchorviz.io.csv_format import parse_csv
from anchorviz.io.groundtruth import (
    BOX_TOLERANCE_PX,
    MAX_GT_BOXES,
    GroundTruth,
    ParseReport,
    build_ground_truth,
    check_box_count,
    check_inside_image,
)
from anchorviz.io.images import ACCEPTED_FORMATS, DEFAULT_MAX_PIXELS, load_image, load_image_file, read_image_size
from anchorviz.io.voc import parse_voc
from anchorviz.io.yolo import parse_yolo, to_yolo_txt, xyxy_to_yolo, yolo_to_xyxy

__all__ = [
    "ACCEPTED_FORMATS",
    "ANNOTATION_FORMATS",
    "BOX_TOLERANCE_PX",
    "DEFAULT_MAX_PIXELS",
    "MAX_GT_BOXES",
    "AnnotationFormat",
    "CocoImage",
    "GroundTruth",
    "ParseReport",
    "build_ground_truth",
    "check_box_count",
    "check_inside_image",
    "coco_images",
    "guess_format",
    "load_annotations_file",
    "load_coco_dataset",
    "load_image",
    "load_image_file",
    "parse_annotations",
    "parse_coco",
    "parse_csv",
    "parse_voc",
    "parse_yolo",
    "read_image_size",
    "to_coco_json",
    "to_yolo_txt",
    "xyxy_to_yolo",
    "yolo_to_xyxy",
]
