"""Whole datasets in: COCO / YOLO / VOC / CSV, folders and zips (safe), the resize mapping, bad input."""

from __future__ import annotations

import copy
import io
import json
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from anchorviz.dataset.load import AS_IS, BoxDataset, dataset_from_arrays, load_dataset, parse_dataset
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.archive import ArchiveLimits, ZipSource
from anchorviz.io.dataset_readers.coco import parse_coco_dataset
from anchorviz.io.dataset_readers.sizes import parse_sizes
from anchorviz.io.images import read_image_size
from anchorviz.core.resize import ResizeSpec, plan_resize, resize_boxes

COCO_TINY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "coco-tiny"
needs_coco_tiny = pytest.mark.skipif(not (COCO_TINY / "instances_train2017.json").exists(),
                                     reason=f"real data not available: {COCO_TINY} is absent (../shared not mounted)")


# --------------------------------------------------------------------------------------------------------
# fixtures


def coco_dict() -> dict:
    """Two images (100x80 and 50x40), categories with ids 3, 1, 10; a crowd region and a zero-width box."""
    return {
        "images": [
            {"id": 7, "file_name": "a.jpg", "width": 100, "height": 80},
            {"id": 9, "file_name": "b.jpg", "width": 50, "height": 40},
        ],
        "categories": [{"id": 3, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 10, "name": "car"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [10, 20, 30, 40], "iscrowd": 0},
            {"id": 2, "image_id": 7, "category_id": 3, "bbox": [0, 0, 100, 80], "iscrowd": 1},
            {"id": 3, "image_id": 9, "category_id": 10, "bbox": [5, 5, 10, 10]},
            {"id": 4, "image_id": 9, "category_id": 10, "bbox": [20, 5, 0, 10], "iscrowd": 0},
            {"id": 5, "image_id": 9, "category_id": 3, "bbox": [40.5, 30, 10, 10.5], "iscrowd": 0},
        ],
    }


def coco_bytes(d=None) -> bytes:
    return json.dumps(coco_dict() if d is None else d).encode()


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (100, 150, 200)).save(buf, format="PNG")
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def yolo_tree(root: Path) -> Path:
    """Ultralytics layout: images/train/{a.png 200x100, b.png 50x50, c.png 40x40}, labels/train/{a,b}.txt."""
    (root / "images" / "train").mkdir(parents=True)
    (root / "labels" / "train").mkdir(parents=True)
    (root / "images" / "train" / "a.png").write_bytes(png(200, 100))
    (root / "images" / "train" / "b.png").write_bytes(png(50, 50))
    (root / "images" / "train" / "c.png").write_bytes(png(40, 40))  # background: no label file
    # a: a 40x20 box centred at (100, 50) and a 20x50 box centred at (50, 50)
    (root / "labels" / "train" / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n1 0.25 0.5 0.1 0.5\n")
    (root / "labels" / "train" / "b.txt").write_text("1 0.5 0.5 0.5 0.5\n")
    (root / "classes.txt").write_text("cat\ndog\n")
    (root / "README.txt").write_text("not a label file\n")
    return root


VOC_A = b"""<annotation><filename>a.jpg</filename><size><width>100</width><height>80</height></size>
<object><name>dog</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>40</xmax><ymax>60</ymax></bndbox></object>
</annotation>"""
VOC_B = b"""<annotation><filename>b.png</filename>
<object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox></object>
<object><name>dog</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>
</annotation>"""


# --------------------------------------------------------------------------------------------------------
# COCO


def test_coco_dataset_counts_and_boxes():
    ds = parse_dataset(coco_bytes(), name="inst.json")
    # kept: ann 1 (image a), ann 3 and ann 5 (image b; 5 reaches 0.5 px past the right/bottom: clipped)
    assert len(ds) == 3 and ds.n_images == 2
    assert ds.boxes.tolist() == [[10, 20, 40, 60], [5, 5, 15, 15], [40.5, 30, 50, 40]]
    assert ds.image_index.tolist() == [0, 1, 1]
    assert ds.class_names == ("person", "dog", "car")  # ordered by category id 1, 3, 10
    assert ds.labels.tolist() == [0, 2, 1]
    r = ds.report
    assert (r.n_records, r.n_kept, r.n_crowd_dropped, r.n_degenerate_dropped, r.n_out_of_image) == (5, 3, 1, 1, 1)
    assert any("crowd" in n for n in r.notes) and any("zero width" in n for n in r.notes)
    assert ds.image_hw.tolist() == [[80, 100], [40, 50]] and ds.input_hw.tolist() == [[80, 100], [40, 50]]


def test_coco_dataset_does_not_mutate_the_dict():
    d = coco_dict()
    before = copy.deepcopy(d)
    parse_coco_dataset(d, name="x.json")
    assert d == before


@pytest.mark.parametrize("spec", [
    ResizeSpec(mode="letterbox", letterbox_size=640),             # YOLOv5 letterbox
    ResizeSpec(mode="shorter_side", min_size=800, max_size=1333),  # torchvision / mmdet
    ResizeSpec(mode="custom", custom_hw=(300, 500), keep_ratio=False),
    ResizeSpec(mode="none", size_divisor=32),
])
def test_resize_mapping_equals_resize_boxes(spec):
    ds0 = parse_dataset(coco_bytes(), name="i.json")
    ds = parse_dataset(coco_bytes(), name="i.json", resize=spec)
    for i in range(ds.n_images):
        plan = plan_resize(tuple(ds0.image_hw[i]), spec)
        idx = ds.box_indices_of(i)
        np.testing.assert_array_equal(ds.boxes[idx], resize_boxes(ds0.boxes[idx], plan))  # bit-identical
        assert tuple(ds.input_hw[i]) == plan.input_hw
    # the resize undone: each box's width and height in its original photo (what COCO's size buckets measure)
    np.testing.assert_allclose(ds.original_wh, ds0.wh, rtol=0, atol=1e-6)
    assert not ds.original_wh.flags.writeable


def test_original_wh_keeps_a_box_at_a_cut_off_on_it():
    """A 32 x 32 box stays exactly 32 x 32 after x1.333 and back (area 32² is COCO-medium, not small)."""
    ds = dataset_from_arrays(boxes=[[7.3, 11.1, 39.3, 43.1]], image_index=[0], image_wh=[[600, 450]],
                             resize=ResizeSpec(mode="shorter_side", min_size=600, max_size=1000))
    assert not np.allclose(ds.wh, 32)
    assert ds.original_wh.tolist() == [[32.0, 32.0]]


def _mod(fn):
    d = coco_dict()
    fn(d)
    return json.dumps(d).encode()


BAD_COCO = [
    # (bytes, expected message part) -- every row names the file and the record
    (b"", "the file is empty"),
    (b"{not json", "expected valid JSON, parsing failed at line 1"),
    (b"[]", "got a JSON list"),
    (_mod(lambda d: d.pop("images")), "missing 'images'"),
    (_mod(lambda d: d.update(images=[])), "the dataset is empty"),
    (_mod(lambda d: d["annotations"][2].pop("bbox")), r"annotations\[2\] \(id 3\): expected the field 'bbox'"),
    (_mod(lambda d: d["annotations"][0].update(bbox="10 20 30 40")), "annotation id 1: expected 'bbox' as"),
    (_mod(lambda d: d["annotations"][0].update(bbox=[10, 20, "30", 40])), "annotation id 1: expected 4 finite numbers"),
    (_mod(lambda d: d["annotations"][0].update(bbox=[10, 20, -3, 40])), "annotation id 1: expected a non-negative"),
    (_mod(lambda d: d["annotations"][0].update(bbox=[10, 20, float("nan"), 40])), "annotation id 1: expected 4 finite"),
    (_mod(lambda d: d["images"][1].update(width=-50)), r"images\[1\]: expected a positive 'width'"),
    (_mod(lambda d: d["images"][1].update(height="40")), r"images\[1\]: expected 'height' to be a whole number"),
    (_mod(lambda d: d["annotations"][0].update(bbox=[90, 20, 30, 40])), "annotation id 1 \\(image 'a.jpg'\\): box .* lies outside the 100×80 image"),
    (_mod(lambda d: d["images"][1].update(id=7)), r"image id 7 twice \(images\[0\] and images\[1\]\)"),
    (_mod(lambda d: d["annotations"][1].update(id=1)), r"annotation id 1 twice \(annotations\[0\] and annotations\[1\]\)"),
    (_mod(lambda d: d["categories"][1].update(id=3)), "category id 3 twice"),
    (_mod(lambda d: d["annotations"][3].update(image_id=99)), "annotation id 4: image_id 99 is not among the 2 images"),
    (_mod(lambda d: d["annotations"][3].update(category_id=5)), "annotation id 4: category_id 5 is not among the categories"),
    (_mod(lambda d: d["annotations"][3].update(iscrowd="no")), "expected 'iscrowd' 0 or 1"),
    (_mod(lambda d: d["annotations"][3].pop("image_id")), r"annotations\[3\] \(id 4\): expected the field 'image_id'"),
]


@pytest.mark.parametrize(("data", "match"), BAD_COCO)
def test_bad_coco_names_file_and_record(data, match):
    with pytest.raises(AnchorVizInputError, match=match) as e:
        parse_dataset(data, name="inst.json")
    assert "inst.json" in str(e.value)


def test_coco_file_on_disk_and_missing_path(tmp_path):
    p = tmp_path / "instances.json"
    p.write_bytes(coco_bytes())
    assert len(load_dataset(p)) == 3
    with pytest.raises(AnchorVizInputError, match="no such file or folder"):
        load_dataset(tmp_path / "nope.json")


# --------------------------------------------------------------------------------------------------------
# YOLO


def test_yolo_ultralytics_layout_from_folder(tmp_path):
    ds = load_dataset(yolo_tree(tmp_path))
    assert ds.class_names == ("cat", "dog")
    assert ds.image_names == ("images/train/a.png", "images/train/b.png", "images/train/c.png")
    assert ds.image_hw.tolist() == [[100, 200], [50, 50], [40, 40]]  # from the PNG headers
    np.testing.assert_allclose(ds.boxes, [[80, 40, 120, 60], [40, 25, 60, 75], [12.5, 12.5, 37.5, 37.5]])
    assert ds.labels.tolist() == [0, 1, 1]
    assert ds.boxes_per_image().tolist() == [2, 1, 0]
    assert ds.report.n_empty_images == 1
    notes = " ".join(ds.report.notes)
    assert "README.txt" in notes and "background" in notes and "classes.txt" in notes


def test_yolo_zip_upload_same_as_folder(tmp_path):
    root = yolo_tree(tmp_path / "ds")
    members = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    ds = parse_dataset(zip_bytes(members), name="ds.zip", resize=ResizeSpec(mode="letterbox", letterbox_size=400))
    ref = load_dataset(root, resize=ResizeSpec(mode="letterbox", letterbox_size=400))
    np.testing.assert_array_equal(ds.boxes, ref.boxes)
    assert ds.input_hw.tolist() == [[400, 400]] * 3


def test_yolo_labels_only_with_sizes_file():
    members = {"labels/a.txt": b"0 0.5 0.5 0.5 0.5\n", "labels/b.txt": b"", "sizes.txt": b"name width height\na 200 100\nb.jpg 10 10\n"}
    ds = parse_dataset(zip_bytes(members), name="l.zip", format="yolo")
    assert ds.boxes.tolist() == [[50.0, 25.0, 150.0, 75.0]] and ds.n_images == 2
    assert ds.class_names == ("0",)


BAD_YOLO = [
    ({"labels/a.txt": b"0 0.5 0.5 0.2 0.2\n"}, "labels/a.txt: no image of that name and no row in a sizes file"),
    ({"a.png": png(10, 10), "a.txt": b"0 0.5 0.5 0.2\n"}, "a.txt, line 1: expected 5 values"),
    ({"a.png": png(10, 10), "a.txt": b"0 0.5 0.5 nan 0.2\n"}, "a.txt, line 1: w must be a finite number"),
    ({"a.png": png(10, 10), "a.txt": b"0 0.5 0.5 1.5 0.2\n"}, "a.txt, line 1: w = 1.5 is outside"),
    ({"a.png": png(10, 10), "a.txt": b"0 0.9 0.5 0.5 0.2\n"}, "a.txt, line 1: box .* lies outside the 10×10 image"),
    ({"a.png": png(10, 10), "a.txt": b"2 0.5 0.5 0.2 0.2\n", "classes.txt": b"x\ny\n"}, "class 2 is not in the 2 class names"),
    ({"a.png": b"not an image", "a.txt": b"0 0.5 0.5 0.2 0.2\n"}, "a.png: expected a JPEG, PNG, WebP or BMP image"),
    ({"img.png": png(10, 10), "notes.txt": b"hello\n"}, "expected YOLO label files"),
]


@pytest.mark.parametrize(("members", "match"), BAD_YOLO)
def test_bad_yolo(members, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_dataset(zip_bytes(members), name="y.zip", format="yolo")


def test_sizes_file_errors():
    assert parse_sizes("a.jpg,640,480\n", name="s") == {"a.jpg": (640, 480)}
    with pytest.raises(AnchorVizInputError, match="s, line 1: expected a positive whole-number"):
        parse_sizes("a.jpg 0 10\n", name="s")
    with pytest.raises(AnchorVizInputError, match="s, line 2: image 'a' is listed twice"):
        parse_sizes("a 1 1\na 2 2\n", name="s")


# --------------------------------------------------------------------------------------------------------
# VOC and CSV


def test_voc_folder_sizes_from_file_and_image(tmp_path):
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "JPEGImages").mkdir()
    (tmp_path / "Annotations" / "a.xml").write_bytes(VOC_A)
    (tmp_path / "Annotations" / "b.xml").write_bytes(VOC_B)  # no <size>: from JPEGImages/b.png
    (tmp_path / "JPEGImages" / "b.png").write_bytes(png(30, 20))
    ds = load_dataset(tmp_path)
    assert ds.report.format == "voc" and ds.class_names == ("cat", "dog")  # names across files, sorted
    assert ds.image_names == ("a.jpg", "b.png") and ds.image_hw.tolist() == [[80, 100], [20, 30]]
    assert ds.labels.tolist() == [1, 0, 1]
    assert ds.boxes.tolist() == [[10, 20, 40, 60], [1, 2, 11, 12], [0, 0, 5, 5]]


@pytest.mark.parametrize(("members", "match"), [
    ({"a.xml": VOC_B}, "a.xml: no image size: <size> is missing"),
    ({"a.xml": VOC_A.replace(b"<xmax>40</xmax>", b"")}, "a.xml, object 1 \\('dog'\\): <bndbox> is missing <xmax>"),
    ({"a.xml": VOC_A.replace(b"<xmax>40", b"<xmax>400")}, "a.xml, object 1 \\('dog'\\): box .* lies outside the 100×80"),
    ({"a.xml": VOC_A, "b.xml": VOC_A}, "b.xml: image 'a.jpg' is already annotated by a.xml"),
])
def test_bad_voc(members, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_dataset(zip_bytes(members), name="v.zip")


def test_csv_keras_style_and_named_columns():
    text = b"a.jpg,10,20,30,40,cat\na.jpg,0,0,5,5,dog\nb.jpg,,,,,\n"
    ds = parse_dataset(text, name="ann.csv", sizes={"a.jpg": (100, 50), "b.jpg": (20, 20)})
    assert ds.boxes.tolist() == [[10, 20, 30, 40], [0, 0, 5, 5]] and ds.n_images == 2
    assert ds.class_names == ("cat", "dog") and ds.report.n_empty_images == 1
    named = b"filename,width,height,class,xmin,ymin,xmax,ymax\nx.jpg,64,32,car,1,2,3,4\n"
    ds = parse_dataset(named, name="t.csv")
    assert ds.boxes.tolist() == [[1, 2, 3, 4]] and ds.image_hw.tolist() == [[32, 64]]


@pytest.mark.parametrize(("text", "match"), [
    (b"a.jpg,10,20,30,40,cat\n", "ann.csv, row 1: no size for image 'a.jpg'"),
    (b"a.jpg,10,20,30\n", "ann.csv, row 1: expected 'path,x1,y1,x2,y2"),
    (b"filename,width,height,xmin,ymin,xmax,ymax\na,10,10,1,1,2,2\na,20,10,1,1,2,2\n", "row 3: image 'a' is 20×10 here but 10×10"),
    (b"filename,width,height,xmin,ymin,xmax,ymax\na,10,10,1,1,x,2\n", "row 2: x2 must be a finite number"),
    (b"filename,width,height,xmin,ymin,xmax,ymax\na,-10,10,1,1,2,2\n", "row 2: expected a positive whole-number width"),
    (b"filename,xmin,ymin\n", "missing x2, y2"),
])
def test_bad_csv(text, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_dataset(text, name="ann.csv")


# --------------------------------------------------------------------------------------------------------
# Zip safety


def test_zip_bomb_ratio_refused():
    bomb = zip_bytes({"instances.json": b"\0" * (8 << 20)})  # 8 MB of zeros compress ~1000x
    with pytest.raises(AnchorVizInputError, match="bomb.zip: refused: member 'instances.json' expands 1,028 times .* \\(zip bomb\\)"):
        parse_dataset(bomb, name="bomb.zip")


def test_zip_total_size_and_member_count_limits():
    data = zip_bytes({f"l{i}.txt": b"0 0.5 0.5 0.1 0.1\n" * 50 for i in range(5)})
    with pytest.raises(AnchorVizInputError, match="more than 2,000 bytes in total"):
        ZipSource(data, name="z.zip", limits=ArchiveLimits(max_total_bytes=2000))
    with pytest.raises(AnchorVizInputError, match="lists 5 entries, more than the limit of 3"):
        ZipSource(data, name="z.zip", limits=ArchiveLimits(max_members=3))


@pytest.mark.parametrize(("name", "match"), [
    ("../evil.txt", "climbs out of the folder with '..' \\(path traversal\\)"),
    ("a/../../evil.txt", "path traversal"),
    ("/etc/passwd", "has an absolute path"),
    ("C:\\Windows\\x.txt", "has an absolute path"),
])
def test_zip_traversal_refused(name, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_dataset(zip_bytes({name: b"x", "a.json": coco_bytes()}), name="t.zip")


def test_zip_symlink_and_damage_and_layout():
    with pytest.raises(AnchorVizInputError, match="member 'link.json' is a symbolic link"):
        parse_dataset(zip_bytes({"a.json": coco_bytes()}, symlink="link.json"), name="s.zip")
    good = zip_bytes({"a.json": coco_bytes()})
    with pytest.raises(AnchorVizInputError, match="d.zip: expected a readable .zip archive"):
        parse_dataset(good[:40] + b"\0" * 10, name="d.zip")
    with pytest.raises(AnchorVizInputError, match="cannot tell the dataset format"):
        parse_dataset(zip_bytes({"README.md": b"hi", "x.png": png(4, 4)}), name="l.zip")
    with pytest.raises(AnchorVizInputError, match="found 2 COCO .json files .* --annotation-file"):
        parse_dataset(zip_bytes({"train/x.json": coco_bytes(), "val/y.json": coco_bytes()}), name="two.zip")
    ds = parse_dataset(zip_bytes({"train/x.json": coco_bytes(), "val/y.json": coco_bytes()}), name="two.zip",
                       annotation_file="val/y.json")
    assert len(ds) == 3
    assert len(parse_dataset(zip_bytes({"__MACOSX/._a.json": b"junk", "a.json": coco_bytes()}), name="m.zip")) == 3


def test_zip_member_lying_about_its_size_is_a_crc_error():
    data = bytearray(zip_bytes({"a.json": coco_bytes()}))
    src = ZipSource(bytes(data), name="z.zip")
    assert src.files() == ["a.json"]
    # flip a byte of the compressed data: zipfile stops at the declared size and checks the CRC
    i = data.index(b"a.json") + len(b"a.json") + 3
    data[i] ^= 0xFF
    with pytest.raises(AnchorVizInputError, match="z.zip: member 'a.json' cannot be read"):
        ZipSource(bytes(data), name="z.zip").read("a.json")


# --------------------------------------------------------------------------------------------------------
# BoxDataset from arrays


def test_dataset_from_arrays_counts_and_does_not_mutate():
    boxes = np.array([[0, 0, 10, 10], [5, 5, 5, 9], [-0.5, 0, 4, 4.0]])  # the 2nd is degenerate, 3rd clipped
    keep = boxes.copy()
    ds = dataset_from_arrays(boxes=boxes, image_index=[0, 0, 1], image_wh=[[20, 20], [8, 8]])
    np.testing.assert_array_equal(boxes, keep)
    assert ds.boxes.tolist() == [[0, 0, 10, 10], [0, 0, 4, 4]]
    assert (ds.report.n_degenerate_dropped, ds.report.n_out_of_image) == (1, 1)
    assert not ds.boxes.flags.writeable and ds.boxes.dtype == np.float64
    assert ds.wh.tolist() == [[10, 10], [4, 4]]
    with pytest.raises(AnchorVizInputError, match="box 0: box .* lies outside the 8×8 image"):
        dataset_from_arrays(boxes=[[0, 0, 10, 10]], image_index=[0], image_wh=[[8, 8]])
    with pytest.raises(AnchorVizInputError, match="image_index: expected 1 indices in 0..0"):
        dataset_from_arrays(boxes=[[0, 0, 1, 1]], image_index=[3], image_wh=[[8, 8]])


def test_empty_dataset_from_arrays_and_sampling():
    ds = dataset_from_arrays(boxes=np.zeros((0, 4)), image_index=np.zeros(0, np.int64), image_wh=[[8, 8]])
    assert len(ds) == 0 and ds.wh.shape == (0, 2) and ds.resize == AS_IS
    assert len(ds.sample_images(5)) == 0
    rng = np.random.default_rng(1)
    b = rng.random((200, 2)) * 50
    big = dataset_from_arrays(boxes=np.hstack([b, b + 5]), image_index=np.arange(200) % 40,
                              image_wh=np.full((40, 2), 100))
    s1, s2 = big.sample_images(10, seed=3), big.sample_images(10, seed=3)
    assert len(s1) == 10 and np.array_equal(s1, s2) and np.all(np.diff(s1) > 0)
    assert isinstance(big, BoxDataset) and len(big.sample_images(None)) == 40


# --------------------------------------------------------------------------------------------------------
# Real data


@needs_coco_tiny
def test_coco_tiny_loads_and_image_headers_match_the_file():
    ds = load_dataset(COCO_TINY / "instances_train2017.json", resize=ResizeSpec(mode="letterbox", letterbox_size=640))
    assert (ds.n_images, len(ds), ds.report.n_crowd_dropped) == (80, 699, 6)
    assert (ds.input_hw == 640).all()
    recorded = {n: (int(h), int(w)) for n, (h, w) in zip(ds.image_names, ds.image_hw)}
    for name, hw in list(recorded.items())[:20]:  # headers only, no pixel decoding
        w, h = read_image_size((COCO_TINY / "train2017" / name).read_bytes(), name=name, apply_exif=False)
        assert (h, w) == hw
