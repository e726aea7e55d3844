"""pages/common/knobs.py: the sidebar's knob texts <-> the core's AnchorConfig (pure Python, no Streamlit)."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, preset_config
from pages.common import knobs as K

CASES = [(conv, name) for name, p in PRESETS.items() for conv in p.conventions]


@pytest.mark.parametrize("conv,preset", CASES, ids=[f"{c}-{p}" for c, p in CASES])
def test_default_texts_rebuild_the_preset_exactly(conv, preset):
    names = K.default_level_names(preset, conv)
    cfg = K.build_config(conv, preset, names, K.default_knobs(conv, preset, names), None)
    ref = preset_config(preset, conv)
    assert np.array_equal(generate_anchors(cfg, (320, 448)).boxes, generate_anchors(ref, (320, 448)).boxes)


def test_remap_keeps_the_users_values_for_levels_that_stay():
    knobs = K.default_knobs("torchvision", "RetinaNet", ["P3", "P4", "P5"])
    knobs["sizes"] = "30; 60; 120"
    out = K.remap_knobs("torchvision", "RetinaNet", ["P3", "P4", "P5"], ["P2", "P4", "P5"], knobs)
    assert out["sizes"] == "16,20,25; 60; 120"  # P2 from the preset, P4/P5 as typed
    assert out["aspect_ratios"] == "0.5,1,2"  # one group for every level stays one group


def test_mmdet_octave_scales_match_mmdets_formula():
    knobs = K.default_knobs("mmdet", "RetinaNet", ["P3"])
    cfg = K.build_config("mmdet", "RetinaNet", ["P3"], knobs, None)
    assert cfg.levels[0].scales == tuple(4 * 2 ** (i / 3) for i in range(3))


@pytest.mark.parametrize("key,text,message", [
    ("sizes", "32,x", "sizes: 'x' (level P3) is not a number"),
    ("sizes", "  ", "sizes: expected at least one number (level P3)"),
    ("sizes", "32; 64; 128", "sizes: 3 groups for 2 levels (P3, P4)"),
    ("aspect_ratios", "1,-2", "aspect_ratios: every value must be a number > 0, got '-2' (level P3)"),
    ("aspect_ratios", "inf", "aspect_ratios: every value must be a number > 0, got 'inf'"),
])
def test_bad_text_names_the_field_and_the_value(key, text, message):
    knobs = K.default_knobs("torchvision", "RetinaNet", ["P3", "P4"])
    knobs[key] = text
    with pytest.raises(AnchorVizInputError) as err:
        K.build_config("torchvision", "RetinaNet", ["P3", "P4"], knobs, None)
    assert message in str(err.value)


def test_yolo_pairs_must_be_even_and_d2l_fmap_must_be_hxw():
    knobs = K.default_knobs("yolov5", "YOLOv5 P3-P5", ["P3", "P4", "P5"])
    knobs["anchors"] = "10,13,16; 30,61; 116,90"
    with pytest.raises(AnchorVizInputError, match="expected w,h pairs"):
        K.build_config("yolov5", "YOLOv5 P3-P5", ["P3", "P4", "P5"], knobs, None)
    names = K.default_level_names("d2l book (multiscale)", "d2l")
    knobs = K.default_knobs("d2l", "d2l book (multiscale)", names)
    knobs["fmap"] = "4x4; 2by2; 1x1"
    with pytest.raises(AnchorVizInputError, match="expected HxW"):
        K.build_config("d2l", "d2l book (multiscale)", names, knobs, None)
