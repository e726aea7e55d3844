"""Fixtures shared by the real-browser tests (one streamlit server and one Chromium for the whole run)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from tests.test_browser import CHROMIUM, FLAGS, ROOT, STEP_MS, VIEWPORT, _free_port, sync_api

# The figure builders skip plotly's per-property checks for speed (pages/common/plots.py, Fig); in the tests,
# and in the servers they start, plotly checks every figure again, so a wrong property name fails a test.
os.environ.setdefault("ANCHORVIZ_VALIDATE_FIGURES", "1")


@pytest.fixture(autouse=True)
def apptest_sends_the_shown_labels(monkeypatch):
    """AppTest, like a browser, sends a choice widget's value back as its formatted option, but it formats it in the
    test thread, where there is no session: ``t()`` would answer in English whatever language the page showed, and
    the label would match none of the options. A browser sends the label it shows, so make ``t()`` answer there in
    the language of the latest script run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from pages.common import i18n

    script_lang = i18n.current_lang
    last = {"lang": i18n.DEFAULT_LANG}

    def current_lang() -> str:
        if get_script_run_ctx(suppress_warning=True) is None:
            return last["lang"]
        last["lang"] = script_lang()
        return last["lang"]

    monkeypatch.setattr(i18n, "current_lang", current_lang)


@pytest.fixture(scope="session")
def server():
    port = _free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, proc, log, 60, "streamlit", proc.kill)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.seek(0)
    out = log.read().decode(errors="replace")
    assert "Traceback" not in out, out  # no uncaught exception in any session


@pytest.fixture(scope="session")
def replicas():
    """scripts/run_replicas.sh with 2 replicas behind nginx on free loopback ports; yields nginx's address."""
    port = _free_block(3)
    log = tempfile.TemporaryFile()
    env = {**os.environ, "PYTHON": sys.executable, "HOST": "127.0.0.1", "REPLICA_BASE_PORT": str(port),
           "STREAMLIT_ARGS": "--server.fileWatcherType none"}
    proc = subprocess.Popen(["bash", "scripts/run_replicas.sh", "2", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    # 240 s: the script installs nginx-light first when it is missing
    _wait_healthy(url, proc, log, 240, "run_replicas.sh", lambda: os.killpg(proc.pid, signal.SIGTERM))
    yield url
    proc.terminate()  # the script's trap stops nginx and the replicas
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.seek(0)
    out = log.read().decode(errors="replace")
    assert "Traceback" not in out, out


def _wait_healthy(url: str, proc, log, seconds: float, what: str, stop) -> None:
    """Until ``url``/_stcore/health answers ok; on a timeout or an exited ``proc``, ``stop()`` and raise with
    the output so far."""
    deadline = time.time() + seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                stop()
                log.seek(0)
                raise RuntimeError(f"{what} did not start:\n" + log.read().decode(errors="replace"))
            time.sleep(0.2)


def _free_block(n: int) -> int:
    """A port p with p .. p + n - 1 all free on 127.0.0.1 (nginx on p, replica i on p + i)."""
    for _ in range(50):
        p = _free_port()
        if p + n > 65535:
            continue
        try:
            for q in range(p, p + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", q))
            return p
        except OSError:
            continue
    raise RuntimeError(f"no {n} free consecutive ports")


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the whole run: the sync API refuses a second one while another is running."""
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser_context(playwright):
    with tempfile.TemporaryDirectory() as profile:
        ctx = playwright.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                            args=FLAGS, viewport=VIEWPORT)
        ctx.set_default_timeout(STEP_MS)
        yield ctx
        ctx.close()


@pytest.fixture()
def page(browser_context):
    pg = browser_context.new_page()
    yield pg
    pg.close()


