"""Knob texts (``anchorviz.core.knobs.table``) read back into an AnchorConfig, and kept across a change of levels.

Every problem is a ``KnobError`` naming the knob (the library's own name) and the offending value.
"""

from __future__ import annotations

import dataclasses
import math

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.knobs.display import snap_knobs
from anchorviz.core.knobs.messages import KnobError
from anchorviz.core.knobs.table import KNOBS, Knob, _preset_level, default_knobs
from anchorviz.core.presets import PRESETS

__all__ = ["build_config", "remap_knobs"]


def _num(text: str, field: str, level: str = "") -> float:
    text = text.strip()
    try:
        v = float(text)
    except ValueError:
        raise KnobError("not_a_number", field=field, text=text, level=level) from None
    if not math.isfinite(v) or v <= 0:
        raise KnobError("not_positive", field=field, text=text, level=level)
    return v


def _numbers(text: str, field: str, level: str = "") -> tuple[float, ...]:
    parts = [p for p in text.replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise KnobError("no_number", field=field, level=level, text=text.strip())
    return tuple(_num(p, field, level) for p in parts)


def _split_groups(text: str, field: str, names: list[str], *, broadcast: bool = True) -> list[str]:
    groups = [g for g in text.split(";")]
    if len(groups) > 1 and not groups[-1].strip():  # a trailing ';'
        groups = groups[:-1]
    if len(groups) == 1 and broadcast:
        return groups * len(names)
    if len(groups) != len(names):
        raise KnobError("group_count", field=field, n=len(groups), m=len(names),
                                    names=", ".join(names), text=text.strip())
    return groups


def _per_level(text: str, field: str, names: list[str]) -> list[float]:
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if len(parts) != len(names):
        raise KnobError("per_level", field=field, m=len(names), names=", ".join(names),
                                    text=text.strip())
    return [_num(p, field, n) for p, n in zip(parts, names)]


def _knob_values(knob: Knob, text: str, names: list[str]) -> list:
    """Per-level parsed values of one knob (list of len(names))."""
    field = knob.label
    text = text or ""
    if knob.kind == "groups":
        groups = _split_groups(text, field, names)
        return [_numbers(g, field, n) for g, n in zip(groups, names)]
    if knob.kind == "per_level":
        return _per_level(text, field, names)
    if knob.kind == "list":
        vals = _numbers(text, field)
        return [vals] * len(names)
    if knob.kind == "pairs":
        groups = _split_groups(text, field, names, broadcast=False)
        out = []
        for g, n in zip(groups, names):
            vals = _numbers(g, field, n)
            if len(vals) % 2:
                raise KnobError("pairs", field=field, n=n, k=len(vals), text=g.strip())
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
                raise KnobError("fmap_hxw", field=field, n=n, text=g)
            vals = []
            for p in hw:
                try:
                    iv = int(p.strip())
                except ValueError:
                    raise KnobError("fmap_int", field=field, text=p.strip(), n=n) from None
                if iv <= 0:
                    raise KnobError("fmap_positive", field=field, n=n, text=g)
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
        raise KnobError("scales_per_octave", text=spo_text) from None
    if spo < 1:
        raise KnobError("scales_per_octave", text=spo_text)
    # mmdet: octave_scales = np.array([2**(i / scales_per_octave) ...]); scales = octave_scales * octave_base_scale
    return tuple(2 ** (i / spo) * base for i in range(spo))


def build_config(convention: str, preset: str, names: list[str], knobs: dict[str, str],
                 offset: float | None) -> AnchorConfig:
    """The AnchorConfig the knob texts describe.

    Args:
        convention, preset: keys of CONVENTIONS and PRESETS.
        names: the switched-on levels, e.g. ["P3", "P4"].
        knobs: text per knob key. A number written as the rounded text of one of the preset's own values stands
            for that exact value ("40.32" in detectron2's sizes is 32 * 2^(1/3); ``display.snap_knobs``).
        offset: centre offset, or None for the library default.

    Raises:
        KnobError (an AnchorVizInputError): naming the knob and the value.
    """
    if convention not in CONVENTIONS:
        raise KnobError("unknown_conv", conv=convention)
    if preset not in PRESETS or convention not in PRESETS[preset].conventions:
        raise KnobError("no_preset", preset=preset, conv=convention)
    if not names:
        raise KnobError("no_levels")
    base = [_preset_level(preset, convention, n) for n in names]
    knobs = snap_knobs(convention, preset, knobs)
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
            raise KnobError("ssd_two_scales", n=len(kw["scales"]), lv=name)
        if convention == "mmdet_ssd" and len(kw["ratios"]) < 1:
            raise KnobError("ssd_no_ratio", lv=name)
        specs.append(dataclasses.replace(lv, **kw))
    return AnchorConfig(convention=convention, levels=tuple(specs), center_offset=offset,
                        scale_major=PRESETS[preset].scale_major)


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
        except KnobError:
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
            raise KnobError("per_level", field=knob.label, m=len(names), names=", ".join(names), text=text)
        return dict(zip(names, parts))
    groups = _split_groups(text, knob.label, names, broadcast=True)
    return dict(zip(names, groups))
