"""Bounded caches of the Dataset page.

A dataset is keyed by what determines it (the upload's digest and reading options, or the synthetic size
and seed, and the train-time resize); results built on it take that key plus the setup, and each part only what
it depends on: the statistics the dataset alone, the shape fit the setup and anchor_t, the positional fit the
setup, the assigner and the image sample, the worst GTs' rows the setup and the assigner, so a change of the IoU
threshold or of the image count recomputes only what it changes, and the Compare tab reuses the Fit tab's report
of the current setup. Every result is one shared read-only object (its arrays frozen), never a pickled copy of
up to millions of boxes per rerun. A byte budget, ``DATASETS`` (ANCHORVIZ_DATASET_CACHE_MB, default 256), bounds
the memory one server spends on them: entry counts (3 datasets, 8 fits) neither bounded the bytes (a dataset is
0.6 MB at 10k boxes and 60 MB at 1M) nor held a class, whose users each have their own train-time resize and so
their own dataset and fit (with 25 users, every Dataset page visit recomputed them).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
import streamlit as st

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.shared_cache import SharedCache
from anchorviz.dataset.load import BoxDataset, parse_dataset
from anchorviz.dataset.grid_fit import AssignerSpec, PositionalFit, default_assigner, positional_fit
from anchorviz.dataset.fit_report import Comparison, FitReport, compare_reports, fit_report, worst_fitting
from anchorviz.dataset.shape_fit import ShapeFit, at_threshold, shape_fit
from anchorviz.dataset.stats import DatasetStats, dataset_statistics
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.synthetic import synthetic_dataset

WORST_ROWS = 25
DATASETS = SharedCache("datasets", int(float(os.environ.get("ANCHORVIZ_DATASET_CACHE_MB", 256)) * 2**20))
RECENT_UPLOADS = 6             # uploads a reload can bring back, newest kept
RECENT_UPLOAD_BYTES = 800 << 20  # and at most this many bytes of them (the oldest leave first)


class RecentUploads:
    """The last few Dataset-page uploads of this server, by the random token each session put in its link, so a
    reload (a new session) finds its upload again. Bounded in count and bytes; shared by every session (a token is
    known only to the session that made it, and to whoever it shares its link with)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self._items: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries, self.max_bytes = max_entries, max_bytes

    def put(self, token: str, entry: tuple) -> None:
        """entry: (key parts, upload bytes, sizes bytes or None), as the page keeps it."""
        with self._lock:
            self._items[token] = entry
            self._items.move_to_end(token)
            while len(self._items) > self.max_entries or (len(self._items) > 1 and self._bytes() > self.max_bytes):
                self._items.popitem(last=False)

    def get(self, token: str) -> tuple | None:
        with self._lock:
            entry = self._items.get(token)
            if entry is not None:
                self._items.move_to_end(token)
            return entry

    def _bytes(self) -> int:
        return sum(len(e[1]) + len(e[2] or b"") for e in self._items.values())


@st.cache_resource(show_spinner=False)
def recent_uploads() -> RecentUploads:
    return RecentUploads(RECENT_UPLOADS, RECENT_UPLOAD_BYTES)


@DATASETS.cached
def uploaded(key: tuple, _data: bytes, _name: str, _format: str | None, _sizes: bytes | None,
             _class_names: tuple[str, ...] | None, _spec: ResizeSpec) -> BoxDataset:
    """An uploaded annotation file or .zip, read in memory. ``key`` covers every other argument."""
    return parse_dataset(_data, name=_name, format=_format, resize=_spec, sizes=_sizes,
                         class_names=list(_class_names) if _class_names else None)


@DATASETS.cached
def synthetic(n_boxes: int, seed: int, spec: ResizeSpec) -> BoxDataset:
    return synthetic_dataset(n_boxes, seed=seed, resize=spec)


@DATASETS.cached
def statistics(key: tuple, _ds: BoxDataset) -> DatasetStats:
    """The dataset's own statistics (no setup: GTs per level come from the shape fit); the w x h density gets
    fewer bins for small datasets (about 10 boxes per bin row)."""
    bins = int(np.clip(np.sqrt(len(_ds)) / 1.5, 16, 64))
    return dataset_statistics(_ds, None, bins=bins)


@DATASETS.cached
def shape(key: tuple, _ds: BoxDataset, cfg: AnchorConfig, anchor_t: float) -> ShapeFit:
    """Every box against the setup's shapes: the costly part that neither the image sample nor the IoU threshold
    changes (the threshold is applied by `at_threshold`)."""
    return shape_fit(_ds, cfg, anchor_t=anchor_t)


@DATASETS.cached
def positional(key: tuple, _ds: BoxDataset, cfg: AnchorConfig, assigner: AssignerSpec, max_images: int,
               seed: int) -> PositionalFit:
    """The real assignment on the sampled images' grids: the IoU threshold does not change it."""
    return positional_fit(_ds, cfg, assigner=assigner, max_images=max_images, seed=seed)


@DATASETS.cached
def worst(key: tuple, _ds: BoxDataset, cfg: AnchorConfig, assigner: AssignerSpec | None, anchor_t: float) -> list:
    """The worst-fitting GTs with the grid's verdict (their images assigned): neither the IoU threshold nor the
    image sample changes them, so a step on either control does not assign those images again."""
    return worst_fitting(_ds, shape(key, _ds, cfg, anchor_t), k=WORST_ROWS, cfg=cfg, assigner=assigner)


@DATASETS.cached
def fit(key: tuple, _ds: BoxDataset, cfg: AnchorConfig, assigner: AssignerSpec | None, max_images: int, seed: int,
        anchor_t: float, iou_thr: float) -> FitReport:
    """The FitReport put together from the cached parts (``assigner`` None: the setup's own, `default_assigner`)."""
    sf = at_threshold(shape(key, _ds, cfg, anchor_t), iou_thr)
    pf = positional(key, _ds, cfg, assigner or default_assigner(cfg), max_images, seed)
    return fit_report(_ds, cfg, sf, pf, worst_k=WORST_ROWS, assigner=assigner,
                      worst=worst(key, _ds, cfg, assigner, anchor_t))


def compare(key: tuple, ds: BoxDataset, cfg_a: AnchorConfig, cfg_b: AnchorConfig, names: tuple[str, str],
            assigner: AssignerSpec | None, max_images: int, seed: int, anchor_t: float, iou_thr: float) -> Comparison:
    """Two setups' reports side by side; the current setup's is the Fit tab's own (the same cache entries)."""
    ra = fit(key, ds, cfg_a, assigner, max_images, seed, anchor_t, iou_thr)
    rb = fit(key, ds, cfg_b, assigner, max_images, seed, anchor_t, iou_thr)
    return compare_reports(ra, rb, names=names)
