"""anchorviz.core.knobs: the sidebar's knob texts <-> the core's AnchorConfig (pure Python, no Streamlit), and the
knob errors in the user's language (pages/common/knobs.py)."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, preset_config
from anchorviz.core.knobs import parse as KP, table as KT
from anchorviz.core.knobs.messages import KnobError
from pages.common import knobs as K
from pages.common.i18n import table

CASES = [(conv, name) for name, p in PRESETS.items() for conv in p.conventions]


@pytest.mark.parametrize("conv,preset", CASES, ids=[f"{c}-{p}" for c, p in CASES])
def test_default_texts_rebuild_the_preset_exactly(conv, preset):
    names = KT.default_level_names(preset, conv)
    cfg = KP.build_config(conv, preset, names, KT.default_knobs(conv, preset, names), None)
    ref = preset_config(preset, conv)
    assert np.array_equal(generate_anchors(cfg, (320, 448)).boxes, generate_anchors(ref, (320, 448)).boxes)


def test_remap_keeps_the_users_values_for_levels_that_stay():
    knobs = KT.default_knobs("torchvision", "RetinaNet", ["P3", "P4", "P5"])
    knobs["sizes"] = "30; 60; 120"
    out = KP.remap_knobs("torchvision", "RetinaNet", ["P3", "P4", "P5"], ["P2", "P4", "P5"], knobs)
    assert out["sizes"] == "16,20,25; 60; 120"  # P2 from the preset, P4/P5 as typed
    assert out["aspect_ratios"] == "0.5,1,2"  # one group for every level stays one group


def test_mmdet_octave_scales_match_mmdets_formula():
    knobs = KT.default_knobs("mmdet", "RetinaNet", ["P3"])
    cfg = KP.build_config("mmdet", "RetinaNet", ["P3"], knobs, None)
    assert cfg.levels[0].scales == tuple(4 * 2 ** (i / 3) for i in range(3))


@pytest.mark.parametrize("key,text,message", [
    ("sizes", "32,x", "sizes: 'x' (level P3) is not a number"),
    ("sizes", "  ", "sizes: expected at least one number (level P3)"),
    ("sizes", "32; 64; 128", "sizes: 3 groups for 2 levels (P3, P4)"),
    ("aspect_ratios", "1,-2", "aspect_ratios: every value must be a number > 0, got '-2' (level P3)"),
    ("aspect_ratios", "inf", "aspect_ratios: every value must be a number > 0, got 'inf'"),
])
def test_bad_text_names_the_field_and_the_value(key, text, message):
    knobs = KT.default_knobs("torchvision", "RetinaNet", ["P3", "P4"])
    knobs[key] = text
    with pytest.raises(AnchorVizInputError) as err:
        KP.build_config("torchvision", "RetinaNet", ["P3", "P4"], knobs, None)
    assert message in str(err.value)


def test_yolo_pairs_must_be_even_and_d2l_fmap_must_be_hxw():
    knobs = KT.default_knobs("yolov5", "YOLOv5 P3-P5", ["P3", "P4", "P5"])
    knobs["anchors"] = "10,13,16; 30,61; 116,90"
    with pytest.raises(AnchorVizInputError, match="expected w,h pairs"):
        KP.build_config("yolov5", "YOLOv5 P3-P5", ["P3", "P4", "P5"], knobs, None)
    names = KT.default_level_names("d2l book (multiscale)", "d2l")
    knobs = KT.default_knobs("d2l", "d2l book (multiscale)", names)
    knobs["fmap"] = "4x4; 2by2; 1x1"
    with pytest.raises(AnchorVizInputError, match="expected HxW"):
        KP.build_config("d2l", "d2l book (multiscale)", names, knobs, None)


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_knob_errors_read_in_every_language(lang):
    knobs = KT.default_knobs("torchvision", "RetinaNet", ["P3", "P4"])
    knobs["sizes"] = "32,x"
    with pytest.raises(KnobError) as err:
        KP.build_config("torchvision", "RetinaNet", ["P3", "P4"], knobs, None)
    e = err.value
    assert (e.code, e.level, e.fields["field"], e.fields["text"]) == ("not_a_number", "P3", "sizes", "x")
    text = e.render(table(lang), "knobs.")
    assert "'x'" in text and "P3" in text
    if lang == "en":
        assert text == str(e) == "sizes: 'x' (level P3) is not a number"
    else:
        assert text != str(e)  # the user's language, not English
    assert K.message(e) == e.render(table("en"), "knobs.")  # outside a Streamlit run: English


def test_ssd_knobs_keep_mmdets_ssd300_order():
    # mmdet's ssd300.py sets scale_major=False: the preset and the sidebar's knobs both say so
    names = KT.default_level_names("SSD300", "mmdet_ssd")
    cfg = KP.build_config("mmdet_ssd", "SSD300", names, KT.default_knobs("mmdet_ssd", "SSD300", names), None)
    assert cfg.scale_major is False and preset_config("SSD300", "mmdet_ssd").scale_major is False
