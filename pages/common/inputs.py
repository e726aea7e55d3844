"""The picture being looked at (a bundled sample or an upload) and its GT boxes: the sidebar's uploads, and the
edited sample boxes that travel in the link. Editing the boxes: gt_edit.py; boxes drawn on a chart:
chart_events.py.

The last good picture lives in ``st.session_state["_pic"]``. A bad upload never replaces it: the error is
kept with the upload's file id and shown for as long as that file stays in the uploader. GT boxes are kept
in photo pixels (what annotation files hold); the pages map them to the network input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import streamlit as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io import GroundTruth, check_inside_image, coco_images, guess_format, load_image, parse_annotations
from anchorviz.io.samples import SAMPLES, sample_path
from anchorviz.io.yolo import CLASS_NAME_FILES, yolo_class_names
from pages.common import cache
from pages.common import state as S
from pages.common.i18n import t

IMAGE_TYPES = ["jpg", "jpeg", "png", "webp", "bmp"]
ANNOTATION_TYPES = ["json", "txt", "xml", "csv", "yaml", "yml", "names"]  # + a YOLO class-names file
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


def _is_names_file(name: str) -> bool:
    """A YOLO class-names file (data.yaml, classes.txt, obj.names) rather than a box file."""
    low = Path(name).name.lower()
    return low.endswith((".yaml", ".yml", ".names")) or low in CLASS_NAME_FILES


def _split_uploads(files) -> tuple[object | None, object | None, list[str]]:
    """(box file, class-names file, notes) of the box uploader's files: the last of each kind is used."""
    boxes = [f for f in files if not _is_names_file(f.name)]
    names = [f for f in files if _is_names_file(f.name)]
    notes = []
    if len(boxes) > 1:
        notes.append(t("inputs.last_box_file", name=boxes[-1].name, n=len(boxes)))
    if len(names) > 1:
        notes.append(t("inputs.last_names_file", name=names[-1].name, n=len(names)))
    return (boxes[-1] if boxes else None), (names[-1] if names else None), notes


def _annotation_ui() -> list[str]:
    errors = []
    files = st.file_uploader(t("inputs.upload_gt"), type=ANNOTATION_TYPES, key="up_ann", accept_multiple_files=True,
                             help=t("inputs.upload_gt_help"))
    ann, names_file, upload_notes = _split_uploads(files or [])
    for n in upload_notes:
        st.caption(n)
    class_names = None
    if names_file is not None:
        try:
            class_names = yolo_class_names(names_file.getvalue().decode("utf-8-sig"), name=names_file.name)
        except UnicodeDecodeError:
            return [t("inputs.names_not_text", name=names_file.name)]
        except AnchorVizInputError as e:
            return [str(e)]
    if ann is None:
        if class_names is not None:
            st.caption(t("inputs.names_waiting", name=names_file.name, n=len(class_names)))
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
            if st.session_state.get("_coco_pic") != (ann.file_id, pic.token):  # a new file or a new photo: the
                st.session_state["_coco_pic"] = (ann.file_id, pic.token)     # photo's own entry, not the last pick
                st.session_state.pop("coco_pick", None)
            names = st.session_state["_coco_names"]
            match = next((n for n in names if n == pic.name or Path(n).name == pic.name), None)
            if "coco_pick" not in st.session_state:
                st.session_state["coco_pick"] = match
            choice = st.selectbox(t("inputs.coco_image", name=ann.name), names, key=S.keep("coco_pick"), index=None,
                                  placeholder=t("inputs.coco_placeholder"), help=t("inputs.coco_help"))
    except AnchorVizInputError as e:
        return [str(e)]
    if class_names is not None and fmt != "yolo":
        st.caption(t("inputs.names_unused", name=names_file.name, fmt=fmt.upper()))
        class_names = None
    signature = (ann.file_id, names_file.file_id if class_names is not None else None, choice, pic.token)
    if st.session_state.get("_ann_done") != signature:
        st.session_state["_ann_done"] = signature
        st.session_state.pop("_ann_error", None)
        try:
            key = choice if choice is not None else (pic.name if fmt == "coco" else None)
            gt = parse_annotations(data, name=ann.name, image_wh=pic.wh, image_key=key, class_names=class_names,
                                   image_name=pic.name)
        except AnchorVizInputError as e:
            st.session_state["_ann_error"] = (signature, str(e))
        else:
            set_gt(gt)
            st.session_state["_ann_report"] = (signature, gt.report, len(gt), pic.name)
    err = st.session_state.get("_ann_error")
    if err and err[0] == signature:
        errors.append(err[1])
        if len(current().gt):
            st.caption(t("inputs.keeping_boxes", n=len(current().gt)))
    report = st.session_state.get("_ann_report")
    if report and report[0] == signature:
        _show_report(*report[1:])
    return errors


def _show_report(report, n_boxes: int, image: str) -> None:
    """The parse report in the chosen language: what was left out or changed, and why there are no boxes."""
    if report is None:
        return
    for item in report.items:
        st.caption(t("inputs.note_" + item.code, **item.fields(report.source)))
    if n_boxes == 0:
        st.info(empty_statement(report, image))


def empty_statement(report, image: str) -> str:
    """Why a box file gave no box for ``image``, plainly (never as a success)."""
    reason = report.empty_reason if report is not None and report.empty_reason else "empty_file"
    fields = report.empty_fields(image) if report is not None else {"file": "", "image": image, "n": 0}
    return t("inputs.empty_" + reason, **fields)
