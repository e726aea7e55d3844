"""The Assigners page in a real browser (Playwright + Debian chromium against ``streamlit run app.py``): training
progress and the assigner change the chart in place (the same plotly element, redrawn), the prediction-aware rule's
positives move and FCOS's do not, a click on a GT's centre picks it; screenshots in English and Korean go to
artifacts/screenshots/."""

from __future__ import annotations

import os

import pytest

from tests.test_browser import (CHART, CHROMIUM, FIRST_CHART_MS, JS_ALL_DRAWN, JS_IDLE, JS_TITLE, data_to_page, shot,
                                wait_title)
from tests.test_browser_part2 import choose, step_slider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

# the right panel's positives, as plotly holds them in the first chart
JS_POSITIVES = f"""() => {{ const gd = document.querySelector('{CHART}');
    const t = gd._fullData.find(d => d.xaxis === 'x2' && d.customdata && (d.name || '').startsWith('positive'));
    return t ? Array.from(t.x).map((x, i) => [x, t.y[i], t.customdata[i]]) : []; }}"""
JS_MARK = f"() => {{ document.querySelector('{CHART}').__avzTestMark = 7; }}"
JS_MARKED = f"() => document.querySelector('{CHART}').__avzTestMark === 7"


def open_assigners(page, url: str) -> str:
    page.goto(url)
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=2, polling="raf",
                           timeout=FIRST_CHART_MS)
    return page.evaluate(JS_TITLE)


def test_progress_and_assigner_update_the_chart_in_place(page, server):
    title = open_assigners(page, server + "/assigners")
    assert title.startswith("TAL · ultralytics 8.4 (YOLOv8 / YOLO11) · training progress 0.50, seed 0:"), title
    # both panels drawn: two photos, two dot layers
    assert page.evaluate(f"() => document.querySelectorAll('{CHART}')[0].querySelectorAll('svg image').length") >= 4
    shot(page, "assigners_en", height=3200)
    page.evaluate(JS_MARK)
    before = page.evaluate(JS_POSITIVES)
    step_slider(page, "training progress")
    title = wait_title(page, "t.includes('training progress 0.55')")
    assert page.evaluate(JS_MARKED), "the chart element was replaced instead of updated"
    after = page.evaluate(JS_POSITIVES)
    assert before and after and before != after  # TAL re-labels with the predictions
    # switch the assigner: the same element redraws with FCOS's labels
    box = page.get_by_test_id("stSelectbox").filter(has_text="Point assigner")
    choose(page, box, "FCOS · torchvision")
    title = wait_title(page, "t.startsWith('FCOS · torchvision')")
    assert page.evaluate(JS_MARKED)
    fcos = page.evaluate(JS_POSITIVES)
    assert fcos and fcos != after
    step_slider(page, "training progress")
    wait_title(page, "t.includes('training progress 0.60')")
    assert page.evaluate(JS_POSITIVES) == fcos  # a geometric rule ignores the predictions
    assert "moved" not in page.url and "pa_rule=fcos_torchvision" in page.url and "pa_prog=0.6" in page.url
    shot(page, "assigners_fcos_en", height=1800)


def test_click_a_gt_centre_picks_its_candidates(page, server):
    open_assigners(page, server + "/assigners?pa_rule=simota_mmdet")
    xy = page.evaluate(f"""() => {{ const gd = document.querySelector('{CHART}');
        const t = gd._fullData.find(d => d.mode === 'markers' && d.xaxis === 'x' && d.customdata
                                         && d.marker.symbol === 'circle-open-dot');
        return [t.x[2], t.y[2]]; }}""")
    x, y = data_to_page(page, xy[0], xy[1])
    page.mouse.click(x, y)
    page.wait_for_function(f"""() => {{ const c = document.querySelectorAll('{CHART}')[1];
        const t = c && c.querySelector('.gtitle'); return t && t.textContent.startsWith('GT 2 under SimOTA'); }}""",
                           polling="raf", timeout=30_000)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=30_000)
    assert "pa_gt=2" in page.url


def test_the_example_predictions_file_downloads_and_reads_back(page, server):
    """The download button builds its file only on click (a callable): the file is the upload format, one row per
    point of the current setup."""
    from anchorviz.io.point_predictions import parse_point_predictions

    open_assigners(page, server + "/assigners")
    page.get_by_text("Predictions file format").click()
    button = page.get_by_role("button", name="Download these predictions as an example file")
    button.wait_for(state="visible", timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = open(info.value.path(), "rb").read()
    pred = parse_point_predictions(data, num_points=100 * 100 + 50 * 50 + 25 * 25, num_classes=9)
    assert pred.cls_logits.shape == (13_125, 9)  # 800 x 800 input, strides 8 / 16 / 32; the sample's 9 classes


def test_korean_page(page, server):
    title = open_assigners(page, server + "/assigners?lang=ko&pa_rule=simota_yolox_head&pa_cmp=simota_mmdet&pa_gt=2")
    assert title.startswith("SimOTA · YOLOX (HEAD) · 학습 진행도 0.50, seed 0"), title
    body = page.inner_text("body")
    assert "할당기(assigner)" in body and "라이브러리들이 다른 점" in body
    shot(page, "assigners_ko", height=3200)
