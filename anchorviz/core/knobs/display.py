"""Knob texts as a person reads them and as a link carries them, without changing the anchors in force.

A preset's values are often irrational (detectron2's sizes x * 2^(k/3) = 40.31747359663594, ...). The texts the
app keeps (``table.default_knobs``, an imported setup) hold them exactly; people read them rounded:

* ``display_text``: every number rounded for reading (``fmt_display``: "32,40.32,50.8");
* ``snap_text`` / ``snap_knobs``: a number written as the rounded text of one of the preset's own values for that
  knob stands for that exact value (``build_config`` snaps every text it reads), so a rounded field, or a link
  made of rounded texts, gives exactly the preset's anchors;
* ``link_text``: what a shared link carries: the rounded text where it snaps back to the value in force, else the
  shortest text with the value's float32 (``fmt_float32``: the libraries build anchors in float32, so the link
  reopens the same anchors to the precision they compute in).

The price of snapping: typing 40.32 into a field whose preset value is 40.3175 gives 40.3175 (0.0025 px apart).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.fmt import fmt_display, fmt_float32
from anchorviz.core.knobs.table import KNOBS, _preset_level, _values_for, level_choices
from anchorviz.core.presets import PRESETS

__all__ = ["display_text", "preset_numbers", "snap_text", "snap_knobs", "link_text"]

# a positive number as knob texts write it ("32", "40.31747359663594", "1e-05"); "4x4" is two numbers
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|(?<![\d.])\.\d+(?:[eE][-+]?\d+)?")


def _map_numbers(text: str, fn) -> str:
    return _NUMBER.sub(lambda m: fn(m.group(0)), text or "")


def display_text(text: str) -> str:
    """``text`` with every number rounded for reading ("32,40.31747359663594" -> "32,40.32")."""
    return _map_numbers(text, lambda tok: fmt_display(float(tok)))


def _flat(v) -> list[float]:
    if v is None or v == "":
        return []
    if isinstance(v, (tuple, list)):
        return [x for item in v for x in _flat(item)]
    return [float(v)]


@lru_cache(maxsize=256)
def preset_numbers(convention: str, preset: str, key: str) -> tuple[float, ...]:
    """The exact values the preset gives knob ``key`` on any of its levels (empty when unknown)."""
    if convention not in CONVENTIONS or preset not in PRESETS or convention not in PRESETS[preset].conventions:
        return ()
    knob = next((k for k in KNOBS[convention] if k.key == key), None)
    if knob is None or knob.kind in ("scalar", "fmap"):
        return ()
    out: set[float] = set()
    for name in level_choices(preset, convention):
        out.update(_flat(_values_for(_preset_level(preset, convention, name), convention, key, knob.kind)))
    return tuple(sorted(out))


def _snap(tok: str, candidates: tuple[float, ...]) -> float:
    """The value a number token stands for: the one candidate whose rounded text it is, else itself."""
    v = float(tok)
    if v in candidates:
        return v
    hits = [c for c in candidates if fmt_display(c) == tok]
    return hits[0] if len(hits) == 1 else v


def snap_text(text: str, candidates: tuple[float, ...]) -> str:
    """``text`` with every number that is the rounded text of a candidate replaced by the candidate, exactly."""
    def one(tok: str) -> str:
        v = _snap(tok, candidates)
        return tok if v == float(tok) else repr(v)
    return _map_numbers(text, one)


def snap_knobs(convention: str, preset: str, knobs: dict[str, str]) -> dict[str, str]:
    """Every knob text of ``knobs`` snapped to the preset's exact values (see the module docstring)."""
    return {k: snap_text(v, preset_numbers(convention, preset, k)) if isinstance(v, str) else v
            for k, v in knobs.items()}


def link_text(text: str, convention: str, preset: str, key: str) -> str:
    """What a link carries for knob ``key``: each number rounded for reading where that snaps back to the same
    value, else its shortest float32-exact text."""
    candidates = preset_numbers(convention, preset, key)

    def one(tok: str) -> str:
        v = _snap(tok, candidates)
        shown = fmt_display(v)
        return shown if _snap(shown, candidates) == v else fmt_float32(v)
    return _map_numbers(text, one)
