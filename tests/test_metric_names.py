"""The Dataset page's metric names (FitReport.rows(), written in English by the core) speak the chosen language:
every row of a real report, sampled grid fit and odd IoU threshold included, has a sentence in each language that
keeps the numbers it carries, and the Compare tab's table shows them in 한국어 and 中文."""

from __future__ import annotations

import re

import pytest

from anchorviz.core.presets import preset_config
from anchorviz.dataset.fit_report import evaluate
from anchorviz.dataset.synthetic import synthetic_dataset
from pages.common import i18n
from pages.common.metric_names import metric_label
from tests.test_app_dataset import run_dataset, server_past_its_first_run  # noqa: F401 - the autouse fixture


def _rows(**kwargs) -> list[str]:
    ds = synthetic_dataset(400, seed=1)
    report = evaluate(ds, preset_config("RetinaNet", "torchvision"), max_images=5, worst_k=0, **kwargs)
    return [m for m, _ in report.rows()]


ENGLISH = re.compile(r"\b(GTs|with|best|mean|positives?|shapes?|images|rule|anchors|above|threshold|fitness|assigner)\b")
ROWS = _rows(iou_thr=0.45, anchor_t=3.5)  # a sampled grid fit (5 images), a threshold of its own (0.45)


def test_the_premise_rows_carry_their_numbers():
    assert any("0.45" in r for r in ROWS) and any("3.5" in r for r in ROWS) and any(" of " in r for r in ROWS)


@pytest.mark.parametrize("name", ROWS)
def test_english_reads_as_the_core_writes_it(name):
    assert metric_label(name, "en") == name


@pytest.mark.parametrize("lang", ["ko", "zh"])
@pytest.mark.parametrize("name", ROWS)
def test_every_row_is_translated_and_keeps_its_numbers(lang, name):
    out = metric_label(name, lang)
    assert not ENGLISH.search(out) and (out != name or not ENGLISH.search(name)), out  # BPR, anchor_t stay
    assert sorted(re.findall(r"\d[\d,.]*", name)) == sorted(re.findall(r"\d[\d,.]*", out)), (name, out)


def test_an_unknown_name_stays_as_it_is():
    assert metric_label("a metric a later core adds", "ko") == "a metric a later core adds"


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_compare_tab_shows_the_metric_names_in_the_language(lang):
    at = run_dataset(query={"lang": lang})
    at.session_state["ds_tab"] = i18n.t("ds.tab_compare", lang)  # the Compare tab computes only while open
    at.run()
    table = next(df for df in at.dataframe if "Δ" in df.value.columns).value
    names = table[i18n.t("ds.col_metric", lang)].tolist()
    assert len(names) == len(_rows()), names  # the rows of a sampled grid fit at the default threshold
    english = [n for n in names if ENGLISH.search(n)]
    assert not english, f"metric names left in English: {english}"
    assert i18n.t("metrics.shapes", lang) in names


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_fit_tab_shows_the_metric_names_in_the_language(lang):
    at = run_dataset(query={"lang": lang})
    col = i18n.t("ds.col_metric", lang)
    table = next(df for df in at.dataframe if col in df.value.columns and "Δ" not in df.value.columns).value
    english = [n for n in table[col].tolist() if ENGLISH.search(n)]
    assert len(table) >= len(_rows()) - 1 and not english, f"metric names left in English: {english}"
