"""The anchor-generator entry points no visible golden covers, against values derived by hand from each library's
source (the derivation is written next to each expected value; anchorviz's own output is never the reference).

Sources: mmdet/models/task_modules/prior_generators/anchor_generator.py (mmdet 3.x, main @ c176bc88),
torchvision/models/detection/anchor_utils.py, detectron2/modeling/anchor_generator.py,
keras_retinanet/utils/anchors.py, d2l/torch.py (multibox_prior), yolov5 models/yolo.py (Detect._make_grid) and
utils/autoanchor.py (check_anchor_order).
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

from anchorviz.parity.runner import compute_case, run_case


def _run(library: str, function: str, params: dict, inputs: dict | None = None, keys=("x",)) -> dict:
    case = {"function": function, "params": params, "inputs": inputs or {}, "outputs": dict.fromkeys(keys)}
    return compute_case(library, case, {}, {})


def _close(ours, expected, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(ours, np.float64), np.asarray(expected, np.float64), rtol=rtol, atol=1e-5)


def _box(cx, cy, w, h):
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


# ---- mmdet SSDAnchorGenerator ------------------------------------------------------------------------------

# SSDAnchorGenerator(strides=[8, 16, 32], ratios=[[2], [2], [2]], basesize_ratio_range=(0.15, 0.9), input_size=300):
#   min_ratio, max_ratio = int(0.15 * 100), int(0.9 * 100) = 15, 90; step = int(floor(90 - 15) / (3 - 2)) = 75
#   range(15, 91, 75) = 15, 90 -> min_sizes int(300 * r / 100) = 45, 270; max_sizes int(300 * (r + 75) / 100) = 270, 495
#   input 300 with 0.15 (SSD300 COCO) inserts int(300 * 7 / 100) = 21 / int(300 * 15 / 100) = 45 first:
#   min_sizes [21, 45, 270], max_sizes [45, 270, 495]
#   level 0: base 21, scales [1, sqrt(45 / 21)], ratios [1, 1/2, 2], centre (8 / 2, 8 / 2) = (4, 4)
SSD3 = {"strides": [8, 16, 32], "ratios": [[2], [2], [2]], "basesize_ratio_range": [0.15, 0.9], "input_size": 300}
S1 = sqrt(45 / 21)  # 21 * S1 = sqrt(21 * 45) = sqrt(945)


def _ssd_level0(scale_major: bool) -> list[list[float]]:
    # w = base * w_ratio * scale, h = base * h_ratio * scale with h_ratio = sqrt(r), w_ratio = 1 / sqrt(r)
    shapes = {(r, s): (21 / sqrt(r) * s, 21 * sqrt(r) * s) for r in (1, 0.5, 2) for s in (1, S1)}
    if scale_major:  # ratio outer, scale inner: [r1s1, r1sS, r.5s1, r.5sS, r2s1, r2sS]
        flat = [shapes[(r, s)] for r in (1, 0.5, 2) for s in (1, S1)]
    else:  # scale outer, ratio inner: [s1r1, s1r.5, s1r2, sSr1, sSr.5, sSr2]
        flat = [shapes[(r, s)] for s in (1, S1) for r in (1, 0.5, 2)]
    keep = [0, 3, 1, 2]  # indices = list(range(len(ratios))); indices.insert(1, len(indices)); index_select
    return [_box(4, 4, *flat[i]) for i in keep]


def test_ssd_base_anchors_follow_mmdets_index_select_for_both_orders():
    out = _run("mmdetection", "SSDAnchorGenerator.gen_base_anchors", SSD3)
    assert out["base_sizes"] == [21, 45, 270] and out["num_base_priors"] == [4, 4, 4]
    _close(out["base_anchors"][0], _ssd_level0(scale_major=True))  # the class default
    # scale_major=False (mmdet's ssd300.py config): small square, big square sqrt(min*max), then the rectangles
    out = _run("mmdetection", "SSDAnchorGenerator.gen_base_anchors", dict(SSD3, scale_major=False))
    expected = _ssd_level0(scale_major=False)
    _close(out["base_anchors"][0], expected)
    _close(expected[1], _box(4, 4, sqrt(945), sqrt(945)))  # the derivation itself: sqrt(min * max)
    _close(expected[2], _box(4, 4, 21 * sqrt(2), 21 / sqrt(2)))


def test_ssd_grid_priors_and_valid_flags():
    out = _run("mmdetection", "SSDAnchorGenerator.grid_priors", dict(SSD3, scale_major=False,
                                                                       featmap_sizes=[[2, 2], [1, 1], [1, 1]]))
    level0 = np.asarray(out["anchors"][0])
    assert level0.shape == (2 * 2 * 4, 4)
    # location-major: cell (y=0, x=1) holds anchors 4..7, the base anchors shifted by (x * 8, y * 8) = (8, 0)
    _close(level0[4:8], np.asarray(_ssd_level0(False)) + [8, 0, 8, 0])
    _close(level0[12:16], np.asarray(_ssd_level0(False)) + [8, 8, 8, 8])  # cell (1, 1)
    # level 2: base 270, scales [1, sqrt(495 / 270)], centre (16, 16): its first anchor is the 270 square
    _close(out["anchors"][2][0], _box(16, 16, 270, 270))
    # valid_flags(featmap_sizes, pad_shape): valid_h = min(ceil(8 / 8), 2) = 1, valid_w = min(ceil(12 / 8), 2) = 2
    out = _run("mmdetection", "SSDAnchorGenerator.valid_flags", dict(SSD3, featmap_sizes=[[2, 2], [1, 1], [1, 1]],
                                                                       pad_shape=[8, 12, 3]))
    assert np.asarray(out["valid_flags"][0]).tolist() == [1] * 8 + [0] * 8  # row y = 1 is padding
    assert np.asarray(out["valid_flags"][1]).tolist() == [1] * 4


def test_ssd_with_min_and_max_sizes():
    # min_sizes / max_sizes given: no range arithmetic. Level 0: base 10, scales [1, sqrt(20 / 10)], ratios
    # [1, 1/2, 2], centre (8, 8); scale_major=True: flat [r1s1 10x10, r1sS 14.14 sq, r.5s1 14.14x7.07,
    # r.5sS 20x10, r2s1 7.07x14.14, r2sS 10x20] -> index_select [0, 3, 1, 2]
    p = {"strides": [16, 32], "ratios": [[2], [3]], "min_sizes": [10, 30], "max_sizes": [20, 60]}
    out = _run("mmdetection", "SSDAnchorGenerator.base_anchors", p)
    _close(out["base_anchors"][0], [_box(8, 8, 10, 10), _box(8, 8, 20, 10), _box(8, 8, 10 * sqrt(2), 10 * sqrt(2)),
                                    _box(8, 8, 10 * sqrt(2), 10 / sqrt(2))])
    # level 1: ratios [1, 1/3, 3]: anchor 1 is r=1/3 with scale sqrt(2): w = 30 * sqrt(3) * sqrt(2), h = 30 / sqrt(3) * sqrt(2)
    _close(out["base_anchors"][1][1], _box(16, 16, 30 * sqrt(6), 30 * sqrt(2) / sqrt(3)))
    assert out["base_sizes"] == [10, 30]
    bad = run_case("mmdetection", {"function": "SSDAnchorGenerator.base_anchors", "params": dict(p, max_sizes=None),
                                   "outputs": {"base_anchors": 0}}, {}, {}, "x")
    assert bad.status == "fail" and "both min_sizes and max_sizes" in bad.reasons[0]


def test_ssd512_sizes_and_the_ranges_mmdet_refuses():
    # SSD512 COCO: range (0.1, 0.9) over 7 levels: step = int(80 / 5) = 16, percents 10, 26, 42, 58, 74, 90 ->
    # min int(512 * p / 100) = 51, 133, 215, 296, 378, 460 (51.2, 133.12, 215.04, 296.96, 378.88, 460.8), max at
    # p + 16 = 133, 215, 296, 378, 460, 542; first level int(512 * 4 / 100) = 20 / int(512 * 10 / 100) = 51
    p = {"strides": [8, 16, 32, 64, 128, 256, 512], "ratios": [[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]],
         "basesize_ratio_range": [0.1, 0.9], "input_size": 512}
    out = _run("mmdetection", "SSDAnchorGenerator.base_anchors", p)
    assert out["base_sizes"] == [20, 51, 133, 215, 296, 378, 460]
    _close(out["scales"][0], [1, sqrt(51 / 20)])
    _close(out["scales"][6], [1, sqrt(542 / 460)])
    for rng, size in (([0.2, 0.9], 512), ([0.1, 0.9], 300), ([0.15, 0.9], 400)):
        bad = run_case("mmdetection", {"function": "SSDAnchorGenerator.base_anchors",
                                       "params": dict(p, basesize_ratio_range=rng, input_size=size),
                                       "outputs": {"base_anchors": 0}}, {}, {}, "x")
        assert bad.status == "fail" and "mmdet only defines input_size 300" in bad.reasons[0]


# ---- mmdet AnchorGenerator / LegacyAnchorGenerator (the docstring examples of anchor_generator.py) ----------


def test_anchor_generator_docstring_examples():
    # AnchorGenerator([16], [1.], [1.], [9]).grid_priors([(2, 2)]): base 9 centred at 0 (center_offset 0)
    out = _run("mmdetection", "AnchorGenerator.grid_priors",
               {"strides": [16], "ratios": [1.0], "scales": [1.0], "base_sizes": [9], "featmap_sizes": [[2, 2]]})
    _close(out["anchors"], [[-4.5, -4.5, 4.5, 4.5], [11.5, -4.5, 20.5, 4.5], [-4.5, 11.5, 4.5, 20.5],
                            [11.5, 11.5, 20.5, 20.5]])
    out = _run("mmdetection", "AnchorGenerator.grid_priors", {"strides": [16, 32], "ratios": [1.0], "scales": [1.0],
                                                              "base_sizes": [9, 18], "featmap_sizes": [[2, 2], [1, 1]]})
    _close(out["anchors"][1], [[-9, -9, 9, 9]])
    # LegacyAnchorGenerator([16], [1.], [1.], [9], center_offset=0.5).grid_anchors(((2, 2),)): centre 0.5 * (9 - 1)
    # = 4, corners 4 -+ 0.5 * (9 - 1) rounded
    out = _run("mmdetection", "LegacyAnchorGenerator.grid_anchors",
               {"strides": [16], "ratios": [1.0], "scales": [1.0], "base_sizes": [9], "center_offset": 0.5,
                "featmap_sizes": [[2, 2]]})
    _close(out["anchors"], [[0, 0, 8, 8], [16, 0, 24, 8], [0, 16, 8, 24], [16, 16, 24, 24]])


def test_legacy_generator_defaults_to_center_offset_0_like_its_class():
    # LegacyAnchorGenerator inherits center_offset=0.: centre 0 * (9 - 1) = 0, corners -+4
    out = _run("mmdetection", "LegacyAnchorGenerator.gen_base_anchors",
               {"strides": [16], "ratios": [1.0], "scales": [1.0], "base_sizes": [9]})
    _close(out["base_anchors"], [[-4, -4, 4, 4]])


def test_sparse_priors_wrap_like_mmdet():
    # x = (i // A) % W * stride_w, y = (i // W // A) % H * stride_h; A = 1, W = H = 2: i = 5 -> x 1, y 0
    out = _run("mmdetection", "AnchorGenerator.sparse_priors",
               {"strides": [16], "ratios": [1.0], "scales": [1.0], "base_sizes": [9], "featmap_size": [2, 2],
                "level_idx": 0}, {"prior_idxs": [3, 0, 5]})
    _close(out["priors"], [[11.5, 11.5, 20.5, 20.5], [-4.5, -4.5, 4.5, 4.5], [11.5, -4.5, 20.5, 4.5]])


def test_single_level_valid_flags_needs_no_generator():
    out = _run("mmdetection", "AnchorGenerator.single_level_valid_flags",
               {"featmap_size": [2, 3], "valid_size": [1, 2], "num_base_anchors": 2})
    # valid_xx & valid_yy over (y, x), each repeated num_base_anchors times
    assert np.asarray(out["valid"]).tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]


# ---- torchvision AnchorGenerator -------------------------------------------------------------------------


def test_torchvision_grid_anchors_with_given_strides():
    # cell anchors round([-w, -h, w, h] / 2): size 32, r 1 -> [-16, -16, 16, 16]; shifts (x * stride_w, y * stride_h)
    out = _run("torchvision", "AnchorGenerator.grid_anchors",
               {"sizes": [[32], [64]], "aspect_ratios": [[1.0], [1.0]], "grid_sizes": [[2, 2], [1, 1]],
                "strides": [[8, 8], [16, 16]]})
    _close(out["anchors"][0], [[-16, -16, 16, 16], [-8, -16, 24, 16], [-16, -8, 16, 24], [-8, -8, 24, 24]])
    _close(out["anchors"][1], [[-32, -32, 32, 32]])
    # strides are [stride_h, stride_w]: size 10 -> round(+-5) = +-5; x * 4, y * 8
    out = _run("torchvision", "AnchorGenerator.grid_anchors",
               {"sizes": [[10]], "aspect_ratios": [[1.0]], "grid_sizes": [[2, 2]], "strides": [[8, 4]]})
    _close(out["anchors"][0], [[-5, -5, 5, 5], [-1, -5, 9, 5], [-5, 3, 5, 13], [-1, 3, 9, 13]])


def test_torchvision_num_anchors_per_location_and_broadcasting():
    out = _run("torchvision", "AnchorGenerator.num_anchors_per_location",
               {"sizes": [[32, 64], [128]], "aspect_ratios": [[0.5, 1.0, 2.0], [1.0]]})
    assert out["num_anchors_per_location"] == [6, 1]
    # a flat sizes tuple is one size per level; a flat aspect_ratios is shared by every level
    out = _run("torchvision", "AnchorGenerator.num_anchors_per_location",
               {"sizes": [32, 64], "aspect_ratios": [0.5, 1.0]})
    assert out["num_anchors_per_location"] == [2, 2]
    # size 45, r 1: half-extent 22.5 rounds half-to-even to 22
    _close(_run("torchvision", "AnchorGenerator.generate_anchors", {"scales": [45], "aspect_ratios": [1.0]})["cell_anchors"],
           [[-22, -22, 22, 22]])


# ---- detectron2 DefaultAnchorGenerator -------------------------------------------------------------------


def test_detectron2_generate_cell_anchors_defaults():
    # sizes (32, 64, 128, 256, 512) outer, ratios (0.5, 1, 2) inner; w = sqrt(size^2 / r), h = r * w, centred at 0
    out = _run("detectron2", "DefaultAnchorGenerator.generate_cell_anchors", {})
    cells = np.asarray(out["cell_anchors"])
    assert cells.shape == (15, 4)
    w = sqrt(32 ** 2 / 0.5)
    _close(cells[0], [-w / 2, -0.5 * w / 2, w / 2, 0.5 * w / 2])
    _close(cells[1], [-16, -16, 16, 16])
    _close(cells[14], [-sqrt(512 ** 2 / 2) / 2, -sqrt(512 ** 2 / 2), sqrt(512 ** 2 / 2) / 2, sqrt(512 ** 2 / 2)])


def test_detectron2_grid_anchors_offset_and_broadcasting():
    # centres (x + offset) * stride: offset 0.5, stride 8 -> (4, 4), (12, 4); size 16 -> +-8
    out = _run("detectron2", "DefaultAnchorGenerator._grid_anchors",
               {"sizes": [[16]], "aspect_ratios": [[1.0]], "strides": [8], "offset": 0.5, "grid_sizes": [[1, 2]]})
    _close(out["anchors"], [[-4, -4, 12, 12], [4, -4, 20, 12]])
    # the class default offset is 0.5 too; a flat sizes list is every level's sizes (_broadcast_params)
    out = _run("detectron2", "DefaultAnchorGenerator.num_cell_anchors", {"sizes": [32, 64], "strides": [8, 16]})
    assert out["num_cell_anchors"] == [6, 6]


# ---- keras-retinanet ------------------------------------------------------------------------------------


def test_keras_shift_any_anchors():
    # shift_x = (arange(2) + 0.5) * 8 = [4, 12], shift_y = [4]; all_anchors = anchors + (sx, sy, sx, sy), location-major
    out = _run("keras_retinanet", "shift", {"shape": [1, 2], "stride": 8}, {"anchors": [[-1, -2, 1, 2], [-3, -3, 3, 3]]})
    _close(out["anchors"], [[3, 2, 5, 6], [1, 1, 7, 7], [11, 2, 13, 6], [9, 1, 15, 7]])


def test_keras_anchors_for_shape_pairs_sizes_and_levels_by_position():
    # anchors_for_shape((64, 64), pyramid_levels=[4, 5]) with the default parameters: level idx 0 uses sizes[0] = 32,
    # strides[0] = 8 on guess_shapes' level-4 map ((64 + 15) // 16 = 4), idx 1 uses 64 / 16 on (64 + 31) // 32 = 2
    out = _run("keras_retinanet", "anchors_for_shape", {"image_shape": [64, 64, 3], "pyramid_levels": [4, 5]})
    assert out["total"] == 4 * 4 * 9 + 2 * 2 * 9 and out["level_shapes"] == [[4, 4], [2, 2]]
    # first anchor: size 32, ratio 0.5, scale 1 -> w = sqrt(32^2 / 0.5), h = 0.5 * w, centred at (0.5 * 8, 0.5 * 8)
    w = sqrt(32 ** 2 / 0.5)
    _close(out["anchors"][0], _box(4, 4, w, 0.5 * w))
    # last anchor of level idx 0: cell (3, 3) centre 3.5 * 8 = 28, ratio 2, scale float32(2^(2/3))
    side = 32 * float(np.float32(2 ** (2 / 3)))
    w = sqrt(side ** 2 / 2)
    _close(out["anchors"][4 * 4 * 9 - 1], _box(28, 28, w, 2 * w))


def test_keras_parse_anchor_parameters_and_generate_anchors_default_base():
    out = _run("keras_retinanet", "parse_anchor_parameters",
               {"config": {"anchor_parameters": {"sizes": "32 64", "strides": "8 16", "ratios": "0.5 1 2",
                                                 "scales": "1 1.5"}}})
    assert out["sizes"] == [32, 64] and out["strides"] == [8, 16] and out["num_anchors"] == 6
    # generate_anchors(base_size=16) with the default ratios and scales: first row ratio 0.5, scale 1
    out = _run("keras_retinanet", "generate_anchors", {})
    w = sqrt(16 ** 2 / 0.5)
    _close(out["anchors"][0], _box(0, 0, w, 0.5 * w))
    assert np.asarray(out["anchors"]).shape == (9, 4)


# ---- d2l multibox_prior ---------------------------------------------------------------------------------


def test_d2l_multibox_prior_from_the_data_shape():
    # data (1, 3, H=2, W=4), sizes [0.5], ratios [1, 2]: n + m - 1 = 2 anchors per pixel, centres ((x + .5) / W, (y + .5) / H)
    # w = s * sqrt(r) * H / W, h = s / sqrt(r): (0.5, 1) -> 0.25 x 0.5; (0.5, 2) -> 0.5 * sqrt(2) / 2 x 0.5 / sqrt(2)
    out = _run("d2l", "multibox_prior", {"data_shape": [1, 3, 2, 4], "sizes": [0.5], "ratios": [1, 2]},
               keys=("boxes_1_3", "shape"))
    assert out["shape"] == [1, 2 * 4 * 2, 4]
    _close(out["anchors"][0], [0, 0, 0.25, 0.5])
    _close(out["anchors"][1], _box(0.125, 0.25, 0.5 * sqrt(2) / 2, 0.5 / sqrt(2)))
    _close(out["boxes_1_3"][0], _box(3.5 / 4, 1.5 / 2, 0.25, 0.5))


# ---- YOLOv5 -----------------------------------------------------------------------------------------------


def test_yolov5_make_grid():
    # grid = stack((xv, yv)) - 0.5, shape (1, na, ny, nx, 2); anchor_grid = anchors * stride = the yaml pixels
    out = _run("yolov5", "Detect._make_grid", {"anchors": [[10, 13, 16, 30]], "strides": [8], "nx": 3, "ny": 2, "i": 0})
    grid, ag = np.asarray(out["grid"]), np.asarray(out["anchor_grid"])
    assert grid.shape == ag.shape == (1, 2, 2, 3, 2)
    _close(grid[0, 1, 1, 2], [2 - 0.5, 1 - 0.5])
    _close(grid[0, 0, 0, 0], [-0.5, -0.5])
    _close(ag[0, 0, 1, 2], [10, 13])
    _close(ag[0, 1, 0, 0], [16, 30])


@pytest.mark.parametrize(("anchors", "strides", "flipped"), [
    ([[10, 13, 16, 30], [116, 90, 156, 198]], [8, 32], False),  # areas grow with the stride
    ([[116, 90, 156, 198], [10, 13, 16, 30]], [8, 32], True),  # P3 given the large anchors: reversed
])
def test_yolov5_check_anchor_order(anchors, strides, flipped):
    out = _run("yolov5", "check_anchor_order", {"anchors": anchors, "strides": strides})
    assert out["flipped"] is flipped
    assert [list(map(float, r)) for r in out["anchors"]] == [list(map(float, r)) for r in (anchors[::-1] if flipped else anchors)]
