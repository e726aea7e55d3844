"""All UI text, one folder per language: ``en/``, ``ko/``, ``zh/``.

Each folder holds one small module per page (plus ``common.py`` for the sidebar and shared widgets), each
defining ``STRINGS: dict[str, str]``. Keys are "page.thing" (``"labels.title"``); values may contain
``str.format`` fields (``"{n} anchors"``). ``t(key, **fields)`` returns the text in the current language.
tests/test_i18n.py checks that every key exists in all three languages with the same format fields.

The seeds this project grew from are in Korean, Chinese and English; that audience is the reason.
"""

from __future__ import annotations

import importlib
import pkgutil
import string
from functools import lru_cache
from pathlib import Path

LANGS: dict[str, str] = {"en": "English", "ko": "한국어", "zh": "中文"}
DEFAULT_LANG = "en"
_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def table(lang: str) -> dict[str, str]:
    """Every key of one language, merged from the modules of its folder."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    merged: dict[str, str] = {}
    for mod in sorted(pkgutil.iter_modules([str(_HERE / lang)]), key=lambda m: m.name):
        strings = importlib.import_module(f"{__name__}.{lang}.{mod.name}").STRINGS
        dup = set(strings) & set(merged)
        if dup:
            raise KeyError(f"{lang}: keys defined twice: {sorted(dup)[:5]}")
        merged.update(strings)
    return merged


def current_lang() -> str:
    """The language chosen in the sidebar (session state key "lang"), English outside a Streamlit run."""
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        if get_script_run_ctx(suppress_warning=True) is None:  # plain Python (tests, the CLI): no session
            return DEFAULT_LANG
        lang = st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # noqa: BLE001 - no usable session state
        lang = DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = None, **fields) -> str:
    """The text for ``key`` in ``lang`` (default: the current language), with ``fields`` filled in."""
    text = table(lang or current_lang())[key]
    return text.format(**fields) if fields else text


def format_fields(text: str) -> set[str]:
    """The str.format field names a text uses (for the completeness test)."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}
