"""The Fit tab: its settings (read before the other tabs use them) and how well the setup fits the dataset."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.dataset.shape_fit import recall_curve
from pages.common import chart
from pages.common import figcache as F
from pages.common import state as S
from pages.common.i18n import t
from pages.common.metric_names import metric_label
from pages.dataset_tabs.shared import Context, pct


# the grid assignment's verdict on a worst GT, in the Labels page's words
_MATCH = {"none": lambda: t("labels.match_none"), "low_quality": lambda: t("labels.match_lq"),
          "threshold": lambda: t("labels.match_rule")}


def settings(assigner: AssignerSpec, convention: str) -> tuple[int, float]:
    """(max images for the assignment, IoU threshold of the recall)."""
    f1, f2, f3 = st.columns([1, 1, 2])
    max_images = int(S.page_widget(f1.number_input, t("ds.max_images"), "ds_max_images", default=100, min_value=1,
                                   max_value=100_000, step=50, help=t("ds.max_images_help")))
    iou_thr = float(S.page_widget(f2.slider, t("ds.iou_thr"), "ds_iou_thr", default=0.5, min_value=0.05,
                                  max_value=0.95, step=0.05, help=t("ds.iou_thr_help")))
    with f3:
        st.markdown(t("ds.assigner_is", desc=assigner.describe(convention)))
        st.page_link("pages/labels.py", label=t("ds.assigner_change"), icon="🏷️")
    return max_images, iou_thr


def metrics_table(rows: list) -> pd.DataFrame:
    return pd.DataFrame({t("ds.col_metric"): [metric_label(r[0]) for r in rows],
                         t("ds.col_value"): [f"{v:.4f}" if isinstance(v, float) else (f"{v:,}" if isinstance(v, int)
                                                                                        else str(v)) for _, v in rows]})


def render(ctx: Context, report) -> None:
    anchor_t, iou_thr = ctx.anchor_t, ctx.iou_thr
    pos = report.positional
    k = st.columns(4)
    k[0].metric(t("ds.mean_best_iou"), f"{report.shape.mean_best_iou:.3f}")
    k[1].metric(t("ds.yolo_bpr", t_=f"{anchor_t:g}"), f"{report.shape.yolo.bpr:.4f}")
    if pos is not None:
        k[2].metric(t("ds.zero_pos"), pct(pos.zero_positive_fraction))
        k[3].metric(t("ds.mean_pos"), f"{pos.positives.mean():.1f}" if len(pos.positives) else "0")
    if pos is not None and pos.sampled:
        st.caption(t("ds.sampled", n=f"{len(pos.images):,}", m=f"{pos.n_images_with_boxes:,}"))
    h1, h2 = st.columns(2)
    with h1:
        curves = {t("ds.recall_shape"): report.shape.recall}
        if pos is not None:
            curves[t("ds.recall_grid")] = recall_curve(pos.grid_best_iou, report.shape.thresholds)
        chart.show(F.spec(viz.curves_figure, report.shape.thresholds, curves, title=t("ds.fig_recall"),
                                     x_title=t("ds.axis_iou_thr"), y_title=t("ds.axis_recall"),
                                     hover="IoU ≥ %{x:.2f}: %{y:.4f}", marks=(iou_thr,)),
                   key="ds_recall")
    with h2:
        if pos is not None:
            cap = len(pos.positives_hist) - 1
            cats = [str(i) for i in range(cap)] + [f"≥{cap}"]
            chart.show(F.spec(
                viz.counts_bar_figure,
                cats, {t("ds.gts"): pos.positives_hist}, title=t("ds.fig_positives_cmp"),
                x_title=t("ds.axis_positives"), y_title=t("ds.gts"), hover="%{x}: %{y:,}"),
                key="ds_positives")
    st.markdown(f"**{t('ds.metrics_head')}**")
    rows = report.rows()
    st.dataframe(metrics_table(rows), hide_index=True, width="stretch", height=38 + 35 * len(rows))
    st.markdown(f"**{t('ds.worst_head', n=len(report.worst))}**")
    if report.worst:
        st.dataframe(pd.DataFrame({
            t("ds.col_image"): [r["image"] for r in report.worst],
            "x1, y1, x2, y2": [", ".join(f"{v:.1f}" for v in r["box"]) for r in report.worst],
            "w×h": [f"{r['w']:.1f}×{r['h']:.1f}" for r in report.worst],
            t("ds.col_best_iou"): [round(r["best_iou"], 4) for r in report.worst],
            t("ds.col_best_anchor"): [f"{a[0]}: {a[1]:g}×{a[2]:g}"
                                      for a in (r["best_anchor"] for r in report.worst)],
            **({t("labels.col_match"): [_MATCH[r["match"]]() for r in report.worst]} if "match" in report.worst[0]
               else {}),
            t("ds.col_why"): [r["why"] for r in report.worst],
        }), hide_index=True, width="stretch",
            column_config={t("ds.col_why"): st.column_config.TextColumn(width="large")})

