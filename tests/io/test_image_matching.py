"""A box file is matched to the chosen image (issue #16 point 1): another image's boxes are an error naming both,
zero boxes on purpose carry the reason; YOLO class names from classes.txt / data.yaml; the report in codes."""

from __future__ import annotations

import json

import pytest

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import parse_annotations
from anchorviz.io.csv_format import parse_csv
from anchorviz.io.groundtruth import same_image
from anchorviz.io.parse_report import ParseReport
from anchorviz.io.yolo import yolo_class_names


def coco(images, anns) -> bytes:
    return json.dumps({"images": [{"id": i, "file_name": n, "width": 100, "height": 80} for i, n in images],
                       "annotations": [{"id": k, "image_id": i, "category_id": 1, "bbox": [1, 2, 10, 20]}
                                       for k, i in enumerate(anns)],
                       "categories": [{"id": 1, "name": "cat"}]}).encode()


def parse(data: bytes, name: str, image: str = "a.jpg"):
    return parse_annotations(data, name=name, image_wh=(100, 80), image_name=image)


# ---------------------------------------------------------------------------------------------------------
# COCO


def test_coco_annotations_pointing_at_ids_the_file_does_not_list_are_an_error():
    with pytest.raises(AnchorVizInputError, match=r"no annotation refers to image id 1 \('a\.jpg'\); 2 of the "
                                                  r"file's 2 annotations refer to image id 999, which its images "
                                                  r"list does not have \(it lists ids 1\)"):
        parse(coco([(1, "a.jpg")], [999, 999]), "i.json")


@pytest.mark.parametrize("anns, reason", [([2, 2], "no_objects"), ([], "empty_file")])
def test_coco_image_without_objects_gives_zero_boxes_with_the_reason(anns, reason):
    gt = parse(coco([(1, "a.jpg"), (2, "b.jpg")], anns), "i.json")
    assert len(gt) == 0 and gt.report.empty_reason == reason and gt.report.image == "a.jpg"
    assert "i.json has no boxes for a.jpg" in gt.report.empty_text()


def test_coco_image_with_boxes_has_no_empty_reason():
    gt = parse(coco([(1, "a.jpg")], [1, 1]), "i.json")
    assert len(gt) == 2 and gt.report.empty_reason == "" and gt.report.empty_text() == ""


# ---------------------------------------------------------------------------------------------------------
# YOLO, VOC


def test_yolo_label_file_of_another_image_is_an_error():
    with pytest.raises(AnchorVizInputError, match=r"b\.txt: YOLO pairs a label file with its image by name: these "
                                                  r"are the labels of an image named b\.\*, not of 'a\.jpg'; "
                                                  r"expected a\.txt"):
        parse(b"0 0.5 0.5 0.1 0.1\n", "b.txt")
    assert len(parse(b"0 0.5 0.5 0.1 0.1\n", "a.txt")) == 1
    assert len(parse_annotations(b"0 0.5 0.5 0.1 0.1\n", name="b.txt", image_wh=(100, 80))) == 1  # no name given


def test_empty_yolo_file_is_an_image_without_objects():
    gt = parse(b"", "a.txt")
    assert len(gt) == 0 and gt.report.empty_reason == "empty_file"


VOC = (b"<annotation><filename>{fn}</filename><size><width>100</width><height>80</height></size>{obj}"
       b"</annotation>")
OBJ = b"<object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>"


def test_voc_file_naming_another_image_is_an_error():
    with pytest.raises(AnchorVizInputError, match=r"<filename> says these boxes are for 'z\.jpg', but the loaded "
                                                  r"image is 'a\.jpg'"):
        parse(VOC.replace(b"{fn}", b"z.jpg").replace(b"{obj}", OBJ), "a.xml")
    assert len(parse(VOC.replace(b"{fn}", b"a.png").replace(b"{obj}", OBJ), "x.xml")) == 1  # converted photo
    gt = parse(VOC.replace(b"{fn}", b"a.jpg").replace(b"{obj}", b""), "a.xml")
    assert len(gt) == 0 and gt.report.empty_reason == "no_objects"


# ---------------------------------------------------------------------------------------------------------
# CSV with an image column


KERAS = "images/b.jpg,1,2,30,40,dog\nimages/a.jpg,5,6,20,30,cat\nimages/a.jpg,7,8,9,10,dog\nimages/c.jpg,,,,,\n"


def test_csv_with_image_paths_reads_the_rows_of_the_image():
    gt = parse_csv(KERAS, name="k.csv", image_name="a.jpg")
    assert gt.boxes.tolist() == [[5, 6, 20, 30], [7, 8, 9, 10]]
    assert gt.class_names == ("cat", "dog") and gt.label_names == ("cat", "dog")  # the whole file's classes
    assert gt.report.image == "images/a.jpg"


def test_csv_image_listed_without_objects_and_without_rows():
    gt = parse_csv(KERAS, name="k.csv", image_name="c.jpg")
    assert len(gt) == 0 and gt.report.empty_reason == "no_objects"
    with pytest.raises(AnchorVizInputError, match=r"k\.csv: no row for image 'q\.jpg' .* lists 3 images: "
                                                  r"'images/b\.jpg', 'images/a\.jpg', 'images/c\.jpg'"):
        parse_csv(KERAS, name="k.csv", image_name="q.jpg")
    with pytest.raises(AnchorVizInputError, match="lists 3 images .*expected the image whose rows to read"):
        parse_csv(KERAS, name="k.csv")


def test_csv_with_a_header_naming_the_image_column():
    text = "filename,width,height,class,xmin,ymin,xmax,ymax\na.jpg,100,80,cat,1,2,3,4\nb.jpg,100,80,dog,5,6,7,8\n"
    gt = parse_annotations(text.encode(), name="t.csv", image_wh=(100, 80), image_name="b.jpg")
    assert gt.boxes.tolist() == [[5, 6, 7, 8]] and gt.label_names == ("dog",)
    with pytest.raises(AnchorVizInputError, match=r"row 3: x1 must be a finite number, got 'nan'"):
        parse_csv("path,x1,y1,x2,y2\na.jpg,1,2,3,4\na.jpg,nan,2,3,4\n", name="t.csv", image_name="a.jpg")


def test_same_image():
    assert same_image("train/a.jpg", "a.jpg") and same_image("a.png", "a.jpg") and same_image("x\\a.jpg", "a.jpg")
    assert not same_image("a.png", "a.jpg", by_stem=False) and not same_image("ab.jpg", "a.jpg")


# ---------------------------------------------------------------------------------------------------------
# YOLO class names, the report in codes


@pytest.mark.parametrize("name, text", [
    ("data.yaml", "path: x\nnames: [cat, dog]\n"),
    ("data.yml", "names:\n  0: cat\n  1: dog\n"),
    ("data.yaml", "names: {'1': dog, '0': cat}\n"),
    ("classes.txt", "cat\n\ndog\n"),
    ("obj.names", "\ufeffcat\r\ndog\r\n"),
])
def test_yolo_class_names(name, text):
    assert yolo_class_names(text, name=name) == ("cat", "dog")


@pytest.mark.parametrize("name, text, match", [
    ("data.yaml", "nc: 2\n", "expected a data.yaml with 'names:'"),
    ("data.yaml", "names: {0: cat, 2: dog}\n", "expected 'names' keyed 0..1"),
    ("data.yaml", "names: !!python/name:os.system\n", "unsupported YAML construct"),
    ("classes.txt", "cat\ncat\n", "the class name 'cat' appears twice"),
    ("classes.txt", "\n", "expected class names, found none"),
])
def test_yolo_class_names_refused(name, text, match):
    with pytest.raises(AnchorVizInputError, match=match):
        yolo_class_names(text, name=name)


def test_report_items_and_english_notes():
    r = ParseReport(source="f.json", format="coco", n_records=5, n_crowd_dropped=2, n_degenerate_dropped=1,
                    n_clipped=1)
    assert [(i.code, i.count) for i in r.items] == [("crowd", 2), ("degenerate", 1), ("clipped", 1)]
    assert r.notes[0].startswith("f.json: 2 crowd regions (iscrowd=1) left out") and "1 box with zero" in r.notes[1]
    gone = ParseReport(source="f.json", format="coco", n_records=2, n_crowd_dropped=2, empty_reason="all_left_out")
    assert gone.empty_text("a.jpg") == "f.json has no boxes left for a.jpg: all 2 record(s) were left out (see the notes)."
