"""Editing the GT boxes: the editable table (photo pixels), a box drawn on a chart, the class of new boxes, and
the COCO download. Every edit is validated first; a bad one shows its message and keeps the boxes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import GroundTruth, check_inside_image, to_coco_json
from anchorviz.core.resize import ResizePlan, unresize_boxes
from pages.common import state as S
from pages.common.i18n import t
from pages.common.inputs import current, set_gt


def new_box_class() -> str:
    cls = current().gt.class_names
    return st.session_state.get("new_cls") or (cls[0] if cls else "object")


def class_picker() -> None:
    opts = list(dict.fromkeys([*current().gt.class_names, "object"]))
    if st.session_state.get("new_cls") not in opts:
        st.session_state["new_cls"] = opts[0]
    st.selectbox(t("inputs.new_class"), opts, key=S.keep("new_cls"))


def add_box_from_selection(box_input: np.ndarray, plan: ResizePlan, class_name: str) -> str | None:
    """Add one GT from a box drawn on the network input. Returns an error message or None."""
    pic = current()
    photo = unresize_boxes(np.asarray(box_input, np.float64).reshape(1, 4), plan)
    w, h = pic.wh
    photo[:, 0::2] = np.clip(photo[:, 0::2], 0, w)
    photo[:, 1::2] = np.clip(photo[:, 1::2], 0, h)
    names = pic.gt.class_names
    if class_name not in names:
        names = names + (class_name,)
    try:
        gt = GroundTruth(boxes=pic.gt.boxes, labels=pic.gt.labels, class_names=names, report=pic.gt.report)
        gt = gt.append(photo, [names.index(class_name)])
    except AnchorVizInputError as e:
        return t("inputs.new_box", e=e)
    set_gt(gt)
    return None


def gt_table(gt: GroundTruth) -> pd.DataFrame:
    return pd.DataFrame({
        "x1": pd.Series(gt.boxes[:, 0], dtype="float64"), "y1": pd.Series(gt.boxes[:, 1], dtype="float64"),
        "x2": pd.Series(gt.boxes[:, 2], dtype="float64"), "y2": pd.Series(gt.boxes[:, 3], dtype="float64"),
        "class": pd.Series(list(gt.label_names), dtype="object"),
    })


def gt_from_table(df: pd.DataFrame, old: GroundTruth) -> GroundTruth:
    """A GroundTruth from the edited table; new class names are appended. Rows missing a coordinate are left
    out (a row being typed). Raises AnchorVizInputError."""
    coords = df[["x1", "y1", "x2", "y2"]].apply(pd.to_numeric, errors="coerce")
    df = df[coords.notna().all(axis=1)]
    names = list(old.class_names)
    labels = []
    for i, c in enumerate(df["class"].tolist()):
        c = str(c).strip() if c is not None and not (isinstance(c, float) and np.isnan(c)) else ""
        if not c:
            c = names[0] if names else "object"
        c = c.replace("|", "/")
        if c not in names:
            names.append(c)
        labels.append(names.index(c))
    try:
        boxes = df[["x1", "y1", "x2", "y2"]].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(t("inputs.gt_table_numbers", e=e)) from None
    return GroundTruth(boxes=boxes, labels=np.asarray(labels, np.int64), class_names=tuple(names),
                       report=old.report)


def gt_editor() -> None:
    """The editable GT table (photo pixels) and the COCO download."""
    pic = current()
    version = st.session_state.get("_gt_version", 0)
    st.caption(t("inputs.gt_caption", n=len(pic.gt), name=pic.name, w=pic.wh[0], h=pic.wh[1]))
    edited = st.data_editor(
        gt_table(pic.gt), key=f"gt_editor_{version}", num_rows="dynamic", width="stretch", height=260,
        column_config={
            "x1": st.column_config.NumberColumn("x1", format="%.1f"),
            "y1": st.column_config.NumberColumn("y1", format="%.1f"),
            "x2": st.column_config.NumberColumn("x2", format="%.1f"),
            "y2": st.column_config.NumberColumn("y2", format="%.1f"),
            "class": st.column_config.TextColumn(t("inputs.col_class")),
        },
    )
    state = st.session_state.get(f"gt_editor_{version}") or {}
    incomplete = int(edited[["x1", "y1", "x2", "y2"]].apply(pd.to_numeric, errors="coerce").isna().any(axis=1).sum())
    if incomplete:
        st.caption(t("inputs.incomplete", n=incomplete))
    if any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        try:
            gt = gt_from_table(edited, pic.gt)
            check_inside_image(gt.boxes, pic.wh, name=t("inputs.gt_table"))
        except AnchorVizInputError as e:
            st.error(str(e))
        else:
            if gt != pic.gt:
                set_gt(gt)
                st.rerun()
    stem = Path(pic.name).stem
    st.download_button(t("inputs.download_gt"), data=to_coco_json(pic.gt, image_name=pic.name, image_wh=pic.wh),
                       file_name=f"{stem}_gt.json", mime="application/json", key="gt_download")
