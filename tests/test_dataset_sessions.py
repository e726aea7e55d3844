"""The Dataset page's process-wide caches (pages/common/dataset_cache.py, pages/common/figcache.py) never hand one
session another session's dataset or fit, and what the page shows from them equals the fit computed without any
cache.

Three sessions: two on different synthetic datasets (other seeds) under different setups and fit settings, and a
third on the first one's dataset and settings under another setup. Each session's page alone, on empty caches, is
the reference; then all run interleaved on the same caches and each must get exactly its own page back. The Fit
tab's metrics table must equal ``evaluate`` run directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from anchorviz.core.presets import preset_config
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.fit_report import evaluate
from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.dataset.synthetic import synthetic_dataset
from pages.common import dataset_cache, figcache

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
N = 10_000
# user -> (synthetic seed, sidebar preset, max images, IoU threshold)
# (c shares a's dataset and fit settings under another setup: only the setup tells their entries apart)
USERS = {"a": (0, "RetinaNet", 30, 0.4), "b": (1, "Faster R-CNN FPN", 45, 0.65), "c": (0, "Faster R-CNN FPN", 30, 0.4)}


@pytest.fixture(autouse=True)
def server_past_its_first_run(monkeypatch):
    """As in tests/test_app_dataset.py: keep Streamlit's legacy-pages flag as a running server has it."""
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", patched)


def empty_caches() -> None:
    st.cache_resource.clear()
    dataset_cache.DATASETS.clear()
    figcache._CACHE.clear()


def open_session(user: str) -> AppTest:
    seed, preset, _, _ = USERS[user]
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["preset"] = preset
    at.session_state["ds_n"] = N
    at.session_state["ds_seed"] = seed
    at.run()
    at.switch_page("pages/dataset.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def step(at: AppTest, user: str) -> None:
    _, _, max_images, iou_thr = USERS[user]
    at.number_input(key="ds_max_images").set_value(max_images).run()
    at.slider(key="ds_iou_thr").set_value(iou_thr).run()
    assert not at.exception, [e.value for e in at.exception]


def page(at: AppTest) -> dict:
    """Everything the page shows: charts, metrics, tables, captions."""
    return {"charts": [json.loads(c.proto.json)["spec"] for c in at.get("bidi_component")
                       if c.proto.component_name == "anchorviz.chart"],
            "metrics": [(m.label, m.value) for m in at.metric],
            "tables": [df.value.to_json() for df in at.dataframe],
            "captions": [c.value for c in at.caption]}


@pytest.fixture(scope="module")
def alone() -> dict:
    out = {}
    for user in USERS:
        empty_caches()
        at = open_session(user)
        step(at, user)
        out[user] = page(at)
    return out


def test_the_sessions_see_different_pages(alone):
    for u, v in (("a", "b"), ("a", "c")):
        assert alone[u]["metrics"] != alone[v]["metrics"] and alone[u]["charts"] != alone[v]["charts"]


def test_interleaved_sessions_on_shared_caches_get_their_own_page(alone):
    empty_caches()
    sessions = {user: open_session(user) for user in USERS}
    for user, at in sessions.items():
        step(at, user)
    for user, at in sessions.items():
        at.run()
        assert page(at) == alone[user], user
    # a step in one session, then the other reruns: still its own
    sessions["a"].slider(key="ds_iou_thr").set_value(0.7).run()
    sessions["b"].run()
    assert page(sessions["b"]) == alone["b"]


def test_the_fit_tab_shows_the_fit_computed_without_caches(alone):
    seed, preset, max_images, iou_thr = USERS["b"]
    ds = synthetic_dataset(N, seed=seed, resize=ResizeSpec(mode="shorter_side"))
    report = evaluate(ds, preset_config(preset, "torchvision"), anchor_t=4.0, iou_thr=iou_thr, assigner=AssignerSpec(),
                      max_images=max_images, seed=0, worst_k=25)
    table = next(json.loads(t) for t in alone["b"]["tables"] if "value" in t and "metric" in t)
    shown = dict(zip(table["metric"].values(), table["value"].values()))
    want = {m: (f"{v:.4f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v))
            for m, v in report.rows()}
    assert shown == want
