"""The app starts from requirements.txt alone, as Streamlit Community Cloud installs it, and every page runs:
scripts/check_clean_venv.sh (a fresh venv in a temporary folder, no dev requirements, no Debian packages beyond
the browser that drives the check). About a minute with pip's wheel cache warm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]
pytest.importorskip("playwright.sync_api")


def test_the_app_runs_from_requirements_txt_alone():
    env = {k: v for k, v in os.environ.items() if k != "ANCHORVIZ_VALIDATE_FIGURES"}  # the app as deployed
    env["BROWSER_PYTHON"] = sys.executable
    out = subprocess.run(["bash", "scripts/check_clean_venv.sh"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=900)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    pages = [ln for ln in out.stdout.splitlines() if " ok=True " in ln]
    assert [ln.split()[0] for ln in pages] == ["/", "/labels", "/iou_heatmap", "/coding", "/predictions", "/dataset"]
    assert "OK: the app runs from requirements.txt alone" in out.stdout
