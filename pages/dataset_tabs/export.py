"""The Export / import tab: a setup as each library's config (download), and a config read back into a setup."""

from __future__ import annotations

import streamlit as st

from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS
from anchorviz.dataset.export.exporters import EXPORT_FORMATS, FILE_NAMES, export_config, export_formats_for
from anchorviz.dataset.export.importers import config_from_text
from pages.common import state as S
from pages.common.i18n import t
from pages.dataset_tabs.shared import Context, setup_choices, use_in_app

CODE_LANG = {"mmdet": "python", "torchvision": "python", "detectron2": "yaml", "yolov5": "yaml", "keras": "python",
             "keras_ini": "ini", "json": "json"}


def render(ctx: Context) -> None:
    cfg = ctx.cfg
    e1, e2 = st.columns(2)
    with e1:
        st.markdown(f"**{t('ds.export_head')}**")
        exportable = {"current": (t("ds.setup_current"), cfg)}
        exportable.update({k: v for k, v in setup_choices(ctx.ds_key).items() if k in ("tuned", "imported")})
        which = S.page_widget(st.radio, t("ds.export_which"), "ds_exp_which", default="current",
                              options=list(exportable), horizontal=True, format_func=lambda i: exportable[i][0],
                              valid=lambda v: v in exportable)
        cfg_x = exportable[which][1]
        fmts = export_formats_for(cfg_x)
        fmt_x = S.page_widget(st.selectbox, t("ds.export_format"), "ds_exp_fmt", default=fmts[0], options=fmts,
                              format_func=lambda f: t("ds.fmt_" + f), valid=lambda v: v in fmts)
        missing = [f for f in EXPORT_FORMATS if f not in fmts]
        if missing:
            st.caption(t("ds.export_missing", fmts=", ".join(missing), conv=CONVENTIONS[cfg_x.convention].title))
        # mmdet: under the head the sidebar's preset has (RetinaNet / SSD: bbox_head, Faster R-CNN: rpn_head)
        head = PRESETS[S.p()["preset"]].mmdet_head if fmt_x == "mmdet" else None
        text = export_config(cfg_x, fmt_x, head=head)
        st.code(text, language=CODE_LANG.get(fmt_x, "text"), wrap_lines=True)
        st.download_button(t("ds.download"), text, file_name=FILE_NAMES[fmt_x], key="ds_download")
    with e2:
        st.markdown(f"**{t('ds.import_head')}**")
        imp_fmt = S.page_widget(st.selectbox, t("ds.import_format"), "ds_imp_fmt", default=EXPORT_FORMATS[0],
                                options=EXPORT_FORMATS, format_func=lambda f: t("ds.fmt_" + f),
                                valid=lambda v: v in EXPORT_FORMATS)
        imp_up = st.file_uploader(t("ds.import_file"), type=["json", "py", "yaml", "yml", "txt", "ini", "cfg"],
                                  key="ds_imp_up", max_upload_size=1)
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
