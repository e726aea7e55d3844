"""Assignment: each library's rule on hand-checkable sets, label invariants, YOLOv5 and ATSS."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import MaxIoURule, assign_anchors, assign_max_iou, max_iou_rule, outside_mask
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.assign.yolov5 import assign_yolov5
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.grid import grid_match_quality
from anchorviz.core.iou.quality import MatchRequest, dense_match_quality
from anchorviz.core.presets import preset_config

P, N, I = Label.POSITIVE, Label.NEGATIVE, Label.IGNORED
# Set C of CONVENTIONS.md: one GT and anchors with IoU exactly 1.0, 0.7, 0.5, 0.4, 0.3, 0.2
GT_C = [[0, 0, 10, 10]]
ANCHORS_C = [[0, 0, 10, 10], [0, 0, 10, 7], [0, 0, 10, 5], [0, 0, 10, 4], [0, 0, 10, 3], [0, 0, 10, 2]]


@pytest.mark.parametrize(
    ("conv", "pos", "neg", "lq", "expected"),
    [
        # pos >= 0.7, neg < 0.3: 0.7 is positive (>=), 0.3 is ignored (not < 0.3)
        ("torchvision", 0.7, 0.3, False, [P, P, I, I, I, N]),
        # keras-retinanet: negative is <= 0.4, so IoU 0.4 is negative where the others ignore it
        ("keras_retinanet", 0.5, 0.4, False, [P, P, P, N, N, N]),
        ("mmdet", 0.5, 0.4, False, [P, P, P, I, N, N]),
        # RoI-style 0.5/0.5: no ignore band
        ("detectron2", 0.5, 0.5, False, [P, P, P, N, N, N]),
    ],
)
def test_thresholds_at_exact_boundaries(conv, pos, neg, lq, expected):
    stats = dense_match_quality(ANCHORS_C, GT_C, style=CONVENTIONS[conv].iou)
    res = assign_max_iou(stats, max_iou_rule(conv, pos_iou=pos, neg_iou=neg, low_quality=lq))
    assert res.labels.tolist() == expected


ANCHORS_A = [[0, 0, 10, 10], [5, 5, 15, 15], [10, 0, 20, 10], [0, 10, 10, 20], [20, 20, 40, 40], [22, 22, 42, 42],
             [50, 50, 60, 60], [0, 0, 20, 20], [100, 100, 110, 110], [30, 0, 50, 10]]
GT_A = [[0, 0, 10, 10], [25, 25, 45, 45], [5, 0, 15, 10]]


def test_low_quality_rules_differ_between_libraries():
    # a0 is g0's exact match but is also tied (1/3) for g2's best; g1's best is a5 at 0.566 < 0.7.
    tv = assign_max_iou(dense_match_quality(ANCHORS_A, GT_A, style=CONVENTIONS["torchvision"].iou),
                        max_iou_rule("torchvision", pos_iou=0.7, neg_iou=0.3))
    mm = assign_max_iou(dense_match_quality(ANCHORS_A, GT_A, style=CONVENTIONS["mmdet"].iou),
                        max_iou_rule("mmdet", pos_iou=0.7, neg_iou=0.3))
    # torchvision: tied anchors keep their own best GT -> a0 stays with g0
    assert tv.matched_gt[:3].tolist() == [0, 2, 2] and tv.labels[5] == P and tv.matched_gt[5] == 1
    # mmdet: later GTs overwrite -> a0 is handed to g2
    assert mm.matched_gt[:3].tolist() == [2, 2, 2]
    assert tv.positives_per_gt().tolist() == [1, 1, 2] and mm.positives_per_gt().tolist() == [0, 1, 3]


def test_mmdet_min_pos_iou_blocks_weak_low_quality_matches():
    stats = dense_match_quality(ANCHORS_A, GT_A, style=CONVENTIONS["mmdet"].iou)
    res = assign_max_iou(stats, MaxIoURule(pos_iou=0.7, neg_iou=0.3, low_quality="gt_all", min_pos_iou=0.6))
    assert res.positives_per_gt().tolist() == [1, 0, 0]  # g1 (0.566) and g2 (0.333) are below 0.6


def test_d2l_greedy_gives_every_gt_an_anchor():
    gts = GT_A + [[70, 70, 70, 80]]  # even a degenerate GT claims an anchor in d2l
    rule = MaxIoURule(pos_iou=0.5, neg_iou=0.5, low_quality="greedy")
    res = assign_max_iou(dense_match_quality(ANCHORS_A, gts, style=CONVENTIONS["d2l"].iou, request=rule.request()), rule)
    assert np.where(res.labels == P, res.matched_gt, -1).tolist() == [0, 2, 3, -1, -1, 1, -1, -1, -1, -1]
    assert (res.labels != I).all()


def test_empty_gt_gives_all_negative():
    res = assign_max_iou(dense_match_quality(ANCHORS_A, np.zeros((0, 4))), max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4))
    assert (res.labels == N).all() and (res.matched_gt == -1).all() and res.positives_per_gt().shape == (0,)


@pytest.mark.parametrize(
    ("kw", "match"),
    [(dict(pos_iou=0.3, neg_iou=0.7), r"neg_iou \(0.7\) is above pos_iou \(0.3\)"),
     (dict(pos_iou=1.5, neg_iou=0.4), r"pos_iou: expected a number in \[0, 1\], got 1.5"),
     (dict(pos_iou=float("nan"), neg_iou=0.4), "pos_iou: expected a number")],
)
def test_bad_rules(kw, match):
    with pytest.raises(AnchorVizInputError, match=match):
        MaxIoURule(**kw)


def test_outside_rules():
    anchors = np.array([[-10, -10, 10, 10], [40, 40, 60, 60], [20, 20, 30, 30]], float)
    assert outside_mask(anchors, (50, 50), "centre").tolist() == [False, True, False]  # centre (50, 50) >= W
    assert outside_mask(anchors, (50, 50), "border").tolist() == [True, True, False]


gt_strategy = st.lists(st.tuples(st.floats(0, 200), st.floats(0, 150), st.floats(2, 150), st.floats(2, 150)),
                       min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv=st.sampled_from(["torchvision", "mmdet", "detectron2", "mmdet_v1"]), gts=gt_strategy)
def test_low_quality_gives_every_gt_a_positive(conv, gts):
    g = np.array([[x, y, x + w, y + h] for x, y, w, h in gts])
    aset = generate_anchors(preset_config("RetinaNet", conv, levels=(3, 4, 5)), (160, 224))
    rule = max_iou_rule(conv, pos_iou=0.7, neg_iou=0.3, min_pos_iou=0.0)
    quality = grid_match_quality(aset, g, style=CONVENTIONS[conv].iou, request=rule.request())
    res = assign_max_iou(quality, rule)
    counts = res.positives_per_gt()
    if conv in ("torchvision", "detectron2"):
        # a tied anchor goes to its own best GT, which may be another GT: every GT still has a tied anchor
        assert all(len(quality.tie_anchors(k)) for k in range(len(g)))
        assert (res.labels[np.concatenate([quality.tie_anchors(k) for k in range(len(g))])] == P).all()
    else:
        # mmdet hands tied anchors to the GT itself; only a later GT with the same anchor can take it back
        took = {int(res.matched_gt[a]) for a in range(len(aset)) if res.labels[a] == P}
        assert counts[-1] >= 1 and len(took) >= 1
    # invariants for every rule
    assert ((res.labels == P) == (res.matched_gt >= 0)).all()
    assert (res.max_iou[res.labels == N] < 0.3).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gts=gt_strategy)
def test_grid_assignment_equals_dense_assignment(gts):
    g = np.array([[x, y, x + w, y + h] for x, y, w, h in gts])
    aset = generate_anchors(preset_config("RetinaNet", "torchvision", levels=(3, 4, 5)), (160, 224))
    rule = max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4)
    a = assign_anchors(aset, g, rule)
    b = assign_max_iou(dense_match_quality(aset.boxes, g, style=CONVENTIONS["torchvision"].iou), rule)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.matched_gt, b.matched_gt)


def test_assignment_refuses_a_quality_that_lacks_what_the_rule_reads():
    # The ties of low-quality matching were not computed: labelling anyway would silently drop them.
    rule = max_iou_rule("torchvision", pos_iou=0.7, neg_iou=0.3)
    narrow = dense_match_quality(ANCHORS_A, GT_A, style=CONVENTIONS["torchvision"].iou,
                                 request=MatchRequest(argmax_from=0.7))
    with pytest.raises(ValueError, match="reads"):
        assign_max_iou(narrow, rule)
    exclude = np.zeros(len(ANCHORS_A), bool)
    exclude[0] = True
    with pytest.raises(ValueError, match="complement"):  # exclude given, but the quality counted every anchor
        assign_max_iou(dense_match_quality(ANCHORS_A, GT_A), max_iou_rule("mmdet_v1", pos_iou=0.7, neg_iou=0.3),
                       exclude=exclude)


def test_assign_anchors_keras_ignores_anchors_centred_outside():
    aset = generate_anchors(preset_config("RetinaNet", "keras_retinanet", levels=(3,)), (20, 20))
    res = assign_anchors(aset, [[0, 0, 16, 16]], max_iou_rule("keras_retinanet", pos_iou=0.5, neg_iou=0.4))
    c = aset.centres()
    assert (res.labels[(c[:, 0] >= 20) | (c[:, 1] >= 20)] == I).all()


def test_yolov5_shape_matching_and_neighbours():
    cfg = AnchorConfig(convention="yolov5", levels=(LevelSpec(name="P3", stride=8, wh=((10, 13), (16, 30), (33, 23))),))
    aset = generate_anchors(cfg, (64, 64))
    # a 12x14 box centred at (20.5, 20.5): grid (2.56, 2.56). Only anchor (10,13) and (16,30) fit within 4x
    # (33/12 = 2.75 also fits; 23/14 fits) -> all three fit; centre frac 0.56 > 0.5 -> right and down neighbours.
    res = assign_yolov5(aset, [[14.5, 13.5, 26.5, 27.5]], anchor_t=4.0)
    pos = np.flatnonzero(res.labels == P)
    cells = sorted({(int(aset.cell_y[i]), int(aset.cell_x[i])) for i in pos})
    assert cells == [(2, 2), (2, 3), (3, 2)]
    assert res.positives_per_gt().tolist() == [9]  # 3 anchors x 3 cells
    # a 100x100 box is > 4x every P3 anchor: no match at all
    assert (assign_yolov5(aset, [[0, 0, 100, 100]]).labels == N).all()


def test_yolov5_bad_anchor_t():
    aset = generate_anchors(preset_config("YOLOv5 P3-P5", "yolov5"), (64, 64))
    with pytest.raises(AnchorVizInputError, match="anchor_t"):
        assign_yolov5(aset, [[0, 0, 10, 10]], anchor_t=0.5)


def test_atss_positive_centres_inside_and_best_iou_wins():
    cfg = AnchorConfig(convention="mmdet", levels=(LevelSpec(name="P3", stride=8, scales=(8,), ratios=(1.0,)),
                                                   LevelSpec(name="P4", stride=16, scales=(8,), ratios=(1.0,))),
                       center_offset=0.5)
    aset = generate_anchors(cfg, (128, 128))
    g = np.array([[30, 30, 94, 94], [4, 60, 60, 124]], float)
    res = assign_atss(aset, g, topk=9)
    c = aset.centres()
    for k in range(2):
        sel = res.matched_gt == k
        assert sel.any()
        inside = (c[sel, 0] > g[k, 0]) & (c[sel, 0] < g[k, 2]) & (c[sel, 1] > g[k, 1]) & (c[sel, 1] < g[k, 3])
        assert inside.all()
    assert (res.labels != I).all()  # ATSS has no ignore band
    # A 20x20 GT in the corner: all 9 nearest 64-px anchors contain it (IoU 400/4096 each), the P4 ones give
    # 400/16384; mean + std (unbiased) = 0.099 > 0.0977, so ATSS gives it no positive at all.
    corner = assign_atss(aset, [[0, 0, 20, 20]], topk=9)
    assert corner.positives_per_gt().tolist() == [0]
