"""Copy plotly.js from the installed plotly package into anchorviz/viz/web/ (run after changing the plotly pin).

Streamlit serves the chart component's files only from its asset_dir (anchorviz/viz/web/README.md says why a
copy); tests/test_viz_web.py fails while the copy differs from the installed package's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly

SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TARGET = Path(__file__).resolve().parent.parent / "anchorviz" / "viz" / "web" / "plotly.min.js"

if __name__ == "__main__":
    shutil.copyfile(SOURCE, TARGET)
    print(f"plotly {plotly.__version__}: {SOURCE} -> {TARGET} ({TARGET.stat().st_size:,} bytes)")
