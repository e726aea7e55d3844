"""How well an anchor setup fits a whole dataset: shape-only metrics, the real assignment on the grid, compare.

Two views, both for any `AnchorConfig`:

* **Shape only** (`shape_fit`): each GT against every anchor *shape* placed at a common centre. Gives the best
  IoU per GT, the recall-vs-IoU curve, and YOLOv5 autoanchor's BPR / anchors-above-threshold / fitness on
  the ratio metric (exactly `anchorviz.fit.yolo_fit`, which it calls). Cheap: 10M boxes in seconds.
* **Positional** (`positional_fit`): per image, the anchors actually generated on the grid for that image's
  network input (`cached_anchors`) and the library's assigner (`assign_anchors` with the convention's
  max-IoU rule, `assign_yolov5`, or `assign_atss`). Gives positives per GT and the share of GTs with none.
  It costs milliseconds per image, so large datasets are assessed on a seeded subsample of images
  (``max_images``); the result says how many were used.

`evaluate` bundles both with per-level counts and the worst-fitting GTs; `compare_setups` puts two setups
side by side (a metrics table and overlaid curves).

Aspect ratios are h/w throughout (d2l's w/h ratios are turned into shapes by its own formula first).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from anchorviz.anchors import AnchorConfig, cached_anchors, cell_anchors, feature_size
from anchorviz.assign import Label, assign_anchors, assign_atss, assign_yolov5, max_iou_rule
from anchorviz.conventions import get_convention
from anchorviz.dataset import BoxDataset
from anchorviz.errors import AnchorVizInputError
from anchorviz.fit import yolo_fit
from anchorviz.iou import shape_iou

__all__ = ["AnchorShapes", "anchor_shapes", "best_shape_match", "ShapeFit", "shape_fit", "yolo_metrics",
           "AssignerSpec", "default_assigner", "PositionalFit", "positional_fit", "FitReport", "evaluate",
           "worst_fitting", "Comparison", "compare_setups", "RECALL_THRESHOLDS", "ProgressFn", "StopFn"]

ProgressFn = Callable[[float, str], None]
StopFn = Callable[[], bool]

#: IoU thresholds of the recall curves: 0, 0.01, ..., 1.
RECALL_THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)
_SHAPE_CHUNK_ELEMENTS = 8_000_000  # rows x anchor shapes per chunk (bounded memory for 10M boxes)
_POSITIVES_CAP = 20


def _noop_progress(fraction: float, message: str) -> None:
    return None


def _never() -> bool:
    return False


# --------------------------------------------------------------------------------------------------------
# Anchor shapes


@dataclass(frozen=True, kw_only=True, eq=False)
class AnchorShapes:
    """The distinct anchor shapes of a setup (one row per cell anchor of each level).

    Attributes:
        wh: float64 (K, 2) width and height in network-input pixels, exactly as the library generates them
            (torchvision's rounding, mmdet v1's +1 corners, d2l's image-relative sizes).
        level: int64 (K,) level index of each shape.
        level_names: the levels' names ("P3", ...).
    """

    wh: np.ndarray
    level: np.ndarray
    level_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.wh.shape[0])


def anchor_shapes(cfg: AnchorConfig, input_hw: tuple[int, int] | None = None) -> AnchorShapes:
    """Every level's cell-anchor shapes.

    Args:
        cfg: the setup.
        input_hw: the network input (height, width); needed only by d2l, whose sizes are fractions of the
            image and whose widths depend on the feature map.

    Raises:
        AnchorVizInputError: a d2l setup without ``input_hw``.
    """
    conv = cfg.conv
    if conv.normalised and input_hw is None:
        raise AnchorVizInputError(f"{conv.title} anchor sizes are fractions of the image: expected input_hw")
    whs, levels = [], []
    for i, lv in enumerate(cfg.levels):
        feat = lv.feature_hw or (feature_size(input_hw, lv.stride_wh) if input_hw is not None else None)
        cells = cell_anchors(cfg, i, feat)
        wh = cells[:, 2:] - cells[:, :2]
        if conv.normalised:
            wh = wh * np.array([input_hw[1], input_hw[0]], np.float64)
        whs.append(wh)
        levels.append(np.full(len(wh), i, np.int64))
    names = tuple(lv.name or f"L{i}" for i, lv in enumerate(cfg.levels))
    return AnchorShapes(wh=np.concatenate(whs), level=np.concatenate(levels), level_names=names)


def best_shape_match(wh, shapes_wh) -> tuple[np.ndarray, np.ndarray]:
    """Best shape-only IoU of each box with any anchor shape, and which shape, in bounded memory.

    Args:
        wh (ndarray[N, 2]): box widths and heights.
        shapes_wh (ndarray[K, 2]): anchor widths and heights.

    Returns:
        (best IoU float64 (N,), index of the best shape int64 (N,); the first shape on ties). The values are
        exactly ``anchorviz.iou.shape_iou(wh, shapes_wh).max(axis=1)``.
    """
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    s = np.asarray(shapes_wh, np.float64).reshape(-1, 2)
    n, k = len(w), len(s)
    best = np.zeros(n)
    arg = np.zeros(n, np.int64)
    if k == 0 or n == 0:
        return best, arg
    step = max(1, _SHAPE_CHUNK_ELEMENTS // k)
    for a in range(0, n, step):
        iou = shape_iou(w[a:a + step], s)  # [n_chunk, K]
        arg[a:a + step] = iou.argmax(axis=1)
        best[a:a + step] = iou[np.arange(len(iou)), arg[a:a + step]]
    return best, arg


@dataclass(frozen=True, kw_only=True)
class YoloMetrics:
    """YOLOv5 autoanchor's metrics (see anchorviz.fit): bpr, aat, fitness, best_mean, metric_all_mean."""

    bpr: float
    aat: float
    fitness: float
    best_mean: float
    metric_all_mean: float


def _yolo_from(v: np.ndarray) -> YoloMetrics:
    bpr, aat, fitness, best_mean, metric_all_mean = (float(x) for x in v)
    return YoloMetrics(bpr=bpr, aat=aat, fitness=fitness, best_mean=best_mean, metric_all_mean=metric_all_mean)


def yolo_metrics(wh, anchors_wh, *, thr: float = 4.0) -> YoloMetrics:
    """`anchorviz.fit.yolo_fit` on any number of boxes.

    Up to a few million box-anchor pairs this *is* one yolo_fit call, so the numbers equal it exactly. Larger
    inputs are cut into chunks of whole boxes, each measured by yolo_fit, and the per-chunk means are combined
    weighted by chunk size in float64 (autoanchor averages in float32; the two differ by float32 rounding,
    about 1e-7 relative).
    """
    w = np.asarray(wh, np.float64).reshape(-1, 2)
    k = np.asarray(anchors_wh, np.float64).reshape(-1, 2)
    n = len(w)
    if n == 0:
        raise AnchorVizInputError("yolo metrics: no target boxes to measure")
    step = max(1, _SHAPE_CHUNK_ELEMENTS // (2 * max(len(k), 1)))
    if n <= step:
        f = yolo_fit(w, k, thr=thr)
        return YoloMetrics(bpr=f.bpr, aat=f.aat, fitness=f.fitness, best_mean=f.best_mean,
                           metric_all_mean=f.metric_all_mean)
    acc = np.zeros(5)
    for a in range(0, n, step):
        f = yolo_fit(w[a:a + step], k, thr=thr)
        m = len(w[a:a + step])
        acc += m * np.array([f.bpr, f.aat, f.fitness, f.best_mean, f.metric_all_mean])
    acc /= n
    return _yolo_from(acc)


# --------------------------------------------------------------------------------------------------------
# Shape-only fit


@dataclass(frozen=True, kw_only=True, eq=False)
class ShapeFit:
    """Shape-only fit of a setup on a set of boxes.

    Attributes:
        shapes: the anchor shapes (of the first input size for d2l).
        best_iou: float64 (N,) best shape IoU of each GT.
        best_shape: int64 (N,) row of ``shapes`` giving it (for d2l: of that image size's shapes).
        best_level: int64 (N,) level of that shape.
        mean_best_iou: mean of best_iou.
        iou_thr: the IoU threshold of ``bpr_iou``.
        bpr_iou: share of GTs whose best shape IoU >= iou_thr ("BPR-like").
        thresholds: float64 (T,) IoU thresholds; recall: float64 (T,) share of GTs with best IoU >= each.
        anchor_t: YOLOv5's anchor_t; yolo: YOLOv5 BPR / aat / fitness on the ratio metric.
    """

    shapes: AnchorShapes
    best_iou: np.ndarray
    best_shape: np.ndarray
    best_level: np.ndarray
    mean_best_iou: float
    iou_thr: float
    bpr_iou: float
    thresholds: np.ndarray
    recall: np.ndarray
    anchor_t: float
    yolo: YoloMetrics


def recall_curve(best_iou: np.ndarray, thresholds=RECALL_THRESHOLDS) -> np.ndarray:
    """float64 (T,): share of GTs whose best IoU >= each threshold (1.0 at threshold 0)."""
    b = np.sort(np.asarray(best_iou, np.float64))
    t = np.asarray(thresholds, np.float64)
    if len(b) == 0:
        return np.zeros(len(t))
    return (len(b) - np.searchsorted(b, t, side="left")) / len(b)


def _wh_groups(data, cfg: AnchorConfig, input_hw):
    """[(box indices or slice, wh (n, 2), AnchorShapes)]: one group, or one per input size for d2l."""
    if isinstance(data, BoxDataset):
        wh = data.wh
        if cfg.conv.normalised:
            sizes = data.input_hw[data.image_index]
            uniq, inv = np.unique(sizes, axis=0, return_inverse=True)
            inv = inv.reshape(-1)
            return [(np.flatnonzero(inv == u), wh[inv == u], anchor_shapes(cfg, tuple(int(v) for v in hw)))
                    for u, hw in enumerate(uniq)]
        return [(slice(None), wh, anchor_shapes(cfg))]
    wh = np.asarray(data, np.float64)
    if wh.ndim != 2 or wh.shape[1] != 2:
        raise AnchorVizInputError(f"boxes: expected a BoxDataset or (N, 2) widths and heights, got shape {wh.shape}")
    if not np.isfinite(wh).all() or (wh < 0).any():
        raise AnchorVizInputError("boxes: widths and heights must be finite and >= 0")
    return [(slice(None), wh, anchor_shapes(cfg, input_hw))]


def shape_fit(data, cfg: AnchorConfig, *, anchor_t: float = 4.0, iou_thr: float = 0.5,
              thresholds=RECALL_THRESHOLDS, input_hw: tuple[int, int] | None = None) -> ShapeFit:
    """Shape-only fit of ``cfg`` on a dataset or on (N, 2) widths and heights.

    Args:
        data: a BoxDataset, or float64 (N, 2) box widths and heights in network-input pixels.
        cfg: the anchor setup.
        anchor_t: YOLOv5's anchor_t for BPR / aat / fitness (a GT fits an anchor when both w and h are within
            a factor anchor_t, strictly).
        iou_thr: threshold of the IoU-based BPR (``bpr_iou``).
        thresholds: IoU thresholds of the recall curve.
        input_hw: d2l only, when ``data`` is a wh array: the network input size.

    Raises:
        AnchorVizInputError: no boxes; bad anchor_t or iou_thr.
    """
    if not isinstance(iou_thr, (int, float)) or not 0.0 <= iou_thr <= 1.0:
        raise AnchorVizInputError(f"iou_thr: expected a number in [0, 1], got {iou_thr!r}")
    groups = _wh_groups(data, cfg, input_hw)
    n = sum(len(g[1]) for g in groups)
    if n == 0:
        raise AnchorVizInputError("shape fit: the dataset has no boxes to measure")
    best = np.zeros(n)
    arg = np.zeros(n, np.int64)
    lvl = np.zeros(n, np.int64)
    yolo_acc = np.zeros(5)
    for idx, wh, shapes in groups:
        b, a = best_shape_match(wh, shapes.wh)
        best[idx], arg[idx], lvl[idx] = b, a, shapes.level[a]
        if len(wh):
            m = yolo_metrics(wh, shapes.wh, thr=anchor_t)
            yolo_acc += len(wh) * np.array([m.bpr, m.aat, m.fitness, m.best_mean, m.metric_all_mean])
    if len(groups) == 1:
        ym = yolo_metrics(groups[0][1], groups[0][2].wh, thr=anchor_t)
    else:
        ym = _yolo_from(yolo_acc / n)
    thr = np.asarray(thresholds, np.float64)
    return ShapeFit(shapes=groups[0][2], best_iou=best, best_shape=arg, best_level=lvl,
                    mean_best_iou=float(best.mean()), iou_thr=float(iou_thr),
                    bpr_iou=float((best >= iou_thr).mean()), thresholds=thr, recall=recall_curve(best, thr),
                    anchor_t=float(anchor_t), yolo=ym)


# --------------------------------------------------------------------------------------------------------
# Positional fit


@dataclass(frozen=True, kw_only=True)
class AssignerSpec:
    """Which assigner the positional fit runs, with its numbers.

    Attributes:
        kind: "max_iou" (the convention's own max-IoU rule and low-quality matching), "yolov5", "atss".
        pos_iou, neg_iou: max-IoU thresholds (positive >= pos_iou, negative < neg_iou).
        low_quality: max-IoU: apply the library's low-quality matching.
        anchor_t: yolov5: the w/h ratio limit.
        topk: atss: candidates per level.
    """

    kind: str = "max_iou"
    pos_iou: float = 0.5
    neg_iou: float = 0.4
    low_quality: bool = True
    anchor_t: float = 4.0
    topk: int = 9

    def __post_init__(self) -> None:
        if self.kind not in ("max_iou", "yolov5", "atss"):
            raise AnchorVizInputError(f"assigner: expected max_iou, yolov5 or atss, got {self.kind!r}")
        for key in ("pos_iou", "neg_iou"):
            v = getattr(self, key)
            if not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
                raise AnchorVizInputError(f"{key}: expected a number in [0, 1], got {v!r}")
        if self.neg_iou > self.pos_iou:
            raise AnchorVizInputError(f"neg_iou ({self.neg_iou}) is above pos_iou ({self.pos_iou})")
        if not isinstance(self.anchor_t, (int, float)) or not self.anchor_t > 1:
            raise AnchorVizInputError(f"anchor_t: expected a number > 1, got {self.anchor_t!r}")
        if isinstance(self.topk, bool) or not isinstance(self.topk, int) or self.topk < 1:
            raise AnchorVizInputError(f"topk: expected a whole number >= 1, got {self.topk!r}")

    def describe(self, convention: str) -> str:
        if self.kind == "yolov5":
            return f"YOLOv5 (anchor_t {self.anchor_t:g}, neighbouring cells)"
        if self.kind == "atss":
            return f"ATSS (top {self.topk} per level)"
        if get_convention(convention).low_quality == "none":
            return f"max-IoU {self.pos_iou:g}/{self.neg_iou:g} ({convention} has no low-quality matching)"
        lq = "with" if self.low_quality else "without"
        return f"max-IoU {self.pos_iou:g}/{self.neg_iou:g} {lq} {convention}'s low-quality matching"


def default_assigner(cfg: AnchorConfig) -> AssignerSpec:
    """YOLOv5's matching for YOLO setups, max-IoU 0.5/0.4 with low-quality matching (RetinaNet) otherwise."""
    return AssignerSpec(kind="yolov5") if cfg.convention == "yolov5" else AssignerSpec()


@dataclass(frozen=True, kw_only=True, eq=False)
class PositionalFit:
    """The real assignment on the grid, over the assessed images.

    Attributes:
        assigner: a description of the assigner.
        images: int64 (S,) the image indices assessed (all images with boxes, or a seeded sample), in the order
            they were assessed (grouped by network-input size); ``gt_index`` follows the same order.
        n_images_with_boxes: images with boxes in the dataset (S <= this).
        gt_index: int64 (M,) dataset box index of each assessed GT.
        positives: int64 (M,) positive anchors per GT (YOLOv5: (GT, anchor) training pairs).
        grid_best_iou: float64 (M,) best IoU of each GT with any anchor on its image's grid.
        level: int64 (M,) the level holding most of the GT's positives (finest on ties), -1 when none.
        level_names: names of the levels.
        zero_positive_fraction: share of assessed GTs without any positive anchor.
        positives_hist: int64 (CAP + 1,) GTs with 0, 1, ..., CAP-1 and >= CAP positives (CAP = 20).
        cancelled: True when ``should_stop`` ended the run early (the fields cover the images done).
    """

    assigner: str
    images: np.ndarray
    n_images_with_boxes: int
    gt_index: np.ndarray
    positives: np.ndarray
    grid_best_iou: np.ndarray
    level: np.ndarray
    level_names: tuple[str, ...]
    zero_positive_fraction: float
    positives_hist: np.ndarray
    cancelled: bool = False

    @property
    def sampled(self) -> bool:
        return len(self.images) < self.n_images_with_boxes

    def with_positive_share(self) -> float:
        """Share of assessed GTs with at least one positive anchor."""
        return 1.0 - self.zero_positive_fraction


def _assign_one(cfg: AnchorConfig, input_hw: tuple[int, int], gts: np.ndarray, spec: AssignerSpec):
    """(positives per GT, grid best IoU per GT, per-GT level (most positives, finest on ties) or -1)."""
    aset = cached_anchors(cfg, input_hw)
    nl = len(cfg.levels)
    if spec.kind == "yolov5":
        a = assign_yolov5(aset, gts, anchor_t=spec.anchor_t)
        best = a.gt_max_iou  # anchorviz's IoU, YOLOv5's own style
        # YOLOv5 picks levels by shape alone: count the shapes of each level passing the ratio test
        per_level = np.zeros((len(gts), nl), np.int64)
        gwh = (gts[:, 2:] - gts[:, :2]).astype(np.float32)
        for lg in aset.levels:
            awh = lg.shapes_wh.astype(np.float32)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = gwh[:, None, :] / awh[None, :, :]
                ok = np.maximum(r, np.float32(1) / r).max(axis=2) < np.float32(spec.anchor_t)
            per_level[:, lg.index] = ok.sum(axis=1)
    else:
        if spec.kind == "atss":
            a = assign_atss(aset, gts, topk=spec.topk, style=cfg.conv.iou)
        else:
            rule = max_iou_rule(cfg.convention, pos_iou=spec.pos_iou, neg_iou=spec.neg_iou,
                                low_quality=spec.low_quality)
            a = assign_anchors(aset, gts, rule)
        best = a.gt_max_iou
        pos = np.flatnonzero(a.labels == Label.POSITIVE)
        per_level = np.zeros((len(gts), nl), np.int64)
        np.add.at(per_level, (a.matched_gt[pos], aset.level[pos].astype(np.int64)), 1)
    positives = a.positives_per_gt()
    level = np.where(per_level.max(axis=1) > 0, per_level.argmax(axis=1), -1)
    return positives, np.nan_to_num(best, nan=0.0), level


def positional_fit(ds: BoxDataset, cfg: AnchorConfig, *, assigner: AssignerSpec | None = None,
                   max_images: int | None = 500, seed: int = 0, images=None,
                   on_progress: ProgressFn | None = None, should_stop: StopFn | None = None) -> PositionalFit:
    """Assign every assessed image's GTs to the anchors generated for its network input.

    Args:
        ds: the dataset.
        cfg: the setup.
        assigner: which assigner (default `default_assigner`).
        max_images: assess at most this many images (seeded sample); None for all. Each image costs a few
            milliseconds (more for fine strides on large inputs).
        seed: the sample's seed.
        images: explicit image indices instead of a sample.
        on_progress: called with (fraction done, message) about every 2% of the images.
        should_stop: polled between images; when it returns True the result covers the images done.

    Raises:
        AnchorVizInputError: no image with boxes; a setup that makes too many anchors for an input size.
    """
    spec = assigner or default_assigner(cfg)
    progress = on_progress or _noop_progress
    stop = should_stop or _never
    n_with = int((ds.boxes_per_image() > 0).sum())
    imgs = ds.sample_images(max_images, seed=seed) if images is None else np.asarray(images, np.int64)
    if len(imgs) == 0:
        raise AnchorVizInputError("positional fit: no image with boxes to assess")
    gi, pos, best, lvl, done = [], [], [], [], []
    cancelled = False
    every = max(1, len(imgs) // 50)
    # images of the same input size one after the other: cached_anchors then generates each grid once
    order = imgs[np.lexsort((imgs, ds.input_hw[imgs, 1], ds.input_hw[imgs, 0]))]
    for j, i in enumerate(order.tolist()):
        if stop():
            cancelled = True
            break
        done.append(i)
        idx = ds.box_indices_of(i)
        if len(idx) == 0:
            continue
        p, b, lv = _assign_one(cfg, (int(ds.input_hw[i, 0]), int(ds.input_hw[i, 1])), ds.boxes[idx], spec)
        gi.append(idx)
        pos.append(p)
        best.append(b)
        lvl.append(lv)
        if j % every == 0:
            progress(j / len(imgs), f"assigning anchors: image {j + 1:,} of {len(imgs):,}")
    progress(1.0, "assignment done")
    cat = (lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt))
    positives = cat(pos, np.int64)
    hist = np.bincount(np.minimum(positives, _POSITIVES_CAP), minlength=_POSITIVES_CAP + 1).astype(np.int64)
    zero = float((positives == 0).mean()) if len(positives) else 0.0
    names = tuple(lv.name or f"L{i}" for i, lv in enumerate(cfg.levels))
    return PositionalFit(assigner=spec.describe(cfg.convention), images=np.array(done, np.int64),
                         n_images_with_boxes=n_with, gt_index=cat(gi, np.int64), positives=positives,
                         grid_best_iou=cat(best, np.float64), level=cat(lvl, np.int64), level_names=names,
                         zero_positive_fraction=zero, positives_hist=hist, cancelled=cancelled)


# --------------------------------------------------------------------------------------------------------
# Worst-fitting GTs


def _fmt_ratio(r: float) -> str:
    return f"1:{1 / r:.1f}" if r < 1 else f"{r:.1f}:1"


def _why(w: float, h: float, shapes: AnchorShapes) -> str:
    side = math.sqrt(w * h)
    sides = np.sqrt(shapes.wh[:, 0] * shapes.wh[:, 1])
    ratios = shapes.wh[:, 1] / shapes.wh[:, 0]
    reasons = []
    if side < sides.min():
        reasons.append(f"smaller than the smallest anchor (side {side:.1f} px vs {sides.min():.1f} px)")
    elif side > sides.max():
        reasons.append(f"larger than the largest anchor (side {side:.1f} px vs {sides.max():.1f} px)")
    r = h / w if w > 0 else math.inf
    lo, hi = float(ratios.min()), float(ratios.max())
    if r < lo * 0.999 or r > hi * 1.001:
        reasons.append(f"aspect h/w {r:.3g} ({_fmt_ratio(r)}) beyond the anchors' ratios {lo:.3g}..{hi:.3g}")
    if not reasons:
        reasons.append("falls between the anchor sizes / shapes")
    return "; ".join(reasons)


def worst_fitting(ds: BoxDataset, fit: ShapeFit, *, k: int = 20) -> list[dict]:
    """The ``k`` GTs with the lowest best shape IoU, as table rows.

    Returns:
        list of dicts: image (name), image_index, box (xyxy network-input px), w, h, best_iou,
        best_anchor ((level name, w, h)), why (a sentence: too small / too large / aspect beyond the ratios /
        between shapes). Lowest first; ties by box index.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise AnchorVizInputError(f"k: expected a whole number >= 0, got {k!r}")
    n = len(fit.best_iou)
    if n != len(ds):
        raise AnchorVizInputError(f"worst_fitting: the fit covers {n} boxes but the dataset has {len(ds)}")
    k = min(k, n)
    if k == 0:
        return []
    part = np.argpartition(fit.best_iou, k - 1)[:k] if k < n else np.arange(n)
    part = part[np.lexsort((part, fit.best_iou[part]))]
    rows = []
    for i in part.tolist():
        b = ds.boxes[i]
        w, h = float(b[2] - b[0]), float(b[3] - b[1])
        s = int(fit.best_shape[i])
        img = int(ds.image_index[i])
        shapes = fit.shapes  # d2l: the first input size's shapes (its shapes scale with the image)
        aw, ah = (float(v) for v in shapes.wh[min(s, len(shapes) - 1)])
        rows.append({"image": ds.image_names[img], "image_index": img, "box": [round(float(v), 2) for v in b],
                     "w": round(w, 2), "h": round(h, 2), "best_iou": float(fit.best_iou[i]),
                     "best_anchor": (shapes.level_names[int(fit.best_level[i])], round(aw, 2), round(ah, 2)),
                     "why": _why(w, h, shapes)})
    return rows


# --------------------------------------------------------------------------------------------------------
# Everything together, and comparisons


@dataclass(frozen=True, kw_only=True, eq=False)
class FitReport:
    """Shape-only and positional fit of one setup on one dataset.

    Attributes:
        config: the setup.
        shape: the shape-only fit.
        positional: the real assignment over the assessed images, or None when not run.
        level_counts_shape: int64 (L,) GTs whose best-IoU anchor shape is on each level.
        level_counts_assigned: int64 (L + 1,) assessed GTs by the level holding most of their positives,
            last entry = GTs without positives; None without a positional fit.
        worst: the worst-fitting GTs (see `worst_fitting`).
    """

    config: AnchorConfig
    shape: ShapeFit
    positional: PositionalFit | None
    level_counts_shape: np.ndarray
    level_counts_assigned: np.ndarray | None
    worst: list = field(default_factory=list)

    def rows(self) -> list[tuple[str, float | int | str]]:
        """The metrics table: (metric, value) rows, in a fixed order."""
        s = self.shape
        out: list[tuple[str, float | int | str]] = [
            ("anchor shapes", len(s.shapes)),
            ("mean best IoU (shape)", s.mean_best_iou),
            *([(f"GTs with best IoU >= {s.iou_thr:g} (shape)", s.bpr_iou)] if s.iou_thr not in (0.3, 0.5, 0.7) else []),
            ("GTs with best IoU >= 0.3 (shape)", _at(s, 0.3)),
            ("GTs with best IoU >= 0.5 (shape)", _at(s, 0.5)),
            ("GTs with best IoU >= 0.7 (shape)", _at(s, 0.7)),
            (f"YOLOv5 BPR (anchor_t {s.anchor_t:g})", s.yolo.bpr),
            ("YOLOv5 anchors above threshold", s.yolo.aat),
            ("YOLOv5 fitness", s.yolo.fitness),
        ]
        p = self.positional
        if p is not None:
            extra = f", {len(p.images):,} of {p.n_images_with_boxes:,} images" if p.sampled else ""
            out += [
                (f"assigner{extra}", p.assigner),
                ("GTs with >= 1 positive (grid)", p.with_positive_share()),
                ("GTs with 0 positives (grid)", p.zero_positive_fraction),
                ("mean positives per GT (grid)", float(p.positives.mean()) if len(p.positives) else 0.0),
                ("mean best IoU (grid)", float(p.grid_best_iou.mean()) if len(p.grid_best_iou) else 0.0),
            ]
        return out


def _at(s: ShapeFit, t: float) -> float:
    return float((s.best_iou >= t).mean())


def evaluate(ds: BoxDataset, cfg: AnchorConfig, *, anchor_t: float = 4.0, iou_thr: float = 0.5,
             assigner: AssignerSpec | None = None, positional: bool = True, max_images: int | None = 500,
             seed: int = 0, worst_k: int = 20, on_progress: ProgressFn | None = None,
             should_stop: StopFn | None = None) -> FitReport:
    """Shape fit, positional fit (optional) and the worst GTs of ``cfg`` on ``ds``.

    Args:
        ds: the dataset.
        cfg: the setup.
        anchor_t, iou_thr: see `shape_fit`.
        assigner, max_images, seed, on_progress, should_stop: see `positional_fit`.
        positional: run the (slower) real assignment on the grid.
        worst_k: rows of the worst-fitting table.
    """
    sf = shape_fit(ds, cfg, anchor_t=anchor_t, iou_thr=iou_thr)
    nl = len(cfg.levels)
    by_shape = np.bincount(sf.best_level, minlength=nl).astype(np.int64)
    pf = None
    by_assign = None
    if positional:
        pf = positional_fit(ds, cfg, assigner=assigner, max_images=max_images, seed=seed,
                            on_progress=on_progress, should_stop=should_stop)
        lv = np.where(pf.level < 0, nl, pf.level)
        by_assign = np.bincount(lv, minlength=nl + 1).astype(np.int64)
    return FitReport(config=cfg, shape=sf, positional=pf, level_counts_shape=by_shape,
                     level_counts_assigned=by_assign, worst=worst_fitting(ds, sf, k=worst_k))


@dataclass(frozen=True, kw_only=True, eq=False)
class Comparison:
    """Two setups on the same dataset.

    Attributes:
        names: the two setups' names.
        reports: the two FitReports.
        rows: [{"metric", names[0], names[1], "delta"}] (delta is b - a for numbers, "" otherwise).
        curves: {"recall_vs_iou": {"x": thresholds, names[0]: recall, names[1]: recall},
                 "positives_per_gt": {"x": 0..CAP, names[0]: counts, names[1]: counts}} (the second only with
                 positional fits).
    """

    names: tuple[str, str]
    reports: tuple[FitReport, FitReport]
    rows: list
    curves: dict


def compare_setups(ds: BoxDataset, cfg_a: AnchorConfig, cfg_b: AnchorConfig, *,
                   names: tuple[str, str] = ("before", "after"), **kwargs) -> Comparison:
    """Evaluate two setups on the same dataset (same image sample) and line them up.

    Args:
        ds: the dataset.
        cfg_a, cfg_b: the setups (e.g. before/after tuning, or two libraries' defaults).
        names: column names.
        **kwargs: passed to `evaluate` (assigner, positional, max_images, seed, ...). The assigner defaults
            to each setup's own (`default_assigner`).
    """
    a_name, b_name = names
    if a_name == b_name:
        raise AnchorVizInputError(f"names: expected two different names, got {names!r}")
    ra = evaluate(ds, cfg_a, **kwargs)
    rb = evaluate(ds, cfg_b, **kwargs)
    rows = []
    for (metric, va), (_, vb) in zip(ra.rows(), rb.rows()):
        num = isinstance(va, (int, float)) and isinstance(vb, (int, float))
        rows.append({"metric": metric, a_name: va, b_name: vb, "delta": (vb - va) if num else ""})
    curves = {"recall_vs_iou": {"x": ra.shape.thresholds, a_name: ra.shape.recall, b_name: rb.shape.recall}}
    if ra.positional is not None and rb.positional is not None:
        curves["positives_per_gt"] = {"x": np.arange(_POSITIVES_CAP + 1), a_name: ra.positional.positives_hist,
                                      b_name: rb.positional.positives_hist}
        curves["recall_vs_iou_grid"] = {"x": ra.shape.thresholds,
                                        a_name: recall_curve(ra.positional.grid_best_iou, ra.shape.thresholds),
                                        b_name: recall_curve(rb.positional.grid_best_iou, rb.shape.thresholds)}
    return Comparison(names=(a_name, b_name), reports=(ra, rb), rows=rows, curves=curves)
