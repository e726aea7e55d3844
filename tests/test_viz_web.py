"""The chart component's files (anchorviz/viz/web): declared the way Streamlit finds them, and plotly.js the very
build that the installed plotly package writes specs for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import plotly

from anchorviz import viz

ROOT = Path(__file__).resolve().parent.parent
WEB = Path(viz.__file__).parent / "web"


def test_plotly_js_is_the_installed_packages_copy():
    installed = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (WEB / "plotly.min.js").read_bytes() == installed.read_bytes(), (
        "anchorviz/viz/web/plotly.min.js differs from the installed plotly's: run python scripts/vendor_plotly_js.py")


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
