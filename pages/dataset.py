"""Dataset view: a whole dataset's boxes under the train-time resize, how well the current setup fits them,
an optimiser for the setup, two setups side by side, and export / import of setups.

The setup is the sidebar's; the dataset is the built-in synthetic one or an upload (a single annotation file
or a .zip of a folder). Nothing uploaded is written to disk: files and zips are read in memory.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.dataset_fit import AssignerSpec, recall_curve
from anchorviz.errors import AnchorVizInputError
from anchorviz.export import EXPORT_FORMATS, config_from_text, export_config, export_formats_for
from anchorviz.presets import PRESETS, preset_config
from anchorviz.conventions import CONVENTIONS
from anchorviz.tune import GENERATOR_CONVENTIONS, YOLO_METHODS, tune
from anchorviz.viz import dataset as P
from pages.common import chart, dataset_cache as D
from pages.common import jobs
from pages.common import state as S
from pages.common.i18n import t
from pages.common.page import open_page
from pages.common.setup_io import sidebar_values

MAX_UPLOAD_MB = 500
SYNTHETIC_SIZES = (10_000, 100_000, 1_000_000)
FORMATS = ("auto", "coco", "yolo", "voc", "csv")
ASSIGNER_KINDS = {"maxiou": "max_iou", "yolov5": "yolov5", "atss": "atss"}
CODE_LANG = {"mmdet": "python", "torchvision": "python", "detectron2": "yaml", "yolov5": "yaml", "keras": "python",
             "json": "json"}

setup, _ = open_page("ds")
cfg = setup.cfg
values = S.p()


def pct(v: float) -> str:
    return f"{100 * v:.1f} %"


def use_in_app(which: str) -> None:
    """Button callback: put a tuned / imported / compared setup into the sidebar (runs before the script)."""
    new = st.session_state.get(which)
    if new is None:
        return
    cfg_new = new[1].config if which == "ds_tuned" else new
    try:
        vals = sidebar_values(cfg_new, preferred_preset=values["preset"])
    except AnchorVizInputError as e:
        st.session_state["ds_apply_msg"] = ("error", str(e))
        return
    old_conv = values["conv"]
    for key, v in vals.items():
        S.set_value(key, v)
    if vals["conv"] != old_conv:
        S.set_value("asg", "yolov5" if vals["conv"] == "yolov5" else
                    ("maxiou" if values["asg"] == "yolov5" else values["asg"]))
        S.set_value("mb_rule", CONVENTIONS[vals["conv"]].sampler or "torchvision")
    st.session_state["ds_apply_msg"] = ("success", t("ds.applied", preset=vals["preset"], lv=", ".join(vals["lv"])))


def show_apply_message() -> None:
    msg = st.session_state.pop("ds_apply_msg", None)
    if msg:
        getattr(st, msg[0])(msg[1])


# ---------------------------------------------------------------------------------------------------------
# The dataset: built-in synthetic, or an upload (the last good one stays when a new one is bad)

for k, v in {"ds_src": "synthetic", "ds_n": 100_000, "ds_seed": 0, "ds_fmt": "auto", "ds_names": ""}.items():
    st.session_state.setdefault(k, v)
c1, c2 = st.columns([1, 3])
with c1:
    src = st.radio(t("ds.source"), ["synthetic", "upload"], key=S.keep("ds_src"), format_func=lambda s: t("ds.src_" + s))
ds = None
ds_key: tuple = ()
with c2:
    if src == "synthetic":
        s1, s2 = st.columns(2)
        n_syn = s1.selectbox(t("ds.syn_n"), SYNTHETIC_SIZES, key=S.keep("ds_n"), format_func=lambda n: f"{n:,}",
                             help=t("ds.syn_help"))
        seed_syn = s2.number_input(t("ds.syn_seed"), 0, 2**31 - 1, step=1, key="ds_seed")
        ds_key = ("synthetic", int(n_syn), int(seed_syn), setup.spec)
        with st.spinner(t("ds.loading")):
            ds = D.synthetic(int(n_syn), int(seed_syn), setup.spec)
    else:
        u1, u2 = st.columns([2, 1])
        up = u1.file_uploader(t("ds.upload"), type=["json", "zip", "txt", "xml", "csv"], key="ds_upload",
                              help=t("ds.upload_help"), max_upload_size=MAX_UPLOAD_MB)
        fmt = u2.selectbox(t("ds.format"), FORMATS, key=S.keep("ds_fmt"),
                           format_func=lambda f: t("ds.format_auto") if f == "auto" else f.upper())
        with st.expander(t("ds.more_options")):
            sizes_up = st.file_uploader(t("ds.sizes"), type=["txt", "csv", "json"], key="ds_sizes",
                                        help=t("ds.sizes_help"))
            names_text = st.text_input(t("ds.class_names"), key="ds_names", help=t("ds.class_names_help"))
        good = st.session_state.get("ds_good")  # (key parts without the resize, upload name)
        if up is not None:
            data = up.getvalue()
            sizes = sizes_up.getvalue() if sizes_up is not None else None
            names = tuple(n.strip() for n in names_text.split(",") if n.strip()) or None
            parts = (hashlib.sha1(data).hexdigest(), up.name, None if fmt == "auto" else fmt,
                     hashlib.sha1(sizes).hexdigest() if sizes else None, names)
            if st.session_state.get("ds_tried") != (parts, setup.spec):
                st.session_state["ds_tried"] = (parts, setup.spec)
                try:
                    with st.spinner(t("ds.loading")):
                        D.uploaded(("upload", *parts, setup.spec), data, up.name, parts[2], sizes, names, setup.spec)
                except AnchorVizInputError as e:
                    st.session_state["ds_error"] = str(e)
                else:
                    st.session_state["ds_error"] = None
                    good = st.session_state["ds_good"] = (parts, data, sizes)
        if st.session_state.get("ds_error"):
            st.error(st.session_state["ds_error"])
            if good is not None:
                st.info(t("ds.keeping_last", name=good[0][1]))
        if good is not None:
            parts, data, sizes = good
            ds_key = ("upload", *parts, setup.spec)
            try:
                ds = D.uploaded(ds_key, data, parts[1], parts[2], sizes, parts[4], setup.spec)
            except AnchorVizInputError as e:  # the same file under a new train-time resize can still fail
                st.error(str(e))
        if ds is None:
            st.info(t("ds.upload_first"))
            st.stop()

rep = ds.report
m = st.columns(5)
m[0].metric(t("ds.n_images"), f"{ds.n_images:,}")
m[1].metric(t("ds.n_boxes"), f"{len(ds):,}")
m[2].metric(t("ds.n_crowd"), f"{rep.n_crowd_dropped:,}")
m[3].metric(t("ds.n_degenerate"), f"{rep.n_degenerate_dropped:,}")
m[4].metric(t("ds.n_clipped"), f"{rep.n_out_of_image:,}")
st.caption(" · ".join(rep.lines()))
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
st.session_state.setdefault("ds_max_images", 100)
st.session_state.setdefault("ds_iou_thr", 0.5)

tab_stats, tab_fit, tab_tune, tab_cmp, tab_exp = st.tabs(
    [t("ds.tab_stats"), t("ds.tab_fit"), t("ds.tab_tune"), t("ds.tab_compare"), t("ds.tab_export")])

# ---------------------------------------------------------------------------------------------------------
# Fit settings (read before the tabs that use them)

with tab_fit:
    f1, f2, f3 = st.columns([1, 1, 2])
    max_images = int(f1.number_input(t("ds.max_images"), 1, 100_000, step=50, key="ds_max_images",
                                     help=t("ds.max_images_help")))
    iou_thr = float(f2.slider(t("ds.iou_thr"), 0.05, 0.95, step=0.05, key="ds_iou_thr", help=t("ds.iou_thr_help")))
    with f3:
        st.markdown(t("ds.assigner_is", desc=assigner.describe(cfg.convention)))
        st.page_link("pages/labels.py", label=t("ds.assigner_change"), icon="🏷️")
anchor_t = float(values["anchor_t"])
try:
    with st.spinner(t("ds.computing")):
        stats = D.statistics(ds_key, ds, cfg)
        report = D.fit(ds_key, ds, cfg, assigner, max_images, 0, anchor_t, iou_thr)
except AnchorVizInputError as e:
    st.error(str(e))
    st.stop()
shapes = report.shape.shapes
pos = report.positional

# ---------------------------------------------------------------------------------------------------------
# Statistics

with tab_stats:
    b = stats.buckets
    shares = b.shares()
    bucket_texts = tuple(t("ds.bucket_" + k, n=f"{c:,}", p=pct(s))
                         for k, c, s in zip(("small", "medium", "large"), (b.small, b.medium, b.large), shares))
    g1, g2 = st.columns([1.15, 1])
    with g1:
        chart.show(P.wh_density_figure(
            stats.density, anchors_wh=shapes.wh, anchor_level=shapes.level, level_names=shapes.level_names,
            title=t("ds.fig_density", n=f"{len(ds):,}"), x_title=t("ds.axis_w"), y_title=t("ds.axis_h"),
            count_label=t("ds.boxes"), anchors_label=t("ds.anchor_shapes"),
            hover_anchor="%{x:.1f} × %{y:.1f} px"), key="ds_density")
    with g2:
        chart.show(P.sqrt_area_figure(
            stats.sqrt_area, bucket_texts=bucket_texts, title=t("ds.fig_sqrt_area"), x_title=t("ds.axis_sqrt_area"),
            y_title=t("ds.boxes"), hover=t("ds.hover_bin")), key="ds_sqrt_area")
        ratios = np.concatenate([np.asarray(lv.ratios, np.float64) for lv in cfg.levels if lv.ratios]) \
            if any(lv.ratios for lv in cfg.levels) else np.zeros(0)
        chart.show(P.aspect_figure(
            stats.aspect, ratios=ratios, title=t("ds.fig_aspect"), x_title=t("ds.axis_aspect"), y_title=t("ds.boxes"),
            hover=t("ds.hover_bin"), ratio_label=t("ds.anchor_ratios")), key="ds_aspect")
    g3, g4 = st.columns(2)
    with g3:
        bpi = stats.boxes_per_image
        cats = [str(int(v)) for v in bpi.edges[:-1]]
        chart.show(P.counts_bar_figure(
            cats, {t("ds.images"): bpi.counts}, title=t("ds.fig_per_image"), x_title=t("ds.axis_per_image"),
            y_title=t("ds.images"), hover="%{x}: %{y:,}"), key="ds_per_image")
    with g4:
        names = list(report.shape.shapes.level_names)
        series = {t("ds.by_shape", n=f"{len(ds):,}"): report.level_counts_shape / max(1, len(ds))}
        if report.level_counts_assigned is not None:
            series[t("ds.by_assignment", n=f"{len(pos.gt_index):,}")] = \
                report.level_counts_assigned / max(1, len(pos.gt_index))
        chart.show(P.counts_bar_figure(
            names + [t("ds.no_level")], series, title=t("ds.fig_levels"), x_title=t("ds.axis_level"),
            y_title=t("ds.axis_share"), hover="%{x}: %{y:.1%}"), key="ds_levels")
    st.caption(t("ds.stats_caption"))
    pct_rows = {t("ds.side"): stats.side_percentiles, t("ds.aspect"): stats.aspect_percentiles}
    st.dataframe(pd.DataFrame({k: {f"p{q}": round(float(v), 3) for q, v in d.items()} for k, d in pct_rows.items()}).T,
                 width="stretch")

# ---------------------------------------------------------------------------------------------------------
# Fit metrics


def metrics_table(rows: list) -> pd.DataFrame:
    return pd.DataFrame({t("ds.col_metric"): [r[0] for r in rows],
                         t("ds.col_value"): [f"{v:.4f}" if isinstance(v, float) else (f"{v:,}" if isinstance(v, int)
                                                                                        else str(v)) for _, v in rows]})


with tab_fit:
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
        chart.show(P.curves_figure(report.shape.thresholds, curves, title=t("ds.fig_recall"),
                                        x_title=t("ds.axis_iou_thr"), y_title=t("ds.axis_recall"),
                                        hover="IoU ≥ %{x:.2f}: %{y:.4f}", marks=(iou_thr,)),
                        key="ds_recall")
    with h2:
        if pos is not None:
            cap = len(pos.positives_hist) - 1
            cats = [str(i) for i in range(cap)] + [f"≥{cap}"]
            chart.show(P.counts_bar_figure(
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
            "w × h": [f"{r['w']:.1f} × {r['h']:.1f}" for r in report.worst],
            t("ds.col_best_iou"): [round(r["best_iou"], 4) for r in report.worst],
            t("ds.col_best_anchor"): [f"{a[0]}: {a[1]:g} × {a[2]:g}" for a in (r["best_anchor"] for r in report.worst)],
            t("ds.col_why"): [r["why"] for r in report.worst],
        }), hide_index=True, width="stretch")


# ---------------------------------------------------------------------------------------------------------
# Optimise (in a background thread: progress and Cancel while it runs)


def start_job(kwargs: dict) -> None:
    job_ds, job_cfg = ds, cfg

    def run(on_progress, should_stop):
        return tune(job_ds, job_cfg, on_progress=on_progress, should_stop=should_stop, **kwargs)

    st.session_state["ds_job"] = (ds_key, jobs.Job(run, label="tune").start())


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


with tab_tune:
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
        if st.session_state.get("ds_method") not in methods:
            st.session_state["ds_method"] = methods[0]
        method = o0.selectbox(t("ds.method"), methods, key=S.keep("ds_method"),
                              format_func=lambda m: t("ds.method_" + m), help=t("ds.method_help"), disabled=not yolo)
        if not yolo:
            objectives = ["mean_iou", "bpr", "positives"]
        else:
            objectives = ["fitness"] if method == "yolov5" else ["fitness", "bpr", "mean_iou"]
        if st.session_state.get("ds_objective") not in objectives:
            st.session_state["ds_objective"] = objectives[0]
        objective = o1.selectbox(t("ds.objective"), objectives, key=S.keep("ds_objective"),
                                 format_func=lambda o: t("ds.obj_" + o), help=t("ds.objective_help"))
        kwargs: dict = {"objective": objective, "anchor_t": anchor_t, "iou_thr": iou_thr}
        if yolo:
            kwargs["method"] = method
            n_now = sum(len(lv.wh) for lv in cfg.levels)
            kwargs["k"] = int(o2.number_input(t("ds.k"), len(cfg.levels), 60, value=n_now, step=len(cfg.levels),
                                              key=f"ds_k_{n_now}", help=t("ds.k_help")))
            kwargs["gen"] = int(o3.number_input(t("ds.gen"), 10, 10_000, value=1000, step=100, key="ds_gen",
                                                help=t("ds.gen_help")))
        else:
            lv0 = cfg.levels[0]
            ns0 = len(lv0.sizes) if conv in ("torchvision", "detectron2") else len(lv0.scales)
            kwargs["n_scales"] = int(o2.number_input(t("ds.n_scales"), 1, 8, value=ns0, key=f"ds_ns_{conv}"))
            kwargs["n_ratios"] = int(o3.number_input(t("ds.n_ratios"), 1, 8, value=len(lv0.ratios),
                                                     key=f"ds_nr_{conv}"))
            default_evals = 40 if objective == "positives" else 400
            kwargs["max_evals"] = int(o4.number_input(t("ds.max_evals"), 5, 20_000, value=default_evals, step=20,
                                                      key=f"ds_evals_{objective}", help=t("ds.max_evals_help")))
            if objective == "positives":
                kwargs["assigner"] = assigner
                kwargs["max_images"] = min(max_images, 64)
        kwargs["seed"] = int(o5.number_input(t("ds.tune_seed"), 0, 2**31 - 1, value=0, key="ds_tune_seed"))
        running = entry is not None
        if st.button(t("ds.run"), type="primary", disabled=running, key="ds_run"):
            start_job(kwargs)
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
            chart.show(P.history_figure(res.history, title=t("ds.fig_history"), x_title=t("ds.axis_step"),
                                             y_title=t("ds.obj_" + res.objective)), key="ds_history")
        st.code(export_config(res.config, "json"), language="json", wrap_lines=True)
        st.button(t("ds.use_tuned"), key="ds_use_tuned", on_click=use_in_app, args=("ds_tuned",),
                  help=t("ds.use_help"))

# ---------------------------------------------------------------------------------------------------------
# Compare two setups


def setup_choices() -> dict[str, tuple[str, object]]:
    """id -> (label, AnchorConfig): the tuned and imported setups, then every library's presets."""
    out: dict[str, tuple[str, object]] = {}
    tuned = st.session_state.get("ds_tuned")
    if tuned is not None and tuned[0] == ds_key:
        out["tuned"] = (t("ds.setup_tuned"), tuned[1].config)
    if st.session_state.get("ds_imported") is not None:
        out["imported"] = (t("ds.setup_imported"), st.session_state["ds_imported"])
    for name, p in PRESETS.items():
        for c in p.conventions:
            out[f"preset:{c}:{name}"] = (f"{CONVENTIONS[c].title} · {name}", None)
    return out


with tab_cmp:
    choices = setup_choices()
    if st.session_state.get("ds_cmp") not in choices:
        st.session_state["ds_cmp"] = next(iter(choices))
    pick = st.selectbox(t("ds.compare_with"), list(choices), key=S.keep("ds_cmp"), format_func=lambda i: choices[i][0])
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
        rows = pd.DataFrame([{t("ds.col_metric"): r["metric"],
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
            chart.show(P.curves_figure(cv["x"], series, title=t("ds.fig_recall"), x_title=t("ds.axis_iou_thr"),
                                            y_title=t("ds.axis_recall"), hover="IoU ≥ %{x:.2f}: %{y:.4f}",
                                            marks=(iou_thr,), dashed=dashed), key="ds_cmp_recall")
        with cc2:
            if "positives_per_gt" in cmp.curves:
                cp = cmp.curves["positives_per_gt"]
                cap = len(cp["x"]) - 1
                cats = [str(i) for i in range(cap)] + [f"≥{cap}"]
                chart.show(P.counts_bar_figure(cats, {n: cp[n] for n in names},
                                                    title=t("ds.fig_positives_cmp"), x_title=t("ds.axis_positives"),
                                                    y_title=t("ds.gts"), hover="%{x}: %{y:,}"),
                                key="ds_cmp_pos")
        if pick != "tuned" and pick != "imported":
            st.session_state["ds_compared"] = cfg_b
            st.button(t("ds.use_compared"), key="ds_use_cmp", on_click=use_in_app, args=("ds_compared",),
                      help=t("ds.use_help"))

# ---------------------------------------------------------------------------------------------------------
# Export and import

with tab_exp:
    e1, e2 = st.columns(2)
    with e1:
        st.markdown(f"**{t('ds.export_head')}**")
        exportable = {"current": (t("ds.setup_current"), cfg)}
        exportable.update({k: v for k, v in setup_choices().items() if k in ("tuned", "imported")})
        if st.session_state.get("ds_exp_which") not in exportable:
            st.session_state["ds_exp_which"] = "current"
        which = st.radio(t("ds.export_which"), list(exportable), key=S.keep("ds_exp_which"), horizontal=True,
                         format_func=lambda i: exportable[i][0])
        cfg_x = exportable[which][1]
        fmts = export_formats_for(cfg_x)
        if st.session_state.get("ds_exp_fmt") not in fmts:
            st.session_state["ds_exp_fmt"] = fmts[0]
        fmt_x = st.selectbox(t("ds.export_format"), fmts, key=S.keep("ds_exp_fmt"), format_func=lambda f: t("ds.fmt_" + f))
        missing = [f for f in EXPORT_FORMATS if f not in fmts]
        if missing:
            st.caption(t("ds.export_missing", fmts=", ".join(missing), conv=CONVENTIONS[cfg_x.convention].title))
        text = export_config(cfg_x, fmt_x)
        st.code(text, language=CODE_LANG.get(fmt_x, "text"), wrap_lines=True)
        ext = {"json": "json", "detectron2": "yaml", "yolov5": "yaml"}.get(fmt_x, "py")
        st.download_button(t("ds.download"), text, file_name=f"anchors_{fmt_x}.{ext}", key="ds_download")
    with e2:
        st.markdown(f"**{t('ds.import_head')}**")
        imp_fmt = st.selectbox(t("ds.import_format"), EXPORT_FORMATS, key=S.keep("ds_imp_fmt"),
                               format_func=lambda f: t("ds.fmt_" + f))
        imp_up = st.file_uploader(t("ds.import_file"), type=["json", "py", "yaml", "yml", "txt"], key="ds_imp_up",
                                  max_upload_size=1)
        imp_text = st.text_area(t("ds.import_text"), key="ds_imp_text", height=140, help=t("ds.import_help"))
        if st.button(t("ds.import"), key="ds_import"):
            try:
                raw = imp_up.getvalue().decode("utf-8-sig") if imp_up is not None else imp_text
                if not raw.strip():
                    raise AnchorVizInputError(t("ds.import_empty"))
                st.session_state["ds_imported"] = config_from_text(raw, imp_fmt)
                st.session_state["ds_import_msg"] = ("success", t("ds.imported"))
            except UnicodeDecodeError as e:
                st.session_state["ds_import_msg"] = ("error", t("ds.import_not_text", err=str(e)))
            except AnchorVizInputError as e:
                st.session_state["ds_import_msg"] = ("error", str(e))
        msg = st.session_state.get("ds_import_msg")
        if msg:
            getattr(st, msg[0])(msg[1])
        imported = st.session_state.get("ds_imported")
        if imported is not None:
            st.code(export_config(imported, "json"), language="json", wrap_lines=True)
            st.button(t("ds.use_imported"), key="ds_use_imported", on_click=use_in_app, args=("ds_imported",),
                      help=t("ds.use_help"))
