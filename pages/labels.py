"""Labels view: which anchors become positive, negative or ignored, per level and per GT, and why a GT gets none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.assign.max_iou import ASSIGNER_PRESETS
from anchorviz.core.assign.labels import Label
from anchorviz.core.diagnose import GTMatch
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.label_layers import label_layers
from pages.common import cache, chart, gt_edit
from pages.common.page import open_page
from pages.common import state as S
from pages.common.assigner_text import assigner_desc
from pages.common.diagnose import fmt_wh, why_lines
from pages.common.i18n import t

MAX_RECTS = 2000  # positives drawn as rectangles up to this many, else as centres
CHART_KEY = "labels_chart"

setup, aset = open_page("labels")
cfg = setup.cfg
conv = cfg.conv
values = S.p()
names = [g.name for g in aset.levels]


# ---------------------------------------------------------------------------------------------------------
# Controls


def _on_asg_preset() -> None:
    name = st.session_state["asg_preset"]
    values["asg_preset"] = name
    if name in ASSIGNER_PRESETS:
        pos, neg, lq = ASSIGNER_PRESETS[name]
        S.set_value("pos", pos)
        S.set_value("neg", neg)
        S.set_value("lq", lq)


def _to_custom() -> None:
    for k in ("pos", "neg", "lq"):
        values[k] = st.session_state[k]
    name = values["asg_preset"]
    if name in ASSIGNER_PRESETS and ASSIGNER_PRESETS[name] != (values["pos"], values["neg"], values["lq"]):
        S.set_value("asg_preset", "custom")


c1, c2, c3 = st.columns([1.1, 2.6, 1.5])
with c1:
    asg = S.widget(st.radio, t("labels.assigner"), "asg", options=list(S.ASSIGNERS),
                   format_func=lambda a: t("labels.asg_" + a), help=t("labels.assigner_help"))
with c2:
    if asg == "maxiou":
        a1, a2 = st.columns([1.3, 1])
        with a1:
            S.widget(st.selectbox, t("labels.thr_preset"), "asg_preset", options=[*ASSIGNER_PRESETS, "custom"],
                     format_func=lambda v: t("labels.custom") if v == "custom" else v, on_change=_on_asg_preset)
        with a2:
            S.widget(st.toggle, t("labels.lq"), "lq", on_change=_to_custom,
                     help=t("labels.lq_help", conv=conv.title, rule=t("labels.lq_" + conv.low_quality)))
        b1, b2 = st.columns(2)
        with b1:
            pos = S.widget(st.slider, t("labels.pos"), "pos", min_value=0.0, max_value=1.0,
                           step=0.05, on_change=_to_custom, help=t("labels.pos_help"))
        with b2:
            neg = S.widget(st.slider, t("labels.neg", op="≤" if conv.neg_inclusive else "<"), "neg",
                           min_value=0.0, max_value=1.0, step=0.05, on_change=_to_custom, help=t("labels.neg_help"))
    elif asg == "yolov5":
        S.widget(st.number_input, "anchor_t", "anchor_t", min_value=1.01, max_value=100.0, step=0.5,
                 help=t("labels.anchor_t_help"))
    else:
        S.widget(st.number_input, "topk", "topk", min_value=1, max_value=100, step=1, help=t("labels.topk_help"))
with c3:
    show_opts = ["all", *names]
    l_show = S.widget(st.selectbox, t("labels.level"), "l_show", options=show_opts, valid=lambda v: v in show_opts,
                      format_func=lambda v: t("labels.all_levels") if v == "all" else v)
    if l_show != "all":
        gl = aset.levels[names.index(l_show)]
        shape_opts = [-1, *range(gl.num_shapes)]
        l_shape = S.widget(st.selectbox, t("labels.shape"), "l_shape", options=shape_opts,
                           valid=lambda v: v in shape_opts,
                           format_func=lambda k: t("labels.any_shape") if k < 0 else f"{k}: {fmt_wh(gl.shapes_wh[k])}")
    else:
        l_shape = -1

with st.expander(t("labels.minibatch"), expanded=bool(values["mb"]), key="mb_expander"):
    m1, m2, m3, m4, m5 = st.columns([1, 1, 1.2, 1, 1.2])
    with m1:
        mb = S.widget(st.toggle, t("labels.show_minibatch"), "mb")
    with m2:
        mb_bs = S.widget(st.number_input, "batch_size", "mb_bs", min_value=1, max_value=100_000, step=1,
                         help=t("labels.batch_size_help"))
    with m3:
        mb_pf = S.widget(st.slider, "positive_fraction", "mb_pf", min_value=0.0, max_value=1.0, step=0.05)
    with m4:
        mb_seed = S.widget(st.number_input, t("labels.seed"), "mb_seed", min_value=0, max_value=2**31 - 1, step=1,
                           help=t("labels.seed_help"))
    with m5:
        mb_rule = S.widget(st.selectbox, t("labels.sampler"), "mb_rule", options=list(S.SAMPLING_RULES),
                           help=t("labels.sampler_help"))
    if not conv.sampler:
        st.caption(t("labels.no_sampling", conv=conv.title))

# ---------------------------------------------------------------------------------------------------------
# Compute

key = cache.assignment_key(asg, values["pos"], values["neg"], values["lq"], values["anchor_t"], values["topk"])
try:
    res = cache.labels(cfg, setup.input_hw, setup.gt_key, key)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
lab = res.labels
n_gt = len(setup.gt_input)
sampled_pos = sampled_neg = np.zeros(0, np.int64)
if mb:
    try:
        sampled_pos, sampled_neg = cache.minibatch(cfg, setup.input_hw, setup.gt_key, key, int(mb_bs), float(mb_pf),
                                                   mb_rule, int(mb_seed))
    except AnchorVizInputError as e:
        st.error(str(e))

layers = label_layers(aset, lab, res.matched_gt, level=None if l_show == "all" else names.index(l_show),
                      shape=l_shape, sampled_pos=sampled_pos if mb else None, sampled_neg=sampled_neg if mb else None)

counts = {"positive": int((lab == Label.POSITIVE).sum()), "ignored": int((lab == Label.IGNORED).sum()),
          "negative": int((lab == Label.NEGATIVE).sum())}
desc = assigner_desc(values, conv.title)
title = t("labels.fig_title", desc=desc, pos=f"{counts['positive']:,}", ign=f"{counts['ignored']:,}",
          neg=f"{counts['negative']:,}", zero=len(res.zero), n=n_gt)
if res.lq_only:
    title += t("labels.fig_lq", k=len(res.lq_only))
if mb:
    title += t("labels.fig_minibatch", p=len(sampled_pos), n=len(sampled_neg))
if not n_gt:  # zero boxes are stated plainly (not as "0 of 0 GT without positives"), never as a success
    title = t("inputs.no_gt_title", desc=desc, pos=f"{counts['positive']:,}", ign=f"{counts['ignored']:,}",
              neg=f"{counts['negative']:,}")
    st.info(t("inputs.no_gt", image=setup.pic.name))

# ---------------------------------------------------------------------------------------------------------
# Figure

where = "" if l_show == "all" else t("labels.on_level", lv=l_show)
fig = viz.labels_figure(
    setup.bg_uri, layers, setup.gt_input, input_hw=setup.input_hw, title=title, gt_texts=setup.gt_texts,
    gt_colors=setup.gt_colors, max_rects=MAX_RECTS, pos_name=t("labels.gt_positives"),
    as_centres_name=t("labels.as_centres"), neg_name=t("labels.neg_name", where=where, n=f"{len(layers.neg_xy):,}"),
    ign_name=t("labels.ign_name", where=where, n=f"{len(layers.ign_xy):,}"),
    sampled_neg_name=t("labels.sampled_neg", n=len(layers.sampled_neg_xy)) if mb else None,
    sampled_pos_name=t("labels.sampled_pos", n=len(layers.sampled_pos_xy)) if mb else None)
chart.show(fig, key=CHART_KEY, select=("box",), config=chart.ZOOM)
notes = []
if len(layers.pos_idx) > MAX_RECTS:  # drawn as centres (labels_figure's rectangle budget)
    notes.append(t("labels.as_centres_note", n=f"{len(layers.pos_idx):,}", where=where, m=f"{MAX_RECTS:,}"))
notes.append(t("labels.caption"))
st.caption(" ".join(notes))

# ---------------------------------------------------------------------------------------------------------
# GTs without positives, and GTs positive only by the low-quality rule: never a success


def _why_lines(entries) -> str:
    return why_lines(entries, setup.gt_input, setup.pic.gt.label_names)


if res.zero:
    st.warning(t("labels.zero_warning", zero=len(res.zero), n=n_gt))
    zrows = []
    gts = setup.gt_input
    label_names = setup.pic.gt.label_names
    for z in res.zero:
        gwh = gts[z.gt, 2:] - gts[z.gt, :2]
        zrows.append({"GT": z.gt, t("labels.col_class"): label_names[z.gt], t("labels.col_size"): fmt_wh(gwh),
                      t("labels.col_best"): round(z.best_iou, 3) if np.isfinite(z.best_iou) else None,
                      t("labels.col_level"): z.level or "—",
                      t("labels.col_cell"): f"({z.cell_y}, {z.cell_x})" if z.anchor >= 0 else "—",
                      t("labels.col_anchor"): fmt_wh(z.shape_wh) if z.anchor >= 0 else "—"})
    st.markdown(_why_lines(res.zero))
    st.dataframe(pd.DataFrame(zrows), hide_index=True, width="stretch")
if res.lq_only:
    st.warning(t("labels.lq_warning", k=len(res.lq_only), n=n_gt, pos=f"{values['pos']:g}"))
    st.markdown(_why_lines(res.lq_only))
if n_gt and not res.zero and not res.lq_only:
    st.success(t("labels.all_have", n=n_gt))

# ---------------------------------------------------------------------------------------------------------
# Counts

left, right = st.columns([1, 1.3])
with left:
    st.markdown(f"**{t('labels.per_level')}**")
    c_level, c_pos, c_ign, c_neg = (t("labels.col_level"), t("labels.col_positive"), t("labels.col_ignored"),
                                    t("labels.col_negative"))
    c_spos, c_sneg = t("labels.col_sampled_pos"), t("labels.col_sampled_neg")
    c_weak = t("labels.col_weak", pos=f"{values['pos']:g}")
    rows = []
    for g in aset.levels:
        L = lab[g.start:g.stop]
        row = {c_level: g.name, c_pos: int((L == Label.POSITIVE).sum())}
        if asg == "maxiou":  # of those positives, the ones the low-quality rule made (IoU with their GT < pos_iou)
            row[c_weak] = int(res.weak[g.start:g.stop].sum())
        row.update({c_ign: int((L == Label.IGNORED).sum()), c_neg: int((L == Label.NEGATIVE).sum())})
        if mb:
            row[c_spos] = int(((sampled_pos >= g.start) & (sampled_pos < g.stop)).sum())
            row[c_sneg] = int(((sampled_neg >= g.start) & (sampled_neg < g.stop)).sum())
        rows.append(row)
    total = {c_level: t("labels.total"), c_pos: counts["positive"],
             **({c_weak: int(res.weak.sum())} if asg == "maxiou" else {}), c_ign: counts["ignored"],
             c_neg: counts["negative"]}
    if mb:
        total.update({c_spos: len(sampled_pos), c_sneg: len(sampled_neg)})
    rows.append(total)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
with right:
    st.markdown(f"**{t('labels.per_gt')}**")
    gts = setup.gt_input
    match_words = {GTMatch.NONE: t("labels.match_none"), GTMatch.LOW_QUALITY: t("labels.match_lq"),
                   GTMatch.THRESHOLD: t("labels.match_thr", pos=f"{values['pos']:g}") if asg == "maxiou"
                   else t("labels.match_rule")}
    per_gt = pd.DataFrame({
        "GT": np.arange(n_gt), t("labels.col_class"): list(setup.pic.gt.label_names),
        t("labels.col_wh"): [fmt_wh(b[2:] - b[:2]) for b in gts],
        t("labels.col_positives" if asg != "yolov5" else "labels.col_pairs"): res.positives_per_gt,
        t("labels.col_best"): np.round(res.gt_max_iou, 3),
        t("labels.col_match"): [match_words[int(k)] for k in res.kind],
    })
    st.dataframe(per_gt, hide_index=True, width="stretch", height=min(400, 38 + 35 * max(1, n_gt)))

with st.expander(t("inputs.gt_expander", n=len(setup.pic.gt)), key="gt_expander"):
    gt_edit.class_picker()
    gt_edit.gt_editor()
st.caption(t("labels.assignment", h=setup.input_hw[0], w=setup.input_hw[1], conv=conv.title, dtype=conv.iou.dtype,
             plus=t("labels.plus_one") if conv.iou.plus_one else "") + setup.plan.describe())
