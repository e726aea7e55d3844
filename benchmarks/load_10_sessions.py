"""Load: N browser sessions at once on one ``streamlit run app.py`` (127.0.0.1 only), each with its own image.

Every session opens the Labels view with ``rs=none`` (the network input is the photo padded to a multiple
of 32), uploads a DIFFERENT generated PNG (unique size, so a unique anchor count), checks that its figure
shows its own image's anchor count, then steps the pos_iou slider (right, left, right, ...) with --think seconds between
steps until the time is up. Each step is timed in the page (MutationObserver on the figure title + double requestAnimationFrame,
STACK.md §7) and re-checks the anchor count in the title ("N negative" with no GT boxes = all anchors), so a
session that ever shows another session's image or boxes is caught. Errors: a step that times out, an
exception or error element in the page, a Traceback in the server log.

Also reports the server's resident memory (VmRSS) before the sessions start and after they finish.

Usage: .venv/bin/python benchmarks/load_10_sessions.py [--sessions 10] [--seconds 60] [--json]
Goal (issue 4): 0 errors, p95 <= 2 s, no mix-ups, memory bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import MachineShare, percentile, proc_cpu_seconds, proc_parents, proc_rss_mb  # noqa: E402
from w2_labels_latency import free_port, start_server  # noqa: E402  (one way to start the server)

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STEP_TIMEOUT_MS = 30_000

PROBE = """(old) => { const t0 = performance.now(); window.__lat = new Promise(res => {
  const mo = new MutationObserver(() => {
    const t = document.querySelector('[data-testid="avzChart"] .gtitle');
    if (t && t.textContent !== old) { mo.disconnect(); const t1 = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() =>
        res({title: t1 - t0, frame: performance.now() - t0, text: t.textContent}))); } });
  mo.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { mo.disconnect(); res({timeout: true}); }, %d); }); }""" % STEP_TIMEOUT_MS
JS_TITLE = ("() => { const t = document.querySelector('[data-testid=\"avzChart\"] .gtitle');"
            " return t ? t.textContent : null; }")
JS_IDLE = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]');"
           " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")
JS_ERRORS = ("() => document.querySelectorAll('[data-testid=\"stException\"], "
             "[data-testid=\"stAlertContentError\"]').length")


rss_mb, cpu_seconds = proc_rss_mb, proc_cpu_seconds


def tree_cpu(root: int, exclude: int) -> dict[int, float]:
    """CPU seconds used so far by each descendant of ``root`` (Playwright's driver and the Chromium processes),
    leaving out ``exclude`` and its descendants (the server)."""
    kids: dict[int, list[int]] = {}
    for pid, pp in proc_parents().items():
        kids.setdefault(pp, []).append(pid)
    out, todo = {}, [k for k in kids.get(root, []) if k != exclude]
    while todo:
        pid = todo.pop()
        try:
            out[pid] = cpu_seconds(pid)
        except OSError:
            continue
        todo += [k for k in kids.get(pid, []) if k != exclude]
    return out


def make_images(n: int, folder: Path) -> list[tuple[Path, int]]:
    """n PNGs of distinct sizes and colours, with the anchor count each gives (default RetinaNet setup)."""
    sys.path.insert(0, str(ROOT))
    from anchorviz.core.anchors.grid import generate_anchors
    from anchorviz.core.resize import ResizeSpec, plan_resize
    from anchorviz.core.knobs.parse import build_config
    from anchorviz.core.knobs.table import default_knobs, default_level_names

    names = default_level_names("RetinaNet", "torchvision")
    cfg = build_config("torchvision", "RetinaNet", names, default_knobs("torchvision", "RetinaNet", names), None)
    out = []
    for i in range(n):
        w, h = 384 + 64 * i, 288 + 32 * i
        rng = np.random.default_rng(100 + i)
        img = np.zeros((h, w, 3), np.uint8)
        img[:] = (rng.integers(40, 200, 3)).astype(np.uint8)
        img[h // 4: h // 2, w // 4: w // 2] = (rng.random((h // 2 - h // 4, w // 2 - w // 4, 3)) * 255).astype(np.uint8)
        path = folder / f"session_{i}.png"
        Image.fromarray(img).save(path)
        plan = plan_resize((h, w), ResizeSpec(mode="none", size_divisor=32))
        out.append((path, len(generate_anchors(cfg, plan.input_hw))))
    assert len({c for _, c in out}) == n, "anchor counts must differ per image"
    return out


def negatives(title: str) -> int | None:
    m = re.search(r"([\d,]+) negative", title or "")
    return int(m.group(1).replace(",", "")) if m else None


class Start:
    """Slider time starts when every session has loaded and uploaded (cold loads are not slider time)."""

    def __init__(self, n: int, seconds: float):
        self.left, self.seconds, self.event, self.deadline = n, seconds, asyncio.Event(), 0.0

    def ready(self) -> None:
        self.left -= 1
        if self.left == 0:
            self.deadline = time.time() + self.seconds
            self.event.set()


async def slider_phase_cpu(start: Start, server_pid: int, done: asyncio.Event) -> tuple[float, float]:
    """(browsers, server) CPU seconds used from the start of the slider phase until ``done``. Sampled every
    0.25 s per process, because a session's renderer process exits (and its CPU time with it) when it closes."""
    await start.event.wait()
    first, last = tree_cpu(os.getpid(), server_pid), {}
    s0 = cpu_seconds(server_pid)
    while not done.is_set():
        last.update(tree_cpu(os.getpid(), server_pid))
        try:
            await asyncio.wait_for(done.wait(), 0.25)
        except asyncio.TimeoutError:
            pass
    return sum(v - first.get(pid, 0.0) for pid, v in last.items()), cpu_seconds(server_pid) - s0


async def session(browser, url: str, idx: int, image: Path, expected: int, start: Start, res: dict, *,
                  delay: float = 0.0, think: float = 0.5, done: asyncio.Event | None = None) -> None:
    await asyncio.sleep(delay)  # users do not arrive in the same millisecond
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    page.set_default_timeout(120_000)
    rec = {"steps": [], "errors": [], "mixups": [], "expected": expected}
    res[idx] = rec
    is_ready = False
    try:
        await page.goto(f"{url}/labels?rs=none", timeout=180_000)
        await page.wait_for_function(f"() => ({JS_TITLE})() && ({JS_IDLE})()", polling="raf", timeout=120_000)
        old = await page.evaluate(JS_TITLE)
        await page.get_by_test_id("stFileUploaderDropzoneInput").nth(0).set_input_files(str(image))
        await page.wait_for_function(f"(o) => {{ const t = ({JS_TITLE})(); return t && t !== o && ({JS_IDLE})(); }}",
                                     arg=old, polling="raf", timeout=120_000)
        title = await page.evaluate(JS_TITLE)
        if negatives(title) != expected:
            rec["mixups"].append(f"after upload: {title!r}, expected {expected:,} negative")
        slider = page.get_by_test_id("stSlider").filter(has_text="pos_iou").get_by_role("slider")
        start.ready()
        is_ready = True
        await start.event.wait()
        k = 0
        while time.time() < start.deadline:
            await page.wait_for_function(JS_IDLE, polling="raf", timeout=STEP_TIMEOUT_MS)
            old = await page.evaluate(JS_TITLE)
            await slider.focus()
            await page.evaluate(PROBE, old)
            await page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
            r = await page.evaluate("() => window.__lat")
            k += 1
            if r.get("timeout"):
                rec["errors"].append(f"step {k}: no new title within {STEP_TIMEOUT_MS} ms")
                continue
            rec["steps"].append(r["frame"])
            await asyncio.sleep(think)  # a user looks at the result before the next move
            if negatives(r["text"]) != expected:
                rec["mixups"].append(f"step {k}: {r['text']!r}, expected {expected:,} negative")
            if await page.evaluate(JS_ERRORS):
                rec["errors"].append(f"step {k}: an error element in the page")
        if done is not None:
            done.set()  # the first session past the deadline ends the CPU accounting of the slider phase
        if await page.evaluate(JS_ERRORS):
            rec["errors"].append("an error element in the page at the end")
    except Exception as e:  # noqa: BLE001 - any failure of a session is an error of the run
        rec["errors"].append(f"{type(e).__name__}: {str(e)[:300]}")
        if not is_ready:
            start.ready()
    finally:
        await ctx.close()


pct = percentile


async def run(args, url: str, images) -> dict:
    from playwright.async_api import async_playwright

    res: dict = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        # warm-up: one session loads the app first (a fresh server leaves Streamlit's legacy pages mode on its
        # first run, see pages/common/boot.py), then the RSS "before" is taken
        ctx = await browser.new_context()
        page = await ctx.new_page()
        await page.goto(f"{url}/labels")
        await page.wait_for_function(f"() => ({JS_TITLE})() && ({JS_IDLE})()", polling="raf", timeout=120_000)
        await ctx.close()
        res["rss_before"] = rss_mb(args.server_pid)
        start, done = Start(len(images), args.seconds), asyncio.Event()
        sampler = asyncio.create_task(slider_phase_cpu(start, args.server_pid, done))
        await asyncio.gather(*(session(browser, url, i, path, count, start, res, delay=1.0 * i,
                                       think=args.think, done=done)
                               for i, (path, count) in enumerate(images)))
        done.set()
        if start.event.is_set():
            res["phase_cpu"] = await sampler
        else:
            sampler.cancel()
        await browser.close()
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think", type=float, default=0.5, help="seconds a user waits between slider steps")
    ap.add_argument("--json", action="store_true", help="print one JSON summary line last")
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    log = tempfile.TemporaryFile()
    port = free_port()
    server = start_server(port, log)
    url = f"http://127.0.0.1:{port}"
    t0 = time.time()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            images = make_images(args.sessions, Path(tmp))
            args.server_pid = server.pid
            cpu0, w0 = cpu_seconds(server.pid), time.time()
            with MachineShare() as share:
                res = asyncio.run(run(args, url, images))
            server_cpu, wall = cpu_seconds(server.pid) - cpu0, time.time() - w0
            rss0 = res.pop("rss_before")
            phase_cpu = res.pop("phase_cpu", None)
            rss1 = rss_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    log.seek(0)
    server_log = log.read().decode(errors="replace")
    lat = [v for r in res.values() for v in r["steps"]]
    errors = sum(len(r["errors"]) for r in res.values()) + server_log.count("Traceback")
    mixups = sum(len(r["mixups"]) for r in res.values())
    print(f"{args.sessions} sessions × {args.seconds:g} s of pos_iou steps on one server ({url}), "
          f"{time.time() - t0:.0f} s wall")
    for i in sorted(res):
        r = res[i]
        print(f"  session {i}: image {384 + 64 * i}×{288 + 32 * i} → {r['expected']:,} anchors; {len(r['steps'])} steps, "
              f"p50 {pct(r['steps'], .5):.0f} ms, p95 {pct(r['steps'], .95):.0f} ms, "
              f"errors {len(r['errors'])}, mix-ups {len(r['mixups'])}")
        for msg in (r["errors"] + r["mixups"])[:3]:
            print(f"      {msg}")
    if "Traceback" in server_log:
        print("server log has a Traceback:\n" + server_log[-3000:])
    print(f"all steps: {len(lat)}; control change → painted plot p50 {pct(lat, .5):.0f} ms, p95 {pct(lat, .95):.0f} ms, "
          f"min {min(lat, default=float('nan')):.0f} ms, max {max(lat, default=float('nan')):.0f} ms")
    print(f"errors {errors}, mix-ups {mixups}; server RSS {rss0:.0f} MB before → {rss1:.0f} MB after")
    print(f"machine during the sessions: {share}; the streamlit server used {server_cpu:.0f} CPU-s in "
          f"{wall:.0f} s ({server_cpu / wall:.0%} of one core), the browsers and this script the rest")
    if phase_cpu and lat:
        b, v = phase_cpu[0] / len(lat), phase_cpu[1] / len(lat)
        cores = os.cpu_count() or 1
        floor = args.sessions * (b + v) / cores - args.think
        print(f"CPU per slider step: browsers (Chromium + Playwright driver) {b * 1000:.0f} ms, server {v * 1000:.0f} ms. "
              f"With {args.sessions} sessions on {cores} cores, one step from every session takes "
              f"{args.sessions * (b + v) / cores:.1f} s of the whole machine: once the cores are saturated, a step "
              f"waits about that less the {args.think:g} s think time, {floor:.1f} s")
    ok = errors == 0 and mixups == 0 and lat and pct(lat, .95) <= 2000
    print("PASS" if ok else "FAIL", "(goal: 0 errors, 0 mix-ups, p95 ≤ 2000 ms)")
    if args.json:
        print(json.dumps({"sessions": args.sessions, "steps": len(lat), "p50": pct(lat, .5), "p95": pct(lat, .95),
                          "errors": errors, "mixups": mixups, "rss_before_mb": rss0, "rss_after_mb": rss1}))
    return 0 if (errors == 0 and mixups == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
