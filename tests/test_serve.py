"""The app's server (pages/common/serve.py): ``streamlit run app.py`` serves app.py's ``st.App``, whose middleware
tells Streamlit's frontend where the server is, so opening a page by its link probes no page path (the browser
side: tests/test_truthful_browser.py::test_no_request_fails_when_a_page_is_opened_by_its_link_or_reloaded)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from pages.common.serve import LAZY_MODULES, BaseUrlHint, hint_script, lazy_module_paths

ROOT = Path(__file__).resolve().parent.parent
HTML = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def test_streamlit_run_finds_the_app_in_app_py():
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.import_string == "app:app"


def _serve(path: str, *, content_type: bytes, body: bytes, method: str = "GET", encoding: bytes = b"gzip"):
    """Run one request through BaseUrlHint around a fake app; (what the app saw, what the client got)."""
    seen = {}

    async def inner(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
        half = len(body) // 2  # in two parts, as a streamed file is
        await send({"type": "http.response.body", "body": body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": body[half:]})

    got = []

    async def send(message):
        got.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": method, "path": path, "headers": [(b"accept-encoding", encoding)]}
    # in a thread of its own: the browser tests' Playwright driver keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, BaseUrlHint(inner, ["anchors", "labels", "dataset"])(scope, receive, send)).result()
    return seen, got


def test_the_html_page_gets_the_hint_first_in_its_head():
    seen, (start, *bodies) = _serve("/labels", content_type=b"text/html; charset=utf-8", body=HTML)
    assert b"accept-encoding" not in seen["headers"]  # asked uncompressed, so the page can be edited
    body = b"".join(m["body"] for m in bodies)
    script = hint_script(["anchors", "labels", "dataset"])
    assert body == HTML.replace(b"<head>", b"<head>" + script)
    assert dict(start["headers"])[b"content-length"] == str(len(body)).encode()
    assert b"BACKEND_BASE_URL" in script and b'["anchors", "dataset", "labels"]' in script
    # plotly.js starts loading with the page, from the chart component's asset URL (tests/test_browser.py checks
    # that the browser then fetches it once)
    assert b"window.__avzPlotly = new Promise" in script
    assert b"s.src = base + '_stcore/bidi-components/anchorviz.chart/plotly.min.js'" in script


def test_everything_else_passes_untouched():
    for path, ctype in (("/_stcore/health", b"text/plain"), ("/static/js/index.js", b"text/javascript"),
                        ("/component/anchorviz.chart/chart.js", b"text/javascript"), ("/favicon.png", b"image/png")):
        seen, got = _serve(path, content_type=ctype, body=b"<head>x</head>")
        assert seen["headers"] == {b"accept-encoding": b"gzip"}, path
        assert b"".join(m.get("body", b"") for m in got[1:]) == b"<head>x</head>", path
    _, got = _serve("/labels", content_type=b"application/json", body=b'{"<head>": 1}')  # not HTML
    assert b"".join(m.get("body", b"") for m in got[1:]) == b'{"<head>": 1}'


def test_the_hint_preloads_streamlits_lazy_table_modules_from_the_installed_build(tmp_path):
    import streamlit

    paths = lazy_module_paths()
    # one file per module name, and each is a file the installed Streamlit serves (a renamed build fails here)
    assert sorted(p.split("/")[-1].split(".")[0] for p in paths) == sorted(LAZY_MODULES)
    static = Path(streamlit.__file__).parent / "static"
    assert all((static / p).is_file() for p in paths)
    script = hint_script(["labels"]).decode()
    assert all(f'base + "{p}"' in script for p in paths) and script.count("modulepreload") == 1 + len(paths)
    # a build without them: nothing preloaded, nothing broken
    (tmp_path / "index.abc.js").write_text("")
    assert lazy_module_paths(tmp_path) == [] and lazy_module_paths(tmp_path / "missing") == []
