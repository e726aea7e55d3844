"""IoU heatmap view: per level x anchor shape, the IoU of every grid cell's anchor with the GT boxes (max over
GTs, or one picked GT), over the photo, with the positive and negative thresholds on the colour scale; and
small multiples (levels as rows, shapes as columns) showing which level and shape own one GT."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anchorviz import viz
from anchorviz.core.assign.labels import Label
from anchorviz.core.diagnose import GTMatch
from anchorviz.core.fmt import fmt_against
from anchorviz.core.label_layers import level_grid
from pages.common import cache, chart, teach
from pages.common.page import open_page
from pages.common import state as S
from pages.common.diagnose import fmt_wh
from pages.common.i18n import t

CHART_KEY = "iou_chart"
MAX_TEXT_CELLS = 40_000  # above this many cells the hover text drops the cell index (payload budget)
MAX_PANELS = 120  # small multiples drawn at most

setup, aset = open_page("iou")
cfg = setup.cfg
conv = cfg.conv
values = S.p()
names = [g.name for g in aset.levels]
gts = setup.gt_input
n_gt = len(gts)


def owner(gt: int) -> tuple[int, int, int, float]:
    """(level, shape, anchor index, IoU) of the anchor with the best IoU with GT ``gt``."""
    v = teach.iou_values(cfg, setup.input_hw, setup.gt_key, gt)
    a = int(np.argmax(v)) if len(v) else 0
    anchors = cache.anchors(cfg, setup.input_hw)  # not the run's aset: see common/release.py
    return int(anchors.level[a]), int(anchors.shape[a]), a, float(v[a]) if len(v) else 0.0


def _on_click() -> None:
    """A click on a GT's centre marker picks that GT."""
    ev = st.session_state.get(CHART_KEY)
    try:
        points = ev["selection"]["points"]
    except (KeyError, TypeError):
        return
    for pt in points:
        cd = pt.get("customdata")
        if isinstance(cd, (int, float)) and 0 <= int(cd) < n_gt:
            st.session_state["iou_gt"] = int(cd)
            st.session_state["iou_follow"] = True
            return


def _on_gt() -> None:
    st.session_state["iou_follow"] = True


# ---------------------------------------------------------------------------------------------------------
# Controls

gt_opts = [-1, *range(n_gt)]


def _gt_label(i: int) -> str:
    return t("iou.max_over_gts") if i < 0 else t("iou.with_gt", gt=setup.gt_texts[i])


S.keep_labels("iou_gt", gt_opts, _gt_label)  # labels carry the GTs' classes: a box upload renames them
if st.session_state.get("iou_gt") not in gt_opts:
    st.session_state["iou_gt"] = 0 if n_gt else -1
    st.session_state["iou_follow"] = True
if st.session_state.pop("iou_follow", False) and st.session_state["iou_gt"] >= 0:
    li_o, k_o, _, _ = owner(st.session_state["iou_gt"])
    st.session_state["iou_lv"], st.session_state["iou_shape"] = names[li_o], k_o
if st.session_state.get("iou_lv") not in names:
    st.session_state["iou_lv"] = names[0]

c1, c2, c3 = st.columns([1.6, 1, 1.4])
with c1:
    gt = st.selectbox(t("iou.values"), gt_opts, key=S.keep("iou_gt"), on_change=_on_gt, format_func=_gt_label,
                      help=t("iou.values_help"))
with c2:
    lv = st.selectbox(t("iou.level"), names, key=S.keep("iou_lv"))
li = names.index(lv)
g = aset.levels[li]
wh = g.shapes_wh
shape_opts = list(range(g.num_shapes))
S.keep_labels("iou_shape", shape_opts, lambda s: f"{s}: {fmt_wh(wh[s])}")  # another level: other w×h labels
if st.session_state.get("iou_shape") not in shape_opts:
    st.session_state["iou_shape"] = 0
with c3:
    k = st.selectbox(t("iou.shape"), shape_opts, key=S.keep("iou_shape"), format_func=lambda s: f"{s}: {fmt_wh(wh[s])}")

if values["asg"] == "maxiou":
    pos, neg = float(values["pos"]), float(values["neg"])
    st.caption(t("iou.thresholds_from_labels", pos=f"{pos:g}", neg=f"{neg:g}"))
else:
    pos, neg = 0.5, 0.4
    st.caption(t("iou.thresholds_other", asg=t("labels.asg_" + values["asg"]), pos=f"{pos:g}", neg=f"{neg:g}"))

# ---------------------------------------------------------------------------------------------------------
# Compute

vals = teach.iou_values(cfg, setup.input_hw, setup.gt_key, int(gt))
key = cache.assignment_key(values["asg"], values["pos"], values["neg"], values["lq"], values["anchor_t"],
                           values["topk"])
res = cache.labels(cfg, setup.input_hw, setup.gt_key, key)
fh, fw = g.feat_hw
z = level_grid(vals, g.start, g.feat_hw, g.num_shapes, k)
lab = level_grid(res.labels, g.start, g.feat_hw, g.num_shapes, k).astype(np.int64)
matched = level_grid(res.matched_gt, g.start, g.feat_hw, g.num_shapes, k)
cells = aset.level_view(li)[:, :, k]  # (H, W, 4)
cx = 0.5 * (cells[..., 0] + cells[..., 2])
cy = 0.5 * (cells[..., 1] + cells[..., 3])
sw, sh = g.stride_hw
x0, y0 = float(cx[0, 0]), float(cy[0, 0])
dx = float(cx[0, 1] - cx[0, 0]) if fw > 1 else float(sw)
dy = float(cy[1, 0] - cy[0, 0]) if fh > 1 else float(sh)

names_lab = teach.label_names()
if gt >= 0:
    code = np.where((lab == Label.POSITIVE) & (matched != gt), 2, lab)  # 2: positive for another GT
    words = {**names_lab, 2: t("iou.positive_other")}
else:
    code, words = lab, names_lab
word = np.empty(code.shape, dtype=object)
for c, w in words.items():
    word[code == c] = w
if fh * fw <= MAX_TEXT_CELLS:
    rr, cc = np.mgrid[0:fh, 0:fw]
    text = [[f"({r}, {c}) · {w}" for r, c, w in zip(rr_, cc_, w_)] for rr_, cc_, w_ in zip(rr, cc, word)]
else:
    text = word.tolist()
hover = (f"{t('iou.hover_cell')} %{{text}}<br>{t('iou.hover_anchor')} {fmt_wh(wh[k])}<br>"
         f"IoU %{{z:.3f}}<extra>{lv}</extra>")

n_pos = int((z >= pos).sum())
n_ign = int(((z >= neg) & (z < pos)).sum())
what = t("iou.max_over_gts") if gt < 0 else t("iou.with_gt", gt=setup.gt_texts[gt])
title = t("iou.fig_title", lv=lv, k=k, wh=fmt_wh(wh[k]), what=what, n=fh * fw, pos=f"{pos:g}", n_pos=n_pos,
          n_ign=n_ign, best=f"{float(z.max()) if z.size else 0.0:.3f}")
best_box = None
if gt >= 0 and z.size:
    r, c = np.unravel_index(int(np.argmax(z)), z.shape)
    best_box = cells[r, c]
fig = viz.heatmap_figure(
    setup.bg_uri, input_hw=setup.input_hw, title=title, z=z, x0=x0, dx=dx, y0=y0, dy=dy, text=text,
    hover=hover, neg=neg, pos=pos, neg_txt=t("iou.tick_neg", v=f"{neg:g}"), pos_txt=t("iou.tick_pos", v=f"{pos:g}"),
    gt_boxes=gts, gt_texts=setup.gt_texts, gt_colors=setup.gt_colors, gt_click_name=t("iou.click_gt"),
    best_box=best_box, best_name=t("iou.best_here"))
chart.show(fig, key=CHART_KEY, select=("points",), on_select=_on_click, config=chart.ZOOM)
st.caption(t("iou.caption"))

# ---------------------------------------------------------------------------------------------------------
# Small multiples for one GT

st.markdown(f"##### {t('iou.overview')}")
if not n_gt:
    st.info(t("iou.no_gt"))
    st.stop()
og = int(gt) if gt >= 0 else 0
if gt < 0:
    st.caption(t("iou.overview_first_gt"))
vg = teach.iou_values(cfg, setup.input_hw, setup.gt_key, og)
li_o, k_o, a_o, best = owner(og)
box = gts[og]
bw, bh = box[2] - box[0], box[3] - box[1]
m = 0.3 * max(bw, bh) + 24
H, W = setup.input_hw
view = (max(-8.0, box[0] - m), max(-8.0, box[1] - m), min(W + 8.0, box[2] + m), min(H + 8.0, box[3] + m))
cols = max(gl.num_shapes for gl in aset.levels)
panels = []
for i, gl in enumerate(aset.levels):
    lc = aset.level_view(i)
    pcx = 0.5 * (lc[0, :, 0, 0] + lc[0, :, 0, 2])  # (W,) centres of shape 0 (all shapes share centres)
    pcy = 0.5 * (lc[:, 0, 0, 1] + lc[:, 0, 0, 3])  # (H,)
    gsw, gsh = gl.stride_hw
    jx = np.flatnonzero((pcx >= view[0] - gsw) & (pcx <= view[2] + gsw))
    iy = np.flatnonzero((pcy >= view[1] - gsh) & (pcy <= view[3] + gsh))
    if not len(jx) or not len(iy):
        continue
    pdx = float(pcx[1] - pcx[0]) if len(pcx) > 1 else float(gsw)
    pdy = float(pcy[1] - pcy[0]) if len(pcy) > 1 else float(gsh)
    for s in range(gl.num_shapes):
        if len(panels) >= MAX_PANELS:
            break
        zz = level_grid(vg, gl.start, gl.feat_hw, gl.num_shapes, s)[iy[0]:iy[-1] + 1, jx[0]:jx[-1] + 1]
        pt = f"{fmt_wh(gl.shapes_wh[s])}<br>{float(zz.max()):.2f}"
        panels.append(dict(row=i + 1, col=s + 1, z=zz, x0=float(pcx[jx[0]]), dx=pdx, y0=float(pcy[iy[0]]), dy=pdy,
                           title=pt, owner=(i == li_o and s == k_o),
                           hover=f"IoU %{{z}}%<extra>{gl.name} · {s}: {fmt_wh(gl.shapes_wh[s])}</extra>"))
gl_o = aset.levels[li_o]
owner_txt = dict(gt=setup.gt_texts[og], wh=fmt_wh([bw, bh]), best=fmt_against(best, pos, digits=3), lv=gl_o.name,
                 k=k_o, awh=fmt_wh(gl_o.shapes_wh[k_o]), pos=f"{pos:g}", n=int(res.positives_per_gt[og]))
# below the threshold, what the Labels page made of this GT: positives through the low-quality rule, or none
below = "" if best >= pos else ("lq" if values["asg"] == "maxiou" and res.kind[og] == GTMatch.LOW_QUALITY else
                                "none" if values["asg"] == "maxiou" else "other")
otitle = t({"": "iou.owned", "lq": "iou.lq_owned"}.get(below, "iou.not_owned"), **owner_txt)
fig2 = viz.small_multiples_figure(
    panels=panels, rows=len(aset.levels), cols=cols, view=view, gt_box=box, gt_color=setup.gt_colors[og],
    title=otitle, neg=neg, pos=pos, neg_txt=t("iou.tick_neg", v=f"{neg:g}"), pos_txt=t("iou.tick_pos", v=f"{pos:g}"),
    row_titles=names)
chart.show(fig2, key="iou_overview")
if below:
    st.warning(t({"lq": "iou.lq_owned_note", "none": "iou.none_note"}.get(below, "iou.not_owned_note"), **owner_txt))
st.caption(t("iou.overview_caption"))
