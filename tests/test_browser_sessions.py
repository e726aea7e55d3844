"""Three real browser sessions on one server never see each other's picture, boxes or thresholds.

Each session (its own Chromium context, so its own cookies and websocket) uploads a PNG of a size no other
session has and a label file with its own number of boxes, and a neg_iou threshold of its own, then all three
move the pos_iou slider at the same moment, so their reruns overlap on the server. After every round each page
must show its own figure: the network input of its own photo (``layout.images[0]`` size), its own GT count and
its own threshold in the title, and a background picture no other session shows. The protocol-level load test
with many more users is benchmarks/w6_server_load.py.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from PIL import Image

from tests.test_browser import CHROMIUM, FIRST_CHART_MS, FLAGS, JS_IDLE, STEP_MS, VIEWPORT, sync_api

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                 reason=f"{CHROMIUM} is missing (apt-get install chromium)")]

SIZES = ((352, 256), (448, 288), (544, 320))  # (w, h), one per session; rs=none pads to a multiple of 32
JS_FIG = """() => { const gd = document.querySelector('[data-testid="avzChart"]');
  if (!gd || !gd.layout || !gd.layout.images) return null;
  const im = gd.layout.images[0];
  return {title: gd.layout.title.text, w: im.sizex, h: im.sizey,
          src: im.source.length + ':' + im.source.slice(-64)}; }"""


def _files(tmp_path, j: int, w: int, h: int):
    rng = np.random.default_rng(j)
    img = np.empty((h, w, 3), np.uint8)
    img[:] = rng.integers(30, 220, 3)
    img[h // 4: h // 2, w // 4: w // 2] = rng.integers(0, 255, (h // 2 - h // 4, w // 2 - w // 4, 3))
    png = tmp_path / f"session{j}.png"
    Image.fromarray(img).save(png)
    boxes = tmp_path / f"session{j}.txt"
    boxes.write_text("".join(f"0 {0.2 + 0.15 * k:.3f} 0.5 0.12 0.3\n" for k in range(j + 2)))
    return png, boxes, j + 2


def _wait_fig(page, predicate: str, timeout: int = STEP_MS) -> dict:
    try:
        page.wait_for_function(f"() => {{ const f = ({JS_FIG})(); return f !== null && ({predicate}); }}",
                               polling="raf", timeout=timeout)
    except sync_api.TimeoutError:
        raise AssertionError(f"waited {timeout} ms for {predicate}; the figure shows {page.evaluate(JS_FIG)}") from None
    page.wait_for_function(JS_IDLE, polling="raf", timeout=timeout)
    return page.evaluate(JS_FIG)


def test_three_sessions_keep_their_own_picture_boxes_and_thresholds(server, playwright, tmp_path):
    _three_sessions(server, playwright, tmp_path)


def test_three_sessions_on_two_replicas_behind_nginx(replicas, playwright, tmp_path):
    """scripts/run_replicas.sh: the same three sessions through nginx; they are spread over both replicas (the
    fewest-connections choice, then the avz_route cookie) and each still sees only its own work -- its upload,
    websocket and reruns all reach the replica that holds its session."""
    routes = _three_sessions(replicas, playwright, tmp_path)
    assert set(routes) == {"r1", "r2"}, f"the sessions' avz_route cookies: {routes}"


def _three_sessions(base_url: str, playwright, tmp_path) -> list[str]:
    """Runs the three sessions against ``base_url``; returns each context's avz_route cookie ("" without one)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    try:
        contexts = [browser.new_context(viewport=VIEWPORT) for _ in SIZES]
        pages = [c.new_page() for c in contexts]
        own = []
        for j, (page, (w, h)) in enumerate(zip(pages, SIZES)):
            page.goto(base_url + "/labels?rs=none")
            _wait_fig(page, "f.title.startsWith('Max IoU 0.5/0.4')", timeout=FIRST_CHART_MS)
            png, boxes, n_gt = _files(tmp_path, j, w, h)
            up = page.get_by_test_id("stFileUploaderDropzoneInput")
            up.nth(0).set_input_files(str(png))
            hw = (math.ceil(h / 32) * 32, math.ceil(w / 32) * 32)
            _wait_fig(page, f"f.w === {hw[1]} && f.h === {hw[0]}")
            up.nth(1).set_input_files(str(boxes))
            fig = _wait_fig(page, f"f.title.includes(' of {n_gt} GT without')")
            own.append({"hw": hw, "n_gt": n_gt, "src": fig["src"], "pos": 0.5, "neg": 0.4})
            neg = page.get_by_test_id("stSlider").filter(has_text="neg_iou").get_by_role("slider")
            for _ in range(j + 1):  # a threshold of its own: neg_iou 0.35, 0.3, 0.25
                neg.focus()
                page.keyboard.press("ArrowLeft")
                own[j]["neg"] = round(own[j]["neg"] - 0.05, 2)
                fig = _wait_fig(page, f"f.title.startsWith('Max IoU 0.5/{own[j]['neg']:g},')")
        assert len({o["src"] for o in own}) == len(own), "two sessions show the same background picture"

        sliders = [pg.get_by_test_id("stSlider").filter(has_text="pos_iou").get_by_role("slider") for pg in pages]
        for _ in range(4):
            for j, (page, slider) in enumerate(zip(pages, sliders)):  # all three press before any waits
                slider.focus()
                page.keyboard.press("ArrowRight")
                own[j]["pos"] = round(own[j]["pos"] + 0.05, 2)
            for j, page in enumerate(pages):
                o = own[j]
                fig = _wait_fig(page, f"f.title.startsWith('Max IoU {o['pos']:g}/{o['neg']:g},')")
                assert (fig["h"], fig["w"]) == o["hw"], f"session {j} shows another input size: {fig}"
                assert f" of {o['n_gt']} GT without" in fig["title"], f"session {j}: {fig['title']}"
                assert fig["src"] == o["src"], f"session {j} shows another background picture"
        for j, page in enumerate(pages):
            errors = page.evaluate("() => document.querySelectorAll('[data-testid=\"stException\"], "
                                   "[data-testid=\"stAlertContentError\"]').length")
            assert errors == 0, f"session {j} shows an error"
            assert page.get_by_text(f"{own[j]['n_gt']} boxes on session{j}.png").count() == 1
        return [next((c["value"] for c in ctx.cookies() if c["name"] == "avz_route"), "") for ctx in contexts]
    finally:
        browser.close()
