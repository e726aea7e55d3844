"""common/release.py: after a page's run, its namespace keeps only what the page's functions can still read."""

from __future__ import annotations

import ast
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
names = ["a", "b"]
def comprehension_in_a_callback():
    return [names[i] for i in range(2)]
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
    assert ns["comprehension_in_a_callback"]() == ["a", "b"]  # a comprehension inside a function runs later
    assert "__file__" in ns and isinstance(ns["math"], types.ModuleType)


def test_a_callback_kept_alive_by_a_widget_still_runs():
    ns, code = _run(PAGE)
    handler = ns["handlers"][0]  # what a widget would hold
    release(ns, code)
    assert handler() == 1


def _assigned_at_top(path: Path) -> set[str]:
    """Names every run of the page sets: assigned by a plain top-level statement (not inside if / for / with)."""
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return out


def _page_namespaces(name: str) -> list[dict]:
    gc.collect()
    return [o for o in gc.get_objects()
            if isinstance(o, dict) and "__builtins__" in o and str(o.get("__file__", "")).endswith(name)]


def _globals_read_in_functions(path: Path) -> set[str]:
    """Module-level names that some function or lambda of the page reads, by the page's syntax tree (a second way
    of finding them, independent of release.py's bytecode scan): a name loaded inside a function body that is
    neither a parameter nor assigned in that function."""
    tree = ast.parse(path.read_text())
    top = {n.id for node in tree.body for n in ast.walk(node)
           if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
           and not isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    out: set[str] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = fn.args
            local = {x.arg for x in a.args + a.kwonlyargs + a.posonlyargs}
            local |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
            body = fn.body if isinstance(fn.body, list) else [fn.body]
            nodes = [n for b in body for n in ast.walk(b)]
            local |= {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            out |= {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - local
    return out & top


PAGES = ("anchors", "labels", "assigners", "iou_heatmap", "coding", "predictions", "loss", "dataset")


def test_pages_keep_what_their_functions_read_and_no_anchor_set_or_large_array():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    root = Path(APP).parent
    checked = 0
    for name in PAGES:
        earlier = {id(d) for d in _page_namespaces(f"{name}.py")}  # other tests' runs, some stopped early
        at.switch_page(f"pages/{name}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        # this run's namespace; none when nothing of the page outlives its run (Dataset)
        spaces = [d for d in _page_namespaces(f"{name}.py") if id(d) not in earlier]
        checked += bool(spaces)
        read = _globals_read_in_functions(root / "pages" / f"{name}.py")
        for ns in spaces:
            held = [k for k, v in ns.items() if isinstance(v, AnchorSet)
                    or (isinstance(v, np.ndarray) and v.nbytes > 1 << 16)]
            assert not held, (name, held)
            # what a callback may read after the run is still there (names the run never set are not checked)
            missing = sorted(k for k in read if k not in ns and k in _assigned_at_top(root / "pages" / f"{name}.py"))
            assert not missing, (name, missing)
    assert checked >= 6, f"only {checked} page namespaces found alive after their runs"
