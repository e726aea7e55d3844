"""Bounded caches of the Dataset page.

A dataset is keyed by what determines it (the upload's digest and reading options, or the synthetic size
and seed, and the train-time resize); results built on it take that key plus the setup. ``st.cache_resource``
keeps one shared read-only object instead of pickling copies of up to millions of boxes on every rerun; the
entry limits bound the memory one server spends on datasets.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.dataset.load import BoxDataset, parse_dataset
from anchorviz.dataset.grid_fit import AssignerSpec
from anchorviz.dataset.fit_report import FitReport, compare_setups, evaluate
from anchorviz.dataset.stats import DatasetStats, dataset_statistics
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.synthetic import synthetic_dataset

WORST_ROWS = 25


@st.cache_resource(max_entries=3, show_spinner=False)
def uploaded(key: tuple, _data: bytes, _name: str, _format: str | None, _sizes: bytes | None,
             _class_names: tuple[str, ...] | None, _spec: ResizeSpec) -> BoxDataset:
    """An uploaded annotation file or .zip, read in memory. ``key`` covers every other argument."""
    return parse_dataset(_data, name=_name, format=_format, resize=_spec, sizes=_sizes,
                         class_names=list(_class_names) if _class_names else None)


@st.cache_resource(max_entries=3, show_spinner=False)
def synthetic(n_boxes: int, seed: int, spec: ResizeSpec) -> BoxDataset:
    return synthetic_dataset(n_boxes, seed=seed, resize=spec)


@st.cache_resource(max_entries=6, show_spinner=False)
def statistics(key: tuple, _ds: BoxDataset, cfg: AnchorConfig) -> DatasetStats:
    """The statistics; the w x h density gets fewer bins for small datasets (about 10 boxes per bin row)."""
    bins = int(np.clip(np.sqrt(len(_ds)) / 1.5, 16, 64))
    return dataset_statistics(_ds, cfg, bins=bins)


@st.cache_resource(max_entries=6, show_spinner=False)
def fit(key: tuple, _ds: BoxDataset, cfg: AnchorConfig, assigner: AssignerSpec, max_images: int, seed: int,
        anchor_t: float, iou_thr: float) -> FitReport:
    return evaluate(_ds, cfg, anchor_t=anchor_t, iou_thr=iou_thr, assigner=assigner, max_images=max_images,
                    seed=seed, worst_k=WORST_ROWS)


@st.cache_resource(max_entries=4, show_spinner=False)
def compare(key: tuple, _ds: BoxDataset, cfg_a: AnchorConfig, cfg_b: AnchorConfig, names: tuple[str, str],
            assigner: AssignerSpec | None, max_images: int, seed: int, anchor_t: float, iou_thr: float):
    return compare_setups(_ds, cfg_a, cfg_b, names=names, assigner=assigner, max_images=max_images, seed=seed,
                          anchor_t=anchor_t, iou_thr=iou_thr, worst_k=0)
