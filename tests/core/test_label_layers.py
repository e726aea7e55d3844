"""anchorviz.core.label_layers: the Labels view's layers against a per-location loop, and one shape's grid."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.label_layers import label_layers, level_grid
from anchorviz.core.presets import preset_config

ASET = generate_anchors(preset_config("RetinaNet", "torchvision"), (256, 320))  # 5 levels x 9 shapes


def random_labels(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.choice([Label.NEGATIVE, Label.IGNORED, Label.POSITIVE], size=len(ASET), p=[0.8, 0.15, 0.05])
    matched = np.where(labels == Label.POSITIVE, rng.integers(0, 7, len(ASET)), -1)
    return labels.astype(np.int8), matched


def naive(labels, matched, levels, shape):
    """One location at a time: its drawn anchors decide its dot; positives one by one."""
    neg, ign, pos = [], [], []
    for k in levels:
        g = ASET.levels[k]
        for loc in range(g.feat_hw[0] * g.feat_hw[1]):
            first = g.start + loc * g.num_shapes
            idx = [first + shape] if shape >= 0 else list(range(first, first + g.num_shapes))
            lab = labels[idx]
            centre = 0.5 * (ASET.boxes[idx[0], :2] + ASET.boxes[idx[0], 2:])
            if (lab == Label.POSITIVE).any():
                pos += [i for i, v in zip(idx, lab) if v == Label.POSITIVE]
            elif (lab == Label.IGNORED).any():
                ign.append(centre)
            else:
                neg.append(centre)
    return np.array(neg).reshape(-1, 2), np.array(ign).reshape(-1, 2), np.array(pos, np.int64)


@pytest.mark.parametrize("seed, level, shape", [
    (0, None, -1),  # every level, any shape
    (1, 2, -1),  # one level
    (2, 0, 4),  # one shape of one level
    (3, 4, 8),  # the coarsest level's last shape
])
def test_layers_match_a_per_location_loop(seed, level, shape):
    labels, matched = random_labels(seed)
    before = labels.copy()
    lay = label_layers(ASET, labels, matched, level=level, shape=shape)
    levels = range(len(ASET.levels)) if level is None else [level]
    neg, ign, pos = naive(labels, matched, levels, shape)
    np.testing.assert_array_equal(lay.neg_xy, neg)
    np.testing.assert_array_equal(lay.ign_xy, ign)
    np.testing.assert_array_equal(lay.pos_idx, pos)
    np.testing.assert_array_equal(lay.pos_gt, matched[pos])
    np.testing.assert_array_equal(lay.pos_boxes, ASET.boxes[pos])
    assert lay.pos_gt.dtype == np.int64 and lay.image_hw == (256, 320) and lay.sampled_pos_xy is None
    np.testing.assert_array_equal(labels, before)  # inputs untouched


def test_minibatch_is_kept_at_the_drawn_levels_only():
    labels, matched = random_labels(4)
    p3, p4 = ASET.levels[0], ASET.levels[1]
    lay = label_layers(ASET, labels, matched, level=1, sampled_pos=np.array([p3.start, p4.start + 9]),
                       sampled_neg=np.array([], np.int64))
    np.testing.assert_array_equal(lay.sampled_pos_xy, ASET.centres()[[p4.start + 9]])
    assert lay.sampled_neg_xy.shape == (0, 2)


def test_no_positives_and_errors():
    lay = label_layers(ASET, np.zeros(len(ASET), np.int8), np.full(len(ASET), -1))
    assert lay.pos_idx.shape == (0,) and lay.pos_boxes.shape == (0, 4) and len(lay.neg_xy) == len(ASET) // 9
    with pytest.raises(AnchorVizInputError, match="one per anchor"):
        label_layers(ASET, np.zeros(3), np.zeros(3))
    with pytest.raises(AnchorVizInputError, match="level"):
        label_layers(ASET, np.zeros(len(ASET)), np.zeros(len(ASET)), level=5)
    with pytest.raises(AnchorVizInputError, match="shape"):
        label_layers(ASET, np.zeros(len(ASET)), np.zeros(len(ASET)), level=0, shape=9)
    with pytest.raises(AnchorVizInputError, match="needs level"):
        label_layers(ASET, np.zeros(len(ASET)), np.zeros(len(ASET)), shape=1)


def test_level_grid_is_one_shape_per_cell():
    g = ASET.levels[1]
    values = np.arange(len(ASET), dtype=np.float64)
    grid = level_grid(values, g.start, g.feat_hw, g.num_shapes, 3)
    assert grid.shape == g.feat_hw
    assert grid[2, 5] == ASET.at_cell(1, 2, 5)[3]
