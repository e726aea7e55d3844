"""Shared pieces of the teaching pages (IoU heatmap, encode/decode, predictions): the page introduction,
the box coders that fit a convention, bounded caches of IoU values, and the per-page state helpers.

Everything computed here is cached in ``cache.RESULTS`` (shared by all sessions, read-only, bounded by bytes),
keyed by plain hashable values (frozen configs, tuples), like ``pages/common/cache.py``.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.coding.presets import CODERS
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.conventions import Convention
from anchorviz.core.iou.grid import grid_match_quality, iou_with_box
from anchorviz.core.iou.quality import MAXIMA_ONLY, MatchQuality
from anchorviz.core.predict import HeadOutput, decode_head, simulate_head
from pages.common import cache
from pages.common import state as S
from pages.common.i18n import t


# ---------------------------------------------------------------------------------------------------------
# Introduction


def intro(page: str) -> None:
    """The page's heading, what you see / what to try, and its formulas in plain words (collapsed)."""
    st.markdown(f"#### {t(page + '.title')}")
    st.markdown(t(page + ".intro"))
    with st.expander(t("teach.formulas"), key=page + "_formulas"):
        st.markdown(t(page + ".formulas"))


# ---------------------------------------------------------------------------------------------------------
# Box coders


def coder_family(name: str) -> str:
    """'torchvision_roi' -> 'torchvision', 'mmdet_v1_roi' -> 'mmdet', 'keras_retinanet' -> 'keras'."""
    return name.split("_")[0]


def coder_options(conv: Convention) -> list[str]:
    """The CODERS presets of the convention's library, its default first; every coder when it has none."""
    if not conv.coder:
        return list(CODERS)
    fam = coder_family(conv.coder)
    return [conv.coder, *[n for n in CODERS if coder_family(n) == fam and n != conv.coder]]


def coder_picker(conv: Convention, key: str) -> CoderSpec:
    """A selectbox of the coders that fit ``conv`` (kept valid across convention changes)."""
    options = coder_options(conv)
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    name = st.selectbox(t("teach.coder"), options, key=S.keep(key), help=t("teach.coder_help"))
    if not conv.coder:
        st.caption(t("teach.no_coder", conv=conv.title))
    return CODERS[name]


CLAMP_SIDES_TEXT = {"upper": "teach.clamp_upper", "both": "teach.clamp_both", "none": "teach.clamp_none"}


# ---------------------------------------------------------------------------------------------------------
# Cached computations (bounded)


@cache.RESULTS.cached
def iou_stats(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple) -> MatchQuality:
    """Every anchor's best IoU over the GT boxes (grid-sparse), in the convention's IoU style.

    Read-only: never mutate it.
    """
    aset = cache.anchors(cfg, input_hw)
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    return grid_match_quality(aset, gts, style=cfg.conv.iou, request=MAXIMA_ONLY)


@cache.RESULTS.cached
def iou_values(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple, gt: int) -> np.ndarray:
    """float32 (N,): max IoU over all GTs (``gt`` < 0) or IoU with GT ``gt``; zeros without GTs."""
    n = len(cache.anchors(cfg, input_hw))
    if not gt_boxes:
        return np.zeros(n, np.float32)
    if gt < 0:
        vals = iou_stats(cfg, input_hw, gt_boxes).max_iou
    else:
        vals = iou_with_box(cache.anchors(cfg, input_hw), gt_boxes[int(gt)], style=cfg.conv.iou)
    return np.asarray(vals, np.float32)


@cache.RESULTS.cached
def simulated_head(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple, gt_classes: tuple,
                   key: tuple, coder: str, sigma: float, seed: int) -> HeadOutput:
    """``simulate_head`` on the labels of assignment ``key`` (see cache.assignment_key)."""
    aset = cache.anchors(cfg, input_hw)
    gts = np.asarray(gt_boxes, np.float64).reshape(-1, 4)
    res = cache.labels(cfg, input_hw, gt_boxes, key)
    asg = Assignment(labels=res.labels, matched_gt=res.matched_gt.astype(np.int64),
                     max_iou=np.zeros(len(aset)), gt_max_iou=res.gt_max_iou, num_gts=len(gts))
    return simulate_head(aset.boxes, gts, asg, CODERS[coder], gt_classes=np.asarray(gt_classes, np.int64),
                         sigma=float(sigma), seed=int(seed))


@cache.RESULTS.cached
def decoded_head(cfg: AnchorConfig, input_hw: tuple[int, int], gt_boxes: tuple, gt_classes: tuple, key: tuple,
                 coder: str, sigma: float, seed: int) -> HeadOutput:
    """``simulated_head`` with its boxes decoded, once: a score or NMS threshold step then only thresholds."""
    head = simulated_head(cfg, input_hw, gt_boxes, gt_classes, key, coder, sigma, seed)
    boxes = decode_head(cache.anchors(cfg, input_hw).boxes, head, CODERS[coder])
    return HeadOutput(scores=head.scores, classes=head.classes, boxes=boxes)


def round_trip(anchor: np.ndarray, gt: np.ndarray, spec: CoderSpec) -> np.ndarray:
    """decode(encode(gt)) for one anchor: float64 (4,)."""
    d = encode(anchor[None], gt[None], spec)
    with np.errstate(over="ignore", invalid="ignore"):
        return decode(anchor[None], d, spec)[0].astype(np.float64)


def label_names() -> dict[int, str]:
    return {int(Label.POSITIVE): t("teach.positive"), int(Label.NEGATIVE): t("teach.negative"),
            int(Label.IGNORED): t("teach.ignored")}
