"""Anchor setups users know by name, in each library's own knobs.

A preset says, for any pyramid level Pk (stride 2^k), what that library's config would put there, so the
app can switch levels P2-P7 on and off and get what the library would generate for them. Values are the
libraries' shipped defaults (CONVENTIONS.md and the golden files pin the numbers):

* Faster R-CNN FPN: torchvision ``_default_anchorgen`` (sizes 32..512, one per level), mmdet RPN
  (scales [8], strides 4..64), detectron2 FPN configs (SIZES [[32]..[512]], OFFSET 0.0), mmdet v1.
* RetinaNet: torchvision (sizes int(x*2^(i/3)), truncated), mmdet (octave_base_scale 4, scales_per_octave 3),
  detectron2 (x*2^(i/3), not truncated, OFFSET 0.0), keras-retinanet (AnchorParameters.default), mmdet v1.
* SSD300: mmdet's ``configs/_base_/models/ssd300.py``: ``SSDAnchorGenerator(scale_major=False, input_size=300,
  basesize_ratio_range=(0.15, 0.9), strides [8, 16, 32, 64, 100, 300], ratios [[2], [2, 3], [2, 3], [2, 3], [2], [2]])``.
  ``scale_major=False`` matters: with the class default (True) mmdet's index_select keeps another set of anchors.
* YOLOv5 P3-P5 (yolov5s.yaml) and P3-P6 (yolov5s6.yaml).
* The d2l book: multibox_prior sizes [0.75, 0.5, 0.25], ratios [1, 2, 0.5], and its multiscale example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["Preset", "PRESETS", "preset_config", "presets_for", "level_spec", "ssd_levels"]

RATIOS = (0.5, 1.0, 2.0)


def _faster_rcnn(k: int, convention: str) -> LevelSpec:
    stride = 2**k
    size = 2 ** (k + 3)  # P2 -> 32 ... P6 -> 512
    if convention in ("torchvision", "detectron2"):
        return LevelSpec(name=f"P{k}", stride=stride, sizes=(size,), ratios=RATIOS)
    return LevelSpec(name=f"P{k}", stride=stride, scales=(8.0,), ratios=RATIOS)  # mmdet, mmdet_v1


def _retinanet(k: int, convention: str) -> LevelSpec:
    stride = 2**k
    x = 2 ** (k + 2)  # P3 -> 32 ... P7 -> 512
    if convention == "torchvision":
        return LevelSpec(name=f"P{k}", stride=stride, sizes=tuple(int(x * 2 ** (i / 3)) for i in range(3)), ratios=RATIOS)
    if convention == "detectron2":
        return LevelSpec(name=f"P{k}", stride=stride, sizes=(x, x * 2 ** (1.0 / 3), x * 2 ** (2.0 / 3)), ratios=RATIOS)
    if convention == "keras_retinanet":
        return LevelSpec(name=f"P{k}", stride=stride, base_size=x, scales=(1.0, 2 ** (1.0 / 3.0), 2 ** (2.0 / 3.0)), ratios=RATIOS)
    # mmdet: octave_base_scale=4, scales_per_octave=3 -> scales 4 * 2^(i/3), base size = stride
    return LevelSpec(name=f"P{k}", stride=stride, scales=tuple(4 * 2 ** (i / 3) for i in range(3)), ratios=RATIOS)


_YOLO_P5 = {
    3: ((10, 13), (16, 30), (33, 23)),
    4: ((30, 61), (62, 45), (59, 119)),
    5: ((116, 90), (156, 198), (373, 326)),
}
_YOLO_P6 = {
    3: ((19, 27), (44, 40), (38, 94)),
    4: ((96, 68), (86, 152), (180, 137)),
    5: ((140, 301), (303, 264), (238, 542)),
    6: ((436, 615), (739, 380), (925, 792)),
}


def _yolo(table: dict[int, tuple]) -> Callable[[int, str], LevelSpec]:
    def spec(k: int, convention: str) -> LevelSpec:
        if k in table:
            wh = table[k]
        else:  # a level the model does not have: scale the nearest one by the stride ratio
            near = min(table, key=lambda j: abs(j - k))
            f = 2 ** (k - near)
            wh = tuple((w * f, h * f) for w, h in table[near])
        return LevelSpec(name=f"P{k}", stride=2**k, wh=wh)

    return spec


def ssd_levels(strides, ratios, *, min_sizes=None, max_sizes=None, basesize_ratio_range=(0.15, 0.9),
               input_size=300) -> tuple[LevelSpec, ...]:
    """mmdet 3.x ``SSDAnchorGenerator``'s levels, rule for rule (convention "mmdet_ssd").

    Per level: base size = min size, scales (1, sqrt(max size / min size)), ratios [1, 1/r, r for each r of the
    level] (h/w), centre at (stride_w / 2, stride_h / 2). The min / max sizes are given (``min_sizes`` and
    ``max_sizes``, both or neither), or computed from ``basesize_ratio_range`` as mmdet does: percent steps of
    int((hi - lo) / (levels - 2)) from int(lo * 100) to int(hi * 100), sizes int(input_size * percent / 100), plus
    the first level mmdet hard-codes for input_size 300 (range from 0.15: 7% / 15%, from 0.2: 10% / 20%) and
    512 (0.1: 4% / 10%, 0.15: 7% / 15%). Which anchors a location keeps, and in which order, is
    ``anchorviz.core.anchors.cells`` (the ``index_select`` of mmdet's ``gen_base_anchors``, after the ratio x scale
    grid ordered by ``scale_major``).

    Args:
        strides: one stride per level, a number or (stride_w, stride_h).
        ratios: one list of ratios per level.
        min_sizes, max_sizes: one number per level each, or None to compute them.
        basesize_ratio_range: (lo, hi) fractions of ``input_size``.
        input_size: 300 or 512 when the sizes are computed.

    Raises:
        AnchorVizInputError: what mmdet refuses (one of min/max sizes, a count per level that does not match,
            an input size or range it has no first level for, fewer than 3 levels to step over).
    """
    strides = [tuple(s) if isinstance(s, (list, tuple)) else (s, s) for s in strides]
    n = len(strides)
    if len(ratios) != n:
        raise AnchorVizInputError(f"SSD: expected one ratio list per stride ({n}), got {len(ratios)}")
    if (min_sizes is None) != (max_sizes is None):
        raise AnchorVizInputError("SSD: give both min_sizes and max_sizes, or neither (then basesize_ratio_range)")
    if min_sizes is None:
        lo, hi = int(basesize_ratio_range[0] * 100), int(basesize_ratio_range[1] * 100)
        step = int(math.floor(hi - lo) / (n - 2)) if n > 2 else 0
        if step <= 0:
            raise AnchorVizInputError(f"SSD: basesize_ratio_range {tuple(basesize_ratio_range)} over {n} levels gives "
                                      "no percent step; expected at least 3 levels and a wider range")
        min_sizes = [int(input_size * r / 100) for r in range(lo, hi + 1, step)]
        max_sizes = [int(input_size * (r + step) / 100) for r in range(lo, hi + 1, step)]
        first = {(300, 0.15): (7, 15), (300, 0.2): (10, 20), (512, 0.1): (4, 10), (512, 0.15): (7, 15)}
        key = (input_size, basesize_ratio_range[0])  # compared exactly, as mmdet does
        if key not in first:
            raise AnchorVizInputError(
                f"SSD: mmdet only defines input_size 300 (range from 0.15 or 0.2) and 512 (0.1 or 0.15) when the sizes "
                f"are computed, got input_size {input_size} with a range from {basesize_ratio_range[0]}")
        min_sizes.insert(0, int(input_size * first[key][0] / 100))
        max_sizes.insert(0, int(input_size * first[key][1] / 100))
    if not len(min_sizes) == len(max_sizes) == n:
        raise AnchorVizInputError(f"SSD: {n} strides need {n} min and max sizes, got {len(min_sizes)} and "
                                  f"{len(max_sizes)}")
    levels = []
    for i, (sw, sh) in enumerate(strides):
        rs = [1.0]
        for r in ratios[i]:
            rs += [1 / r, float(r)]
        levels.append(LevelSpec(name=f"S{sw}", stride=(sw, sh), base_size=min_sizes[i],
                                scales=(1.0, math.sqrt(max_sizes[i] / min_sizes[i])), ratios=tuple(rs),
                                center=(sw / 2.0, sh / 2.0)))
    return tuple(levels)


def _ssd300_levels() -> tuple[LevelSpec, ...]:
    return ssd_levels((8, 16, 32, 64, 100, 300), ((2,), (2, 3), (2, 3), (2, 3), (2,), (2,)),
                      basesize_ratio_range=(0.15, 0.9), input_size=300)


def _d2l_pixel(k: int, convention: str) -> LevelSpec:
    return LevelSpec(name="pixels", stride=1, sizes=(0.75, 0.5, 0.25), ratios=(1.0, 2.0, 0.5))


@dataclass(frozen=True)
class Preset:
    """A named setup: which conventions have it, its default levels, and how to build level Pk.

    ``fixed_levels`` is used instead of ``spec`` by setups whose levels are not a stride-2 ladder (SSD, d2l).
    ``scale_major`` is mmdet's ordering switch as the library's config sets it (SSD300: False).
    ``mmdet_head`` is the key of the mmdet head whose ``anchor_generator`` the setup is (the mmdet export's
    key path): ``bbox_head`` for one-stage detectors, ``rpn_head`` for Faster R-CNN's RPN.
    """

    name: str
    conventions: tuple[str, ...]
    default_levels: tuple[int, ...] = ()
    spec: Callable[[int, str], LevelSpec] | None = None
    fixed_levels: Callable[[], tuple[LevelSpec, ...]] | None = None
    note: str = ""
    scale_major: bool = True
    mmdet_head: str = "bbox_head"


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("Faster R-CNN FPN", ("torchvision", "mmdet", "detectron2", "mmdet_v1"), (2, 3, 4, 5, 6), _faster_rcnn,
               note="RPN: one size per level (32..512), ratios 0.5/1/2, strides 4..64.", mmdet_head="rpn_head"),
        Preset("RetinaNet", ("torchvision", "mmdet", "detectron2", "keras_retinanet", "mmdet_v1"), (3, 4, 5, 6, 7),
               _retinanet, note="3 scales x 3 ratios per level, base 32..512 on strides 8..128."),
        Preset("SSD300", ("mmdet_ssd",), fixed_levels=_ssd300_levels, scale_major=False,
               note="mmdet SSD300 (COCO): 6 levels, 4 or 6 anchors per location, for a 300x300 input."),
        Preset("YOLOv5 P3-P5", ("yolov5",), (3, 4, 5), _yolo(_YOLO_P5), note="yolov5s.yaml anchors (pixels)."),
        Preset("YOLOv5 P3-P6", ("yolov5",), (3, 4, 5, 6), _yolo(_YOLO_P6), note="yolov5s6.yaml anchors (pixels)."),
        Preset("d2l book (multiscale)", ("d2l",), fixed_levels=lambda: (
            LevelSpec(name="4x4", stride=1, sizes=(0.15,), ratios=(1.0, 2.0, 0.5), feature_hw=(4, 4)),
            LevelSpec(name="2x2", stride=1, sizes=(0.4,), ratios=(1.0, 2.0, 0.5), feature_hw=(2, 2)),
            LevelSpec(name="1x1", stride=1, sizes=(0.8,), ratios=(1.0, 2.0, 0.5), feature_hw=(1, 1)),
        ), note="d2l 14.5 display_anchors: fmap 4x4 (s=0.15), 2x2 (s=0.4), 1x1 (s=0.8); ratio = w/h."),
        Preset("d2l book (every pixel)", ("d2l",), (0,), _d2l_pixel,
               note="d2l 14.4 multibox_prior: sizes 0.75/0.5/0.25, ratios 1/2/0.5, one location per pixel."),
    )
}


def presets_for(convention: str) -> list[str]:
    """Names of the presets that exist for a convention."""
    return [name for name, p in PRESETS.items() if convention in p.conventions]


def level_spec(preset: str, convention: str, k: int) -> LevelSpec:
    """The level Pk of a stride-2 preset under a convention."""
    p = _get(preset, convention)
    if p.spec is None:
        raise AnchorVizInputError(f"preset {preset!r} has fixed levels; it cannot make level P{k}")
    return p.spec(k, convention)


def preset_config(preset: str, convention: str, *, levels: tuple[int, ...] | None = None,
                  center_offset: float | None = None) -> AnchorConfig:
    """The AnchorConfig of a preset, optionally with a different set of pyramid levels (k of Pk)."""
    p = _get(preset, convention)
    if p.fixed_levels is not None:
        specs = p.fixed_levels()
    else:
        ks = p.default_levels if levels is None else tuple(levels)
        if not ks:
            raise AnchorVizInputError("levels: switch on at least one pyramid level")
        specs = tuple(p.spec(k, convention) for k in ks)
    return AnchorConfig(convention=convention, levels=specs, center_offset=center_offset, scale_major=p.scale_major)


def _get(preset: str, convention: str) -> Preset:
    p = PRESETS.get(preset)
    if p is None:
        raise AnchorVizInputError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    if convention not in p.conventions:
        raise AnchorVizInputError(
            f"preset {preset!r} does not exist for {convention}; it exists for {', '.join(p.conventions)}"
        )
    return p
