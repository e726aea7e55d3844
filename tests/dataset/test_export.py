"""Exports round-trip: text -> safe parse -> AnchorConfig -> the same anchors, for every convention they apply to."""

from __future__ import annotations

import numpy as np
import pytest

from anchorviz.io.yaml_safe import parse_yaml
from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.dataset.export.exporters import EXPORT_FORMATS, config_to_json, export_config, export_formats_for
from anchorviz.dataset.export.importers import (config_from_detectron2, config_from_json, config_from_keras_ini,
                                                config_from_mmdet, config_from_text, config_from_torchvision,
                                                config_from_yolov5)
from anchorviz.core.presets import PRESETS, preset_config

#: which library export applies to which convention (json applies to all)
APPLIES = {"mmdet": {"mmdet", "mmdet_v1"}, "torchvision": {"torchvision"}, "detectron2": {"detectron2"},
           "yolov5": {"yolov5"}, "keras": {"keras_retinanet"}, "keras_ini": {"keras_retinanet"}}


def _configs():
    for name, p in PRESETS.items():
        for conv in p.conventions:
            yield pytest.param(preset_config(name, conv), id=f"{name}-{conv}")
    # tuned-looking setups: non-round floats, odd levels, offsets
    yield pytest.param(AnchorConfig(convention="mmdet", center_offset=0.5, scale_major=False, levels=tuple(
        LevelSpec(name=f"P{k}", stride=2**k, base_size=3 * 2**k, scales=(3.1347, 4.0998, 5.2637),
                  ratios=(0.4358, 1.0309, 2.3676)) for k in (3, 4, 5))), id="mmdet-tuned")
    yield pytest.param(AnchorConfig(convention="detectron2", center_offset=0.5, levels=(
        LevelSpec(name="P3", stride=8, sizes=(25.0784, 32.8032), ratios=(0.4, 1.0)),
        LevelSpec(name="P4", stride=16, sizes=(50.1568, 65.6064), ratios=(0.3, 1.1)))), id="detectron2-per-level-ratios")
    yield pytest.param(AnchorConfig(convention="yolov5", levels=(
        LevelSpec(name="P3", stride=8, wh=((8.48, 11.96), (20.21, 28.41))),
        LevelSpec(name="P4", stride=16, wh=((59.98, 48.12), (83.46, 97.88))))), id="yolov5-tuned")
    yield pytest.param(AnchorConfig(convention="torchvision", levels=(
        LevelSpec(name="P2", stride=4, sizes=(25,), ratios=(0.4342, 1.0, 2.2805)),)), id="torchvision-one-level")


@pytest.mark.parametrize("cfg", list(_configs()))
def test_every_export_round_trips(cfg):
    formats = export_formats_for(cfg)
    assert "json" in formats
    for fmt, convs in APPLIES.items():  # each library export applies exactly to its own conventions
        assert (fmt in formats) == (cfg.convention in convs and not any(lv.feature_hw for lv in cfg.levels)
                                    and (fmt != "mmdet" or cfg.convention != "mmdet_ssd")), fmt
    for fmt in formats:
        text = export_config(cfg, fmt)
        back = config_from_text(text, fmt)
        assert back.convention == cfg.convention, fmt
        for hw in ((320, 448), (97, 131)):
            a = generate_anchors(cfg, hw).boxes
            b = generate_anchors(back, hw).boxes
            assert a.shape == b.shape and np.array_equal(a, b), (fmt, hw)
    assert config_from_json(config_to_json(cfg)) == cfg  # JSON keeps every field


def test_export_texts_look_like_the_libraries():
    mm = export_config(preset_config("RetinaNet", "mmdet"), "mmdet")
    assert mm.startswith("# mmdet config (inherits the model's config through _base_): replaces "
                         "model.bbox_head.anchor_generator")
    assert mm.endswith(  # under its key path, replacing the base's generator (issue #16)
        "model = dict(\n"
        "    bbox_head=dict(\n"
        "        anchor_generator=dict(\n"
        "            _delete_=True,\n"
        "            type='AnchorGenerator',\n"
        "            scales=[4.0, 5.039684199579493, 6.3496042078727974],\n"
        "            ratios=[0.5, 1.0, 2.0],\n"
        "            strides=[8, 16, 32, 64, 128])))\n")
    rpn = export_config(preset_config("Faster R-CNN FPN", "mmdet"), "mmdet", head="rpn_head")
    assert "replaces model.rpn_head.anchor_generator" in rpn.splitlines()[0] and "    rpn_head=dict(\n" in rpn
    assert export_config(preset_config("RetinaNet", "keras_retinanet"), "keras_ini").splitlines()[1:] == [
        "[anchor_parameters]", "sizes = 32 64 128 256 512", "strides = 8 16 32 64 128", "ratios = 0.5 1 2",
        "scales = 1 1.2599210498948732 1.5874010519681994", "", "[pyramid_levels]", "P = 3 4 5 6 7"]
    tv = export_config(preset_config("RetinaNet", "torchvision", levels=(3, 4)), "torchvision")
    assert "AnchorGenerator(\n    sizes=((32, 40, 50), (64, 80, 101)),\n    aspect_ratios=((0.5, 1.0, 2.0), (0.5, 1.0, 2.0)),\n)" in tv
    d2 = parse_yaml(export_config(preset_config("Faster R-CNN FPN", "detectron2"), "detectron2"))
    assert d2 == {"MODEL": {"ANCHOR_GENERATOR": {"NAME": "DefaultAnchorGenerator", "SIZES": [[32], [64], [128], [256], [512]],
                                                 "ASPECT_RATIOS": [[0.5, 1.0, 2.0]], "OFFSET": 0.0}}}
    assert export_config(preset_config("YOLOv5 P3-P5", "yolov5"), "yolov5") == (
        "# YOLOv5 / ultralytics model yaml (e.g. models/yolov5s.yaml): replaces its anchors: block\n"
        "anchors:\n  - [10,13, 16,30, 33,23]  # P3/8\n  - [30,61, 62,45, 59,119]  # P4/16\n"
        "  - [116,90, 156,198, 373,326]  # P5/32\n")
    assert "type='LegacyAnchorGenerator'" in export_config(preset_config("RetinaNet", "mmdet_v1"), "mmdet")
    assert "center_offset=0.5" in export_config(preset_config("RetinaNet", "mmdet_v1"), "mmdet")


@pytest.mark.parametrize(("cfg", "fmt", "match"), [
    (preset_config("RetinaNet", "torchvision"), "mmdet", "mmdet export: expected a mmdet or mmdet_v1 setup, got torchvision"),
    (preset_config("RetinaNet", "mmdet"), "yolov5", "yolov5 export: expected a yolov5 setup"),
    (preset_config("SSD300", "mmdet_ssd"), "mmdet", "expected a mmdet or mmdet_v1 setup, got mmdet_ssd"),
    (AnchorConfig(convention="mmdet", levels=(LevelSpec(name="P3", stride=8, scales=(4.0,)),
                                               LevelSpec(name="P4", stride=16, scales=(5.0,)))),
     "mmdet", "mmdet shares scales across levels, but level P4 has \\[5.0\\]"),
    (AnchorConfig(convention="torchvision", center_offset=0.5, levels=(LevelSpec(stride=8, sizes=(32,)),)),
     "torchvision", "cell corner \\(offset 0\\)"),
    (AnchorConfig(convention="yolov5", levels=(LevelSpec(name="P3", stride=(8, 16), wh=((10, 13),)),)),
     "yolov5", "has stride 8×16; yolov5 strides are square"),
    (preset_config("d2l book (multiscale)", "d2l"), "torchvision", "expected a torchvision setup, got d2l"),
    (preset_config("RetinaNet", "mmdet"), "pdf", "export format: expected one of"),
    (preset_config("RetinaNet", "mmdet"), "mmdet_head", "export format: expected one of"),
    (AnchorConfig(convention="keras_retinanet", levels=(LevelSpec(name="P3", stride=8, base_size=32.5, scales=(1.0,),
                                                                  ratios=(1.0,)),)),
     "keras_ini", "train.py reads sizes as whole numbers, got 32.5"),
    (AnchorConfig(convention="keras_retinanet", levels=(LevelSpec(name="S12", stride=12, base_size=48, scales=(1.0,),
                                                                  ratios=(1.0,)),)),
     "keras_ini", "every stride must be a power of two"),
])
def test_exports_refuse_what_they_cannot_express(cfg, fmt, match):
    with pytest.raises(AnchorVizInputError, match=match):
        export_config(cfg, fmt)


def test_export_head_applies_to_mmdet_only():
    with pytest.raises(AnchorVizInputError, match="mmdet export: expected the head as one of bbox_head, rpn_head"):
        export_config(preset_config("RetinaNet", "mmdet"), "mmdet", head="roi_head")
    with pytest.raises(AnchorVizInputError, match="applies to the mmdet export only"):
        export_config(preset_config("RetinaNet", "torchvision"), "torchvision", head="bbox_head")


def test_importers_read_real_world_configs():
    # an mmdet model config with the octave form, nested in other dicts
    mmdet_cfg = """
model = dict(
    type='RetinaNet',
    bbox_head=dict(
        type='RetinaHead', num_classes=80,
        anchor_generator=dict(
            type='AnchorGenerator',
            octave_base_scale=4,
            scales_per_octave=3,
            ratios=[0.5, 1.0, 2.0],
            strides=[8, 16, 32, 64, 128]),
        loss_cls=dict(type='FocalLoss', use_sigmoid=True)))
"""
    cfg = config_from_mmdet(mmdet_cfg)
    ref = preset_config("RetinaNet", "mmdet")
    assert np.array_equal(generate_anchors(cfg, (256, 256)).boxes, generate_anchors(ref, (256, 256)).boxes)
    # the whole yolov5s.yaml: only 'anchors' is read; strides from the '# P3/8' comments
    yolov5s = """# Parameters
nc: 80  # number of classes
depth_multiple: 0.33  # model depth multiple
anchors:
  - [10,13, 16,30, 33,23]  # P3/8
  - [30,61, 62,45, 59,119]  # P4/16
  - [116,90, 156,198, 373,326]  # P5/32
backbone:
  # [from, number, module, args]
  [[-1, 1, Conv, [64, 6, 2, 2]],  # 0-P1/2
   [-1, 1, SPPF, [1024, 5]],  # 9
  ]
head:
  [[-1, 1, nn.Upsample, [None, 2, 'nearest']],
   [[17, 20, 23], 1, Detect, [nc, anchors]],  # Detect(P3, P4, P5)
  ]
"""
    assert config_from_yolov5(yolov5s) == preset_config("YOLOv5 P3-P5", "yolov5")
    # detectron2 with one shared ASPECT_RATIOS list and strides given by the caller
    d2 = "MODEL:\n  ANCHOR_GENERATOR:\n    SIZES: [[32], [64]]\n    ASPECT_RATIOS: [[0.5, 1.0, 2.0]]\n"
    cfg = config_from_detectron2(d2, strides=[4, 8])
    assert cfg.offset == 0.0 and [lv.sizes for lv in cfg.levels] == [(32.0,), (64.0,)]
    tv = "AnchorGenerator(sizes=((32,), (64,)), aspect_ratios=((0.5, 1.0, 2.0),) * 2)"
    with pytest.raises(AnchorVizInputError, match="expected a literal value"):
        config_from_torchvision(tv, strides=[4, 8])


@pytest.mark.parametrize(("fn", "text", "match"), [
    (config_from_mmdet, "anchor_generator=dict(type='AnchorGenerator', scales=__import__('os').system('echo x'), "
                        "ratios=[1.0], strides=[8])", "expected a literal value"),
    (config_from_mmdet, "x = dict(type='AnchorGenerator', ratios=[1.0], strides=[8])", "either 'scales' or"),
    (config_from_mmdet, "dict(type='AnchorGenerator', scales=[1], ratios=[1], strides=[8], colour=1)", "unknown keys colour"),
    (config_from_mmdet, "dict(type='AnchorGenerator', scales=[1], ratios=[1], strides=[8], **extra)", "'\\*\\*' arguments"),
    (config_from_mmdet, "print('no generator here')", "found 0"),
    (config_from_mmdet, "dict(type='AnchorGenerator',", "expected Python code, parsing failed"),
    (config_from_torchvision, "AnchorGenerator(sizes=((32,),), aspect_ratios=((1.0,),))", "the strides are not in the text"),
    (config_from_torchvision, "AnchorGenerator(sizes=((32,), (64,)), aspect_ratios=((1.0,), (1.0,), (2.0,)))",
     "expected 2 lists \\(one per level\\), got 3"),
    (config_from_yolov5, "anchors: 3\n", "asks autoanchor to compute 3 per level"),
    (config_from_yolov5, "anchors:\n  - [10,13, 16]\n", "expected w,h pairs, got 3 numbers"),
    (config_from_yolov5, "anchors: &a\n  - [1, 2]\n", "unsupported YAML construct"),
    (config_from_yolov5, "anchors: !!python/object/apply:os.system ['echo x']\n", "line 1: unsupported YAML construct: the "
                                                                               "tag '!!python/object/apply:os.system'"),
    (config_from_yolov5, "anchors:\n  - !!python/name:os.system\n", "the tag '!!python/name:os.system'"),
    (config_from_detectron2, "MODEL: !custom {}\n", "the tag '!custom'"),
    (config_from_yolov5, "a: &x [1, 2]\nanchors: [*x, *x]\n", "anchors and aliases"),
    (config_from_yolov5, "anchors: [[1, 2]]\n---\nanchors: [[3, 4]]\n", "expected a single document"),
    (config_from_detectron2, "MODEL:\n\tANCHOR_GENERATOR: 1\n", "tabs are not allowed"),
    (config_from_detectron2, "MODEL:\n  ANCHOR_GENERATOR:\n    SIZES: [[32]]\n    OFFSET: x\n", "expected OFFSET as a number"),
    (config_from_json, "{", "expected valid JSON"),
    (config_from_json, "[" * 100_000, "nested too deeply"),
    (config_from_json, '{"convention": "mmdet"}', "expected an object with 'anchorviz_config'"),
    (config_from_json, '{"anchorviz_config": 1, "convention": "mmdet", "levels": [{"stride": 8, "colour": 1}]}',
     "levels\\[0\\]: unknown keys colour"),
    (config_from_json, '{"anchorviz_config": 1, "convention": "mmdet", "levels": [{"stride": -8}]}',
     "levels\\[0\\]: level stride: every value must be a finite number > 0"),
    (config_from_json, '{"anchorviz_config": 1, "convention": "nope", "levels": [{"stride": 8}]}', "unknown convention 'nope'"),
    (config_from_json, '{"anchorviz_config": 1, "convention": "yolov5", "levels": [{"stride": 8}]}', "needs 'wh'"),
    (config_from_json, '{"anchorviz_config": 2, "convention": "mmdet", "levels": []}', "format version 1, got 2"),
    (config_from_keras_ini, "[anchor]\nsizes = 32\n", "expected an \\[anchor_parameters\\] section"),
    (config_from_keras_ini, "[anchor_parameters]\nsizes = 32  64\nstrides = 8 16\n", "separated by single spaces"),
    (config_from_keras_ini, "[anchor_parameters]\nsizes = 32.0\nstrides = 8\n", "sizes = '32.0': expected whole"),
    (config_from_keras_ini, "[anchor_parameters]\nsize = 32\n", "unknown keys size"),
    (config_from_keras_ini, "[anchor_parameters]\nsizes = 32 64\nstrides = 8 16\n[pyramid_levels]\nP = 3\n",
     "names 1 levels for 2 sizes"),
    (config_from_keras_ini, "sizes = 32\n", "expected an .ini file"),
])
def test_importers_refuse_bad_text_without_running_it(fn, text, match, capfd):
    with pytest.raises(AnchorVizInputError, match=match):
        fn(text)
    assert "x" not in capfd.readouterr().out  # the os.system call was never made


def test_yaml_subset():
    assert parse_yaml("a: 1\nb: [x, 2.5, 'q: r']\nc:\n  - [1, 2]\n  - 3\nd: {0: person, 1: car}\ne: ~\n") == {
        "a": 1, "b": ["x", 2.5, "q: r"], "c": [[1, 2], 3], "d": {0: "person", 1: "car"}, "e": None}
    assert parse_yaml("x: [1,\n  2]  # spans lines\n") == {"x": [1, 2]}
    with pytest.raises(AnchorVizInputError, match="line 2: the key 'a' appears twice"):
        parse_yaml("a: 1\na: 2\n")
    with pytest.raises(AnchorVizInputError, match="line 2, column 1: not valid YAML .*expected ',' or ']'"):
        parse_yaml("a: [1, 2\n")
    assert set(EXPORT_FORMATS) == {"mmdet", "torchvision", "detectron2", "yolov5", "keras", "keras_ini", "json"}


def test_yaml_exports_write_numbers_pyyaml_reads_as_numbers():
    # YAML 1.1 (PyYAML, as detectron2 and yolov5 read their files): "1e-05" is a string, "1.0e-05" a float
    assert parse_yaml("a: 1e-05\nb: 1.0e-05\n") == {"a": "1e-05", "b": 1e-05}
    tiny = AnchorConfig(convention="detectron2", levels=(LevelSpec(stride=8, sizes=(3e-05, 2e16), ratios=(1e-05, 1.0)),))
    text = export_config(tiny, "detectron2")
    assert "3.0e-05" in text and "1.0e-05" in text and "2.0e+16" in text
    back = config_from_text(text, "detectron2")
    assert back.levels[0].sizes == (3e-05, 2e16) and back.levels[0].ratios == (1e-05, 1.0)
    yolo = AnchorConfig(convention="yolov5", levels=(LevelSpec(stride=8, wh=((1e-05, 13.5),)),))
    assert config_from_text(export_config(yolo, "yolov5"), "yolov5").levels[0].wh == ((1e-05, 13.5),)
