"""Tests for the annotation side of anchorviz.io: GroundTruth, COCO, YOLO, Pascal VOC, CSV, dispatch."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import (
    BOX_TOLERANCE_PX,
    MAX_GT_BOXES,
    CocoImage,
    GroundTruth,
    ParseReport,
    coco_images,
    guess_format,
    load_annotations_file,
    parse_annotations,
    parse_coco,
    parse_csv,
    parse_voc,
    parse_yolo,
    to_coco_json,
    to_yolo_txt,
    xyxy_to_yolo,
    yolo_to_xyxy,
)

COCO_TINY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "coco-tiny"
MANY = 10_000


# --------------------------------------------------------------------------------------------------
# fixtures


def coco_dict() -> dict:
    """Two images, non-contiguous category ids, one crowd region and one zero-width box on a.jpg."""
    return {
        "info": {"description": "test"},
        "images": [
            {"id": 7, "file_name": "train/a.jpg", "width": 100, "height": 80},
            {"id": 9, "file_name": "b.jpg", "width": 50, "height": 40},
        ],
        "categories": [
            {"id": 3, "name": "dog", "supercategory": "animal"},
            {"id": 1, "name": "person", "supercategory": "person"},
            {"id": 10, "name": "car", "supercategory": "vehicle"},
        ],
        "annotations": [
            {"id": 100, "image_id": 7, "category_id": 3, "bbox": [10, 20, 30, 40], "iscrowd": 0, "area": 1200},
            {"id": 101, "image_id": 7, "category_id": 1, "bbox": [0, 0, 100, 80], "iscrowd": 1, "area": 8000},
            {"id": 102, "image_id": 9, "category_id": 10, "bbox": [1, 2, 3, 4], "iscrowd": 0, "area": 12},
            {"id": 103, "image_id": 7, "category_id": 10, "bbox": [50.5, 10.25, 20, 5.5], "iscrowd": 0},
            {"id": 104, "image_id": 7, "category_id": 1, "bbox": [5, 5, 0, 10], "iscrowd": 0},
        ],
    }


def coco_bytes(d: dict | None = None) -> bytes:
    return json.dumps(coco_dict() if d is None else d).encode()


VOC_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder>VOC2007</folder>
  <filename>000001.jpg</filename>
  <size><width>353</width><height>500</height><depth>3</depth></size>
  <object>
    <name>dog</name><pose>Left</pose><truncated>1</truncated><difficult>0</difficult>
    <bndbox><xmin>48</xmin><ymin>240</ymin><xmax>195</xmax><ymax>371</ymax></bndbox>
  </object>
  <object>
    <name>person</name><difficult>1</difficult>
    <bndbox><xmin>8</xmin><ymin>12</ymin><xmax>352</xmax><ymax>498.5</ymax></bndbox>
    <part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>
  </object>
</annotation>
"""


def voc_with_objects(objects: str, size: str = "<size><width>100</width><height>80</height></size>") -> bytes:
    return f"<annotation><filename>x.jpg</filename>{size}{objects}</annotation>".encode()


def voc_object(name: str, x1, y1, x2, y2) -> str:
    return (
        f"<object><name>{name}</name><bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin>"
        f"<xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox></object>"
    )


def gt(boxes, labels, names=("a", "b")) -> GroundTruth:
    return GroundTruth(boxes=np.array(boxes, dtype=float), labels=np.array(labels), class_names=tuple(names))


# --------------------------------------------------------------------------------------------------
# GroundTruth


def test_groundtruth_copies_and_freezes_inputs():
    boxes = np.array([[0.0, 0, 10, 10], [5, 5, 6, 8]])
    labels = np.array([1, 0], dtype=np.int32)
    g = GroundTruth(boxes=boxes, labels=labels, class_names=["a", "b"])
    assert g.boxes.dtype == np.float64 and g.boxes.shape == (2, 4)
    assert g.labels.dtype == np.int64 and g.labels.shape == (2,)
    assert g.class_names == ("a", "b")
    assert g.label_names == ("b", "a")
    assert len(g) == 2
    assert not g.boxes.flags.writeable and not g.labels.flags.writeable
    boxes[0, 0] = 99
    assert g.boxes[0, 0] == 0  # a copy, not a view of the caller's array
    with pytest.raises(AttributeError):
        g.boxes = boxes  # type: ignore[misc]


def test_groundtruth_empty_has_right_shapes():
    g = GroundTruth(boxes=[], labels=[], class_names=())
    assert g.boxes.shape == (0, 4) and g.labels.shape == (0,) and g.labels.dtype == np.int64
    assert GroundTruth.empty(("x",)).boxes.shape == (0, 4)


def test_groundtruth_equality_ignores_report():
    a = gt([[0, 0, 1, 1]], [0])
    b = GroundTruth(boxes=a.boxes, labels=a.labels, class_names=a.class_names, report=ParseReport(source="f", format="csv"))
    assert a == b
    assert a != gt([[0, 0, 1, 2]], [0])
    with pytest.raises(TypeError):
        hash(a)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"boxes": [[0, 0, 1]], "labels": [0]}, r"expected shape \(N, 4\)"),
        ({"boxes": [[0, 0, 1, np.nan]], "labels": [0]}, r"NaN or infinite"),
        ({"boxes": [[5, 0, 1, 1]], "labels": [0]}, r"inverted"),
        ({"boxes": [[0, 0, 0, 1]], "labels": [0]}, r"zero width or height"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [2]}, r"label 2 of box 0 is not a class index \(expected 0\.\.1"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [-1]}, r"label -1"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [0.5]}, r"whole-number class indices"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [0, 1]}, r"one label per box, got 1 boxes and 2 labels"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [0], "class_names": ("a", "a")}, r"unique names, got 'a'"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [0], "class_names": "ab"}, r"single string"),
        ({"boxes": [[0, 0, 1, 1]], "labels": [0], "class_names": (1, 2)}, r"expected strings"),
    ],
)
def test_groundtruth_validation(kwargs, match):
    kw = {"class_names": ("a", "b"), **kwargs}
    with pytest.raises(AnchorVizInputError, match=match):
        GroundTruth(**kw)


def test_groundtruth_too_many_boxes():
    boxes = np.tile([0.0, 0, 1, 1], (MAX_GT_BOXES + 1, 1))
    with pytest.raises(AnchorVizInputError, match=r"2,001 ground-truth boxes arrived for one image; the limit is 2,000"):
        GroundTruth(boxes=boxes, labels=np.zeros(len(boxes), int), class_names=("a",))


def test_groundtruth_helpers_return_new_objects():
    g = gt([[0, 0, 1, 1], [1, 1, 3, 3], [2, 2, 5, 5]], [0, 1, 1])
    moved = g.with_boxes(g.boxes + 1)
    assert np.array_equal(moved.boxes, g.boxes + 1) and np.array_equal(moved.labels, g.labels)
    assert np.array_equal(g.boxes[0], [0, 0, 1, 1])
    more = g.append([[10, 10, 20, 20]], [0])
    assert len(more) == 4 and more.labels.tolist() == [0, 1, 1, 0] and len(g) == 3
    fewer = g.drop([0, 2])
    assert fewer.boxes.tolist() == [[1, 1, 3, 3]] and fewer.labels.tolist() == [1]
    masked = g.drop(np.array([False, True, False]))
    assert masked.labels.tolist() == [0, 1]
    assert len(g.drop([])) == 3
    with pytest.raises(AnchorVizInputError, match=r"box index 5 is out of range for 3 boxes"):
        g.drop([5])
    with pytest.raises(AnchorVizInputError, match=r"one label per box"):
        g.with_boxes([[0, 0, 1, 1]])
    with pytest.raises(AnchorVizInputError, match=r"zero width or height"):
        g.append([[0, 0, 0, 0]], [0])


# --------------------------------------------------------------------------------------------------
# COCO


def test_coco_images_lists_all():
    assert coco_images(coco_bytes(), name="inst.json") == [
        CocoImage(id=7, file_name="train/a.jpg", width=100, height=80),
        CocoImage(id=9, file_name="b.jpg", width=50, height=40),
    ]
    assert coco_images({"images": [], "annotations": [], "categories": []}, name="e.json") == []


@pytest.mark.parametrize("key", [7, "train/a.jpg", "a.jpg", np.int64(7)])
def test_parse_coco_one_image(key):
    g = parse_coco(coco_bytes(), name="inst.json", image=key)
    # categories ordered by id: person (1), dog (3), car (10)
    assert g.class_names == ("person", "dog", "car")
    assert g.boxes.tolist() == [[10, 20, 40, 60], [50.5, 10.25, 70.5, 15.75]]
    assert g.label_names == ("dog", "car")
    rep = g.report
    assert rep is not None and rep.format == "coco" and rep.source == "inst.json"
    assert rep.n_records == 4 and rep.n_crowd_dropped == 1 and rep.n_degenerate_dropped == 1 and rep.n_kept == 2
    assert any("1 crowd region" in note for note in rep.notes)
    assert any("zero width or height" in note for note in rep.notes)


def test_parse_coco_accepts_dict_and_does_not_mutate_it():
    d = coco_dict()
    before = copy.deepcopy(d)
    g = parse_coco(d, name="inst.json", image=9)
    assert d == before
    assert g.boxes.tolist() == [[1, 2, 4, 6]] and g.label_names == ("car",)


def test_parse_coco_silences_pycocotools(capsys):
    parse_coco(coco_bytes(), name="inst.json", image=7)
    coco_images(coco_bytes(), name="inst.json")
    assert capsys.readouterr().out == ""


def test_parse_coco_single_image_needs_no_key():
    d = coco_dict()
    d["images"] = d["images"][1:]
    d["annotations"] = [a for a in d["annotations"] if a["image_id"] == 9]
    assert len(parse_coco(d, name="one.json")) == 1


def test_parse_coco_duplicate_annotation_ids_keep_all_boxes():
    d = coco_dict()
    for a in d["annotations"]:
        a["id"] = 1
    assert len(parse_coco(d, name="dup.json", image=7)) == 2


def test_coco_missing_image_by_name_lists_available():
    with pytest.raises(AnchorVizInputError, match=r"inst\.json: no image named 'zebra\.jpg' among 2 images \(available: 'train/a\.jpg', 'b\.jpg'\)"):
        parse_coco(coco_bytes(), name="inst.json", image="zebra.jpg")


def test_coco_missing_image_by_id():
    with pytest.raises(AnchorVizInputError, match=r"inst\.json: no image with id 99 among 2 images \(ids: 7, 9\)"):
        parse_coco(coco_bytes(), name="inst.json", image=99)


def test_coco_several_images_need_a_key():
    with pytest.raises(AnchorVizInputError, match=r"describes 2 images; expected the image to be chosen by id or file name"):
        parse_coco(coco_bytes(), name="inst.json")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b'{"images": [', r"bad\.json: expected valid JSON, parsing failed at line 1, column 13"),
        (b'{"images": []}\n{', r"expected valid JSON, parsing failed at line 2"),
        (b"", r"bad\.json: the file is empty; expected COCO JSON"),
        (b"\xff\xfe\xfa", r"bad\.json: expected (valid JSON|UTF-8 JSON text)"),
        (b'[{"image_id": 1, "bbox": [0, 0, 1, 1], "score": 0.9}]', r"got a JSON list \(a list of detections looks like a COCO results file"),
        (b'"hello"', r"expected a COCO dataset object .* got a JSON str"),
        (b'{"annotations": []}', r"missing 'images', 'categories'"),
        (b'{"images": {}, "annotations": [], "categories": []}', r"expected 'images' to be a list, got dict"),
        (b'{"images": [{"file_name": "a.jpg"}], "annotations": [], "categories": []}', r"images\[0\]: expected the field 'id', it is missing"),
        (b'{"images": [{"id": "x"}], "annotations": [], "categories": []}', r"images\[0\]: expected 'id' to be a whole number, got 'x'"),
        (b'{"images": [], "annotations": [{"id": 1, "category_id": 1}], "categories": []}', r"annotations\[0\]: expected the field 'image_id'"),
        (b"[" * 100_000, r"nested too deeply|expected valid JSON"),
    ],
)
def test_coco_malformed_json(data, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_coco(data, name="bad.json", image=1)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d["annotations"][0].update(bbox=[1, 2, 3]), r"annotation id 100: expected 'bbox' as \[x, y, width, height\]"),
        (lambda d: d["annotations"][0].update(bbox=[1, 2, "3", 4]), r"annotation id 100: expected 4 finite numbers"),
        (lambda d: d["annotations"][0].update(bbox=[1, 2, -3, 4]), r"annotation id 100: expected a non-negative bbox width"),
        (lambda d: d["annotations"][0].update(category_id=42), r"annotation id 100: category_id 42 is not among the categories \(ids 1, 3, 10\)"),
        (lambda d: d["images"].append({"id": 7, "file_name": "c.jpg", "width": 1, "height": 1}), r"unique image ids, got image id 7"),
        (lambda d: d["categories"].append({"id": 3, "name": "cat"}), r"unique category ids, got category id 3"),
        (lambda d: d["categories"].append({"id": 4, "name": "dog"}), r"unique category names, got 'dog' for category ids 3, 4"),
        (lambda d: d["images"][0].update(width=0), r"image id 7: expected a positive width and height, got 0×80"),
    ],
)
def test_coco_bad_records(edit, match):
    d = coco_dict()
    edit(d)
    with pytest.raises(AnchorVizInputError, match=match):
        parse_coco(d, name="inst.json", image=7)


def test_coco_nan_bbox_rejected():
    data = coco_bytes().replace(b"[10, 20, 30, 40]", b"[10, NaN, 30, 40]")
    with pytest.raises(AnchorVizInputError, match=r"inst\.json, annotation id 100: expected 4 finite numbers in 'bbox'"):
        parse_coco(data, name="inst.json", image=7)


def test_coco_box_outside_image():
    d = coco_dict()
    d["annotations"][0]["bbox"] = [90, 20, 30, 40]  # x2 = 120 > 100
    with pytest.raises(AnchorVizInputError, match=r"inst\.json, annotation id 100: box \[x1, y1, x2, y2\] = \[90, 20, 120, 60\] lies outside the 100×80 image"):
        parse_coco(d, name="inst.json", image=7)


def test_coco_box_within_tolerance_is_clipped_and_counted():
    d = coco_dict()
    d["annotations"][0]["bbox"] = [-0.5, 20, 100.9, 40]  # x1 = -0.5, x2 = 100.4
    g = parse_coco(d, name="inst.json", image=7)
    assert g.boxes[0].tolist() == [0, 20, 100, 60]
    assert g.report is not None and g.report.n_clipped == 1
    assert any("clipped" in n for n in g.report.notes)


def test_coco_image_size_mismatch():
    with pytest.raises(AnchorVizInputError, match=r"recorded as 100×80 but the loaded image is 80×100 \(width and height swapped: was the photo's EXIF rotation applied\?\)"):
        parse_coco(coco_bytes(), name="inst.json", image=7, image_wh=(80, 100))
    with pytest.raises(AnchorVizInputError, match=r"recorded as 100×80 but the loaded image is 50×50; expected the same size"):
        parse_coco(coco_bytes(), name="inst.json", image=7, image_wh=(50, 50))
    assert len(parse_coco(coco_bytes(), name="inst.json", image=7, image_wh=(100, 80))) == 2


def test_coco_too_many_boxes():
    d = coco_dict()
    d["annotations"] = [
        {"id": i, "image_id": 7, "category_id": 1, "bbox": [1, 1, 5, 5], "iscrowd": 0} for i in range(MANY)
    ]
    with pytest.raises(AnchorVizInputError, match=r"inst\.json \(image 'train/a\.jpg'\): 10,000 ground-truth boxes arrived for one image; the limit is 2,000"):
        parse_coco(d, name="inst.json", image=7)


def test_coco_round_trip():
    g = gt([[0.5, 1.25, 10, 20], [3, 4, 99.75, 79], [0, 0, 100, 80]], [1, 0, 1], names=("cat", "dog"))
    text = to_coco_json(g, image_name="pic.png", image_wh=(100, 80), image_id=42)
    back = parse_coco(text, name="export.json", image="pic.png", image_wh=(100, 80))
    assert back.class_names == g.class_names
    assert np.array_equal(back.labels, g.labels)
    np.testing.assert_allclose(back.boxes, g.boxes, rtol=0, atol=1e-12)
    d = json.loads(text)
    assert d["images"] == [{"id": 42, "file_name": "pic.png", "width": 100, "height": 80}]
    assert {a["category_id"] for a in d["annotations"]} == {1, 2}
    assert all(a["iscrowd"] == 0 and a["area"] > 0 for a in d["annotations"])


def test_coco_round_trip_empty():
    g = GroundTruth.empty(("only",))
    back = parse_coco(to_coco_json(g, image_name="e.jpg", image_wh=(10, 10)), name="e.json", image=1)
    assert back == g and back.boxes.shape == (0, 4)


def test_coco_export_validates_arguments():
    g = gt([[0, 0, 1, 1]], [0])
    with pytest.raises(AnchorVizInputError, match=r"whole-number image width and height"):
        to_coco_json(g, image_name="a", image_wh=(10.5, 10))
    with pytest.raises(AnchorVizInputError, match=r"whole-number image_id"):
        to_coco_json(g, image_name="a", image_wh=(10, 10), image_id="1")  # type: ignore[arg-type]


def test_coco_tiny_real_file():
    path = COCO_TINY / "instances_train2017.json"
    if not path.is_file():
        pytest.skip(f"real COCO sample not found at {path} (shared data directory absent)")
    data = path.read_bytes()
    raw = json.loads(data)
    images = coco_images(data, name=path.name)
    assert len(images) == len(raw["images"])
    # the image with the most annotations, crowd ones included
    counts: dict[int, int] = {}
    for a in raw["annotations"]:
        counts[a["image_id"]] = counts.get(a["image_id"], 0) + 1
    image_id = max(counts, key=counts.get)
    direct = [a for a in raw["annotations"] if a["image_id"] == image_id]
    n_crowd = sum(1 for a in direct if a["iscrowd"])
    record = next(i for i in images if i.id == image_id)
    g = parse_coco(data, name=path.name, image=record.file_name, image_wh=(record.width, record.height))
    assert g.report is not None
    assert g.report.n_records == len(direct)
    assert g.report.n_crowd_dropped == n_crowd
    assert len(g) == len(direct) - n_crowd - g.report.n_degenerate_dropped
    assert len(g.class_names) == len(raw["categories"])
    assert (g.boxes[:, 2] <= record.width).all() and (g.boxes[:, 3] <= record.height).all()
    first = next(a for a in direct if not a["iscrowd"])
    x, y, w, h = first["bbox"]
    np.testing.assert_allclose(g.boxes[0], [x, y, x + w, y + h])
    assert g.label_names[0] == next(c["name"] for c in raw["categories"] if c["id"] == first["category_id"])


# --------------------------------------------------------------------------------------------------
# YOLO


def test_parse_yolo_basic():
    text = "0 0.5 0.5 0.2 0.4\n\n2 0.25 0.75 0.5 0.5\n"
    g = parse_yolo(text, name="a.txt", image_wh=(200, 100))
    np.testing.assert_allclose(g.boxes, [[80, 30, 120, 70], [0, 50, 100, 100]])
    assert g.labels.tolist() == [0, 2] and g.class_names == ("0", "1", "2")
    assert g.report is not None and g.report.format == "yolo" and g.report.n_records == 2


def test_parse_yolo_with_class_names():
    g = parse_yolo("1 0.5 0.5 0.1 0.1", name="a.txt", image_wh=(10, 10), class_names=["cat", "dog"])
    assert g.label_names == ("dog",) and g.class_names == ("cat", "dog")
    with pytest.raises(AnchorVizInputError, match=r"a\.txt, line 1: class 2 is not in the 2 class names given \(expected 0\.\.1\)"):
        parse_yolo("2 0.5 0.5 0.1 0.1", name="a.txt", image_wh=(10, 10), class_names=["cat", "dog"])


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_parse_yolo_empty_file_is_zero_boxes(text):
    g = parse_yolo(text, name="e.txt", image_wh=(10, 10))
    assert g.boxes.shape == (0, 4) and g.labels.shape == (0,) and g.class_names == ()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0 0.5 0.5 0.2 0.2\n0 1.5 0.5 0.2 0.2", r"y\.txt, line 2: cx = 1\.5 is outside \[0, 1\]"),
        ("0 0.5 -0.1 0.2 0.2", r"line 1: cy = -0\.1 is outside \[0, 1\]"),
        ("0 0.5 0.5 120 80", r"line 1: w = 120 is outside \[0, 1\].*pixel coordinates"),
        ("0 0.5 0.5 nan 0.2", r"line 1: w must be a finite number in \[0, 1\], got 'nan'"),
        ("0 0.5 0.5 0.2 inf", r"line 1: h must be a finite number in \[0, 1\], got 'inf'"),
        ("0 0.5 0.5 0.2", r"line 1: expected 5 values 'class cx cy w h', got 4: '0 0\.5 0\.5 0\.2'"),
        ("\n\n0 0.5 0.5 0.2 0.2 0.9", r"line 3: expected 5 values .* got 6 \(a sixth column looks like a prediction confidence"),
        ("0 0.1 0.1 0.2 0.1 0.2 0.2", r"got 7 \(this looks like a YOLO segmentation polygon"),
        ("0 0.5 abc 0.2 0.2", r"line 1: cy is not a number: 'abc'"),
        ("dog 0.5 0.5 0.2 0.2", r"line 1: expected the class as a whole number >= 0, got 'dog'"),
        ("-1 0.5 0.5 0.2 0.2", r"got '-1'"),
        ("1.0 0.5 0.5 0.2 0.2", r"got '1\.0'"),
        ("999999 0.5 0.5 0.2 0.2", r"class 999999 is implausibly large"),
    ],
)
def test_parse_yolo_errors(text, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_yolo(text, name="y.txt", image_wh=(640, 480))


def test_parse_yolo_box_reaching_outside_image():
    with pytest.raises(AnchorVizInputError, match=r"y\.txt, line 1: box \[x1, y1, x2, y2\] = \[96, 30, 144, 50\] lies outside the 120×80 image"):
        parse_yolo("0 1.0 0.5 0.4 0.25", name="y.txt", image_wh=(120, 80))


def test_parse_yolo_zero_size_dropped_and_counted():
    g = parse_yolo("0 0.5 0.5 0 0.2\n0 0.5 0.5 0.1 0.1\n", name="y.txt", image_wh=(100, 100))
    assert len(g) == 1 and g.report is not None and g.report.n_degenerate_dropped == 1


def test_parse_yolo_needs_image_size():
    with pytest.raises(AnchorVizInputError, match=r"y\.txt: expected the image size as \(width, height\)"):
        parse_yolo("0 0.5 0.5 0.1 0.1", name="y.txt", image_wh=None)
    with pytest.raises(AnchorVizInputError, match=r"expected a positive image size"):
        parse_yolo("0 0.5 0.5 0.1 0.1", name="y.txt", image_wh=(0, 10))


def test_parse_yolo_too_many_boxes():
    text = "0 0.5 0.5 0.1 0.1\n" * MANY
    with pytest.raises(AnchorVizInputError, match=r"big\.txt: 10,000 ground-truth boxes arrived for one image; the limit is 2,000"):
        parse_yolo(text, name="big.txt", image_wh=(100, 100))


def test_yolo_normalised_pixel_round_trip_fixed():
    norm = np.array([[0.5, 0.5, 0.2, 0.4], [0.1, 0.9, 0.2, 0.2]])
    px = yolo_to_xyxy(norm, (200, 100))
    np.testing.assert_allclose(px, [[80, 30, 120, 70], [0, 80, 40, 100]])
    np.testing.assert_allclose(xyxy_to_yolo(px, (200, 100)), norm)
    assert yolo_to_xyxy(np.zeros((0, 4)), (5, 5)).shape == (0, 4)


@settings(max_examples=100, deadline=None)
@given(
    wh=st.tuples(st.integers(1, 4000), st.integers(1, 4000)),
    fracs=st.lists(st.tuples(*[st.floats(0, 1) for _ in range(4)]), min_size=0, max_size=20),
)
def test_yolo_round_trip_property(wh, fracs):
    w, h = wh
    raw = np.array(fracs, dtype=float).reshape(-1, 4)
    x = np.sort(raw[:, [0, 2]], axis=1) * w
    y = np.sort(raw[:, [1, 3]], axis=1) * h
    boxes = np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1)
    np.testing.assert_allclose(yolo_to_xyxy(xyxy_to_yolo(boxes, wh), wh), boxes, atol=1e-9)


def test_yolo_text_round_trip():
    g = gt([[0, 0, 64, 48], [10.5, 3.25, 30, 40]], [1, 0], names=("0", "1"))
    text = to_yolo_txt(g, image_wh=(64, 48))
    assert text.splitlines()[0] == "1 0.5 0.5 1.0 1.0"
    back = parse_yolo(text, name="back.txt", image_wh=(64, 48))
    np.testing.assert_allclose(back.boxes, g.boxes, atol=1e-9)
    assert np.array_equal(back.labels, g.labels)
    assert to_yolo_txt(GroundTruth.empty(), image_wh=(5, 5)) == ""


def test_yolo_export_refuses_boxes_outside_image():
    with pytest.raises(AnchorVizInputError, match=r"YOLO export, box 0: .*lies outside the 10×10 image"):
        to_yolo_txt(gt([[0, 0, 20, 5]], [0]), image_wh=(10, 10))


# --------------------------------------------------------------------------------------------------
# Pascal VOC


def test_parse_voc_basic():
    g = parse_voc(VOC_XML, name="000001.xml")
    assert g.class_names == ("dog", "person")
    assert g.boxes.tolist() == [[48, 240, 195, 371], [8, 12, 352, 498.5]]  # kept as written; <part> ignored
    assert g.label_names == ("dog", "person")
    assert g.report is not None and g.report.format == "voc" and g.report.n_records == 2


def test_parse_voc_text_input_and_class_names():
    g = parse_voc(VOC_XML.decode(), name="a.xml", image_wh=(353, 500), class_names=("person", "cat", "dog"))
    assert g.labels.tolist() == [2, 0]
    with pytest.raises(AnchorVizInputError, match=r"a\.xml, object 1 \('dog'\): class 'dog' is not one of the class names \('cat'\)"):
        parse_voc(VOC_XML, name="a.xml", class_names=("cat",))


def test_parse_voc_no_objects():
    g = parse_voc(voc_with_objects(""), name="e.xml")
    assert g.boxes.shape == (0, 4) and g.class_names == ()


def test_voc_external_entity_refused():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<annotation><object><name>&xxe;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>"""
    with pytest.raises(AnchorVizInputError, match=r"evil\.xml: refused: the XML declares an entity \('xxe'\)"):
        parse_voc(xxe, name="evil.xml")


def test_voc_billion_laughs_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<annotation><filename>&lol2;</filename></annotation>"""
    with pytest.raises(AnchorVizInputError, match=r"lol\.xml: refused: the XML declares an entity \('lol'\)"):
        parse_voc(bomb, name="lol.xml")


def test_voc_external_parameter_entity_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY % remote SYSTEM "http://example.com/evil.dtd"> %remote;]>
<annotation/>"""
    with pytest.raises(AnchorVizInputError, match=r"p\.xml: refused: the XML (declares an entity|refers to an external resource)"):
        parse_voc(data, name="p.xml")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"<annotation><object></annotation>", r"v\.xml: expected well-formed Pascal VOC XML, parsing failed at line 1, column 23 \(mismatched tag\)"),
        (b"", r"v\.xml: the file is empty; expected Pascal VOC XML"),
        (b"<svg></svg>", r"expected a Pascal VOC <annotation> root element, got <svg>"),
        (voc_with_objects("<object><bndbox/></object>"), r"v\.xml, object 1: expected a non-empty <name>"),
        (voc_with_objects("<object><name>cat</name></object>"), r"v\.xml, object 1 \('cat'\): expected a <bndbox>"),
        (
            voc_with_objects(voc_object("cat", 1, 1, 5, 5) + "<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax></bndbox></object>"),
            r"object 2 \('dog'\): <bndbox> is missing <ymax>",
        ),
        (voc_with_objects(voc_object("cat", "a", 1, 5, 5)), r"object 1 \('cat'\): <xmin> is not a number: 'a'"),
        (voc_with_objects(voc_object("cat", 1, 1, "nan", 5)), r"<xmax> must be a finite number"),
        (voc_with_objects(voc_object("cat", 10, 1, 5, 5)), r"object 1 \('cat'\): expected xmax >= xmin, got xmin = 10, xmax = 5"),
        (voc_with_objects(voc_object("cat", 1, 10, 5, 5)), r"expected ymax >= ymin"),
        (voc_with_objects(voc_object("cat", 1, 1, 150, 5)), r"v\.xml, object 1 \('cat'\): box .* lies outside the 100×80 image"),
        (voc_with_objects("", "<size><width>w</width><height>1</height></size>"), r"<size> expected numeric width and height"),
    ],
)
def test_voc_errors(data, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_voc(data, name="v.xml")


def test_voc_size_mismatch_and_fallback():
    with pytest.raises(AnchorVizInputError, match=r"<size> says the image is 100×80 but the loaded image is 80×100"):
        parse_voc(voc_with_objects(voc_object("cat", 1, 1, 5, 5)), name="v.xml", image_wh=(80, 100))
    # without <size> (or with 0x0) the caller's size is used; without either no inside check is made
    g = parse_voc(voc_with_objects(voc_object("cat", 1, 1, 500, 5), size=""), name="v.xml")
    assert g.boxes.tolist() == [[1, 1, 500, 5]]
    zero = "<size><width>0</width><height>0</height></size>"
    with pytest.raises(AnchorVizInputError, match=r"lies outside the 50×50 image"):
        parse_voc(voc_with_objects(voc_object("cat", 1, 1, 500, 5), size=zero), name="v.xml", image_wh=(50, 50))


def test_voc_one_based_border_box_fits_by_tolerance():
    g = parse_voc(voc_with_objects(voc_object("cat", 1, 1, 101, 81)), name="v.xml")
    assert g.boxes.tolist() == [[1, 1, 100, 80]] and g.report is not None and g.report.n_clipped == 1


def test_voc_too_many_boxes():
    data = voc_with_objects(voc_object("cat", 1, 1, 5, 5) * MANY)
    with pytest.raises(AnchorVizInputError, match=r"v\.xml: 10,000 ground-truth boxes arrived for one image; the limit is 2,000"):
        parse_voc(data, name="v.xml")


# --------------------------------------------------------------------------------------------------
# CSV


@pytest.mark.parametrize(
    "text",
    [
        "x1,y1,x2,y2,label\n10,20,30,40,dog\n\n1.5,2,3,4,cat\n",
        "10,20,30,40,dog\n1.5,2,3,4,cat",
        "\ufeff\n  \nxmin, ymin, xmax, ymax, class\r\n10, 20, 30, 40, dog\r\n1.5, 2, 3, 4, cat\r\n,,,,\n",
        'x1,y1,x2,y2,label\n10,20,30,40,"dog"\n1.5,2,3,4,"cat"\n',
    ],
)
def test_parse_csv_with_and_without_header(text):
    g = parse_csv(text, name="b.csv")
    assert g.boxes.tolist() == [[10, 20, 30, 40], [1.5, 2, 3, 4]]
    assert g.class_names == ("cat", "dog") and g.label_names == ("dog", "cat")
    assert g.report is not None and g.report.format == "csv"


def test_parse_csv_without_labels():
    g = parse_csv("0,0,5,5\n1,1,2,2\n", name="b.csv")
    assert g.class_names == ("object",) and g.labels.tolist() == [0, 0]
    g = parse_csv("0,0,5,5\n", name="b.csv", class_names=("face",))
    assert g.label_names == ("face",)


def test_parse_csv_class_names_and_index_fallback():
    g = parse_csv("0,0,5,5,dog\n0,0,5,5,1\n", name="b.csv", class_names=("cat", "dog"))
    assert g.labels.tolist() == [1, 1]
    with pytest.raises(AnchorVizInputError, match=r"b\.csv, row 1: label 'cow' is not one of the class names \('cat', 'dog'\)"):
        parse_csv("0,0,5,5,cow\n", name="b.csv", class_names=("cat", "dog"))


@pytest.mark.parametrize("text", ["", "\n\n", "x1,y1,x2,y2\n", "x1,y1,x2,y2,label\n\n"])
def test_parse_csv_empty(text):
    g = parse_csv(text, name="e.csv")
    assert g.boxes.shape == (0, 4) and g.labels.shape == (0,)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("x1,y1,x2,y2\n0,0,5,5\n30,0,10,5\n", r"b\.csv, row 3: expected x2 >= x1, got x1 = 30, x2 = 10"),
        ("0,0,5,5\n0,9,5,5\n", r"b\.csv, row 2: expected y2 >= y1, got y1 = 9, y2 = 5"),
        ("0,0,5,5\n0,nan,5,5\n", r"row 2: y1 must be a finite number, got 'nan'"),
        ("0,0,5,5\n0,0,inf,5\n", r"row 2: x2 must be a finite number, got 'inf'"),
        ("0,0,5,5,a\n\n\n0,0,5,5\n", r"b\.csv, row 4: expected 5 columns like row 1, got 4"),
        ("x1,y1,x2,y2\n0,0,5,5,a\n", r"row 2: expected 4 columns like the header, got 5"),
        ("0,0,5\n", r"row 1: expected 4 or 5 columns 'x1,y1,x2,y2\[,label\]', got 3"),
        ("a,b,c\n0,0,5\n", r"row 1 \(header\): expected 4 or 5 columns"),
        ("x1,y1,x2,y2\n0,0,five,5\n", r"row 2: x2 is not a number: 'five'"),
        ("0,0,5,5,\n", r"row 1: the label \(5th column\) is empty"),
        ('0,0,5,5,"dog\n1,1,2,2,cat\n', r"b\.csv, row 2: the label spans several lines .*unbalanced double quote"),
        ("0,0,500,5\n", r"b\.csv, row 1: box \[x1, y1, x2, y2\] = \[0, 0, 500, 5\] lies outside the 100×80 image"),
    ],
)
def test_parse_csv_errors(text, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_csv(text, name="b.csv", image_wh=(100, 80))


def test_parse_csv_nul_byte_is_an_error():
    try:
        g = parse_csv("0,0,5,5\n\x00,1,2,3\n", name="b.csv")
    except AnchorVizInputError as e:
        assert str(e).startswith("b.csv, row 2")
    else:  # pragma: no cover - csv module versions differ on NUL handling
        pytest.fail(f"expected an error, got {g}")


def test_parse_csv_too_many_boxes():
    text = "x1,y1,x2,y2\n" + "0,0,5,5\n" * MANY
    with pytest.raises(AnchorVizInputError, match=r"b\.csv: 10,000 ground-truth boxes arrived for one image; the limit is 2,000"):
        parse_csv(text, name="b.csv")


def test_parse_csv_exactly_the_limit_is_fine():
    assert len(parse_csv("0,0,5,5\n" * MAX_GT_BOXES, name="b.csv")) == MAX_GT_BOXES


def test_parse_csv_zero_area_dropped_and_counted():
    g = parse_csv("0,0,5,5\n3,3,3,9\n", name="b.csv")
    assert len(g) == 1 and g.report is not None and g.report.n_degenerate_dropped == 1 and g.report.n_records == 2


# --------------------------------------------------------------------------------------------------
# format detection and dispatch


@pytest.mark.parametrize(
    ("filename", "data", "fmt"),
    [
        ("inst.json", b"{}", "coco"),
        ("A.JSON", b"", "coco"),
        ("0001.xml", b"<annotation/>", "voc"),
        ("boxes.csv", b"", "csv"),
        ("labels.txt", b"0 0.5 0.5 0.1 0.1\n", "yolo"),
        ("labels.txt", b"", "yolo"),
        ("labels.txt", b"\n10,20,30,40\n", "csv"),
        ("export.txt", b'{"images": []}', "coco"),
        ("upload", b'  \n{"images": []}', "coco"),
        ("upload", b"\xef\xbb\xbf<?xml version='1.0'?><annotation/>", "voc"),
        ("upload.dat", b"x1,y1,x2,y2\n", "csv"),
        ("upload", "0 0.5 0.5 0.1 0.1", "yolo"),
    ],
)
def test_guess_format(filename, data, fmt):
    assert guess_format(filename, data) == fmt


@pytest.mark.parametrize(("data", "match"), [(b"", r"it is empty"), (b"hello world\n", r"its first line is 'hello world'")])
def test_guess_format_unknown(data, match):
    with pytest.raises(AnchorVizInputError, match=rf"mystery\.bin: expected COCO JSON, Pascal VOC XML, YOLO \.txt or CSV; cannot tell the format \({match}"):
        guess_format("mystery.bin", data)


def test_parse_annotations_dispatches_every_format():
    coco = parse_annotations(coco_bytes(), name="inst.json", image_wh=(100, 80), image_key="a.jpg")
    assert coco.report is not None and coco.report.format == "coco" and len(coco) == 2
    voc = parse_annotations(VOC_XML, name="000001.xml", image_wh=(353, 500))
    assert voc.report is not None and voc.report.format == "voc" and len(voc) == 2
    yolo = parse_annotations(b"1 0.5 0.5 0.5 0.5\n", name="l.txt", image_wh=(10, 10), class_names=("a", "b"))
    assert yolo.report is not None and yolo.report.format == "yolo" and yolo.label_names == ("b",)
    csv_gt = parse_annotations("x1,y1,x2,y2,label\n1,1,5,5,tür\n".encode("utf-8-sig"), name="b.csv", image_wh=None)
    assert csv_gt.report is not None and csv_gt.report.format == "csv" and csv_gt.class_names == ("tür",)


def test_parse_annotations_errors():
    with pytest.raises(AnchorVizInputError, match=r"l\.txt: YOLO coordinates are relative to the image size; expected image_wh"):
        parse_annotations(b"0 0.5 0.5 0.1 0.1", name="l.txt", image_wh=None)
    with pytest.raises(AnchorVizInputError, match=r"b\.csv: expected UTF-8 text, got an undecodable byte at position 0 \(is this an image"):
        parse_annotations(b"\x89\xff\x00PNG", name="b.csv", image_wh=None)
    with pytest.raises(AnchorVizInputError, match=r"inst\.json: no image named 'zzz\.jpg'"):
        parse_annotations(coco_bytes(), name="inst.json", image_wh=None, image_key="zzz.jpg")
    with pytest.raises(AnchorVizInputError, match=r"expected the annotation file's bytes, got str"):
        parse_annotations("0,0,1,1", name="b.csv", image_wh=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("inst.json", json.dumps({"images": [{"id": 1, "file_name": "i.jpg", "width": 100, "height": 80}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 150, 10]}], "categories": [{"id": 1, "name": "a"}]}).encode()),
        ("l.txt", b"0 0.9 0.5 0.5 0.5\n"),
        ("a.xml", voc_with_objects(voc_object("cat", 0, 0, 10, 90))),
        ("b.csv", b"0,0,10,90\n"),
    ],
)
def test_boxes_outside_image_in_every_format(name, data):
    with pytest.raises(AnchorVizInputError, match=re.escape(name) + r", (annotation id 1|line 1|object 1 \('cat'\)|row 1): box .* lies outside the 100×80 image"):
        parse_annotations(data, name=name, image_wh=(100, 80))


def test_boxes_on_the_tolerance_edge():
    inside = parse_csv(f"0,0,{100 + BOX_TOLERANCE_PX},80\n", name="b.csv", image_wh=(100, 80))
    assert inside.boxes.tolist() == [[0, 0, 100, 80]]
    with pytest.raises(AnchorVizInputError, match=r"lies outside"):
        parse_csv(f"0,0,{100 + BOX_TOLERANCE_PX + 0.01},80\n", name="b.csv", image_wh=(100, 80))


def test_load_annotations_file_reads_from_disk():
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "boxes.csv"
        p.write_text("0,0,5,5,cat\n")
        g = load_annotations_file(p, image_wh=(10, 10))
        assert g.report is not None and g.report.source == "boxes.csv" and g.label_names == ("cat",)
        with pytest.raises(AnchorVizInputError, match=r"nope\.csv: expected a readable annotation file"):
            load_annotations_file(Path(tmp) / "nope.csv", image_wh=None)
