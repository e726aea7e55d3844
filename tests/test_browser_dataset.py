"""The Dataset page in a real browser (Playwright + Debian chromium against ``streamlit run app.py``): the
built-in synthetic dataset's statistics, a coco-tiny upload and its fit, the optimiser with its progress bar
and Cancel, the comparison and the export. Screenshots go to artifacts/screenshots/dataset_*.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, FIRST_CHART_MS, JS_IDLE, STEP_MS, shot, wait_idle

ROOT = Path(__file__).resolve().parent.parent
COCO_TINY = ROOT.parent / "shared" / "data" / "coco-tiny" / "instances_train2017.json"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

JS_TITLES = "() => [...document.querySelectorAll('[data-testid=\"avzChart\"] .gtitle')].map(t => t.textContent)"


def metric(page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).first.get_by_test_id("stMetricValue").inner_text()


def open_dataset(page, url: str) -> None:
    page.goto(url + "/dataset")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"avzChart\"] .gtitle').length >= 5", polling="raf",
        timeout=FIRST_CHART_MS)
    wait_idle(page)


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def test_dataset_statistics_fit_tune_compare_export(page, server):
    open_dataset(page, server)
    assert metric(page, "boxes kept") == "100,000"
    titles = page.evaluate(JS_TITLES)
    assert any("width × height" in t for t in titles) and any("√area" in t for t in titles)
    # the density is drawn: a heatmap layer exists in the first chart
    assert page.evaluate("() => document.querySelector('[data-testid=\"avzChart\"] .hm, "
                         "[data-testid=\"avzChart\"] image') !== null")
    shot(page, "dataset_stats", height=2000)

    tab(page, "Fit of the current setup")
    page.get_by_text("The 25 worst-fitting GTs").wait_for()  # st.markdown: in the DOM, the table is a canvas
    shot(page, "dataset_fit", height=2400)

    tab(page, "Optimise")
    evals = page.get_by_test_id("stNumberInput").filter(has_text="evaluations").locator("input")
    evals.fill("20000")  # long enough that Cancel lands while the search runs
    evals.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Optimise", exact=True).click()
    cancel = page.get_by_role("button", name="Cancel")
    cancel.wait_for(timeout=STEP_MS)  # the progress fragment shows while the search runs
    page.get_by_test_id("stProgress").first.wait_for(timeout=STEP_MS)  # and its bar (redrawn every 0.5 s)
    cancel.click()
    page.get_by_text("Cancelled: this is the best setup").wait_for(timeout=60_000)
    wait_idle(page)
    shot(page, "dataset_tune", height=1800)
    after = float(metric(page, "mean best IoU").replace(",", ""))
    before = float(metric(page, "before").replace(",", ""))
    assert after >= before

    tab(page, "Compare two setups")
    page.wait_for_function(  # the comparison's charts are drawn in the now visible tab
        "() => [...document.querySelectorAll('[data-testid=\"avzChart\"] .gtitle')]"
        ".filter(t => t.checkVisibility() && t.textContent.startsWith('Share of GTs')).length >= 1",
        polling="raf", timeout=60_000)
    shot(page, "dataset_compare", height=1800)

    tab(page, "Export / import")
    assert page.get_by_text("AnchorGenerator(").count() >= 1
    shot(page, "dataset_export", height=1400)


@pytest.mark.skipif(not COCO_TINY.exists(), reason="../shared/data/coco-tiny is not here")
def test_coco_tiny_upload(page, server):
    open_dataset(page, server)
    page.get_by_text("upload annotations").click()
    wait_idle(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Annotations (a file or a .zip")
    uploader.locator("input[type=file]").set_input_files(str(COCO_TINY))
    page.wait_for_function("() => document.body.innerText.includes('instances_train2017.json (coco)')",
                           polling="raf", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"avzChart\"] .gtitle').length >= 5",
                           polling="raf", timeout=FIRST_CHART_MS)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=STEP_MS)
    assert int(metric(page, "images").replace(",", "")) == 80
    kept = int(metric(page, "boxes kept").replace(",", ""))
    assert 0 < kept < 1000
    titles = page.evaluate(JS_TITLES)
    assert any(re.search(rf"\({kept:,} boxes", t) for t in titles)
    shot(page, "dataset_coco_tiny", height=2000)
