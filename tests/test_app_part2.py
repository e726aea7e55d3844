"""The teaching pages under AppTest: IoU heatmap, encode/decode explorer, predictions, and the language switch.

Each page loads with no exception; a changed control changes the numbers in the figure; the LaTeX shows
hand-checked numbers; a bad predictions upload shows its error and keeps the previous view.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from pages.common import i18n
from tests.test_app import arr, specs, title  # the figure-decoding helpers are shared

ROOT = Path(__file__).resolve().parent.parent
APP = os.environ.get("ANCHORVIZ_APP", str(ROOT / "app.py"))
ANCHORS = "pages/anchors.py"
LABELS = "pages/labels.py"
IOU = "pages/iou_heatmap.py"
CODING = "pages/coding.py"
PRED = "pages/predictions.py"
DEFAULT_TOTAL = 9 * (100**2 + 50**2 + 25**2 + 13**2 + 7**2)  # RetinaNet on the astronaut sample


def run_app(page: str, query: dict | None = None, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def heatmap(spec: dict) -> dict:
    return next(t for t in spec["data"] if t["type"] == "heatmap")


def path_boxes(tr: dict) -> np.ndarray:
    x, y = arr(tr["x"]).astype(float), arr(tr["y"]).astype(float)
    x, y = x.reshape(-1, 6)[:, :5], y.reshape(-1, 6)[:, :5]
    return np.stack([x.min(1), y.min(1), x.max(1), y.max(1)], axis=1)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# ---------------------------------------------------------------------------------------------------------
# IoU heatmap


def test_iou_page_loads_with_heatmap_over_the_photo():
    at = run_app(IOU)
    sp = specs(at)
    assert len(sp) == 2  # the big heatmap and the small multiples
    hm = heatmap(sp[0])
    z = arr(hm["z"])
    assert z.ndim == 2 and 0.0 <= z.min() and z.max() <= 1.0
    # placed in image coordinates: cell centres from the level's stride
    assert hm["dx"] > 0 and hm["dy"] > 0
    assert sp[0]["layout"]["images"], "the photo is under the heatmap"
    # thresholds on the colour bar
    assert "pos 0.5" in hm["colorbar"]["ticktext"] and "neg 0.4" in hm["colorbar"]["ticktext"]
    assert "IoU with GT 0" in title(sp[0])
    # small multiples: levels as rows, shapes as columns
    n_heat = sum(t["type"] == "heatmap" for t in sp[1]["data"])
    assert n_heat == 5 * 9
    assert "best IoU" in title(sp[1])


def test_iou_level_and_gt_change_the_numbers():
    at = run_app(IOU)
    z0 = arr(heatmap(specs(at)[0])["z"])
    t0 = title(specs(at)[0])
    at.selectbox(key="iou_lv").set_value("P3").run()
    at.selectbox(key="iou_shape").set_value(0).run()
    z1 = arr(heatmap(specs(at)[0])["z"])
    assert z1.shape == (100, 100) and z1.shape != z0.shape
    assert title(specs(at)[0]).startswith("P3 shape 0") and title(specs(at)[0]) != t0
    at.selectbox(key="iou_gt").set_value(-1).run()  # max over all GTs >= IoU with one GT everywhere
    at.selectbox(key="iou_lv").set_value("P3").run()
    at.selectbox(key="iou_shape").set_value(0).run()
    z2 = arr(heatmap(specs(at)[0])["z"])
    assert (z2 >= z1 - 1e-6).all() and (z2 > z1 + 1e-6).any()
    assert "max over all GT boxes" in title(specs(at)[0])


def test_iou_thresholds_follow_the_labels_page():
    at = run_app(IOU, query={"pos": "0.7", "neg": "0.3"})
    hm = heatmap(specs(at)[0])
    assert "pos 0.7" in hm["colorbar"]["ticktext"] and "neg 0.3" in hm["colorbar"]["ticktext"]
    assert "≥ 0.7" in title(specs(at)[0])


def test_iou_small_gt_not_owned_warns():
    # a 6x6 GT: no anchor of RetinaNet (smallest 32x32) reaches 0.5; with low-quality matching (the default) its
    # best anchors are positive anyway, which the overview says (as the Labels page does), never "no one owns it"
    at = run_app(IOU, query={"gt": "100,100,106,106,0"})
    t1 = title(specs(at)[1])
    assert "owned only through the low-quality rule" in t1, t1
    assert any("No anchor reaches the positive threshold" in w.value and "Low-quality matching makes its best "
               "anchors positive anyway" in w.value for w in at.warning)
    at = run_app(IOU, query={"gt": "100,100,106,106,0", "lq": "0"})  # without the rule: no positive at all
    t1 = title(specs(at)[1])
    assert "no level or shape owns it" in t1, t1
    assert any("it gets no positive anchor at all" in w.value for w in at.warning)


# ---------------------------------------------------------------------------------------------------------
# Encode / decode


def _custom(at: AppTest, anchor: str, gt: str, coder: str) -> AppTest:
    at.radio(key="cd_mode").set_value("custom").run()
    at.text_input(key="cd_anchor_txt").set_value(anchor).run()
    at.text_input(key="cd_gt_txt").set_value(gt).run()
    at.selectbox(key="cd_coder").set_value(coder).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_coding_page_loads_and_decodes_to_the_gt():
    at = run_app(CODING)
    sp = specs(at)[0]
    assert "IoU with the GT 1.000" in title(sp)
    decoded = next(t for t in sp["data"] if t.get("name") == "decoded box")
    gt = next(t for t in sp["data"] if t.get("name") == "GT")
    np.testing.assert_allclose(path_boxes(decoded), path_boxes(gt), atol=0.05)
    assert len(at.get("latex")) >= 6  # encode and decode steps


def test_coding_latex_hand_checked_torchvision_roi():
    # weights 10, 10, 5, 5; anchor [0,0,10,10] (centre 5,5, size 10), GT [1,2,11,12] (centre 6,7, size 10):
    # t_x = 10 * (6 - 5) / 10 = 1, t_y = 10 * (7 - 5) / 10 = 2, t_w = t_h = 5 * log(10/10) = 0
    at = _custom(run_app(CODING), "0, 0, 10, 10", "1, 2, 11, 12", "torchvision_roi")
    lines = [e.proto.body.strip("$\n") for e in at.get("latex")]
    tx = next(l for l in lines if l.startswith("t_x"))
    ty = next(l for l in lines if l.startswith("t_y"))
    assert r"10 \cdot \frac{6 - 5}{10} = 1" in tx, tx
    assert r"10 \cdot \frac{7 - 5}{10} = 2" in ty, ty
    tw = next(l for l in lines if l.startswith("t_w"))
    assert tw.endswith("= 0"), tw
    # the deltas start at the true targets
    assert at.number_input(key="cd_dx_n").value == pytest.approx(1.0)
    assert at.number_input(key="cd_dy_n").value == pytest.approx(2.0)


def test_coding_delta_slider_moves_the_decoded_box():
    at = _custom(run_app(CODING), "0, 0, 10, 10", "1, 2, 11, 12", "torchvision_rpn")
    before = path_boxes(next(t for t in specs(at)[0]["data"] if t.get("name") == "decoded box"))[0]
    np.testing.assert_allclose(before, [1, 2, 11, 12], atol=1e-4)
    at.slider(key="cd_dx_s").set_value(1.0).run()  # cx moves by 1.0 * a_w = 10 - 0.1*10 -> shift +9
    after = path_boxes(next(t for t in specs(at)[0]["data"] if t.get("name") == "decoded box"))[0]
    np.testing.assert_allclose(after, [10, 2, 20, 12], atol=1e-4)
    assert "deltas (1.00, 0.20, 0.00, 0.00)" in title(specs(at)[0])
    assert at.number_input(key="cd_dx_n").value == pytest.approx(1.0)


def test_coding_extreme_delta_shows_the_clamp_and_stays_finite():
    at = _custom(run_app(CODING), "0, 0, 10, 10", "1, 2, 11, 12", "torchvision_rpn")
    at.number_input(key="cd_dw_n").set_value(50.0).run()
    assert not at.exception
    assert any("clamp bites" in w.value and "dw" in w.value for w in at.warning)
    assert at.slider(key="cd_dw_s").value == pytest.approx(5.0)  # the slider shows its end
    box = path_boxes(next(t for t in specs(at)[0]["data"] if t.get("name") == "decoded box"))[0]
    assert np.isfinite(box).all()
    np.testing.assert_allclose(box[2] - box[0], 10 * 1000 / 16, rtol=1e-5)  # exp(log(1000/16)) * 10
    # mmdet clamps both sides: a very negative dw is clamped too; torchvision only from above
    at.number_input(key="cd_dw_n").set_value(-50.0).run()
    assert not any("clamp bites" in w.value for w in at.warning)
    at.selectbox(key="cd_coder").set_value("torchvision_roi").run()
    at = _custom(run_app(CODING, query={"conv": "mmdet"}), "0, 0, 10, 10", "1, 2, 11, 12", "mmdet")
    at.number_input(key="cd_dw_n").set_value(-50.0).run()
    assert any("clamp bites" in w.value for w in at.warning)
    # d2l has no clamp: ±50 still decodes without NaN or warnings
    at = _custom(run_app(CODING, query={"conv": "d2l"}), "0, 0, 10, 10", "1, 2, 11, 12", "d2l")
    for v in (50.0, -50.0):
        at.number_input(key="cd_dw_n").set_value(v).run()
        assert not at.exception
        box = path_boxes(next(t for t in specs(at)[0]["data"] if t.get("name") == "decoded box"))[0]
        assert np.isfinite(box).all()


def test_coding_round_trip_and_grid_anchor():
    at = run_app(CODING)
    assert any("returns the GT up to" in c.value for c in at.caption)
    at.radio(key="cd_mode").set_value("grid").run()
    at.selectbox(key="cd_lv").set_value("P5").run()
    at.number_input(key="cd_y").set_value(3).run()
    at.number_input(key="cd_x").set_value(4).run()
    assert not at.exception
    assert any("Anchor: P5, cell (row 3, column 4)" in c.value for c in at.caption)


def test_coding_yolov5_says_it_has_no_coder():
    at = run_app(CODING, query={"conv": "yolov5", "preset": "YOLOv5 P5"})
    assert any("has no delta box coder" in c.value for c in at.caption)


def test_coding_bad_typed_box_shows_error():
    at = run_app(CODING)
    at.radio(key="cd_mode").set_value("custom").run()
    at.text_input(key="cd_anchor_txt").set_value("0, 0, ten, 10").run()
    assert not at.exception
    assert any("expected four numbers" in m for m in errors(at))


# ---------------------------------------------------------------------------------------------------------
# Predictions


def _pred_title(at: AppTest) -> str:
    return title(specs(at)[0])


def test_predictions_page_counts_each_stage():
    at = run_app(PRED)
    t0 = _pred_title(at)
    m = re.search(r"([\d,]+) predictions → ([\d,]+) with score ≥ 0.05 → ([\d,]+) after NMS", t0)
    assert m, t0
    n0, n1, n2 = (int(g.replace(",", "")) for g in m.groups())
    assert n0 == DEFAULT_TOTAL and n0 > n1 > n2 > 0
    # NMS collapses duplicates: a higher NMS IoU threshold keeps more boxes
    at.slider(key="pred_nms").set_value(0.9).run()
    n2b = int(re.search(r"→ ([\d,]+) after NMS", _pred_title(at)).group(1).replace(",", ""))
    assert n2b > n2
    # the final boxes in the figure are as many as the title says
    final = [t for t in specs(at)[0]["data"] if (t.get("name") or "").startswith("after NMS")]
    assert sum(len(path_boxes(t)) for t in final) == n2b


def test_predictions_sigma_changes_the_boxes():
    at = run_app(PRED)
    final0 = [t for t in specs(at)[0]["data"] if (t.get("name") or "").startswith("after NMS")]
    b0 = np.concatenate([path_boxes(t) for t in final0])
    at.slider(key="pred_sigma").set_value(0.0).run()
    assert "σ=0," in _pred_title(at) or "σ=0:" in _pred_title(at)
    final1 = [t for t in specs(at)[0]["data"] if (t.get("name") or "").startswith("after NMS")]
    b1 = np.concatenate([path_boxes(t) for t in final1])
    assert b0.shape != b1.shape or not np.allclose(b0, b1)
    # with σ = 0 the head is perfect: every GT is found with IoU ~1 (the table's IoU column)
    df = at.dataframe[0].value
    assert (df["IoU"] > 0.99).sum() >= 1


def _pred_upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="pred_upload").set_value((name, data, "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _good_predictions(n: int) -> bytes:
    # two boxes on GT 0 region (a duplicate pair) via the boxes layout
    return json.dumps({"boxes": [[30, 22, 565, 800], [60, 60, 565, 800], [290, 125, 420, 280]],
                       "scores": [0.9, 0.8, 0.7]}).encode()


BAD_PREDICTIONS = [
    ("short.json", json.dumps({"deltas": [[0, 0, 0, 0]] * 3, "scores": [0.5] * 3}).encode(), "3 predictions for"),
    ("nan.json", b'{"deltas": [[0, 0, NaN, 0]], "scores": [0.5], "anchor_index": [0]}', "NaN"),
    ("text.json", json.dumps({"deltas": [["a", 0, 0, 0]], "scores": [0.5], "anchor_index": [0]}).encode(),
     "must hold numbers"),
    ("negative.json", json.dumps({"boxes": [[0, 0, 5, 5]], "scores": [-0.2]}).encode(), "scores must lie in [0, 1]"),
    ("broken.json", b'{"scores": [', "not valid JSON"),
]


@pytest.mark.parametrize("name,data,needle", BAD_PREDICTIONS, ids=[b[0] for b in BAD_PREDICTIONS])
def test_bad_prediction_upload_shows_error_and_keeps_the_last_good_view(name, data, needle):
    at = run_app(PRED)
    at.radio(key="pred_src").set_value("upload").run()
    at = _pred_upload(at, "good.json", _good_predictions(DEFAULT_TOTAL))
    good_title = _pred_title(at)
    assert good_title.startswith("good.json: 3 predictions → 3 with score ≥ 0.05 → 2 after NMS"), good_title
    at = _pred_upload(at, name, data)
    msgs = errors(at)
    assert any(name in m and needle in m for m in msgs), msgs
    assert _pred_title(at) == good_title  # the view keeps its last good state
    at.slider(key="pred_nms").set_value(0.95).run()  # and stays usable
    assert _pred_title(at).startswith("good.json: 3 predictions → 3 with score ≥ 0.05 → 3 after NMS")


def test_prediction_upload_of_deltas_for_every_anchor():
    deltas = np.zeros((DEFAULT_TOTAL, 4))
    scores = np.zeros(DEFAULT_TOTAL)
    scores[[5, 6]] = [0.9, 0.8]  # two neighbouring anchors of one cell: overlap, one survives NMS
    at = run_app(PRED)
    at.radio(key="pred_src").set_value("upload").run()
    at = _pred_upload(at, "dense.json", json.dumps({"deltas": deltas.tolist(), "scores": scores.tolist()}).encode())
    assert not errors(at)
    assert f"{DEFAULT_TOTAL:,} predictions → 2 with score" in _pred_title(at)


# ---------------------------------------------------------------------------------------------------------
# Languages


LANG_NEEDLES = {
    IOU: {"en": "IoU heatmap", "ko": "IoU 히트맵", "zh": "IoU 热力图"},
    CODING: {"en": "Encode / decode", "ko": "앵커에서 박스로", "zh": "编码 / 解码"},
    PRED: {"en": "Predictions", "ko": "예측", "zh": "预测"},
}


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", [IOU, CODING, PRED])
@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_language_switch_changes_the_page_text(page, lang):
    at = run_app(page, query={"lang": lang})
    text = _text(at)
    assert LANG_NEEDLES[page][lang] in text, text[:300]
    for other, needle in LANG_NEEDLES[page].items():
        if other != lang and needle not in LANG_NEEDLES[page][lang]:
            assert needle not in text.split("\n")[0]


def test_language_widget_switches_and_persists_in_the_url():
    # Switched in one session on the Anchors page. (AppTest re-sends every widget's last *formatted* label, so a
    # page whose radio labels are translated cannot be switched inside one AppTest session; a real browser
    # sends indices. Those pages are covered by opening them with ?lang=.)
    at = run_app("pages/anchors.py")
    assert "Anchors on the network input" in _text(at)
    at.sidebar.selectbox(key="lang").set_value("ko").run()
    assert not at.exception
    assert "네트워크 입력 위의 앵커" in _text(at)
    assert at.query_params["lang"] in (["ko"], "ko")
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert "网络输入上的锚框" in _text(at)


# ---------------------------------------------------------------------------------------------------------
# The language switch keeps every selection


TITLE_KEYS = {ANCHORS: "anchors.title", LABELS: "labels.title", IOU: "iou.title", CODING: "coding.title",
              PRED: "pred.title"}
# page -> (widget kind, key, a value other than the default, label key or None, key of that value's label or None).
# The chosen values have labels that differ between the languages: a browser sends a choice widget's value back as
# its label, so these are the ones a switch used to lose.
KEPT = {
    ANCHORS: [("selectbox", "rs", "letterbox", "sidebar.resize", "sidebar.rs_letterbox"),
              ("selectbox", "show", "all", "anchors.show", "anchors.show_all"),
              ("number_input", "cell_y", 7, "anchors.row", None)],
    LABELS: [("radio", "asg", "yolov5", "labels.assigner", "labels.asg_yolov5"),
             ("number_input", "anchor_t", 2.0, None, None),
             ("selectbox", "l_show", "P4", "labels.level", None)],
    IOU: [("selectbox", "iou_gt", -1, "iou.values", "iou.max_over_gts")],
    CODING: [("radio", "cd_mode", "grid", "coding.anchor_mode", "coding.mode_grid")],
    PRED: [("radio", "pred_src", "upload", "pred.source", "pred.src_upload")],
}
IN_URL = {ANCHORS: {"rs": "letterbox", "show": "all"}, LABELS: {"asg": "yolov5", "anchor_t": "2", "l_show": "P4"}}


def _url(at: AppTest, key: str) -> str:
    v = at.query_params[key]
    return v[0] if isinstance(v, list) else v


@pytest.mark.parametrize("page", list(KEPT))
def test_language_switch_keeps_every_selection(page):
    at = run_app(page)
    for kind, key, value, _, _ in KEPT[page]:
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, [e.value for e in at.exception]
    for lang in ("ko", "zh"):
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
        assert i18n.t(TITLE_KEYS[page], lang) in _text(at)
        for kind, key, value, label, option in KEPT[page]:
            w = getattr(at, kind)(key=key)
            assert w.value == value, (lang, key, w.value)
            if label:
                assert w.label == i18n.t(label, lang) != i18n.t(label, "en"), (lang, key, w.label)
            if option:  # the browser is told to show the kept value, by its label in the new language
                assert w.proto.set_value and w.proto.raw_value == i18n.t(option, lang), (lang, key, w.proto.raw_value)
                assert w.proto.raw_value in w.options and w.proto.raw_value != i18n.t(option, "en")
        for key, v in {"lang": lang, **IN_URL.get(page, {})}.items():  # Predictions here has stopped: still written
            assert _url(at, key) == v, (lang, key)
    at.run()  # the browser sends the new labels back: still the same values
    assert not at.exception
    for kind, key, value, *_ in KEPT[page]:
        assert getattr(at, kind)(key=key).value == value, key

