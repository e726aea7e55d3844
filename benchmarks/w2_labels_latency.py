"""Workload W2: bundled sample, RetinaNet preset, Labels view, one slider step -> plot painted.

Starts ``streamlit run app.py`` on a free 127.0.0.1 port, opens the Labels page in headless Debian Chromium
(Playwright, flags as in ../shared/STACK.md §7), then moves the pos_iou / neg_iou sliders one
keyboard step at a time, ``--steps`` times, never revisiting a state (so every step sends a new figure). Each step is timed in the page: a MutationObserver sees the figure title change ("title"),
then a double requestAnimationFrame marks the first painted frame after it ("frame"). Also reported: the
figure JSON that Streamlit sends (the chart element's spec, measured with AppTest on the same setup) and the
largest websocket message per step.

Usage: .venv/bin/python benchmarks/w2_labels_latency.py [--steps 20]
Goal (issue #3): p50 <= 700 ms, p95 <= 1.2 s, figure JSON <= 1.5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

PROBE = """(old) => { const t0 = performance.now(); window.__lat = new Promise(res => {
  const mo = new MutationObserver(() => {
    const t = document.querySelector('[data-testid="avzChart"] .gtitle');
    if (t && t.textContent !== old) { mo.disconnect(); const t1 = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() =>
        res({title: t1 - t0, frame: performance.now() - t0, text: t.textContent}))); } });
  mo.observe(document.body, {subtree: true, childList: true, characterData: true}); }); }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log=subprocess.DEVNULL) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:port, returned once /_stcore/health answers; output goes to ``log``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def figure_json_size() -> tuple[int, str]:
    """Size in bytes of the Labels figure spec Streamlit sends, and its title (AppTest, same defaults)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/labels.py").run()
    spec = json.loads(at.get("bidi_component")[0].proto.json)["spec"]  # the first pages.common.chart
    return len(spec.encode()), json.loads(spec)["layout"]["title"]["text"]


def step_plan(n: int) -> list[tuple[str, str]]:
    """Slider steps that never revisit a state, so every step sends a new figure (no client-side cache hit):
    pos_iou 0.5 -> 1.0, then neg_iou 0.4 -> 0.0, then pos_iou back down, then neg_iou up, ..."""
    plan: list[tuple[str, str]] = []
    legs = [("pos_iou", "ArrowRight", 10), ("neg_iou", "ArrowLeft", 8), ("pos_iou", "ArrowLeft", 10),
            ("neg_iou", "ArrowRight", 8)]
    while len(plan) < n:
        for name, key, count in legs:
            plan += [(name, key)] * count
    return plan[:n]


def pct(vals, q):
    s = sorted(vals)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    size, title0 = figure_json_size()
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(port)
    rows = []
    frames: list[int] = []
    try:
        with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                       viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived",
                                                  lambda payload: frames.append(len(payload))))
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/labels")
            page.wait_for_function(
                "() => { const t = document.querySelector('[data-testid=\"avzChart\"] .gtitle');"
                " return t && t.textContent.length > 0; }", polling="raf", timeout=120_000)
            cold = time.perf_counter() - t0
            sliders = {name: page.get_by_test_id("stSlider").filter(has_text=name).get_by_role("slider")
                       for name in ("pos_iou", "neg_iou")}
            for i, (name, key) in enumerate(step_plan(args.steps)):
                slider = sliders[name]
                page.wait_for_function(
                    "() => document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state')"
                    " === 'notRunning'", polling="raf", timeout=60_000)
                old = page.evaluate("() => document.querySelector('[data-testid=\"avzChart\"] .gtitle').textContent")
                frames.clear()
                slider.focus()
                page.evaluate(PROBE, old)
                page.keyboard.press(key)
                r = page.evaluate("() => window.__lat")
                rows.append({"title": r["title"], "frame": r["frame"], "ws": max(frames, default=0), "text": r["text"]})
                time.sleep(0.3)
            ctx.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"W2: astronaut sample, torchvision RetinaNet P3-P7 (120,087 anchors), Labels view, {len(rows)} "
          f"single slider steps (pos_iou / neg_iou), headless Chromium ({CHROMIUM}), cold first chart {cold:.1f} s")
    print(f"figure JSON (chart spec): {size / 1e6:.3f} MB; first title: {title0!r}")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'min':>9}{'max':>9}   (ms)")
    for key in ("title", "frame"):
        v = [r[key] for r in rows]
        print(f"{key:8}{pct(v, .5):9.0f}{pct(v, .95):9.0f}{min(v):9.0f}{max(v):9.0f}")
    ws = [r["ws"] for r in rows]
    print(f"largest websocket message per step: median {statistics.median(ws) / 1e6:.3f} MB, "
          f"max {max(ws) / 1e6:.3f} MB; distinct titles seen: {len({r['text'] for r in rows})} of {len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
