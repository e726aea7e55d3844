"""The Statistics tab: the boxes' widths x heights with the anchor shapes on top, √area, aspect ratio, boxes per
image and GTs per level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz import viz
from pages.common import chart
from pages.common import figcache as F
from pages.common.i18n import t
from pages.dataset_tabs.shared import Context, pct


def size_split(stats) -> None:
    """COCO's small / medium / large as COCO defines it (original images), and the same cut-offs after the resize."""
    rows = {}
    for label, b in ((t("ds.split_coco"), stats.buckets), (t("ds.split_input"), stats.buckets_input)):
        rows[label] = {t("ds.col_" + k): f"{c:,} ({pct(s)})" for k, c, s in
                       zip(("small", "medium", "large"), (b.small, b.medium, b.large), b.shares())}
    st.markdown(t("ds.split_head"))
    st.dataframe(pd.DataFrame(rows).T.rename_axis(t("ds.split_col")), width="stretch")
    st.caption(t("ds.split_caption"))


def render(ctx: Context, stats, report) -> None:
    ds, cfg = ctx.ds, ctx.cfg
    shapes, pos = report.shape.shapes, report.positional
    size_split(stats)
    b = stats.buckets_input
    shares = b.shares()
    bucket_texts = tuple(t("ds.bucket_" + k, n=f"{c:,}", p=pct(s))
                         for k, c, s in zip(("small", "medium", "large"), (b.small, b.medium, b.large), shares))
    g1, g2 = st.columns([1.15, 1])
    with g1:
        chart.show(F.spec(
            viz.wh_density_figure,
            stats.density, anchors_wh=shapes.wh, anchor_level=shapes.level, level_names=shapes.level_names,
            title=t("ds.fig_density", n=f"{len(ds):,}"), x_title=t("ds.axis_w"), y_title=t("ds.axis_h"),
            count_label=t("ds.boxes"), anchors_label=t("ds.anchor_shapes"),
            hover_anchor="%{x:.1f}×%{y:.1f} px"), key="ds_density")
    with g2:
        chart.show(F.spec(
            viz.sqrt_area_figure,
            stats.sqrt_area, bucket_texts=bucket_texts, title=t("ds.fig_sqrt_area"), x_title=t("ds.axis_sqrt_area"),
            y_title=t("ds.boxes"), hover=t("ds.hover_bin")), key="ds_sqrt_area")
        ratios = np.concatenate([np.asarray(lv.ratios, np.float64) for lv in cfg.levels if lv.ratios]) \
            if any(lv.ratios for lv in cfg.levels) else np.zeros(0)
        chart.show(F.spec(
            viz.aspect_figure,
            stats.aspect, ratios=ratios, title=t("ds.fig_aspect"), x_title=t("ds.axis_aspect"), y_title=t("ds.boxes"),
            hover=t("ds.hover_bin"), ratio_label=t("ds.anchor_ratios")), key="ds_aspect")
    g3, g4 = st.columns(2)
    with g3:
        bpi = stats.boxes_per_image
        cats = [str(int(v)) for v in bpi.edges[:-1]]
        chart.show(F.spec(
            viz.counts_bar_figure,
            cats, {t("ds.images"): bpi.counts}, title=t("ds.fig_per_image"), x_title=t("ds.axis_per_image"),
            y_title=t("ds.images"), hover="%{x}: %{y:,}"), key="ds_per_image")
    with g4:
        names = list(report.shape.shapes.level_names)
        series = {t("ds.by_shape", n=f"{len(ds):,}"): report.level_counts_shape / max(1, len(ds))}
        if report.level_counts_assigned is not None:
            series[t("ds.by_assignment", n=f"{len(pos.gt_index):,}")] = \
                report.level_counts_assigned / max(1, len(pos.gt_index))
        if report.level_counts_low_quality is not None:  # counted apart: a weak match is not a match
            series[t("ds.by_low_quality")] = report.level_counts_low_quality / max(1, len(pos.gt_index))
        chart.show(F.spec(
            viz.counts_bar_figure,
            names + [t("ds.no_level")], series, title=t("ds.fig_levels"), x_title=t("ds.axis_level"),
            y_title=t("ds.axis_share"), hover="%{x}: %{y:.1%}"), key="ds_levels")
    st.caption(t("ds.stats_caption"))
    pct_rows = {t("ds.side"): stats.side_percentiles, t("ds.aspect"): stats.aspect_percentiles}
    st.dataframe(pd.DataFrame({k: {f"p{q}": round(float(v), 3) for q, v in d.items()} for k, d in pct_rows.items()}).T,
                 width="stretch")
