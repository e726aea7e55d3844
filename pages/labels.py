"""Labels view: which anchors become positive, negative or ignored, per level and per GT, and why a GT gets none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.assign import ASSIGNER_PRESETS, Label
from anchorviz.errors import AnchorVizInputError
from pages.common import cache, inputs, plots
from pages.common.page import open_page
from pages.common import state as S
from pages.common.diagnose import fmt_wh

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


LQ_RULES = {
    "argmax": "every anchor tied for a GT's best IoU becomes positive, matched to its own best GT",
    "gt_all": "every anchor tied for a GT's best IoU (≥ min_pos_iou) goes to that GT; later GTs overwrite",
    "greedy": "d2l forces one anchor per GT, greedily by IoU",
    "none": "this library has no low-quality matching",
}

c1, c2, c3 = st.columns([1.1, 2.6, 1.5])
with c1:
    asg = S.widget(st.radio, "Assigner", "asg", options=list(S.ASSIGNERS), format_func=S.ASSIGNERS.get,
                   help="Max IoU: torchvision/mmdet/detectron2/keras-retinanet/d2l. YOLOv5: shape matching "
                        "(build_targets). ATSS: adaptive IoU threshold per GT (mmdet ATSSAssigner).")
with c2:
    if asg == "maxiou":
        a1, a2 = st.columns([1.3, 1])
        with a1:
            S.widget(st.selectbox, "Thresholds preset", "asg_preset", options=[*ASSIGNER_PRESETS, "custom"],
                     on_change=_on_asg_preset)
        with a2:
            S.widget(st.toggle, "low-quality matching", "lq", on_change=_to_custom,
                     help=f"{conv.title}: {LQ_RULES[conv.low_quality]}.")
        b1, b2 = st.columns(2)
        with b1:
            pos = S.widget(st.slider, "pos_iou (positive if max IoU ≥)", "pos", min_value=0.0, max_value=1.0,
                           step=0.05, on_change=_to_custom, help="torchvision high_threshold / mmdet pos_iou_thr.")
        with b2:
            neg = S.widget(st.slider, f"neg_iou (negative if max IoU {'≤' if conv.neg_inclusive else '<'})", "neg",
                           min_value=0.0, max_value=1.0, step=0.05, on_change=_to_custom,
                           help="torchvision low_threshold / mmdet neg_iou_thr. Between the two: ignored.")
    elif asg == "yolov5":
        S.widget(st.number_input, "anchor_t", "anchor_t", min_value=1.01, max_value=100.0, step=0.5,
                 help="hyp.anchor_t: a GT matches an anchor shape when max(r, 1/r) < anchor_t for w and h.")
    else:
        S.widget(st.number_input, "topk", "topk", min_value=1, max_value=100, step=1,
                 help="ATSS candidates per level: the topk anchors nearest the GT centre.")
with c3:
    show_opts = ["all", *names]
    l_show = S.widget(st.selectbox, "Level", "l_show", options=show_opts, valid=lambda v: v in show_opts,
                      format_func=lambda v: "all levels" if v == "all" else v)
    if l_show != "all":
        gl = aset.levels[names.index(l_show)]
        shape_opts = [-1, *range(gl.num_shapes)]
        l_shape = S.widget(st.selectbox, "Shape", "l_shape", options=shape_opts, valid=lambda v: v in shape_opts,
                           format_func=lambda k: "any (per location)" if k < 0 else f"{k}: {fmt_wh(gl.shapes_wh[k])}")
    else:
        l_shape = -1

with st.expander("Sampled minibatch overlay", expanded=bool(values["mb"])):
    m1, m2, m3, m4, m5 = st.columns([1, 1, 1.2, 1, 1.2])
    with m1:
        mb = S.widget(st.toggle, "show minibatch", "mb")
    with m2:
        mb_bs = S.widget(st.number_input, "batch_size", "mb_bs", min_value=1, max_value=100_000, step=1,
                         help="Anchors per image (RPN 256).")
    with m3:
        mb_pf = S.widget(st.slider, "positive_fraction", "mb_pf", min_value=0.0, max_value=1.0, step=0.05)
    with m4:
        mb_seed = S.widget(st.number_input, "seed", "mb_seed", min_value=0, max_value=2**31 - 1, step=1,
                           help="torch.manual_seed value; the same seed draws the same anchors as the library.")
    with m5:
        mb_rule = S.widget(st.selectbox, "sampler", "mb_rule", options=list(S.SAMPLING_RULES),
                           help="torchvision BalancedPositiveNegativeSampler, detectron2 subsample_labels, "
                                "mmdet RandomSampler.")
    if not conv.sampler:
        st.caption(f"{conv.title} trains this head without sampling (every labelled anchor counts); the overlay "
                   "shows what a sampler would pick.")

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

draw_levels = range(len(names)) if l_show == "all" else [names.index(l_show)]
centres = aset.centres()
neg_xy, ign_xy, pos_idx = [], [], []
for k in draw_levels:
    g = aset.levels[k]
    L = lab[g.start:g.stop].reshape(-1, g.num_shapes)
    if l_shape >= 0:
        L = L[:, l_shape:l_shape + 1]
        cxy = centres[g.start + l_shape:g.stop:g.num_shapes]
    else:
        cxy = centres[g.start:g.stop:g.num_shapes]
    has_pos = (L == Label.POSITIVE).any(axis=1)
    has_ign = (L == Label.IGNORED).any(axis=1) & ~has_pos
    neg_xy.append(cxy[~has_pos & ~has_ign])
    ign_xy.append(cxy[has_ign])
    rows, cols = np.nonzero(L == Label.POSITIVE)
    shape_of = cols if l_shape < 0 else np.full(len(cols), l_shape)
    pos_idx.append(g.start + rows * g.num_shapes + shape_of)
neg_xy = np.concatenate(neg_xy) if neg_xy else np.zeros((0, 2))
ign_xy = np.concatenate(ign_xy) if ign_xy else np.zeros((0, 2))
pos_idx = np.concatenate(pos_idx).astype(np.int64) if pos_idx else np.zeros(0, np.int64)

counts = {"positive": int((lab == Label.POSITIVE).sum()), "ignored": int((lab == Label.IGNORED).sum()),
          "negative": int((lab == Label.NEGATIVE).sum())}
if asg == "maxiou":
    desc = (f"Max IoU {values['pos']:g}/{values['neg']:g}, low-quality {'on' if values['lq'] else 'off'} "
            f"({conv.title})")
elif asg == "yolov5":
    desc = f"YOLOv5 anchor_t {values['anchor_t']:g}"
else:
    desc = f"ATSS top-{values['topk']}"
title = (f"{desc}: {counts['positive']:,} positive · {counts['ignored']:,} ignored · {counts['negative']:,} negative"
         f" · {len(res.zero)} of {n_gt} GT without positives")
if mb:
    title += f" · minibatch {len(sampled_pos)}+{len(sampled_neg)}"

# ---------------------------------------------------------------------------------------------------------
# Figure

fig = plots.image_figure(setup.bg_uri, setup.input_hw, title, height=720)
where = "" if l_show == "all" else f" on {l_show}"
layers = [(neg_xy, (210, 210, 210, 170), 1), (ign_xy, (255, 145, 0, 255), 3)]
pos_gt = res.matched_gt[pos_idx]
as_rects = len(pos_idx) <= MAX_RECTS
for gi in np.unique(pos_gt):
    sel_idx = pos_idx[pos_gt == gi]
    name = f"GT {gi} positives ({len(sel_idx):,})"
    if as_rects:
        plots.add_rects(fig, aset.boxes[sel_idx], name=name, color=plots.gt_color(int(gi)), width=1.5, gl=False)
    else:  # too many rectangles: their centres join the dot layer
        layers.append((centres[sel_idx], plots.rgba(plots.gt_color(int(gi))), 2))
        plots.add_legend_key(fig, name=name + " · centres", color=plots.gt_color(int(gi)))
fig.add_layout_image(plots.dots_layer(layers, setup.input_hw))
plots.add_legend_key(fig, name=f"negative locations{where} ({len(neg_xy):,})", color=plots.NEG_COLOR, size=5)
plots.add_legend_key(fig, name=f"ignored, no positive{where} ({len(ign_xy):,})", color=plots.IGN_COLOR)
if mb:
    drawn = set(int(i) for i in draw_levels)
    on_lv = lambda idx: idx[np.isin(aset.level[idx], list(drawn))]  # noqa: E731
    sp, sn = on_lv(sampled_pos), on_lv(sampled_neg)
    plots.add_points(fig, centres[sn], name=f"sampled negatives ({len(sn)})", color=plots.SAMPLE_NEG_COLOR, size=7,
                     symbol="diamond", gl=False)
    plots.add_points(fig, centres[sp], name=f"sampled positives ({len(sp)})", color=plots.SAMPLE_POS_COLOR, size=9,
                     symbol="star", gl=False)
plots.add_gt(fig, setup.gt_input, setup.gt_texts, setup.gt_colors)
st.plotly_chart(fig, key=CHART_KEY, on_select="rerun", selection_mode=("box",),
                config={"displaylogo": False, "scrollZoom": True})
notes = []
if not as_rects:
    notes.append(f"{len(pos_idx):,} positives{where}: more than {MAX_RECTS:,}, so they are drawn as centres.")
notes.append("Positives are rectangles in their GT's colour; a location (dot) is orange when one of its anchors is "
             "ignored and none is positive, grey when all are negative (the dots are one image layer, so they "
             "have no hover). Drag in Box Select mode to add a GT.")
st.caption(" ".join(notes))

# ---------------------------------------------------------------------------------------------------------
# Zero-positive GTs

if res.zero:
    st.warning(f"**{len(res.zero)} of {n_gt} GT boxes get no positive anchor** — they will be learned as "
               "background. Why, for each:")
    lines = []
    zrows = []
    gts = setup.gt_input
    label_names = setup.pic.gt.label_names
    for z in res.zero:
        gwh = gts[z.gt, 2:] - gts[z.gt, :2]
        lines.append(f"- **GT {z.gt}** ({label_names[z.gt]}, {fmt_wh(gwh)} px): {z.why}")
        zrows.append({"GT": z.gt, "class": label_names[z.gt], "size (w×h)": fmt_wh(gwh),
                      "best IoU": round(z.best_iou, 3) if np.isfinite(z.best_iou) else None,
                      "level": z.level or "—", "cell (y, x)": f"({z.cell_y}, {z.cell_x})" if z.anchor >= 0 else "—",
                      "anchor w×h": fmt_wh(z.shape_wh) if z.anchor >= 0 else "—"})
    st.markdown("\n".join(lines))
    st.dataframe(pd.DataFrame(zrows), hide_index=True, width="stretch")
elif n_gt:
    st.success(f"Every one of the {n_gt} GT boxes has at least one positive anchor.")

# ---------------------------------------------------------------------------------------------------------
# Counts

left, right = st.columns([1, 1.3])
with left:
    st.markdown("**Per level**")
    rows = []
    for g in aset.levels:
        L = lab[g.start:g.stop]
        row = {"level": g.name, "positive": int((L == Label.POSITIVE).sum()),
               "ignored": int((L == Label.IGNORED).sum()), "negative": int((L == Label.NEGATIVE).sum())}
        if mb:
            row["sampled +"] = int(((sampled_pos >= g.start) & (sampled_pos < g.stop)).sum())
            row["sampled −"] = int(((sampled_neg >= g.start) & (sampled_neg < g.stop)).sum())
        rows.append(row)
    total = {"level": "total", **counts}
    if mb:
        total.update({"sampled +": len(sampled_pos), "sampled −": len(sampled_neg)})
    rows.append(total)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
with right:
    st.markdown("**Per GT**")
    gts = setup.gt_input
    per_gt = pd.DataFrame({
        "GT": np.arange(n_gt), "class": list(setup.pic.gt.label_names),
        "w×h (input px)": [fmt_wh(b[2:] - b[:2]) for b in gts],
        "positives" if asg != "yolov5" else "positive pairs": res.positives_per_gt,
        "best IoU": np.round(res.gt_max_iou, 3),
    })
    st.dataframe(per_gt, hide_index=True, width="stretch", height=min(400, 38 + 35 * max(1, n_gt)))

with st.expander(f"Ground truth: {len(setup.pic.gt)} boxes (edit, add, delete, download)"):
    inputs.class_picker()
    inputs.gt_editor()
st.caption(f"Assignment on the {setup.input_hw[0]}×{setup.input_hw[1]} network input with {conv.title}'s IoU "
           f"({conv.iou.dtype}{', +1 pixel widths' if conv.iou.plus_one else ''}) and rules. "
           + setup.plan.describe())
