"""Assigners view: the current setup's anchor rule beside a modern point assigner (FCOS, TAL, SimOTA, RTMDet) on
the same image, positives per GT in both, one GT's candidates with their cost, and what training progress moves."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anchorviz import viz
from anchorviz.core.assigner_layers import gt_candidates, label_differences
from anchorviz.core.assigners.registry import POINT_RULES
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.points import POINT_LIBRARIES
from pages.common import assign_cache as AC
from pages.common import assign_ui as AU
from pages.common import cache, chart
from pages.common import state as S
from pages.common.assigner_text import assigner_desc
from pages.common.diagnose import fmt_wh
from pages.common.i18n import t
from pages.common.page import open_page

CHART_KEY = "pa_chart"
CAND_KEY = "pa_cand_chart"
TAL_SETTINGS, FAMILIES, FAMILY = AU.TAL_SETTINGS, AU.FAMILIES, AU.FAMILY
YOLO_STRIDES = (8.0, 16.0, 32.0)
MIN_STRIDE = 4.0

setup, aset = open_page("assigners")
cfg = setup.cfg
values = S.p()
gts = setup.gt_input
n_gt = len(gts)
gt_labels = tuple(int(c) for c in setup.pic.gt.labels)
label_names = list(setup.pic.gt.label_names)
num_classes = max(len(setup.pic.gt.class_names), max(gt_labels, default=-1) + 1, 1)
input_hw = setup.input_hw


# ---------------------------------------------------------------------------------------------------------
# Controls


def _level_stride(spec, grid_level) -> float:
    """A level's stride for points: the configured one, or what a fixed feature-map size implies (d2l)."""
    if spec.feature_hw is not None:
        return float(grid_level.stride_hw[1])
    s = spec.stride
    return float(s[0] if isinstance(s, tuple) else s)


# strides below MIN_STRIDE (d2l's every-pixel level) have no point detector and would make ~1 point per pixel
stride_opts = list(dict.fromkeys(f"{v:g}" for v in (_level_stride(sp, gl) for sp, gl in zip(cfg.levels, aset.levels))
                                 if v >= MIN_STRIDE))
if not stride_opts:
    st.caption(t("assigners.no_strides", st=" / ".join(f"{v:g}" for v in YOLO_STRIDES)))
    stride_opts = [f"{v:g}" for v in YOLO_STRIDES]
default_strides = [s for s in stride_opts if float(s) in YOLO_STRIDES] or stride_opts[:3]
if not values["pa_st"] or any(s not in stride_opts for s in values["pa_st"]):
    S.set_value("pa_st", default_strides)


def _on_strides() -> None:
    if not st.session_state["pa_st"]:  # at least one level: back to the default
        st.session_state["pa_st"] = default_strides


def _on_click() -> None:
    """A click on a GT's centre or on one of its positives picks that GT."""
    try:
        points = st.session_state[CHART_KEY]["selection"]["points"]
    except (KeyError, TypeError):
        return
    for pt in points:
        cd = pt.get("customdata")
        if isinstance(cd, (int, float)) and 0 <= int(cd) < n_gt:
            S.set_value("pa_gt", int(cd))
            return


c1, c2, c3 = st.columns([1.4, 1.3, 1.3])
with c1:
    rule = S.widget(st.selectbox, t("assigners.rule"), "pa_rule", options=list(POINT_RULES),
                    format_func=lambda k: t("assigners.rule_" + k), help=t("assigners.rule_help"))
family = FAMILY[rule]
with c2:
    if family == "tal":
        S.widget(st.selectbox, t("assigners.tal_settings"), "pa_tal", options=list(TAL_SETTINGS),
                 format_func=lambda v: t("assigners.tal_" + v), help=t("assigners.tal_help"))
    elif rule == "fcos_mmdet":
        S.widget(st.toggle, t("assigners.centre_sampling"), "pa_cs", help=t("assigners.centre_sampling_help"))
cmp_opts = ["none", *[r for r in FAMILIES[family] if r != rule], *[r for r in POINT_RULES if FAMILY[r] != family]]
if values["pa_cmp"] not in cmp_opts:
    S.set_value("pa_cmp", "none")
with c3:
    cmp_rule = S.widget(st.selectbox, t("assigners.compare"), "pa_cmp", options=cmp_opts,
                        valid=lambda v: v in cmp_opts, help=t("assigners.compare_help"),
                        format_func=lambda k: t("assigners.compare_none") if k == "none" else t("assigners.rule_" + k))
d0, d1, d2, d3 = st.columns([1.5, 1.2, 2.2, 0.9])
with d0:
    S.widget(st.pills, t("assigners.levels"), "pa_st", options=stride_opts, selection_mode="multi",
             on_change=_on_strides, help=t("assigners.levels_help"),
             valid=lambda v: isinstance(v, list) and all(s in stride_opts for s in v))
strides = tuple(float(s) for s in (values["pa_st"] or default_strides))
with d1:
    src = S.widget(st.radio, t("assigners.source"), "pa_src", options=["sim", "upload"],
                   format_func=lambda s: t("assigners.src_" + s))
with d2:
    progress = float(S.widget(st.slider, t("assigners.progress"), "pa_prog", min_value=0.0, max_value=1.0, step=0.05,
                              disabled=src == "upload", help=t("assigners.progress_help")))
with d3:
    seed = int(S.widget(st.number_input, t("assigners.seed"), "pa_seed", min_value=0, max_value=2**31 - 1, step=1,
                        disabled=src == "upload", help=t("assigners.seed_help")))


def options_for(r: str) -> tuple:
    if FAMILY[r] == "tal":
        return tuple(sorted(TAL_SETTINGS[values["pa_tal"]].items()))
    if r == "fcos_mmdet":
        return (("center_sampling", bool(values["pa_cs"])),)
    return ()


# ---------------------------------------------------------------------------------------------------------
# Predictions (simulated, or the last good upload) and the assignments

setup_desc = t("assigners.setup_desc", h=input_hw[0], w=input_hw[1], st=" / ".join(f"{s:g}" for s in strides))
try:
    grid = AC.grid(rule, input_hw, strides)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
uploaded, up_name, up_digest = None, None, None
if src == "upload":
    uploaded, up_name, up_digest = AU.uploaded_predictions(len(grid), setup_desc, np.asarray(gt_labels, np.int64))


def predictions_for(r: str):
    """(cache key, predictions) of rule ``r``: none for geometric rules, the upload, or the simulated head."""
    if not POINT_RULES[r].uses_predictions:
        return ("none",), None
    if uploaded is not None:
        return ("upload", up_digest), uploaded
    return ("sim", progress, seed), AC.simulated(POINT_RULES[r].library, input_hw, strides, setup.gt_key, gt_labels,
                                                 num_classes, progress, seed)


def run(r: str):
    pkey, pred = predictions_for(r)
    args = (r, input_hw, strides, setup.gt_key, gt_labels, num_classes, options_for(r), pkey, pred)
    return AC.assignment(*args), AC.right_panel(*args)


anchor_key = cache.assignment_key(values["asg"], values["pos"], values["neg"], values["lq"], values["anchor_t"],
                                  values["topk"])
try:
    right_asg, right = run(rule)
    cmp_asg, cmp_panel = run(cmp_rule) if cmp_rule != "none" else (None, None)
    left = AC.left_panel(cfg, input_hw, setup.gt_key, anchor_key)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()

# ---------------------------------------------------------------------------------------------------------
# The two panels

conv = cfg.conv
asg_id = values["asg"]
anchor_name = assigner_desc(values, conv.title)
rule_name = t("assigners.rule_" + rule)
src_desc = (t("assigners.src_desc_upload", name=up_name) if uploaded is not None else
            t("assigners.src_desc_sim", p=f"{progress:.2f}", seed=seed))
zero_right, zero_left = right.without_positive, left.without_positive
title = t("assigners.fig_title", rule=rule_name, src=src_desc, pos=f"{len(right.pos_xy):,}", zero=len(zero_right),
          n=n_gt)


def gt_word(g: int) -> str:
    return t("assigners.background") if g < 0 else t("assigners.gt_word", i=int(g))


diff_xy = diff_hover = None
if cmp_asg is not None:
    idx, ga, gb = label_differences(right_asg, cmp_asg)
    diff_xy = grid.points[idx]
    cmp_name = t("assigners.rule_" + cmp_rule)
    diff_hover = [t("assigners.diff_hover", this=rule_name, a=gt_word(a), other=cmp_name, b=gt_word(b))
                  for a, b in zip(ga.tolist(), gb.tolist())]
fig = viz.assigners_figure(
    setup.bg_uri, input_hw=input_hw, left=left, right=right, gt_boxes=gts, title=title,
    left_title=t("assigners.left_title", rule=anchor_name, pos=f"{len(left.pos_xy):,}", zero=len(zero_left)),
    right_title=t("assigners.right_title", rule=rule_name, pos=f"{len(right.pos_xy):,}", zero=len(zero_right)),
    gt_texts=setup.gt_texts, gt_colors=setup.gt_colors, diff_xy=diff_xy, diff_hover=diff_hover,
    diff_name=t("assigners.diff_name", other=t("assigners.rule_" + cmp_rule), n=len(diff_xy)) if diff_xy is not None
    else "", pos_name=t("assigners.pos_name"), pos_hover=t("assigners.pos_hover"), as_dots_name=t("assigners.as_dots"),
    neg_name=t("assigners.neg_name"), ign_name=t("assigners.ign_name"), flag_text=t("assigners.flag_text"),
    flag_name=t("assigners.flag_name"), target_title=t("assigners.target_title"),
    gt_click_name=t("assigners.gt_click"), gt_hover=t("assigners.gt_hover"))
chart.show(fig, key=CHART_KEY, select=("points",), on_select=_on_click, config=chart.ZOOM)
st.caption(t("assigners.caption") + " " + t("assigners.left_from_labels"))

# Why the right panel moves (or not) with training progress, and what the last move changed
if POINT_RULES[rule].uses_predictions:
    st.markdown(t("assigners.why_dynamic", rule=rule_name, what=t("assigners.what_" + family)))
else:
    st.markdown(t("assigners.why_static", rule=rule_name))
context = (rule, strides, setup.gt_key, options_for(rule), anchor_key, input_hw, up_digest)
prev = st.session_state.get("pa_prev")
if prev is not None and prev[0] == context and (prev[1], prev[2]) != (progress, seed) and uploaded is None:
    anchors_now = dict(zip(left.pos_index.tolist(), left.pos_gt.tolist()))
    moved = t("assigners.moved", p0=f"{prev[1]:.2f}", p1=f"{progress:.2f}", s0=prev[2], s1=seed,
              n=int((prev[3] != right_asg.matched_gt).sum()), a=len(set(prev[4].items()) ^ set(anchors_now.items())))
    st.session_state["pa_moved"] = (context, progress, seed, moved)
st.session_state["pa_prev"] = (context, progress, seed, right_asg.matched_gt,
                               dict(zip(left.pos_index.tolist(), left.pos_gt.tolist())))
kept = st.session_state.get("pa_moved")
if kept is not None and kept[:3] == (context, progress, seed):
    st.info(kept[3])

# ---------------------------------------------------------------------------------------------------------
# Positives per GT

st.markdown(f"**{t('assigners.per_gt')}**")
if not n_gt:
    st.info(t("assigners.no_gt"))
else:
    # the anchor rule's GTs positive only by its low-quality rule: counted apart, never a success (issue 16)
    lq_gts = frozenset(z.gt for z in cache.labels(cfg, input_hw, setup.gt_key, anchor_key).lq_only)
    lq_left = len(lq_gts)
    if len(zero_right) or len(zero_left):
        st.warning(t("assigners.zero_warning", zp=len(zero_right), n=n_gt, rule=rule_name, za=len(zero_left),
                     arule=anchor_name))
    if lq_left:
        st.warning(t("assigners.lq_left", k=lq_left, n=n_gt, arule=anchor_name, pos=f"{values['pos']:g}"))
    if not (len(zero_right) or len(zero_left) or lq_left):
        st.success(t("assigners.all_have", n=n_gt))
    table = AU.per_gt_table(gt_boxes=gts, class_names=label_names, left=left, right=right, right_asg=right_asg,
                            left_pairs=asg_id == "yolov5",
                            compare=(t("assigners.rule_" + cmp_rule), cmp_panel) if cmp_panel is not None else None,
                            k_kind="topk" if family == "tal" else "dynamic", left_low_quality=lq_gts)
    st.dataframe(table, hide_index=True, width="stretch", height=min(420, 38 + 35 * n_gt))

# ---------------------------------------------------------------------------------------------------------
# One GT's candidates

if n_gt:
    st.markdown(f"**{t('assigners.cand_head')}**")
    gt_opts = list(range(n_gt))
    if values["pa_gt"] not in gt_opts:  # default: the first GT the point rule leaves without a positive
        S.set_value("pa_gt", int(zero_right[0]) if len(zero_right) else 0)
    gt = S.widget(st.selectbox, t("assigners.cand_gt"), "pa_gt", options=gt_opts, valid=lambda v: v in gt_opts,
                  format_func=lambda i: t("assigners.cand_gt_option", i=i, cls=label_names[i],
                                          wh=fmt_wh(gts[i, 2:] - gts[i, :2])), help=t("assigners.cand_gt_help"))
    gc = gt_candidates(grid, right_asg, gts, int(gt), geometric=family == "fcos")
    if gc.dynamic_k is None:
        k_text = t("assigners.cand_k_none")
    else:
        k_text = t("assigners.cand_k_topk" if family == "tal" else "assigners.cand_k_dynamic", k=gc.dynamic_k)
    cand_title = t("assigners.cand_title", gt=gt, rule=rule_name, n=gc.num_candidates, k=k_text, w=len(gc.won_xy),
                   l=len(gc.lost_xy))
    kind = "allowed" if family == "fcos" else gc.kind
    view = (int(np.floor(gc.view[0])), int(np.floor(gc.view[1])), int(np.ceil(gc.view[2])), int(np.ceil(gc.view[3])))
    crop = AC.crop(setup.pic.token, setup.pic.image, setup.spec, view)
    fig_c = viz.gt_candidates_figure(
        gc, gt_box=gts[gt], gt_color=setup.gt_colors[gt], crop=crop, binary=family == "fcos", title=cand_title,
        level_titles=[t("assigners.level_title", s=f"{lv.stride:g}") for lv in grid.levels],
        value_title=t("assigners.value_" + kind), value_hover=t("assigners.value_hover_" + kind),
        allowed_title=t("assigners.value_allowed"),
        penalised_name=t("assigners.not_allowed" if family == "fcos" else "assigners.penalised"),
        penalised_hover=t("assigners.not_allowed_hover" if family == "fcos" else "assigners.penalised_hover"),
        won_name=t("assigners.won"), lost_name=t("assigners.lost"), points_name=t("assigners.points_name"),
        lost_colors=[setup.gt_colors[w] if w >= 0 else "#ffffff" for w in gc.lost_to.tolist()],
        lost_hover=[t("assigners.lost_to", gt=gt, w=w) if w >= 0 else t("assigners.lost_bg", gt=gt)
                    for w in gc.lost_to.tolist()])
    chart.show(fig_c, key=CAND_KEY, config=chart.ZOOM)
    st.caption(t("assigners.cand_caption_" + family))
    if right_asg.ties is not None and len(right_asg.ties) and bool(right_asg.ties[gt]):
        st.caption(t("assigners.ties", gt=gt))

# ---------------------------------------------------------------------------------------------------------
# Where the libraries disagree

st.markdown(f"**{t('assigners.diff_head')}**")
shown = {family} | ({FAMILY[cmp_rule]} if cmp_rule != "none" else set())
if "simota" in shown:
    st.caption(t("assigners.simota_table"))
    st.dataframe(AU.simota_table(), hide_index=True, width="content")
if "tal" in shown:
    st.caption(t("assigners.diff_tal"))
if "fcos" in shown:
    st.caption(t("assigners.diff_fcos"))
if cmp_rule != "none":
    off = {r: POINT_LIBRARIES[POINT_RULES[r].library][0] for r in (rule, cmp_rule)}
    if off[rule] != off[cmp_rule]:
        st.caption(t("assigners.diff_cells", a=rule_name, b=t("assigners.rule_" + cmp_rule),
                     pa=t("assigners.corners" if off[rule] == 0 else "assigners.centres"),
                     pb=t("assigners.corners" if off[cmp_rule] == 0 else "assigners.centres")))

# ---------------------------------------------------------------------------------------------------------
# The predictions file: its format, and this scene's simulated predictions as an example

example = AC.simulated(POINT_RULES[rule].library, input_hw, strides, setup.gt_key, gt_labels, num_classes, progress,
                       seed)
AU.format_help(len(grid), setup_desc, num_classes, example)
