"""The Assigners page under AppTest: every point rule renders on every bundled sample and on an uploaded image with
per-GT counts equal to the core's, training progress moves the prediction-aware rules and not FCOS, a bad
predictions upload shows its message and keeps the last good file, the URL seeds the controls, and the page speaks
English, Korean and Chinese (keeping its selections across a switch)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assigners import POINT_RULES, TAL_PRESETS, run_point_rule, simulate_point_head
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.points import library_points
from anchorviz.io.point_predictions import point_predictions_json
from anchorviz.io.samples import SAMPLES
from pages.common import i18n
from pages.common.assign_ui import TAL_SETTINGS
from tests.test_app import APP, arr, png_bytes, specs, title

PAGE = "pages/assigners.py"
STRIDES = (8.0, 16.0, 32.0)


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def main_title(at: AppTest) -> str:
    return title(specs(at)[0])


def right_positives(at: AppTest) -> set[tuple[float, float, int]]:
    """(x, y, GT) of every positive marker in the right (point) panel."""
    tr = [t for t in specs(at)[0]["data"] if t.get("xaxis") == "x2" and t.get("customdata") is not None
          and (t.get("name") or "").startswith("positive")]
    if not tr:
        return set()
    x, y, g = arr(tr[0]["x"]), arr(tr[0]["y"]), arr(tr[0]["customdata"])
    return set(zip(x.tolist(), y.tolist(), g.astype(int).tolist()))


def per_gt(at: AppTest):
    return at.dataframe[0].value


def core_counts(at: AppTest, rule: str, progress: float = 0.5, seed: int = 0, options: dict | None = None,
                strides: tuple[float, ...] = STRIDES):
    """The core's positives per GT for the page's current picture and setup (no Streamlit involved)."""
    setup = at.session_state["_setup"]
    gt = setup.pic.gt
    c = max(len(gt.class_names), int(gt.labels.max(initial=-1)) + 1, 1)
    if options is None:
        options = TAL_SETTINGS["v8"] if rule.startswith("tal") else {}
    _, _, asg = run_point_rule(rule, setup.input_hw, strides, setup.gt_input, gt.labels, num_classes=c,
                               progress=progress, seed=seed, options=options)
    aset = generate_anchors(setup.cfg, setup.input_hw)
    anchors = assign_anchors(aset, setup.gt_input, max_iou_rule(setup.cfg.convention, pos_iou=0.5, neg_iou=0.4,
                                                                 low_quality=True))
    return asg, anchors.positives_per_gt()


def check_counts(at: AppTest, rule: str, **kw) -> None:
    asg, anchor_counts = core_counts(at, rule, **kw)
    table = per_gt(at)
    assert table[i18n.t("assigners.col_points")].tolist() == asg.positives_per_gt().tolist(), rule
    assert table[i18n.t("assigners.col_anchors")].tolist() == anchor_counts.tolist()
    assert table[i18n.t("assigners.col_lost")].tolist() == asg.lost_per_gt().tolist()
    flags = table[i18n.t("assigners.col_flag")].tolist()
    for g, f in enumerate(flags):
        assert (i18n.t("assigners.flag_point") in f) == (asg.positives_per_gt()[g] == 0)
        assert (i18n.t("assigners.flag_anchor") in f) == (anchor_counts[g] == 0)
    n_pos = int((asg.matched_gt >= 0).sum())
    assert f": {n_pos:,} positive points, {len(asg.without_positive())} of {len(flags)} GT without" in main_title(at)


# ---------------------------------------------------------------------------------------------------------
# every rule, every sample, an uploaded image


def test_page_loads_with_the_defaults():
    at = open_page()
    t0 = main_title(at)
    assert t0.startswith("TAL · ultralytics 8.4 (YOLOv8 / YOLO11) · training progress 0.50, seed 0:"), t0
    assert i18n.t("assigners.title") in at.markdown[0].value
    assert len(specs(at)) == 2  # the two panels, one GT's candidates
    assert at.query_params["pa_st"] in (["8,16,32"], "8,16,32")  # the point levels default to 8 / 16 / 32
    check_counts(at, "tal_8.4")


@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_rule_on_every_sample(sample):
    at = open_page({"sample": sample})
    for rule in POINT_RULES:
        at.selectbox(key="pa_rule").set_value(rule).run()
        ok(at)
        assert not errors(at), errors(at)
        assert main_title(at).startswith(i18n.t("assigners.rule_" + rule) + " · "), main_title(at)
        check_counts(at, rule)
        cand = title(specs(at)[1])
        assert cand.startswith(f"GT {at.selectbox(key='pa_gt').value} under"), cand


def _yolo(boxes: list[tuple[int, float, float, float, float]]) -> bytes:
    return "\n".join(" ".join(str(v) for v in b) for b in boxes).encode()


def test_every_rule_on_an_uploaded_image():
    at = open_page()
    at.file_uploader(key="up_img").set_value(("street.png", png_bytes(), "image/png")).run()
    ok(at)
    assert i18n.t("assigners.no_gt") in [i.value for i in at.info]  # an image without boxes: nothing to assign
    # a car, a tiny sign (6 x 5 px on the 640 x 480 photo) and two people sharing a corner
    labels = _yolo([(0, 0.3, 0.5, 0.3, 0.2), (1, 0.8, 0.2, 6 / 640, 5 / 480), (2, 0.6, 0.6, 0.1, 0.3),
                    (2, 0.66, 0.65, 0.1, 0.3)])
    at.file_uploader(key="up_ann").set_value(("street.txt", labels, "text/plain")).run()
    ok(at)
    assert len(at.session_state["_setup"].gt_input) == 4
    for rule in POINT_RULES:
        at.selectbox(key="pa_rule").set_value(rule).run()
        ok(at)
        assert not errors(at), errors(at)
        check_counts(at, rule)


@pytest.mark.parametrize("conv", list(CONVENTIONS))
def test_every_convention_feeds_its_level_strides(conv):
    at = open_page({"conv": conv})
    assert not errors(at), errors(at)
    strides = tuple(float(v) for v in at.session_state["_p"]["pa_st"])
    setup = at.session_state["_setup"]
    usable = [float(lv.stride[0] if isinstance(lv.stride, tuple) else lv.stride) for lv in setup.cfg.levels
              if lv.feature_hw is None]
    if any(v in (8.0, 16.0, 32.0) for v in usable):
        assert strides == tuple(v for v in dict.fromkeys(usable) if v in (8.0, 16.0, 32.0))
    asg, _ = core_counts(at, "tal_8.4", strides=strides)
    assert per_gt(at)[i18n.t("assigners.col_points")].tolist() == asg.positives_per_gt().tolist()
    if conv == "yolov5":  # the Labels page's YOLOv5 matching counts (anchor, GT) pairs
        assert i18n.t("assigners.col_pairs") in per_gt(at).columns


def test_d2l_every_pixel_falls_back_to_yolo_strides():
    at = open_page({"conv": "d2l", "preset": "d2l book (every pixel)"})
    assert at.session_state["_p"]["pa_st"] == ["8", "16", "32"]
    assert any(i18n.t("assigners.no_strides", st="8 / 16 / 32") == c.value for c in at.caption)


# ---------------------------------------------------------------------------------------------------------
# training progress


@pytest.mark.parametrize("rule", list(POINT_RULES))
def test_progress_moves_dynamic_rules_not_fcos(rule):
    at = open_page({"pa_rule": rule, "pa_prog": "0"})
    before = right_positives(at)
    at.slider(key="pa_prog").set_value(1.0).run()
    ok(at)
    after = right_positives(at)
    assert "training progress 1.00" in main_title(at)
    moved = [i.value for i in at.info if "→" in i.value]
    assert moved and "0 anchor labels changed" in moved[0], moved
    if POINT_RULES[rule].uses_predictions:
        assert before != after
        check_counts(at, rule, progress=1.0)
    else:
        assert before == after and len(before) > 0
        assert "**0 point labels changed**" in moved[0]


def test_tal_settings_are_the_librarys():
    presets = list(TAL_PRESETS.values())
    for key, cfg in zip(("v8", "defaults"), presets[:2]):
        want = {"topk": cfg.topk, "alpha": cfg.alpha, "beta": cfg.beta}
        assert TAL_SETTINGS[key] == want


def test_tal_settings_and_compare_change_the_page():
    at = open_page()
    at.selectbox(key="pa_tal").set_value("defaults").run()
    ok(at)
    check_counts(at, "tal_8.4", options=TAL_SETTINGS["defaults"])
    at.selectbox(key="pa_rule").set_value("simota_mmdet").run()
    at.selectbox(key="pa_cmp").set_value("simota_yolox_head").run()
    ok(at)
    diff = [t for t in specs(at)[0]["data"] if (t.get("name") or "").startswith("differs from")]
    a, _ = core_counts(at, "simota_mmdet")
    b, _ = core_counts(at, "simota_yolox_head")
    n = int((a.matched_gt != b.matched_gt).sum())
    assert diff and f"({n} cells)" in diff[0]["name"] and n > 0
    assert len(at.dataframe) == 2  # the per-GT table and SimOTA's differences
    fields = at.dataframe[1].value[i18n.t("assigners.col_field")].tolist()
    assert "center_radius" in fields and "penalty" in fields


# ---------------------------------------------------------------------------------------------------------
# one GT's candidates, URL state


def test_pick_a_gt_and_the_url():
    at = open_page({"pa_rule": "dsl_rtmdet", "pa_prog": "0.8", "pa_seed": "3", "pa_st": "8,16"})
    t0 = main_title(at)
    assert t0.startswith("RTMDet · DynamicSoftLabel (mmdet) · training progress 0.80, seed 3"), t0
    assert any("800×800 input, strides 8 / 16" in m.value for m in at.markdown)
    at.selectbox(key="pa_gt").set_value(3).run()
    ok(at)
    cand = title(specs(at)[1])
    asg = core_counts(at, "dsl_rtmdet", progress=0.8, seed=3, strides=(8.0, 16.0))[0]
    assert cand.startswith("GT 3 under RTMDet"), cand
    assert f"dynamic k = {asg.dynamic_k[3]} · won {asg.positives_per_gt()[3]} ·" in cand, cand
    assert at.query_params["pa_gt"] in (["3"], "3") and at.query_params["pa_rule"] in (["dsl_rtmdet"], "dsl_rtmdet")
    bad = AppTest.from_file(APP, default_timeout=120)
    bad.query_params.update({"pa_rule": "bogus", "pa_prog": "7"})
    bad.run()  # the link's warnings show on the first page the link opens
    assert any("pa_rule=bogus" in w.value and "pa_prog=7" in w.value for w in bad.warning)
    bad.switch_page(PAGE).run()
    ok(bad)
    assert main_title(bad).startswith("TAL · ultralytics 8.4 (YOLOv8 / YOLO11) · training progress 0.50")


# ---------------------------------------------------------------------------------------------------------
# predictions upload


def _predictions(at: AppTest, n_classes: int | None = None) -> bytes:
    setup = at.session_state["_setup"]
    gt = setup.pic.gt
    c = n_classes or len(gt.class_names)
    grid = library_points("ultralytics", setup.input_hw, STRIDES)
    pred = simulate_point_head(grid, setup.gt_input, np.minimum(gt.labels, c - 1), num_classes=c, progress=0.9,
                               seed=11)
    return point_predictions_json(pred).encode()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="pa_upload").set_value((name, data, "application/json")).run()
    ok(at)
    return at


def _bad_files(at: AppTest) -> list[tuple[str, bytes, str]]:
    good = json.loads(_predictions(at))
    n = len(good["boxes"])
    nan = dict(good, cls=[row[:] for row in good["cls"]])
    nan["cls"][5][2] = float("nan")
    neg = dict(good, boxes=[b[:] for b in good["boxes"]])
    neg["boxes"][7] = [50.0, 50.0, 40.0, 60.0]
    short = dict(good, cls=good["cls"][:-1], obj=good["obj"][:-1], boxes=good["boxes"][:-1])
    return [
        ("short.json", json.dumps(short).encode(), f"has {n - 1} rows, expected {n}"),
        ("nan.json", json.dumps(nan).encode(), "NaN or infinite"),
        ("negative.json", json.dumps(neg).encode(), "box 7 has x2 < x1"),
        ("broken.json", b'{"scores": "logits", "cls": [', "not valid JSON"),
        ("classes.json", _predictions(at, n_classes=3), "needs at least 9"),
    ]


def test_bad_uploads_show_the_message_and_keep_the_last_good_file():
    at = open_page()
    at.radio(key="pa_src").set_value("upload").run()
    ok(at)
    assert i18n.t("assigners.upload_first") in [i.value for i in at.info]
    assert "training progress 0.50" in main_title(at)  # the simulated head until a file arrives
    at = _upload(at, "good.json", _predictions(at))
    assert not errors(at), errors(at)
    good_title = main_title(at)
    assert "predictions from good.json" in good_title, good_title
    good_table = per_gt(at).copy()
    for name, data, needle in _bad_files(at):
        at = _upload(at, name, data)
        msgs = errors(at)
        assert any(name in m and needle in m for m in msgs), (name, msgs)
        assert any("good.json" in i.value for i in at.info)  # keeping the last good file
        assert main_title(at) == good_title
        assert per_gt(at).equals(good_table)
    at.selectbox(key="pa_rule").set_value("simota_yolox_head").run()  # still usable, on the good file
    ok(at)
    assert "predictions from good.json" in main_title(at)


# ---------------------------------------------------------------------------------------------------------
# languages


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_the_page_speaks_each_language(lang):
    at = open_page({"lang": lang, "pa_rule": "simota_mmdet"})
    assert i18n.t("assigners.title", lang) in at.markdown[0].value
    assert main_title(at).startswith(i18n.t("assigners.rule_simota_mmdet", lang))
    assert i18n.t("assigners.src_desc_sim", lang, p="0.50", seed=0) in main_title(at)


def test_language_switch_keeps_the_selections():
    at = open_page()
    at.selectbox(key="pa_rule").set_value("simota_yolox_head").run()
    at.selectbox(key="pa_cmp").set_value("simota_mmdet").run()
    at.slider(key="pa_prog").set_value(0.75).run()
    ok(at)
    for lang in ("ko", "zh"):
        at.sidebar.selectbox(key="lang").set_value(lang).run()
        ok(at)
        assert i18n.t("assigners.title", lang) in at.markdown[0].value
        assert at.selectbox(key="pa_rule").value == "simota_yolox_head"
        assert at.selectbox(key="pa_cmp").value == "simota_mmdet"
        assert at.slider(key="pa_prog").value == 0.75
        assert at.selectbox(key="pa_rule").label == i18n.t("assigners.rule", lang)
        assert main_title(at).startswith(i18n.t("assigners.rule_simota_yolox_head", lang))
        assert at.query_params["lang"] in ([lang], lang)
