"""The common result (PointAssignment), the anchor-rule adapters, the SimOTA differences table, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import cached_anchors
from anchorviz.core.assign.labels import Assignment, Label
from anchorviz.core.assign.atss import assign_atss
from anchorviz.core.assign.max_iou import max_iou_rule
from anchorviz.core.assigners.adapters import anchor_frame, atss_frame, max_iou_frame
from anchorviz.core.assigners.dsl import DSLConfig
from anchorviz.core.assigners.registry import POINT_RULES, run_point_rule
from anchorviz.core.assigners.result import PointAssignment, lost_pairs
from anchorviz.core.assigners.simota import SIMOTA_VARIANTS, SimOTAConfig, run_simota, simota_differences
from anchorviz.core.assigners.tal import TALConfig, task_aligned
from anchorviz.core.points import library_points
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import preset_config

HW, STRIDES = (256, 256), (8, 16, 32)
GTS = np.array([[30.0, 40.0, 110.0, 130.0], [150.0, 60.0, 158.0, 67.0], [20.0, 180.0, 236.0, 204.0],
                [60.0, 70.0, 140.0, 150.0], [140.0, 100.0, 250.0, 230.0]])
LABELS = np.array([0, 1, 2, 1, 0])


@pytest.mark.parametrize("key", list(POINT_RULES))
def test_every_rule_fills_the_common_result_consistently(key):
    grid, pred, res = run_point_rule(key, HW, STRIDES, GTS, LABELS, num_classes=3, progress=0.8, seed=4)
    assert isinstance(res, PointAssignment) and isinstance(res, Assignment)  # the existing views can draw it
    n, m = len(grid), len(GTS)
    assert res.labels.shape == res.matched_gt.shape == res.class_target.shape == (n,)
    pos = res.labels == Label.POSITIVE
    assert set(np.unique(res.labels)) <= {Label.POSITIVE, Label.NEGATIVE}  # no ignored band in these rules
    assert np.array_equal(pos, res.matched_gt >= 0)
    assert np.array_equal(res.class_target[pos], LABELS[res.matched_gt[pos]]) and (res.class_target[~pos] == -1).all()
    assert np.array_equal(res.candidate_index, np.flatnonzero(res.candidates))
    assert pos[~res.candidates].sum() == 0  # positives come from the candidates
    if res.cost is not None:
        assert res.cost.shape == (len(res.candidate_index), m)
    if res.soft_target is not None:
        assert (res.soft_target[~pos] == 0).all()
    assert res.positives_per_gt().sum() == pos.sum()
    # every lost pick names its GT and a different winner (or background)
    if len(res.lost):
        assert (res.lost[:, 1] != res.lost[:, 2]).all()
        assert np.array_equal(res.matched_gt[res.lost[:, 0]], res.lost[:, 2])


def test_tiny_gt_story_tal_versions_and_fcos_grids():
    """The 8 x 7 GT: ultralytics 8.4 widens it and finds candidates, 8.3.0 does not; torchvision's corner grid gives
    it one FCOS point, mmdet's centre grid none (ASSIGNERS.md, visible scene)."""
    def count(key):
        return run_point_rule(key, HW, STRIDES, GTS, LABELS, num_classes=3, progress=1.0, seed=1)[2] \
            .positives_per_gt()[1]
    assert count("tal_8.4") > 0 and count("tal_8.3") == 0
    assert count("fcos_torchvision") == 1 and count("fcos_mmdet") == 0
    _, _, res = run_point_rule("tal_8.3", HW, STRIDES, GTS, LABELS, num_classes=3, progress=1.0, seed=1)
    assert 1 in res.without_positive().tolist()


def test_simota_differences_are_data():
    rows = {r[0]: r[1:] for r in simota_differences()}
    assert rows["center_radius"] == ("2.5", "2.5", "1.5")
    assert rows["candidates"] == ("box_or_centre", "box_or_centre", "centre")
    assert rows["penalty"] == ("100000", "100000", "1e+06")
    assert rows["log_eps"] == ("1e-07", "1e-08", "1e-08")
    assert "candidate_topk" not in rows  # equal in all three
    # on one scene the variants differ only where their knobs differ: mmdet and YOLOX pre-fix agree here
    grid = library_points("yolox", HW, STRIDES)
    _, pred, _ = run_point_rule("simota_yolox_head", HW, STRIDES, GTS, LABELS, num_classes=3, progress=0.7, seed=9)
    out = {k: run_simota(grid.points, grid.strides, pred.boxes, pred.simota_scores(), GTS, LABELS, v).matched_gt
           for k, v in SIMOTA_VARIANTS.items()}
    assert np.array_equal(out["mmdet"], out["yolox_prefix"])
    assert not np.array_equal(out["mmdet"], out["yolox_head"])


def test_anchor_rules_in_the_same_frame():
    aset = cached_anchors(preset_config("RetinaNet", "torchvision", levels=(3, 4, 5)), HW)
    centres, res = max_iou_frame(aset, GTS, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4), gt_labels=LABELS)
    assert centres.shape == (len(aset), 2) and len(res.labels) == len(aset)
    assert (res.labels == Label.IGNORED).any()  # max-IoU keeps its ignore band
    assert (res.matched_gt[res.labels != Label.POSITIVE] == -1).all()
    _, atss = atss_frame(aset, GTS, gt_labels=LABELS)
    direct = assign_atss(aset, GTS)
    assert np.array_equal(atss.labels, direct.labels)
    assert np.array_equal(atss.positives_per_gt(), direct.positives_per_gt())
    with pytest.raises(AnchorVizInputError, match="labels"):
        anchor_frame(aset, Assignment(labels=np.zeros(3, np.int8), matched_gt=np.zeros(3, np.int64),
                                      max_iou=np.zeros(3), gt_max_iou=np.zeros(0), num_gts=0), rule="x")


def test_lost_pairs_name_the_winner():
    picked = np.array([[5, 0], [5, 1], [6, 1]])
    matched = np.full(10, -1)
    matched[5] = 1
    assert lost_pairs(picked, matched).tolist() == [[5, 0, 1], [6, 1, -1]]


def test_tal_zero_gt_rows_is_the_early_return():
    grid = library_points("ultralytics", HW, STRIDES)
    res = task_aligned(grid.points, np.full((len(grid), 3), 0.1), np.tile([0, 0, 8, 8], (len(grid), 1)),
                       np.zeros((0, 4)), [], config=TALConfig())
    assert res.early_return and (res.target_labels == 3).all() and not res.fg.any()


@pytest.mark.parametrize(("make", "match"), [
    (lambda: SimOTAConfig(center_radius=0), "center_radius"),
    (lambda: SimOTAConfig(candidate_topk=0), "candidate_topk"),
    (lambda: SimOTAConfig(candidates="anywhere"), "no library uses"),
    (lambda: DSLConfig(topk=0), "topk"),
    (lambda: DSLConfig(soft_center_radius=float("inf")), "soft_center_radius"),
    (lambda: TALConfig(version="9.0"), "version"),
    (lambda: TALConfig(topk=0), "topk"),
    (lambda: TALConfig(alpha=-1.0), "alpha"),
])
def test_configs_refuse_values_no_library_takes(make, match):
    with pytest.raises(AnchorVizInputError, match=match):
        make()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"gt_labels": [0, 1, 2, 1, 7]}, r"in \[0, 3\)"),  # a label beyond the head's classes
    ({"gt_labels": [0, 1]}, "gt labels"),
    ({"gt_boxes": [[10, 10, 5, 5]]}, "inverted"),
    ({"progress": None}, "progress"),
])
def test_rules_refuse_bad_inputs(kwargs, match):
    args = {"gt_boxes": GTS, "gt_labels": LABELS, "progress": 0.5} | kwargs
    with pytest.raises(AnchorVizInputError, match=match):
        run_point_rule("simota_mmdet", HW, STRIDES, args["gt_boxes"], args["gt_labels"], num_classes=3,
                       progress=args["progress"], predictions=None)


def test_assigners_check_labels_against_the_score_columns():
    grid = library_points("yolox", HW, STRIDES)
    scores, boxes = np.full((len(grid), 3), 0.1), np.tile([0.0, 0.0, 8.0, 8.0], (len(grid), 1))
    with pytest.raises(AnchorVizInputError, match="3 classes"):
        run_simota(grid.points, grid.strides, boxes, scores, GTS, [0, 1, 2, 1, 7])
    with pytest.raises(AnchorVizInputError, match="one stride, box and score row per point"):
        run_simota(grid.points, grid.strides, boxes[:-1], scores, GTS, LABELS)


def test_uploaded_predictions_must_fit_the_grid():
    _, pred, _ = run_point_rule("tal_8.4", (128, 128), STRIDES, GTS / 2, LABELS, num_classes=3, progress=0.5)
    with pytest.raises(AnchorVizInputError, match="points"):
        run_point_rule("tal_8.4", HW, STRIDES, GTS, LABELS, num_classes=3, predictions=pred)
