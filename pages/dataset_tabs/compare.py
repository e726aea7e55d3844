"""The Compare tab: the sidebar's setup against a tuned, imported or preset one on the same dataset."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anchorviz import viz
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import preset_config
from pages.common import chart, dataset_cache as D
from pages.common import figcache as F
from pages.common import state as S
from pages.common.i18n import t
from pages.common.metric_names import metric_label
from pages.dataset_tabs.shared import Context, setup_choices, use_in_app


def render(ctx: Context) -> None:
    ds, ds_key, cfg, assigner = ctx.ds, ctx.ds_key, ctx.cfg, ctx.assigner
    max_images, anchor_t, iou_thr = ctx.max_images, ctx.anchor_t, ctx.iou_thr
    choices = setup_choices(ds_key)
    pick = S.page_widget(st.selectbox, t("ds.compare_with"), "ds_cmp", default=next(iter(choices)),
                         options=list(choices), format_func=lambda i: choices[i][0], valid=lambda v: v in choices)
    label_b, cfg_b = choices[pick]
    try:
        if cfg_b is None:
            _, c, name = pick.split(":", 2)
            cfg_b = preset_config(name, c)
        same = cfg_b.convention == cfg.convention
        names = (t("ds.setup_current"), label_b)
        with st.spinner(t("ds.computing")):
            cmp = D.compare(ds_key, ds, cfg, cfg_b, names, assigner if same else None, max_images, 0, anchor_t,
                            iou_thr)
    except AnchorVizInputError as e:
        st.error(str(e))
    else:
        st.caption(t("ds.compare_caption_same") if same else t("ds.compare_caption_own"))
        rows = pd.DataFrame([{t("ds.col_metric"): metric_label(r["metric"]),
                              **{n: (f"{r[n]:.4f}" if isinstance(r[n], float) else str(r[n])) for n in names},
                              "Δ": (f"{r['delta']:+.4f}" if isinstance(r["delta"], float) else str(r["delta"]))}
                             for r in cmp.rows])
        st.dataframe(rows, hide_index=True, width="stretch", height=38 + 35 * len(rows))
        cc1, cc2 = st.columns(2)
        with cc1:
            cv = cmp.curves["recall_vs_iou"]
            series = {f"{n} ({t('ds.shape')})": cv[n] for n in names}
            dashed = ()
            if "recall_vs_iou_grid" in cmp.curves:
                cg = cmp.curves["recall_vs_iou_grid"]
                grid = {f"{n} ({t('ds.grid')})": cg[n] for n in names}
                series.update(grid)
                dashed = tuple(grid)
            chart.show(F.spec(viz.curves_figure, cv["x"], series, title=t("ds.fig_recall"),
                              x_title=t("ds.axis_iou_thr"), y_title=t("ds.axis_recall"),
                              hover="IoU ≥ %{x:.2f}: %{y:.4f}", marks=(iou_thr,), dashed=dashed),
                       key="ds_cmp_recall")
        with cc2:
            if "positives_per_gt" in cmp.curves:
                cp = cmp.curves["positives_per_gt"]
                cap = len(cp["x"]) - 1
                cats = [str(i) for i in range(cap)] + [f"≥{cap}"]
                chart.show(F.spec(viz.counts_bar_figure, cats, {n: cp[n] for n in names},
                                                 title=t("ds.fig_positives_cmp"), x_title=t("ds.axis_positives"),
                                                 y_title=t("ds.gts"), hover="%{x}: %{y:,}"),
                           key="ds_cmp_pos")
        if pick != "tuned" and pick != "imported":
            st.session_state["ds_compared"] = cfg_b
            st.button(t("ds.use_compared"), key="ds_use_cmp", on_click=use_in_app, args=("ds_compared",),
                      help=t("ds.use_help"))
