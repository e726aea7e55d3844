"""Every UI string exists in English, Korean and Chinese, with the same format fields."""

from __future__ import annotations

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
