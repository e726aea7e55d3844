"""The simulated head's training-progress control, what each rule receives, and the rules' reaction to it."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import cached_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import max_iou_rule
from anchorviz.core.assigners._overlaps import sigmoid32
from anchorviz.core.assigners.adapters import max_iou_frame
from anchorviz.core.assigners.head import PRIOR_LOGIT, simulate_point_head
from anchorviz.core.assigners.registry import POINT_RULES, rule_grid, run_point_rule
from anchorviz.core.points import library_points
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.presets import preset_config

HW, STRIDES = (320, 320), (8, 16, 32)
GTS = np.array([[30.0, 40.0, 110.0, 130.0], [150.0, 60.0, 158.0, 67.0], [20.0, 180.0, 236.0, 204.0],
                [60.0, 70.0, 140.0, 150.0], [140.0, 100.0, 250.0, 230.0], [250.0, 250.0, 300.0, 310.0]])
LABELS = np.array([0, 1, 2, 1, 0, 3])


def _labels(key: str, progress: float, seed: int = 7) -> np.ndarray:
    return run_point_rule(key, HW, STRIDES, GTS, LABELS, num_classes=4, progress=progress, seed=seed)[2].matched_gt


def test_same_seed_and_progress_give_the_same_predictions():
    grid = library_points("ultralytics", HW, STRIDES)
    a = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=0.3, seed=5)
    b = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=0.3, seed=5)
    c = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=0.3, seed=6)
    assert np.array_equal(a.cls_logits, b.cls_logits) and np.array_equal(a.boxes, b.boxes)
    assert not np.array_equal(a.cls_logits, c.cls_logits)


def test_progress_moves_predictions_from_random_to_the_gts():
    grid = library_points("ultralytics", HW, STRIDES)
    untrained = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=0.0, seed=1)
    trained = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=1.0, seed=1)
    # untrained: scores around the prior-bias init (p ~ 0.01) whatever the point
    assert abs(float(np.median(untrained.cls_logits)) - PRIOR_LOGIT) < 0.2
    x, y = grid.points[:, 0], grid.points[:, 1]
    inside = (x > 40) & (x < 56) & (y > 50) & (y < 70)  # inside GT 0 only
    for pred, good in ((untrained, False), (trained, True)):
        best = pairwise_iou(pred.boxes[inside], GTS[:1]).ravel()
        right_class = pred.tal_scores()[inside, 0]
        assert (np.median(best) > 0.45) == good  # boxes close to GT 0 only when trained (untrained: ~0.05)
        assert (np.median(right_class) > 0.5) == good  # confident on GT 0's class only when trained


def test_halfway_is_between_the_two_ends():
    grid = library_points("yolox", HW, STRIDES)
    ends = [simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=p, seed=2) for p in (0.0, 0.5, 1.0)]
    assert np.allclose(ends[1].cls_logits, (ends[0].cls_logits + ends[2].cls_logits) / 2, atol=1e-5)


def test_each_rule_receives_its_own_form_of_the_scores():
    grid = library_points("ultralytics", HW, STRIDES)
    pred = simulate_point_head(grid, GTS, LABELS, num_classes=4, progress=0.6, seed=3)
    assert np.array_equal(pred.tal_scores(), sigmoid32(pred.cls_logits))
    expected = np.sqrt(sigmoid32(pred.cls_logits) * sigmoid32(pred.obj_logits)[:, None])
    assert np.array_equal(pred.simota_scores(), expected)
    assert pred.dsl_logits() is pred.cls_logits  # logits, untouched


@pytest.mark.parametrize("key", [k for k, r in POINT_RULES.items() if not r.uses_predictions])
def test_geometric_rules_stay_put(key):
    ref = _labels(key, 0.0)
    for p in (0.25, 0.5, 1.0):
        assert np.array_equal(_labels(key, p), ref)
    assert (ref >= 0).any()


@pytest.mark.parametrize("key", [k for k, r in POINT_RULES.items() if r.uses_predictions])
def test_dynamic_rules_move_with_progress(key):
    untrained, trained = _labels(key, 0.0), _labels(key, 1.0)
    assert not np.array_equal(untrained, trained)
    # trained, nearly every positive sits inside its own GT
    grid = rule_grid(key, HW, STRIDES)
    pos = np.flatnonzero(trained >= 0)
    b = GTS[trained[pos]]
    x, y = grid.points[pos, 0], grid.points[pos, 1]
    inside = (x > b[:, 0]) & (x < b[:, 2]) & (y > b[:, 1]) & (y < b[:, 3])
    assert inside.mean() > 0.9


def test_max_iou_stays_put_while_the_point_rules_move():
    aset = cached_anchors(preset_config("RetinaNet", "torchvision", levels=(3, 4, 5)), HW)
    _, a = max_iou_frame(aset, GTS, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4), gt_labels=LABELS)
    _, b = max_iou_frame(aset, GTS, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4), gt_labels=LABELS)
    assert np.array_equal(a.labels, b.labels) and (a.labels == Label.IGNORED).any()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"progress": 1.5}, "progress"),
    ({"progress": float("nan")}, "progress"),
    ({"num_classes": 0}, "num_classes"),
    ({"gt_labels": [0, 1, 2, 1, 0, 4]}, "gt labels"),
    ({"gt_labels": [0, 1]}, "gt labels"),
])
def test_head_refuses_bad_arguments(kwargs, match):
    args = {"gt_boxes": GTS, "gt_labels": LABELS, "num_classes": 4, "progress": 0.5} | kwargs
    with pytest.raises(AnchorVizInputError, match=match):
        simulate_point_head(library_points("yolox", HW, STRIDES), **args)


def test_no_gt_gives_background_predictions_and_no_positives():
    for key in POINT_RULES:
        _, pred, res = run_point_rule(key, HW, STRIDES, np.zeros((0, 4)), [], num_classes=4, progress=1.0)
        assert (res.matched_gt == -1).all() and res.num_gts == 0
        assert np.isfinite(pred.boxes).all()
