"""The fit report put together from parts computed apart (what the Dataset page caches separately) equals the
report computed in one go; a threshold change reuses the shape fit."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import preset_config
from anchorviz.core.resize import ResizeSpec
from anchorviz.dataset.fit_report import compare_reports, compare_setups, evaluate, fit_report
from anchorviz.dataset.grid_fit import AssignerSpec, positional_fit
from anchorviz.dataset.shape_fit import at_threshold, shape_fit
from anchorviz.dataset.synthetic import synthetic_dataset

DS = synthetic_dataset(3000, seed=4, resize=ResizeSpec(mode="shorter_side", min_size=512, max_size=853))
CFG = preset_config("RetinaNet", "torchvision")
ASG = AssignerSpec(pos_iou=0.5, neg_iou=0.4)


@pytest.mark.parametrize("thr", [0.05, 0.35, 0.5, 0.95])
def test_at_threshold_equals_a_fit_at_that_threshold(thr):
    base = shape_fit(DS, CFG, anchor_t=4.0)
    direct = shape_fit(DS, CFG, anchor_t=4.0, iou_thr=thr)
    moved = at_threshold(base, thr)
    assert moved.iou_thr == direct.iou_thr and moved.bpr_iou == direct.bpr_iou
    assert moved.best_iou is base.best_iou  # the IoU work is shared, not redone
    assert np.array_equal(moved.recall, direct.recall) and moved.yolo == direct.yolo


def test_at_threshold_refuses_a_threshold_outside_0_1():
    with pytest.raises(AnchorVizInputError, match="iou_thr: expected a number in \\[0, 1\\], got 1.5"):
        at_threshold(shape_fit(DS, CFG), 1.5)


def test_report_from_parts_equals_evaluate():
    one = evaluate(DS, CFG, iou_thr=0.35, assigner=ASG, max_images=40, seed=2, worst_k=7)
    parts = fit_report(DS, CFG, at_threshold(shape_fit(DS, CFG), 0.35),
                       positional_fit(DS, CFG, assigner=ASG, max_images=40, seed=2), worst_k=7)
    assert one.rows() == parts.rows() and one.worst == parts.worst
    assert np.array_equal(one.level_counts_shape, parts.level_counts_shape)
    assert np.array_equal(one.level_counts_assigned, parts.level_counts_assigned)


def test_compare_reports_equals_compare_setups():
    other = preset_config("Faster R-CNN FPN", "torchvision")
    kw = dict(assigner=ASG, max_images=30, seed=1, iou_thr=0.5)
    a = compare_setups(DS, CFG, other, names=("a", "b"), **kw)
    b = compare_reports(evaluate(DS, CFG, **kw), evaluate(DS, other, **kw), names=("a", "b"))
    assert a.rows == b.rows
    for k in a.curves:
        for n in a.curves[k]:
            assert np.array_equal(a.curves[k][n], b.curves[k][n])
    with pytest.raises(AnchorVizInputError, match="two different names"):
        compare_reports(a.reports[0], a.reports[1], names=("x", "x"))


def test_report_with_worst_rows_computed_apart_equals_evaluate():
    """The app keeps the worst GTs' rows over IoU-threshold and image-sample changes (they depend on neither):
    a report built with rows computed at another threshold and sample equals the one computed in one go."""
    from anchorviz.dataset.fit_report import worst_fitting

    rows = worst_fitting(DS, shape_fit(DS, CFG, iou_thr=0.8), k=7, cfg=CFG, assigner=ASG)
    for thr, n in ((0.35, 40), (0.6, 11)):
        one = evaluate(DS, CFG, iou_thr=thr, assigner=ASG, max_images=n, seed=2, worst_k=7)
        parts = fit_report(DS, CFG, at_threshold(shape_fit(DS, CFG), thr),
                           positional_fit(DS, CFG, assigner=ASG, max_images=n, seed=2), worst_k=7, assigner=ASG,
                           worst=rows)
        assert one.worst == parts.worst and one.rows() == parts.rows()


def test_yolo_scores_equal_yolo_fit():
    from anchorviz.core.fit import yolo_fit, yolo_scores

    rng = np.random.default_rng(3)
    wh, k = rng.uniform(1, 300, (30_000, 2)), rng.uniform(5, 200, (9, 2))  # several row blocks
    for thr in (2.0, 4.0, 6.5):
        f = yolo_fit(wh, k, thr=thr)
        assert yolo_scores(wh, k, thr=thr) == (f.bpr, f.aat, f.fitness, f.metric_all_mean, f.best_mean)
