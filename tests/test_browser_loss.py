"""The Loss page in a real browser (Playwright + Debian chromium against ``streamlit run app.py``): γ and the
training progress change the charts in place (the same chart elements, redrawn by Plotly.react), the loss falls
as progress rises, and the page switches to Korean. Screenshots go to artifacts/screenshots/loss_*.png.

Fixtures and helpers come from tests/test_browser.py and tests/conftest.py.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.test_browser import (CHART, CHROMIUM, FIRST_CHART_MS, JS_ALL_DRAWN, JS_IDLE, JS_TITLE, STEP_MS, shot,
                                wait_title)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

JS_BD_TITLE = (f"() => {{ const c = document.querySelectorAll('{CHART}')[1]; const t = c && c.querySelector('.gtitle');"
               " return t ? t.textContent : null; }")
JS_BD_Y = f"() => document.querySelectorAll('{CHART}')[1]._fullData.map(d => Array.from(d.y))"
JS_MARK = f"() => document.querySelectorAll('{CHART}').forEach((c, i) => {{ c.dataset.avzMark = String(i + 1); }})"
JS_MARKED = f"() => Array.from(document.querySelectorAll('{CHART}')).map(c => c.dataset.avzMark || null)"


def total(title: str) -> float:
    return float(re.search(r"total ([\d.e+-]+) =", title).group(1))


def test_loss_gamma_and_progress_update_the_charts_in_place(page, server):
    page.goto(server + "/loss")
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=2, polling="raf",
                           timeout=FIRST_CHART_MS)
    title = page.evaluate(JS_TITLE)
    assert title.startswith("torchvision RetinaNet, simulated head at progress 0.30, seed 0: total")
    assert "γ = 2 beside γ = 0" in page.evaluate(JS_BD_TITLE)
    assert page.locator(".katex").count() >= 5  # the formulas rendered
    shot(page, "loss_en", height=3000)
    page.evaluate(JS_MARK)
    bars = page.evaluate(JS_BD_Y)

    # γ: one step up (0.5) -> the breakdown's γ bars change, the γ = 0 bars stay, on the same chart element
    box = page.get_by_test_id("stNumberInput").filter(has_text="γ").locator("input")
    box.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({JS_BD_TITLE})().includes('γ = 2.5 beside')", polling="raf", timeout=STEP_MS)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=STEP_MS)
    after = page.evaluate(JS_BD_Y)
    assert after[1] == pytest.approx(bars[1], rel=1e-9) and after[0][2] < bars[0][2]  # easy negatives: less
    assert page.evaluate(JS_MARKED) == ["1", "2"]  # updated in place, not remounted
    assert "loss_gamma=2.5" in page.url
    title = page.evaluate(JS_TITLE)

    # progress: one step right -> the loss falls, the main chart redraws in place
    slider = page.get_by_test_id("stSlider").filter(has_text="Training progress").get_by_role("slider").first
    slider.focus()
    page.keyboard.press("ArrowRight")
    new = wait_title(page, "t.includes('progress 0.35')")
    assert total(new) < total(title)
    assert page.evaluate(JS_MARKED) == ["1", "2"]
    assert "loss_prog=0.35" in page.url

    # the box term
    page.get_by_test_id("stButtonGroup").filter(has_text="classification").get_by_text("box").click()
    wait_title(page, "t.endsWith('showing box')")
    assert page.evaluate(JS_MARKED) == ["1", "2"]
    shot(page, "loss_en_box", height=3000)


def test_loss_page_in_korean(page, server):
    page.goto(server + "/loss?lang=ko")
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=2, polling="raf",
                           timeout=FIRST_CHART_MS)
    assert "손실: 네트워크가 실제로 학습하는 것" in page.inner_text("body")
    title = page.evaluate(JS_TITLE)
    assert "전체" in title and "분류" in title
    assert "γ = 2와 γ = 0 비교" in page.evaluate(JS_BD_TITLE)
    shot(page, "loss_ko", height=3000)


def test_rpn_minibatch_is_visible(page, server):
    page.goto(server + "/loss?conv=detectron2&preset=Faster%20R-CNN%20FPN")
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=2, polling="raf",
                           timeout=FIRST_CHART_MS)
    title = page.evaluate(JS_TITLE)
    assert title.startswith("detectron2 RPN, simulated head at progress 0.30")
    names = page.evaluate(f"() => document.querySelector('{CHART}').data.map(d => d.name || '')")
    assert any(n.startswith("not sampled: not counted") for n in names)
    markers = page.evaluate(f"() => document.querySelector('{CHART}')._fullData.filter(d => d.hovertext)"
                            ".reduce((s, d) => s + d.x.length, 0)")
    assert 0 < markers <= 256  # every sampled location is marked; the others count for nothing
    assert "Where the classification loss comes from" in page.evaluate(JS_BD_TITLE)  # BCE: no γ column
    tex = page.evaluate("() => [...document.querySelectorAll('.katex annotation')].map(a => a.textContent).join(' ')")
    assert "B \\cdot I = 256 \\cdot 1 = 256" in tex  # detectron2's fixed RPN normaliser, as rendered
    shot(page, "loss_rpn", height=3000)


def test_the_simulated_head_downloads_as_a_predictions_file(page, server, tmp_path):
    """The download button makes the file on the click, from the head of the page's current arguments: the file
    has one row per anchor and the page's classes, and reads back as the same head (through the upload parser)."""
    import json

    import numpy as np

    from anchorviz.io.predictions import parse_predictions

    page.goto(server + "/loss")
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=2, polling="raf",
                           timeout=FIRST_CHART_MS)
    n_anchors = int(re.search(r"Of the ([\d,]+) anchors", page.inner_text("body")).group(1).replace(",", ""))
    with page.expect_download(timeout=STEP_MS) as dl:
        page.get_by_test_id("stDownloadButton").get_by_role("button").click()
    path = tmp_path / "head.json"
    dl.value.save_as(path)
    data = path.read_bytes()
    pred = parse_predictions(data, num_anchors=n_anchors, name="head.json")
    assert np.asarray(pred.deltas).shape == (n_anchors, 4)
    assert isinstance(json.loads(data), dict)
