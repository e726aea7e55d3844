"""Build anchorviz/viz/web/plotly.min.js: the plotly.js version that the installed plotly package writes specs for,
holding only the trace types the app draws (run after changing the plotly pin, or when a page starts using a new
trace type).

Why a partial bundle: the full plotly.js is 4.8 MB (1.5 MB gzipped) and its download, parse and compile were
about two thirds of a first page load (issue #16 point 8); with the four trace types the app draws it is about
1.55 MB (0.5 MB gzipped). Streamlit serves the chart component's files only from its asset_dir
(anchorviz/viz/web/README.md). tests/test_viz_web.py fails while the bundle's version differs from the installed
plotly package's plotly.js, or while a page's figure uses a trace type the bundle does not hold.

Needs node and npm (the npm registry): scripts/plotly_bundle/package.json pins plotly.js and the build tools.
Usage: python scripts/vendor_plotly_js.py [--traces bar,heatmap,scatter,scattergl]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(__file__).resolve().parent / "plotly_bundle"
TARGET = ROOT / "anchorviz" / "viz" / "web" / "plotly.min.js"
# every trace type a figure of the app uses (anchorviz/viz, the pages); tests/test_viz_web.py checks the list
TRACES = ("bar", "heatmap", "scatter", "scattergl")


def installed_plotly_js_version() -> str:
    """The plotly.js version of the installed plotly package (the header of its bundled plotly.min.js)."""
    head = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()[:200].decode()
    return re.search(r"plotly\.js v(\S+)", head).group(1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--traces", default=",".join(TRACES))
    args = ap.parse_args()
    version = installed_plotly_js_version()
    pinned = json.loads((BUILD / "package.json").read_text())["dependencies"]["plotly.js"]
    if pinned != version:
        print(f"scripts/plotly_bundle/package.json pins plotly.js {pinned}, the installed plotly {plotly.__version__} "
              f"bundles {version}: change the pin first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("package.json", "build.js"):
            shutil.copyfile(BUILD / name, Path(tmp) / name)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=tmp, check=True)
        subprocess.run(["node", "build.js", args.traces, str(TARGET)], cwd=tmp, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
