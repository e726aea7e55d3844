"""The Streamlit app under AppTest: pages load, controls change the numbers in the figures, the URL seeds the
state, and every bad input shows its error while the previous image, boxes and setup stay."""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
LABELS = "pages/labels.py"
ANCHORS = "pages/anchors.py"

# RetinaNet (torchvision) on the astronaut sample, 512x512 -> 800x800: P3..P7 = 100², 50², 25², 13², 7² x 9
DEFAULT_TOTAL = 9 * (100**2 + 50**2 + 25**2 + 13**2 + 7**2)


# ---------------------------------------------------------------------------------------------------------
# helpers


def run_app(query: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at: AppTest) -> list[dict]:
    """The figures of the page's charts (pages.common.chart components), in page order."""
    return [json.loads(json.loads(c.proto.json)["spec"]) for c in at.get("bidi_component")
            if c.proto.component_name == "anchorviz.chart"]


def main_spec(at: AppTest) -> dict:
    return specs(at)[0]


def title(spec: dict) -> str:
    return spec["layout"]["title"]["text"]


def arr(v) -> np.ndarray:
    """Decode a plotly typed array ({"dtype", "bdata"}) or a plain list."""
    if isinstance(v, dict) and "bdata" in v:
        out = np.frombuffer(base64.b64decode(v["bdata"]), v["dtype"])
        shape = v.get("shape")
        if isinstance(shape, str):  # plotly writes "10000, 3"
            shape = [int(n) for n in shape.split(",")]
        return out.reshape(shape) if shape else out
    return np.asarray(v, dtype=float)


def traces(spec: dict, prefix: str) -> list[dict]:
    return [t for t in spec["data"] if (t.get("name") or "").startswith(prefix)]


def trace(spec: dict, prefix: str) -> dict:
    found = traces(spec, prefix)
    assert found, f"no trace named {prefix!r}: {[t.get('name') for t in spec['data']]}"
    return found[0]


def rects(tr: dict) -> np.ndarray:
    """(n, 4) xyxy boxes from a NaN-separated 5-point path trace."""
    x, y = arr(tr["x"]).astype(float), arr(tr["y"]).astype(float)
    x, y = x.reshape(-1, 6)[:, :5], y.reshape(-1, 6)[:, :5]
    return np.stack([x.min(1), y.min(1), x.max(1), y.max(1)], axis=1)


def count(text: str, label: str) -> int:
    m = re.search(r"([\d,]+) " + label, text)
    assert m, f"{label!r} not in {text!r}"
    return int(m.group(1).replace(",", ""))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def png_bytes(w: int = 640, h: int = 480) -> bytes:
    rng = np.random.default_rng(0)
    img = (rng.random((h, w, 3)) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


def bomb_png(w: int = 100_000, h: int = 100_000) -> bytes:
    """A tiny PNG whose header claims w x h pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def picture(at: AppTest):
    return at.session_state["_pic"]


# ---------------------------------------------------------------------------------------------------------
# pages load


def test_default_page_loads_with_anchor_figure():
    at = run_app()
    spec = main_spec(at)
    t = title(spec)
    assert f"{DEFAULT_TOTAL:,} anchors on 5 levels" in t
    assert "input 800×800" in t
    assert spec["layout"]["images"][0]["source"].startswith("data:image/jpeg;base64,")
    # centres of the picked cell's level (P3): 100x100 of them as one dot layer (a PNG above the photo) ...
    assert trace(spec, "P3 centres (100×100)")  # its legend entry
    dots = [im for im in spec["layout"]["images"] if im["source"].startswith("data:image/png;base64,")]
    assert len(dots) == 1
    png = Image.open(io.BytesIO(base64.b64decode(dots[0]["source"].split(",", 1)[1])))
    assert (np.asarray(png)[:, :, 3] > 0).sum() >= 10_000  # at least a pixel per centre
    # ... and the 150 nearest the picked cell (50, 50) as clickable rings, every 8 px (torchvision: offset 0)
    c = trace(spec, "P3: the 150 nearest")
    x, y = arr(c["x"]), arr(c["y"])
    assert len(x) == 150 and np.all(x % 8 == 0) and np.all(y % 8 == 0)
    cd = arr(c["customdata"])
    assert cd.dtype == np.int32 and cd.shape == (150, 3)
    assert [0, 50, 50] in cd.tolist() and np.abs(cd[:, 1:] - 50).max() <= 7
    # the 9 anchors of the picked cell: torchvision rounds half-sides, so size 32 at r=0.5 is 46x22
    cell = rects(trace(spec, "cell anchor 0"))
    assert cell[0, 2] - cell[0, 0] == 46 and cell[0, 3] - cell[0, 1] == 22
    assert len(json.dumps(spec)) < 1_500_000
    assert at.query_params["sample"] == "astronaut" and at.query_params["preset"] == "RetinaNet"


def test_every_page_loads_and_switches_back():
    at = run_app(page=LABELS)
    t = title(main_spec(at))
    assert t.startswith("Max IoU 0.5/0.4, low-quality on (torchvision)")
    assert count(t, "positive") + count(t, "ignored") + count(t, "negative") == DEFAULT_TOTAL
    at.switch_page(ANCHORS).run()
    assert not at.exception
    assert f"{DEFAULT_TOTAL:,} anchors" in title(main_spec(at))


def test_setup_survives_page_switches():
    at = run_app()
    at.text_input(key="sizes").set_value("64; 128; 256; 512; 1024").run()
    at.switch_page(LABELS).run()
    at.switch_page(ANCHORS).run()
    assert at.text_input(key="sizes").value == "64; 128; 256; 512; 1024"
    assert "3 anchors" in title(main_spec(at))  # one size x 3 ratios per location


# ---------------------------------------------------------------------------------------------------------
# controls change the numbers in the figures


def test_level_toggle_changes_counts():
    at = run_app()
    at.pills(key="lv").set_value(["P3", "P4", "P5"]).run()
    t = title(main_spec(at))
    assert f"{9 * (100**2 + 50**2 + 25**2):,} anchors on 3 levels (P3, P4, P5)" in t
    assert at.text_input(key="sizes").value == "32,40,50; 64,80,101; 128,161,203"
    at.pills(key="lv").set_value(["P2", "P3", "P4", "P5"]).run()
    t = title(main_spec(at))
    assert "on 4 levels (P2, P3, P4, P5)" in t  # P2 gets the preset's size for P2 (16, 20, 25)
    assert at.text_input(key="sizes").value.startswith("16,20,25; 32,40,50")


def test_size_changes_cell_anchor_boxes():
    at = run_app()
    at.text_input(key="sizes").set_value("64; 128; 256; 512; 1024").run()
    spec = main_spec(at)
    boxes = np.concatenate([rects(t) for t in traces(spec, "cell anchor")])
    wh = boxes[:, 2:] - boxes[:, :2]
    # ratio-major: r = 0.5, 1, 2 (h/w): 64 -> round(±45.25)=±45 / ±22.6->±23 ... the square one is 64x64
    assert wh.tolist()[1] == [64.0, 64.0]
    assert len(boxes) == 3


def test_aspect_ratio_changes_shapes():
    at = run_app()
    at.text_input(key="aspect_ratios").set_value("1").run()
    spec = main_spec(at)
    boxes = np.concatenate([rects(t) for t in traces(spec, "cell anchor")])
    wh = boxes[:, 2:] - boxes[:, :2]
    assert np.allclose(wh[:, 0], wh[:, 1])  # all square
    assert sorted(wh[:, 0].tolist()) == [32.0, 40.0, 50.0]


def test_offset_moves_the_centres():
    at = run_app({"conv": "detectron2", "preset": "RetinaNet"})
    x0 = arr(trace(main_spec(at), "P3: the 150 nearest")["x"])
    at.slider(key="off").set_value(0.5).run()
    x1 = arr(trace(main_spec(at), "P3: the 150 nearest")["x"])
    assert np.all(x0 % 8 == 0) and np.all(x1 % 8 == 4)  # (x + 0.5) * 8
    assert np.allclose(np.sort(x1) - np.sort(x0), 4.0)
    assert at.query_params["off"] == "0.5"


def test_picked_cell_and_shape():
    at = run_app({"cell": "P5:3,5"})
    spec = main_spec(at)
    assert "cell P5 (3, 5) at (160, 96)" in title(spec)  # torchvision: (x * 32, y * 32)
    at.selectbox(key="shape").set_value(4).run()  # ratio 1, size 161: round(±80.5) = ±80 (half to even)
    spec = main_spec(at)
    shape = rects(trace(spec, "shape 4"))
    assert len(shape) == 25 * 25
    assert np.allclose(shape[:, 2] - shape[:, 0], 160)
    assert "shape 4 160×160: 625" in title(spec)


def test_shape_over_budget_draws_at_most_2000_rectangles():
    at = run_app({"cell": "P3:10,10", "shape": "4"})
    spec = main_spec(at)
    assert len(rects(trace(spec, "shape 4"))) == 2000
    assert any("2,000 nearest" in c.value for c in at.caption)


def test_thresholds_change_labels():
    at = run_app(page=LABELS)
    t0 = title(main_spec(at))
    at.slider(key="pos").set_value(0.7).run()
    spec = main_spec(at)
    t1 = title(spec)
    assert t1.startswith("Max IoU 0.7/0.4")
    assert count(t1, "positive") < count(t0, "positive")
    assert count(t1, "ignored") > count(t0, "ignored")
    # every positive of the chosen level(s) is one rectangle in its GT's trace
    n_rects = sum(len(rects(t)) for t in traces(spec, "GT ") if "positives" in t["name"])
    assert n_rects == count(t1, "positive")
    assert at.selectbox(key="asg_preset").value == "custom"


def test_page_controls_survive_page_switches():
    at = run_app(page=LABELS)
    at.slider(key="pos").set_value(0.7).run()
    at.selectbox(key="l_show").set_value("P4").run()
    at.switch_page(ANCHORS).run()
    assert at.query_params["pos"] == "0.7"  # still in the URL while the Labels widgets are not rendered
    at.switch_page(LABELS).run()
    assert at.slider(key="pos").value == 0.7 and at.selectbox(key="l_show").value == "P4"
    assert title(main_spec(at)).startswith("Max IoU 0.7/0.4")


def test_low_quality_off_flags_small_gts():
    at = run_app(page=LABELS)
    at.toggle(key="lq").set_value(False).run()
    t = title(main_spec(at))
    assert count(t, "of 10 GT without positives") >= 1
    assert any("get no positive anchor" in w.value for w in at.warning)
    text = "\n".join(m.value for m in at.markdown)
    assert "**GT 2** (eye" in text  # the 19x10 px eye of the astronaut (30x16 after resize)
    assert "best IoU 0.46" in text and "low-quality matching is off" in text


def test_level_filter_and_minibatch_overlay():
    at = run_app(page=LABELS)
    at.selectbox(key="l_show").set_value("P5").run()
    at.toggle(key="mb").set_value(True).run()
    spec = main_spec(at)
    t = title(spec)
    assert "minibatch" in t
    m = re.search(r"minibatch (\d+)\+(\d+)", t)
    assert int(m.group(1)) + int(m.group(2)) == 256
    assert trace(spec, "sampled negatives")["name"]


def test_yolov5_and_atss_assigners():
    at = run_app({"conv": "yolov5", "preset": "YOLOv5 P3-P5"}, page=LABELS)
    t = title(main_spec(at))
    assert t.startswith("YOLOv5 anchor_t 4")
    assert at.query_params["rs"] == "letterbox"
    at.number_input(key="anchor_t").set_value(2.0).run()
    assert title(main_spec(at)).startswith("YOLOv5 anchor_t 2")
    at.radio(key="asg").set_value("atss").run()
    assert not at.exception
    assert title(main_spec(at)).startswith("ATSS top-9")


@pytest.mark.parametrize("conv", ["torchvision", "mmdet", "mmdet_v1", "mmdet_ssd", "detectron2", "keras_retinanet",
                                  "d2l", "yolov5"])
def test_every_convention_renders_both_pages(conv):
    at = run_app()
    at.selectbox(key="conv").set_value(conv).run()
    assert not at.exception
    assert not errors(at), errors(at)
    assert " anchors on " in title(main_spec(at))
    at.switch_page(LABELS).run()
    assert not at.exception
    assert not errors(at), errors(at)
    assert "positive" in title(main_spec(at))


def test_mmdet_octave_scales():
    at = run_app({"conv": "mmdet", "preset": "RetinaNet"})
    assert at.text_input(key="octave_base_scale").value == "4"
    spec = main_spec(at)
    wh = np.concatenate([rects(t) for t in traces(spec, "cell anchor")])
    wh = wh[:, 2:] - wh[:, :2]
    assert np.allclose(wh[3], [32, 32])  # ratio 1, scale 4 * 2^0 on base 8
    at.text_input(key="octave_base_scale").set_value("8").run()
    wh = np.concatenate([rects(t) for t in traces(main_spec(at), "cell anchor")])
    assert np.allclose((wh[:, 2:] - wh[:, :2])[3], [64, 64])


# ---------------------------------------------------------------------------------------------------------
# URL state


def test_url_seeds_the_whole_setup():
    query = {"sample": "coins", "conv": "detectron2", "preset": "Faster R-CNN FPN", "lv": "P3,P4",
             "sizes": "24; 48", "aspect_ratios": "1,2", "off": "0.5", "rs": "none",
             "cell": "P4:2,3", "shape": "1", "pos": "0.7", "neg": "0.3", "lq": "0"}
    at = run_app(query)
    t = title(main_spec(at))
    assert "on 2 levels (P3, P4)" in t
    assert "input 384×320" in t  # coins 384×303 (w×h) padded to /32
    assert "cell P4 (2, 3) at (56, 40)" in t  # ((3 + .5) * 16, (2 + .5) * 16)
    assert at.text_input(key="sizes").value == "24; 48"
    wh = np.concatenate([rects(tr) for tr in traces(main_spec(at), "cell anchor")])
    wh = wh[:, 2:] - wh[:, :2]
    assert np.allclose(wh[0], [48, 48]) and np.allclose(wh[1], [48 / np.sqrt(2), 48 * np.sqrt(2)], atol=1e-3)
    for k, v in query.items():
        assert at.query_params[k] == v, k
    at.switch_page(LABELS).run()
    assert title(main_spec(at)).startswith("Max IoU 0.7/0.3, low-quality off (detectron2)")


def test_url_round_trip_reproduces_the_figure():
    at = run_app()
    at.selectbox(key="conv").set_value("keras_retinanet").run()
    at.pills(key="lv").set_value(["P4", "P5", "P6"]).run()
    at.number_input(key="cell_y").set_value(7).run()
    shared = {k: at.query_params[k] for k in at.query_params}
    at2 = run_app(shared)
    assert title(main_spec(at2)) == title(main_spec(at))
    assert np.array_equal(arr(trace(main_spec(at2), "P4: the")["x"]), arr(trace(main_spec(at), "P4: the")["x"]))


def test_bad_url_values_warn_and_use_defaults():
    at = run_app({"conv": "caffe", "lv": "P3,P99", "off": "abc", "pos": "2", "sizes": "1,2;x"})
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "conv=caffe" in warning and "off=abc" in warning and "pos=2" in warning
    assert f"{DEFAULT_TOTAL:,} anchors on 5 levels" in title(main_spec(at))


def test_bad_knobs_in_url_warn():
    at = run_app({"sizes": "32,abc; 64"})
    assert "anchor knobs in the link" in " ".join(w.value for w in at.warning)
    assert f"{DEFAULT_TOTAL:,} anchors" in title(main_spec(at))


def test_uploaded_image_cannot_travel_in_the_url():
    at = run_app({"sample": "upload"})
    assert any("uploaded image" in i.value for i in at.info)
    assert at.query_params["sample"] == "astronaut"


def test_edited_sample_boxes_travel_in_the_url():
    at = run_app({"sample": "coins", "gt": "10,10,60,60,0;100,100,140,150,0"})
    assert len(picture(at).gt) == 2
    assert at.query_params["gt"] == "10,10,60,60,0;100,100,140,150,0"


# ---------------------------------------------------------------------------------------------------------
# uploads


def test_upload_image_and_multi_image_coco():
    at = run_app()
    at.file_uploader(key="up_img").set_value(("street.png", png_bytes(), "image/png")).run()
    assert not errors(at)
    pic = picture(at)
    assert pic.name == "street.png" and pic.wh == (640, 480) and len(pic.gt) == 0
    assert "input 1088×800" in title(main_spec(at))  # 640×480 -> 1067×800 -> padded to 1088×800 (w×h)
    assert any("cannot travel in a link" in i.value for i in at.info)
    coco = {"images": [{"id": 1, "file_name": "other.jpg", "width": 100, "height": 100},
                       {"id": 7, "file_name": "train/street.png", "width": 640, "height": 480}],
            "annotations": [{"id": 1, "image_id": 7, "category_id": 3, "bbox": [10, 20, 100, 50]},
                            {"id": 2, "image_id": 7, "category_id": 5, "bbox": [300, 200, 40, 40]},
                            {"id": 3, "image_id": 1, "category_id": 3, "bbox": [1, 1, 5, 5]}],
            "categories": [{"id": 3, "name": "car"}, {"id": 5, "name": "person"}]}
    at.file_uploader(key="up_ann").set_value(("boxes.json", json.dumps(coco).encode(), "application/json")).run()
    assert not errors(at), errors(at)
    assert at.selectbox(key="coco_pick").value == "train/street.png"
    gt = picture(at).gt
    assert gt.boxes.tolist() == [[10, 20, 110, 70], [300, 200, 340, 240]] and gt.label_names == ("car", "person")
    # GT drawn on the figure in network-input pixels (x 800/480 = 1.6667)
    shapes = main_spec(at)["layout"]["shapes"]
    assert any(abs(s.get("x0", -1) - 10 * 1067 / 640) < 1e-6 for s in shapes)
    # choosing the other image: recorded as 100x100, the loaded one is 640x480 -> error, boxes kept
    at.selectbox(key="coco_pick").set_value("other.jpg").run()
    assert any("boxes.json" in e and "100×100" in e for e in errors(at))
    assert picture(at).gt.boxes.tolist() == [[10, 20, 110, 70], [300, 200, 340, 240]]


def test_upload_sample_coco_file_for_the_sample():
    at = run_app({"sample": "coffee"})
    data = (ROOT / "assets" / "samples.json").read_bytes()
    at.file_uploader(key="up_ann").set_value(("samples.json", data, "application/json")).run()
    assert not errors(at)
    assert at.selectbox(key="coco_pick").value == "coffee.png"
    assert len(picture(at).gt) == 6


def _corrupt() -> bytes:
    good = png_bytes(64, 48)
    return good[:16] + b"\x00garbage" * 30


BAD_IMAGES = [
    ("corrupt.png", _corrupt(), "corrupt"),
    ("truncated.png", png_bytes(64, 48)[:400], "truncated"),
    ("empty.jpg", b"", "empty (0 bytes)"),
    ("bomb.png", bomb_png(), "decompression bomb"),
    ("notes.png", b"these are my notes, not a picture\n" * 10, "not a recognisable image"),
]


@pytest.mark.parametrize("name,data,needle", BAD_IMAGES, ids=[b[0] for b in BAD_IMAGES])
def test_bad_image_upload_shows_error_and_keeps_previous(name, data, needle):
    at = run_app()
    before = picture(at)
    t = title(main_spec(at))
    at.file_uploader(key="up_img").set_value((name, data, "image/png")).run()
    assert not at.exception
    msgs = errors(at)
    assert any(name in m and needle in m for m in msgs), msgs
    after = picture(at)
    assert after.token == before.token and after.gt == before.gt
    assert title(main_spec(at)) == t
    at.slider(key="off").set_value(0.0).run()  # the error stays while the bad file stays in the uploader
    assert any(name in m for m in errors(at))


def _many_csv(n: int) -> bytes:
    return "\n".join(f"{i % 400},{i % 300},{i % 400 + 5},{i % 300 + 5},a" for i in range(n)).encode()


COCO_OTHER = json.dumps({"images": [{"id": 1, "file_name": "a.jpg", "width": 512, "height": 512},
                                    {"id": 2, "file_name": "b.jpg", "width": 512, "height": 512}],
                         "annotations": [], "categories": [{"id": 1, "name": "x"}]}).encode()
XXE = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><annotation><object>'
       b"<name>&xxe;</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>"
       b"</annotation>")
BAD_ANNOTATIONS = [
    ("broken.json", b'{"images": [', "expected valid JSON"),
    ("other.json", COCO_OTHER, "no image named 'astronaut.png'"),
    ("range.txt", b"0 0.5 0.5 1.4 0.2\n", "outside [0, 1]"),
    ("nan.txt", b"0 nan 0.5 0.1 0.2\n", "finite number"),
    ("xxe.xml", XXE, "entity"),
    ("inverted.csv", b"x1,y1,x2,y2,label\n50,10,20,40,cat\n", "x2 >= x1"),
    ("outside.csv", b"10,10,900,40,cat\n", "outside the 512×512 image"),
    ("many.csv", _many_csv(10_000), "10,000 ground-truth boxes"),
]


@pytest.mark.parametrize("name,data,needle", BAD_ANNOTATIONS, ids=[b[0] for b in BAD_ANNOTATIONS])
def test_bad_annotation_upload_shows_error_and_keeps_boxes(name, data, needle):
    at = run_app()
    before = picture(at)
    at.file_uploader(key="up_ann").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception
    msgs = errors(at)
    assert any(name in m and needle in m for m in msgs), msgs
    after = picture(at)
    assert after.token == before.token and after.gt == before.gt and len(after.gt) == 10


BAD_KNOBS = [
    ("sizes", "32,abc; 64; 128; 256; 512", "sizes: 'abc' (level P3) is not a number"),
    ("sizes", "", "sizes: expected at least one number"),
    ("sizes", "32; 64", "sizes: 2 groups for 5 levels"),
    ("aspect_ratios", "0.5,0,2", "aspect_ratios: every value must be a number > 0, got '0'"),
    ("aspect_ratios", "-1", "aspect_ratios: every value must be a number > 0, got '-1'"),
]


@pytest.mark.parametrize("key,text,needle", BAD_KNOBS)
def test_bad_knob_shows_error_and_keeps_previous_setup(key, text, needle):
    at = run_app()
    t = title(main_spec(at))
    at.text_input(key=key).set_value(text).run()
    assert not at.exception
    assert any(needle in m for m in errors(at)), errors(at)
    assert title(main_spec(at)) == t  # the previous good setup is still drawn
    assert any("previous good anchor setup" in i.value for i in at.info)


def test_no_level_switched_on_is_an_error():
    at = run_app()
    at.pills(key="lv").set_value([]).run()
    assert any("switch on at least one pyramid level" in m for m in errors(at))
    assert f"{DEFAULT_TOTAL:,} anchors" in title(main_spec(at))


def test_too_many_anchors_is_an_error_not_a_crash():
    at = run_app({"conv": "d2l", "preset": "d2l book (every pixel)", "rs": "shorter_side"})
    assert not at.exception
    assert any("more than the limit" in m for m in errors(at))


def test_neg_above_pos_is_an_error():
    at = run_app(page=LABELS)
    at.slider(key="neg").set_value(0.6).run()
    assert not at.exception
    assert any("neg_iou (0.6) is above pos_iou (0.5)" in m for m in errors(at))


# ---------------------------------------------------------------------------------------------------------
# GT editing helpers (the table and the COCO export)


def test_gt_table_round_trip_and_download():
    from pages.common import gt_edit

    at = run_app()
    gt = picture(at).gt
    df = gt_edit.gt_table(gt)
    df.loc[len(df)] = [1.0, 2.0, 30.0, 40.0, "helmet_visor"]
    new = gt_edit.gt_from_table(df, gt)
    assert len(new) == 11 and new.label_names[-1] == "helmet_visor" and new.class_names[:9] == gt.class_names
    df.loc[0, "x2"] = 0.0  # x2 < x1
    with pytest.raises(Exception, match="inverted|x1 <= x2"):
        gt_edit.gt_from_table(df, gt)
    dl = at.get("download_button")
    assert dl, "no download button"
