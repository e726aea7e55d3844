"""The app's server: Streamlit's own (``st.App``), plus one middleware so that opening a page by its link makes no
failed request.

Why: Streamlit's frontend does not know the server's base path. Opened at ``/labels`` it probes
``/labels/_stcore/health`` and ``/labels/_stcore/host-config`` first (two 404s in the browser console), then
``/_stcore/...`` (streamlit/streamlit#7074; ``PD()`` in its bundle tries the page path and its parent). It skips
the probing when the page defines ``window.__streamlit.BACKEND_BASE_URL`` before its bundle runs, which only the
HTML can do. So ``BaseUrlHint`` adds, to the HTML shell Streamlit serves for every page path, a script that sets it
to the page's URL without the app's own page name: the server's root, or a hosting prefix in front of it.

``streamlit run app.py`` finds the ``st.App`` that app.py creates when it is imported (Streamlit reads app.py's
source for one) and serves it with uvicorn, as ``uvicorn app:app`` would.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["BaseUrlHint", "hint_script"]

_HTML_SKIP = ("/_stcore/", "/static/", "/component/", "/media/", "/app/static/")


# plotly.js, fetched and run while Streamlit's own bundle loads and the first script run is on the server (the
# page's main thread is mostly idle then), instead of after the first chart arrives: a first load took 0.5-1 s
# less (benchmarks/w2_all_views.py). The chart component's script (anchorviz/viz/web/chart.js) waits for this same
# promise, window.__avzPlotly, so plotly.js loads once (and loads it itself should this fail); the URL is the one
# the component's asset_dir is served at.
PLOTLY_PATH = "_stcore/bidi-components/anchorviz.chart/plotly.min.js"
CHART_JS_PATH = "_stcore/bidi-components/anchorviz.chart/chart.js"
_PLOTLY_EARLY = (
    "  window.__avzPlotly = new Promise(function (res, rej) { /* anchorviz/viz/web/chart.js waits for it */\n"
    "    var s = document.createElement('script');\n"
    f"    s.src = base + '{PLOTLY_PATH}'; s.async = true;\n"
    "    s.onload = function () { res(window.Plotly); };\n"
    "    s.onerror = function () { rej(new Error('plotly.js did not load from ' + s.src)); };\n"
    "    document.head.appendChild(s);\n"
    "  });\n"
    "  var m = document.createElement('link'); m.rel = 'modulepreload';  /* the component's script, fetched early */\n"
    f"  m.href = base + '{CHART_JS_PATH}'; document.head.appendChild(m);\n")


# Streamlit's frontend loads the code of some elements only when the first one arrives (st.dataframe: about 1.3 MB
# of modules, ~0.5-1 s on a first load, after the first script run). Every page shows a table, so the hint asks
# for those modules at once, while the server runs the first script. Their file names carry a content hash: they
# are read from the installed Streamlit's own build, and a name that is not there is skipped (only the preload is
# lost, nothing breaks).
LAZY_MODULES = ("DataFrame", "arrowFormatUtils", "reactJsonViewCompat")


def lazy_module_paths(static_js: Path | None = None) -> list[str]:
    """URL paths (relative to the server's root) of Streamlit's lazily loaded modules named in LAZY_MODULES."""
    if static_js is None:
        import streamlit

        static_js = Path(streamlit.__file__).parent / "static" / "static" / "js"
    try:
        names = sorted(f.name for f in static_js.iterdir())
    except OSError:
        return []
    return [f"static/js/{n}" for n in names if n.endswith(".js") and n.split(".", 1)[0] in LAZY_MODULES
            and n.count(".") == 2]


def _preloads(paths: list[str]) -> str:
    return "".join("  m = document.createElement('link'); m.rel = 'modulepreload';\n"
                   f"  m.href = base + {json.dumps(p)}; document.head.appendChild(m);\n" for p in paths)


def hint_script(page_paths: list[str]) -> bytes:
    """The ``<script>`` that sets ``window.__streamlit.BACKEND_BASE_URL``: the current URL's path, less its last
    segment when that is one of the app's pages (``page_paths``, their ``url_path``); and starts loading plotly.js
    from there (``PLOTLY_PATH``)."""
    pages = json.dumps(sorted(p for p in page_paths if p))
    return (
        "<script>(function () { /* anchorviz: where the Streamlit server is (pages/common/serve.py) */\n"
        f"  var pages = {pages}, path = location.pathname.replace(/\\/+$/, '');\n"
        "  var last = path.slice(path.lastIndexOf('/') + 1);\n"
        "  if (pages.indexOf(decodeURIComponent(last)) >= 0) path = path.slice(0, path.length - last.length);\n"
        "  var base = location.origin + path.replace(/\\/+$/, '') + '/';\n"
        "  window.__streamlit = Object.assign({}, window.__streamlit || {}, {BACKEND_BASE_URL: base});\n"
        f"{_PLOTLY_EARLY}"
        f"{_preloads(lazy_module_paths())}"
        "})();</script>"
    ).encode()


class BaseUrlHint:
    """ASGI middleware: the script of ``hint_script`` goes first into the ``<head>`` of every HTML page served.

    Only GET / HEAD requests for paths that can be a page (not Streamlit's API, assets, components or media) are
    looked at; those are asked uncompressed, and an HTML answer gets the script and a new Content-Length. Anything
    else passes through untouched.
    """

    def __init__(self, app, page_paths: list[str]):
        self.app = app
        self.script = hint_script(page_paths)

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD")
                or any(s in path for s in _HTML_SKIP) or "." in path.rsplit("/", 1)[-1]):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await send_all()

        async def send_all():
            body = b"".join(chunks)
            head = dict((k.lower(), v) for k, v in start.get("headers", []))
            if b"text/html" in head.get(b"content-type", b"") and b"<head>" in body:
                body = body.replace(b"<head>", b"<head>" + self.script, 1)
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(body)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})

        await self.app({**scope, "headers": headers}, receive, capture)
