"""Open every page of a running anchorviz server in headless Chromium and fail on anything a user would see break.

    python scripts/open_every_page.py http://127.0.0.1:8501 [screenshot folder]

For each page: wait until the script is idle and the page's charts have drawn their titles (so the page script
ran to its charts, and plotly.js loaded from the server), then fail on an exception element, an error alert or
a chart that shows an error instead of a figure. Prints one line per page with its first chart title.
Needs the playwright package and /usr/bin/chromium (no Playwright browser download).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# url path -> charts drawn on first open (the Dataset page: the visible Statistics tab's five)
PAGES = {"/": 3, "/labels": 1, "/iou_heatmap": 2, "/coding": 1, "/predictions": 1, "/dataset": 5}
JS_READY = """(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const charts = [...document.querySelectorAll('[data-testid="avzChart"]')].filter(c => c.offsetParent !== null);
  return charts.length >= n && charts.every(c => c.querySelector('.gtitle'));
}"""


def check(base: str, shots: Path | None = None) -> list[str]:
    """Open every page; returns the problems found (empty: all pages ran and drew)."""
    problems = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                   viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path, n in PAGES.items():
            errors.clear()
            try:
                page.goto(base + path)
                page.wait_for_function(JS_READY, arg=n, polling="raf", timeout=120_000)
            except Exception as e:  # noqa: BLE001 - report the page, go on with the next
                problems.append(f"{path}: did not finish drawing ({type(e).__name__}: {str(e)[:200]})")
                continue
            title = page.evaluate("() => document.querySelector('[data-testid=\"avzChart\"] .gtitle').textContent")
            bad = page.evaluate("""() => [...document.querySelectorAll(
                '[data-testid="stException"], [data-testid="stAlertContentError"]')].map(e => e.innerText)""")
            broken = page.evaluate("""() => [...document.querySelectorAll('[data-testid="avzChart"]')]
                .filter(c => !c.querySelector('.main-svg')).map(c => c.textContent)""")
            problems += [f"{path}: {b[:300]}" for b in bad + broken] + [f"{path}: page error {e[:300]}" for e in errors]
            print(f"{path:14s} ok={not (bad or broken or errors)}  {title[:110]}", flush=True)
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"{path.strip('/') or 'anchors'}.png"), full_page=True)
        ctx.close()
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1].rstrip("/"), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    for line in found:
        print("PROBLEM", line)
    sys.exit(1 if found else 0)
