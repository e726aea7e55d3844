"""Anchors view: the anchor grid on the image, one cell's anchors, one shape across a level, the base anchors
of every level, and the centre-offset comparison."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.anchors import AnchorConfig, generate_anchors
from pages.common.i18n import t
from pages.common import cache, inputs, plots
from pages.common.page import open_page
from pages.common import state as S
from pages.common.diagnose import fmt_wh

MAX_RECTS = 2000  # never draw more rectangles than this at once (STACK.md §3)
MAX_CENTRES = 20_000  # centre markers drawn at most (d2l's one location per pixel has 262,144 on 512x512)
CHART_KEY = "anchors_chart"

setup, aset = open_page("anchors")
cfg = setup.cfg
values = S.p()
names = [g.name for g in aset.levels]


# ---------------------------------------------------------------------------------------------------------
# The picked cell: "P3:12,40" in the URL; three widgets here


def _parse_cell(text: str) -> tuple[int, int, int]:
    """(level index, y, x) from "P3:12,40"; the middle cell of the finest level when unusable."""
    try:
        name, yx = text.split(":")
        y, x = (int(v) for v in yx.split(","))
        li = names.index(name)
        fh, fw = aset.levels[li].feat_hw
        if 0 <= y < fh and 0 <= x < fw:
            return li, y, x
    except ValueError:
        pass
    fh, fw = aset.levels[0].feat_hw
    return 0, fh // 2, fw // 2


def _set_cell(li: int, y: int, x: int) -> None:
    values["cell"] = f"{names[li]}:{y},{x}"
    st.session_state["cell_lv"] = names[li]
    st.session_state["cell_y"] = int(y)
    st.session_state["cell_x"] = int(x)


def _apply_click() -> None:
    """A click on a centre (kept by inputs.apply_chart_events) picks that cell."""
    picked = st.session_state.pop("_picked", None)
    if picked and picked[0] == CHART_KEY:
        li, y, x = picked[1][:3]
        if 0 <= li < len(names) and 0 <= y < aset.levels[li].feat_hw[0] and 0 <= x < aset.levels[li].feat_hw[1]:
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
    g = aset.levels[li]
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
    show = S.widget(st.selectbox, "Draw centres of", "show", options=show_opts,
                    format_func=lambda v: {"all": "all levels", "picked": "the picked cell's level"}.get(v, v),
                    valid=lambda v: v in show_opts,
                    help="One marker per anchor location. Click a centre to pick its cell.")
with c2:
    lv_name = st.selectbox("Picked cell: level", names, key="cell_lv", on_change=_on_cell_level)
li = names.index(lv_name)
g = aset.levels[li]
fh, fw = g.feat_hw
for key, hi in (("cell_y", fh - 1), ("cell_x", fw - 1)):
    if st.session_state[key] > hi:
        st.session_state[key] = hi
with c3:
    cy = st.number_input("row (y)", min_value=0, max_value=fh - 1, step=1, key="cell_y",
                         help=f"{g.name} has {fh} rows of cells")
with c4:
    cx = st.number_input("column (x)", min_value=0, max_value=fw - 1, step=1, key="cell_x",
                         help=f"{g.name} has {fw} columns of cells")
values["cell"] = f"{lv_name}:{int(cy)},{int(cx)}"
wh = g.shapes_wh
shape_opts = [-1, *range(g.num_shapes)]
with c5:
    shape = S.widget(st.selectbox, f"All anchors of one shape across {g.name}", "shape", options=shape_opts,
                     format_func=lambda k: "none" if k < 0 else f"shape {k}: {fmt_wh(wh[k])}",
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
        shape_note = (f"Shape {shape} has {len(idx):,} anchors on {g.name}: the {MAX_RECTS:,} nearest the picked cell "
                      f"are drawn as rectangles, the others only as centres.")
    else:
        shape_rects = boxes
total = len(aset)
title = (f"{total:,} anchors on {len(names)} level{'s' if len(names) != 1 else ''} "
         f"({', '.join(names)}) · input {setup.input_hw[0]}×{setup.input_hw[1]} · "
         f"cell {g.name} ({int(cy)}, {int(cx)}) at ({cell_centre[0]:.4g}, {cell_centre[1]:.4g}): {g.num_shapes} anchors")
if shape >= 0:
    title += f" · shape {shape} {fmt_wh(wh[shape])}: {len(aset.of_shape(li, shape)):,}"

# ---------------------------------------------------------------------------------------------------------
# The figure

h, w = setup.input_hw
ext = np.concatenate([cell_boxes, shape_rects]) if len(shape_rects) else cell_boxes
m = 0.04 * max(h, w)
view = (max(min(-m, float(ext[:, 0].min()) - m), -0.5 * w), max(min(-m, float(ext[:, 1].min()) - m), -0.5 * h),
        min(max(w + m, float(ext[:, 2].max()) + m), 1.5 * w), min(max(h + m, float(ext[:, 3].max()) + m), 1.5 * h))
fig = plots.image_figure(setup.bg_uri, setup.input_hw, title, view=view)
centre_note = ""
budget = MAX_CENTRES
for k in show_levels:
    gk = aset.levels[k]
    sl = slice(gk.start, gk.stop, gk.num_shapes)
    xy = centres_all[sl]
    fy, fx = gk.feat_hw
    yy, xx = np.divmod(np.arange(fy * fx, dtype=np.int32), np.int32(fx))
    keep = None
    if len(xy) > budget:  # the locations nearest the picked cell only
        d = np.hypot(xy[:, 0] - cell_centre[0], xy[:, 1] - cell_centre[1])
        keep = np.sort(np.argsort(d, kind="stable")[:budget])
        centre_note = (f"{gk.name} has {len(xy):,} locations: the {budget:,} nearest the picked cell are drawn. "
                       "Pick another cell to move the window.")
        xy, yy, xx = xy[keep], yy[keep], xx[keep]
    budget = max(0, budget - len(xy))
    custom = np.stack([np.full(len(yy), k, np.int32), yy, xx], axis=1)
    size = float(np.clip(0.3 * min(gk.stride_hw) * 700 / max(h, w), 3, 9))
    plots.add_points(fig, xy, name=f"{gk.name} centres ({fy}×{fx})", color=plots.level_color(k), size=size,
                     customdata=custom, opacity=0.55 if size < 5 else 0.8,
                     hovertemplate=f"{gk.name} cell (%{{customdata[1]}}, %{{customdata[2]}})<br>"
                                   "centre (%{x:.1f}, %{y:.1f})<extra></extra>")
if len(shape_rects):
    plots.add_rects(fig, shape_rects, name=f"shape {shape} {fmt_wh(wh[shape])} ({len(shape_rects):,})",
                    color="#ffea00", width=1, opacity=0.8)
for k, box in enumerate(cell_boxes):
    plots.add_rects(fig, box[None, :], name=f"cell anchor {k}: {fmt_wh(wh[k])}", color=plots.SHAPE_COLORS[k % 10],
                    width=2.5, gl=False, legendgroup="cell")
plots.add_points(fig, cell_centre[None, :], name=f"picked cell {g.name} ({int(cy)}, {int(cx)})", color="#ffffff",
                 size=12, symbol="circle-dot", gl=False, line_color="#000000")
plots.add_gt(fig, setup.gt_input, setup.gt_texts, setup.gt_colors)
st.plotly_chart(fig, key=CHART_KEY, on_select="rerun", selection_mode=("points", "box"),
                config={"displaylogo": False, "scrollZoom": True})
for note in (shape_note, centre_note):
    if note:
        st.caption(note)
st.caption("Click a centre to pick its cell. To add a GT box, choose **Box Select** in the chart's toolbar and "
           "drag over the object (the box is added in photo pixels below). Scroll to zoom.")

# ---------------------------------------------------------------------------------------------------------
# Counts and the GT table

left, right = st.columns([1, 1.4])
with left:
    rows = [{"level": gl.name, "stride": "×".join(f"{s:g}" for s in dict.fromkeys(gl.stride_hw)),
             "feature map": f"{gl.feat_hw[0]}×{gl.feat_hw[1]}", "anchors / location": gl.num_shapes,
             "anchors": gl.count} for gl in aset.levels]
    rows.append({"level": "total", "stride": "", "feature map": "", "anchors / location": "", "anchors": total})
    for r in rows[:-1]:
        r["anchors / location"] = str(r["anchors / location"])
    st.markdown("**Anchors per level**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={"stride": st.column_config.TextColumn("stride (h×w)", width="small")})
    odd = []
    for gl, lv in zip(aset.levels, cfg.levels):
        if cfg.conv.normalised:
            continue
        (sh, sw), (nw, nh) = gl.stride_hw, lv.stride_wh
        parts = [f"{size} // {n} = {got:g} {axis}" for size, n, got, want, axis in (
            (setup.input_hw[0], gl.feat_hw[0], sh, nh, "down"), (setup.input_hw[1], gl.feat_hw[1], sw, nw, "across"))
            if abs(got - want) > 1e-9]
        if parts:
            odd.append(f"{gl.name}: {', '.join(parts)} (not {nw:g})")
    if odd:
        st.caption("torchvision derives each stride from the sizes, input // feature map: " + "; ".join(odd)
                   + ". Centres on those levels drift toward the top-left.")
    st.caption(setup.plan.describe())
with right:
    with st.expander(f"Ground truth: {len(setup.pic.gt)} boxes (edit, add, delete, download)", expanded=False):
        inputs.class_picker()
        inputs.gt_editor()

# ---------------------------------------------------------------------------------------------------------
# Base anchors side by side

st.markdown("#### " + t("anchors.base_title"))
panels = []
table = []
for gl in aset.levels:
    cells = gl.cells - np.tile(0.5 * (gl.cells[:, :2] + gl.cells[:, 2:]), 2)  # re-centred on (0, 0)
    labels = [fmt_wh(s) for s in gl.shapes_wh]
    panels.append({"name": gl.name, "stride": min(gl.stride_hw), "cells": cells, "labels": labels,
                   "title": f"{gl.name} · stride {min(gl.stride_hw):g}"})
    for k, s in enumerate(gl.shapes_wh):
        table.append({"level": gl.name, "shape": k, "w": round(float(s[0]), 2), "h": round(float(s[1]), 2),
                      "h/w": round(float(s[1] / s[0]), 3) if s[0] else None, "√(w·h)": round(float(np.sqrt(s[0] * s[1])), 2)})
st.plotly_chart(plots.base_anchors_figure(panels), key="base_chart", config={"displaylogo": False})
conv = cfg.conv
st.caption(
    f"Each level's anchors of one location, centred on a common point, labelled width×height in pixels; the dotted "
    f"square is one cell (stride × stride). {conv.title}: {conv.knobs_help} Example (keras-retinanet knobs, seed "
    "note 002): size 32 × scale 0.5 = a 16×16 square; at ratio 2 (h/w), w·h = 256 and h = 2w give 11.31×22.62."
)
with st.expander("Base anchor table"):
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
        "title": f"offset {o:g}: first centre at ({cent[0, 0, 0]:.4g}, {cent[0, 0, 1]:.4g})",
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
cmp_name = S.widget(st.selectbox, "Level to compare", "cmp_lv", options=cmp_opts, valid=lambda v: v in cmp_opts,
                    help="The top-left corner of this level, drawn with both offsets.") if len(names) > 1 else names[0]
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
st.plotly_chart(plots.offset_figure(
    [pa, pb], f"{gl.name}, stride {min(gl.stride_hw):g}: the same cells with offset 0 and 0.5 "
              f"({cfg.conv.title} uses {cur:g})", bg=crop, input_hw=setup.input_hw),
    key="offset_chart", config={"displaylogo": False})
st.markdown(
    f"""
With offset 0 the anchor centres sit on the top-left **corner** of their cells: the first centre is on the image
corner and the grid of centres is shifted half a stride up-left: on {gl.name} of this {setup.input_hw[0]}×{setup.input_hw[1]}
input the first and last centres are {pa['margins'][0]:.4g} px and {pa['margins'][1]:.4g} px from the left and right
edges. With 0.5 they sit in the middle of the cells: {pb['margins'][0]:.4g} px and {pb['margins'][1]:.4g} px.
Where a library puts them:

* **torchvision** always uses the corner (no option). [pytorch/vision#1765](https://github.com/pytorch/vision/issues/1765)
  pointed out that on a 512×512 image the top-left anchor `[-16, -16, 16, 16]` pokes 16 px out of the image
  while the bottom-right one pokes out only 8 px, and that the asymmetry grows with the stride (P7).
* **detectron2** added `MODEL.ANCHOR_GENERATOR.OFFSET` after
  [facebookresearch/detectron2#378](https://github.com/facebookresearch/detectron2/issues/378) reported grid anchors
  shifted toward the upper left of their cells; the config default stays 0.0 (the comment recommends 0.5 and does
  not expect it to change accuracy).
* **keras-retinanet** centres at `(x + 0.5)·stride`; [fizyr/keras-retinanet#1073](https://github.com/fizyr/keras-retinanet/issues/1073)
  worked out that the right shift depends on the image and feature-map sizes (`(image − (features − 1)·stride) / 2`),
  which differs from half a stride when the image is not a multiple of the stride — P6/P7 feature maps are
  rounded up (13×13 and 7×7 for an 800×800 input).
* **mmdetection** 3.x uses `center_offset=0` (times the base size, not the stride); the v1 legacy generator uses 0.5.

The regression head learns to undo a constant shift, so either choice trains; what changes is which anchors reach
the positive IoU for objects near the right and bottom borders, and whether a model's weights match the anchors
they were trained with.
"""
)
