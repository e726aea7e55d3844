"""What a view draws, picked out of per-anchor arrays: the Labels view's layers, and one anchor shape's values as
a feature-map grid. NumPy only; the figure builders (``anchorviz.viz``) only arrange what this returns.

Why a helper and not the page: a notebook draws the same Labels figure as the app from an ``Assignment`` in one
call, and the picking (which location counts as negative, ignored or positive at the drawn levels and shape) is
a rule worth one tested place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anchorviz.core.anchors.grid import AnchorSet
from anchorviz.core.assign.labels import Label
from anchorviz.core.errors import AnchorVizInputError


@dataclass(frozen=True, eq=False)
class LabelLayers:
    """The anchors a Labels view draws, at the drawn levels (and shape).

    Attributes:
        image_hw: the network input (height, width) the anchors belong to.
        levels: indices of the drawn levels.
        neg_xy: float64 (n, 2) centres of the locations with no positive and no ignored anchor.
        ign_xy: float64 (m, 2) centres of the locations with an ignored anchor and no positive one.
        pos_idx: int64 (p,) indices of the positive anchors.
        pos_gt: int64 (p,) the GT each positive is matched to.
        pos_boxes: float64 (p, 4) xyxy boxes of the positives.
        pos_xy: float64 (p, 2) their centres.
        sampled_pos_xy, sampled_neg_xy: float64 (k, 2) centres of the minibatch's positives / negatives at the
            drawn levels; None when no minibatch was given.
    """

    image_hw: tuple[int, int]
    levels: tuple[int, ...]
    neg_xy: np.ndarray
    ign_xy: np.ndarray
    pos_idx: np.ndarray
    pos_gt: np.ndarray
    pos_boxes: np.ndarray
    pos_xy: np.ndarray
    sampled_pos_xy: np.ndarray | None = None
    sampled_neg_xy: np.ndarray | None = None


def label_layers(aset: AnchorSet, labels: np.ndarray, matched_gt: np.ndarray, *, level: int | None = None,
                 shape: int = -1, sampled_pos: np.ndarray | None = None,
                 sampled_neg: np.ndarray | None = None) -> LabelLayers:
    """Split the anchors of the drawn levels into the Labels view's layers.

    A location (grid cell) is one dot: negative when none of its drawn anchors is positive or ignored, ignored
    when one is ignored and none positive. Positives are drawn one by one (box, centre, GT).

    Args:
        aset: the anchors.
        labels: int (N,) ``Label`` values per anchor.
        matched_gt: int (N,) GT index of each positive (anything elsewhere).
        level: draw this level only (index into ``aset.levels``); None draws every level.
        shape: with ``level``, draw this anchor shape only (-1: every shape).
        sampled_pos, sampled_neg: int (k,) anchor indices of a sampled minibatch, or None.

    Raises:
        AnchorVizInputError: arrays of another length than the anchors, or an unknown level or shape.
    """
    n = len(aset)
    labels, matched_gt = np.asarray(labels), np.asarray(matched_gt)
    if labels.shape != (n,) or matched_gt.shape != (n,):
        raise AnchorVizInputError(f"labels, matched_gt: expected {n} values each (one per anchor), got "
                                  f"{labels.shape} and {matched_gt.shape}")
    if level is not None and not 0 <= level < len(aset.levels):
        raise AnchorVizInputError(f"level: expected 0..{len(aset.levels) - 1}, got {level}")
    if level is None and shape >= 0:
        raise AnchorVizInputError("shape: picks a shape of one level, so it needs level")
    if level is not None and shape >= aset.levels[level].num_shapes:
        raise AnchorVizInputError(f"shape: level {aset.levels[level].name} has {aset.levels[level].num_shapes} "
                                  f"shapes, got {shape}")
    levels = tuple(range(len(aset.levels))) if level is None else (int(level),)
    centres = aset.centres()
    neg_xy, ign_xy, pos_idx = [], [], []
    for k in levels:
        g = aset.levels[k]
        lab = labels[g.start:g.stop].reshape(-1, g.num_shapes)  # (locations, shapes)
        if shape >= 0:
            lab = lab[:, shape:shape + 1]
            cxy = centres[g.start + shape:g.stop:g.num_shapes]
        else:
            cxy = centres[g.start:g.stop:g.num_shapes]  # every shape of a location shares its centre
        has_pos = (lab == Label.POSITIVE).any(axis=1)
        has_ign = (lab == Label.IGNORED).any(axis=1) & ~has_pos
        neg_xy.append(cxy[~has_pos & ~has_ign])
        ign_xy.append(cxy[has_ign])
        rows, cols = np.nonzero(lab == Label.POSITIVE)
        shape_of = cols if shape < 0 else np.full(len(cols), shape)
        pos_idx.append(g.start + rows * g.num_shapes + shape_of)
    pos = np.concatenate(pos_idx).astype(np.int64) if pos_idx else np.zeros(0, np.int64)

    def sampled(idx):
        if idx is None:
            return None
        idx = np.asarray(idx, np.int64).reshape(-1)
        return centres[idx[np.isin(aset.level[idx], levels)]]

    return LabelLayers(
        image_hw=tuple(aset.image_hw), levels=levels,
        neg_xy=np.concatenate(neg_xy) if neg_xy else np.zeros((0, 2)),
        ign_xy=np.concatenate(ign_xy) if ign_xy else np.zeros((0, 2)),
        pos_idx=pos, pos_gt=matched_gt[pos].astype(np.int64), pos_boxes=aset.boxes[pos], pos_xy=centres[pos],
        sampled_pos_xy=sampled(sampled_pos), sampled_neg_xy=sampled(sampled_neg))


def level_grid(values: np.ndarray, start: int, feat_hw: tuple[int, int], num_shapes: int, shape: int) -> np.ndarray:
    """One shape's per-cell values (H, W) out of a flat per-anchor array (location-major order)."""
    fh, fw = feat_hw
    return values[start:start + fh * fw * num_shapes].reshape(fh, fw, num_shapes)[:, :, shape]
