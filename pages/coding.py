"""Encode / decode explorer: the regression targets of one GT relative to one anchor, as the chosen library's
box coder computes them (formulas filled in with the numbers), and four delta sliders that decode live to a
box over the image, with the clamps that bite and the encode -> decode round trip."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.assign.labels import Label
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.explain import explain_decode, explain_encode
from anchorviz.core.iou.pairwise import pairwise_iou
from pages.common import cache, chart, teach
from pages.common.page import open_page
from pages.common import state as S
from pages.common.diagnose import fmt_wh
from pages.common.i18n import t

CHART_KEY = "coding_chart"
DELTAS = ("dx", "dy", "dw", "dh")
SLIDER_LIM = 5.0
NUMBER_LIM = 50.0

setup, aset = open_page("coding")
cfg = setup.cfg
conv = cfg.conv
values = S.p()
names = [g.name for g in aset.levels]
gts = setup.gt_input
n_gt = len(gts)


def show_latex(line: str) -> None:
    """st.latex, with long lines broken so they fit the column: at ",\\ " lists, else before each " = "."""
    if r",\ " in line and line.split(" = ")[0] in ("a_w", "g_w"):  # the box geometry: one quantity per row
        st.latex(r"\begin{gathered}" + r" \\ ".join(line.split(r",\ ")) + r"\end{gathered}")
    elif len(line) > 95 and " = " in line:
        parts = line.split(" = ")
        st.latex(r"\begin{aligned}" + parts[0] + " &= " + r" \\ &= ".join(parts[1:]) + r"\end{aligned}")
    else:
        st.latex(line)


def _parse_box(text: str, what: str) -> np.ndarray:
    try:
        v = np.array([float(s) for s in text.replace(";", ",").split(",") if s.strip()], np.float64)
    except ValueError:
        raise AnchorVizInputError(t("coding.bad_box", what=what, text=text)) from None
    if v.shape != (4,) or not np.isfinite(v).all() or v[2] <= v[0] or v[3] <= v[1]:
        raise AnchorVizInputError(t("coding.bad_box", what=what, text=text))
    return v


# ---------------------------------------------------------------------------------------------------------
# Controls: GT, anchor, coder

MODES = ("best", "grid", "custom")
st.session_state.setdefault("cd_mode", "best" if n_gt else "custom")
if n_gt == 0 and st.session_state["cd_mode"] != "custom":
    st.session_state["cd_mode"] = "custom"
c1, c2, c3 = st.columns([1.2, 1.6, 1.4])
with c1:
    mode = st.radio(t("coding.anchor_mode"), MODES, key=S.keep("cd_mode"), format_func=lambda m: t("coding.mode_" + m),
                    disabled=n_gt == 0)
with c3:
    spec = teach.coder_picker(conv, "cd_coder")

best_note = ""
with c2:
    if mode == "custom":
        st.session_state.setdefault("cd_anchor_txt", "0, 0, 10, 10")
        st.session_state.setdefault("cd_gt_txt", "1, 2, 11, 12")
        a_txt = st.text_input(t("coding.anchor_box"), key="cd_anchor_txt", help=t("coding.box_help"))
        g_txt = st.text_input(t("coding.gt_box"), key="cd_gt_txt", help=t("coding.box_help"))
        try:
            anchor, gt_box = _parse_box(a_txt, t("coding.anchor_box")), _parse_box(g_txt, t("coding.gt_box"))
        except AnchorVizInputError as e:
            st.error(str(e))
            st.stop()
        gt_i, a_idx = -1, -1
        gt_label = t("coding.custom_gt")
    else:
        S.keep_labels("cd_gt", range(n_gt), lambda i: setup.gt_texts[i])  # a box upload renames the GTs
        if st.session_state.get("cd_gt") not in range(n_gt):
            st.session_state["cd_gt"] = 0
        gt_i = st.selectbox(t("coding.gt"), list(range(n_gt)), key=S.keep("cd_gt"),
                            format_func=lambda i: setup.gt_texts[i])
        gt_box = gts[gt_i]
        gt_label = setup.gt_texts[gt_i]
        if mode == "best":
            v = teach.iou_values(cfg, setup.input_hw, setup.gt_key, gt_i)
            key = cache.assignment_key(values["asg"], values["pos"], values["neg"], values["lq"], values["anchor_t"],
                                       values["topk"])
            res = cache.labels(cfg, setup.input_hw, setup.gt_key, key)
            pos_idx = np.flatnonzero((res.labels == Label.POSITIVE) & (res.matched_gt == gt_i))
            if len(pos_idx):
                a_idx = int(pos_idx[np.argmax(v[pos_idx])])
                best_note = t("coding.best_positive", n=len(pos_idx), iou=f"{float(v[a_idx]):.3f}")
            else:
                a_idx = int(np.argmax(v))
                best_note = t("coding.best_not_positive", iou=f"{float(v[a_idx]):.3f}")
        else:
            g1, g2, g3, g4 = st.columns(4)
            if st.session_state.get("cd_lv") not in names:
                st.session_state["cd_lv"] = names[0]
            with g1:
                lv = st.selectbox(t("coding.level"), names, key=S.keep("cd_lv"))
            gl = aset.levels[names.index(lv)]
            fh, fw = gl.feat_hw
            for k_, hi in (("cd_y", fh - 1), ("cd_x", fw - 1), ("cd_shape", gl.num_shapes - 1)):
                st.session_state[k_] = int(min(max(st.session_state.get(k_, hi // 2), 0), hi))
            with g2:
                cy = st.number_input(t("coding.row"), 0, fh - 1, step=1, key="cd_y")
            with g3:
                cx = st.number_input(t("coding.col"), 0, fw - 1, step=1, key="cd_x")
            with g4:
                ks = st.selectbox(t("coding.shape"), list(range(gl.num_shapes)), key=S.keep("cd_shape"),
                                  format_func=lambda s: f"{s}: {fmt_wh(gl.shapes_wh[s])}")
            a_idx = int(aset.at_cell(names.index(lv), int(cy), int(cx))[ks])
        anchor = np.asarray(aset.boxes[a_idx], np.float64)
if a_idx >= 0:
    st.caption(t("coding.anchor_is", lv=names[int(aset.level[a_idx])], y=int(aset.cell_y[a_idx]),
                 x=int(aset.cell_x[a_idx]), k=int(aset.shape[a_idx]),
                 wh=fmt_wh(anchor[2:] - anchor[:2])) + (" " + best_note if best_note else ""))

# ---------------------------------------------------------------------------------------------------------
# Encode

enc = explain_encode(anchor, gt_box, spec)
targets = enc.values.astype(np.float64)

# deltas: reset to the true targets whenever the GT, the anchor or the coder changes
sig = (spec.name, tuple(np.round(anchor, 6)), tuple(np.round(gt_box, 6)))
if st.session_state.get("cd_sig") != sig or st.session_state.pop("cd_reset", False):
    st.session_state["cd_sig"] = sig
    for n, v in zip(DELTAS, targets):
        st.session_state["cd_" + n] = float(np.clip(round(float(v), 4), -NUMBER_LIM, NUMBER_LIM))
for n in DELTAS:  # both widgets show the one true value
    val = float(st.session_state["cd_" + n])
    st.session_state["cd_" + n + "_s"] = float(np.clip(round(val, 2), -SLIDER_LIM, SLIDER_LIM))
    st.session_state["cd_" + n + "_n"] = val


def _from_slider(n: str) -> None:
    st.session_state["cd_" + n] = float(st.session_state["cd_" + n + "_s"])


def _from_number(n: str) -> None:
    st.session_state["cd_" + n] = float(st.session_state["cd_" + n + "_n"])


def _reset() -> None:
    st.session_state["cd_reset"] = True


left, right = st.columns([1, 1.25])
with left:
    st.markdown(f"**{t('coding.encode_head', gt=gt_label)}**")
    st.caption(spec.describe)
    for line in enc.latex:
        show_latex(line)
    st.markdown(t("coding.targets", v=", ".join(f"{x:.4f}" for x in targets)))

    st.markdown(f"**{t('coding.deltas_head')}**")
    st.caption(t("coding.deltas_help", lim=f"{SLIDER_LIM:g}", big=f"{NUMBER_LIM:g}"))
    for n in DELTAS:
        s1, s2 = st.columns([3, 1.2])
        with s1:
            st.slider(n, -SLIDER_LIM, SLIDER_LIM, step=0.01, key="cd_" + n + "_s",
                      on_change=_from_slider, args=(n,))
        with s2:
            st.number_input(t("coding.exact", n=n), -NUMBER_LIM, NUMBER_LIM, step=0.1, format="%.4f",
                            key="cd_" + n + "_n", on_change=_from_number, args=(n,), label_visibility="visible")
    st.button(t("coding.reset"), on_click=_reset, help=t("coding.reset_help"), key="cd_reset_button")

deltas = np.array([st.session_state["cd_" + n] for n in DELTAS], np.float64)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    with np.errstate(all="ignore"):
        dec = explain_decode(anchor, deltas, spec)
box = dec.values.astype(np.float64)
finite = bool(np.isfinite(box).all())

with right:
    iou_gt = float(pairwise_iou(box[None], gt_box[None])[0, 0]) if finite and box[2] >= box[0] and box[3] >= box[1] else 0.0
    title = t("coding.fig_title", d=", ".join(f"{x:.2f}" for x in deltas),
              box=", ".join(f"{x:.1f}" for x in box) if finite else "—", iou=f"{iou_gt:.3f}")
    H, W = setup.input_hw
    pts = np.stack([anchor, gt_box] + ([box] if finite else []))
    lo = np.maximum(pts[:, :2].min(0), [-0.5 * W, -0.5 * H])
    hi = np.minimum(pts[:, 2:].max(0), [1.5 * W, 1.5 * H])
    span = max(hi[0] - lo[0], hi[1] - lo[1], 24.0)
    m = 0.25 * span
    view = (lo[0] - m, lo[1] - m, hi[0] + m, hi[1] + m)
    fig = viz.coding_figure(setup.bg_uri, input_hw=setup.input_hw, title=title, anchor=anchor,
                            gt=gt_box, decoded=box if finite else None, view=view,
                            names=(t("coding.anchor"), t("coding.gt_name"), t("coding.decoded")),
                            gt_color=setup.gt_colors[gt_i] if gt_i >= 0 else viz.gt_color(0))
    chart.show(fig, key=CHART_KEY, config=chart.ZOOM)

    st.markdown(f"**{t('coding.decode_head')}**")
    for line in dec.latex:
        show_latex(line)
    side = t(teach.CLAMP_SIDES_TEXT[spec.clamp_sides])
    if dec.clamped:
        for name, (before, after) in dec.clamped.items():
            st.warning(t("coding.clamped", name=name, before=f"{before:.4f}", after=f"{after:.4f}"))
        st.info(t("coding.clamp_note", side=side))
    else:
        st.caption(t("coding.clamp_rule", side=side,
                     c=f"{spec.dwh_clamp:.4f}" if spec.dwh_clamp is not None else "—"))
    if not finite:
        st.error(t("coding.not_finite"))

# ---------------------------------------------------------------------------------------------------------
# Round trip

st.markdown(f"**{t('coding.round_trip_head')}**")
back = teach.round_trip(anchor, gt_box, spec)
err = float(np.abs(back - gt_box).max())
st.dataframe(pd.DataFrame({
    "": ["GT", "decode(encode(GT))", "|Δ|"],
    **{c: [f"{gt_box[i]:.4f}", f"{back[i]:.4f}", f"{abs(back[i] - gt_box[i]):.1e}"]
       for i, c in enumerate(("x1", "y1", "x2", "y2"))},
}), hide_index=True)
st.caption(t("coding.round_trip", err=f"{err:.1e}", dtype=spec.dtype))
