"""Predictions view: a simulated trained head (or uploaded predictions) decoded, thresholded by score and
reduced by NMS, with the count at each stage and the final boxes' IoU with their GT."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.predict import match_to_gt, postprocess
from anchorviz.io.predictions import parse_predictions
from pages.common import cache, chart, teach
from pages.common.page import open_page
from pages.common import state as S
from pages.common.i18n import t

CHART_KEY = "pred_chart"
MAX_CANDIDATE_RECTS = 2000  # boxes drawn before NMS at most (STACK.md §3)
MAX_UPLOAD_MB = 50

setup, aset = open_page("pred")
cfg = setup.cfg
conv = cfg.conv
values = S.p()
gts = setup.gt_input
n_gt = len(gts)
gt_classes = tuple(int(c) for c in setup.pic.gt.labels) if n_gt else ()

# ---------------------------------------------------------------------------------------------------------
# Controls

c1, c2, c3, c4 = st.columns([1.1, 1.6, 1.3, 1.3])
with c1:
    src = S.page_widget(st.radio, t("pred.source"), "pred_src", default="sim", options=["sim", "upload"],
                        format_func=lambda s: t("pred.src_" + s), valid=lambda v: v in ("sim", "upload"))
with c2:
    spec = teach.coder_picker(conv, "pred_coder")
    if src == "sim":
        s1, s2 = st.columns([2, 1])
        with s1:
            sigma = S.page_widget(st.slider, t("pred.sigma"), "pred_sigma", default=0.1, min_value=0.0,
                                  max_value=1.0, step=0.05, help=t("pred.sigma_help"))
        with s2:
            seed = S.page_widget(st.number_input, t("pred.seed"), "pred_seed", default=0, min_value=0,
                                 max_value=2**31 - 1, step=1)
with c3:
    score_thr = S.page_widget(st.slider, t("pred.score"), "pred_score", default=0.05, min_value=0.0, max_value=1.0,
                              step=0.05, help=t("pred.score_help"))
with c4:
    nms_thr = S.page_widget(st.slider, t("pred.nms"), "pred_nms", default=0.5, min_value=0.0, max_value=1.0,
                            step=0.05, help=t("pred.nms_help"))

# ---------------------------------------------------------------------------------------------------------
# The head output: simulated, or the last good upload

key = cache.assignment_key(values["asg"], values["pos"], values["neg"], values["lq"], values["anchor_t"],
                           values["topk"])
head, head_desc = None, ""
if src == "sim":
    head = teach.simulated_head(cfg, setup.input_hw, setup.gt_key, gt_classes, key, spec.name, float(sigma),
                                int(seed))
    head_desc = t("pred.desc_sim", sigma=f"{sigma:g}", seed=int(seed))
else:
    up = st.file_uploader(t("pred.upload"), type=["json"], key="pred_upload", help=t("pred.upload_help"),
                          max_upload_size=MAX_UPLOAD_MB)
    st.caption(t("pred.upload_formats", n=f"{len(aset):,}"))
    good = st.session_state.get("pred_good")  # (anchor count, HeadOutput, description)
    if up is not None:
        data = up.getvalue()
        digest = hashlib.sha1(data).hexdigest()
        if st.session_state.get("pred_digest") != (digest, len(aset)):
            try:
                parsed = parse_predictions(data, num_anchors=len(aset), name=up.name)
            except AnchorVizInputError as e:
                st.session_state["pred_digest"] = (digest, len(aset))
                st.session_state["pred_error"] = str(e)
            else:
                st.session_state["pred_digest"] = (digest, len(aset))
                st.session_state["pred_error"] = None
                good = (len(aset), parsed, up.name)
                st.session_state["pred_good"] = good
        if st.session_state.get("pred_error"):
            st.error(st.session_state["pred_error"])
            if good is not None:
                st.info(t("pred.keeping_last", name=good[2]))
    if good is not None and good[0] == len(aset):
        head, head_desc = good[1], t("pred.desc_upload", name=good[2])
    elif good is not None:
        st.warning(t("pred.upload_stale", n=good[0], m=len(aset)))
    if head is None:
        st.info(t("pred.upload_first"))
        st.stop()

if head.deltas is not None and spec is None:
    st.error(t("pred.no_coder"))
    st.stop()
classes_present = len(np.unique(head.classes)) > 1
with c4:
    class_aware = S.page_widget(st.toggle, t("pred.class_aware"), "pred_cls", default=True,
                                disabled=not classes_present, help=t("pred.class_aware_help"))

# ---------------------------------------------------------------------------------------------------------
# Decode -> threshold -> NMS

# the simulated head's boxes are decoded once per head (teach.decoded_head), not at every threshold step
decoded = (teach.decoded_head(cfg, setup.input_hw, setup.gt_key, gt_classes, key, spec.name, float(sigma), int(seed))
           if src == "sim" else head)
try:
    det = postprocess(aset.boxes, decoded, spec, score_threshold=float(score_thr), nms_threshold=float(nms_thr),
                      class_aware=bool(class_aware), nms_rule=conv.nms_rule)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
gt_idx, ious = match_to_gt(det.boxes, gts) if n_gt else (np.full(len(det.boxes), -1), np.zeros(len(det.boxes)))
counts = det.counts

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("pred.n_before"), f"{counts['before threshold']:,}")
m2.metric(t("pred.n_after_thr", thr=f"{score_thr:g}"), f"{counts['after threshold']:,}")
m3.metric(t("pred.n_after_nms", thr=f"{nms_thr:g}"), f"{counts['after NMS']:,}")
found = int(len(np.unique(gt_idx[(gt_idx >= 0) & (ious >= 0.5)]))) if n_gt else 0
m4.metric(t("pred.gt_found"), f"{found} / {n_gt}")

cand = det.decoded[det.candidates]
cand_drawn = cand[:MAX_CANDIDATE_RECTS]
if len(det.boxes):
    colors = [setup.gt_colors[int(g)] if (g >= 0 and iou > 0) else "#ffffff" for g, iou in zip(gt_idx, ious)]
    hover = [t("pred.hover", score=f"{s:.3f}", cls=int(c), gt=int(g), iou=f"{iou:.3f}", a=int(a))
             for s, c, g, iou, a in zip(det.scores, det.classes, gt_idx, ious, det.source)]
else:
    colors, hover = [], []
title = t("pred.fig_title", desc=head_desc, n0=counts["before threshold"], n1=counts["after threshold"],
          thr=f"{score_thr:g}", n2=counts["after NMS"], nms=f"{nms_thr:g}")
fig = viz.predictions_figure(
    setup.bg_uri, input_hw=setup.input_hw, title=title, candidates=cand_drawn, final=det.boxes,
    final_colors=colors, final_hover=hover, gt_boxes=gts, gt_texts=setup.gt_texts, gt_colors=setup.gt_colors,
    names=(t("pred.cand_name", n=len(cand_drawn)), t("pred.final_name", n=len(det.boxes))))
chart.show(fig, key=CHART_KEY, config=chart.ZOOM)
notes = [t("pred.caption")]
if len(cand) > MAX_CANDIDATE_RECTS:
    notes.append(t("pred.over_budget", n=f"{len(cand):,}", m=f"{MAX_CANDIDATE_RECTS:,}"))
st.caption(" ".join(notes))

# ---------------------------------------------------------------------------------------------------------
# Final boxes

st.markdown(f"**{t('pred.table_head')}**")
if len(det.boxes):
    names = setup.pic.gt.class_names
    rows = pd.DataFrame({
        t("pred.col_score"): det.scores,
        t("pred.col_class"): [names[c] if 0 <= c < len(names) else str(c) for c in det.classes],
        "x1, y1, x2, y2": [", ".join(f"{v:.1f}" for v in b) for b in det.boxes],
        t("pred.col_gt"): [setup.gt_texts[g] if g >= 0 else "—" for g in gt_idx],
        t("pred.col_iou"): ious,
        t("pred.col_anchor"): det.source,
    })
    three = st.column_config.NumberColumn(format="%.3f")  # one width for every row: 1.000 and 0.950, not 1 and 0.95
    st.dataframe(rows, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(rows)),
                 column_config={t("pred.col_score"): three, t("pred.col_iou"): three})
else:
    st.info(t("pred.none_left"))

if src == "sim":
    top = np.argsort(-head.scores)[:500]
    example = {"anchor_index": top.tolist(), "deltas": np.round(head.deltas[top], 4).tolist(),
               "scores": np.round(head.scores[top], 4).tolist(), "classes": head.classes[top].tolist()}
    st.download_button(t("pred.download"), json.dumps(example), file_name="predictions.json",
                       mime="application/json", help=t("pred.download_help"), key="pred_download")
