"""anchorviz.core.knobs: the sidebar's knob texts <-> the core's AnchorConfig (pure Python, no Streamlit), and the
knob errors in the user's language (pages/common/knobs.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, preset_config
from anchorviz.core.knobs import display as KD, parse as KP, table as KT
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


# ---------------------------------------------------------------------------------------------------------
# knob texts rounded for reading and for a link (anchorviz.core.knobs.display)

LONG_DECIMALS = re.compile(r"\d\.\d{3,}")


@pytest.mark.parametrize("conv,preset", CASES, ids=[f"{c}-{p}" for c, p in CASES])
def test_rounded_preset_texts_read_back_as_the_exact_setup(conv, preset):
    """Field (display_text) and link (link_text) show at most two decimals for a preset's values, and both
    rebuild exactly the preset's config: a rounded preset value stands for the preset's exact value."""
    names = KT.level_choices(preset, conv)  # every level the preset offers, not only its default ones
    exact = KT.default_knobs(conv, preset, names)
    shown = {k: KD.display_text(v) for k, v in exact.items()}
    link = {k: KD.link_text(v, conv, preset, k) for k, v in exact.items()}
    for texts in (shown, link):
        assert not any(LONG_DECIMALS.search(v) for v in texts.values()), texts
        assert KP.build_config(conv, preset, names, texts, None) == KP.build_config(conv, preset, names, exact, None)


def test_detectron2_sizes_are_40_32_on_screen_and_exact_in_force():
    names = ["P3", "P4"]
    exact = KT.default_knobs("detectron2", "RetinaNet", names)
    assert exact["sizes"].startswith("32,40.31747359663594,")  # premise: the texts keep every digit
    assert KD.display_text(exact["sizes"]) == "32,40.32,50.8; 64,80.63,101.59"
    cfg = KP.build_config("detectron2", "RetinaNet", names, {**exact, "sizes": "32,40.32,50.8; 64,80.63,101.59"}, None)
    assert cfg.levels[0].sizes == (32.0, 32 * 2 ** (1 / 3), 32 * 2 ** (2 / 3))
    # a number the user wrote with more digits is theirs, not snapped
    cfg = KP.build_config("detectron2", "RetinaNet", names, {**exact, "sizes": "32,40.3,50.8; 64,80.63,101.59"}, None)
    assert cfg.levels[0].sizes[1] == 40.3 and cfg.levels[0].sizes[2] == 32 * 2 ** (2 / 3)


def test_a_link_reopens_a_non_preset_setup_with_the_libraries_float32_values():
    """Values that are no preset's (an optimiser's, an import's) travel as their shortest float32-exact text: the
    libraries build anchors in float32, so the reopened link gives them the same numbers, and anchorviz's own
    float64 anchors agree to float32's precision."""
    rng = np.random.default_rng(7)
    names = ["P3", "P4", "P5"]
    sizes = rng.uniform(10, 900, (3, 3))
    ratios = rng.uniform(0.2, 5, 3)
    exact = {"sizes": "; ".join(",".join(repr(float(v)) for v in row) for row in sizes),
             "aspect_ratios": ",".join(repr(float(v)) for v in ratios)}
    link = {k: KD.link_text(v, "torchvision", "RetinaNet", k) for k, v in exact.items()}
    a = KP.build_config("torchvision", "RetinaNet", names, exact, None)
    b = KP.build_config("torchvision", "RetinaNet", names, link, None)
    for la, lb in zip(a.levels, b.levels):
        assert np.array_equal(np.float32(la.sizes), np.float32(lb.sizes))
        assert np.array_equal(np.float32(la.ratios), np.float32(lb.ratios))
    xa, xb = generate_anchors(a, (512, 640)).boxes, generate_anchors(b, (512, 640)).boxes
    assert np.abs(xa - xb).max() <= 2 ** -13  # a float32 ulp of a coordinate near 1000 px (1.2e-4 px)
    assert len(link["sizes"]) < len(exact["sizes"]) / 1.5  # and shorter than the full float64 texts
