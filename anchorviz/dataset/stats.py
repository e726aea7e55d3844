"""Dataset statistics as arrays (no plotting): binned w x h density, sizes, aspect ratios, boxes per image,
GTs per pyramid level.

Everything is binned, never one point per box, so 10M boxes cost a few passes over two arrays. Log bins are
used for sizes and aspect ratios (boxes span 2 to 2000 px, ratios 1:10 to 10:1). Aspect ratio is h/w.

COCO size buckets (``size_buckets``): small ``area < 32²``, medium ``32² <= area < 96²``, large
``area >= 96²``. ``DatasetStats.buckets`` is COCO's split as COCO defines it: box area in the *original* image's
pixels (w x h of the box; COCOeval itself reads each annotation's ``area`` field, the segmentation area, which is
smaller than the box for most objects, and counts a box exactly at a cut-off in both neighbours).
``DatasetStats.buckets_input`` is the same cut-offs applied after the train-time resize, in network-input pixels,
what the anchors actually meet; the two differ by the resize's scale (x1.25 to x3 on COCO at 800 px).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.grid_fit import AssignerSpec, positional_fit
from anchorviz.dataset.shapes import anchor_shapes, best_shape_match
from anchorviz.dataset.shape_fit import shape_fit
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["Histogram", "Histogram2D", "SizeBuckets", "DatasetStats", "COCO_SMALL", "COCO_MEDIUM", "log_edges",
           "wh_density", "sqrt_area_histogram", "size_buckets", "aspect_histogram", "boxes_per_image_histogram",
           "gts_per_level", "dataset_statistics", "percentiles"]

COCO_SMALL = 32.0
COCO_MEDIUM = 96.0


@dataclass(frozen=True, kw_only=True, eq=False)
class Histogram:
    """edges: float64 (B + 1,) bin edges; counts: int64 (B,) (the last bin includes its right edge)."""

    edges: np.ndarray
    counts: np.ndarray

    @property
    def centres(self) -> np.ndarray:
        """Geometric centres for log bins (all edges > 0), arithmetic otherwise."""
        e = self.edges
        return np.sqrt(e[:-1] * e[1:]) if (e > 0).all() else 0.5 * (e[:-1] + e[1:])


@dataclass(frozen=True, kw_only=True, eq=False)
class Histogram2D:
    """w_edges (Bw + 1,), h_edges (Bh + 1,), counts int64 (Bh, Bw): rows are heights, columns widths
    (``z[y][x]``, the layout of a heatmap)."""

    w_edges: np.ndarray
    h_edges: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True, kw_only=True)
class SizeBuckets:
    """COCO size buckets: counts of boxes with area < 32², in [32², 96²), >= 96²."""

    small: int
    medium: int
    large: int

    def shares(self) -> tuple[float, float, float]:
        n = self.small + self.medium + self.large
        return (self.small / n, self.medium / n, self.large / n) if n else (0.0, 0.0, 0.0)


def _wh(data) -> np.ndarray:
    wh = data.wh if isinstance(data, BoxDataset) else np.asarray(data, np.float64)
    if wh.ndim != 2 or wh.shape[1] != 2:
        raise AnchorVizInputError(f"boxes: expected a BoxDataset or (N, 2) widths and heights, got shape {wh.shape}")
    return wh


def log_edges(lo: float, hi: float, bins: int) -> np.ndarray:
    """``bins + 1`` geometric edges from lo to hi (both > 0)."""
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise AnchorVizInputError(f"bins: expected a whole number >= 1, got {bins!r}")
    if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo):
        raise AnchorVizInputError(f"log bins: expected 0 < lo, got lo={lo!r}, hi={hi!r}")
    hi = max(hi, lo * 1.0001)
    return np.geomspace(lo, hi, int(bins) + 1)


def _bin(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bin index of each value: edges[i] <= v < edges[i + 1]; the last bin is closed, outliers are clamped."""
    idx = np.searchsorted(edges, values, side="right") - 1
    return np.clip(idx, 0, len(edges) - 2)


def wh_density(data, *, bins: int = 64, lo: float | None = None, hi: float | None = None) -> Histogram2D:
    """2-D histogram of box width x height on common log bins (rows: heights, columns: widths).

    Args:
        data: a BoxDataset or (N, 2) widths and heights (> 0).
        bins: bins per axis.
        lo, hi: the range (default: the smallest and largest side, rounded out to whole pixels, >= 0.5).
    """
    wh = _wh(data)
    if len(wh) == 0:
        e = log_edges(1.0, 1000.0, bins)
        return Histogram2D(w_edges=e, h_edges=e, counts=np.zeros((bins, bins), np.int64))
    lo = max(0.5, float(np.floor(wh.min()))) if lo is None else lo
    hi = float(np.ceil(wh.max())) if hi is None else hi
    e = log_edges(lo, hi, bins)
    iw = _bin(np.maximum(wh[:, 0], lo), e)
    ih = _bin(np.maximum(wh[:, 1], lo), e)
    counts = np.bincount(ih * bins + iw, minlength=bins * bins).reshape(bins, bins).astype(np.int64)
    return Histogram2D(w_edges=e, h_edges=e, counts=counts)


def sqrt_area_histogram(data, *, bins: int = 50) -> Histogram:
    """Histogram of sqrt(w * h) (the box's side) on log bins; see `size_buckets` for the COCO cut-offs."""
    wh = _wh(data)
    side = np.sqrt(wh[:, 0] * wh[:, 1])
    side = side[side > 0]
    if len(side) == 0:
        e = log_edges(1.0, 1000.0, bins)
        return Histogram(edges=e, counts=np.zeros(bins, np.int64))
    lo = max(0.5, float(np.floor(side.min())))
    e = log_edges(lo, float(np.ceil(side.max())), bins)
    return Histogram(edges=e, counts=np.bincount(_bin(side, e), minlength=bins).astype(np.int64))


def size_buckets(data) -> SizeBuckets:
    """COCO small / medium / large counts: area < 32², 32² <= area < 96², area >= 96²."""
    wh = _wh(data)
    area = wh[:, 0] * wh[:, 1]
    small = int((area < COCO_SMALL**2).sum())
    large = int((area >= COCO_MEDIUM**2).sum())
    return SizeBuckets(small=small, medium=len(area) - small - large, large=large)


def aspect_histogram(data, *, bins: int = 41, max_ratio: float | None = None) -> Histogram:
    """Histogram of h/w on log bins symmetric around 1 (from 1/max_ratio to max_ratio).

    Args:
        max_ratio: the range; default the most extreme ratio in the data (at least 2, at most 1000).
    """
    wh = _wh(data)
    ok = (wh > 0).all(axis=1)
    r = wh[ok, 1] / wh[ok, 0]
    if max_ratio is None:
        m = float(np.exp(np.abs(np.log(r)).max())) if len(r) else 2.0
        max_ratio = min(max(2.0, m * 1.0001), 1000.0)
    e = log_edges(1.0 / max_ratio, max_ratio, bins)
    counts = np.bincount(_bin(np.clip(r, e[0], e[-1]), e), minlength=bins).astype(np.int64) if len(r) else np.zeros(bins, np.int64)
    return Histogram(edges=e, counts=counts)


def boxes_per_image_histogram(ds: BoxDataset) -> Histogram:
    """Images with 0, 1, 2, ... boxes: edges -0.5, 0.5, ..., counts int64 (max + 1,)."""
    per = ds.boxes_per_image()
    counts = np.bincount(per).astype(np.int64) if len(per) else np.zeros(1, np.int64)
    return Histogram(edges=np.arange(len(counts) + 1) - 0.5, counts=counts)


def percentiles(values, qs=(1, 5, 25, 50, 75, 95, 99)) -> dict[int, float]:
    """{q: value} percentiles (empty input gives NaN)."""
    v = np.asarray(values, np.float64)
    if len(v) == 0:
        return {int(q): float("nan") for q in qs}
    return {int(q): float(x) for q, x in zip(qs, np.percentile(v, qs))}


def gts_per_level(ds: BoxDataset, cfg: AnchorConfig, *, by: str = "best_iou", assigner: AssignerSpec | None = None,
                  max_images: int | None = 500, seed: int = 0) -> tuple[tuple[str, ...], np.ndarray]:
    """How many GTs each pyramid level takes under ``cfg``.

    Args:
        ds: the dataset.
        cfg: the setup.
        by: "best_iou" (the level of each GT's best shape-IoU anchor; all GTs) or "assignment" (the level
            holding most of the GT's positives under the real assigner on the grid, on a seeded sample of
            ``max_images`` images; an extra last entry counts GTs without positives).
        assigner, max_images, seed: see `anchorviz.dataset.grid_fit.positional_fit`.

    Returns:
        (level names (with "none" appended for by="assignment"), int64 counts).
    """
    names = tuple(lv.name or f"L{i}" for i, lv in enumerate(cfg.levels))
    nl = len(names)
    if by == "best_iou":
        if cfg.conv.normalised:  # d2l: shapes depend on each image's input size
            return names, np.bincount(shape_fit(ds, cfg).best_level, minlength=nl).astype(np.int64)
        shapes = anchor_shapes(cfg)
        _, best = best_shape_match(ds.wh, shapes.wh)
        return names, np.bincount(shapes.level[best], minlength=nl).astype(np.int64)
    if by == "assignment":
        pf = positional_fit(ds, cfg, assigner=assigner, max_images=max_images, seed=seed)
        lv = np.where(pf.level < 0, nl, pf.level)
        return names + ("none",), np.bincount(lv, minlength=nl + 1).astype(np.int64)
    raise AnchorVizInputError(f"by: expected 'best_iou' or 'assignment', got {by!r}")


@dataclass(frozen=True, kw_only=True, eq=False)
class DatasetStats:
    """All the dataset statistics at once (see the functions of this module).

    Attributes:
        n_boxes, n_images: sizes.
        density: w x h 2-D histogram.
        sqrt_area: sqrt-area histogram (network-input px).
        buckets: COCO small / medium / large on box areas in the original images (COCO's own definition).
        buckets_input: the same cut-offs on box areas after the train-time resize (network-input px).
        aspect: h/w histogram.
        boxes_per_image: images by box count.
        side_percentiles, aspect_percentiles: {q: value}.
        level_names, level_counts: GTs per level by best shape IoU under ``config`` (None without one).
    """

    n_boxes: int
    n_images: int
    density: Histogram2D
    sqrt_area: Histogram
    buckets: SizeBuckets
    buckets_input: SizeBuckets
    aspect: Histogram
    boxes_per_image: Histogram
    side_percentiles: dict
    aspect_percentiles: dict
    level_names: tuple[str, ...] | None = None
    level_counts: np.ndarray | None = None


def dataset_statistics(ds: BoxDataset, cfg: AnchorConfig | None = None, *, bins: int = 64) -> DatasetStats:
    """Every statistic of this module for ``ds`` (GTs per level by best shape IoU when ``cfg`` is given)."""
    wh = ds.wh
    side = np.sqrt(wh[:, 0] * wh[:, 1])
    ok = (wh > 0).all(axis=1)
    names = counts = None
    if cfg is not None and len(ds):
        names, counts = gts_per_level(ds, cfg, by="best_iou")
    return DatasetStats(
        n_boxes=len(ds), n_images=ds.n_images, density=wh_density(wh, bins=bins), sqrt_area=sqrt_area_histogram(wh),
        buckets=size_buckets(ds.original_wh), buckets_input=size_buckets(wh), aspect=aspect_histogram(wh),
        boxes_per_image=boxes_per_image_histogram(ds),
        side_percentiles=percentiles(side), aspect_percentiles=percentiles(wh[ok, 1] / wh[ok, 0]),
        level_names=names, level_counts=counts,
    )
