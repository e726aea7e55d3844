"""The chart component's files (anchorviz/viz/web): declared the way Streamlit finds them, and plotly.js a partial
build of the version the installed plotly package writes specs for, holding every trace type the app draws."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import plotly

from anchorviz import viz

ROOT = Path(__file__).resolve().parent.parent
WEB = Path(viz.__file__).parent / "web"


def bundle_traces() -> set[str]:
    """The trace types of the vendored plotly.js partial bundle (its first line, written by the build)."""
    first = (WEB / "plotly.min.js").read_bytes()[:300].decode().splitlines()[0]
    m = re.fullmatch(r"/\* plotly\.js v(\S+) partial bundle for anchorviz, traces: ([a-z0-9,]+) \*/", first)
    assert m, f"anchorviz/viz/web/plotly.min.js: not the partial bundle scripts/vendor_plotly_js.py builds: {first!r}"
    return set(m.group(2).split(","))


def test_plotly_js_is_a_partial_build_of_the_installed_packages_version():
    """The bundle is the plotly.js version the installed plotly package writes specs for (its own copy's header),
    with the trace types scripts/vendor_plotly_js.py lists."""
    installed = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()[:200].decode()
    version = re.search(r"plotly\.js v(\S+)", installed).group(1)
    head = (WEB / "plotly.min.js").read_bytes()[:400].decode()
    assert f"plotly.js v{version} partial bundle" in head and f"* plotly.js v{version}\n" in head, (
        "anchorviz/viz/web/plotly.min.js is not plotly.js " + version + ": run python scripts/vendor_plotly_js.py")
    assert (WEB / "plotly.min.js").read_bytes().rstrip().endswith(b"window.Plotly = Plotly;\nreturn Plotly;\n}));")
    spec = importlib.util.spec_from_file_location("vendor_plotly_js", ROOT / "scripts" / "vendor_plotly_js.py")
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    assert bundle_traces() == set(vendor.TRACES)
    assert vendor.installed_plotly_js_version() == version


# every way the code names a trace type: trace_dict("scatter", ...), go.Scatter(...), a "scattergl" if ... else
_TRACE_NAMES = re.compile(r'trace_dict\(\s*"([a-z0-9]+)"|\bgo\.([A-Z][A-Za-z0-9]*)\(|"(scatter[a-z0-9]*)"')
_NOT_TRACES = {"Figure", "FigureWidget", "Layout"}


def test_every_trace_type_in_the_code_is_in_the_bundle():
    """A trace type the bundle lacks would draw nothing, silently: every type named in anchorviz/viz and the
    pages (whatever state reaches it) must be in the partial bundle."""
    used = set()
    for path in [*(ROOT / "anchorviz" / "viz").glob("*.py"), *(ROOT / "pages").rglob("*.py")]:
        for m in _TRACE_NAMES.finditer(path.read_text(encoding="utf-8")):
            name = m.group(1) or m.group(3) or (m.group(2) if m.group(2) not in _NOT_TRACES else None)
            if name:
                used.add(name.lower())
    assert {"scatter", "heatmap", "bar"} <= used  # the scan finds what the figures are made of
    assert used <= bundle_traces(), f"not in anchorviz/viz/web/plotly.min.js: {sorted(used - bundle_traces())}"


def test_every_page_draws_only_trace_types_of_the_bundle():
    """Every page of the app, as it opens (AppTest): each chart's trace types are in the bundle."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    seen, pages = set(), 0
    for script in ("pages/anchors.py", "pages/labels.py", "pages/assigners.py", "pages/iou_heatmap.py",
                   "pages/coding.py", "pages/predictions.py", "pages/loss.py", "pages/dataset.py"):
        if script != "pages/anchors.py":
            at.switch_page(script).run()
        assert not at.exception, (script, at.exception)
        charts = at.get("bidi_component")
        assert charts, script
        pages += 1
        for el in charts:
            seen |= {tr["type"] for tr in json.loads(json.loads(el.proto.json)["spec"])["data"]}
    assert pages == 8 and {"scatter", "heatmap", "bar"} <= seen
    assert seen <= bundle_traces(), f"not in anchorviz/viz/web/plotly.min.js: {sorted(seen - bundle_traces())}"


def test_the_component_is_declared_in_pyproject_and_found_by_streamlit():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [entry] = data["tool"]["streamlit"]["component"]["components"]
    assert (entry["name"], entry["asset_dir"]) == ("chart", "viz/web")
    assert "." in [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]  # installed by it

    from streamlit.components.v2.manifest_scanner import scan_component_manifests

    found = {m.name: (m, root) for m, root in scan_component_manifests()}
    manifest, package_root = found["anchorviz"]
    assert Path(package_root) == WEB.parent.parent  # this checkout's package, not another install
    assert manifest.components[0].resolve_asset_root(Path(package_root)) == WEB


def test_the_script_loads_plotly_next_to_itself():
    js = (WEB / "chart.js").read_text(encoding="utf-8")
    assert "new URL('plotly.min.js', import.meta.url)" in js
    assert re.search(r"^export default function", js, re.M)
    chart_py = (ROOT / "pages" / "common" / "chart.py").read_text(encoding="utf-8")
    assert 'NAME = "anchorviz.chart"' in chart_py and 'js="chart.js"' in chart_py  # <project>.<component name>
