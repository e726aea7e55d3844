"""The app in a real browser: ``streamlit run app.py`` driven by Playwright in headless Debian Chromium.

Covers what AppTest cannot: the chart really paints, a click on an anchor centre picks its cell, a box drag
adds a GT, uploads go through the browser, keyboard steps on a slider and a number input, and a copied URL
opens the same view in a new page. Screenshots of every page go to artifacts/screenshots/.

Waits on the page use ``polling="raf"``: timer-polled waits lag by seconds while software WebGL blocks the
renderer (../shared/STACK.md §7). Needs /usr/bin/chromium (``apt-get install chromium``); no Playwright
browser download.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
FIRST_CHART_MS = 90_000
STEP_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run "
                              "the real-browser tests"),
]

sync_api = pytest.importorskip("playwright.sync_api")

CHART = '[data-testid="avzChart"]'
JS_TITLE = (f"() => {{ const c = document.querySelector('{CHART}'); const t = c && c.querySelector('.gtitle');"
            " return t ? t.textContent : null; }")  # the first chart's title, not the first title drawn
JS_IDLE = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
           " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")


# ---------------------------------------------------------------------------------------------------------
# fixtures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------------------
# helpers


JS_ALL_DRAWN = ("(n) => { const cs = [...document.querySelectorAll('[data-testid=\"avzChart\"]')];"
                " return cs.length >= n && cs.every(c => c.querySelector('.gtitle')); }")


def open_page(page, url: str) -> str:
    """Go to url, wait until every chart has drawn its title and the script is idle. Returns the first title.

    Anchors has 3 charts, Labels 1; charts finish in any order (the WebGL one last), so wait for all.
    """
    page.goto(url)
    n = 1 if "/labels" in url else 3
    page.wait_for_function(f"(n) => ({JS_ALL_DRAWN})(n) && ({JS_IDLE})()", arg=n, polling="raf",
                           timeout=FIRST_CHART_MS)
    return page.evaluate(JS_TITLE)


def wait_title(page, predicate_js: str, timeout: int = STEP_MS) -> str:
    """Wait until the first chart's title satisfies ``predicate_js`` (a JS expression over ``t``)."""
    page.wait_for_function(f"() => {{ const t = ({JS_TITLE})(); return t !== null && ({predicate_js}); }}",
                           polling="raf", timeout=timeout)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=timeout)
    return page.evaluate(JS_TITLE)


def wait_idle(page) -> None:
    page.wait_for_function(JS_IDLE, polling="raf", timeout=STEP_MS)


def data_to_page(page, x: float, y: float, chart: int = 0) -> tuple[float, float]:
    """Page pixel of a data point, computed by plotly itself.

    Uses the axes' ``_offset`` rather than ``_fullLayout._size.l/t`` (STACK.md §7): with an equal-aspect image
    (scaleanchor + constrain="domain") the plot area is narrower than the figure, and ``_size.l`` misses that.
    """
    return tuple(page.evaluate(
        """([x, y, i]) => { const gd = document.querySelectorAll('[data-testid="avzChart"]')[i];
             const r = gd.getBoundingClientRect(), fl = gd._fullLayout;
             return [r.left + fl.xaxis._offset + fl.xaxis.d2p(x), r.top + fl.yaxis._offset + fl.yaxis.d2p(y)]; }""",
        [x, y, chart]))


def trace_names(page, chart: int = 0) -> list[str]:
    return page.evaluate(
        "(i) => [...document.querySelectorAll('[data-testid=\"avzChart\"]')[i].data]"
        ".map(t => t.name || '')", chart)


def shot(page, name: str, height: int = 2600) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    time.sleep(0.5)
    page.wait_for_function(JS_IDLE, polling="raf", timeout=STEP_MS)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    assert path.stat().st_size > 20_000
    return path


# ---------------------------------------------------------------------------------------------------------
# tests


def test_default_page_paints_the_anchor_grid(page, server):
    title = open_page(page, server + "/")
    assert "120,087 anchors on 5 levels" in title
    # the photo and the centres' dot layer are images in the page; the clickable rings are SVG markers
    assert page.evaluate(f"() => document.querySelectorAll('{CHART} svg image').length") >= 2
    names = trace_names(page)
    assert "P3 centres (100×100)" in names and "P3: the 150 nearest, clickable" in names
    assert page.evaluate(f"() => document.querySelectorAll('{CHART} .scatterlayer .point').length") >= 150
    shot(page, "anchors", height=3000)


def test_plotly_js_is_served_from_the_components_asset_dir(page, server):
    """pages.common.chart: the component's script and plotly.js come from its asset_dir on this server
    (pyproject.toml declares it), once per page, and nothing is fetched from anywhere else."""
    urls = []
    page.on("requestfinished", lambda r: urls.append((r.url, r.response().status if r.response() else None)))
    open_page(page, server + "/labels")
    assets = [(u, s) for u, s in urls if "/_stcore/bidi-components/anchorviz.chart/" in u]
    assert sorted(u.rsplit("/", 1)[1] for u, _ in assets) == ["chart.js", "plotly.min.js"], assets
    assert all(s == 200 for _, s in assets)
    # the page's HTML starts loading plotly.js (pages/common/serve.py) and the component waits for that load
    assert [u for u, _ in urls if u.endswith("plotly.min.js")] == [u for u, _ in assets if u.endswith("plotly.min.js")]
    assert all(u.startswith(server) or u.startswith("data:") for u, _ in urls), [u for u, _ in urls]
    from plotly.offline import get_plotlyjs_version
    assert page.evaluate("() => window.Plotly.version") == get_plotlyjs_version()  # the build plotly writes for
    # the partial bundle registers exactly the trace types its first line names (tests/test_viz_web.py checks
    # that every page's figures use only those)
    from test_viz_web import bundle_traces
    assert set(page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)")) == bundle_traces()


def test_labels_page_and_keyboard_slider_step(page, server):
    title = open_page(page, server + "/labels")
    assert title.startswith("Max IoU 0.5/0.4")
    shot(page, "labels", height=2200)
    slider = page.get_by_test_id("stSlider").filter(has_text="pos_iou").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    title = wait_title(page, "t.startsWith('Max IoU 0.55/0.4')")
    assert "positive" in title
    assert "pos=0.55" in page.url


def test_keyboard_number_input_moves_the_picked_cell(page, server):
    open_page(page, server + "/")
    box = page.get_by_test_id("stNumberInput").filter(has_text="row (y)").locator("input")
    box.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    title = wait_title(page, "t.includes('cell P3 (51, 50)')")
    assert "at (400, 408)" in title  # torchvision P3: (x * 8, y * 8)


def test_click_on_a_centre_picks_its_cell(page, server):
    open_page(page, server + "/")
    x, y = data_to_page(page, 53 * 8, 48 * 8)  # P3 cell (row 48, column 53): a ring near the picked (50, 50)
    page.mouse.click(x, y)
    title = wait_title(page, "t.includes('cell P3 (48, 53)')")
    assert "at (424, 384)" in title
    assert "cell=P3%3A48%2C53" in page.url or "cell=P3:48,53" in page.url


def test_box_drag_adds_a_gt(page, server):
    open_page(page, server + "/")
    assert "GT (10)" in trace_names(page)
    chart = page.locator(CHART).first
    chart.hover()
    page.locator('.modebar-btn[data-title="Box Select"]').first.click()
    x0, y0 = data_to_page(page, 560, 620)
    x1, y1 = data_to_page(page, 700, 760)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=10)
    page.mouse.up()
    page.wait_for_function(
        "() => { const gd = document.querySelector('[data-testid=\"avzChart\"]');"
        " return gd && gd.data && gd.data.some(t => t.name === 'GT (11)'); }", polling="raf", timeout=STEP_MS)
    wait_idle(page)
    shapes = page.evaluate(
        "() => document.querySelector('[data-testid=\"avzChart\"]').layout.shapes"
        ".filter(s => s.line && s.line.width === 2).map(s => [s.x0, s.y0, s.x1, s.y1])")
    new = np.array(shapes[-1])
    assert np.allclose(new, [560, 620, 700, 760], atol=3.0)  # network input px (1 px = 1 unit)
    assert "gt=" in page.url  # edited sample boxes travel in the link


def _street_png(tmp: Path) -> Path:
    rng = np.random.default_rng(1)
    img = np.full((480, 640, 3), 90, np.uint8)
    img[100:300, 200:420] = (rng.random((200, 220, 3)) * 255).astype(np.uint8)
    path = tmp / "street.png"
    Image.fromarray(img).save(path)
    return path


def test_upload_image_and_coco_file(page, server, tmp_path):
    open_page(page, server + "/")
    uploaders = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploaders.nth(0).set_input_files(str(_street_png(tmp_path)))
    title = wait_title(page, "t.includes('input 1088×800')")  # w×h
    assert "anchors" in title
    assert page.get_by_text("An uploaded image cannot travel in a link").count() == 1
    coco = {"images": [{"id": 1, "file_name": "elsewhere.jpg", "width": 100, "height": 100},
                       {"id": 2, "file_name": "street.png", "width": 640, "height": 480}],
            "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [200, 100, 220, 200]},
                            {"id": 2, "image_id": 2, "category_id": 2, "bbox": [20, 30, 60, 40]}],
            "categories": [{"id": 1, "name": "sign"}, {"id": 2, "name": "lamp"}]}
    ann = tmp_path / "street.json"
    ann.write_text(json.dumps(coco))
    uploaders.nth(1).set_input_files(str(ann))
    page.wait_for_function(
        "() => { const gd = document.querySelector('[data-testid=\"avzChart\"]');"
        " return gd && gd.data && gd.data.some(t => t.name === 'GT (2)'); }", polling="raf", timeout=STEP_MS)
    wait_idle(page)
    assert page.get_by_test_id("stSelectbox").filter(has_text="Image in street.json").count() == 1
    shot(page, "anchors_uploaded", height=1400)
    page.get_by_test_id("stSidebarNav").get_by_text("Labels").click()
    title = wait_title(page, "t.includes('of 2 GT without positives')", timeout=FIRST_CHART_MS)
    shot(page, "labels_uploaded", height=1400)


def test_shared_link_opens_the_same_view(browser_context, page, server):
    open_page(page, server + "/labels")
    slider = page.get_by_test_id("stSlider").filter(has_text="neg_iou").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    wait_title(page, "t.startsWith('Max IoU 0.5/0.35')")
    all_levels = trace_names(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Level").click()
    page.get_by_role("option", name="P4").click()
    # the title reads the same for every level: wait for the chart itself to show P4 alone
    page.wait_for_function(
        "(before) => JSON.stringify([...document.querySelectorAll('[data-testid=\"avzChart\"]')[0].data]"
        ".map(t => t.name || '')) !== JSON.stringify(before)", arg=all_levels, polling="raf", timeout=STEP_MS)
    title = wait_title(page, "t.startsWith('Max IoU 0.5/0.35')")
    page.wait_for_function("() => location.search.includes('l_show=P4')", polling="raf", timeout=STEP_MS)
    url = page.url
    names = trace_names(page)
    other = browser_context.new_page()
    try:
        assert open_page(other, url) == title
        assert trace_names(other) == names
        assert other.url.split("?")[1] == url.split("?")[1]
    finally:
        other.close()


def test_a_change_updates_the_chart_in_place_and_keeps_the_zoom(page, server):
    """pages.common.chart: a new spec goes through Plotly.react on the same element, so the user's zoom stays."""
    title = open_page(page, server + "/labels")
    js_ranges = (f"() => {{ const gd = document.querySelector('{CHART}');"
                 " return [gd.__mark, gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]; }")
    _, x0, y0 = page.evaluate(js_ranges)
    page.evaluate(f"() => {{ document.querySelector('{CHART}').__mark = 'first'; }}")
    page.mouse.move(*data_to_page(page, 400, 400))
    page.mouse.wheel(0, -400)  # scroll zoom (the image views turn it on)
    page.wait_for_function(f"(x0) => document.querySelector('{CHART}')._fullLayout.xaxis.range[0] > x0[0] + 1",
                           arg=x0, polling="raf", timeout=STEP_MS)
    time.sleep(0.5)  # plotly settles the wheel zoom
    _, xz, yz = page.evaluate(js_ranges)
    slider = page.get_by_test_id("stSlider").filter(has_text="pos_iou").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    new = wait_title(page, f"t !== {json.dumps(title)}")
    assert new.startswith("Max IoU 0.55/0.4")  # pos_iou 0.5 -> 0.55: a new figure arrived
    mark, x1, y1 = page.evaluate(js_ranges)
    assert mark == "first"  # the same element: updated, not mounted again
    assert np.allclose(x1, xz) and np.allclose(y1, yz) and not np.allclose(x1, x0)
