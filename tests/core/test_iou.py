"""IoU: hand-checked values, each library's zero-area behaviour, properties, and sparse == dense."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.conventions import ANCHORVIZ_IOU, CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.iou.grid import grid_match_quality, iou_with_box
from anchorviz.core.iou.quality import (FULL_REQUEST, MAXIMA_ONLY, MatchRequest, argmax_needed,
                                        dense_match_quality)
from anchorviz.core.iou.pairwise import pairwise_iou, shape_iou, yolo_ratio_metric
from anchorviz.core.presets import preset_config

STYLES = {name: c.iou for name, c in CONVENTIONS.items()}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0, 0, 10, 10], [0, 0, 10, 10], 1.0),  # identical
        ([0, 0, 10, 10], [5, 5, 15, 15], 25 / 175),  # quarter overlap
        ([0, 0, 10, 10], [10, 0, 20, 10], 0.0),  # touching edges do not overlap (no +1)
        ([0, 0, 10, 10], [2, 2, 8, 8], 36 / 100),  # contained
        ([0, 0, 10, 10], [20, 20, 30, 30], 0.0),  # apart
        ([0, 0, 10, 10], [0, 0, 10, 7], 0.7),  # the 0.7 threshold case, exactly
    ],
)
def test_iou_by_hand(a, b, expected):
    assert pairwise_iou([a], [b])[0, 0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("style", "degenerate_vs_degenerate"),
    [("torchvision", "nan"), ("d2l", "nan"), ("mmdet", 0.0), ("detectron2", 0.0), ("keras_retinanet", 0.0),
     ("mmdet_v1", 1.0)],  # v1 counts pixels: a 0-area box has area 1, so it overlaps itself fully
)
def test_zero_area_pairs_per_library(style, degenerate_vs_degenerate):
    v = pairwise_iou([[5, 5, 5, 5]], [[5, 5, 5, 5]], style=STYLES[style])[0, 0]
    if degenerate_vs_degenerate == "nan":
        assert np.isnan(v)
    else:
        assert v == degenerate_vs_degenerate


def test_anchorviz_default_never_nan():
    boxes = np.array([[5, 5, 5, 5], [0, 0, 0, 10], [0, 0, 10, 10]], float)
    assert np.isfinite(pairwise_iou(boxes, boxes, style=ANCHORVIZ_IOU)).all()


def test_mmdet_v1_touching_boxes_overlap_by_one_pixel():
    # v1 widths are x2 - x1 + 1, so [0,10] and [10,20] share pixel column 10: 11*11 boxes, 1*11 overlap
    assert pairwise_iou([[0, 0, 10, 10]], [[10, 0, 20, 10]], style=STYLES["mmdet_v1"])[0, 0] == pytest.approx(11 / 231, rel=1e-6)


def test_empty_inputs_give_empty_shapes():
    assert pairwise_iou(np.zeros((0, 4)), [[0, 0, 1, 1]]).shape == (0, 1)
    assert pairwise_iou([[0, 0, 1, 1]], []).shape == (1, 0)
    s = dense_match_quality(np.zeros((0, 4)), np.zeros((0, 4)))
    assert s.max_iou.shape == (0,) and s.gt_max_iou.shape == (0,)
    s = dense_match_quality([[0, 0, 1, 1], [1, 1, 2, 2]], np.zeros((0, 4)))
    assert s.max_iou.tolist() == [0, 0] and s.argmax_gt.tolist() == [-1, -1] and s.gt_max_iou.shape == (0,)


@pytest.mark.parametrize(
    ("boxes", "match"),
    [([[0, 0, 10]], r"shape \(N, 4\)"), ([[0, 0, float("nan"), 1]], "NaN"), ([[10, 0, 0, 10]], "inverted"),
     ("hello", "expected numbers")],
)
def test_bad_boxes(boxes, match):
    with pytest.raises(AnchorVizInputError, match=match):
        pairwise_iou(boxes, [[0, 0, 1, 1]])


def test_inputs_not_mutated():
    a = np.array([[0, 0, 10, 10], [5, 5, 15, 15]], float)
    b = np.array([[1, 1, 4, 4]], float)
    a0, b0 = a.copy(), b.copy()
    pairwise_iou(a, b)
    dense_match_quality(a, b)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


def test_shape_iou_and_yolo_metric_by_hand():
    assert shape_iou([[10, 20]], [[20, 10]])[0, 0] == pytest.approx(100 / 300)
    # r = (5/10, 40/10) -> min(r, 1/r) = (0.5, 0.25) -> 0.25
    assert yolo_ratio_metric([[5, 40]], [[10, 10]])[0, 0] == pytest.approx(0.25)


box = st.tuples(st.floats(0, 200), st.floats(0, 200), st.floats(0, 120), st.floats(0, 120)).map(
    lambda t: [t[0], t[1], t[0] + t[2], t[1] + t[3]])


@settings(max_examples=80, deadline=None)
@given(a=st.lists(box, min_size=1, max_size=6), b=st.lists(box, min_size=1, max_size=6),
       style=st.sampled_from(["mmdet", "detectron2", "keras_retinanet", "mmdet_v1"]))
def test_iou_in_unit_interval_and_symmetric(a, b, style):
    ab = pairwise_iou(a, b, style=STYLES[style])
    ba = pairwise_iou(b, a, style=STYLES[style])
    assert ((ab >= 0) & (ab <= 1 + 1e-6)).all()
    np.testing.assert_array_equal(ab, ba.T)


# ---- sparse == dense -------------------------------------------------------------------------------


def _grid_cfg(conv: str, stride: int, offset: float | None):
    if conv == "yolov5":
        lv = LevelSpec(stride=stride, wh=((stride * 1.5, stride * 2.0), (stride * 3.0, stride * 1.2)))
    else:
        lv = LevelSpec(stride=stride, sizes=(stride * 2, stride * 3.3), base_size=stride, scales=(2.0, 3.3),
                       ratios=(0.5, 1.0, 2.0))
    lv2 = LevelSpec(stride=stride * 2, sizes=(stride * 4,), base_size=stride * 2, scales=(2.0,), ratios=(1.0,),
                    wh=((stride * 4.0, stride * 4.0),))
    return AnchorConfig(convention=conv, levels=(lv, lv2), center_offset=offset)


# What the app's assigners ask: everything (Matcher, tests), torchvision RetinaNet (positives + ties with their
# argmax), mmdet RPN (positives + ties of GTs at >= 0.3, no argmax for them), d2l (pairs), only the maxima.
REQUESTS = {
    "full": MatchRequest(argmax_from=0.0, ties_from=0.0, argmax_of_ties=True, pairs=True),
    "retinanet": MatchRequest(argmax_from=0.5, ties_from=0.0, argmax_of_ties=True),
    "rpn_mmdet": MatchRequest(argmax_from=0.7, ties_from=0.3),
    "d2l": MatchRequest(argmax_from=0.5, pairs=True),
    "maxima": MAXIMA_ONLY,
}


def _assert_same(sparse, dense, m, aset=None, gts=None):
    """Every answer of the grid engine equals the dense one (the request decides which answers exist)."""
    np.testing.assert_array_equal(sparse.max_iou, dense.max_iou)
    assert sparse.max_iou.dtype == dense.max_iou.dtype
    np.testing.assert_array_equal(sparse.gt_max_iou, dense.gt_max_iou)
    np.testing.assert_array_equal(sparse.ties_all, dense.ties_all)
    np.testing.assert_array_equal(sparse.tie_gt, dense.tie_gt)
    np.testing.assert_array_equal(sparse.tie_anchor, dense.tie_anchor)
    need = argmax_needed(dense.max_iou, dense.request, dense.tie_anchor, dense.ties_all, dense.valid)
    assert (sparse.argmax_gt[need] >= 0).all()  # every requested argmax is there ...
    np.testing.assert_array_equal(sparse.argmax_gt[need], dense.argmax_gt[need])
    known = sparse.argmax_gt >= 0  # ... and whatever else the pass settled is right too
    np.testing.assert_array_equal(sparse.argmax_gt[known], dense.argmax_gt[known])
    if dense.request.ties_from is not None:
        for k in range(m):
            if not np.isnan(dense.gt_max_iou[k]) and dense.gt_max_iou[k] >= dense.request.ties_from:
                np.testing.assert_array_equal(sparse.tie_anchors(k), dense.tie_anchors(k))
    assert (sparse.pairs is None) == (dense.pairs is None)
    for x, y in zip(sparse.pairs or (), dense.pairs or ()):
        np.testing.assert_array_equal(x, y)
    if aset is not None:
        for k in range(m):  # one GT's IoU with every anchor, for the heatmap
            row = pairwise_iou(gts[k:k + 1], aset.boxes, style=dense.style)[0]
            np.testing.assert_array_equal(iou_with_box(aset, gts[k], style=dense.style), row)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    conv=st.sampled_from(["torchvision", "mmdet", "mmdet_v1", "detectron2", "keras_retinanet", "yolov5"]),
    stride=st.sampled_from([4, 8, 16]),
    hw=st.tuples(st.integers(8, 120), st.integers(8, 120)),
    gts=st.lists(st.tuples(st.floats(-20, 140), st.floats(-20, 140), st.floats(0, 90), st.floats(0, 90)),
                 min_size=1, max_size=7),
    request=st.sampled_from(sorted(REQUESTS)),
)
def test_sparse_equals_dense(conv, stride, hw, gts, request):
    offset = None if conv in ("torchvision", "keras_retinanet", "yolov5") else 0.5
    aset = generate_anchors(_grid_cfg(conv, stride, offset), hw)
    g = np.array([[x, y, x + w, y + h] for x, y, w, h in gts])  # includes zero-width / zero-height GTs
    style, req = CONVENTIONS[conv].iou, REQUESTS[request]
    _assert_same(grid_match_quality(aset, g, style=style, request=req),
                 dense_match_quality(aset.boxes, g, style=style, request=req), len(g), aset, g)


@pytest.mark.parametrize("conv", ["torchvision", "mmdet", "detectron2", "keras_retinanet", "mmdet_v1", "d2l"])
def test_sparse_equals_dense_corner_cases(conv):
    cfg = preset_config("RetinaNet", conv, levels=(3, 4)) if conv != "d2l" else preset_config("d2l book (multiscale)", "d2l")
    aset = generate_anchors(cfg, (96, 128))
    g = np.array([
        [10, 10, 10, 30],  # zero width: IoU 0 with everything, so every anchor ties for its best (0)
        [500, 500, 520, 520],  # far outside the image: overlaps nothing, max IoU 0
        [20, 20, 60, 50],  # an ordinary box
        [20, 20, 60, 50],  # the same box twice: argmax ties go to the first GT
        [0, 0, 128, 96],  # the whole image
    ], float)
    style = CONVENTIONS[conv].iou
    sparse = grid_match_quality(aset, g, style=style, request=REQUESTS["full"])
    dense = dense_match_quality(aset.boxes, g, style=style, request=REQUESTS["full"])
    _assert_same(sparse, dense, len(g), aset, g)
    if conv != "mmdet_v1":  # v1 counts pixels, so even a zero-width GT covers one column
        assert sparse.gt_max_iou[0] == 0
    assert sparse.gt_max_iou[1] == 0
    assert len(sparse.tie_anchors(1)) == len(aset)  # zero max: every anchor is tied
    assert (sparse.argmax_gt != 3).all()  # the duplicate never wins a tie


def test_sparse_falls_back_to_dense_when_nan_is_possible():
    # A zero-area anchor (torchvision rounds size 1 to 0) against a zero-area GT gives NaN there.
    cfg = AnchorConfig(convention="torchvision", levels=(LevelSpec(stride=4, sizes=(1, 8), ratios=(1.0,)),))
    aset = generate_anchors(cfg, (16, 16))
    g = np.array([[0, 0, 0, 0], [2, 2, 9, 9]], float)
    style = CONVENTIONS["torchvision"].iou
    sparse, dense = grid_match_quality(aset, g, style=style), dense_match_quality(aset.boxes, g, style=style)
    _assert_same(sparse, dense, len(g), aset, g)
    assert np.isnan(sparse.max_iou).any()


# Every path of the sparse engine, forced by its size constants: GTs split into many chunks, the tie pass
# recomputing instead of keeping, levels always / never dense.
ENGINE_PATHS = {
    "default": {},
    "tiny chunks, recompute": {"_CHUNK_PAIRS": 40, "_KEEP_PAIRS": 0},
    "always dense": {"_DENSE_PAIR_COST": 0.0},
    "never dense": {"_DENSE_PAIR_COST": 1e9},
}


def _mixed_gts(rng, h, w, m):
    """Boxes of every size over an h x w image (some past its border), plus a zero-width one, a duplicate and
    one that overlaps nothing."""
    side = np.exp(rng.uniform(np.log(2), np.log(max(h, w)), m))
    aspect = np.exp(rng.normal(0, 0.6, m))
    bw, bh = side / np.sqrt(aspect), side * np.sqrt(aspect)
    x, y = rng.uniform(-10, w, m), rng.uniform(-10, h, m)
    g = np.stack([x, y, x + bw, y + bh], 1)
    return np.vstack([g, [[5, 5, 5, 20]], g[:1], [[w + 50, h + 50, w + 60, h + 70]]])


@pytest.mark.parametrize("path", sorted(ENGINE_PATHS))
@pytest.mark.parametrize("conv", ["torchvision", "mmdet", "mmdet_v1", "detectron2", "keras_retinanet", "yolov5"])
def test_sparse_equals_dense_on_every_engine_path(monkeypatch, conv, path):
    from anchorviz.core.iou import grid, grid_windows

    for name, value in ENGINE_PATHS[path].items():
        monkeypatch.setattr(grid if name == "_KEEP_PAIRS" else grid_windows, name, value)
    preset = "YOLOv5 P3-P5" if conv == "yolov5" else "RetinaNet"
    cfg = preset_config(preset, conv, levels=(3, 4, 5))
    hw = (160, 224)
    aset = generate_anchors(cfg, hw)
    g = _mixed_gts(np.random.default_rng(len(conv) + len(path)), *hw, 24)
    style = CONVENTIONS[conv].iou
    for req in REQUESTS.values():
        _assert_same(grid_match_quality(aset, g, style=style, request=req),
                     dense_match_quality(aset.boxes, g, style=style, request=req), len(g), aset if req.pairs else None, g)
    # mmdet v1 leaves anchors that cross the border out of the per-GT maxima and ties: they agree there too
    valid = np.random.default_rng(1).random(len(aset)) < 0.7
    req = REQUESTS["full"]
    rs = grid_match_quality(aset, g, style=style, request=req, valid=valid)
    rd = dense_match_quality(aset.boxes, g, style=style, request=req, valid=valid)
    _assert_same(rs, rd, len(g))
    assert not np.isin(rs.tie_anchor, np.flatnonzero(~valid)).any()
