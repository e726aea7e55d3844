"""The Loss page's loss controls: the library's loss kinds, alpha, gamma, beta (keras: sigma) and the loss weights.

Defaults come from the preset's ``LossSpec``. The values live in the shared URL dict with ``loss_for``, the
LOSS_SPECS key they belong to: a link reproduces them, and a new library or preset (another key) puts the new
head's defaults back. The number inputs have no bounds of their own, because what is valid depends on the library
(alpha < 0 switches the weighting off in torchvision and detectron2 only; mmdet's beta must be > 0):
``LossSpec.with_overrides`` checks them, and a bad value shows its message while the loss keeps the last valid
values (only those reach the URL).
"""

from __future__ import annotations

import streamlit as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.loss import LossSpec
from pages.common import state as S
from pages.common.i18n import t

NUMBERS = ("loss_alpha", "loss_gamma", "loss_beta", "loss_sigma", "loss_lc", "loss_lb")


def cls_options(base: LossSpec) -> list[str]:
    """The classification losses this head can be switched to (``LossSpec.with_overrides`` names)."""
    if base.cls_loss == "softmax_ce":
        return ["softmax_ce"]
    if base.cls_loss == "focal_keras":
        return ["focal"]
    return ["focal", "bce"]


def cls_choice(spec: LossSpec) -> str:
    return "focal" if spec.is_focal else spec.cls_loss


def _defaults(base: LossSpec) -> dict:
    return {"loss_cls": cls_choice(base), "loss_box": base.box_loss, "loss_alpha": base.alpha,
            "loss_gamma": base.gamma, "loss_beta": base.beta, "loss_sigma": base.sigma or 3.0,
            "loss_lc": base.lambda_cls, "loss_lb": base.lambda_box}


def follow_preset(base: LossSpec) -> None:
    """Put the head's defaults into the controls when the values belong to another head (call before them)."""
    values = S.p()
    if values.get("loss_for") == base.key:
        return
    for key, value in _defaults(base).items():
        S.set_value(key, value)
    values["loss_for"] = base.key


def _overrides(cls: str, box: str, v: dict, base: LossSpec) -> dict:
    """with_overrides arguments for the shown controls' values ``v``."""
    kw = {"cls_loss": cls, "box_loss": box, "lambda_cls": v["loss_lc"], "lambda_box": v["loss_lb"]}
    if cls == "focal":
        kw.update(alpha=v["loss_alpha"], gamma=v["loss_gamma"])
    if box == "smooth_l1" and base.smooth_l1_form == "keras":
        kw["sigma"] = v["loss_sigma"]
    elif box == "smooth_l1":
        kw["beta"] = v["loss_beta"]
    return kw


def _number(label: str, key: str, *, step: float, help: str) -> float:
    S.bind_widget(key)
    return st.number_input(label, key=key, step=step, format="%g", help=help)


def loss_controls(base: LossSpec) -> tuple[LossSpec, str | None]:
    """Draw the loss controls; return the spec to use and the error of a bad value (None when all are valid)."""
    follow_preset(base)
    values = S.p()
    opts, boxes = cls_options(base), list(base.box_losses)
    c1, c2, c3 = st.columns([1.2, 1.2, 1.6])
    with c1:
        cls = S.widget(st.selectbox, t("loss.cls_kind"), "loss_cls", options=opts, valid=lambda v: v in opts,
                       format_func=lambda v: t("loss.cls_" + v), help=t("loss.cls_kind_help"))
        box = S.widget(st.selectbox, t("loss.box_kind"), "loss_box", options=boxes, valid=lambda v: v in boxes,
                       format_func=lambda v: t("loss.box_" + v), help=t("loss.box_kind_help"))
    shown = {}
    with c2:
        if cls == "focal":
            a1, a2 = st.columns(2)
            with a1:
                shown["loss_alpha"] = _number("α", "loss_alpha", step=0.05, help=t(
                    "loss.alpha_help_off" if base.alpha_may_disable else "loss.alpha_help"))
            with a2:
                shown["loss_gamma"] = _number("γ", "loss_gamma", step=0.5, help=t("loss.gamma_help"))
        if box == "smooth_l1":
            if base.smooth_l1_form == "keras":
                shown["loss_sigma"] = _number("σ", "loss_sigma", step=0.5, help=t("loss.sigma_help"))
            else:
                shown["loss_beta"] = _number("β", "loss_beta", step=0.01, help=t(
                    "loss.beta_help_mmdet" if base.library == "mmdet" else "loss.beta_help"))
    with c3:
        l1, l2 = st.columns(2)
        with l1:
            shown["loss_lc"] = _number("λ_cls", "loss_lc", step=0.5, help=t("loss.lambda_help"))
        with l2:
            shown["loss_lb"] = _number("λ_box", "loss_lb", step=0.5, help=t("loss.lambda_help"))
    asked = {k: shown.get(k, values[k]) for k in NUMBERS}
    try:
        spec = base.with_overrides(**_overrides(cls, box, asked, base))
    except AnchorVizInputError as e:
        try:
            spec = base.with_overrides(**_overrides(cls, box, values, base))
        except AnchorVizInputError:  # the last values came from a bad link: the head's defaults
            spec = base
        return spec, str(e)
    values.update(asked)
    return spec, None
