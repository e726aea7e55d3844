"""The anchor knobs of each library as text fields, and the texts a preset gives them.

One text field per knob, named as the library names it (``Knob.label``); texts are compact and URL-friendly:

* ``groups``: one comma list per level, levels separated by ``;`` (``"32,40,50; 64,80,101"``). A single group
  is used for every level (detectron2 does the same with a one-element SIZES list).
* ``per_level``: one number per level (``"8,16,32,64,128"``).
* ``list``: one comma list shared by every level (mmdet ``ratios``).
* ``scalar``: one number, or blank (mmdet ``octave_base_scale``).
* ``pairs``: YOLOv5 ``anchors``, ``w,h`` pairs per level, levels separated by ``;``.
* ``fmap``: d2l feature-map size per level, ``"4x4;2x2;1x1"``; blank means one location per pixel.

``anchorviz.core.knobs.parse`` turns the texts back into an AnchorConfig.
"""

from __future__ import annotations

from dataclasses import dataclass

from anchorviz.core.anchors.config import LevelSpec
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.knobs.messages import KnobError
from anchorviz.core.presets import PRESETS, level_spec

__all__ = ["Knob", "KNOBS", "level_choices", "default_level_names", "default_knobs", "fmt_num"]


@dataclass(frozen=True)
class Knob:
    """One text field of the sidebar.

    Attributes:
        key: state and URL key (short, unique within a convention).
        label: the library's own name for it (not translated).
        kind: "groups", "per_level", "list", "scalar", "pairs" or "fmap" (see the module docstring).
        help_key: the key of what it means, in the library's words, in the app's i18n table (the app adds
            how to write one group per level to "groups" knobs).
    """

    key: str
    label: str
    kind: str
    help_key: str


KNOBS: dict[str, tuple[Knob, ...]] = {
    "torchvision": (
        Knob("sizes", "sizes", "groups", "knobs.torchvision_sizes"),
        Knob("aspect_ratios", "aspect_ratios", "groups", "knobs.torchvision_aspect_ratios"),
    ),
    "detectron2": (
        Knob("sizes", "ANCHOR_GENERATOR.SIZES", "groups", "knobs.detectron2_sizes"),
        Knob("aspect_ratios", "ANCHOR_GENERATOR.ASPECT_RATIOS", "groups", "knobs.detectron2_aspect_ratios"),
    ),
    "mmdet": (
        Knob("strides", "strides", "per_level", "knobs.mmdet_strides"),
        Knob("base_sizes", "base_sizes", "per_level", "knobs.mmdet_base_sizes"),
        Knob("octave_base_scale", "octave_base_scale", "scalar", "knobs.mmdet_octave_base_scale"),
        Knob("scales_per_octave", "scales_per_octave", "scalar", "knobs.mmdet_scales_per_octave"),
        Knob("scales", "scales", "list", "knobs.mmdet_scales"),
        Knob("ratios", "ratios", "list", "knobs.mmdet_ratios"),
    ),
    "mmdet_ssd": (
        Knob("strides", "strides", "per_level", "knobs.ssd_strides"),
        Knob("base_sizes", "min_sizes (base_sizes)", "per_level", "knobs.ssd_base_sizes"),
        Knob("scales", "scales", "groups", "knobs.ssd_scales"),
        Knob("ratios", "ratios", "groups", "knobs.ssd_ratios"),
    ),
    "keras_retinanet": (
        Knob("sizes", "sizes", "per_level", "knobs.keras_sizes"),
        Knob("strides", "strides", "per_level", "knobs.keras_strides"),
        Knob("ratios", "ratios", "list", "knobs.keras_ratios"),
        Knob("scales", "scales", "list", "knobs.keras_scales"),
    ),
    "d2l": (
        Knob("sizes", "sizes", "groups", "knobs.d2l_sizes"),
        Knob("ratios", "ratios", "groups", "knobs.d2l_ratios"),
        Knob("fmap", "fmap (h×w)", "fmap", "knobs.d2l_fmap"),
    ),
    "yolov5": (
        Knob("anchors", "anchors", "pairs", "knobs.yolov5_anchors"),
    ),
}


KNOBS["mmdet_v1"] = KNOBS["mmdet"]


def _is_stride2(preset: str) -> bool:
    p = PRESETS[preset]
    return p.spec is not None and all(2 <= k <= 7 for k in p.default_levels)


def level_choices(preset: str, convention: str) -> list[str]:
    """Names of the levels the user may switch on: P2..P7 for pyramid presets, else the preset's own."""
    p = PRESETS[preset]
    if _is_stride2(preset):
        return [f"P{k}" for k in range(2, 8)]
    if p.fixed_levels is not None:
        return [lv.name for lv in p.fixed_levels()]
    return [p.spec(k, convention).name for k in p.default_levels]


def default_level_names(preset: str, convention: str) -> list[str]:
    p = PRESETS[preset]
    if _is_stride2(preset):
        return [f"P{k}" for k in p.default_levels]
    return level_choices(preset, convention)


def _preset_level(preset: str, convention: str, name: str) -> LevelSpec:
    p = PRESETS[preset]
    if _is_stride2(preset):
        return level_spec(preset, convention, int(name[1:]))
    if p.fixed_levels is not None:
        for lv in p.fixed_levels():
            if lv.name == name:
                return lv
    else:
        for k in p.default_levels:
            lv = p.spec(k, convention)
            if lv.name == name:
                return lv
    raise KnobError("not_a_level", name=name, preset=preset)


def fmt_num(v: float) -> str:
    """Shortest text that reads back as the same float ("32", "0.5", "1.2599210498948732")."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _fmt_list(vals) -> str:
    return ",".join(fmt_num(v) for v in vals)


def _values_for(lv: LevelSpec, convention: str, key: str, knob_kind: str):
    conv = CONVENTIONS[convention]
    if key == "sizes":
        if convention == "keras_retinanet":
            return lv.base_size if lv.base_size is not None else 4 * min(lv.stride_wh)
        return lv.sizes
    if key in ("aspect_ratios", "ratios"):
        return lv.ratios
    if key == "strides":
        return lv.stride_wh[0]
    if key == "base_sizes":
        return lv.base_size if lv.base_size is not None else ""
    if key == "scales":
        return lv.scales
    if key == "anchors":
        return lv.wh
    if key == "fmap":
        return lv.feature_hw
    raise KeyError(f"{conv.name}: no knob {key}")


def default_knobs(convention: str, preset: str, names: list[str]) -> dict[str, str]:
    """The knob texts the preset gives for these levels."""
    specs = [_preset_level(preset, convention, n) for n in names]
    out: dict[str, str] = {}
    for knob in KNOBS[convention]:
        out[knob.key] = _fmt_knob(knob, convention, specs)
    if convention in ("mmdet", "mmdet_v1"):
        out["octave_base_scale"], out["scales_per_octave"] = "", "3"
        if preset == "RetinaNet":  # mmdet's retinanet config writes it this way
            out["octave_base_scale"], out["scales_per_octave"], out["scales"] = "4", "3", ""
    return out


def _fmt_knob(knob: Knob, convention: str, specs: list[LevelSpec]) -> str:
    vals = [_values_for(lv, convention, knob.key, knob.kind) if knob.kind != "scalar" else None for lv in specs]
    if knob.kind == "groups":
        groups = [_fmt_list(v) for v in vals]
        return groups[0] if len(set(groups)) == 1 and len(groups) > 1 else "; ".join(groups)
    if knob.kind == "per_level":
        if knob.key == "base_sizes" and all(v == "" for v in vals):
            return ""
        return ",".join("" if v == "" else fmt_num(v) for v in vals)
    if knob.kind == "list":
        return _fmt_list(vals[0]) if vals else ""
    if knob.kind == "pairs":
        return "; ".join(", ".join(f"{fmt_num(w)},{fmt_num(h)}" for w, h in v) for v in vals)
    if knob.kind == "fmap":
        return "; ".join("" if v is None else f"{v[0]}x{v[1]}" for v in vals) if any(v for v in vals) else ""
    return ""
