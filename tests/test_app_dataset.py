"""The Dataset page under AppTest: statistics, fit, the optimiser (progress, cancel, result), compare, export /
import, the hand-over of a setup to the sidebar, bad uploads that keep the last good dataset, and the language.

The synthetic dataset is the seeded built-in one; coco-tiny (../shared/data/coco-tiny) is used when present.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.dataset.export.importers import config_from_json
from anchorviz.dataset.export.exporters import config_to_json
from anchorviz.core.presets import preset_config
from tests.test_app import arr, specs, title

ROOT = Path(__file__).resolve().parent.parent
APP = os.environ.get("ANCHORVIZ_APP", str(ROOT / "app.py"))
DATASET = "pages/dataset.py"
COCO_TINY = ROOT.parent / "shared" / "data" / "coco-tiny" / "instances_train2017.json"
SMALL = 10_000


@pytest.fixture(autouse=True)
def server_past_its_first_run(monkeypatch):
    """A running server leaves Streamlit's legacy pages/ mode once, on its first run (pages/common/boot.py);
    AppTest resets that flag before every run, so app.py would rerun every run and drop the run's button
    clicks. Keep the flag as a running server has it."""
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", patched)


def run_dataset(state: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.session_state["ds_n"] = SMALL
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(DATASET).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart(at: AppTest, key_words: str) -> dict:
    return next(s for s in specs(at) if key_words in title(s))


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def upload(at: AppTest, name: str, data: bytes, mime: str = "application/json") -> AppTest:
    at.file_uploader(key="ds_upload").set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_defaults_show_statistics_fit_and_every_tab():
    at = run_dataset()
    assert metric(at, "boxes kept") == f"{SMALL:,}"
    assert metric(at, "images") == f"{SMALL // 8:,}"
    assert [t.label for t in at.tabs] == ["Statistics", "Fit of the current setup", "Optimise",
                                          "Compare two setups", "Export / import"]
    dens = chart(at, "width × height")
    hm = next(t for t in dens["data"] if t["type"] == "heatmap")
    assert arr(hm["customdata"]).sum() == SMALL  # every box is in the binned density, none plotted one by one
    anchors = [t for t in dens["data"] if (t.get("name") or "").startswith("anchors ")]
    assert len(anchors) == 5 and sum(len(arr(t["x"])) for t in anchors) == 45  # RetinaNet: 9 shapes x P3-P7
    levels = chart(at, "GTs per level")
    by_shape = arr(levels["data"][0]["y"])
    assert by_shape.sum() == pytest.approx(1.0)
    area = chart(at, "√area")
    assert [a["text"].split()[0] for a in area["layout"]["annotations"]] == ["small", "medium", "large"]
    assert float(metric(at, "mean best shape IoU")) > 0.5
    assert not errors(at)


def test_a_sidebar_change_changes_the_fit():
    at = run_dataset()
    before = metric(at, "mean best shape IoU")
    at.text_input(key="aspect_ratios").set_value("1").run()
    assert not at.exception
    after = metric(at, "mean best shape IoU")
    assert after != before and float(after) < float(before)  # square anchors only fit the boxes worse
    dens = chart(at, "width × height")
    anchors = [t for t in dens["data"] if (t.get("name") or "").startswith("anchors ")]
    assert sum(len(arr(t["x"])) for t in anchors) == 15


def test_the_synthetic_size_control_changes_the_dataset():
    at = run_dataset()
    at.selectbox(key="ds_n").set_value(100_000).run()
    assert metric(at, "boxes kept") == "100,000"


@pytest.mark.skipif(not COCO_TINY.exists(), reason="../shared/data/coco-tiny is not here")
def test_coco_tiny_upload_counts_match_pycocotools():
    from pycocotools.coco import COCO

    data = COCO_TINY.read_bytes()
    at = upload(run_dataset({"ds_src": "upload"}), COCO_TINY.name, data)
    coco = COCO(str(COCO_TINY))
    anns = coco.dataset["annotations"]
    crowd = sum(1 for a in anns if a.get("iscrowd"))
    degenerate = sum(1 for a in anns if not a.get("iscrowd") and (a["bbox"][2] <= 0 or a["bbox"][3] <= 0))
    assert metric(at, "boxes kept") == f"{len(anns) - crowd - degenerate:,}"
    assert metric(at, "crowd left out") == f"{crowd:,}"
    assert metric(at, "images") == f"{len(coco.dataset['images']):,}"
    worst = next(df for df in at.dataframe if "why" in df.value.columns).value
    assert len(worst) == 25 and (np.diff(worst["best IoU"].to_numpy()) >= 0).all()


def test_a_bad_upload_names_the_record_and_keeps_the_last_good_dataset():
    good = json.dumps({"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
                       "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 80],
                                        "iscrowd": 0}],
                       "categories": [{"id": 1, "name": "cat"}]}).encode()
    at = upload(run_dataset({"ds_src": "upload"}), "good.json", good)
    assert metric(at, "boxes kept") == "1"
    bad = json.dumps({"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
                      "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [10, 10, "wide", 80]}],
                      "categories": [{"id": 1, "name": "cat"}]}).encode()
    upload(at, "bad.json", bad)
    msg = " ".join(errors(at))
    assert "bad.json" in msg and "7" in msg  # the file and the annotation id
    assert metric(at, "boxes kept") == "1"  # the previous dataset stays
    assert any("good.json" in i.value for i in at.info)


def test_a_zip_with_path_traversal_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../evil/labels/a.txt", "0 0.5 0.5 0.1 0.1\n")
    at = upload(run_dataset({"ds_src": "upload"}), "evil.zip", buf.getvalue(), "application/zip")
    msg = " ".join(errors(at))
    assert "evil.zip" in msg and ".." in msg
    assert not (ROOT.parent / "evil").exists() and not Path("/evil").exists()
    assert any("Upload an annotation file" in i.value for i in at.info)  # nothing good yet: the page asks


def _finish_job(at: AppTest) -> AppTest:
    if "ds_job" in at.session_state:  # a short run may already be done by the rerun after the click
        key, job = at.session_state["ds_job"]
        assert job.wait(120), "the optimiser did not finish"
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_optimise_shows_progress_then_a_better_setup_and_hands_it_to_the_sidebar():
    at = run_dataset()
    at.button(key="ds_run").click().run()
    at = _finish_job(at)
    assert "ds_job" not in at.session_state
    _, res, _ = at.session_state["ds_tuned"]
    assert res.after >= res.before and not res.cancelled
    assert metric(at, "mean best IoU") == f"{res.after:.4f}"
    assert metric(at, "before") == f"{res.before:.4f}"
    at.button(key="ds_use_tuned").click().run()
    assert not at.exception
    assert any("The sidebar now holds this setup" in s.value for s in at.success)
    cfg_now = at.session_state["_setup"].cfg
    a, b = generate_anchors(cfg_now, (512, 640)), generate_anchors(res.config, (512, 640))
    assert np.array_equal(a.boxes, b.boxes)
    assert at.text_input(key="sizes").value == ";".join(
        ",".join(str(int(s)) if s == int(s) else repr(s) for s in lv.sizes) for lv in res.config.levels
    ).replace(";", "; ")


def test_cancel_returns_the_best_setup_so_far():
    at = run_dataset({"conv": "yolov5"}, query={"conv": "yolov5", "preset": "YOLOv5 P3-P5"})
    at.number_input(key="ds_gen").set_value(10_000).run()
    at.button(key="ds_run").click().run()
    assert at.button(key="ds_cancel").disabled is False  # the progress fragment shows Cancel while it runs
    at.button(key="ds_cancel").click().run()
    at = _finish_job(at)
    _, res, _ = at.session_state["ds_tuned"]
    assert res.cancelled and len(res.history) < 10_000
    assert any("Cancelled" in w.value for w in at.warning)


def test_yolov5s_own_procedure_is_offered_for_yolo_setups():
    at = run_dataset(query={"conv": "yolov5", "preset": "YOLOv5 P3-P5"})
    at.selectbox(key="ds_method").set_value("yolov5").run()
    assert at.selectbox(key="ds_objective").options == ["YOLOv5 fitness"]
    at.number_input(key="ds_gen").set_value(50).run()
    at.button(key="ds_run").click().run()
    at = _finish_job(at)
    _, res, _ = at.session_state["ds_tuned"]
    assert any("autoanchor" in n for n in res.notes) and res.objective == "fitness"
    assert not errors(at)


def test_compare_with_another_library_default():
    at = run_dataset()
    # the Compare tab computes its second setup only while it is open (a click on the tab reruns the page)
    assert not any("Δ" in df.value.columns for df in at.dataframe)
    at.session_state["ds_tab"] = "Compare two setups"
    at.run()
    assert any("Δ" in df.value.columns for df in at.dataframe)
    at.selectbox(key="ds_cmp").set_value("preset:torchvision:Faster R-CNN FPN").run()
    assert not at.exception
    table = next(df for df in at.dataframe if "Δ" in df.value.columns).value
    assert list(table.columns) == ["metric", "current", "torchvision · Faster R-CNN FPN", "Δ"]
    shapes = table[table["metric"] == "anchor shapes"].iloc[0]
    assert (shapes["current"], shapes["torchvision · Faster R-CNN FPN"]) == ("45", "15")
    rec = chart(at, "Share of GTs whose best IoU")
    assert len([t for t in rec["data"] if t["type"] == "scatter"]) >= 2


def test_export_every_format_and_import_json_into_the_sidebar():
    at = run_dataset()
    code = [c.value for c in at.code]
    assert any("AnchorGenerator(" in c for c in code)
    cfg = preset_config("RetinaNet", "mmdet")
    at.selectbox(key="ds_imp_fmt").set_value("json").run()
    at.text_area(key="ds_imp_text").set_value(config_to_json(cfg)).run()
    at.button(key="ds_import").click().run()
    assert not at.exception and not errors(at)
    assert config_from_json(config_to_json(at.session_state["ds_imported"])) is not None
    at.button(key="ds_use_imported").click().run()
    assert not at.exception
    assert at.session_state["_setup"].cfg.convention == "mmdet"
    now = generate_anchors(at.session_state["_setup"].cfg, (512, 640))
    assert np.array_equal(now.boxes, generate_anchors(cfg, (512, 640)).boxes)
    at.radio(key="ds_exp_which").set_value("current").run()
    at.selectbox(key="ds_exp_fmt").set_value("mmdet").run()
    assert any("anchor_generator" in c.value and "AnchorGenerator" in c.value for c in at.code)


def test_import_of_bad_text_says_what_is_wrong_and_keeps_the_page():
    at = run_dataset()
    at.selectbox(key="ds_imp_fmt").set_value("json").run()
    at.text_area(key="ds_imp_text").set_value("{not json").run()
    at.button(key="ds_import").click().run()
    assert not at.exception
    assert errors(at) and "ds_imported" not in at.session_state
    assert metric(at, "boxes kept") == f"{SMALL:,}"


@pytest.mark.parametrize("lang, needle", [("ko", "데이터셋"), ("zh", "数据集")])
def test_language(lang, needle):
    at = run_dataset(query={"lang": lang})
    assert needle in at.markdown[0].value or any(needle in m.value for m in at.markdown)
    assert [t.label for t in at.tabs][0] != "Statistics"
