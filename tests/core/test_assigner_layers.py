"""anchorviz.core.assigner_layers: the Assigners view's panels, one GT's candidate windows and rule differences,
checked against the assignments they are picked from (point by point) on a small scene."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.labels import Label
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.assigner_layers import (PENALTY_FLOOR, anchor_panel, gt_candidates, label_differences,
                                            point_panel)
from anchorviz.core.assigners import POINT_RULES, run_point_rule
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.label_layers import label_layers
from anchorviz.core.presets import preset_config

HW = (256, 320)
STRIDES = (8, 16, 32)
# a big GT, a tiny one inside it (crowded), an elongated one, and one sharing the big one's corner
GTS = np.array([[20, 30, 200, 210], [60, 70, 68, 77], [210, 10, 310, 34], [150, 160, 260, 250]], float)
LABELS = np.array([0, 1, 2, 0])


def run(rule: str, progress: float = 0.6):
    return run_point_rule(rule, HW, STRIDES, GTS, LABELS, num_classes=3, progress=progress, seed=4)


@pytest.mark.parametrize("rule", list(POINT_RULES))
def test_point_panel_is_the_assignment_split(rule):
    grid, _, asg = run(rule)
    panel = point_panel(grid.points, asg)
    pos = np.flatnonzero(asg.matched_gt >= 0)
    assert panel.pos_index.tolist() == pos.tolist()
    assert np.array_equal(panel.pos_xy, grid.points[pos]) and panel.pos_gt.tolist() == asg.matched_gt[pos].tolist()
    assert len(panel.neg_xy) + len(panel.pos_xy) == len(grid) and not len(panel.ign_xy)
    if asg.soft_target is None:  # FCOS: hard targets
        assert np.all(panel.pos_target == 1.0)
    else:
        assert np.allclose(panel.pos_target, np.clip(asg.soft_target[pos], 0, 1))
    assert panel.positives_per_gt.tolist() == asg.positives_per_gt().tolist()
    assert panel.without_positive.tolist() == asg.without_positive().tolist()


def test_point_panel_rejects_another_grid():
    grid, _, asg = run("tal_8.4")
    with pytest.raises(AnchorVizInputError, match="points"):
        point_panel(grid.points[:-1], asg)


def test_anchor_panel_follows_the_labels_layers():
    aset = generate_anchors(preset_config("RetinaNet", "torchvision"), HW)
    asg = assign_anchors(aset, GTS, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4, low_quality=True))
    panel = anchor_panel(aset, asg.labels, asg.matched_gt, asg.positives_per_gt())
    ly = label_layers(aset, asg.labels, asg.matched_gt)
    assert np.array_equal(panel.neg_xy, ly.neg_xy) and np.array_equal(panel.ign_xy, ly.ign_xy)
    assert panel.pos_index.tolist() == np.flatnonzero(asg.labels == Label.POSITIVE).tolist()
    assert np.all(panel.pos_target == 1.0)
    assert panel.positives_per_gt.tolist() == asg.positives_per_gt().tolist()


def _window_points(grid, win, lv):
    """The grid points a level window covers, rebuilt from its placement (x0 + j dx, y0 + i dy)."""
    h, w = win.value.shape
    xs = win.x0 + np.arange(w) * win.dx
    ys = win.y0 + np.arange(h) * win.dy
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], -1)


@pytest.mark.parametrize("rule", ["simota_mmdet", "simota_yolox_head", "dsl_rtmdet", "tal_8.4"])
@pytest.mark.parametrize("gt", range(len(GTS)))
def test_candidates_are_the_gts_cost_column(rule, gt):
    grid, _, asg = run(rule)
    gc = gt_candidates(grid, asg, GTS, gt)
    col = np.full(len(grid), np.nan)
    col[asg.candidate_index] = np.asarray(asg.cost[:, gt], np.float64)
    if asg.cost_kind == "metric":
        want_value = np.where(col > 0, col, np.nan)
        want_pen = np.zeros(len(grid), bool)
    else:
        want_pen = np.isfinite(col) & (col >= PENALTY_FLOOR)
        want_value = np.where(want_pen, np.nan, col)
    x0, y0, x1, y1 = gc.view
    inside_view = ((grid.points[:, 0] >= x0) & (grid.points[:, 0] <= x1) & (grid.points[:, 1] >= y0)
                   & (grid.points[:, 1] <= y1))
    seen = 0
    for lv, win in zip(grid.levels, gc.levels):
        fh, fw = lv.feat_hw
        pts = grid.points[lv.start:lv.stop]
        cell_of = {tuple(p): i for i, p in enumerate(pts.tolist())}
        wp = _window_points(grid, win, lv)
        for (i, j), p in np.ndenumerate(wp[..., 0]):
            k = lv.start + cell_of[(float(wp[i, j, 0]), float(wp[i, j, 1]))]
            v = win.value[i, j]
            assert (np.isnan(v) and np.isnan(want_value[k])) or v == want_value[k]
            assert win.penalised[i, j] == want_pen[k]
            seen += 1
    assert seen == int(inside_view.sum())  # the windows hold exactly the points in the view
    assert gc.num_candidates == int(np.isfinite(want_value).sum())
    assert gc.won_index.tolist() == np.flatnonzero(asg.matched_gt == gt).tolist()
    lost = asg.lost[asg.lost[:, 1] == gt]
    assert gc.lost_index.tolist() == lost[:, 0].tolist() and gc.lost_to.tolist() == lost[:, 2].tolist()
    assert np.all(gc.lost_to != gt)
    # the view holds the GT and every point it won or lost
    b = GTS[gt]
    assert x0 <= b[0] and y0 <= b[1] and x1 >= b[2] and y1 >= b[3]
    for p in np.concatenate([gc.won_xy, gc.lost_xy]):
        assert x0 <= p[0] <= x1 and y0 <= p[1] <= y1
    assert gc.dynamic_k == int(asg.dynamic_k[gt])


@pytest.mark.parametrize("rule", ["fcos_torchvision", "fcos_mmdet"])
def test_fcos_candidates_mark_inside_points_it_may_not_take(rule):
    grid, _, asg = run(rule)
    for gt in range(len(GTS)):
        gc = gt_candidates(grid, asg, GTS, gt, geometric=True)
        b = GTS[gt]
        allowed = {(int(p), int(g)) for p, g in asg.picked.tolist()}
        for lv, win in zip(grid.levels, gc.levels):
            wp = _window_points(grid, win, lv)
            inside = (wp[..., 0] > b[0]) & (wp[..., 0] < b[2]) & (wp[..., 1] > b[1]) & (wp[..., 1] < b[3])
            ok = np.isfinite(win.value)
            assert not (ok & win.penalised).any()
            assert np.array_equal(win.penalised, inside & ~ok)
        assert gc.num_candidates == sum(1 for _, g in allowed if g == gt)  # every allowed (point, GT) pair
        assert gc.dynamic_k is None


def test_candidates_reject_a_bad_gt():
    grid, _, asg = run("simota_mmdet")
    with pytest.raises(AnchorVizInputError, match="gt"):
        gt_candidates(grid, asg, GTS, len(GTS))
    with pytest.raises(AnchorVizInputError, match="gt"):
        gt_candidates(grid, asg, GTS[:2], 0)


def test_label_differences_against_a_loop():
    _, _, a = run("simota_mmdet", 0.3)
    _, _, b = run("simota_yolox_head", 0.3)
    idx, ga, gb = label_differences(a, b)
    want = [i for i in range(len(a.matched_gt)) if a.matched_gt[i] != b.matched_gt[i]]
    assert idx.tolist() == want and len(want) > 0  # the two SimOTAs disagree on this scene
    assert ga.tolist() == a.matched_gt[want].tolist() and gb.tolist() == b.matched_gt[want].tolist()
    assert label_differences(a, a)[0].size == 0
    idx2, ga2, gb2 = label_differences(b, a)
    assert idx2.tolist() == idx.tolist() and ga2.tolist() == gb.tolist()


def test_label_differences_need_the_same_cells():
    _, _, a = run("tal_8.4")
    _, _, b = run_point_rule("tal_8.4", HW, (8, 16), GTS, LABELS, num_classes=3, progress=0.6)
    with pytest.raises(AnchorVizInputError, match="same input and strides"):
        label_differences(a, b)
