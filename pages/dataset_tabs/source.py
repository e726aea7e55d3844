"""Where the Dataset page's boxes come from: the built-in synthetic dataset, or an upload (the last good one stays
when a new one is bad). Nothing uploaded is written to disk: files and zips are read in memory."""

from __future__ import annotations

import hashlib

import streamlit as st

from anchorviz.dataset.load import BoxDataset
from anchorviz.core.errors import AnchorVizInputError
from pages.common import dataset_cache as D
from pages.common import state as S
from pages.common.i18n import t

MAX_UPLOAD_MB = 500
SYNTHETIC_SIZES = (10_000, 100_000, 1_000_000)
FORMATS = ("auto", "coco", "yolo", "voc", "csv")


def choose(spec) -> tuple[BoxDataset, tuple]:
    """The source widgets; returns (dataset, cache key) under the train-time resize ``spec``. Stops the page
    until an upload has been read."""
    for k, v in {"ds_src": "synthetic", "ds_n": 100_000, "ds_seed": 0, "ds_fmt": "auto", "ds_names": ""}.items():
        st.session_state.setdefault(k, v)
    c1, c2 = st.columns([1, 3])
    with c1:
        src = st.radio(t("ds.source"), ["synthetic", "upload"], key=S.keep("ds_src"),
                       format_func=lambda s: t("ds.src_" + s))
    ds = None
    ds_key: tuple = ()
    with c2:
        if src == "synthetic":
            s1, s2 = st.columns(2)
            n_syn = s1.selectbox(t("ds.syn_n"), SYNTHETIC_SIZES, key=S.keep("ds_n"), format_func=lambda n: f"{n:,}",
                                 help=t("ds.syn_help"))
            seed_syn = s2.number_input(t("ds.syn_seed"), 0, 2**31 - 1, step=1, key="ds_seed")
            ds_key = ("synthetic", int(n_syn), int(seed_syn), spec)
            with st.spinner(t("ds.loading")):
                ds = D.synthetic(int(n_syn), int(seed_syn), spec)
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
                if st.session_state.get("ds_tried") != (parts, spec):
                    st.session_state["ds_tried"] = (parts, spec)
                    try:
                        with st.spinner(t("ds.loading")):
                            D.uploaded(("upload", *parts, spec), data, up.name, parts[2], sizes, names, spec)
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
                ds_key = ("upload", *parts, spec)
                try:
                    ds = D.uploaded(ds_key, data, parts[1], parts[2], sizes, parts[4], spec)
                except AnchorVizInputError as e:  # the same file under a new train-time resize can still fail
                    st.error(str(e))
            if ds is None:
                st.info(t("ds.upload_first"))
                st.stop()
    return ds, ds_key
