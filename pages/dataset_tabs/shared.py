"""What the Dataset page's tabs share: the computed context, and putting another setup into the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS
from pages.common import state as S
from pages.common.i18n import t
from pages.common.setup_io import sidebar_values


@dataclass(frozen=True, eq=False)
class Context:
    """One run of the Dataset page: the dataset, the sidebar's setup and the fit settings of the Fit tab.

    Attributes:
        ds: the dataset after the train-time resize; ds_key: its cache key.
        cfg: the sidebar's anchor setup; assigner: the Labels page's assigner.
        max_images, iou_thr: the Fit tab's settings; anchor_t: YOLOv5's anchor_t from the Labels page.
    """

    ds: BoxDataset
    ds_key: tuple
    cfg: AnchorConfig
    assigner: AssignerSpec
    max_images: int
    iou_thr: float
    anchor_t: float


def pct(v: float) -> str:
    return f"{100 * v:.1f} %"


def use_in_app(which: str) -> None:
    """Button callback: put a tuned / imported / compared setup into the sidebar (runs before the script)."""
    values = S.p()
    new = st.session_state.get(which)
    if new is None:
        return
    cfg_new = new[1].config if which == "ds_tuned" else new
    try:
        vals = sidebar_values(cfg_new, preferred_preset=values["preset"])
    except AnchorVizInputError as e:
        st.session_state["ds_apply_msg"] = ("error", str(e))
        return
    old_conv = values["conv"]
    for key, v in vals.items():
        S.set_value(key, v)
    if vals["conv"] != old_conv:
        S.set_value("asg", "yolov5" if vals["conv"] == "yolov5" else
                    ("maxiou" if values["asg"] == "yolov5" else values["asg"]))
        S.set_value("mb_rule", CONVENTIONS[vals["conv"]].sampler or "torchvision")
    st.session_state["ds_apply_msg"] = ("success", t("ds.applied", preset=vals["preset"], lv=", ".join(vals["lv"])))


def show_apply_message() -> None:
    msg = st.session_state.pop("ds_apply_msg", None)
    if msg:
        getattr(st, msg[0])(msg[1])


def setup_choices(ds_key: tuple) -> dict[str, tuple[str, object]]:
    """id -> (label, AnchorConfig): the tuned and imported setups, then every library's presets."""
    out: dict[str, tuple[str, object]] = {}
    tuned = st.session_state.get("ds_tuned")
    if tuned is not None and tuned[0] == ds_key:
        out["tuned"] = (t("ds.setup_tuned"), tuned[1].config)
    if st.session_state.get("ds_imported") is not None:
        out["imported"] = (t("ds.setup_imported"), st.session_state["ds_imported"])
    for name, p in PRESETS.items():
        for c in p.conventions:
            out[f"preset:{c}:{name}"] = (f"{CONVENTIONS[c].title} · {name}", None)
    return out

