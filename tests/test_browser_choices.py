"""Choice widgets whose option labels carry data keep the user's choice when the data changes, in a real browser.

The browser holds a selectbox's value as its *label* and sends it back with every interaction. A box upload renames
the GTs ("with GT 2: eye" -> "with GT 2: car") and a level change renames the shapes ("3: 32×32" -> "3: 64×64"); a
label the browser still holds then matches no option, Streamlit falls back to the first one, and on the IoU page the
level and shape jump to GT 0's owner (w6 findings: "pick P6, the chart shows P4 shape 3"). AppTest cannot show it:
it re-reads every value from the latest run instead of holding the label the page showed.
"""

from __future__ import annotations

import os

import pytest

from tests.test_browser import CHROMIUM, JS_TITLE, STEP_MS, open_page, wait_idle, wait_title
from tests.test_browser_part2 import choose
from tests.test_truthful_browser import drawn

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def select(page, label: str):
    return page.get_by_test_id("stSelectbox").filter(has_text=label).first


def shown(page, label: str) -> str:
    return select(page, label).get_by_role("combobox").input_value()


def test_iou_choices_survive_a_box_upload_and_a_level_change(page, server, tmp_path):
    page.goto(server + "/iou_heatmap")
    drawn(page, 2)
    choose(page, select(page, "IoU values"), "with GT 2: eye")
    wait_title(page, "t.includes('GT 2: eye')")
    choose(page, select(page, "Level"), "P3")
    wait_title(page, "t.startsWith('P3 ')")
    choose(page, select(page, "Anchor shape"), "3: 32×32")
    wait_title(page, "t.startsWith('P3 shape 3 (32×32)')")
    # a level change renames the shapes: shape 3 stays picked, under its new label
    choose(page, select(page, "Level"), "P4")
    title = wait_title(page, "t.startsWith('P4 ')")
    assert title.startswith("P4 shape 3 (64×64)"), title
    assert shown(page, "Anchor shape") == "3: 64×64"
    # new boxes with another class rename every GT: GT 2 stays picked, and the next change is the user's own
    csv = tmp_path / "boxes.csv"
    csv.write_text("x1,y1,x2,y2,class\n" + "".join(f"{10 + 40 * i},{20 + 30 * i},{60 + 40 * i},{90 + 30 * i},car\n"
                                                    for i in range(4)))
    page.get_by_test_id("stFileUploaderDropzoneInput").nth(1).set_input_files(str(csv))
    wait_title(page, "t.includes('GT 2: car')")
    wait_idle(page)
    assert shown(page, "IoU values") == "with GT 2: car"
    choose(page, select(page, "Level"), "P6")
    title = wait_title(page, "t.startsWith('P6 ')")
    assert title.startswith("P6 shape 3") and "GT 2: car" in title, title
    assert shown(page, "IoU values") == "with GT 2: car"
    assert page.evaluate(JS_TITLE).startswith("P6 shape 3")


def test_labels_shape_filter_survives_a_level_change(page, server):
    open_page(page, server + "/labels")
    choose(page, select(page, "Level"), "P3")
    page.wait_for_function("() => location.search.includes('l_show=P3')", polling="raf", timeout=STEP_MS)
    choose(page, select(page, "Shape"), "4: 40×40")
    page.wait_for_function("() => location.search.includes('l_shape=4')", polling="raf", timeout=STEP_MS)
    choose(page, select(page, "Level"), "P5")
    page.wait_for_function("() => location.search.includes('l_show=P5')", polling="raf", timeout=STEP_MS)
    wait_idle(page)
    assert shown(page, "Shape") == "4: 160×160"
    choose(page, select(page, "Level"), "P4")  # one more interaction: the browser sends what it holds
    page.wait_for_function("() => location.search.includes('l_show=P4')", polling="raf", timeout=STEP_MS)
    wait_idle(page)
    assert "l_shape=4" in page.url and shown(page, "Shape") == "4: 80×80"
