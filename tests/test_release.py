"""common/release.py: after a page's run, its namespace keeps only what the page's functions can still read."""

from __future__ import annotations

import gc
import types
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from anchorviz.core.anchors.grid import AnchorSet
from pages.common.release import names_read_by_nested_code, release

APP = str(Path(__file__).resolve().parents[1] / "app.py")

PAGE = '''
import math
big = list(range(10))
kept = [1, 2, 3]
also_kept = {"a": 1}
only_in_comprehension = [4, 5]
squares = [v * v for v in only_in_comprehension]
def callback():
    return kept[0] + math.floor(1.5)
handlers = [lambda: also_kept["a"] for _ in range(1)]
attr_only = object()
def reads_an_attribute(x):
    return x.attr_only
'''


def _run(src: str) -> tuple[dict, types.CodeType]:
    code = compile(src, "page.py", "exec")
    ns: dict = {"__file__": "page.py"}
    exec(code, ns)  # noqa: S102 -- the test's own source text
    return ns, code


def test_only_names_read_by_nested_code_survive():
    ns, code = _run(PAGE)
    names = names_read_by_nested_code(code)
    assert {"kept", "also_kept", "math"} <= names
    assert "only_in_comprehension" not in names  # the comprehension ran during the run and is done
    assert "attr_only" not in names  # an attribute name, not a global
    dropped = release(ns, code)
    assert set(dropped) == {"big", "only_in_comprehension", "squares", "handlers", "attr_only"}
    assert ns["callback"]() == 2
    assert "__file__" in ns and isinstance(ns["math"], types.ModuleType)


def test_a_callback_kept_alive_by_a_widget_still_runs():
    ns, code = _run(PAGE)
    handler = ns["handlers"][0]  # what a widget would hold
    release(ns, code)
    assert handler() == 1


def _page_namespaces(name: str) -> list[dict]:
    gc.collect()
    return [o for o in gc.get_objects()
            if isinstance(o, dict) and "__builtins__" in o and str(o.get("__file__", "")).endswith(name)]


def test_pages_hold_no_anchor_set_or_large_array_after_their_run():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for page in ("pages/anchors.py", "pages/labels.py", "pages/iou_heatmap.py", "pages/loss.py",
                 "pages/predictions.py", "pages/coding.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        spaces = _page_namespaces(Path(page).name)
        assert spaces, page
        for ns in spaces:
            held = [k for k, v in ns.items() if isinstance(v, AnchorSet)
                    or (isinstance(v, np.ndarray) and v.nbytes > 1 << 16)]
            assert not held, (page, held)
