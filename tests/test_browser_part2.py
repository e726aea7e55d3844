"""The teaching pages in a real browser (Playwright + Debian chromium against ``streamlit run app.py``):
IoU heatmap (click a GT's centre), encode/decode (a delta slider moves the decoded box), predictions (σ
slider) and the language switch in three languages. The 10-session load run is benchmarks/load_10_sessions.py.

Screenshots go to artifacts/screenshots/. Fixtures and helpers come from tests/test_browser.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_browser import (CHART, CHROMIUM, FIRST_CHART_MS, JS_ALL_DRAWN, JS_IDLE, JS_TITLE, STEP_MS, data_to_page,
                                shot, sync_api, wait_title)

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

CHARTS = {"iou_heatmap": 2, "coding": 1, "predictions": 1}


def open_view(page, url: str, view: str) -> str:
    """Open a page and wait until its charts have drawn titles and the script is idle. Returns the title."""
    page.goto(url)
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=CHARTS[view], polling="raf",
                           timeout=FIRST_CHART_MS)
    return page.evaluate(JS_TITLE)


def step_slider(page, label: str, key: str = "ArrowRight") -> None:
    slider = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider").first
    slider.focus()
    page.keyboard.press(key)


def test_iou_heatmap_click_a_gt_and_screenshot(page, server):
    title = open_view(page, server + "/iou_heatmap", "iou_heatmap")
    assert "IoU with GT 0" in title
    assert page.evaluate(f"() => document.querySelectorAll('{CHART}')[0].querySelector('.hm, image') !== null")
    shot(page, "iou_heatmap", height=2400)
    # click GT 1's centre ring: the heatmap switches to that GT (and to the level/shape that owns it)
    box = page.evaluate(f"""() => {{ const gd = document.querySelector('{CHART}');
        const t = gd._fullData.find(d => d.customdata && d.mode === 'markers'); return [t.x[1], t.y[1]]; }}""")
    x, y = data_to_page(page, box[0], box[1])
    page.mouse.click(x, y)
    title = wait_title(page, "t.includes('IoU with GT 1')")
    assert "GT 1" in title


def test_coding_delta_slider_moves_the_box(page, server):
    title = open_view(page, server + "/coding", "coding")
    assert "IoU with the GT 1.000" in title
    shot(page, "coding", height=2600)
    before = title
    step_slider(page, "dx")
    title = wait_title(page, f"t !== {before!r}")
    assert "IoU with the GT 1.000" not in title
    assert page.locator(".katex").count() >= 6  # the formulas rendered


def test_predictions_sigma_slider(page, server):
    title = open_view(page, server + "/predictions", "predictions")
    assert "σ=0.1, seed 0" in title
    shot(page, "predictions", height=2200)
    step_slider(page, "σ")
    title = wait_title(page, "t.includes('σ=0.15')")
    assert "after NMS" in title


@pytest.mark.parametrize("lang,view,needle", [
    ("en", "coding", "Encode / decode"),
    ("ko", "iou_heatmap", "IoU 히트맵"),
    ("zh", "predictions", "预测：解码"),
])
def test_language_switch_in_the_browser(page, server, lang, view, needle):
    open_view(page, server + f"/{view}", view)
    if lang != "en":
        box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Language")
        box.click()
        page.get_by_role("option", name={"ko": "한국어", "zh": "中文"}[lang]).click()
        page.wait_for_function(f"() => document.body.innerText.includes({needle!r})", polling="raf", timeout=30_000)
        page.wait_for_function(JS_IDLE, polling="raf", timeout=30_000)
    assert needle in page.inner_text("body")
    if lang != "en":
        assert f"lang={lang}" in page.url
    shot(page, f"lang_{lang}_{view}", height=1600)


JS_CHECKED = """(label) => { const r = [...document.querySelectorAll('[data-testid="stRadio"]')]
    .find(e => e.innerText.includes(label)); const c = r && r.querySelector('input[type=radio]:checked');
    return c ? (c.closest('label') || c.parentElement).innerText.trim() : null; }"""


def choose(page, box, option: str) -> None:
    """Pick ``option`` in a selectbox. A click on a select right after another one was used may only focus it;
    the arrow key then opens the list."""
    combo = box.get_by_role("combobox")
    item = page.get_by_role("option", name=option)
    combo.click()
    try:
        item.wait_for(state="visible", timeout=3000)
    except sync_api.TimeoutError:
        combo.press("ArrowDown")
        item.wait_for(state="visible", timeout=STEP_MS)
    item.click()


def test_language_switch_keeps_the_selections(page, server):
    """The reported bug: after switching to 中文 the 'head output' radio showed no option selected."""
    open_view(page, server + "/predictions", "predictions")
    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Train-time resize"),
           "letterbox to a square (YOLOv5)")
    wait_title(page, "t.includes('σ=0.1')")
    page.get_by_test_id("stRadio").filter(has_text="Head output").get_by_text("upload predictions (JSON)").click()
    page.wait_for_function("() => document.body.innerText.includes('Upload a predictions file')", polling="raf",
                           timeout=30_000)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=30_000)
    assert page.evaluate(JS_CHECKED, "Head output") == "upload predictions (JSON)"
    choose(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Language"), "中文")
    page.wait_for_function("() => document.body.innerText.includes('上传预测文件')", polling="raf", timeout=30_000)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=30_000)
    assert page.evaluate(JS_CHECKED, "head 输出") == "上传预测（JSON）"
    resize = sidebar.get_by_test_id("stSelectbox").filter(has_text="训练时缩放").get_by_role("combobox")
    assert resize.input_value() == "letterbox 到正方形（YOLOv5）"
    assert "rs=letterbox" in page.url and "lang=zh" in page.url
    shot(page, "lang_zh_predictions_kept", height=1200)
