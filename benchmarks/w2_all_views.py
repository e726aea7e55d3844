"""Workload W2 for every view: one control change -> the plot painted, in headless Debian Chromium.

Starts ``streamlit run app.py`` on a free 127.0.0.1 port and, for each view, opens it, then changes one control
``--steps`` times (keyboard steps on a slider, or a selectbox option), timing each change in the page: a
MutationObserver sees the first figure's title change, then a double requestAnimationFrame marks the first
painted frame after it (STACK.md §7). The figure JSON size is the first chart's spec as Streamlit sends it
(AppTest, same defaults).

Usage: .venv/bin/python benchmarks/w2_all_views.py [--steps 12] [--views anchors,labels,...]
Goal (issues 3 and 4): p50 <= 700 ms, p95 <= 1.2 s per view.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import MachineShare  # noqa: E402
from w2_labels_latency import CHROMIUM, FLAGS, PROBE, free_port, pct, start_server  # noqa: E402

JS_IDLE = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
           " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")
JS_TITLE = "() => { const t = document.querySelector('[data-testid=\"avzChart\"] .gtitle'); return t && t.textContent; }"
JS_CHARTS = ("(n) => { const cs = [...document.querySelectorAll('[data-testid=\"avzChart\"]')];"
             " return cs.length >= n && cs.every(c => c.querySelector('.gtitle')); }")

# view: (url path, AppTest page, charts on the page, control kind, control label, keys to press in turn)
VIEWS = {
    "anchors": ("", "pages/anchors.py", 3, "slider", "centre offset", ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
    "labels": ("labels", "pages/labels.py", 1, "slider", "pos_iou", ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
    "iou_heatmap": ("iou_heatmap", "pages/iou_heatmap.py", 2, "select", "Anchor shape", None),
    "coding": ("coding", "pages/coding.py", 1, "slider", "dx", ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
    "predictions": ("predictions", "pages/predictions.py", 1, "slider", "σ", ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
    # TAL 8.4 on the points of strides 8 / 16 / 32 beside max-IoU; progress re-labels the points (and one GT's
    # candidates below), the anchor panel stays
    "assigners": ("assigners", "pages/assigners.py", 2, "slider", "training progress",
                  ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
    "loss": ("loss", "pages/loss.py", 2, "slider", "Training progress", ["ArrowRight"] * 6 + ["ArrowLeft"] * 6),
}


def json_size(page_path: str) -> int:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if page_path != "pages/anchors.py":
        at.switch_page(page_path).run()
    return len(json.loads(at.get("bidi_component")[0].proto.json)["spec"].encode())  # the first pages.common.chart


def measure(page, base: str, view: str, steps: int) -> list[dict]:
    path, _, n_charts, kind, label, keys = VIEWS[view]
    page.goto(f"{base}/{path}")
    page.wait_for_function(f"(n) => ({JS_CHARTS})(n) && ({JS_IDLE})()", arg=n_charts, polling="raf",
                           timeout=120_000)
    rows = []
    for i in range(steps):
        page.wait_for_function(JS_IDLE, polling="raf", timeout=60_000)
        old = page.evaluate(JS_TITLE)
        if kind == "slider":
            slider = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider").first
            slider.focus()
            page.evaluate(PROBE, old)
            page.keyboard.press(keys[i % len(keys)])
        else:  # a selectbox: open it, then arm the probe and pick the next option
            box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
            box.click()
            opts = page.get_by_role("option")
            n = opts.count()
            page.evaluate(PROBE, old)
            opts.nth((i + 1) % n).click()
        r = page.evaluate("() => window.__lat")
        rows.append(r)
        time.sleep(0.3)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--views", default=",".join(VIEWS))
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    views = [v for v in args.views.split(",") if v]
    sizes = {v: json_size(VIEWS[v][1]) for v in views}
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    results = {}
    share = MachineShare()
    try:
        with share, sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                       viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            for v in views:
                results[v] = measure(page, f"http://127.0.0.1:{port}", v, args.steps)
            ctx.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"W2 per view: astronaut sample, torchvision RetinaNet P3-P7 (120,087 anchors), {args.steps} control "
          f"changes per view, headless Chromium ({CHROMIUM}); control change → painted plot (title seen + 2 rAF)")
    print(f"{'view':14}{'control':16}{'p50':>8}{'p95':>8}{'min':>8}{'max':>8}{'JSON MB':>9}  goal p50≤700 p95≤1200")
    ok = True
    for v in views:
        fr = [r["frame"] for r in results[v]]
        p50, p95 = pct(fr, .5), pct(fr, .95)
        good = p50 <= 700 and p95 <= 1200
        ok &= good
        print(f"{v:14}{VIEWS[v][4]:16}{p50:8.0f}{p95:8.0f}{min(fr):8.0f}{max(fr):8.0f}{sizes[v] / 1e6:9.3f}  "
              f"{'ok' if good else 'OVER'}")
    print(f"machine during the run: {share}")
    print(json.dumps({v: {"p50": pct([r['frame'] for r in results[v]], .5),
                          "p95": pct([r['frame'] for r in results[v]], .95)} for v in views}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
