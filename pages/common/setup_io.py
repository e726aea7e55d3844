"""An AnchorConfig made elsewhere (the optimiser, an imported JSON / config text) put into the sidebar.

The sidebar describes a setup as convention + preset + levels + knob texts + offset (`knobs.build_config`).
`sidebar_values` finds those for a config and checks that they rebuild exactly the same anchors, so what
the sidebar then shows is the imported setup, not an approximation of it.
"""

from __future__ import annotations

import numpy as np

from anchorviz.core.anchors.config import AnchorConfig
from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.conventions import CONVENTIONS
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.presets import presets_for
from anchorviz.core.knobs.parse import build_config
from anchorviz.core.knobs.table import KNOBS, _fmt_knob, level_choices
from pages.common import knobs as K

_CHECK_HW = (320, 448)  # the input size the rebuilt anchors are compared on


def _same_anchors(a: AnchorConfig, b: AnchorConfig) -> bool:
    xa, xb = generate_anchors(a, _CHECK_HW), generate_anchors(b, _CHECK_HW)
    return xa.boxes.shape == xb.boxes.shape and bool(np.array_equal(xa.boxes, xb.boxes))


def sidebar_values(cfg: AnchorConfig, *, preferred_preset: str | None = None) -> dict:
    """The sidebar values (conv, preset, lv, knob texts, off) that rebuild ``cfg`` exactly.

    Raises:
        AnchorVizInputError: when no preset of the convention has these levels, or the knobs cannot express
            the setup (e.g. strides that differ from the preset's in a library whose knobs have no strides).
    """
    conv = cfg.convention
    names = [lv.name for lv in cfg.levels]
    if any(not n for n in names):
        raise AnchorVizInputError("the setup's levels have no names (expected P3, P4, ...)")
    options = presets_for(conv)
    order = ([preferred_preset] if preferred_preset in options else []) + [p for p in options if p != preferred_preset]
    tried = []
    for preset in order:
        choices = level_choices(preset, conv)
        if not all(n in choices for n in names):
            continue
        knobs = {knob.key: _fmt_knob(knob, conv, list(cfg.levels)) for knob in KNOBS[conv]}
        if conv in ("mmdet", "mmdet_v1"):
            knobs["octave_base_scale"], knobs["scales_per_octave"] = "", "3"
        default = CONVENTIONS[conv].default_offset
        off = default if cfg.center_offset is None else float(cfg.center_offset)
        offset = None if abs(off - default) < 1e-12 else off
        try:
            rebuilt = build_config(conv, preset, names, knobs, offset)
        except AnchorVizInputError as e:
            tried.append(f"{preset}: {K.message(e)}")
            continue
        if _same_anchors(rebuilt, cfg):
            return {"conv": conv, "preset": preset, "lv": names, "off": off, **knobs}
        tried.append(f"{preset}: the knobs rebuild different anchors")
    why = "; ".join(tried) if tried else f"no {conv} preset has the levels {', '.join(names)}"
    raise AnchorVizInputError(f"this setup cannot be shown in the sidebar exactly ({why})")
