"""Point grids: each library's convention against the points its golden file recorded, order, validation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from anchorviz.core.points import POINT_LIBRARIES, library_points, make_points
from anchorviz.core.errors import AnchorVizInputError

REF = Path(__file__).parents[2] / "data" / "reference"


def _common(name: str) -> dict:
    return json.loads((REF / f"assign_{name}.json").read_text())["common_inputs"]


def test_torchvision_points_are_the_anchor_generators_centres():
    c = _common("torchvision")
    anchors = np.asarray(c["anchors_xyxy"], float)
    g = library_points("torchvision_fcos", (256, 256), (8, 16, 32))
    assert np.array_equal(g.points, (anchors[:, :2] + anchors[:, 2:]) / 2)
    assert np.array_equal(g.points, np.asarray(c["anchor_centers"], float))
    assert np.array_equal(g.sizes, anchors[:, 2] - anchors[:, 0])  # anchor width: scales the FCOS tests
    assert g.num_points_per_level == c["num_anchors_per_level"]


def test_mmdet_points_offset_0_and_0_5():
    c = _common("mmdet")
    priors = np.asarray(c["priors_offset0 [x,y,stride_w,stride_h]"], float)
    rtm = library_points("mmdet_rtmdet", (256, 256), (8, 16, 32))
    assert np.array_equal(rtm.points, priors[:, :2]) and np.array_equal(rtm.strides, priors[:, 2])
    fcos = library_points("mmdet_fcos", (256, 256), (8, 16, 32))
    assert np.array_equal(fcos.points, np.asarray(c["fcos_points_offset0.5 [x,y]"], float))
    # mmdet's YOLOX head: corner priors for the regression, +0.5 stride for the assignment
    yx = library_points("mmdet_yolox", (256, 256), (8, 16, 32))
    assert np.array_equal(yx.regression_points, priors[:, :2])
    assert np.array_equal(yx.points, priors[:, :2] + 0.5 * priors[:, 2:])


def test_ultralytics_and_yolox_points_are_cell_centres():
    u = _common("ultralytics")
    g = library_points("ultralytics", (256, 256), (8, 16, 32))
    assert np.array_equal(g.points, np.asarray(u["anc_points_px (= points*stride, what the loss passes)"], float))
    assert np.array_equal(g.strides, np.asarray(u["stride_tensor"], float).reshape(-1))
    assert [list(lv.feat_hw) for lv in g.levels] == u["featmap_hw"]
    y = _common("yolox")
    gy = library_points("yolox", (256, 256), (8, 16, 32))
    assert np.array_equal(gy.points, np.asarray(y["assign_points (x+0.5)*s"], float))
    assert np.array_equal(gy.grid_xy[:, 0], np.asarray(y["x_shifts"]).astype(int))
    assert np.array_equal(gy.grid_xy[:, 1], np.asarray(y["y_shifts"]).astype(int))


@pytest.mark.parametrize(("hw", "strides", "counts"), [
    ((640, 640), (8, 16, 32), [6400, 1600, 400]),  # the usual YOLO input: 8400 points
    ((250, 330), (8, 16), [32 * 42, 16 * 21]),  # not a multiple of the stride: ceil(input / stride)
    ((1, 1), (32,), [1]),  # smaller than one stride: one cell
])
def test_counts_are_ceil_of_input_over_stride(hw, strides, counts):
    assert make_points(hw, strides).num_points_per_level == counts


def test_order_is_level_major_then_row_major():
    g = make_points((16, 24), (8, 16), offset=0.5)
    assert g.points[:4].tolist() == [[4, 4], [12, 4], [20, 4], [4, 12]]  # x fastest within a row
    assert g.points[6].tolist() == [8, 8]  # then the next level
    assert g.level.tolist() == [0] * 6 + [1] * 2


def test_torchvision_stride_is_input_floor_divided_by_feature_size():
    g = library_points("torchvision_fcos", (250, 250), (8,))
    # feature 32 x 32, torchvision's stride = 250 // 32 = 7, so the grid is 7 px apart, not 8
    assert g.levels[0].stride_hw == (7.0, 7.0)
    assert g.points[1].tolist() == [7.0, 0.0]


def test_every_library_key_builds_and_the_grid_is_not_shared():
    for key in POINT_LIBRARIES:
        g = library_points(key, (64, 64), (8, 16))
        assert g.points.dtype == np.float64 and g.points.shape == (80, 2)
        assert g.library == key


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"input_hw": (0, 10), "strides": (8,)}, "positive integers"),
    ({"input_hw": (10.5, 10), "strides": (8,)}, "positive integers"),
    ({"input_hw": "640", "strides": (8,)}, "input size"),
    ({"input_hw": (64, 64), "strides": ()}, "strides"),
    ({"input_hw": (64, 64), "strides": (8, -16)}, "strides"),
    ({"input_hw": (100_000, 100_000), "strides": (1,)}, "at most"),
])
def test_bad_setups_are_refused(kwargs, match):
    with pytest.raises(AnchorVizInputError, match=match):
        make_points(**kwargs)


def test_library_key_and_anchor_sizes_are_checked():
    with pytest.raises(AnchorVizInputError, match="library"):
        library_points("detectron2", (64, 64), (8,))
    with pytest.raises(AnchorVizInputError, match="anchor_sizes"):
        library_points("ultralytics", (64, 64), (8,), anchor_sizes=(8,))
    with pytest.raises(AnchorVizInputError, match="anchor_sizes"):
        library_points("torchvision_fcos", (64, 64), (8, 16), anchor_sizes=(8,))
