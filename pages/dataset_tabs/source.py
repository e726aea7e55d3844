"""Where the Dataset page's boxes come from: the built-in synthetic dataset, or an upload (the last good one stays
when a new one is bad). Nothing uploaded is written to disk: files and zips are read in memory.

An upload survives a reload: a reload is a new session, so the page puts a random token (``ds=``, with the file
name in ``ds_name=``) into the URL and keeps the upload's bytes in a bounded in-memory store of the server
(`pages.common.dataset_cache.recent_uploads`); a new session whose link carries the token reads it back. When the
server no longer has it (restarted, or newer uploads pushed it out), the page says so and names the file.
"""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.load import BoxDataset
from anchorviz.io.yolo import yolo_class_names
from pages.common import dataset_cache as D
from pages.common import state as S
from pages.common.i18n import t

MAX_UPLOAD_MB = 500
SYNTHETIC_SIZES = (10_000, 100_000, 1_000_000)
FORMATS = ("auto", "coco", "yolo", "voc", "csv")
SOURCES = ("synthetic", "upload")


def _restore_after_reload() -> None:
    """First run of a session whose link names an upload: bring it back, or say it was dropped."""
    if st.session_state.get("ds_restore_checked"):
        return
    st.session_state["ds_restore_checked"] = True
    token, name = S.p()["ds"], S.p()["ds_name"]
    if not token or "ds_good" in st.session_state:
        return
    entry = D.recent_uploads().get(token)
    S.set_page_value("ds_src", "upload")  # the link was made on an upload: show that side, restored or not
    if entry is None:
        st.session_state["ds_dropped"] = name or token
        S.p()["ds"] = S.p()["ds_name"] = ""
        return
    st.session_state["ds_good"] = entry
    st.session_state["ds_token"] = token
    st.session_state["ds_restored"] = entry[0][1]


def _names_from(names_text: str, names_file) -> tuple[str, ...] | None:
    """Class names from the names file (data.yaml / classes.txt / obj.names) or the comma-separated field."""
    if names_file is not None:
        try:
            return yolo_class_names(names_file.getvalue().decode("utf-8-sig"), name=names_file.name)
        except UnicodeDecodeError:
            raise AnchorVizInputError(t("inputs.names_not_text", name=names_file.name)) from None
    return tuple(n.strip() for n in names_text.split(",") if n.strip()) or None


def choose(spec) -> tuple[BoxDataset, tuple]:
    """The source widgets; returns (dataset, cache key) under the train-time resize ``spec``. Stops the page
    until an upload has been read."""
    _restore_after_reload()
    c1, c2 = st.columns([1, 3])
    with c1:
        src = S.page_widget(st.radio, t("ds.source"), "ds_src", default="synthetic", options=list(SOURCES),
                            format_func=lambda s: t("ds.src_" + s), valid=lambda v: v in SOURCES)
    ds = None
    ds_key: tuple = ()
    with c2:
        if src == "synthetic":
            S.p()["ds"] = S.p()["ds_name"] = ""
            s1, s2 = st.columns(2)
            n_syn = S.page_widget(s1.selectbox, t("ds.syn_n"), "ds_n", default=100_000, options=SYNTHETIC_SIZES,
                                  format_func=lambda n: f"{n:,}", help=t("ds.syn_help"),
                                  valid=lambda v: v in SYNTHETIC_SIZES)
            seed_syn = S.page_widget(s2.number_input, t("ds.syn_seed"), "ds_seed", default=0, min_value=0,
                                     max_value=2**31 - 1, step=1)
            ds_key = ("synthetic", int(n_syn), int(seed_syn), spec)
            with st.spinner(t("ds.loading")):
                ds = D.synthetic(int(n_syn), int(seed_syn), spec)
        else:
            ds, ds_key = _upload(spec)
    return ds, ds_key


def _upload(spec) -> tuple[BoxDataset, tuple]:
    u1, u2 = st.columns([2, 1])
    up = u1.file_uploader(t("ds.upload"), type=["json", "zip", "txt", "xml", "csv"], key="ds_upload",
                          help=t("ds.upload_help"), max_upload_size=MAX_UPLOAD_MB)
    fmt = S.page_widget(u2.selectbox, t("ds.format"), "ds_fmt", default="auto", options=FORMATS,
                        format_func=lambda f: t("ds.format_auto") if f == "auto" else f.upper(),
                        valid=lambda v: v in FORMATS)
    with st.expander(t("ds.more_options")):
        sizes_up = st.file_uploader(t("ds.sizes"), type=["txt", "csv", "json"], key="ds_sizes",
                                    help=t("ds.sizes_help"))
        names_file = st.file_uploader(t("ds.names_file"), type=["yaml", "yml", "names", "txt"], key="ds_names_file",
                                      help=t("ds.names_file_help"))
        names_text = S.page_widget(st.text_input, t("ds.class_names"), "ds_names", default="",
                                   help=t("ds.class_names_help"))
    if st.session_state.get("ds_restored"):
        st.info(t("ds.restored", name=st.session_state["ds_restored"]))
    dropped = st.session_state.get("ds_dropped")
    if dropped and up is None:
        st.info(t("ds.dropped", name=dropped))
    good = st.session_state.get("ds_good")  # (key parts without the resize, upload bytes, sizes bytes)
    if up is not None:
        data = up.getvalue()
        sizes = sizes_up.getvalue() if sizes_up is not None else None
        try:
            names = _names_from(names_text, names_file)
        except AnchorVizInputError as e:
            names, parts = None, None
            st.session_state["ds_error"] = str(e)
            st.session_state.pop("ds_tried", None)
        else:
            parts = (hashlib.sha1(data).hexdigest(), up.name, None if fmt == "auto" else fmt,
                     hashlib.sha1(sizes).hexdigest() if sizes else None, names)
        if parts is not None and st.session_state.get("ds_tried") != (parts, spec):
            st.session_state["ds_tried"] = (parts, spec)
            try:
                with st.spinner(t("ds.loading")):
                    D.uploaded(("upload", *parts, spec), data, up.name, parts[2], sizes, names, spec)
            except AnchorVizInputError as e:
                st.session_state["ds_error"] = str(e)
            else:
                st.session_state["ds_error"] = None
                st.session_state.pop("ds_restored", None)
                st.session_state.pop("ds_dropped", None)
                good = st.session_state["ds_good"] = (parts, data, sizes)
                token = st.session_state["ds_token"] = secrets.token_urlsafe(9)
                D.recent_uploads().put(token, good)
    if st.session_state.get("ds_error"):
        st.error(st.session_state["ds_error"])
        if good is not None:
            st.info(t("ds.keeping_last", name=good[0][1]))
    ds, ds_key = None, ()
    if good is not None:
        parts, data, sizes = good
        ds_key = ("upload", *parts, spec)
        S.p()["ds"], S.p()["ds_name"] = st.session_state.get("ds_token", ""), parts[1]
        try:
            ds = D.uploaded(ds_key, data, parts[1], parts[2], sizes, parts[4], spec)
        except AnchorVizInputError as e:  # the same file under a new train-time resize can still fail
            st.error(str(e))
    if ds is None:
        S.write_url()  # st.stop() ends the run before app.py writes the link
        st.info(t("ds.upload_first"))
        st.stop()
    return ds, ds_key
