"""The package's layout rules (issue #12), checked on the source: layers import downwards only, the core imports
NumPy and nothing else, no file over 400 lines, and ``import anchorviz`` stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import anchorviz

PKG = Path(anchorviz.__file__).parent
STDLIB = set(sys.stdlib_module_names)
# layer -> the anchorviz layers it may import, and the third-party packages it may use
ALLOWED = {
    "core": ({"core"}, {"numpy"}),
    "io": ({"core", "io"}, {"numpy", "PIL", "pycocotools", "defusedxml", "yaml"}),
    "dataset": ({"core", "io", "dataset"}, {"numpy"}),
    "parity": ({"core", "io", "dataset", "parity"}, {"numpy"}),
    "cli": ({"core", "io", "dataset", "parity", "cli"}, {"numpy"}),
    "viz": ({"core", "io", "dataset", "viz"}, {"numpy", "plotly", "PIL"}),
}
MODULES = sorted(p for p in PKG.rglob("*.py"))


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append(node.module)
    return out


def _layer(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PKG)) for p in MODULES])
def test_layers_import_downwards_only(path):
    layer = _layer(path)
    if layer not in ALLOWED:  # anchorviz/__init__.py and __main__.py: the package's doors
        assert layer in ("__init__", "__main__")
        return
    layers, third_party = ALLOWED[layer]
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "anchorviz":
            below = name.split(".")[1] if "." in name else ""
            assert below in layers, f"{path.relative_to(PKG)} ({layer}) imports {name}"
        else:
            assert top in STDLIB or top == "__future__" or top in third_party, \
                f"{path.relative_to(PKG)} ({layer}) imports {name}"


# the package and the app's pages (pages/common included): one concept per file, at most 400 lines
ROOT = Path(__file__).resolve().parents[1]
SIZED = {**{f"anchorviz/{p.relative_to(PKG)}": p for p in MODULES},
         **{str(p.relative_to(ROOT)): p for p in sorted((ROOT / "pages").rglob("*.py"))}}


@pytest.mark.parametrize("path", SIZED.values(), ids=SIZED.keys())
def test_no_file_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


def test_import_anchorviz_is_light_and_every_public_name_resolves():
    code = ("import sys, anchorviz; heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'PIL', 'pycocotools', 'plotly', 'streamlit', 'yaml', 'defusedxml', 'pages'}); print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PKG.parent, check=True)
    assert out.stdout.strip() == "[]"
    for name in anchorviz.__all__:
        obj = getattr(anchorviz, name)
        assert getattr(obj, "__module__", None) is None or obj.__module__.startswith("anchorviz."), name
    with pytest.raises(AttributeError):
        anchorviz.no_such_name  # noqa: B018
