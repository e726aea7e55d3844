"""The sidebar's anchor knobs in the user's language: what a knob means, a knob error as a sentence, and the
train-time resize a preset goes with (sidebar state keys).

The knobs themselves (which ones each library has, their texts, texts -> AnchorConfig) are
``anchorviz.core.knobs``; its errors carry a code and fields that ``message`` renders with the i18n table
(``knobs.<code>``).
"""

from __future__ import annotations

from anchorviz.core.knobs.messages import KnobError
from anchorviz.core.knobs.table import Knob
from pages.common.i18n import current_lang, t, table

__all__ = ["help_text", "message", "preset_resize"]


def help_text(knob: Knob) -> str:
    """What the knob means, in the current language (groups also say how to write one group per level; number
    fields, that they are shown rounded)."""
    return (t(knob.help_key) + (t("knobs.groups") if knob.kind == "groups" else "")
            + (t("knobs.rounded") if knob.kind not in ("scalar", "fmap") else ""))


def message(err: Exception) -> str:
    """An error as the sentence to show: a KnobError in the current language, anything else as it is."""
    if isinstance(err, KnobError):
        return err.render(table(current_lang()), "knobs.")
    return str(err)


def preset_resize(preset: str) -> dict:
    """The train-time resize that goes with a preset (what its library's training config does)."""
    if preset.startswith("YOLOv5"):
        return {"rs": "letterbox", "rs_lb": 640}
    if preset == "SSD300":
        return {"rs": "custom", "rs_h": 300, "rs_w": 300, "rs_keep": False, "rs_div": 1}
    if preset.startswith("d2l"):
        return {"rs": "none", "rs_div": 1}
    return {"rs": "shorter_side", "rs_min": 800, "rs_max": 1333, "rs_div": 32}
