"""Every UI string exists in English, Korean and Chinese, with the same format fields; the pages hold no English text
of their own (an ``ast`` scan of pages/**/*.py); every widget has a key that survives a language switch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pages.common.i18n import LANGS, format_fields, t, table


def test_three_languages():
    assert set(LANGS) == {"en", "ko", "zh"}


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_same_keys_as_english(lang):
    en, other = table("en"), table(lang)
    assert not sorted(set(en) - set(other)), f"missing in {lang}: {sorted(set(en) - set(other))[:20]}"
    assert not sorted(set(other) - set(en)), f"only in {lang}: {sorted(set(other) - set(en))[:20]}"


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_same_format_fields(lang):
    en, other = table("en"), table(lang)
    bad = [k for k in en if k in other and format_fields(en[k]) != format_fields(other[k])]
    assert not bad, f"format fields differ in {lang}: {bad[:20]}"


@pytest.mark.parametrize("lang", list(LANGS))
def test_no_empty_text(lang):
    assert all(isinstance(v, str) and v.strip() for v in table(lang).values())


def test_lookup():
    assert t("common.language", "ko") == "언어"
    assert t("common.language", "en") == "Language"


# ---------------------------------------------------------------------------------------------------------
# The pages hold no English of their own: every user-visible text goes through t()

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p for p in (ROOT / "pages").rglob("*.py") if "i18n" not in p.parts)

# Streamlit calls whose first argument (or label=, help=, ...) is shown to the user
UI_CALLS = {"markdown", "caption", "write", "text", "title", "header", "subheader", "info", "warning", "error",
            "success", "toast", "metric", "expander", "tabs", "popover", "spinner", "status", "latex", "button",
            "download_button", "link_button", "page_link", "selectbox", "radio", "pills", "segmented_control",
            "multiselect", "select_slider", "slider", "number_input", "text_input", "text_area", "checkbox", "toggle",
            "file_uploader", "color_picker", "date_input", "time_input", "Column", "TextColumn", "NumberColumn",
            "CheckboxColumn", "SelectboxColumn", "ListColumn", "LinkColumn", "ProgressColumn"}
UI_KEYWORDS = {"label", "help", "placeholder", "caption", "body"}
# keywords that name what a figure shows (trace names, titles, hover texts)
PLOT_KEYWORDS = {"name", "title", "text", "hovertemplate", "hovertext", "hover"}
# ... and the text arguments of the anchorviz.viz builders: cell_name=, neg_txt=, x_title=, centre_word=, ...
PLOT_KEYWORD_ENDINGS = ("_name", "_title", "_txt", "_word", "_label")
PLOT_RECEIVERS = {"go", "viz", "fig", "px"}
WIDGETS = {"selectbox", "radio", "pills", "segmented_control", "multiselect", "select_slider", "slider", "number_input",
           "text_input", "text_area", "checkbox", "toggle", "button", "download_button", "file_uploader", "data_editor",
           "color_picker", "date_input", "time_input", "camera_input", "audio_input", "chat_input", "feedback"}
CHOICE_WIDGETS = {"selectbox", "radio", "pills", "segmented_control", "multiselect", "select_slider"}

# Not English prose: `code`, {fields}, %{plotly fields}, <tags>, URLs, file paths, LaTeX commands, and tokens that
# are code by their shape: with a digit (P3, x1, YOLOv5), an underscore (pos_iou), a dot (torch.manual_seed), a
# call (decode(...)), ALL CAPS (NMS, COCO) or an inner capital (IoU, RetinaNet).
CODE = re.compile(r"`[^`]*`|%?\{[^{}]*\}|<[^<>]*>|https?://\S+|[\w./-]+\.(?:py|json|png)\b|\\[A-Za-z]+|"
                  r"\b\w*\d\w*\b|\b\w*_\w*\b|\b\w+(?:\.\w+)+\b|\b\w+(?=\()|\b[A-Z]{2,}s?\b|\b\w+[A-Z]\w*\b")
WORD = re.compile(r"[A-Za-z]{3,}")
# Words that stay English in every language: library names, and parameter names users type in configs
ALLOWED_WORDS = {"torchvision", "mmdet", "mmdetection", "detectron", "keras", "retinanet", "topk"}
# (file, text): why this literal may stay
ALLOWED_TEXTS = {
    ("pages/common/gt_edit.py", "class"): "the GT editor's column id (x1, y1, x2, y2, class); column_config shows a "
                                          "translated header",
}


def _literal(node) -> str | None:
    """The text of a string literal, f-string (fields as {}) or concatenation of them; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None and right is None else (left or "{}") + (right or "{}")
    if isinstance(node, ast.IfExp):
        a, b = _literal(node.body), _literal(node.orelse)
        return None if a is None and b is None else f"{a or ''} {b or ''}"
    return None


def _results(node):
    """What a format_func returns: the branches of conditionals and the values of a dict it looks up; not the option
    ids it compares with, nor the keys it passes to t()."""
    if isinstance(node, ast.Lambda):
        yield from _results(node.body)
    elif isinstance(node, ast.IfExp):
        yield from _results(node.body)
        yield from _results(node.orelse)
    elif isinstance(node, ast.Dict):
        yield from (v for v in node.values)
    elif isinstance(node, ast.Subscript):
        yield from _results(node.value)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        yield from _results(node.func.value)
        yield from node.args[1:]
    else:
        yield node


def _english(text: str) -> list[str]:
    return [w for w in WORD.findall(CODE.sub(" ", text)) if w.lower() not in ALLOWED_WORDS]


def _call_name(node: ast.Call) -> tuple[str | None, str | None]:
    """(function name, name at the root of its receiver): st.sidebar.caption -> ("caption", "st")."""
    f = node.func
    if isinstance(f, ast.Name):
        return f.id, None
    if not isinstance(f, ast.Attribute):
        return None, None
    root = f.value
    while isinstance(root, (ast.Attribute, ast.Call)):
        root = root.value if isinstance(root, ast.Attribute) else root.func
    return f.attr, root.id if isinstance(root, ast.Name) else None


def _shown_texts(node: ast.Call):
    """The argument nodes of a call that are shown to the user."""
    name, root = _call_name(node)
    kw = {k.arg: k.value for k in node.keywords}
    if name == "widget" and root == "S" and len(node.args) >= 2:  # S.widget(st.radio, label, key, ...)
        yield node.args[1]
    elif name in UI_CALLS and node.args:
        yield node.args[0]
    if name in UI_CALLS or name == "widget":
        yield from (v for k, v in kw.items() if k in UI_KEYWORDS)
        if "format_func" in kw:  # option labels written into a lambda or a dict
            yield from _results(kw["format_func"])
    if root in PLOT_RECEIVERS or (name or "").startswith("add_") or name in ("make_subplots", "dict"):
        yield from (v for k, v in kw.items() if k in PLOT_KEYWORDS or (k or "").endswith(PLOT_KEYWORD_ENDINGS))
    if name == "DataFrame" and node.args and isinstance(node.args[0], ast.Dict):  # column names
        yield from (k for k in node.args[0].keys if k is not None)


def _english_literals(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
        if isinstance(node, ast.Call):
            for arg in _shown_texts(node):
                text = _literal(arg)
                if text is not None and _english(text) and (rel, text) not in ALLOWED_TEXTS:
                    found.append(f"{rel}:{arg.lineno}: {text[:80]!r}")
    return found


def test_the_detector_finds_english_and_passes_code():
    assert _english("Upload an image (JPEG, PNG)") == ["Upload", "image"]
    assert _english("{n} boxes on {name}") == ["boxes"]
    assert not _english("pos_iou (≥)") and not _english("P3 · {lv} ({h}×{w})") and not _english("IoU %{z:.3f}<br>")
    assert not _english("x1, y1, x2, y2") and not _english("decode(encode(GT))") and not _english("mmdet YOLOv5")
    tree = ast.parse('st.caption("Click a centre")\nS.widget(st.radio, "Assigner", "asg", help=f"{c}: turned off")\n'
                     'viz.add_rects(fig, b, name=f"shape {k}")\nst.selectbox(t("x"), o, key="k", '
                     'format_func=lambda v: "all levels" if v == "all" else t("lv." + v))\nst.caption(t("ok"))\n'
                     'pd.DataFrame({"best IoU": v, "x1": x})\nthreading.Thread(name="worker")\n'
                     'viz.labels_figure(i, l, g, neg_name="negatives", title=t("x"))')
    texts = [_literal(a) for n in ast.walk(tree) if isinstance(n, ast.Call) for a in _shown_texts(n)]
    assert {x for x in texts if x and _english(x)} == {"Click a centre", "Assigner", "{}: turned off", "shape {}",
                                                       "all levels", "best IoU", "negatives"}


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_english_literal_in_the_pages(path):
    found = _english_literals(path)
    assert not found, "user-visible English outside pages/common/i18n (use t()):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_widget_has_a_stable_key(path):
    """A keyed widget keeps its value when its label changes with the language; a choice widget also needs
    S.widget or key=S.keep(...) so that the language switch restores its value (pages/common/state.py)."""
    rel = path.relative_to(ROOT).as_posix()
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), rel)):
        if not isinstance(node, ast.Call):
            continue
        name, root = _call_name(node)
        if name not in WIDGETS or root in (None, "S", "self"):
            continue
        key = next((k.value for k in node.keywords if k.arg == "key"), None)
        if key is None:
            bad.append(f"{rel}:{node.lineno}: st.{name} without key=")
        elif name in CHOICE_WIDGETS and not (isinstance(key, ast.Call) and _call_name(key)[0] == "keep"):
            bad.append(f"{rel}:{node.lineno}: st.{name} needs key=S.keep(...) (or S.widget)")
    assert not bad, "\n".join(bad)
