"""What can be wrong with a knob text, as a code and its fields (``KnobError``), with the English sentences.

The app shows these in the user's language: its i18n table holds the same codes under ``knobs.<code>`` (the
English ones are these very templates) and renders ``KnobError.code`` / ``.fields`` itself. ``where`` is filled in
from ``level``: " (level P3)" in English.
"""

from __future__ import annotations

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["KnobError", "MESSAGES"]

MESSAGES: dict[str, str] = {
    "where_level": " (level {n})",
    "not_a_level": "levels: {name!r} is not a level of the {preset} preset",
    "not_a_number": "{field}: {text!r}{where} is not a number",
    "not_positive": "{field}: every value must be a number > 0, got {text!r}{where}",
    "no_number": "{field}: expected at least one number{where}, got {text!r}",
    "group_count": "{field}: {n} groups for {m} levels ({names}); give one group per level, separated by ';' "
                   "(got {text!r})",
    "per_level": "{field}: expected one value per level ({m}: {names}), got {text!r}",
    "pairs": "{field}: expected w,h pairs (an even count) for level {n}, got {k} numbers: {text!r}",
    "fmap_hxw": "{field}: expected HxW such as 4x4 for level {n}, got {text!r}",
    "fmap_int": "{field}: {text!r} (level {n}) is not a whole number",
    "fmap_positive": "{field}: expected a size > 0 for level {n}, got {text!r}",
    "scales_per_octave": "scales_per_octave: expected a whole number >= 1, got {text!r}",
    "unknown_conv": "convention: unknown {conv!r}",
    "no_preset": "preset: {preset!r} does not exist for {conv}",
    "no_levels": "levels: switch on at least one pyramid level",
    "ssd_two_scales": "scales: mmdet SSD uses exactly two scales per level (1 and √(max/min)), got {n} for level {lv}",
    "ssd_no_ratio": "ratios: level {lv} needs at least one ratio",
}


class KnobError(AnchorVizInputError):
    """A knob text anchorviz cannot use. ``code`` keys ``MESSAGES``; ``fields`` fill it; ``level`` (a level name
    or "") becomes the ``where`` field. ``str()`` is the English sentence."""

    def __init__(self, code: str, *, level: str = "", **fields) -> None:
        self.code, self.level, self.fields = code, level, fields
        super().__init__(self.render(MESSAGES))

    def render(self, templates: dict[str, str], prefix: str = "") -> str:
        """The sentence from ``templates[prefix + code]`` (the app passes its i18n table and "knobs.")."""
        where = templates[prefix + "where_level"].format(n=self.level) if self.level else ""
        return templates[prefix + self.code].format(where=where, **self.fields)
