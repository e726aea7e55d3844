"""Hypothesis properties of the point assigners on random scenes.

Scenes: a 128 x 128 input, strides 8 / 16 / 32 (336 points), 1-6 random GTs with distinct classes, predictions
from the simulated head at a random progress and seed. Permutation tests need inputs without ties in the steps
that break ties by GT index (conflict resolution, the smallest area); those inputs are filtered with ``assume``
on the values the rule compared, so every remaining example has a unique answer and the property must hold exactly.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anchorviz.core.assigners.dsl import dynamic_soft_label
from anchorviz.core.assigners.fcos import fcos_match_torchvision
from anchorviz.core.assigners.fcos_mmdet import fcos_targets_mmdet
from anchorviz.core.assigners.head import simulate_point_head
from anchorviz.core.assigners.simota import SIMOTA_VARIANTS, run_simota
from anchorviz.core.assigners.tal import TALConfig, _roundtrip_widen, task_aligned
from anchorviz.core.points import library_points

HW, STRIDES, C = (128, 128), (8, 16, 32), 8
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenes(draw):
    m = draw(st.integers(1, 6))
    boxes = []
    for _ in range(m):
        w = draw(st.floats(3.0, 100.0))
        h = draw(st.floats(3.0, 100.0))
        x = draw(st.floats(0.0, HW[1] - w))
        y = draw(st.floats(0.0, HW[0] - h))
        boxes.append([x, y, x + w, y + h])
    labels = np.asarray(draw(st.permutations(range(C))))[:m]
    progress = draw(st.floats(0.0, 1.0))
    seed = draw(st.integers(0, 2**16))
    perm = np.asarray(draw(st.permutations(range(m))))
    return np.asarray(boxes), labels, progress, seed, perm


def _inverse(perm: np.ndarray) -> np.ndarray:
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    return inv


def _permuted(matched: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """What matched GT indices become when the GT list is reordered as gts[perm]."""
    inv = _inverse(perm)
    return np.where(matched >= 0, inv[np.clip(matched, 0, None)], -1)


def _unique_min(rows: np.ndarray) -> bool:
    """Every row's minimum is attained once (so argmin does not depend on the GT order)."""
    if not len(rows):
        return True
    s = np.sort(rows, axis=1)
    return bool((s.shape[1] < 2) or (s[:, 0] < s[:, 1]).all())


@SETTINGS
@given(scenes())
def test_simota_and_dsl(scene):
    g, lab, progress, seed, perm = scene
    grid = library_points("yolox", HW, STRIDES)
    pred = simulate_point_head(grid, g, lab, num_classes=C, progress=progress, seed=seed)
    for variant in ("mmdet", "yolox_head", "yolox_prefix"):
        res = run_simota(grid.points, grid.strides, pred.boxes, pred.simota_scores(), g, lab, SIMOTA_VARIANTS[variant])
        mt = res.match
        assert (mt.final.sum(axis=1) <= 1).all()  # a point ends with at most one GT
        assert (mt.dynamic_ks >= 1).all()  # every GT asks for at least one point ...
        if len(res.candidate_index):  # ... and, having candidates, picks min(k, K) of them before conflicts
            assert (mt.before.sum(axis=0) == np.minimum(mt.dynamic_ks, len(res.candidate_index))).all()
        assume(_unique_min(res.cost[mt.conflict_rows]))
        other = run_simota(grid.points, grid.strides, pred.boxes, pred.simota_scores(), g[perm], lab[perm],
                       SIMOTA_VARIANTS[variant])
        assert np.array_equal(other.matched_gt, _permuted(res.matched_gt, perm))
        assert np.array_equal(other.soft_target, res.soft_target)
    rgrid = library_points("mmdet_rtmdet", HW, STRIDES)
    rpred = simulate_point_head(rgrid, g, lab, num_classes=C, progress=progress, seed=seed)
    res = dynamic_soft_label(rgrid.points, rgrid.strides, rpred.boxes, rpred.dsl_logits(), g, lab)
    assert (res.match.final.sum(axis=1) <= 1).all()
    assert (res.match.dynamic_ks >= 1).all()
    assume(_unique_min(res.cost[res.match.conflict_rows]))
    other = dynamic_soft_label(rgrid.points, rgrid.strides, rpred.boxes, rpred.dsl_logits(), g[perm], lab[perm])
    assert np.array_equal(other.matched_gt, _permuted(res.matched_gt, perm))


@SETTINGS
@given(scenes(), st.sampled_from(["8.4.190", "8.3.0"]), st.sampled_from([(10, None), (13, None), (10, 3)]))
def test_tal(scene, version, ks):
    g, lab, progress, seed, perm = scene
    grid = library_points("ultralytics", HW, STRIDES)
    pred = simulate_point_head(grid, g, lab, num_classes=C, progress=progress, seed=seed)
    cfg = TALConfig(version=version, topk=ks[0], topk2=ks[1])
    res = task_aligned(grid.points, pred.tal_scores(), pred.boxes, g, lab, config=cfg)
    pts = res.final[:, 1]
    assert len(np.unique(pts)) == len(pts)  # at most one GT per point
    # positives lie inside their (widened) GT -- except where ultralytics' conflict step hands a point to the GT of
    # largest CIoU and every containing GT has CIoU 0: argmax then returns GT 0, inside or not (documented)
    box = _roundtrip_widen(np.float32(g), np.ones(len(g), bool), cfg.widen_to)
    x, y = np.float32(grid.points[pts, 0]), np.float32(grid.points[pts, 1])
    b = box[res.final[:, 0]]
    eps = np.float32(cfg.eps)
    inside = (x - b[:, 0] > eps) & (y - b[:, 1] > eps) & (b[:, 2] - x > eps) & (b[:, 3] - y > eps)
    before_count = np.bincount(res.before[:, 1], minlength=len(grid))
    zero_conflict = np.array([before_count[p] > 1 and not (res.ciou[res.pair_point == p] > 0).any() for p in pts],
                             bool)
    assert (inside | (zero_conflict & (res.final[:, 0] == 0))).all()
    assert (res.norm_align[~res.fg] == 0).all() and (res.norm_align[res.fg] >= 0).all()
    # permutation: no conflict may be decided by a tie (equal CIoU, or all zero)
    multi = np.flatnonzero(before_count > 1)
    for p in multi:
        c = np.sort(res.ciou[res.pair_point == p])[::-1]
        assume(c[0] > 0 and (len(c) < 2 or c[0] > c[1]))
    other = task_aligned(grid.points, pred.tal_scores(), pred.boxes, g[perm], lab[perm], config=cfg)
    matched = np.where(res.fg, res.target_gt_idx, -1)
    assert np.array_equal(np.where(other.fg, other.target_gt_idx, -1), _permuted(matched, perm))
    assert np.array_equal(other.norm_align, res.norm_align)


@SETTINGS
@given(scenes(), st.sampled_from([1.5, 2.5]), st.booleans())
def test_fcos(scene, radius, centre_sampling):
    g, lab, _, _, perm = scene
    tv = library_points("torchvision_fcos", HW, STRIDES)
    res = fcos_match_torchvision(tv.points, tv.sizes, tv.num_points_per_level, g, center_sampling_radius=radius)
    fg = res.matched_idxs >= 0
    assert res.match_mask[np.flatnonzero(fg), res.matched_idxs[fg]].all()  # the match passed all three tests
    assert not res.match_mask[~fg].any()
    keys = np.sort(res.keys)
    assume(len(keys) < 2 or (np.diff(keys) > 0).all())  # no two GTs share a float32 area key
    other = fcos_match_torchvision(tv.points, tv.sizes, tv.num_points_per_level, g[perm], center_sampling_radius=radius)
    assert np.array_equal(other.matched_idxs, _permuted(res.matched_idxs, perm))
    mm = library_points("mmdet_fcos", HW, STRIDES)
    t = fcos_targets_mmdet(mm.points, mm.level, STRIDES, g, lab, num_classes=C, center_sampling=centre_sampling,
                           center_sample_radius=radius)
    areas = np.sort(t.areas)
    assume(len(areas) < 2 or (np.diff(areas) > 0).all())
    o = fcos_targets_mmdet(mm.points, mm.level, STRIDES, g[perm], lab[perm], num_classes=C,
                           center_sampling=centre_sampling, center_sample_radius=radius)
    assert np.array_equal(o.matched_gt, _permuted(t.matched_gt, perm))
    assert np.array_equal(o.labels, t.labels)
