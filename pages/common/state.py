"""Session and URL state: one persisted dict of every shareable value, seeded once from the URL.

Widget state in Streamlit is dropped when a widget is not rendered (for example after a page switch), so
every shareable value lives in a plain dict ``st.session_state["_p"]`` that no widget owns. Widgets use
``key=`` only: ``bind_widget`` seeds the widget key from the dict before the widget is created, and
``remember`` copies the widget's value back after it. At the end of every run ``write_url`` puts the dict
into ``st.query_params``, so a copied link reproduces the view. Invalid URL values give one warning and
their defaults, never an exception. Knob texts keep every digit here; their fields and the link show them rounded
(``anchorviz.core.knobs.display``), and a rounded preset value reads back as the exact one.

Languages: widgets keep their ``key`` whatever the language, and choice widgets (radio, selectbox, pills) take
internal ids as options and translate only in ``format_func``. The browser still sends back a choice widget's
*formatted* option, which a language switch makes unknown, so the language selector's ``keep_choices`` puts
every choice widget's value into session state before the rerun.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from anchorviz.core.assign.max_iou import ASSIGNER_PRESETS
from anchorviz.core.assigners.registry import POINT_RULES
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, presets_for
from anchorviz.io.samples import DEFAULT_SAMPLE, SAMPLES
from anchorviz.core.knobs.display import display_text, link_text
from anchorviz.core.knobs.parse import build_config
from anchorviz.core.knobs.table import KNOBS, default_knobs, default_level_names, fmt_num, level_choices
from pages.common import knobs as K
from pages.common.choices import keep, keep_labels  # noqa: F401 - pages call them as S.keep / S.keep_labels
from pages.common.i18n import LANGS, t
from pages.common.page_widgets import (begin_run, page_value, page_widget,  # noqa: F401 - pages call them as S.*
                                      set_page_value)

UPLOAD = "upload"  # the value of `sample` while an uploaded image is shown
ASSIGNERS = ("maxiou", "yolov5", "atss")  # shown as t("labels.asg_" + id)
SAMPLING_RULES = ("torchvision", "detectron2", "mmdet")
RESIZE_MODES = ("none", "shorter_side", "letterbox", "custom")
POINT_RULE_KEYS = tuple(POINT_RULES)
KNOB_KEYS = tuple(sorted({k.key for ks in KNOBS.values() for k in ks} | {"octave_base_scale", "scales_per_octave"}))


@dataclass(frozen=True)
class Param:
    """One shareable value: its default, type and allowed range."""

    default: Any
    kind: str  # "str", "float", "int", "bool", "list"
    lo: float | None = None
    hi: float | None = None
    choices: tuple | None = None


DEFAULT_CONV = "torchvision"
DEFAULT_PRESET = "RetinaNet"

PARAMS: dict[str, Param] = {
    # input
    "lang": Param("en", "str", choices=tuple(LANGS)),
    "sample": Param(DEFAULT_SAMPLE, "str", choices=tuple(SAMPLES) + (UPLOAD,)),
    "gt": Param("", "str"),
    "gtc": Param("", "str"),
    # resize
    "rs": Param("shorter_side", "str", choices=RESIZE_MODES),
    "rs_min": Param(800, "int", 1, 4096),
    "rs_max": Param(1333, "int", 1, 8192),
    "rs_lb": Param(640, "int", 32, 4096),
    "rs_h": Param(640, "int", 1, 8192),
    "rs_w": Param(640, "int", 1, 8192),
    "rs_keep": Param(True, "bool"),
    "rs_div": Param(32, "int", 1, 256),
    # anchor setup
    "conv": Param(DEFAULT_CONV, "str", choices=tuple(CONVENTIONS)),
    "preset": Param(DEFAULT_PRESET, "str", choices=tuple(PRESETS)),
    "lv": Param([], "list"),
    "off": Param(0.0, "float", 0.0, 1.0),
    **{k: Param("", "str") for k in KNOB_KEYS},
    # anchors page
    "show": Param("picked", "str"),
    "cell": Param("", "str"),
    "shape": Param(-1, "int", -1, 10_000),
    "cmp_lv": Param("", "str"),
    # labels page
    "asg": Param("maxiou", "str", choices=ASSIGNERS),
    "asg_preset": Param("RetinaNet 0.5/0.4", "str", choices=tuple(ASSIGNER_PRESETS) + ("custom",)),
    "pos": Param(0.5, "float", 0.0, 1.0),
    "neg": Param(0.4, "float", 0.0, 1.0),
    "lq": Param(True, "bool"),
    "anchor_t": Param(4.0, "float", 1.01, 100.0),
    "topk": Param(9, "int", 1, 100),
    "l_show": Param("all", "str"),
    "l_shape": Param(-1, "int", -1, 10_000),
    "mb": Param(False, "bool"),
    "mb_bs": Param(256, "int", 1, 100_000),
    "mb_pf": Param(0.5, "float", 0.0, 1.0),
    "mb_seed": Param(0, "int", 0, 2**31 - 1),
    "mb_rule": Param("torchvision", "str", choices=SAMPLING_RULES),
    # assigners page (the rule keys are anchorviz.core.assigners.POINT_RULES')
    "pa_rule": Param("tal_8.4", "str", choices=POINT_RULE_KEYS),
    "pa_cmp": Param("none", "str", choices=("none", *POINT_RULE_KEYS)),
    "pa_tal": Param("v8", "str", choices=("v8", "defaults")),
    "pa_cs": Param(False, "bool"),
    "pa_st": Param([], "list"),
    "pa_src": Param("sim", "str", choices=("sim", "upload")),
    "pa_prog": Param(0.5, "float", 0.0, 1.0),
    "pa_seed": Param(0, "int", 0, 2**31 - 1),
    "pa_gt": Param(-1, "int", -1, 100_000),
    # loss page (pages/loss_parts/controls.py: loss_for is the LOSS_SPECS key the loss values belong to)
    "loss_asg": Param("head", "str", choices=("head", "labels")),
    "loss_term": Param("cls", "str", choices=("cls", "box")),
    "loss_for": Param("", "str"),
    "loss_cls": Param("", "str", choices=("", "focal", "bce", "softmax_ce")),
    "loss_box": Param("", "str", choices=("", "l1", "smooth_l1", "giou")),
    "loss_alpha": Param(0.25, "float"),
    "loss_gamma": Param(2.0, "float"),
    "loss_beta": Param(1.0, "float"),
    "loss_sigma": Param(3.0, "float"),
    "loss_lc": Param(1.0, "float"),
    "loss_lb": Param(1.0, "float"),
    "loss_prog": Param(0.3, "float", 0.0, 1.0),
    "loss_seed": Param(0, "int", 0, 2**31 - 1),
    # dataset page: the token of an upload a reload can bring back (pages/dataset_tabs/source.py)
    "ds": Param("", "str"),
    "ds_name": Param("", "str"),
}

# Written to the URL even when equal to the default, so a link always names the sample and the setup.
ALWAYS_IN_URL = ("sample", "conv", "preset", "lv", "rs")


def p() -> dict:
    """The persisted values (created by ``init``)."""
    return st.session_state["_p"]


def _parse(param: Param, raw: str):
    if param.kind == "str":
        v = raw
        if param.choices is not None and v not in param.choices:
            raise ValueError(t("sidebar.url_one_of", choices=", ".join(map(str, param.choices))))
        return v
    if param.kind == "list":
        return [s.strip() for s in raw.split(",") if s.strip()]
    if param.kind == "bool":
        if raw.lower() in ("1", "true", "on", "yes"):
            return True
        if raw.lower() in ("0", "false", "off", "no"):
            return False
        raise ValueError(t("sidebar.url_bool"))
    try:
        v = float(raw) if param.kind == "float" else int(raw)
    except ValueError:
        raise ValueError(t("sidebar.url_number" if param.kind == "float" else "sidebar.url_int")) from None
    if not math.isfinite(v):
        raise ValueError(t("sidebar.url_finite"))
    if (param.lo is not None and v < param.lo) or (param.hi is not None and v > param.hi):
        raise ValueError(t("sidebar.url_range", lo=f"{param.lo:g}", hi=f"{param.hi:g}"))
    return v


def _fmt(param: Param, v) -> str:
    if param.kind == "bool":
        return "1" if v else "0"
    if param.kind == "list":
        return ",".join(v)
    if param.kind == "float":
        return fmt_num(v)
    return str(v)


def setup_defaults(values: dict, *, keep_levels: bool = False) -> None:
    """Reset levels, knobs and offset to what the current convention + preset give (in place)."""
    conv, preset = values["conv"], values["preset"]
    if not keep_levels:
        values["lv"] = default_level_names(preset, conv)
    for key in KNOB_KEYS:
        values[key] = ""
    values.update(default_knobs(conv, preset, values["lv"]))
    values["off"] = CONVENTIONS[conv].default_offset


def init() -> None:
    """Create the persisted dict once per session, from defaults and the URL."""
    if "_p" in st.session_state:
        return
    values = {k: (list(v.default) if isinstance(v.default, list) else v.default) for k, v in PARAMS.items()}
    warnings: list[str] = []
    query = st.query_params.to_dict()
    # Seed the language selector's key first: every text of this first run, these warnings included, speaks the
    # link's language (a bad value is warned about below).
    st.session_state["lang"] = query["lang"] if query.get("lang") in LANGS else PARAMS["lang"].default
    for key, raw in query.items():
        param = PARAMS.get(key)
        if param is None:
            continue  # unknown parameters are left alone
        try:
            values[key] = _parse(param, raw)
        except (ValueError, TypeError) as e:
            warnings.append(f"`{key}={raw}` ({e})")
    # cross-checks, in dependency order
    if values["preset"] not in presets_for(values["conv"]):
        if "preset" in query:
            warnings.append(t("sidebar.url_preset", preset=query["preset"], conv=values["conv"]))
        values["preset"] = DEFAULT_PRESET if DEFAULT_PRESET in presets_for(values["conv"]) else presets_for(values["conv"])[0]
    choices = level_choices(values["preset"], values["conv"])
    if not values["lv"] or any(n not in choices for n in values["lv"]):
        if "lv" in query:
            warnings.append(t("sidebar.url_levels", lv=query["lv"], choices=", ".join(choices)))
        values["lv"] = default_level_names(values["preset"], values["conv"])
    values["lv"] = [n for n in choices if n in values["lv"]]
    given_knobs = {k: values[k] for k in KNOB_KEYS if k in query}
    if "off" not in query:
        values["off"] = CONVENTIONS[values["conv"]].default_offset
    defaults = default_knobs(values["conv"], values["preset"], values["lv"])
    for k in KNOB_KEYS:
        values[k] = given_knobs.get(k, defaults.get(k, ""))
    try:
        build_config(values["conv"], values["preset"], values["lv"], {k: values[k] for k in KNOB_KEYS}, None)
    except AnchorVizInputError as e:
        warnings.append(t("sidebar.url_knobs", e=K.message(e)))
        for k in KNOB_KEYS:
            values[k] = defaults.get(k, "")
    if "preset" in query and not any(k.startswith("rs") for k in query):
        values.update(K.preset_resize(values["preset"]))  # a hand-written link: the preset's own resize
    if values["neg"] > values["pos"]:
        warnings.append(t("sidebar.url_neg_pos", neg=fmt_num(values["neg"]), pos=fmt_num(values["pos"])))
        values["pos"], values["neg"] = PARAMS["pos"].default, PARAMS["neg"].default
    if values["rs_min"] > values["rs_max"]:
        warnings.append(t("sidebar.url_rs_min"))
        values["rs_min"], values["rs_max"] = PARAMS["rs_min"].default, PARAMS["rs_max"].default
    if "asg" not in query and values["conv"] == "yolov5":
        values["asg"] = "yolov5"
    if "mb_rule" not in query:
        values["mb_rule"] = CONVENTIONS[values["conv"]].sampler or "torchvision"
    st.session_state["_p"] = values
    st.session_state["_url_warnings"] = warnings
    st.session_state["_url_keys"] = tuple(query)


def url_warnings() -> list[str]:
    return st.session_state.get("_url_warnings", [])


def write_url() -> None:
    """Put the persisted values into the URL (compact: defaults are left out except the core setup)."""
    values = st.session_state.get("_p")
    if values is None:
        return
    out = {}
    knob_keys = {k.key for k in KNOBS[values["conv"]]}
    if values["conv"] in ("mmdet", "mmdet_v1"):
        knob_keys |= {"octave_base_scale", "scales_per_octave"}
    for key, param in PARAMS.items():
        v = values[key]
        if key in KNOB_KEYS:
            if key in knob_keys:  # rounded where that reads back exactly, else float32-exact (knobs.display)
                out[key] = link_text(v, values["conv"], values["preset"], key)
            continue
        if key in ALWAYS_IN_URL or v != param.default or (key == "off"):
            out[key] = _fmt(param, v)
    if dict(st.query_params.to_dict()) != out:
        st.query_params.from_dict(out)


# ---------------------------------------------------------------------------------------------------------
# Widgets bound to the persisted dict


def shown(key: str, value):
    """What the widget of ``key`` shows for the persisted ``value``: knob texts rounded for reading (the persisted
    text keeps every digit; ``remember`` keeps it while the field is not edited)."""
    return display_text(value) if key in KNOB_KEYS and isinstance(value, str) else value


def bind_widget(key: str, valid: Callable[[Any], bool] | None = None) -> str:
    """Seed the widget ``key`` from the persisted value (first render, or after a page switch)."""
    values = p()
    if key in st.session_state and valid is not None and not valid(st.session_state[key]):
        del st.session_state[key]
    if key not in st.session_state:
        st.session_state[key] = shown(key, values[key])
    return key


def remember(key: str, value) -> None:
    """Copy a widget's value back to the persisted dict; a knob field that still shows the rounded persisted text
    keeps the persisted (exact) text."""
    values = p()
    if key in KNOB_KEYS and value == shown(key, values[key]):
        return
    values[key] = value


def widget(fn: Callable, label: str, key: str, *, valid: Callable[[Any], bool] | None = None, **kw):
    """Create a widget seeded from, and written back to, the persisted dict. Returns its value.

    ``label`` may change from run to run (it is translated): Streamlit identifies a keyed widget by its key, and
    ``keep_choices`` keeps a choice widget's value across a language switch. A choice widget (``options=``) keeps
    its choice when its option labels change with the data (``keep_labels``).
    """
    if "options" in kw:
        keep_labels(key, kw["options"], kw.get("format_func", str))
    bind_widget(key, valid)
    value = fn(label, key=key, **kw)
    remember(key, value)
    return value


def set_value(key: str, value) -> None:
    """Set a persisted value and its widget (call from callbacks or before the widget is created)."""
    p()[key] = value
    st.session_state[key] = shown(key, value)


# ---------------------------------------------------------------------------------------------------------
# The language switch keeps every selection (the choice widgets themselves: pages/common/choices.py; a page's
# own widgets: pages/common/page_widgets.py)


def keep_choices() -> None:
    """on_change of the language selector: write every choice widget's value into session state.

    The browser sends a choice widget's value back as its *formatted* option. After a switch that text is in the
    old language, matches none of the new labels, and Streamlit would reset the widget to its default. This
    callback runs before the rerun, while the previous run's labels still decode: the widgets start from the
    values put here and send the browser their labels in the new language.
    """
    for key in (*PARAMS, *st.session_state.get("_kept", ())):
        if key != "lang" and key in st.session_state:
            st.session_state[key] = st.session_state[key]
