"""The anchor knobs of each library, as text fields, and their translation into ``LevelSpec``s.

Pure Python (no Streamlit): the sidebar shows one text field per knob, named as the library names it,
and this module turns the texts into the core's ``AnchorConfig``. Texts are compact and URL-friendly:

* ``groups``: one comma list per level, levels separated by ``;`` (``"32,40,50; 64,80,101"``). A single group
  is used for every level (detectron2 does the same with a one-element SIZES list).
* ``per_level``: one number per level (``"8,16,32,64,128"``).
* ``list``: one comma list shared by every level (mmdet ``ratios``).
* ``scalar``: one number, or blank (mmdet ``octave_base_scale``).
* ``pairs``: YOLOv5 ``anchors``, ``w,h`` pairs per level, levels separated by ``;``.
* ``fmap``: d2l feature-map size per level, ``"4x4;2x2;1x1"``; blank means one location per pixel.

Parse errors raise ``AnchorVizInputError`` naming the field (the library's name) and the offending value, in the
current language (``pages/common/i18n``; English outside a Streamlit run).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from anchorviz.core.anchors.config import AnchorConfig, LevelSpec
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import PRESETS, level_spec
from pages.common.i18n import t

__all__ = ["Knob", "KNOBS", "level_choices", "default_level_names", "default_knobs", "remap_knobs",
           "build_config", "fmt_num", "preset_resize"]


@dataclass(frozen=True)
class Knob:
    """One text field of the sidebar.

    Attributes:
        key: state and URL key (short, unique within a convention).
        label: the library's own name for it (not translated).
        kind: "groups", "per_level", "list", "scalar", "pairs" or "fmap" (see the module docstring).
        help_key: the i18n key of what it means, in the library's words.
    """

    key: str
    label: str
    kind: str
    help_key: str

    @property
    def help(self) -> str:
        """What it means, in the current language (groups also say how to write one group per level)."""
        return t(self.help_key) + (t("knobs.groups") if self.kind == "groups" else "")


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


# ---------------------------------------------------------------------------------------------------------
# Levels


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
    raise AnchorVizInputError(t("knobs.not_a_level", name=name, preset=preset))


def preset_resize(preset: str) -> dict:
    """The train-time resize that goes with a preset (what its library's training config does)."""
    if preset.startswith("YOLOv5"):
        return {"rs": "letterbox", "rs_lb": 640}
    if preset == "SSD300":
        return {"rs": "custom", "rs_h": 300, "rs_w": 300, "rs_keep": False, "rs_div": 1}
    if preset.startswith("d2l"):
        return {"rs": "none", "rs_div": 1}
    return {"rs": "shorter_side", "rs_min": 800, "rs_max": 1333, "rs_div": 32}


# ---------------------------------------------------------------------------------------------------------
# Formatting


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


# ---------------------------------------------------------------------------------------------------------
# Parsing


def _num(text: str, field: str, where: str) -> float:
    text = text.strip()
    try:
        v = float(text)
    except ValueError:
        raise AnchorVizInputError(t("knobs.not_a_number", field=field, text=text, where=where)) from None
    if not math.isfinite(v) or v <= 0:
        raise AnchorVizInputError(t("knobs.not_positive", field=field, text=text, where=where))
    return v


def _numbers(text: str, field: str, where: str = "") -> tuple[float, ...]:
    parts = [p for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise AnchorVizInputError(t("knobs.no_number", field=field, where=where, text=text.strip()))
    return tuple(_num(p, field, where) for p in parts)


def _split_groups(text: str, field: str, names: list[str], *, broadcast: bool = True) -> list[str]:
    groups = [g for g in text.split(";")]
    if len(groups) > 1 and not groups[-1].strip():  # a trailing ';'
        groups = groups[:-1]
    if len(groups) == 1 and broadcast:
        return groups * len(names)
    if len(groups) != len(names):
        raise AnchorVizInputError(t("knobs.group_count", field=field, n=len(groups), m=len(names),
                                    names=", ".join(names), text=text.strip()))
    return groups


def _per_level(text: str, field: str, names: list[str]) -> list[float]:
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if len(parts) != len(names):
        raise AnchorVizInputError(t("knobs.per_level", field=field, m=len(names), names=", ".join(names),
                                    text=text.strip()))
    return [_num(p, field, t("knobs.where_level", n=n)) for p, n in zip(parts, names)]


def _knob_values(knob: Knob, text: str, names: list[str]) -> list:
    """Per-level parsed values of one knob (list of len(names))."""
    field = knob.label
    text = text or ""
    if knob.kind == "groups":
        groups = _split_groups(text, field, names)
        return [_numbers(g, field, t("knobs.where_level", n=n)) for g, n in zip(groups, names)]
    if knob.kind == "per_level":
        return _per_level(text, field, names)
    if knob.kind == "list":
        vals = _numbers(text, field)
        return [vals] * len(names)
    if knob.kind == "pairs":
        groups = _split_groups(text, field, names, broadcast=False)
        out = []
        for g, n in zip(groups, names):
            vals = _numbers(g, field, t("knobs.where_level", n=n))
            if len(vals) % 2:
                raise AnchorVizInputError(t("knobs.pairs", field=field, n=n, k=len(vals), text=g.strip()))
            out.append(tuple(zip(vals[0::2], vals[1::2])))
        return out
    if knob.kind == "fmap":
        if not text.strip():
            return [None] * len(names)
        groups = _split_groups(text, field, names)
        out = []
        for g, n in zip(groups, names):
            g = g.strip().lower().replace("×", "x")
            if not g:
                out.append(None)
                continue
            hw = g.split("x")
            if len(hw) != 2:
                raise AnchorVizInputError(t("knobs.fmap_hxw", field=field, n=n, text=g))
            vals = []
            for p in hw:
                try:
                    iv = int(p.strip())
                except ValueError:
                    raise AnchorVizInputError(t("knobs.fmap_int", field=field, text=p.strip(), n=n)) from None
                if iv <= 0:
                    raise AnchorVizInputError(t("knobs.fmap_positive", field=field, n=n, text=g))
                vals.append(iv)
            out.append((vals[0], vals[1]))
        return out
    raise KeyError(knob.kind)


def _octave_scales(knobs: dict[str, str]) -> tuple[float, ...] | None:
    obs = (knobs.get("octave_base_scale") or "").strip()
    if not obs:
        return None
    base = _num(obs, "octave_base_scale", "")
    spo_text = (knobs.get("scales_per_octave") or "").strip()
    try:
        spo = int(spo_text)
    except ValueError:
        raise AnchorVizInputError(t("knobs.scales_per_octave", text=spo_text)) from None
    if spo < 1:
        raise AnchorVizInputError(t("knobs.scales_per_octave", text=spo_text))
    # mmdet: octave_scales = np.array([2**(i / scales_per_octave) ...]); scales = octave_scales * octave_base_scale
    return tuple(2 ** (i / spo) * base for i in range(spo))


def build_config(convention: str, preset: str, names: list[str], knobs: dict[str, str],
                 offset: float | None) -> AnchorConfig:
    """The AnchorConfig the knob texts describe.

    Args:
        convention, preset: keys of CONVENTIONS and PRESETS.
        names: the switched-on levels, e.g. ["P3", "P4"].
        knobs: text per knob key.
        offset: centre offset, or None for the library default.

    Raises:
        AnchorVizInputError: naming the knob and the value.
    """
    if convention not in CONVENTIONS:
        raise AnchorVizInputError(t("knobs.unknown_conv", conv=convention))
    if preset not in PRESETS or convention not in PRESETS[preset].conventions:
        raise AnchorVizInputError(t("knobs.no_preset", preset=preset, conv=convention))
    if not names:
        raise AnchorVizInputError(t("knobs.no_levels"))
    base = [_preset_level(preset, convention, n) for n in names]
    parsed = {}
    for knob in KNOBS[convention]:
        if knob.kind == "scalar":
            continue
        text = knobs.get(knob.key, "")
        if knob.key == "base_sizes" and not (text or "").strip():
            parsed[knob.key] = [None] * len(names)
            continue
        if knob.key == "scales" and convention in ("mmdet", "mmdet_v1") and _octave_scales(knobs) is not None:
            parsed[knob.key] = [_octave_scales(knobs)] * len(names)
            continue
        parsed[knob.key] = _knob_values(knob, text, names)
    specs = []
    for i, (lv, name) in enumerate(zip(base, names)):
        kw = {}
        if convention in ("torchvision", "detectron2"):
            kw = {"sizes": parsed["sizes"][i], "ratios": parsed["aspect_ratios"][i]}
        elif convention in ("mmdet", "mmdet_v1"):
            kw = {"stride": parsed["strides"][i], "base_size": parsed["base_sizes"][i],
                  "scales": parsed["scales"][i], "ratios": parsed["ratios"][i]}
        elif convention == "mmdet_ssd":
            s = parsed["strides"][i]
            kw = {"stride": s, "base_size": parsed["base_sizes"][i], "scales": parsed["scales"][i],
                  "ratios": parsed["ratios"][i], "center": (s / 2.0, s / 2.0)}
        elif convention == "keras_retinanet":
            kw = {"stride": parsed["strides"][i], "base_size": parsed["sizes"][i], "scales": parsed["scales"][i],
                  "ratios": parsed["ratios"][i]}
        elif convention == "d2l":
            kw = {"sizes": parsed["sizes"][i], "ratios": parsed["ratios"][i], "feature_hw": parsed["fmap"][i]}
        elif convention == "yolov5":
            kw = {"wh": parsed["anchors"][i]}
        if convention == "mmdet_ssd" and len(kw["scales"]) != 2:
            raise AnchorVizInputError(t("knobs.ssd_two_scales", n=len(kw["scales"]), lv=name))
        if convention == "mmdet_ssd" and len(kw["ratios"]) < 1:
            raise AnchorVizInputError(t("knobs.ssd_no_ratio", lv=name))
        specs.append(dataclasses.replace(lv, **kw))
    return AnchorConfig(convention=convention, levels=tuple(specs), center_offset=offset)


def remap_knobs(convention: str, preset: str, old_names: list[str], new_names: list[str],
                knobs: dict[str, str]) -> dict[str, str]:
    """Knob texts for a new set of levels, keeping the user's values for the levels that stay on.

    Falls back to the preset's values for new levels, or for all levels when the old texts do not parse.
    """
    fresh = default_knobs(convention, preset, new_names)
    out = dict(knobs)
    for knob in KNOBS[convention]:
        if knob.kind in ("list", "scalar"):
            continue
        text = knobs.get(knob.key, "")
        if knob.kind in ("groups", "fmap") and ";" not in text:
            continue  # one group for every level: still valid
        if knob.key == "base_sizes" and not text.strip():
            continue
        try:
            old = _raw_groups(knob, text, old_names)
        except AnchorVizInputError:
            out[knob.key] = fresh[knob.key]
            continue
        fresh_text = fresh[knob.key]
        if knob.key == "base_sizes" and not fresh_text.strip():
            fresh_text = fresh["strides"]  # mmdet: base_sizes default to the strides
        new_default = _raw_groups(knob, fresh_text, new_names) if fresh_text.strip() else dict.fromkeys(new_names, "")
        groups = [old.get(n, new_default[n]) for n in new_names]
        sep = "," if knob.kind == "per_level" else "; "
        out[knob.key] = sep.join(g.strip() for g in groups)
    return out


def _raw_groups(knob: Knob, text: str, names: list[str]) -> dict[str, str]:
    if knob.kind == "per_level":
        parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
        if len(parts) != len(names):
            raise AnchorVizInputError("count")
        return dict(zip(names, parts))
    groups = _split_groups(text, knob.label, names, broadcast=True)
    return dict(zip(names, groups))
