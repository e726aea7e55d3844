"""Anchors view: the anchor grid on the image, one cell's anchors, one shape across a level, the base anchors
of every level, and the centre-offset comparison."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.anchors.grid import generate_anchors
from pages.common.i18n import t
from pages.common import cache, chart, gt_edit
from pages.common.page import open_page
from pages.common import state as S
from pages.common.diagnose import fmt_wh

MAX_RECTS = 2000  # never draw more rectangles than this at once (STACK.md §3)
MAX_CENTRES = 20_000  # centres drawn at most (d2l's one location per pixel has 262,144 on 512x512)
# Centres are a dot layer (one PNG): Scattergl is slow with software WebGL (STACK.md §3) and thousands of SVG
# markers cost a DOM node each. The ones nearest the picked cell are also SVG rings, which a click selects.
CLICKABLE = 150  # per level drawn
CHART_KEY = "anchors_chart"

setup, aset = open_page("anchors")
cfg = setup.cfg
values = S.p()
names = [g.name for g in aset.levels]


# ---------------------------------------------------------------------------------------------------------
# The picked cell: "P3:12,40" in the URL; three widgets here


def _levels():
    """The anchor levels, for callbacks: read through the shared cache, not the run's ``aset``, so a session's
    last run does not keep its anchor set alive after the cache let it go (common/release.py)."""
    return cache.anchors(setup.cfg, setup.input_hw).levels


def _parse_cell(text: str) -> tuple[int, int, int]:
    """(level index, y, x) from "P3:12,40"; the middle cell of the finest level when unusable."""
    try:
        name, yx = text.split(":")
        y, x = (int(v) for v in yx.split(","))
        li = names.index(name)
        fh, fw = _levels()[li].feat_hw
        if 0 <= y < fh and 0 <= x < fw:
            return li, y, x
    except ValueError:
        pass
    fh, fw = _levels()[0].feat_hw
    return 0, fh // 2, fw // 2


def _set_cell(li: int, y: int, x: int) -> None:
    values["cell"] = f"{names[li]}:{y},{x}"
    st.session_state["cell_lv"] = names[li]
    st.session_state["cell_y"] = int(y)
    st.session_state["cell_x"] = int(x)


def _apply_click() -> None:
    """A click on a centre (kept by chart_events.apply_chart_events) picks that cell."""
    picked = st.session_state.pop("_picked", None)
    if picked and picked[0] == CHART_KEY:
        li, y, x = picked[1][:3]
        if 0 <= li < len(names):
            fh, fw = _levels()[li].feat_hw
            if 0 <= y < fh and 0 <= x < fw:
                _set_cell(li, y, x)


_apply_click()
li0, y0, x0 = _parse_cell(values["cell"])
if st.session_state.get("cell_lv") not in names:
    _set_cell(li0, y0, x0)
for key, val in (("cell_y", y0), ("cell_x", x0)):
    st.session_state.setdefault(key, val)


def _on_cell_level() -> None:
    """Keep the same image position when the level changes."""
    old = st.session_state.get("_cell_centre")
    li = names.index(st.session_state["cell_lv"])
    g = _levels()[li]
    if old is not None:
        sh, sw = g.stride_hw
        y = int(np.clip(np.floor(old[1] / sh), 0, g.feat_hw[0] - 1))
        x = int(np.clip(np.floor(old[0] / sw), 0, g.feat_hw[1] - 1))
        st.session_state["cell_y"], st.session_state["cell_x"] = y, x
    values["shape"] = -1
    st.session_state["shape"] = -1


# ---------------------------------------------------------------------------------------------------------
# Controls

c1, c2, c3, c4, c5 = st.columns([1.3, 1.0, 0.9, 0.9, 1.6])
with c1:
    show_opts = ["picked", "all", *names]
    show = S.widget(st.selectbox, t("anchors.show"), "show", options=show_opts,
                    format_func=lambda v: t("anchors.show_" + v) if v in ("all", "picked") else v,
                    valid=lambda v: v in show_opts, help=t("anchors.show_help"))
with c2:
    lv_name = st.selectbox(t("anchors.cell_level"), names, key=S.keep("cell_lv"), on_change=_on_cell_level)
li = names.index(lv_name)
g = aset.levels[li]
fh, fw = g.feat_hw
for key, hi in (("cell_y", fh - 1), ("cell_x", fw - 1)):
    if st.session_state[key] > hi:
        st.session_state[key] = hi
with c3:
    cy = st.number_input(t("anchors.row"), min_value=0, max_value=fh - 1, step=1, key="cell_y",
                         help=t("anchors.row_help", lv=g.name, n=fh))
with c4:
    cx = st.number_input(t("anchors.col"), min_value=0, max_value=fw - 1, step=1, key="cell_x",
                         help=t("anchors.col_help", lv=g.name, n=fw))
values["cell"] = f"{lv_name}:{int(cy)},{int(cx)}"
wh = g.shapes_wh
shape_opts = [-1, *range(g.num_shapes)]
with c5:
    shape = S.widget(st.selectbox, t("anchors.shape", lv=g.name), "shape", options=shape_opts,
                     format_func=lambda k: t("anchors.shape_none") if k < 0 else t("anchors.shape_opt", k=k,
                                                                                    wh=fmt_wh(wh[k])),
                     valid=lambda v: v in shape_opts)

# ---------------------------------------------------------------------------------------------------------
# Arrays to draw

cell_idx = aset.at_cell(li, int(cy), int(cx))
cell_boxes = aset.boxes[cell_idx]
cell_centre = aset.centres()[cell_idx[0]]
st.session_state["_cell_centre"] = (float(cell_centre[0]), float(cell_centre[1]))
centres_all = aset.centres()
show_levels = range(len(names)) if show == "all" else [li if show == "picked" else names.index(show)]

shape_rects = np.zeros((0, 4))
shape_note = ""
if shape >= 0:
    idx = aset.of_shape(li, shape)
    boxes = aset.boxes[idx]
    if len(idx) > MAX_RECTS:  # the nearest MAX_RECTS to the picked cell as rectangles, the rest as centres
        c = centres_all[idx]
        d = np.hypot(c[:, 0] - cell_centre[0], c[:, 1] - cell_centre[1])
        near = np.argsort(d, kind="stable")[:MAX_RECTS]
        shape_rects = boxes[near]
        shape_note = t("anchors.shape_note", k=shape, n=f"{len(idx):,}", lv=g.name, m=f"{MAX_RECTS:,}")
    else:
        shape_rects = boxes
total = len(aset)
levels = t("anchors.levels_one") if len(names) == 1 else t("anchors.levels_many", n=len(names))
title = t("anchors.fig_title", total=f"{total:,}", levels=levels, names=", ".join(names), h=setup.input_hw[0],
          w=setup.input_hw[1], lv=g.name, y=int(cy), x=int(cx), cx=f"{cell_centre[0]:.4g}", cy=f"{cell_centre[1]:.4g}",
          n=g.num_shapes)
if shape >= 0:
    title += t("anchors.fig_shape", k=shape, wh=fmt_wh(wh[shape]), n=f"{len(aset.of_shape(li, shape)):,}")

# ---------------------------------------------------------------------------------------------------------
# The figure

h, w = setup.input_hw
ext = np.concatenate([cell_boxes, shape_rects]) if len(shape_rects) else cell_boxes
m = 0.04 * max(h, w)
view = (max(min(-m, float(ext[:, 0].min()) - m), -0.5 * w), max(min(-m, float(ext[:, 1].min()) - m), -0.5 * h),
        min(max(w + m, float(ext[:, 2].max()) + m), 1.5 * w), min(max(h + m, float(ext[:, 3].max()) + m), 1.5 * h))
centre_note = ""
budget = MAX_CENTRES
drawn, clickable = [], 0
for k in show_levels:
    gk = aset.levels[k]
    sl = slice(gk.start, gk.stop, gk.num_shapes)
    xy = centres_all[sl]
    fy, fx = gk.feat_hw
    yy, xx = np.divmod(np.arange(fy * fx, dtype=np.int32), np.int32(fx))
    d = np.hypot(xy[:, 0] - cell_centre[0], xy[:, 1] - cell_centre[1])  # from the picked cell's centre
    if len(xy) > budget:  # the locations nearest the picked cell only
        keep = np.sort(np.argsort(d, kind="stable")[:budget])
        centre_note = t("anchors.centre_note", lv=gk.name, n=f"{len(xy):,}", m=f"{budget:,}")
        xy, yy, xx, d = xy[keep], yy[keep], xx[keep], d[keep]
    budget = max(0, budget - len(xy))
    custom = np.stack([np.full(len(yy), k, np.int32), yy, xx], axis=1)
    near = np.sort(np.argsort(d, kind="stable")[:CLICKABLE])
    clickable = max(clickable, len(near))
    drawn.append({"index": k, "name": gk.name, "stride": min(gk.stride_hw), "xy": xy, "ring_xy": xy[near],
                  "ring_cells": custom[near], "label": t("anchors.centres_name", lv=gk.name, h=fy, w=fx),
                  "ring_label": t("anchors.clickable_name", lv=gk.name, n=len(near))})
fig = viz.anchors_figure(
    setup.bg_uri, input_hw=setup.input_hw, title=title, view=view, levels=drawn, shape_rects=shape_rects,
    shape_name=t("anchors.shape_name", k=shape, wh=fmt_wh(wh[shape]), n=f"{len(shape_rects):,}") if shape >= 0 else "",
    cell_boxes=cell_boxes, cell_names=[t("anchors.cell_anchor", k=k, wh=fmt_wh(wh[k])) for k in range(len(cell_boxes))],
    cell_centre=cell_centre, cell_name=t("anchors.picked_cell", lv=g.name, y=int(cy), x=int(cx)),
    gt_boxes=setup.gt_input, gt_texts=setup.gt_texts, gt_colors=setup.gt_colors, cell_word=t("anchors.cell"),
    centre_word=t("plots.centre"))
chart.show(fig, key=CHART_KEY, select=("points", "box"), config=chart.ZOOM)
for note in (shape_note, centre_note):
    if note:
        st.caption(note)
st.caption(t("anchors.click_caption", n=clickable))

# ---------------------------------------------------------------------------------------------------------
# Counts and the GT table

left, right = st.columns([1.6, 1])  # the per-level table's five columns fit without a horizontal scrollbar
with left:
    c_level, c_stride, c_fmap, c_loc, c_n = (t("anchors.col_level"), t("anchors.col_stride"), t("anchors.col_fmap"),
                                             t("anchors.col_per_location"), t("anchors.col_anchors"))
    rows = [{c_level: gl.name, c_stride: "×".join(f"{s:g}" for s in dict.fromkeys(gl.stride_hw)),
             c_fmap: f"{gl.feat_hw[0]}×{gl.feat_hw[1]}", c_loc: str(gl.num_shapes), c_n: gl.count}
            for gl in aset.levels]
    rows.append({c_level: t("anchors.total"), c_stride: "", c_fmap: "", c_loc: "", c_n: total})
    st.markdown(f"**{t('anchors.per_level')}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={c_stride: st.column_config.TextColumn(t("anchors.col_stride_hw"), width="small")})
    odd = []
    for gl, lv in zip(aset.levels, cfg.levels):
        if cfg.conv.normalised:
            continue
        (sh, sw), (nw, nh) = gl.stride_hw, lv.stride_wh
        parts = [f"{size} // {n} = {got:g} {t(axis)}" for size, n, got, want, axis in (
            (setup.input_hw[0], gl.feat_hw[0], sh, nh, "anchors.down"),
            (setup.input_hw[1], gl.feat_hw[1], sw, nw, "anchors.across"))
            if abs(got - want) > 1e-9]
        if parts:
            odd.append(t("anchors.odd_level", lv=gl.name, parts=", ".join(parts), want=f"{nw:g}"))
    if odd:
        st.caption(t("anchors.odd_strides", items="; ".join(odd)))
    st.caption(setup.plan.describe())
with right:
    with st.expander(t("inputs.gt_expander", n=len(setup.pic.gt)), expanded=False, key="gt_expander"):
        gt_edit.class_picker()
        gt_edit.gt_editor()

# ---------------------------------------------------------------------------------------------------------
# Base anchors side by side

st.markdown("#### " + t("anchors.base_title"))
panels = []
table = []
for gl in aset.levels:
    cells = gl.cells - np.tile(0.5 * (gl.cells[:, :2] + gl.cells[:, 2:]), 2)  # re-centred on (0, 0)
    labels = [fmt_wh(s) for s in gl.shapes_wh]
    panels.append({"name": gl.name, "stride": min(gl.stride_hw), "cells": cells, "labels": labels,
                   "title": t("anchors.base_panel", lv=gl.name, s=f"{min(gl.stride_hw):g}")})
    for k, s in enumerate(gl.shapes_wh):
        table.append({t("anchors.col_level"): gl.name, t("anchors.col_shape"): k, "w": round(float(s[0]), 2),
                      "h": round(float(s[1]), 2),
                      "h/w": round(float(s[1] / s[0]), 3) if s[0] else None, "√(w·h)": round(float(np.sqrt(s[0] * s[1])), 2)})
n_lv, n_shapes = len(panels), sum(len(pn["labels"]) for pn in panels)
chart.show(viz.base_anchors_figure(
    panels, title=t("plots.base_title_one" if n_lv == 1 else "plots.base_title_many", total=n_shapes, n=n_lv),
    one_cell=t("plots.one_cell"), shape_word=t("plots.shape")), key="base_chart")
conv = cfg.conv
st.caption(t("anchors.base_caption", conv=conv.title, knobs=t("conventions.help_" + conv.name)))
with st.expander(t("anchors.base_table"), key="base_table"):
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")

# ---------------------------------------------------------------------------------------------------------
# Centre offset: 0 vs 0.5


def _offset_panel(o: float, k: int) -> dict:
    lv = cfg.levels[k]
    if cfg.convention == "mmdet_ssd":
        sw, sh = lv.stride_wh
        one = AnchorConfig(convention=cfg.convention, levels=(dataclasses.replace(lv, center=(o * sw, o * sh)),))
    else:
        one = AnchorConfig(convention=cfg.convention, levels=(lv,), center_offset=o)
    a1 = generate_anchors(one, setup.input_hw)
    gl = a1.levels[0]
    sh, sw = gl.stride_hw
    n = 4
    cent = a1.centres()[::gl.num_shapes].reshape(gl.feat_hw[0], gl.feat_hw[1], 2)
    sq = int(np.argmin(np.abs(np.log(gl.shapes_wh[:, 1] / gl.shapes_wh[:, 0])) * 1e6 + gl.shapes_wh.prod(axis=1)))
    boxes = a1.level_view(0)[0, 0, sq][None, :]
    last = cent[-1, -1]
    ww = setup.input_hw[1]
    left, right = float(cent[0, 0, 0]), float(ww - last[0])
    b = boxes[0]
    return {
        "title": t("anchors.offset_panel", o=f"{o:g}", x=f"{cent[0, 0, 0]:.4g}", y=f"{cent[0, 0, 1]:.4g}"),
        "grid_x": np.arange(0, min(n + 1, gl.feat_hw[1] + 1)) * sw,
        "grid_y": np.arange(0, min(n + 1, gl.feat_hw[0] + 1)) * sh,
        "centres": cent[:n, :n].reshape(-1, 2),
        "boxes": boxes,
        "view": (min(-0.75 * sw, b[0] - 0.1 * sw), min(-0.75 * sh, b[1] - 0.1 * sh),
                 max((n + 0.25) * sw, b[2] + 0.1 * sw), max((n + 0.25) * sh, b[3] + 0.1 * sh)),
        "margins": (left, right),
    }


st.markdown("#### " + t("anchors.offset_title"))
cmp_opts = names
k_cmp = names.index(values["cmp_lv"]) if values["cmp_lv"] in names else 0
cmp_name = S.widget(st.selectbox, t("anchors.cmp_level"), "cmp_lv", options=cmp_opts, valid=lambda v: v in cmp_opts,
                    help=t("anchors.cmp_help")) if len(names) > 1 else names[0]
values["cmp_lv"] = cmp_name
k_cmp = names.index(cmp_name)
pa, pb = _offset_panel(0.0, k_cmp), _offset_panel(0.5, k_cmp)
gl = aset.levels[k_cmp]
cur = cfg.offset if cfg.convention != "mmdet_ssd" else 0.5
views = np.array([pa["view"], pb["view"]])
crop = cache.network_crop(setup.pic.token, setup.pic.image, setup.spec,
                          (float(views[:, 0].min()), float(views[:, 1].min()),
                           float(views[:, 2].max() + 0.5 * (views[:, 2].max() - views[:, 0].min())),
                           float(views[:, 3].max() + 0.5 * (views[:, 3].max() - views[:, 1].min()))))
chart.show(viz.offset_figure(
    [pa, pb], t("anchors.offset_fig", lv=gl.name, s=f"{min(gl.stride_hw):g}", conv=cfg.conv.title, cur=f"{cur:g}"),
    bg=crop, input_hw=setup.input_hw, cell_borders=t("plots.cell_borders"), image_border=t("plots.image_border"),
    anchor_name=t("plots.squarest"), centres_name=t("plots.centres"), centre_word=t("plots.centre")),
    key="offset_chart")
st.markdown(t("anchors.offset_text", lv=gl.name, h=setup.input_hw[0], w=setup.input_hw[1],
              l0=f"{pa['margins'][0]:.4g}", r0=f"{pa['margins'][1]:.4g}", l5=f"{pb['margins'][0]:.4g}",
              r5=f"{pb['margins'][1]:.4g}"))
