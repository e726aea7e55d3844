"""W6: how many users one ``streamlit run app.py`` holds, measured with protocol-level users (no browser).

Each row starts a fresh server on a free 127.0.0.1 port and drives N simulated users from this one asyncio
process. A user speaks Streamlit's own websocket protocol (``_st_protocol.py``: handshake, reruns with widget
states, page changes, message cache, uploads through ``/_stcore/upload_file``). Every user has its own picture
and boxes: even users upload a generated PNG of a size no other user has plus a YOLO label file; odd users open
a shared link to a bundled sample with their own letterbox size, then upload their own label file. Then each
user walks every page in turn (a page change, then the page's own controls with values of its own, a sidebar
resize change, a box drag that adds a GT on Labels), one step every ``--think`` seconds, until ``--seconds``.

Per step: rerun sent -> final ``script_finished`` (server latency). Per run: errors (exception elements, error
alerts, sessions events, dropped connections, timeouts, Tracebacks in the server log) and **leaks**: after every
step the returned page is checked against what this user set: its photo (name, size and GT count in the GT
caption), the network input size of the figure (``layout.images[0]`` sizex/sizey, from its own photo and
resize), the values it set in the figure title or texts, and the figure's background picture, which no user
with another picture may ever receive. A value the user set that the page does not show, while picture and boxes
are its own, is counted apart as "stale" (the app dropped the user's choice; known case: a choice box whose
option labels carry data, e.g. the IoU page's GT and shape boxes after a new label file). Server memory (VmRSS
peak) and CPU come from /proc; the machine's load and steal from /proc/stat.

Also: ``--page-cpu`` (one user, a fresh server) prints the server CPU one step of each page costs, split by
thread (the session's script thread vs the event loop that serializes and sends); ``--faults`` runs the bad
clients next to a few normal users and reports how the server and those users fared. ``--py-spy PATH`` samples
the server during the page-CPU pass (collapsed stacks per page in artifacts/).

Usage (from the repository root):
    .venv/bin/python benchmarks/w6_server_load.py                      # N = 1, 10, 25, 50, page CPU, faults
    .venv/bin/python benchmarks/w6_server_load.py --users 10 --seconds 30   # one row (add --page-cpu / --faults)
Goal (issue 15): 25 users, p95 <= 1,000 ms, 0 errors, 0 leaks, RSS <= 1 GB. The last line is always
``users=N steps=S p50_ms=X p95_ms=Y errors=E leaks=L rss_mb=R`` (the N = 25 row in a full run).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import MachineShare, percentile, proc_cpu_seconds, proc_parents, proc_rss_mb  # noqa: E402
from _st_protocol import ProtocolError, Run, Session  # noqa: E402
from w2_labels_latency import free_port  # noqa: E402

# =========================================================================================================
# What this script knows about the app (widget keys, page URLs, texts). Update here when the app changes.

SAMPLE_FILES = {"astronaut": "astronaut.png", "coffee": "coffee.png", "coins": "coins.png",
                "chelsea": "chelsea.png", "hubble_deep_field": "hubble_deep_field.jpg"}  # in assets/
UPLOAD_IMAGE, UPLOAD_GT = "up_img", "up_ann"          # sidebar file uploaders
RESIZE, DIVISOR, LETTERBOX = "rs", "rs_div", "rs_lb"   # sidebar resize controls
RESIZE_OPTION = {"none": "as is", "letterbox": "letterbox"}  # start of the resize option labels
GT_CAPTION = re.compile(r"(\d+) boxes on (.+?) \((\d+)×(\d+) photo pixels\)")
BOX_EVENTS = "$$STREAMLIT_INTERNAL_KEY_{id}__events"   # a v2 component's trigger widget (chart box drag)


def _r(v: float) -> float:
    return round(v, 2)


@dataclass(frozen=True)
class Page:
    """One page: URL path and nav title, its main chart, and the controls a user steps through there.

    controls: (widget key, value(user index, step, widget) -> value); expect(set values) -> substrings the chart
    title (or, with in_text, some text element) must hold. Only values this user set on this visit are checked."""

    path: str
    title: str
    chart: str
    controls: tuple
    expect: Callable[[dict], list[str]]
    image: bool = True          # the chart shows the network input (layout.images[0])
    in_text: bool = False       # expectations are in the texts, not the chart title
    drag: bool = False          # a box drag on the chart adds a GT
    clears: tuple = ()          # (key, key whose value it makes stale): stop expecting the second one
    new_input_resets: bool = False  # a new network input (resize) puts the page's values back to its own


PAGES = (
    Page("", "Anchors", "anchors_chart",
         (("cell_y", lambda i, k, w: (i + k) % 8), ("cell_x", lambda i, k, w: (3 * i + 2 * k) % 8)),
         lambda s: [f"({s['cell_y']}, {s['cell_x']}) at"] if {"cell_y", "cell_x"} <= s.keys() else
         [f"({s['cell_y']}, "] if "cell_y" in s else []),
    Page("labels", "Labels", "labels_chart",
         (("pos", lambda i, k, w: [_r(0.5 + 0.05 * ((i + k) % 7))]),
          ("neg", lambda i, k, w: [_r(0.2 + 0.05 * ((2 * i + k) % 5))])),
         lambda s: [f"Max IoU {s['pos'][0]:g}/" if "pos" in s else "", f"/{s['neg'][0]:g}," if "neg" in s else ""],
         drag=True),
    Page("iou_heatmap", "IoU heatmap", "iou_chart",
         (("iou_lv", lambda i, k, w: w.proto.options[(i + k) % len(w.proto.options)]),
          ("iou_shape", lambda i, k, w: w.proto.options[(2 * i + k) % len(w.proto.options)])),
         lambda s: [f"{s['iou_lv']} shape " if "iou_lv" in s else "",
                    f" shape {s['iou_shape'].split(':')[0]} (" if "iou_shape" in s else ""],
         # the shape options are labelled with the level's sizes: after a level change the held label matches
         # none of them, and the app falls back to shape 0 on a later rerun
         clears=(("iou_lv", "iou_shape"),)),
    Page("coding", "Encode / decode", "coding_chart",
         (("cd_dx_s", lambda i, k, w: [_r(-1 + 0.1 * ((3 * i + k) % 21))]),
          ("cd_dh_s", lambda i, k, w: [_r(-0.5 + 0.1 * ((i + 2 * k) % 11))])),
         lambda s: [f"deltas ({s['cd_dx_s'][0]:.2f}, " if "cd_dx_s" in s else "",
                    f", {s['cd_dh_s'][0]:.2f}) → box" if "cd_dh_s" in s else ""],
         new_input_resets=True),  # the anchor and GT move, so the deltas go back to the encoded targets
    Page("predictions", "Predictions", "pred_chart",
         (("pred_score", lambda i, k, w: [_r(0.05 * ((i + k) % 6 + 1))]),
          ("pred_nms", lambda i, k, w: [_r(0.3 + 0.05 * ((i + k) % 8))]),
          ("pred_sigma", lambda i, k, w: [_r(0.05 * ((i + 2 * k) % 8 + 1))]),
          ("pred_seed", lambda i, k, w: 7 * i + k)),
         lambda s: [f"score ≥ {s['pred_score'][0]:g} " if "pred_score" in s else "",
                    f"(IoU {s['pred_nms'][0]:g})" if "pred_nms" in s else "",
                    f"σ={s['pred_sigma'][0]:g}," if "pred_sigma" in s else "",
                    f", seed {s['pred_seed']}:" if "pred_seed" in s else ""]),
    Page("dataset", "Dataset", "ds_recall",
         (("ds_max_images", lambda i, k, w: 20 + 7 * i + k),
          ("ds_iou_thr", lambda i, k, w: [_r(0.3 + 0.05 * ((i + k) % 9))])),
         lambda s: [f"seeded sample of {s['ds_max_images']:,} of" if "ds_max_images" in s else ""],
         image=False, in_text=True),
    Page("assigners", "Assigners", "pa_chart",
         (("pa_prog", lambda i, k, w: [_r(0.05 * ((i + 3 * k) % 21))]),
          ("pa_seed", lambda i, k, w: 5 * i + k)),
         lambda s: [f"training progress {s['pa_prog'][0]:.2f}," if "pa_prog" in s else "",
                    f", seed {s['pa_seed']}:" if "pa_seed" in s else ""]),
    Page("loss", "Loss", "loss_chart",
         (("loss_prog", lambda i, k, w: [_r(0.05 * ((i + 3 * k) % 21))]),
          ("loss_gamma", lambda i, k, w: _r(0.5 * ((i + k) % 7)))),
         lambda s: [f"progress {s['loss_prog'][0]:.2f}, seed" if "loss_prog" in s else ""]),
    # More pages are one row each: Page(url path, nav title, chart key, controls, expect).
)
SIDEBAR_STEP_EVERY = 2  # a resize change after every second page
ACTIVE: list = list(PAGES)  # the pages users visit (--skip-page leaves some out, to see what each costs)

# =========================================================================================================

STEP_TIMEOUT = 60.0      # a step slower than this is an error (the run is still awaited, up to GIVE_UP)
GIVE_UP = 180.0
ROWS = (1, 10, 25, 50)


pct = percentile


# ---------------------------------------------------------------------------------------------------------
# /proc


def proc_tree(root: int) -> list[int]:
    parent = proc_parents()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += [c for c, pp in parent.items() if pp == p]
    return out


def cpu_s(pid: int) -> float:
    try:
        return proc_cpu_seconds(pid)
    except OSError:
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        return proc_rss_mb(pid, default=0.0)
    except OSError:
        return 0.0


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of the server by thread group: "loop" (the main thread: event loop, websocket sends, message
    serialization), "other" (live helper threads), "script" (the rest: the ScriptRunner threads, which exit after
    each run, so their time is the process total less the live threads)."""
    tck = os.sysconf("SC_CLK_TCK")
    out = {"script": 0.0, "loop": 0.0, "other": 0.0}
    total = cpu_s(pid)
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1: raw.rindex(")")]
        v = raw.rsplit(")", 1)[1].split()
        c = (int(v[11]) + int(v[12])) / tck
        if int(tid) == pid:
            out["loop"] += c
        elif not name.startswith("ScriptRunner"):
            out["other"] += c
    out["script"] = total - out["loop"] - out["other"]
    return out


def pss_mb(pid: int) -> float:
    """Proportional set size in MB: the process's private pages plus its share of pages it shares with others
    (the replicas map the same libraries), so the PSS of a process tree adds up to the memory it occupies."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class ServerWatch:
    """Samples the server's process tree every 0.2 s: RSS peak (the sum of VmRSS), CPU; and every second the
    PSS peak (VmRSS counts a library page shared by N replicas N times, PSS once)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.pss_peak, self.samples = pid, 0.0, 0.0, 0
        self._stop = asyncio.Event()

    def tree_cpu(self) -> float:
        return sum(cpu_s(p) for p in proc_tree(self.pid))

    def tree_rss(self) -> float:
        return sum(rss_mb(p) for p in proc_tree(self.pid))

    async def run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.tree_rss())
            if self.samples % 5 == 0:
                self.pss_peak = max(self.pss_peak, sum(pss_mb(p) for p in proc_tree(self.pid)))
            self.samples += 1
            try:
                await asyncio.wait_for(self._stop.wait(), 0.2)
            except asyncio.TimeoutError:
                pass

    def stop(self) -> None:
        self._stop.set()


# ---------------------------------------------------------------------------------------------------------
# users


@dataclass
class Step:
    user: int
    page: str
    action: str
    t0: float          # seconds since the row started
    ms: float = float("nan")
    bytes_in: int = 0
    errors: list = field(default_factory=list)
    leaks: list = field(default_factory=list)


def make_png(i: int) -> tuple[bytes, tuple[int, int], tuple[int, int, int]]:
    """A PNG no other user has: size (w, h) unique per i, a colour of its own and a noisy patch."""
    w, h = 352 + 24 * i, 256 + 12 * i
    rng = np.random.default_rng(1000 + i)
    colour = tuple(int(v) for v in rng.integers(30, 220, 3))
    img = np.empty((h, w, 3), np.uint8)
    img[:] = colour
    img[h // 4: h // 2, w // 4: w // 2] = rng.integers(0, 255, (h // 2 - h // 4, w // 2 - w // 4, 3))
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PNG")
    return buf.getvalue(), (w, h), colour


def make_yolo(n: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        bw, bh = rng.uniform(0.08, 0.4, 2)
        cx, cy = rng.uniform(bw / 2 + 0.01, 1 - bw / 2 - 0.01), rng.uniform(bh / 2 + 0.01, 1 - bh / 2 - 0.01)
        rows.append(f"0 {cx:.5f} {cy:.5f} {bw:.5f} {bh:.5f}")
    return ("\n".join(rows) + "\n").encode()


class Registry:
    """Which picture each figure background belongs to, across all users: a background that two different
    pictures (or resizes) received is a leak."""

    def __init__(self):
        self.owner: dict[str, tuple] = {}

    def check(self, digest: str, key: tuple) -> tuple | None:
        prev = self.owner.setdefault(digest, key)
        return None if prev == key else prev


@dataclass
class User:
    i: int
    upload: bool
    name: str                      # photo file name the app shows
    wh: tuple[int, int]            # photo size
    png: bytes | None = None
    sample: str = ""
    n_gt: int = 0
    resize: tuple = ("shorter_side",)
    set: dict = field(default_factory=dict)   # page widget values set on this visit
    known: bool = True             # False until the app shows this user's own picture (uploads: the default sample)

    @property
    def input_hw(self) -> tuple[int, int] | None:
        if self.resize[0] == "none":
            d = self.resize[1]
            return math.ceil(self.wh[1] / d) * d, math.ceil(self.wh[0] / d) * d
        if self.resize[0] == "letterbox":
            return self.resize[1], self.resize[1]
        return None  # the default resize: not predicted here, not checked


def labels_name(u: User) -> str:
    """The YOLO label file's name: YOLO pairs labels with their image by name, and the app refuses a label file
    named after another picture (issue 16), so each user's file is named after its own picture."""
    return f"{Path(u.name).stem}.txt"


def new_user(i: int) -> User:
    if i % 2 == 0:
        png, wh, _ = make_png(i)
        u = User(i, True, f"user{i:02d}.png", wh, png=png, known=False)
    else:
        sample = list(SAMPLE_FILES)[(i // 2) % len(SAMPLE_FILES)]
        wh = Image.open(ROOT / "assets" / SAMPLE_FILES[sample]).size
        u = User(i, False, SAMPLE_FILES[sample], wh, sample=sample,
                 resize=("letterbox", (320, 384, 448, 512, 576, 640)[i % 6]))
    u.n_gt = 1 + (i * 5) % 23
    return u


def chart_spec(run: Run, key: str) -> dict | None:
    data = run.component(key)
    if not data or "spec" not in data:
        return None
    return json.loads(data["spec"])


OWN = "[own value] "  # a value this user set is not shown; its picture, boxes and input are its own


def check(u: User, page: Page | None, run: Run, registry: Registry, *, expect_errors: bool = False
          ) -> tuple[list[str], list[str]]:
    """(errors, leaks) of one finished run, from the content of what came back."""
    errors, leaks = [], []
    if run.status != 0:
        errors.append(f"script finished with status {run.status}")
    errors += [f"session event {e}" for e in run.session_events]
    for e in run.elements.values():
        if e.kind == "exception":
            errors.append(f"exception {e.proto.type}: {e.proto.message[:200]}")
        elif e.kind == "alert" and e.proto.format == 1 and not expect_errors:
            errors.append(f"error element: {e.proto.body[:200]}")
    for text in run.texts():
        m = GT_CAPTION.search(text)
        if m and u.n_gt >= 0:
            got = (int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4)))
            want = (u.n_gt, u.name, u.wh[0], u.wh[1])
            if got != want:
                leaks.append(f"GT caption {got} but this user has {want}")
    if page is None:
        return errors, leaks
    spec = chart_spec(run, page.chart)
    if spec is None:
        if not any(e.kind == "exception" for e in run.elements.values()):
            errors.append(f"no {page.chart} figure on {page.title}")
        return errors, leaks
    title = spec.get("layout", {}).get("title", {}).get("text", "")
    if page.image:
        images = spec.get("layout", {}).get("images") or [{}]
        img = images[0]
        hw = u.input_hw
        got = (img.get("sizey"), img.get("sizex"))
        if hw is not None and u.known and tuple(got) != hw:
            leaks.append(f"{page.title}: figure input {got} but this user's is {hw}")
        src = img.get("source")
        if src and u.known:
            other = registry.check(hashlib.sha1(src.encode()).hexdigest(), (u.name, got))
            if other is not None:
                leaks.append(f"{page.title}: background picture of {other}, this user has {(u.name, got)}")
    want = [w for w in page.expect(u.set) if w]
    hay = "\n".join(run.texts()) if page.in_text else title
    for w in want:
        if w not in hay:
            leaks.append(f"{OWN}{page.title}: {w!r} not in {'the texts' if page.in_text else repr(title[:160])}")
    if page.drag and u.n_gt >= 0:  # Labels: the title counts this user's GT boxes
        if f" of {u.n_gt} GT" not in title:
            leaks.append(f"{page.title}: ' of {u.n_gt} GT' not in {title[:160]!r}")
    return errors, leaks


class Row:
    """Shared state of one measured run."""

    def __init__(self, url: str, n: int, seconds: float, think: float):
        self.url, self.n, self.seconds, self.think = url, n, seconds, think
        self.steps: list[Step] = []
        self.registry = Registry()
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + seconds
        self.user_errors: list[str] = []


async def timed(row: Row, u: User, s: Session, page: Page | None, action: str, call, *, expect_errors=False
                ) -> Run | None:
    st = Step(u.i, page.title if page else "sidebar", action, time.perf_counter() - row.t0)
    row.steps.append(st)
    try:
        try:
            run = await call()
        except asyncio.TimeoutError:
            st.errors.append(f"{action}: no script_finished within {STEP_TIMEOUT:g} s")
            run = await s.wait_current(GIVE_UP)
        if isinstance(run, tuple):
            run = run[0]
    except (ProtocolError, asyncio.TimeoutError, KeyError, OSError) as e:
        st.errors.append(f"{action}: {type(e).__name__}: {str(e)[:200]}")
        return None
    st.ms, st.bytes_in = run.ms, run.bytes_in
    errors, leaks = check(u, page, run, row.registry, expect_errors=expect_errors)
    st.errors += errors
    st.leaks += leaks
    return run


async def user_loop(row: Row, u: User, *, start_delay: float, stop: asyncio.Event | None = None) -> None:
    """One user: open, own picture and boxes, then every page in turn until the deadline."""
    await asyncio.sleep(start_delay)
    s = Session(row.url, name=f"u{u.i}")
    rng = random.Random(u.i)
    next_at = time.perf_counter()

    async def pace() -> bool:
        nonlocal next_at
        now = time.perf_counter()
        if now < next_at:
            await asyncio.sleep(next_at - now)
        next_at = max(next_at + row.think, time.perf_counter())
        return time.perf_counter() < row.deadline and not (stop and stop.is_set())

    try:
        await s.connect()
    except (OSError, ProtocolError, asyncio.TimeoutError) as e:
        row.user_errors.append(f"user {u.i}: connect failed: {e}")
        return
    k0 = u.i % len(ACTIVE)
    first = ACTIVE[k0]
    query = "" if u.upload else f"sample={u.sample}&rs=letterbox&{LETTERBOX}={u.resize[1]}"
    u.n_gt = -1  # the default or the sample's own boxes until this user's file is in: not checked
    try:
        if await timed(row, u, s, None, "open", lambda: s.rerun(page_name=first.path, query_string=query,
                                                                timeout=STEP_TIMEOUT)) is None:
            return
        if u.upload and await pace():
            u.n_gt, u.known = 0, True
            await timed(row, u, s, None, "upload image", lambda: s.upload(UPLOAD_IMAGE, u.name, u.png, "image/png",
                                                                          timeout=STEP_TIMEOUT))
            if await pace():
                opt = next(o for o in s.widget(RESIZE).proto.options if o.startswith(RESIZE_OPTION["none"]))
                u.resize = ("none", 32)
                await timed(row, u, s, None, "resize", lambda: s.rerun(changes={RESIZE: opt}, timeout=STEP_TIMEOUT))
        if await pace():
            n = 1 + (u.i * 5) % 23
            data = make_yolo(n, u.i)
            u.n_gt = n
            await timed(row, u, s, None, "upload boxes", lambda: s.upload(UPLOAD_GT, labels_name(u), data,
                                                                          "text/plain", timeout=STEP_TIMEOUT))
        k = 0
        visit = 0
        while await pace():
            page = ACTIVE[(k0 + visit) % len(ACTIVE)]
            if visit:  # change page the way the nav link does
                target = s.page_by(page.path, page.title)
                if target is None:
                    row.user_errors.append(f"user {u.i}: no page {page.title!r} in the navigation")
                    return
                u.set = {}
                if await timed(row, u, s, page, "page", lambda: s.rerun(page=target, timeout=STEP_TIMEOUT)) is None:
                    return
            else:
                u.set = {}
            controls = list(page.controls)
            rng.shuffle(controls)
            actions = controls[:2] + (["drag"] if page.drag else [])
            for act in actions:
                if not await pace():
                    return
                k += 1
                if act == "drag":
                    w = s.widget(page.chart)
                    hw = u.input_hw or (512, 512)
                    x0, y0 = hw[1] * (0.2 + 0.01 * (k % 20)), hw[0] * (0.3 + 0.01 * (k % 17))
                    box = {"x": [x0, x0 + 40 + k % 30], "y": [y0, y0 + 30 + k % 25]}
                    payload = [{"event": "selection", "value": {"points": [], "box": [box]}}]
                    u.n_gt += 1
                    await timed(row, u, s, page, "drag", lambda: s.rerun(
                        triggers={BOX_EVENTS.format(id=w.proto.id): payload}, timeout=STEP_TIMEOUT))
                    continue
                key, fn = act
                w = s.widget(key)
                if w is None:
                    row.user_errors.append(f"user {u.i}: no widget {key!r} on {page.title}")
                    continue
                value = fn(u.i, k, w)
                u.set[key] = value
                for a, b in page.clears:
                    if key == a:
                        u.set.pop(b, None)
                await timed(row, u, s, page, key, lambda: s.rerun(changes={key: value}, timeout=STEP_TIMEOUT))
            visit += 1
            if visit % SIDEBAR_STEP_EVERY == 0 and await pace():
                if u.upload:
                    d = 64 if u.resize[1] == 32 else 32
                    u.resize = ("none", d)
                    change = {DIVISOR: d}
                else:
                    side = (320, 384, 448, 512, 576, 640)[(u.i + visit) % 6]
                    u.resize = ("letterbox", side)
                    change = {LETTERBOX: side}
                if page.new_input_resets:
                    u.set = {}
                await timed(row, u, s, page, "resize", lambda: s.rerun(changes=change, timeout=STEP_TIMEOUT))
    finally:
        if s.closed:
            row.user_errors.append(f"user {u.i}: connection ended: {s.closed}")
        await s.close()


async def warm_up(url: str) -> None:
    """A fresh server's first session leaves Streamlit's legacy pages mode and imports everything: not measured."""
    s = Session(url, name="warm-up")
    await s.connect()
    await s.rerun(page_name="", timeout=120)
    await s.close()


# ---------------------------------------------------------------------------------------------------------
# one row


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    log: Any
    backends: tuple = ()  # the replicas' own URLs behind the load balancer (empty: ``url`` is the one server)

    def text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    async def warm_up(self) -> None:
        for url in self.backends or (self.url,):
            await warm_up(url)


SERVER_FLAGS: list[str] = []  # extra `streamlit run` options (--server-flag), for A/B measurements
REPLICAS = [0]  # --replicas: N servers behind scripts/run_replicas.sh's nginx (0: one `streamlit run`)


def _free_block(n: int) -> int:
    """A port p with p, p+1, ..., p+n all free on 127.0.0.1."""
    import socket
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000 - n)
        socks = []
        try:
            for p in range(base, base + n + 1):
                sk = socket.socket()
                socks.append(sk)
                sk.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for sk in socks:
                sk.close()
    raise RuntimeError("no block of free ports")


def launch(replicas: int | None = None) -> Server:
    """``streamlit run app.py`` on a free 127.0.0.1 port, or with ``replicas`` >= 1, scripts/run_replicas.sh
    (that many servers behind nginx with sticky sessions); returned once /_stcore/health answers."""
    replicas = REPLICAS[0] if replicas is None else replicas
    log = tempfile.TemporaryFile()
    backends: tuple = ()
    if replicas:
        port = _free_block(replicas)
        env = {**os.environ, "PYTHON": sys.executable, "HOST": "127.0.0.1",
               "STREAMLIT_ARGS": " ".join(["--server.fileWatcherType", "none", *SERVER_FLAGS])}
        proc = subprocess.Popen(["bash", "scripts/run_replicas.sh", str(replicas), str(port)], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        backends = tuple(f"http://127.0.0.1:{port + i}" for i in range(1, replicas + 1))
    else:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none", *SERVER_FLAGS],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return Server(proc, url, log, backends)
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                log.seek(0)
                raise RuntimeError("streamlit did not start:\n" + log.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)


def row_summary(n: int, row: Row, watch: ServerWatch, cpu: float, wall: float, share: MachineShare,
                rss0: float, client_cpu: float, log_text: str) -> dict:
    done = [s for s in row.steps if not math.isnan(s.ms)]
    lat = [s.ms for s in done]
    tracebacks = log_text.count("Traceback")
    errors = sum(len(s.errors) for s in row.steps) + len(row.user_errors) + tracebacks
    leaks = sum(1 for s in row.steps for m in s.leaks if not m.startswith(OWN))
    stale = sum(1 for s in row.steps for m in s.leaks if m.startswith(OWN))
    return dict(users=n, steps=len(done), rate=len(done) / wall if wall else 0, p50=pct(lat, .5), p95=pct(lat, .95),
                max=max(lat, default=float("nan")), errors=errors, leaks=leaks, stale=stale, rss0=rss0, rss=watch.peak,
                pss=watch.pss_peak,
                cpu_total=cpu, cpu_step=cpu / max(1, len(done)) * 1000, cores=cpu / wall if wall else 0,
                steal=share.steal,
                busy=share.busy, load=os.getloadavg()[0], client=client_cpu / wall if wall else 0,
                kb=statistics.mean([s.bytes_in for s in done]) / 1024 if done else 0, tracebacks=tracebacks,
                details=[f"user {s.user} {s.page} {s.action}: {m}" for s in row.steps for m in s.errors + s.leaks]
                + row.user_errors, steps_list=row.steps)


async def run_row(n: int, seconds: float, think: float) -> dict:
    server = launch()
    try:
        await server.warm_up()
        watch = ServerWatch(server.proc.pid)
        rss0 = watch.tree_rss()
        sampler = asyncio.create_task(watch.run())
        row = Row(server.url, n, seconds, think)
        users = [new_user(i) for i in range(n)]
        c0, w0, cl0 = watch.tree_cpu(), time.perf_counter(), time.process_time()
        with MachineShare() as share:
            await asyncio.gather(*(user_loop(row, u, start_delay=think * i / max(1, n)) for i, u in enumerate(users)))
        cpu, wall, client = watch.tree_cpu() - c0, time.perf_counter() - w0, time.process_time() - cl0
        watch.stop()
        await sampler
        return row_summary(n, row, watch, cpu, wall, share, rss0, client, server.text())
    finally:
        server.stop()


def print_rows(rows: list[dict]) -> None:
    print(f"{'users':>5} {'steps':>6} {'steps/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6} "
          f"{'leaks':>5} {'stale':>5} {'RSS MB':>11} {'PSS MB':>6} {'srv CPU s':>9} {'srv CPU ms/step':>15} "
          f"{'srv cores':>9} "
          f"{'KB/step':>7} "
          f"{'client cores':>12} {'steal':>6} {'busy':>5} {'load1':>5}")
    for r in rows:
        print(f"{r['users']:>5} {r['steps']:>6} {r['rate']:>7.2f} {r['p50']:>7.0f} {r['p95']:>7.0f} {r['max']:>7.0f} "
              f"{r['errors']:>6} {r['leaks']:>5} {r['stale']:>5} {r['rss0']:>4.0f}→{r['rss']:>5.0f} {r['pss']:>6.0f} "
              f"{r['cpu_total']:>9.1f} {r['cpu_step']:>15.0f} "
              f"{r['cores']:>9.2f} {r['kb']:>7.0f} {r['client']:>12.2f} {r['steal']:>6.1%} {r['busy']:>5.0%} "
              f"{r['load']:>5.2f}")


def print_details(r: dict, limit: int = 12) -> None:
    by_page: dict[str, list[float]] = {}
    for s in r["steps_list"]:
        if not math.isnan(s.ms):
            by_page.setdefault(s.page, []).append(s.ms)
    print(f"  users={r['users']}: latency by page (p50 / p95 ms, steps): " + "; ".join(
        f"{p} {pct(v, .5):.0f} / {pct(v, .95):.0f} ({len(v)})" for p, v in sorted(by_page.items())))
    if r["tracebacks"]:
        print(f"  users={r['users']}: {r['tracebacks']} Traceback(s) in the server log")
    for d in r["details"][:limit]:
        print(f"    {d}")
    if len(r["details"]) > limit:
        print(f"    ... and {len(r['details']) - limit} more")


def last_line(r: dict) -> str:
    return (f"users={r['users']} steps={r['steps']} p50_ms={r['p50']:.0f} p95_ms={r['p95']:.0f} "
            f"errors={r['errors']} leaks={r['leaks']} rss_mb={r['rss']:.0f}")


# ---------------------------------------------------------------------------------------------------------
# server CPU per page (one user, serial steps)


async def page_cpu(reps: int, py_spy: str | None) -> list[dict]:
    server = launch(replicas=0)  # CPU by thread: one process
    pid = server.proc.pid
    out = []
    try:
        await server.warm_up()
        row = Row(server.url, 1, 1e9, 0.0)
        u = new_user(0)
        s = Session(server.url, name="page-cpu")
        await s.connect()
        u.n_gt = -1
        await timed(row, u, s, None, "open", lambda: s.rerun(page_name="", timeout=STEP_TIMEOUT))
        u.n_gt, u.known = 0, True
        await timed(row, u, s, None, "upload image", lambda: s.upload(UPLOAD_IMAGE, u.name, u.png, "image/png"))
        opt = next(o for o in s.widget(RESIZE).proto.options if o.startswith(RESIZE_OPTION["none"]))
        u.resize = ("none", 32)
        await timed(row, u, s, None, "resize", lambda: s.rerun(changes={RESIZE: opt}))
        u.n_gt = 1 + (u.i * 5) % 23
        await timed(row, u, s, None, "upload boxes",
                    lambda: s.upload(UPLOAD_GT, labels_name(u), make_yolo(u.n_gt, 0), "text/plain"))
        last: dict[str, tuple] = {}
        for vi, page in enumerate(ACTIVE + ACTIVE[:1]):  # Anchors again at the end: the first visit paid for imports
            spy = None
            if py_spy:
                ART.mkdir(exist_ok=True)
                spy_path = ART / f"w6_pyspy_{page.path or 'anchors'}{'_2' if vi == len(PAGES) else ''}.txt"
                spy = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
                                        "--output", str(spy_path), "--nonblocking"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
                await asyncio.sleep(1.0)
            target = s.page_by(page.path, page.title)
            u.set = {}
            rec = {"page": page.title, "nav": None, "steps": []}
            for k in range(reps + 1):
                await asyncio.sleep(0.3)
                t0, c0 = thread_cpu(pid), time.perf_counter()
                if k == 0:
                    run = await timed(row, u, s, page, "page", lambda: s.rerun(page=target))
                else:
                    key, fn = page.controls[(k - 1) % len(page.controls)]
                    value = fn(u.i, k + vi, s.widget(key))
                    u.set[key] = value
                    for a, b in page.clears:
                        if key == a:
                            u.set.pop(b, None)
                    run = await timed(row, u, s, page, key, lambda: s.rerun(changes={key: value}))
                await asyncio.sleep(0.1)  # the script thread's teardown
                t1 = thread_cpu(pid)
                d = {g: (t1[g] - t0[g]) * 1000 for g in t0}
                d.update(ms=run.ms if run else float("nan"), kb=run.bytes_in / 1024 if run else 0,
                         refs=run.cache_refs if run else 0)
                if k == 0:
                    rec["nav"] = d
                else:
                    rec["steps"].append(d)
                    if run is not None:
                        last[page.title] = (page, run)
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                try:
                    spy.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    spy.kill()
                rec["py_spy"] = str(spy_path)
            out.append(rec)
        await s.close()
        # The leak check must be able to fail: check this user's last run of every page against another user.
        other = new_user(2)
        other.known, other.resize, other.n_gt = True, ("none", 32), 1 + (2 * 5) % 23
        flagged = {t: len(check(other, p, r, Registry())[1]) for t, (p, r) in last.items()}
        print("leak-check self-test (this user's pages checked as if they were another user's; every page with "
              "the picture must be flagged): " + ", ".join(f"{t} {n}" for t, n in flagged.items()))
        rec_errors = [f"{x.page} {x.action}: {m}" for x in row.steps for m in x.errors + x.leaks]
        if rec_errors:
            print("page-CPU pass problems:", *rec_errors[:10], sep="\n  ")
        if server.text().count("Traceback"):
            print("page-CPU pass: Traceback in the server log")
    finally:
        server.stop()
    return out


def print_page_cpu(recs: list[dict], reps: int) -> None:
    print(f"\nServer CPU per step by page (one user, {reps} control steps per page after the page change; "
          f"CPU ms are means (/proc counts 10 ms ticks): script threads + event loop (serialize, send) + other "
          f"threads; wall and KB are medians):")
    print(f"{'page':<18} {'step ms':>8} {'script':>7} {'loop':>6} {'other':>6} {'total':>6} {'KB/step':>8}  "
          f"{'page change: wall / CPU ms / KB':>32}")
    for r in recs:
        st = r["steps"]
        med = {g: statistics.median([x[g] for x in st]) for g in ("ms", "kb")}
        med.update({g: statistics.mean([x[g] for x in st]) for g in ("script", "loop", "other")})
        tot = med["script"] + med["loop"] + med["other"]
        nav = r["nav"]
        print(f"{r['page']:<18} {med['ms']:>8.0f} {med['script']:>7.0f} {med['loop']:>6.0f} {med['other']:>6.0f} "
              f"{tot:>6.0f} {med['kb']:>8.0f}  {nav['ms']:>10.0f} / {nav['script'] + nav['loop'] + nav['other']:>5.0f}"
              f" / {nav['kb']:>5.0f}")


# ---------------------------------------------------------------------------------------------------------
# faults

ART = ROOT / "artifacts"


async def faults(seconds: float, think: float, normal: int = 3) -> list[str]:
    """Bad clients next to ``normal`` users; returns report lines."""
    server = launch()
    lines: list[str] = []
    try:
        await server.warm_up()
        row = Row(server.url, normal, seconds, think)
        stop = asyncio.Event()
        users = [new_user(i) for i in range(normal)]
        normal_task = asyncio.gather(*(user_loop(row, u, start_delay=think * i / normal, stop=stop)
                                       for i, u in enumerate(users)))
        await asyncio.sleep(8)  # the users are set up and stepping
        windows: list[tuple[str, float, float, list[str]]] = []

        async def case(name: str, coro) -> None:
            log_before = server.text().count("Traceback")
            t0 = time.perf_counter() - row.t0
            try:
                notes = await asyncio.wait_for(coro, 90)
            except Exception as e:  # noqa: BLE001 - the fault client itself failing is part of the report
                notes = [f"the fault client raised {type(e).__name__}: {str(e)[:200]}"]
            await asyncio.sleep(4)  # the others' next steps
            t1 = time.perf_counter() - row.t0
            tb = server.text().count("Traceback") - log_before
            notes.append(f"Tracebacks in the server log during the case: {tb}")
            windows.append((name, t0, t1, notes))

        await case("1. disconnect mid-rerun", fault_disconnect(server.url))
        await case("2. garbage on the websocket", fault_garbage(server.url))
        await case("3. bad widget values (bad input through the protocol)", fault_bad_values(server.url))
        await case("4. reconnect with an old session id", fault_reconnect(server.url))
        await asyncio.sleep(2)
        fresh = Session(server.url, name="after-faults")
        try:
            await fresh.connect()
            r = await fresh.rerun(page_name="labels", timeout=STEP_TIMEOUT)
            alive = f"a new session after all faults: OK ({r.ms:.0f} ms, {len(r.elements)} elements)"
            await fresh.close()
        except Exception as e:  # noqa: BLE001
            alive = f"a new session after all faults FAILED: {type(e).__name__}: {e}"
        stop.set()
        await normal_task
        for name, t0, t1, notes in windows:
            inside = [s for s in row.steps if t0 <= s.t0 <= t1]
            lat = [s.ms for s in inside if not math.isnan(s.ms)]
            errs = [f"user {s.user} {s.page} {s.action}: {m}" for s in inside for m in s.errors + s.leaks]
            lines.append(f"{name}  (t = {t0:.0f}-{t1:.0f} s)")
            lines += [f"    {n}" for n in notes]
            lines.append(f"    the {normal} normal users meanwhile: {len(lat)} steps, p50 {pct(lat, .5):.0f} ms, "
                         f"p95 {pct(lat, .95):.0f} ms, max {max(lat, default=float('nan')):.0f} ms, "
                         f"errors/leaks {len(errs)}" + ("" if not errs else ": " + "; ".join(errs[:3])))
        allsteps = [s.ms for s in row.steps if not math.isnan(s.ms)]
        errs = sum(len(s.errors) + len(s.leaks) for s in row.steps) + len(row.user_errors)
        lines.append(f"normal users over the whole fault phase: {len(allsteps)} steps, p50 {pct(allsteps, .5):.0f} ms, "
                     f"p95 {pct(allsteps, .95):.0f} ms, errors/leaks {errs}"
                     + ("" if not row.user_errors else " (" + "; ".join(row.user_errors[:3]) + ")"))
        lines.append(alive)
        health = urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5).read().decode()
        lines.append(f"/_stcore/health after the faults: {health!r}; server process "
                     f"{'running' if server.proc.poll() is None else 'EXITED'}")
        log = server.text()
        lines.append(f"server log: {log.count('Traceback')} Traceback(s) in all")
        for line in log.splitlines():
            if any(w in line for w in ("Error", "error", "Warning", "WARNING", "exceeds", "Rejecting")):
                lines.append(f"    log: {line.strip()[:180]}")
    finally:
        server.stop()
    return lines


async def opened(url: str, page: str = "labels") -> tuple[Session, Run]:
    s = Session(url, name="fault")
    await s.connect()
    return s, await s.rerun(page_name=page, timeout=STEP_TIMEOUT)


async def fault_disconnect(url: str) -> list[str]:
    notes = []
    s, _ = await opened(url, "iou_heatmap")
    first_delta = asyncio.Event()
    from streamlit.proto.BackMsg_pb2 import BackMsg
    msg = BackMsg()
    msg.rerun_script.page_script_hash = s.page_by("dataset", "Dataset")
    s._run = Run()
    orig = s._on_message

    def spy(data: bytes) -> None:
        orig(data)
        if s._run is not None and s._run.elements:
            first_delta.set()
    s._on_message = spy
    await s.ws.send(msg.SerializeToString())
    await asyncio.wait_for(first_delta.wait(), 30)
    await s.ws.close()
    notes.append("opened IoU heatmap, asked for Dataset (the heaviest first run), closed the socket after its "
                 f"first element ({len(s._run.elements)} received)")
    # again, closing right after sending, before any answer
    s2, _ = await opened(url, "labels")
    msg = BackMsg()
    msg.rerun_script.page_script_hash = s2.page_hash
    await s2.ws.send(msg.SerializeToString())
    await s2.ws.close()
    notes.append("a second client closed right after sending a rerun (no answer read)")
    await asyncio.sleep(3)
    return notes


async def fault_garbage(url: str) -> list[str]:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    notes = []
    valid = BackMsg()
    valid.rerun_script.query_string = "sample=coins"
    valid.rerun_script.page_name = "labels"
    for st_ in range(40):
        w = valid.rerun_script.widget_states.widgets.add(id=f"$$ID-{st_:032x}-k{st_}")
        w.string_value = "x" * 50
    raw = valid.SerializeToString()
    cases = [("random bytes (64 KB)", os.urandom(65536)),
             ("a truncated protobuf (a rerun cut in half)", raw[: len(raw) // 2]),
             ("a huge message (30 MB, above server.maxWidgetStateSize 25 MB)", os.urandom(30 * 1024 * 1024)),
             ("a text frame", "hello, not a protobuf")]
    for name, data in cases:
        s, _ = await opened(url)
        t0 = time.perf_counter()
        try:
            await s.send_raw(data)
            try:
                await asyncio.wait_for(s._reader, 15)
            except asyncio.TimeoutError:
                pass
        except Exception as e:  # noqa: BLE001
            notes.append(f"{name}: sending failed: {type(e).__name__}: {e}")
            continue
        if s.closed:
            notes.append(f"{name}: the server closed this connection ({s.closed}) after "
                         f"{(time.perf_counter() - t0) * 1000:.0f} ms")
        else:
            try:
                r = await s.rerun(timeout=30)
                notes.append(f"{name}: connection stayed open and the next rerun worked ({r.ms:.0f} ms)")
            except Exception as e:  # noqa: BLE001
                notes.append(f"{name}: connection open but the next rerun failed: {type(e).__name__}: {e}")
            await s.close()
    return notes


async def fault_bad_values(url: str) -> list[str]:
    """Values no browser would send, on the app's own widgets: the app must answer with a message or keep
    its state, never an exception element."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    notes = []
    cases = [("pos slider = 7.5 (range 0..1)", {"pos": [7.5]}),
             ("pos slider = NaN", {"pos": [float("nan")]}),
             ("size_divisor = -5", {DIVISOR: -5}),
             ("resize = an option that does not exist", {RESIZE: "no such mode"}),
             ("sizes knob = 'abc; -1'", {"sizes": "abc; -1"}),
             ("sizes knob = 100,000 characters", {"sizes": "1," * 50_000})]
    for name, change in cases:  # each on a fresh session, so one case's state does not hide the next
        s, _ = await opened(url)
        try:
            r = await s.rerun(changes=change, timeout=STEP_TIMEOUT)
            exc = [f"{e.proto.type}: {e.proto.message[:120]}" for e in r.elements.values() if e.kind == "exception"]
            err = [e.proto.body[:140] for e in r.elements.values() if e.kind == "alert" and e.proto.format == 1]
            pad = [m.group(0) for t in r.texts() for m in [re.search(r"multiple of \d+", t)] if m]
            shown = f"; the page says the input is padded to a {pad[0]}" if pad else ""
            notes.append(f"{name}: {r.ms:.0f} ms; " + (f"EXCEPTION element {exc}" if exc else
                                                       f"error message {err}" if err else "no error shown") + shown)
        except Exception as e:  # noqa: BLE001
            notes.append(f"{name}: {type(e).__name__}: {e}")
        await s.close()
    # malformed widget states, each on a fresh session (the Labels page draws the pos slider)
    for name, wid_of, fill_ in (
            ("pos slider sent as a string", lambda x: x.widget_id("pos"), lambda w: setattr(w, "string_value", "x")),
            ("a widget state with an empty id", lambda x: "", lambda w: setattr(w, "double_value", 1.0)),
            ("a widget state with an unknown id", lambda x: "$$ID-0123456789abcdef0123456789abcdef-nope",
             lambda w: setattr(w, "double_value", 1.0))):
        s, _ = await opened(url)
        states = WidgetStates()
        fill_(states.widgets.add(id=wid_of(s)))
        try:
            r = await s.rerun(raw_widget_states=states, timeout=STEP_TIMEOUT)
            exc = [f"{e.proto.type}: {e.proto.message[:90]}" for e in r.elements.values() if e.kind == "exception"]
            notes.append(f"{name}: {r.ms:.0f} ms; " + (f"EXCEPTION element {exc}" if exc else "no exception element"))
        except Exception as e:  # noqa: BLE001
            notes.append(f"{name}: {type(e).__name__}: {e}")
        await s.close()
    return notes


async def fault_reconnect(url: str) -> list[str]:
    notes = []
    a = Session(url, name="reconnect")
    await a.connect()
    await a.rerun(page_name="labels", timeout=STEP_TIMEOUT)
    png, wh, _ = make_png(40)
    await a.upload(UPLOAD_IMAGE, "reconnect.png", png, "image/png")
    old = a.session_id
    await a.close()
    await asyncio.sleep(1)
    # (a) the frontend's own reconnect: same id, its widget states, a rerun
    b = Session(url, name="reconnect-b")
    b.xsrf, b.cookie, b.widgets, b.page_hash, b.query_string, b.pages, b.main_hash = (
        a.xsrf, a.cookie, a.widgets, a.page_hash, a.query_string, a.pages, a.main_hash)
    await b.connect(resume=old)
    r = await b.rerun(timeout=STEP_TIMEOUT)
    cap = [t for t in r.texts() if GT_CAPTION.search(t)]
    notes.append(f"(a) own id after a disconnect: session {'RESUMED' if b.session_id == old else 'NEW'} "
                 f"({old[:8]} -> {b.session_id[:8]}), {r.ms:.0f} ms; it shows "
                 f"{GT_CAPTION.search(cap[0]).group(0) if cap else 'no GT caption'!r}")
    # (b) an id the server never gave
    c = Session(url, name="reconnect-c")
    await c.connect(resume="00000000-0000-4000-8000-000000000000")
    r = await c.rerun(page_name="labels", timeout=STEP_TIMEOUT)
    notes.append(f"(b) unknown id: session {c.session_id[:8]} (new), {r.ms:.0f} ms, "
                 f"{sum(e.kind == 'exception' for e in r.elements.values())} exception elements")
    await c.close()
    # (c) an id still connected from another socket (b's): who has the session afterwards?
    d = Session(url, name="reconnect-d")
    await d.connect(resume=b.session_id)
    r = await d.rerun(page_name="labels", timeout=STEP_TIMEOUT)
    cap = [t for t in r.texts() if GT_CAPTION.search(t)]
    took = bool(cap) and "reconnect.png" in cap[0]
    notes.append(f"(c) id of a session still open on another socket: {'TAKEN OVER' if took else 'a new session'} "
                 f"(the new socket shows {GT_CAPTION.search(cap[0]).group(0) if cap else 'no GT caption'!r}; "
                 f"new_session named id {d.session_id[:8] or '(none)'})")
    try:
        r2 = await b.rerun(timeout=15)
        notes.append(f"    the first socket's next rerun: answered ({r2.ms:.0f} ms), state "
                     f"{'kept' if any(GT_CAPTION.search(t) for t in r2.texts()) else '?'}")
    except Exception as e:  # noqa: BLE001
        notes.append(f"    the first socket's next rerun: {type(e).__name__}: {str(e)[:120]} "
                     f"(connection: {b.closed or 'open'})")
    await b.close()
    await d.close()
    return notes


# ---------------------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, help="one row with this many users (default: 1, 10, 25, 50)")
    ap.add_argument("--seconds", type=float, default=60.0, help="duration of each row")
    ap.add_argument("--think", type=float, default=2.0, help="seconds between one user's steps")
    ap.add_argument("--page-cpu", action="store_true", help="server CPU per step by page (on by default in a full run)")
    ap.add_argument("--reps", type=int, default=6, help="control steps per page in the page-CPU pass")
    ap.add_argument("--faults", action="store_true", help="bad clients (on by default in a full run)")
    ap.add_argument("--fault-seconds", type=float, default=90.0)
    ap.add_argument("--no-rows", action="store_true", help="only the page-CPU pass and/or faults")
    ap.add_argument("--py-spy", help="path of a py-spy binary: sample the server during the page-CPU pass")
    ap.add_argument("--server-flag", action="append", default=[], metavar="OPTION=VALUE",
                    help="extra `streamlit run` option for an A/B measurement, e.g. runner.postScriptGC=false")
    ap.add_argument("--replicas", type=int, default=0, metavar="N",
                    help="run N servers behind nginx (scripts/run_replicas.sh, sticky sessions) instead of one; "
                         "RSS and CPU are then the sums over the replicas and nginx (the page-CPU pass stays on one)")
    ap.add_argument("--skip-page", action="append", default=[], metavar="TITLE",
                    help="leave a page (nav title) out of the users' rounds, e.g. Dataset")
    args = ap.parse_args()
    ACTIVE[:] = [p for p in PAGES if p.title not in args.skip_page]
    REPLICAS[0] = max(0, args.replicas)
    for flag in args.server_flag:
        name, _, value = flag.partition("=")
        SERVER_FLAGS.extend([f"--{name.lstrip('-')}", value])
    os.chdir(ROOT)
    os.environ.pop("ANCHORVIZ_VALIDATE_FIGURES", None)  # the tests' slow figure checks stay off here
    full = args.users is None and not (args.no_rows or args.page_cpu or args.faults or args.py_spy)
    rows_n = (args.users,) if args.users and not args.no_rows else (ROWS if full else ())
    t_all = time.time()
    where = (f"{args.replicas} x streamlit run app.py {' '.join(SERVER_FLAGS)} behind nginx (scripts/run_replicas.sh)"
             if args.replicas else f"streamlit run app.py {' '.join(SERVER_FLAGS)}")
    print(f"W6 server load: {where} on 127.0.0.1, pages "
          f"{', '.join(p.title for p in ACTIVE)}; protocol-level users (no browser), "
          f"{args.seconds:g} s per row, one step per user every {args.think:g} s; machine: "
          f"{os.cpu_count()} CPUs, load average {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    rows = []
    for n in rows_n:
        r = asyncio.run(run_row(n, args.seconds, args.think))
        rows.append(r)
        print(f"  done users={n}: {r['steps']} steps, p95 {r['p95']:.0f} ms, errors {r['errors']}, leaks {r['leaks']}",
              flush=True)
    if rows:
        print()
        print_rows(rows)
        for r in rows:
            print_details(r)
        print("  (leaks: another picture, GT count, input size or background than this user's own; stale: a value "
              "this user set is not shown though its picture and boxes are its own, i.e. the app dropped the user's "
              "choice, not another session's; server CPU ms/step = the server's CPU over the row / steps; srv cores = "
              "server CPU / wall time; client cores = this load generator's own CPU share, on the same machine)")
    if full or args.page_cpu or args.py_spy:
        recs = asyncio.run(page_cpu(args.reps, args.py_spy))
        print_page_cpu(recs, args.reps)
    if full or args.faults:
        print(f"\nFaults (each next to 3 normal users, fresh server):")
        for line in asyncio.run(faults(args.fault_seconds, args.think)):
            print("  " + line)
    print(f"\ntotal wall {time.time() - t_all:.0f} s; machine at the end: load average "
          f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if rows:
        goal = next((r for r in rows if r["users"] == 25), None)
        if goal:
            ok = goal["p95"] <= 1000 and goal["errors"] == 0 and goal["leaks"] == 0 and goal["rss"] <= 1024
            print(("PASS" if ok else "FAIL") + " (goal: 25 users, p95 <= 1000 ms, 0 errors, 0 leaks, RSS <= 1 GB)")
        print(last_line(goal or rows[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
