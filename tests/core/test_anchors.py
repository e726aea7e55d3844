"""Anchor generation: hand-checkable values per convention, grid bookkeeping, errors and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import cached_anchors, generate_anchors
from anchorviz.core.anchors.cells import cell_anchors, feature_size
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, level_spec, preset_config, presets_for


def one_level(convention: str, **kw) -> AnchorConfig:
    offset = kw.pop("center_offset", None)
    return AnchorConfig(convention=convention, levels=(LevelSpec(**kw),), center_offset=offset)


@pytest.mark.parametrize(
    ("convention", "level", "expected_first"),
    [
        # torchvision: round(±w/2) half-to-even in float32: size 45 -> half 22.5 -> 22, a 44-pixel box
        ("torchvision", dict(stride=16, sizes=(45,), ratios=(1.0,)), [-22, -22, 22, 22]),
        # torchvision: size 128, r=0.5 (h/w): w = 181.02 -> round(90.51) = 91, h = 90.51 -> round(45.25) = 45
        ("torchvision", dict(stride=16, sizes=(128,), ratios=(0.5,)), [-91, -45, 91, 45]),
        # mmdet: w = base*scale/sqrt(r) with base = stride, centre offset 0 -> centred on the cell corner
        ("mmdet", dict(stride=16, scales=(8,), ratios=(1.0,)), [-64, -64, 64, 64]),
        # mmdet: center_offset multiplies the BASE size (40), not the stride (16): centre at 20
        ("mmdet", dict(stride=16, base_size=40, scales=(1,), ratios=(1.0,), center_offset=0.5), [0, 0, 40, 40]),
        # mmdet v1: centre 0.5*(16-1) = 7.5, corners 7.5 -/+ 0.5*(128-1), rounded half-to-even
        ("mmdet_v1", dict(stride=16, scales=(8,), ratios=(1.0,)), [-56, -56, 71, 71]),
        # detectron2 with the config default OFFSET 0.0: centred on the corner, no rounding
        ("detectron2", dict(stride=16, sizes=(32,), ratios=(2.0,), center_offset=0.0), [-11.3137, -22.6274, 11.3137, 22.6274]),
        # keras-retinanet: centres at (x + 0.5)*stride = 8
        ("keras_retinanet", dict(stride=16, base_size=32, scales=(1.0,), ratios=(1.0,)), [-8, -8, 24, 24]),
        # YOLOv5: explicit (w, h) pixels centred at the cell centre (x + 0.5)*stride = 4
        ("yolov5", dict(stride=8, wh=((10, 13),)), [-1, -2.5, 9, 10.5]),
    ],
)
def test_first_anchor_by_hand(convention, level, expected_first):
    aset = generate_anchors(one_level(convention, **level), (64, 64))
    np.testing.assert_allclose(aset.boxes[0], expected_first, atol=1e-4)


def test_seed_002_base_anchor_16_at_1_to_2():
    # The seed's worked example: a 16x16 base at ratio 1:2 (h/w = 2) is 11.31 x 22.62.
    cells = cell_anchors(one_level("mmdet", stride=16, scales=(1,), ratios=(2.0,)), 0)
    w, h = cells[0, 2] - cells[0, 0], cells[0, 3] - cells[0, 1]
    assert (round(w, 2), round(h, 2)) == (11.31, 22.63) or (round(w, 2), round(h, 2)) == (11.31, 22.62)


def test_d2l_ratio_is_w_over_h_and_n_plus_m_minus_1():
    cfg = AnchorConfig(convention="d2l", levels=(LevelSpec(stride=1, sizes=(0.5, 0.25), ratios=(1.0, 2.0, 0.5), feature_hw=(2, 2)),))
    aset = generate_anchors(cfg, (100, 100))
    assert aset.levels[0].num_shapes == 2 + 3 - 1
    w, h = aset.levels[0].shapes_wh[2]  # (s0, r=2): w = s*H*sqrt(2), h = s*H/sqrt(2)
    assert w / h == pytest.approx(2.0, rel=1e-6)


def test_torchvision_stride_is_floor_of_image_over_feature():
    # 800 x 800 input: P6 has ceil(800/64) = 13 cells, so torchvision's stride is 800 // 13 = 61, not 64.
    cfg = preset_config("RetinaNet", "torchvision")
    aset = generate_anchors(cfg, (800, 800))
    assert [g.feat_hw for g in aset.levels] == [(100, 100), (50, 50), (25, 25), (13, 13), (7, 7)]
    assert [g.stride_hw[0] for g in aset.levels] == [8, 16, 32, 61, 114]


def test_order_location_major_and_lookups():
    cfg = preset_config("RetinaNet", "mmdet", levels=(3, 4))
    aset = generate_anchors(cfg, (64, 96))
    g = aset.levels[0]
    assert g.feat_hw == (8, 12) and g.num_shapes == 9
    idx = aset.at_cell(0, 2, 5)
    assert (aset.cell_y[idx] == 2).all() and (aset.cell_x[idx] == 5).all() and list(aset.shape[idx]) == list(range(9))
    shape = aset.of_shape(1, 4)
    assert len(shape) == 4 * 6 and (aset.level[shape] == 1).all() and (aset.shape[shape] == 4).all()
    # all anchors of one cell share a centre (mmdet offset 0: the cell corner (5*8, 2*8))
    np.testing.assert_allclose(aset.centres()[idx], [[40, 16]] * 9, atol=1e-4)
    assert aset.level_view(1).shape == (4, 6, 9, 4)


def test_detectron2_size_major_vs_torchvision_ratio_major():
    tv = cell_anchors(one_level("torchvision", stride=16, sizes=(64, 128), ratios=(0.5, 2.0)), 0)
    d2 = cell_anchors(one_level("detectron2", stride=16, sizes=(64, 128), ratios=(0.5, 2.0)), 0)
    def hw_ratio(c):
        return np.round((c[:, 3] - c[:, 1]) / (c[:, 2] - c[:, 0]), 1).tolist()

    assert hw_ratio(tv) == [0.5, 0.5, 2.0, 2.0]  # ratio outer, size inner
    assert hw_ratio(d2) == [0.5, 2.0, 0.5, 2.0]  # size outer, ratio inner


def test_keras_feature_sizes_are_ceil():
    assert feature_size((801, 1333), (8, 8)) == (101, 167)
    assert feature_size((37, 50), (128, 128)) == (1, 1)


@pytest.mark.parametrize(
    ("level", "match"),
    [
        (dict(stride=16, sizes=(32,), ratios=()), "ratios: expected at least one value"),
        (dict(stride=16, sizes=(32,), ratios=(1.0, -2.0)), "ratios: every value must be .* got -2.0"),
        (dict(stride=16, sizes=(32,), ratios=(0.0,)), "ratios: every value must be .* got 0.0"),
        (dict(stride=0, sizes=(32,)), "stride: every value must be .* got 0.0"),
        (dict(stride=-8, sizes=(32,)), "stride: every value must be .* got -8.0"),
        (dict(stride=8, sizes=(float("nan"),)), "sizes: every value must be .* got nan"),
        (dict(stride=8, sizes=("abc",)), "sizes: expected a list of positive numbers"),
    ],
)
def test_bad_level_values_name_the_value(level, match):
    with pytest.raises(AnchorVizInputError, match=match):
        LevelSpec(**level)


def test_missing_knob_for_convention():
    with pytest.raises(AnchorVizInputError, match="torchvision convention needs 'sizes'"):
        AnchorConfig(convention="torchvision", levels=(LevelSpec(stride=8, scales=(1.0,)),))


def test_cap_message_says_how_many_and_what_to_change():
    cfg = AnchorConfig(convention="torchvision", levels=(LevelSpec(name="P1", stride=1, sizes=(8, 16), ratios=(0.5, 1, 2)),))
    with pytest.raises(AnchorVizInputError, match=r"would make 6,000,000 anchors .*limit of 2,000,000.*raise the stride"):
        generate_anchors(cfg, (1000, 1000))
    small = AnchorConfig(convention="torchvision", levels=cfg.levels, max_anchors=10_000_000)
    assert len(generate_anchors(small, (1000, 1000))) == 6_000_000


@pytest.mark.parametrize("hw", [(0, 10), (-5, 10), ("a", 3)])
def test_bad_image_size(hw):
    with pytest.raises(AnchorVizInputError, match="image size"):
        generate_anchors(preset_config("RetinaNet", "torchvision"), hw)


def test_unknown_convention_lists_the_known_ones():
    with pytest.raises(AnchorVizInputError, match="unknown convention 'yolo8'; expected one of .*torchvision"):
        AnchorConfig(convention="yolo8", levels=(LevelSpec(stride=8, sizes=(8,)),))


def test_cached_anchors_are_read_only_and_shared():
    cfg = preset_config("RetinaNet", "torchvision")
    a = cached_anchors(cfg, (256, 256))
    assert a is cached_anchors(cfg, (256, 256))
    with pytest.raises(ValueError):
        a.boxes[0, 0] = 1.0


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_generates_for_every_convention(name):
    for conv in PRESETS[name].conventions:
        hw = (300, 300) if name == "SSD300" else (128, 160)
        aset = generate_anchors(preset_config(name, conv), hw)
        assert aset.boxes.dtype == np.float64 and aset.boxes.shape[1] == 4 and len(aset) > 0
        assert np.isfinite(aset.boxes).all()
        assert (aset.boxes[:, 2] > aset.boxes[:, 0]).all() and (aset.boxes[:, 3] > aset.boxes[:, 1]).all()


def test_presets_for_and_levels():
    assert presets_for("yolov5") == ["YOLOv5 P3-P5", "YOLOv5 P3-P6"]
    assert level_spec("RetinaNet", "torchvision", 3).sizes == (32, 40, 50)  # int() truncation
    assert level_spec("RetinaNet", "detectron2", 3).sizes[1] == pytest.approx(40.3175, rel=1e-5)  # not truncated
    with pytest.raises(AnchorVizInputError, match="does not exist for torchvision"):
        preset_config("SSD300", "torchvision")
    assert len(generate_anchors(preset_config("SSD300", "mmdet_ssd"), (300, 300))) == 8732  # SSD300's famous count


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 300), w=st.integers(1, 300),
    stride=st.sampled_from([4, 8, 16, 32]),
    offset=st.sampled_from([0.0, 0.25, 0.5]),
    conv=st.sampled_from(["mmdet", "detectron2", "keras_retinanet"]),
)
def test_grid_invariants(h, w, stride, offset, conv):
    lv = LevelSpec(stride=stride, sizes=(2 * stride,), base_size=2 * stride, scales=(1.0, 2.0), ratios=(0.5, 1.0, 2.0))
    cfg = AnchorConfig(convention=conv, levels=(lv,), center_offset=offset if conv != "keras_retinanet" else None)
    aset = generate_anchors(cfg, (h, w))
    fh, fw = aset.levels[0].feat_hw
    assert (fh, fw) == (-(-h // stride), -(-w // stride))
    a = aset.levels[0].num_shapes
    assert len(aset) == fh * fw * a
    # anchors of one cell share their centre, and neighbouring cells are exactly one stride apart
    c = aset.centres().reshape(fh, fw, a, 2)
    np.testing.assert_allclose(c, c[:, :, :1, :].repeat(a, axis=2), atol=1e-3)
    if fw > 1:
        np.testing.assert_allclose(np.diff(c[0, :, 0, 0]), stride, atol=1e-3)
