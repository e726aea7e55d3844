"""Dataset view: a whole dataset's boxes under the train-time resize, how well the current setup fits them,
an optimiser for the setup, two setups side by side, and export / import of setups.

The setup is the sidebar's; the dataset is the built-in synthetic one or an upload (a single annotation file
or a .zip of a folder): pages/dataset_tabs/source.py. Each tab is a module of pages/dataset_tabs/.
"""

from __future__ import annotations

import streamlit as st

from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.core.errors import AnchorVizInputError
from pages.common import dataset_cache as D
from pages.common import state as S
from pages.common.i18n import t
from pages.common.page import open_page
from pages.common.resize_text import report_lines
from pages.dataset_tabs import compare, export, fit, source, stats, tune
from pages.dataset_tabs.shared import Context, show_apply_message

ASSIGNER_KINDS = {"maxiou": "max_iou", "yolov5": "yolov5", "atss": "atss"}

setup, _ = open_page("ds")
cfg = setup.cfg
values = S.p()

# ---------------------------------------------------------------------------------------------------------
# The dataset

ds, ds_key = source.choose(setup.spec)
rep = ds.report
m = st.columns(5)
m[0].metric(t("ds.n_images"), f"{ds.n_images:,}")
m[1].metric(t("ds.n_boxes"), f"{len(ds):,}")
m[2].metric(t("ds.n_crowd"), f"{rep.n_crowd_dropped:,}")
m[3].metric(t("ds.n_degenerate"), f"{rep.n_degenerate_dropped:,}")
m[4].metric(t("ds.n_clipped"), f"{rep.n_out_of_image:,}")
st.caption(" · ".join(report_lines(ds)))
if rep.notes:
    with st.expander(t("ds.notes", n=len(rep.notes))):
        st.markdown("\n".join(f"- {n}" for n in rep.notes[:200]))
if len(ds) == 0:
    st.warning(t("ds.no_boxes"))
    st.stop()
show_apply_message()

assigner = AssignerSpec(kind=ASSIGNER_KINDS[values["asg"]], pos_iou=float(values["pos"]),
                        neg_iou=float(values["neg"]), low_quality=bool(values["lq"]),
                        anchor_t=float(values["anchor_t"]), topk=int(values["topk"]))

# The tabs know which one is open (a click reruns the page), so the Compare tab's second setup, a whole fit of
# its own, is computed only while that tab is shown; the other tabs are cheap once the current fit is cached.
tab_stats, tab_fit, tab_tune, tab_cmp, tab_exp = st.tabs(
    [t("ds.tab_stats"), t("ds.tab_fit"), t("ds.tab_tune"), t("ds.tab_compare"), t("ds.tab_export")],
    key="ds_tab", on_change="rerun")

# ---------------------------------------------------------------------------------------------------------
# The fit settings first (the statistics and the other tabs use them), then the shared computation

with tab_fit:
    max_images, iou_thr = fit.settings(assigner, cfg.convention)
anchor_t = float(values["anchor_t"])
try:
    with st.spinner(t("ds.computing")):
        ds_stats = D.statistics(ds_key, ds)
        report = D.fit(ds_key, ds, cfg, assigner, max_images, 0, anchor_t, iou_thr)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
ctx = Context(ds=ds, ds_key=ds_key, cfg=cfg, assigner=assigner, max_images=max_images, iou_thr=iou_thr,
              anchor_t=anchor_t)

with tab_stats:
    stats.render(ctx, ds_stats, report)
with tab_fit:
    fit.render(ctx, report)
with tab_tune:
    tune.render(ctx)
with tab_cmp:
    if tab_cmp.open is not False:
        compare.render(ctx)
with tab_exp:
    export.render(ctx)
