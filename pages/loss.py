"""Loss view: what the chosen library's training loss sees in this image -- each anchor's part of the
classification and box terms, the ignored and not-sampled anchors that count for nothing, the minibatch, the
positives / hard / easy negatives breakdown at gamma and at gamma = 0, the per-GT box loss, and the formulas with
the library's exact normaliser.

Compute: pages/loss_parts/compute.py (cached); controls, hover texts, tables and formulas: pages/loss_parts/.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
import streamlit as st

from anchorviz import viz
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.loss import LOSS_SPECS, loss_head_from_predictions, loss_spec_for_preset
from anchorviz.core.loss.specs import PRESET_HEADS
from anchorviz.core.loss_layers import loss_layers
from anchorviz.io.predictions import parse_predictions
from pages.common import cache, chart
from pages.common import state as S
from pages.common.assigner_text import assigner_desc
from pages.common.diagnose import why_lines
from pages.common.i18n import t
from pages.common.page import open_page
from pages.loss_parts import compute, formulas, tables
from pages.loss_parts.controls import loss_controls
from pages.loss_parts.hover import hover_texts

CHART_KEY = "loss_chart"
MAX_UPLOAD_MB = 50
TOP_K = 300  # locations with a hover
MAX_DOWNLOAD_VALUES = 5_000_000  # anchors x columns written into a downloaded head at most (about 100 MB of JSON)
MAX_PRED_BOXES = 30  # predicted boxes drawn (box term): the positives with the most box loss

setup, aset = open_page("loss")
cfg = setup.cfg
conv = cfg.conv
values = S.p()
class_names = tuple(setup.pic.gt.class_names)
num_classes = max(1, len(class_names))
gt_classes = tuple(int(c) for c in setup.pic.gt.labels)

try:
    base = loss_spec_for_preset(values["preset"], cfg.convention)
except AnchorVizInputError:
    covered = sorted({f"{p} ({s.title})" for p, h in PRESET_HEADS.items() for s in LOSS_SPECS.values()
                      if s.head == h})
    st.info(t("loss.no_rule", preset=values["preset"], conv=conv.title, covered="; ".join(covered)))
    st.stop()

# ---------------------------------------------------------------------------------------------------------
# Controls

r1, r2, r3, r4 = st.columns([1.1, 1.3, 1.6, 1.0])
with r1:
    src = st.radio(t("loss.source"), ["sim", "upload"], key=S.keep("loss_src"), format_func=lambda s: t("loss.src_" + s))
with r2:
    asg_src = S.widget(st.radio, t("loss.asg"), "loss_asg", options=["head", "labels"],
                       format_func=lambda s: t("loss.asg_" + s), help=t("loss.asg_help"))
with r3:
    if src == "sim":
        progress = S.widget(st.slider, t("loss.progress"), "loss_prog", min_value=0.0, max_value=1.0, step=0.05,
                            help=t("loss.progress_help"))
with r4:
    seed = S.widget(st.number_input, t("loss.seed"), "loss_seed", min_value=0, max_value=2**31 - 1, step=1,
                    help=t("loss.seed_help"))
spec, bad_value = loss_controls(base)
if bad_value:
    st.error(t("loss.bad_value", e=bad_value))

if asg_src == "head":
    key = compute.head_matcher_key(base)
    st.caption(t("loss.asg_head_desc", spec=base.title, name=compute.HEAD_MATCHERS[base.head]))
else:
    key = cache.assignment_key(values["asg"], values["pos"], values["neg"], values["lq"], values["anchor_t"],
                               values["topk"])
    st.caption(t("loss.asg_labels_desc", desc=assigner_desc(values, conv.title)))

# ---------------------------------------------------------------------------------------------------------
# The head (simulated, or the last good upload) and the loss

run = (cfg, setup.input_hw, setup.gt_key, gt_classes, key, spec, num_classes)
try:
    if src == "sim":
        view = compute.simulated(*run, float(progress), int(seed))
        head_desc = t("loss.desc_sim", p=f"{progress:.2f}", seed=int(seed))
    else:
        up = st.file_uploader(t("loss.upload"), type=["json"], key="loss_upload", help=t("loss.upload_help"),
                              max_upload_size=MAX_UPLOAD_MB)
        st.caption(t("loss.upload_formats", n=f"{len(aset):,}"))
        good = st.session_state.get("loss_good")  # (anchor count, HeadOutput, name, digest)
        if up is not None:
            data = up.getvalue()
            digest = hashlib.sha1(data).hexdigest()
            if st.session_state.get("loss_digest") != (digest, len(aset), spec.key):
                st.session_state["loss_digest"] = (digest, len(aset), spec.key)
                try:  # a file becomes the good one only if this head can read it
                    pred = parse_predictions(data, num_anchors=len(aset), name=up.name)
                    loss_head_from_predictions(pred, spec, num_classes, name=up.name)
                    good = (len(aset), pred, up.name, digest)
                    st.session_state["loss_good"], st.session_state["loss_up_error"] = good, None
                except AnchorVizInputError as e:
                    st.session_state["loss_up_error"] = str(e)
            if st.session_state.get("loss_up_error"):
                st.error(st.session_state["loss_up_error"])
                if good is not None:
                    st.info(t("loss.keeping_last", name=good[2]))
        if good is None or good[0] != len(aset):
            st.info(t("loss.upload_first") if good is None else t("loss.upload_stale", n=good[0], m=len(aset)))
            st.stop()
        head = loss_head_from_predictions(good[1], spec, num_classes, name=good[2])
        view = compute.uploaded(*run, int(seed), good[3], head)
        head_desc = t("loss.desc_upload", name=good[2])
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
res = view.result

m = st.columns(5)
m[0].metric(t("loss.m_total"), f"{res.total:.4g}")
m[1].metric(t("loss.m_cls"), f"{res.cls.value:.4g}")
m[2].metric(t("loss.m_box"), f"{res.box.value:.4g}")
m[3].metric(t("loss.m_norm"), f"{res.cls.normaliser.value:.6g}")
m[4].metric(t("loss.m_pos"), f"{res.counts['positive']:,}")
st.caption(t("loss.counts", pos=f"{res.counts['positive']:,}", neg=f"{res.counts['negative']:,}",
             ign=f"{res.counts['ignored']:,}", ns=f"{res.counts['not_sampled']:,}", n=f"{len(aset):,}"))

# ---------------------------------------------------------------------------------------------------------
# The image

term = S.widget(st.segmented_control, t("loss.term"), "loss_term", options=["cls", "box"],
                format_func=lambda s: t("loss.term_" + s), valid=lambda v: v in ("cls", "box")) or "cls"
scale = (res.cls if term == "cls" else res.box)
layers = loss_layers(aset, res.role, res.cls_loss if term == "cls" else res.box_loss,
                     res.counts_cls if term == "cls" else res.counts_box,
                     scale=scale.weight / scale.normaliser.value if scale.normaliser.value else 0.0,
                     term_value=scale.value, top_k=TOP_K)


# a partial, not a function reading the run's globals, so nothing keeps aset and the head after the run
_pred = functools.partial(compute.predicted_boxes_at, cfg, aset.boxes, view.head.deltas)


hover = hover_texts(aset, layers, res, term, class_names, view.head.deltas, pred_boxes_of=_pred)
pred_boxes = None
if term == "box":
    order = np.argsort(-layers.pos_share, kind="stable")[:MAX_PRED_BOXES]
    pred_boxes = _pred(layers.pos_idx[order])
    pred_boxes = pred_boxes[np.isfinite(pred_boxes).all(axis=1)]
title = t("loss.fig_title", spec=spec.title, desc=head_desc, total=f"{res.total:.4g}", cls=f"{res.cls.value:.4g}",
          box=f"{res.box.value:.4g}", term=t("loss.term_" + term))
fig = viz.loss_figure(
    setup.bg_uri, layers, setup.gt_input, term=term, input_hw=setup.input_hw, title=title,
    bin_names=tuple(t(f"loss.bin_{i}", n="{n}") for i in range(5)),
    ignored_name=t("loss.ignored_name", n="{n}"), not_sampled_name=t("loss.not_sampled_name", n="{n}"),
    no_box_name=t("loss.no_box_name"), hover_text=hover, hover_pos_name=t("loss.hover_pos", n="{n}"),
    hover_neg_name=t("loss.hover_neg", n="{n}"), pos_boxes=aset.boxes[layers.pos_idx], pred_boxes=pred_boxes,
    pred_name=t("loss.pred_name", n="{n}"), gt_texts=setup.gt_texts, gt_colors=setup.gt_colors)
chart.show(fig, key=CHART_KEY, config=chart.ZOOM)
notes = [t("loss.caption_" + term)]
if spec.sampler is not None:
    notes.append(t("loss.caption_sampled", bs=spec.sampler[0], pf=f"{spec.sampler[1]:g}", rule=spec.sampler_rule,
                   p=res.counts["positive"], n=res.counts["negative"]))
notes.append(t("loss.caption_hover", k=len(layers.top_loc)))
st.caption(" ".join(notes))

# ---------------------------------------------------------------------------------------------------------
# Breakdown, per GT, formulas

left, right = st.columns([1.1, 1])
with left:
    tables.breakdown(res)
with right:  # the core's match kinds of the same assignment, as the Labels page classifies them
    match = cache.labels(cfg, setup.input_hw, setup.gt_key, key)
    tables.per_gt(res, setup.gt_texts, kinds=match.kind, pos=f"{key[1]:g}" if key[0] == "maxiou" else "",
                  lq_why={z.gt: why_lines([z], setup.gt_input, setup.pic.gt.label_names) for z in match.lq_only})
formulas.show(res)

if src == "sim":
    n_values = len(aset) * view.head.scores.shape[1]
    # the file is made on a click, from the cached head of these same arguments (what the button holds until the
    # next run is the arguments, not the head's arrays)
    st.download_button(t("loss.download"), functools.partial(compute.simulated_head_json, run, float(progress),
                                                             int(seed)),
                       file_name="loss_head.json", mime="application/json", key="loss_download", on_click="ignore",
                       disabled=n_values > MAX_DOWNLOAD_VALUES, help=t("loss.download_help", n=f"{n_values:,}"))
