"""Positional fit: per image, the anchors actually generated on the grid for its network input and the
library's assigner; positives per GT and the share of GTs with none, on a seeded image sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.anchors.grid import cached_anchors
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assign.yolov5 import assign_yolov5
from anchorviz.core.conventions import get_convention
from anchorviz.core.diagnose import GTMatch, gt_match_kinds
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.load import BoxDataset
from anchorviz.dataset.progress import ProgressFn, StopFn, _never, _noop_progress

__all__ = ["AssignerSpec", "default_assigner", "PositionalFit", "positional_fit"]


_POSITIVES_CAP = 20


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
        kind: int8 (M,) how each GT is matched (``anchorviz.core.diagnose.GTMatch``: none, positive only by the
            low-quality rule, at the threshold); None for YOLOv5 and ATSS, which have no low-quality rule.
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
    kind: np.ndarray | None = None

    @property
    def low_quality_only_fraction(self) -> float:
        """Share of assessed GTs positive only by the low-quality rule (no positive anchor reaches pos_iou)."""
        if self.kind is None or not len(self.kind):
            return 0.0
        return float((self.kind == GTMatch.LOW_QUALITY).mean())

    @property
    def sampled(self) -> bool:
        return len(self.images) < self.n_images_with_boxes

    def with_positive_share(self) -> float:
        """Share of assessed GTs with at least one positive anchor."""
        return 1.0 - self.zero_positive_fraction


def _assign_one(cfg: AnchorConfig, input_hw: tuple[int, int], gts: np.ndarray, spec: AssignerSpec):
    """(positives per GT, grid best IoU per GT, per-GT level (most positives, finest on ties) or -1, per-GT
    ``GTMatch``)."""
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
            kind = gt_match_kinds(aset, gts, a, pos_iou=spec.pos_iou)
        best = a.gt_max_iou
        pos = np.flatnonzero(a.labels == Label.POSITIVE)
        per_level = np.zeros((len(gts), nl), np.int64)
        np.add.at(per_level, (a.matched_gt[pos], aset.level[pos].astype(np.int64)), 1)
    positives = a.positives_per_gt()
    level = np.where(per_level.max(axis=1) > 0, per_level.argmax(axis=1), -1)
    if spec.kind != "max_iou":  # no low-quality rule, no fixed threshold: matched by the assigner's own rule
        kind = np.where(positives > 0, GTMatch.THRESHOLD, GTMatch.NONE).astype(np.int8)
    return positives, np.nan_to_num(best, nan=0.0), level, kind


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
    gi, pos, best, lvl, kinds, done = [], [], [], [], [], []
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
        p, b, lv, kd = _assign_one(cfg, (int(ds.input_hw[i, 0]), int(ds.input_hw[i, 1])), ds.boxes[idx], spec)
        gi.append(idx)
        pos.append(p)
        best.append(b)
        lvl.append(lv)
        kinds.append(kd)
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
                         zero_positive_fraction=zero, positives_hist=hist, cancelled=cancelled,
                         kind=cat(kinds, np.int8) if spec.kind == "max_iou" else None)
