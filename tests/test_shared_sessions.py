"""The caches shared by every session of a server (pages/common/cache.py, anchorviz.core.shared_cache) never
hand one session another session's upload or results.

Two sessions upload different pictures of the same size (so they share the AnchorSet) with their boxes in
different places. Each session's figures computed with no cache at all (every call computes) are the reference;
then both run interleaved on the same caches, and each must get exactly its own figures back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from anchorviz.core.anchors.grid import ANCHOR_CACHE
from anchorviz.core.shared_cache import SharedCache, freeze
from pages.common import cache

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ("pages/labels.py", "pages/iou_heatmap.py", "pages/predictions.py", "pages/coding.py", "pages/loss.py",
         "pages/assigners.py")
W, H = 320, 256


def png(seed: int) -> bytes:
    img = (np.random.default_rng(seed).random((H, W, 3)) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


def yolo(rows: list[tuple[float, float, float, float]]) -> bytes:
    return "".join(f"0 {cx} {cy} {w} {h}\n" for cx, cy, w, h in rows).encode()


USERS = {
    "a": (png(1), yolo([(0.25, 0.25, 0.2, 0.3)])),
    "b": (png(2), yolo([(0.7, 0.7, 0.3, 0.2), (0.6, 0.3, 0.25, 0.25)])),
}


def open_session(user: str) -> AppTest:
    image, boxes = USERS[user]
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.file_uploader(key="up_img").set_value((f"{user}.png", image, "image/png")).run()
    at.file_uploader(key="up_ann").set_value((f"{user}.txt", boxes, "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[str]:
    """The spec JSON of every anchorviz chart on the page, in page order."""
    return [json.loads(c.proto.json)["spec"] for c in at.get("bidi_component")
            if c.proto.component_name == "anchorviz.chart"]


def visit(at: AppTest, page: str) -> list[str]:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return charts(at)


def empty_caches() -> None:
    cache.RESULTS.clear()
    ANCHOR_CACHE.clear()


@pytest.fixture(scope="module")
def alone() -> dict:
    """Each user's figures on every page, computed without any cache (so a wrong key cannot hide here)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(SharedCache, "get", lambda self, key, compute: freeze(compute()))
    try:
        out = {}
        for user in USERS:
            at = open_session(user)
            out[user] = {page: visit(at, page) for page in PAGES}
    finally:
        mp.undo()
    return out


def test_the_two_users_see_different_figures(alone):
    for page in PAGES:
        assert alone["a"][page][0] != alone["b"][page][0], page  # the check below can fail


def test_interleaved_sessions_on_shared_caches_get_their_own_figures(alone):
    empty_caches()
    sessions = {user: open_session(user) for user in USERS}
    a_set, b_set = sessions["a"].session_state["_setup"], sessions["b"].session_state["_setup"]
    assert a_set.input_hw == b_set.input_hw and a_set.pic.token != b_set.pic.token
    for page in PAGES:
        for user, at in sessions.items():
            assert visit(at, page) == alone[user][page], (user, page)
    # the same size and setup: one AnchorSet for both sessions, not one each
    assert cache.anchors(a_set.cfg, a_set.input_hw) is cache.anchors(b_set.cfg, b_set.input_hw)
    # a change in one session, then the other reruns: still its own
    sessions["a"].switch_page("pages/labels.py").run()
    sessions["a"].slider(key="pos").set_value(0.6).run()
    b = visit(sessions["b"], "pages/labels.py")
    assert b == alone["b"]["pages/labels.py"]
    assert "Max IoU 0.6/" in json.loads(charts(sessions["a"])[0])["layout"]["title"]["text"]
