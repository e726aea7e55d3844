"""The picture being looked at (a bundled sample or an upload) and its GT boxes: uploads, edits, export.

The last good picture lives in ``st.session_state["_pic"]``. A bad upload never replaces it: the error is
kept with the upload's file id and shown for as long as that file stays in the uploader. GT boxes are kept
in photo pixels (what annotation files hold); the pages map them to the network input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import (GroundTruth, check_inside_image, coco_images, guess_format, load_image,
                          parse_annotations, to_coco_json)
from anchorviz.core.resize import ResizePlan, unresize_boxes
from anchorviz.io.samples import SAMPLES, sample_path
from pages.common import cache
from pages.common import state as S
from pages.common.i18n import t

IMAGE_TYPES = ["jpg", "jpeg", "png", "webp", "bmp"]
ANNOTATION_TYPES = ["json", "txt", "xml", "csv"]
MAX_URL_BOXES = 200  # edited sample boxes travel in the link up to this many


@dataclass(frozen=True, eq=False)
class Picture:
    """A photo and its GT.

    Attributes:
        name: file name ("astronaut.png" for the bundled sample).
        source: "sample" or "upload".
        image: uint8 (H, W, 3) RGB, read-only.
        token: identifies the pixels (sample name, or sha1 of the uploaded bytes).
        gt: the GT boxes in photo pixels.
        sample: the sample's name when source is "sample".
    """

    name: str
    source: str
    image: np.ndarray
    token: str
    gt: GroundTruth
    sample: str = ""

    @property
    def wh(self) -> tuple[int, int]:
        return int(self.image.shape[1]), int(self.image.shape[0])


def sample_picture(name: str) -> Picture:
    image, boxes, labels, class_names = cache.sample(name)
    image = np.asarray(image)
    image.setflags(write=False)
    gt = GroundTruth(boxes=boxes, labels=labels, class_names=class_names)
    return Picture(name=sample_path(name).name, source="sample", image=image, token=f"sample:{name}", gt=gt,
                   sample=name)


def current() -> Picture:
    return st.session_state["_pic"]


def _set_picture(pic: Picture) -> None:
    st.session_state["_pic"] = pic
    st.session_state["_gt_version"] = st.session_state.get("_gt_version", 0) + 1
    _sync_gt_param(pic)


def set_gt(gt: GroundTruth) -> None:
    """Replace the current picture's GT (already validated)."""
    _set_picture(replace(current(), gt=gt))


# ---------------------------------------------------------------------------------------------------------
# Sample GT edits in the URL: "x1,y1,x2,y2,c;..." (c indexes gtc, or the sample's class names)


def _gt_param(pic: Picture) -> tuple[str, str]:
    if pic.source != "sample":
        return "", ""
    orig = sample_picture(pic.sample).gt
    if pic.gt == orig or len(pic.gt) > MAX_URL_BOXES:
        return "", ""
    rows = [",".join(f"{v:.6g}" for v in b) + f",{int(c)}" for b, c in zip(pic.gt.boxes.tolist(), pic.gt.labels)]
    names = "" if pic.gt.class_names == orig.class_names else "|".join(pic.gt.class_names)
    return ";".join(rows) if rows else "-", names


def _sync_gt_param(pic: Picture) -> None:
    gt, gtc = _gt_param(pic)
    S.p()["gt"], S.p()["gtc"] = gt, gtc


def _gt_from_param(pic: Picture, text: str, names_text: str) -> GroundTruth:
    names = tuple(n for n in names_text.split("|")) if names_text else pic.gt.class_names
    rows = [] if text == "-" else [r for r in text.split(";") if r.strip()]
    boxes, labels = [], []
    for i, r in enumerate(rows):
        vals = r.split(",")
        if len(vals) != 5:
            raise AnchorVizInputError(t("inputs.link_box_fields", i=i, text=r))
        try:
            boxes.append([float(v) for v in vals[:4]])
            labels.append(int(vals[4]))
        except ValueError:
            raise AnchorVizInputError(t("inputs.link_box_number", i=i, text=r)) from None
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    gt = GroundTruth(boxes=b, labels=np.asarray(labels, np.int64), class_names=names)
    check_inside_image(gt.boxes, pic.wh, name="gt")
    return gt


# ---------------------------------------------------------------------------------------------------------
# First run of a session


def ensure_picture() -> None:
    """Create the session's picture from the persisted sample (and edited boxes from the link)."""
    if "_pic" in st.session_state:
        return
    values = S.p()
    name = values["sample"]
    if name == S.UPLOAD:
        st.session_state["_upload_link"] = True
        name = values["sample"] = S.PARAMS["sample"].default
    pic = sample_picture(name)
    if values["gt"]:
        try:
            pic = replace(pic, gt=_gt_from_param(pic, values["gt"], values["gtc"]))
        except AnchorVizInputError as e:
            st.session_state["_url_warnings"].append(t("inputs.link_boxes", e=e))
    st.session_state["_pic"] = pic
    st.session_state["_gt_version"] = 0
    _sync_gt_param(pic)


# ---------------------------------------------------------------------------------------------------------
# Sidebar: sample choice and uploads


def _on_sample_change() -> None:
    name = st.session_state["sample"]
    S.p()["sample"] = name
    if name == S.UPLOAD:
        if "_upload_pic" in st.session_state:
            _set_picture(st.session_state["_upload_pic"])
    else:
        _set_picture(sample_picture(name))


def _sample_labeller(upload_name: str | None):
    """format_func for the image chooser (a closure: it must not read session state when called later, so its
    text is translated now)."""
    upload = t("inputs.uploaded", name=upload_name) if upload_name else t("inputs.uploaded_image")

    def label(name: str) -> str:
        return upload if name == S.UPLOAD else name
    return label


def input_ui() -> list[str]:
    """The sidebar's input section. Returns the error messages to show (each names its file)."""
    errors: list[str] = []
    chooser = st.container()
    img_file = st.file_uploader(t("inputs.upload_image"), type=IMAGE_TYPES, key="up_img",
                                help=t("inputs.upload_image_help"))
    if img_file is not None:
        fid = img_file.file_id
        if st.session_state.get("_img_seen") != fid:
            st.session_state["_img_seen"] = fid
            st.session_state.pop("_img_error", None)
            data = img_file.getvalue()
            try:
                image = load_image(data, name=img_file.name)
            except AnchorVizInputError as e:
                st.session_state["_img_error"] = (fid, str(e))
            else:
                image.setflags(write=False)
                token = "upload:" + hashlib.sha1(data).hexdigest()
                pic = Picture(name=img_file.name, source="upload", image=image, token=token,
                              gt=GroundTruth.empty())
                st.session_state["_upload_pic"] = pic
                _set_picture(pic)
                S.set_value("sample", S.UPLOAD)
        err = st.session_state.get("_img_error")
        if err and err[0] == fid:
            errors.append(err[1])
    options = list(SAMPLES) + ([S.UPLOAD] if "_upload_pic" in st.session_state else [])
    with chooser:
        up = st.session_state.get("_upload_pic")
        S.widget(st.selectbox, t("inputs.image"), "sample", options=options,
                 format_func=_sample_labeller(up.name if up else None), valid=lambda v: v in options,
                 on_change=_on_sample_change, help=t("inputs.image_help"))
    errors += _annotation_ui()
    return errors


def _annotation_ui() -> list[str]:
    errors = []
    ann = st.file_uploader(t("inputs.upload_gt"), type=ANNOTATION_TYPES, key="up_ann", help=t("inputs.upload_gt_help"))
    if ann is None:
        return errors
    pic = current()
    data = ann.getvalue()
    choice = None
    try:
        fmt = guess_format(ann.name, data)
        if fmt == "coco":
            if st.session_state.get("_coco_for") != ann.file_id:
                st.session_state["_coco_for"] = ann.file_id
                st.session_state["_coco_names"] = [im.file_name for im in coco_images(data, name=ann.name)]
                st.session_state.pop("coco_pick", None)
            names = st.session_state["_coco_names"]
            match = next((n for n in names if n == pic.name or Path(n).name == pic.name), None)
            if "coco_pick" not in st.session_state:
                st.session_state["coco_pick"] = match
            choice = st.selectbox(t("inputs.coco_image", name=ann.name), names, key=S.keep("coco_pick"), index=None,
                                  placeholder=t("inputs.coco_placeholder"), help=t("inputs.coco_help"))
    except AnchorVizInputError as e:
        return [str(e)]
    signature = (ann.file_id, choice, pic.token)
    if st.session_state.get("_ann_done") != signature:
        st.session_state["_ann_done"] = signature
        st.session_state.pop("_ann_error", None)
        try:
            key = choice if choice is not None else (pic.name if fmt == "coco" else None)
            gt = parse_annotations(data, name=ann.name, image_wh=pic.wh, image_key=key)
        except AnchorVizInputError as e:
            st.session_state["_ann_error"] = (signature, str(e))
        else:
            set_gt(gt)
            st.session_state["_ann_notes"] = (signature, gt.report.notes if gt.report else ())
    err = st.session_state.get("_ann_error")
    if err and err[0] == signature:
        errors.append(err[1])
    notes = st.session_state.get("_ann_notes")
    if notes and notes[0] == signature:
        for n in notes[1]:
            st.caption(n)
    return errors


# ---------------------------------------------------------------------------------------------------------
# Chart selections


def _fingerprint(sel: dict) -> str:
    pts = [p.get("customdata", (p.get("x"), p.get("y"))) for p in sel.get("points", [])][:50]
    return json.dumps({"p": pts, "n": len(sel.get("points", [])), "b": sel.get("box", [])}, sort_keys=True,
                      default=str)


def new_selection(chart_key: str) -> dict | None:
    """The chart's selection from the last interaction, once: None when there is none or it was seen.

    Read at the top of a page (widget state is set before the script runs), so a click can set other
    widgets' values before they are created.
    """
    ev = st.session_state.get(chart_key)
    sel = dict((ev or {}).get("selection") or {})
    if not sel.get("points") and not sel.get("box"):
        return None
    fp = _fingerprint(sel)
    seen = st.session_state.setdefault("_sel_seen", {})
    if seen.get(chart_key) == fp:
        return None
    seen[chart_key] = fp
    return sel


def selection_box(sel: dict) -> np.ndarray | None:
    """The dragged box of a selection as xyxy, or None."""
    for b in sel.get("box") or []:
        xs, ys = list(b.get("x", [])), list(b.get("y", []))
        if len(xs) == 2 and len(ys) == 2:
            return np.array([min(xs), min(ys), max(xs), max(ys)], np.float64)
    return None


CHART_KEYS = ("anchors_chart", "labels_chart")  # image figures where a box drag adds a GT


def apply_chart_events() -> None:
    """Before the sidebar: a new box drag on an image figure adds a GT; a new click is kept for the page.

    The box is in the network input of the figure the user dragged on, i.e. the last run's setup.
    """
    prev = st.session_state.get("_setup")
    for key in CHART_KEYS:
        sel = new_selection(key)
        if sel is None:
            continue
        box = selection_box(sel)
        if box is not None:
            if prev is not None:
                err = add_box_from_selection(box, prev.plan, new_box_class())
                if err:
                    st.session_state["_event_error"] = err
            continue
        pts = [cd for cd in (_customdata(pt) for pt in sel.get("points", [])) if cd]
        if pts:
            st.session_state["_picked"] = (key, pts[0])


def _customdata(point: dict) -> list[int] | None:
    """A point's customdata row as ints. A row of a typed (n, k) array arrives as {"0": a, "1": b, ...}."""
    cd = point.get("customdata")
    if isinstance(cd, dict):
        try:
            cd = [cd[str(i)] for i in range(len(cd))]
        except KeyError:
            return None
    if isinstance(cd, (list, tuple)) and cd:
        try:
            return [int(v) for v in cd]
        except (TypeError, ValueError):
            return None
    return None


def new_box_class() -> str:
    cls = current().gt.class_names
    return st.session_state.get("new_cls") or (cls[0] if cls else "object")


def class_picker() -> None:
    opts = list(dict.fromkeys([*current().gt.class_names, "object"]))
    if st.session_state.get("new_cls") not in opts:
        st.session_state["new_cls"] = opts[0]
    st.selectbox(t("inputs.new_class"), opts, key=S.keep("new_cls"))


# ---------------------------------------------------------------------------------------------------------
# Editing GT


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
