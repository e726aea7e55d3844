"""The Optimise tab: tune the setup to the dataset in a background thread (progress and Cancel while it runs)."""

from __future__ import annotations

import streamlit as st

from anchorviz import viz
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.dataset.export.exporters import export_config
from anchorviz.dataset.tune.results import GENERATOR_CONVENTIONS, YOLO_METHODS
from anchorviz.dataset.tune.run import tune
from pages.common import chart, jobs
from pages.common import figcache as F
from pages.common import state as S
from pages.common.i18n import t
from pages.dataset_tabs.shared import Context, use_in_app


def start_job(ctx: Context, kwargs: dict) -> None:
    job_ds, job_cfg = ctx.ds, ctx.cfg

    def run(on_progress, should_stop):
        return tune(job_ds, job_cfg, on_progress=on_progress, should_stop=should_stop, **kwargs)

    st.session_state["ds_job"] = (ctx.ds_key, jobs.Job(run, label="tune").start())


def job_progress() -> None:
    entry = st.session_state.get("ds_job")
    if entry is None:
        return
    job = entry[1]
    if job.done:
        st.rerun(scope="app")
    st.progress(job.fraction, text=t("ds.running", msg=job.message or "…", s=f"{job.seconds:.0f}"))
    if st.button(t("ds.cancel"), key="ds_cancel", disabled=job.cancelled):
        job.cancel()
        st.toast(t("ds.cancelling"))


def render(ctx: Context) -> None:
    cfg, ds_key, assigner, anchor_t, iou_thr, max_images = (ctx.cfg, ctx.ds_key, ctx.assigner, ctx.anchor_t,
                                                            ctx.iou_thr, ctx.max_images)
    entry = st.session_state.get("ds_job")
    if entry is not None and entry[1].done:  # move a finished run into the result slot
        del st.session_state["ds_job"]
        if entry[1].error:
            st.error(t("ds.tune_failed", msg=entry[1].error))
        elif entry[1].result is not None:
            st.session_state["ds_tuned"] = (entry[0], entry[1].result, entry[1].seconds)
        entry = None
    conv = cfg.convention
    tunable = conv in GENERATOR_CONVENTIONS or conv == "yolov5"
    if not tunable:
        st.info(t("ds.not_tunable", conv=CONVENTIONS[conv].title))
    else:
        yolo = conv == "yolov5"
        o0, o1, o2, o3, o4, o5 = st.columns([1.3, 1.3, 1, 1, 1, 1])
        methods = list(YOLO_METHODS) if yolo else ["search"]
        method = S.page_widget(o0.selectbox, t("ds.method"), "ds_method", default=methods[0], options=methods,
                               format_func=lambda m: t("ds.method_" + m), help=t("ds.method_help"), disabled=not yolo,
                               valid=lambda v: v in methods)
        if not yolo:
            objectives = ["mean_iou", "bpr", "positives"]
        else:
            objectives = ["fitness"] if method == "yolov5" else ["fitness", "bpr", "mean_iou"]
        objective = S.page_widget(o1.selectbox, t("ds.objective"), "ds_objective", default=objectives[0],
                                  options=objectives, format_func=lambda o: t("ds.obj_" + o),
                                  help=t("ds.objective_help"), valid=lambda v: v in objectives)
        kwargs: dict = {"objective": objective, "anchor_t": anchor_t, "iou_thr": iou_thr}
        if yolo:
            kwargs["method"] = method
            n_now = sum(len(lv.wh) for lv in cfg.levels)
            kwargs["k"] = int(S.page_widget(o2.number_input, t("ds.k"), f"ds_k_{n_now}", default=n_now,
                                            min_value=len(cfg.levels), max_value=60, step=len(cfg.levels),
                                            help=t("ds.k_help")))
            kwargs["gen"] = int(S.page_widget(o3.number_input, t("ds.gen"), "ds_gen", default=1000, min_value=10,
                                              max_value=10_000, step=100, help=t("ds.gen_help")))
        else:
            lv0 = cfg.levels[0]
            ns0 = len(lv0.sizes) if conv in ("torchvision", "detectron2") else len(lv0.scales)
            kwargs["n_scales"] = int(S.page_widget(o2.number_input, t("ds.n_scales"), f"ds_ns_{conv}", default=ns0,
                                                   min_value=1, max_value=8))
            kwargs["n_ratios"] = int(S.page_widget(o3.number_input, t("ds.n_ratios"), f"ds_nr_{conv}",
                                                   default=len(lv0.ratios), min_value=1, max_value=8))
            default_evals = 40 if objective == "positives" else 400
            kwargs["max_evals"] = int(S.page_widget(o4.number_input, t("ds.max_evals"), f"ds_evals_{objective}",
                                                    default=default_evals, min_value=5, max_value=20_000, step=20,
                                                    help=t("ds.max_evals_help")))
            if objective == "positives":
                kwargs["assigner"] = assigner
                kwargs["max_images"] = min(max_images, 64)
        kwargs["seed"] = int(S.page_widget(o5.number_input, t("ds.tune_seed"), "ds_tune_seed", default=0, min_value=0,
                                           max_value=2**31 - 1))
        running = entry is not None
        if st.button(t("ds.run"), type="primary", disabled=running, key="ds_run"):
            start_job(ctx, kwargs)
            st.rerun()
        if running:
            st.fragment(run_every=0.5)(job_progress)()
    tuned = st.session_state.get("ds_tuned")
    if tuned is not None and tuned[0] != ds_key:
        st.caption(t("ds.tuned_other_data"))
    elif tuned is not None:
        res, secs = tuned[1], tuned[2]
        st.markdown(f"**{t('ds.result_head')}**")
        r = st.columns(4)
        r[0].metric(t("ds.obj_" + res.objective), f"{res.after:.4f}", delta=f"{res.after - res.before:+.4f}")
        r[1].metric(t("ds.before"), f"{res.before:.4f}")
        r[2].metric(t("ds.evaluations"), f"{res.evaluations:,}")
        r[3].metric(t("ds.seconds"), f"{secs:.1f} s")
        if res.cancelled:
            st.warning(t("ds.was_cancelled"))
        st.caption(" ".join(res.notes))
        if len(res.history):
            chart.show(F.spec(viz.history_figure, res.history, title=t("ds.fig_history"), x_title=t("ds.axis_step"),
                                          y_title=t("ds.obj_" + res.objective)), key="ds_history")
        st.code(export_config(res.config, "json"), language="json", wrap_lines=True)
        st.button(t("ds.use_tuned"), key="ds_use_tuned", on_click=use_in_app, args=("ds_tuned",),
                  help=t("ds.use_help"))

