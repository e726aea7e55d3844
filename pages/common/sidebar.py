"""The shared sidebar: input (image, boxes, train-time resize) and the anchor setup, rendered once per run.

``render`` returns a ``Setup`` that the pages read: the last good AnchorConfig, the resize plan, the
picture and its GT mapped to the network input. A bad knob value shows an error naming the knob and the
value, and the previous good setup stays in use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import streamlit as st

from anchorviz import viz
from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, presets_for
from anchorviz.core.resize import ResizePlan, ResizeSpec, resize_boxes
from anchorviz.io.samples import ASSETS_DIR
from pages.common.i18n import LANGS, t
from pages.common import cache, inputs
from anchorviz.core.knobs.parse import build_config, remap_knobs
from anchorviz.core.knobs.table import KNOBS, default_knobs, default_level_names, level_choices
from pages.common import knobs as K
from pages.common import state as S

@dataclass(frozen=True, eq=False)
class Setup:
    """Everything the pages need from the sidebar.

    Attributes:
        cfg: the last good anchor setup.
        pic: the picture (photo pixels).
        spec: the train-time resize.
        plan: photo -> network input.
        bg_uri: JPEG data URI of the network input.
        gt_input: float64 (M, 4) GT boxes in network-input pixels.
        gt_key: the same as a hashable tuple (cache key).
        gt_texts, gt_colors: one label and colour per GT.
    """

    cfg: AnchorConfig
    pic: inputs.Picture
    spec: ResizeSpec
    plan: ResizePlan
    bg_uri: str
    gt_input: np.ndarray
    gt_key: tuple
    gt_texts: list
    gt_colors: list

    @property
    def input_hw(self) -> tuple[int, int]:
        return self.plan.input_hw


def current() -> Setup:
    return st.session_state["_setup"]


# ---------------------------------------------------------------------------------------------------------
# Callbacks (run before the script, so they may set other widgets' values)


def _reset_for_preset(values: dict) -> None:
    S.setup_defaults(values)
    values.update(K.preset_resize(values["preset"]))
    for key in ["lv", "off", *S.KNOB_KEYS, *K.preset_resize(values["preset"])]:
        S.set_value(key, values[key])
    values["cell"], values["shape"], values["show"], values["l_show"], values["cmp_lv"] = "", -1, "picked", "all", ""


def _on_conv() -> None:
    values = S.p()
    conv = values["conv"] = st.session_state["conv"]
    options = presets_for(conv)
    if values["preset"] not in options:
        values["preset"] = S.DEFAULT_PRESET if S.DEFAULT_PRESET in options else options[0]
    st.session_state["preset"] = values["preset"]
    _reset_for_preset(values)
    values["asg"] = "yolov5" if conv == "yolov5" else ("maxiou" if values["asg"] == "yolov5" else values["asg"])
    values["mb_rule"] = CONVENTIONS[conv].sampler or "torchvision"


def _on_preset() -> None:
    values = S.p()
    values["preset"] = st.session_state["preset"]
    _reset_for_preset(values)


def _on_levels() -> None:
    values = S.p()
    choices = level_choices(values["preset"], values["conv"])
    new = [n for n in choices if n in (st.session_state["lv"] or [])]
    old = values["lv"]
    values["lv"] = new
    if new:
        knobs = remap_knobs(values["conv"], values["preset"], old or new, new, {k: values[k] for k in S.KNOB_KEYS})
        for k in S.KNOB_KEYS:
            S.set_value(k, knobs.get(k, ""))


# ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def attributions() -> dict[str, tuple[str, str, str]]:
    """file name -> (credit, licence, source) from assets/README.md's table."""
    out = {}
    try:
        text = (ASSETS_DIR / "README.md").read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        m = re.match(r"\|\s*`([^`]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|([^|]*)\|", line)
        if m:
            out[m.group(1)] = (m.group(4).strip(), m.group(5).strip(), m.group(3).strip())
    return out


def _resize_ui() -> tuple[ResizeSpec | None, str | None]:
    values = S.p()
    mode = S.widget(st.selectbox, t("sidebar.resize"), "rs", options=list(S.RESIZE_MODES),
                    format_func=lambda m: t("sidebar.rs_" + m), help=t("sidebar.resize_help"))
    num = dict(step=1, format="%d")
    if mode == "shorter_side":
        c1, c2 = st.columns(2)
        with c1:
            S.widget(st.number_input, "min_size", "rs_min", min_value=1, max_value=4096, **num,
                     help=t("sidebar.min_size_help"))
        with c2:
            S.widget(st.number_input, "max_size", "rs_max", min_value=1, max_value=8192, **num,
                     help=t("sidebar.max_size_help"))
    elif mode == "letterbox":
        S.widget(st.number_input, "img_size", "rs_lb", min_value=32, max_value=4096, **num,
                 help=t("sidebar.img_size_help"))
    elif mode == "custom":
        c1, c2 = st.columns(2)
        with c1:
            S.widget(st.number_input, t("sidebar.height"), "rs_h", min_value=1, max_value=8192, **num)
        with c2:
            S.widget(st.number_input, t("sidebar.width"), "rs_w", min_value=1, max_value=8192, **num)
        S.widget(st.checkbox, "keep_ratio", "rs_keep", help=t("sidebar.keep_ratio_help"))
    if mode != "letterbox":
        S.widget(st.number_input, "size_divisor", "rs_div", min_value=1, max_value=256, **num,
                 help=t("sidebar.size_divisor_help"))
    try:
        spec = ResizeSpec(mode=mode, min_size=int(values["rs_min"]), max_size=int(values["rs_max"]),
                          letterbox_size=int(values["rs_lb"]), custom_hw=(int(values["rs_h"]), int(values["rs_w"])),
                          keep_ratio=bool(values["rs_keep"]), size_divisor=int(values["rs_div"]))
    except AnchorVizInputError as e:
        return None, t("sidebar.resize_error", e=e)
    return spec, None


def _setup_ui() -> tuple[AnchorConfig | None, str | None]:
    values = S.p()
    conv = S.widget(st.selectbox, t("sidebar.conv"), "conv", options=list(CONVENTIONS),
                    format_func=lambda c: CONVENTIONS[c].title, on_change=_on_conv, help=t("sidebar.conv_help"))
    c = CONVENTIONS[conv]
    st.caption(t("conventions.help_" + conv))
    options = presets_for(conv)
    preset = S.widget(st.selectbox, t("sidebar.preset"), "preset", options=options, valid=lambda v: v in options,
                      on_change=_on_preset, help=t("sidebar.preset_help", note=PRESETS[values["preset"]].note))
    choices = level_choices(preset, conv)
    S.widget(st.pills, t("sidebar.levels"), "lv", options=choices, selection_mode="multi", on_change=_on_levels,
             valid=lambda v: isinstance(v, list) and all(n in choices for n in v), help=t("sidebar.levels_help"))
    values["lv"] = [n for n in choices if n in values["lv"]]
    knob_values = {}
    knobs = KNOBS[conv]
    octave = conv in ("mmdet", "mmdet_v1")
    for knob in knobs:
        if knob.key in ("octave_base_scale", "scales_per_octave"):
            continue
        if octave and knob.key == "scales":
            c1, c2 = st.columns(2)
            with c1:
                S.widget(st.text_input, "octave_base_scale", "octave_base_scale", help=K.help_text(knobs[2]))
            with c2:
                S.widget(st.text_input, "scales_per_octave", "scales_per_octave", help=K.help_text(knobs[3]))
            disabled = bool(values["octave_base_scale"].strip())
            S.widget(st.text_input, knob.label, knob.key, help=K.help_text(knob), disabled=disabled,
                     placeholder=t("sidebar.from_octave") if disabled else t("sidebar.example_scales"))
            continue
        S.widget(st.text_input, knob.label, knob.key, help=K.help_text(knob))
    for k in S.KNOB_KEYS:
        knob_values[k] = values[k]
    fixed = conv == "mmdet_ssd"
    label = c.offset_knob or t("sidebar.offset")
    note = (t("sidebar.offset_name", name=c.offset_knob) if c.offset_knob else
            t("sidebar.offset_none", conv=c.title, off=f"{c.default_offset:g}"))
    S.widget(st.slider, label, "off", min_value=0.0, max_value=1.0, step=0.05, disabled=fixed,
             help=t("sidebar.offset_help", note=t("sidebar.offset_ssd") if fixed else note))
    if not fixed and not c.offset_knob and abs(values["off"] - c.default_offset) > 1e-9:
        st.caption(t("sidebar.offset_what_if", conv=c.title, off=f"{c.default_offset:g}"))
    offset = None if (fixed or abs(values["off"] - c.default_offset) < 1e-12) else float(values["off"])
    try:
        cfg = build_config(conv, preset, values["lv"], knob_values, offset)
    except AnchorVizInputError as e:
        return None, K.message(e)
    return cfg, None


def render() -> Setup:
    """Draw the sidebar and return the setup the pages use."""
    messages: list[tuple[str, str]] = []
    inputs.ensure_picture()
    with st.sidebar:
        S.widget(st.selectbox, t("common.language"), "lang", options=list(LANGS), format_func=LANGS.get,
                 on_change=S.keep_choices)
        st.subheader(t("common.image_and_boxes"))
        for msg in inputs.input_ui():
            messages.append(("error", msg))
        pic = inputs.current()
        if pic.source == "upload":
            st.info(t("sidebar.upload_no_link", sample=S.PARAMS["sample"].default))
        else:
            credit = attributions().get(pic.name)
            if credit:
                st.caption(t("sidebar.credit", name=pic.name, credit=credit[0], licence=credit[1], source=credit[2]))
        spec, err = _resize_ui()
        if err:
            messages.append(("error", err))
        st.subheader(t("common.anchor_setup"))
        cfg, err = _setup_ui()
        if err:
            messages.append(("error", err))
    if spec is None:
        spec = st.session_state.get("_good_spec", ResizeSpec(mode="shorter_side"))
    else:
        st.session_state["_good_spec"] = spec
    if cfg is None:
        cfg = st.session_state.get("_good_cfg")
        if cfg is not None:
            messages.append(("info", t("sidebar.previous_setup")))
    else:
        st.session_state["_good_cfg"] = cfg
    if cfg is None:  # cannot happen with valid defaults; keep the app usable anyway
        cfg = build_config(S.DEFAULT_CONV, S.DEFAULT_PRESET, default_level_names(S.DEFAULT_PRESET, S.DEFAULT_CONV),
                           default_knobs(S.DEFAULT_CONV, S.DEFAULT_PRESET,
                                         default_level_names(S.DEFAULT_PRESET, S.DEFAULT_CONV)), None)
    try:
        plan, bg_uri = cache.network_input(pic.token, pic.image, spec)
    except AnchorVizInputError as e:
        messages.append(("error", t("sidebar.resize_error", e=e)))
        spec = ResizeSpec(mode="none", size_divisor=1)
        plan, bg_uri = cache.network_input(pic.token, pic.image, spec)
    gt_input = resize_boxes(pic.gt.boxes, plan) if len(pic.gt) else np.zeros((0, 4))
    texts = [f"{i}: {n}" for i, n in enumerate(pic.gt.label_names)]
    colors = [viz.gt_color(i) for i in range(len(pic.gt))]
    setup = Setup(cfg=cfg, pic=pic, spec=spec, plan=plan, bg_uri=bg_uri, gt_input=gt_input,
                  gt_key=tuple(map(tuple, gt_input.tolist())), gt_texts=texts, gt_colors=colors)
    st.session_state["_setup"] = setup
    st.session_state["_messages"] = messages
    # The link follows the sidebar (language, image, setup) even when the page then calls st.stop(): after a stop,
    # app.py's final write_url() cannot change the URL any more.
    S.write_url()
    return setup


def show_messages() -> None:
    """Errors and notes from the sidebar and the link, at the top of the page."""
    warnings = S.url_warnings()
    if warnings:
        st.warning(t("sidebar.url_warnings", items="; ".join(warnings)))
        st.session_state["_url_warnings"] = []
    if st.session_state.pop("_upload_link", False):
        st.info(t("sidebar.upload_link", sample=S.PARAMS["sample"].default))
    for kind, msg in st.session_state.get("_messages", []):
        getattr(st, kind)(msg)
    err = st.session_state.pop("_event_error", None)
    if err:
        st.error(err)
