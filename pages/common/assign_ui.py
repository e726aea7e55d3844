"""Pieces of the Assigners page that are widgets and tables, not the figure: the predictions upload (validated,
the last good file kept), its documented format with an example file of the current scene, the per-GT table and
the libraries' differences."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from anchorviz.core.assigner_layers import PanelLayers
from anchorviz.core.assigners.head import PointPredictions
from anchorviz.core.assigners.result import PointAssignment
from anchorviz.core.assigners.simota import simota_differences
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.point_predictions import parse_point_predictions, point_predictions_json
from pages.common.diagnose import fmt_wh
from pages.common.i18n import t

MAX_UPLOAD_MB = 256
# The two TAL settings users meet (the library's values; tests check them against TAL_PRESETS)
TAL_SETTINGS = {"v8": {"topk": 10, "alpha": 0.5, "beta": 6.0}, "defaults": {"topk": 13, "alpha": 1.0, "beta": 6.0}}
# Point rules by family: the rules of one family are variants of one algorithm (compared first)
FAMILIES = {"fcos": ("fcos_torchvision", "fcos_mmdet"), "tal": ("tal_8.4", "tal_8.3"),
            "simota": ("simota_mmdet", "simota_yolox_head", "simota_yolox_prefix"), "dsl": ("dsl_rtmdet",)}
FAMILY = {rule: fam for fam, rules in FAMILIES.items() for rule in rules}


def _class_error(name: str, num_classes: int, gt_labels: np.ndarray) -> str | None:
    """A message when the GT classes need more class scores than the predictions have, else None."""
    if len(gt_labels) and int(gt_labels.max()) >= num_classes:
        k = int(gt_labels.max())
        return t("assigners.upload_classes", name=name, c=num_classes, k=k, need=k + 1)
    return None


def uploaded_predictions(num_points: int, setup_desc: str, gt_labels: np.ndarray
                         ) -> tuple[PointPredictions | None, str | None, str | None]:
    """The uploader and the last good upload: (predictions, file name, digest), or Nones.

    A new file is parsed once (by its digest and the point count it was checked against); a bad one shows its
    message while it stays in the uploader, and the previous good file stays in use.
    """
    up = st.file_uploader(t("assigners.upload"), type=["json"], key="pa_upload", help=t("assigners.upload_help"),
                          max_upload_size=MAX_UPLOAD_MB)
    good = st.session_state.get("pa_good")  # (point count, predictions, name, digest)
    if up is not None:
        data = up.getvalue()
        digest = hashlib.sha1(data).hexdigest()
        if st.session_state.get("pa_digest") != (digest, num_points):
            st.session_state["pa_digest"] = (digest, num_points)
            try:
                parsed = parse_point_predictions(data, num_points=num_points, setup=setup_desc, name=up.name)
                err = _class_error(up.name, parsed.num_classes, gt_labels)
                if err:
                    raise AnchorVizInputError(err)
            except AnchorVizInputError as e:
                st.session_state["pa_error"] = str(e)
            else:
                st.session_state["pa_error"] = None
                good = (num_points, parsed, up.name, digest)
                st.session_state["pa_good"] = good
        if st.session_state.get("pa_error"):
            st.error(st.session_state["pa_error"])
            if good is not None:
                st.info(t("assigners.keeping_last", name=good[2]))
    if good is None:
        st.info(t("assigners.upload_first"))
        return None, None, None
    if good[0] != num_points:
        st.warning(t("assigners.upload_stale", name=good[2], n=good[0], m=num_points))
        return None, None, None
    err = _class_error(good[2], good[1].num_classes, gt_labels)  # the boxes changed since it was accepted
    if err:
        st.error(err)
        return None, None, None
    return good[1], good[2], good[3]


def format_help(num_points: int, setup_desc: str, num_classes: int, example: PointPredictions | None) -> None:
    """The file format, and the current scene's simulated predictions as an example file (made on click)."""
    with st.expander(t("assigners.format_title"), key="pa_format"):
        st.markdown(t("assigners.format", n=f"{num_points:,}", setup=setup_desc, c=num_classes - 1,
                      classes=num_classes))
        if example is not None:
            st.download_button(t("assigners.download"), data=lambda: point_predictions_json(example),
                               file_name="point_predictions.json", mime="application/json",
                               help=t("assigners.download_help"), key="pa_download")


def per_gt_table(*, gt_boxes: np.ndarray, class_names: list[str], left: PanelLayers, right: PanelLayers,
                 right_asg: PointAssignment, left_pairs: bool,
                 compare: tuple[str, PanelLayers] | None, k_kind: str,
                 left_low_quality: frozenset = frozenset()) -> pd.DataFrame:
    """One row per GT: positives in each panel (and the compared rule), k, picks lost, and the flags (a GT whose
    anchors are positive only by the low-quality rule, ``left_low_quality``, is flagged too)."""
    n = len(gt_boxes)
    flags = []
    for i in range(n):
        f = []
        if left.positives_per_gt[i] == 0:
            f.append(t("assigners.flag_anchor"))
        elif i in left_low_quality:
            f.append(t("assigners.flag_anchor_lq"))
        if right.positives_per_gt[i] == 0:
            f.append(t("assigners.flag_point"))
        flags.append(("⚠ " + ", ".join(f)) if f else "")
    cols = {
        t("assigners.col_gt"): np.arange(n),
        t("assigners.col_class"): list(class_names),
        t("assigners.col_size"): [fmt_wh(b[2:] - b[:2]) for b in gt_boxes],
        t("assigners.col_pairs" if left_pairs else "assigners.col_anchors"): left.positives_per_gt,
        t("assigners.col_points"): right.positives_per_gt,
    }
    if compare is not None:
        cols[t("assigners.col_compare", rule=compare[0])] = compare[1].positives_per_gt
    if right_asg.dynamic_k is not None:
        cols[t("assigners.col_k" if k_kind == "dynamic" else "assigners.col_topk")] = right_asg.dynamic_k
    cols[t("assigners.col_lost")] = right_asg.lost_per_gt()
    cols[t("assigners.col_flag")] = flags
    return pd.DataFrame(cols)


def simota_table() -> pd.DataFrame:
    """``simota_differences`` with translated column names."""
    rows = simota_differences()
    return pd.DataFrame(rows, columns=[t("assigners.col_field"), t("assigners.col_mmdet"), t("assigners.col_prefix"),
                                       t("assigners.col_head")])
