"""``CoderSpec``: one library's box coder as data (what ``anchorviz.core.coding.codec`` reads).

Everything that differs between the coders of torchvision, detectron2, mmdetection (3.x and the v1 "Legacy"
classes), keras-retinanet and d2l is a field here, validated on construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["CoderSpec", "Quad"]


Quad = tuple[float, float, float, float]


_KINDS = ("centre_log", "corner")


_CENTRES = ("x1_plus_half_w", "midpoint")


_CLAMP_SIDES = ("upper", "both", "none")


_DECODE_XY_ORDERS = ("divide_first", "multiply_first")


_CLIP_MODES = ("none", "wh", "wh_minus_1")


_DTYPES = ("float32", "float64")


def _quad(values, name: str) -> Quad:
    try:
        arr = np.array(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as e:
        raise AnchorVizInputError(f"{name}: expected four numbers, got {values!r}") from e
    if arr.shape != (4,) or not np.isfinite(arr).all():
        raise AnchorVizInputError(f"{name}: expected four finite numbers, got {values!r}")
    return tuple(float(v) for v in arr)  # type: ignore[return-value]


def _real(value, name: str, *, minimum: float) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise AnchorVizInputError(f"{name}: expected a number, got {value!r}")
    if not (np.isfinite(value) and value >= minimum):
        raise AnchorVizInputError(f"{name}: expected a finite number >= {minimum}, got {value}")
    return float(value)


@dataclass(frozen=True, kw_only=True)
class CoderSpec:
    """One library's box coder, as data.

    Attributes:
        name: short identifier (the key in ``CODERS``).
        kind: "centre_log" (centre shift / log size) or "corner" (per-corner shift, keras-retinanet).
        weights: (wx, wy, ww, wh), multiplied into the encoding and divided out on decode
            (torchvision/detectron2 RoI heads 10, 10, 5, 5; d2l 10, 10, 5, 5).
        means: subtracted after encoding, added back before decoding (mmdet, keras).
        stds: divided after encoding, multiplied back before decoding (mmdet RoI .1, .1, .2, .2; keras .2).
        plus_one: widths are ``x2 - x1 + 1`` (mmdetection v1, via the 3.x Legacy coder).
        centre: "x1_plus_half_w" (``x1 + 0.5*w``, torchvision/detectron2) or "midpoint"
            (``(x1 + x2)*0.5``, mmdet/d2l). Equal in exact maths, not always in float32.
        log_eps: added inside the log of the size ratio on encode (d2l: 1e-6).
        dwh_clamp: bound for dw and dh on decode, after dividing by the weights; None = no clamp.
        clamp_sides: "upper" (min(dw, c): torchvision, detectron2, mmdet YOLOF), "both" (mmdet) or "none".
        ctr_clamp: if set, the decoded centre shift in pixels is clamped to +-ctr_clamp (mmdet YOLOF: 32).
        decode_xy_order: "divide_first" ``(d/wx)*w`` (torchvision) or "multiply_first" ``(d*w)/wx`` (d2l).
        clip_mode: what ``decode(..., max_shape=(H, W))`` clips to: "wh" (x in [0, W], y in [0, H];
            mmdet), "wh_minus_1" ([0, W-1] x [0, H-1]; legacy) or "none" (the coder has no clip).
        dtype: arithmetic dtype, "float32" (torch libraries) or "float64" (keras-retinanet NumPy code).
        describe: the formula in words, for display.

    Raises:
        AnchorVizInputError: a field out of range or inconsistent (e.g. a clamp side without a value).
    """

    name: str
    kind: Literal["centre_log", "corner"]
    weights: Quad = (1.0, 1.0, 1.0, 1.0)
    means: Quad = (0.0, 0.0, 0.0, 0.0)
    stds: Quad = (1.0, 1.0, 1.0, 1.0)
    plus_one: bool = False
    centre: Literal["x1_plus_half_w", "midpoint"] = "midpoint"
    log_eps: float = 0.0
    dwh_clamp: float | None = None
    clamp_sides: Literal["upper", "both", "none"] = "none"
    ctr_clamp: float | None = None
    decode_xy_order: Literal["divide_first", "multiply_first"] = "divide_first"
    clip_mode: Literal["none", "wh", "wh_minus_1"] = "none"
    dtype: Literal["float32", "float64"] = "float32"
    describe: str = ""

    def __post_init__(self) -> None:
        for fname, allowed in (
            ("kind", _KINDS),
            ("centre", _CENTRES),
            ("clamp_sides", _CLAMP_SIDES),
            ("decode_xy_order", _DECODE_XY_ORDERS),
            ("clip_mode", _CLIP_MODES),
            ("dtype", _DTYPES),
        ):
            value = getattr(self, fname)
            if value not in allowed:
                raise AnchorVizInputError(f"{fname}: expected one of {', '.join(allowed)}, got {value!r}")
        for fname in ("weights", "means", "stds"):
            object.__setattr__(self, fname, _quad(getattr(self, fname), fname))
        for fname in ("weights", "stds"):
            if any(v == 0.0 for v in getattr(self, fname)):
                raise AnchorVizInputError(f"{fname}: expected four non-zero numbers, got {getattr(self, fname)}")
        if not isinstance(self.plus_one, (bool, np.bool_)):
            raise AnchorVizInputError(f"plus_one: expected True or False, got {self.plus_one!r}")
        object.__setattr__(self, "log_eps", _real(self.log_eps, "log_eps", minimum=0.0))
        if (self.dwh_clamp is None) != (self.clamp_sides == "none"):
            raise AnchorVizInputError(
                f"dwh_clamp: expected a value exactly when clamp_sides is not 'none', "
                f"got dwh_clamp={self.dwh_clamp!r} with clamp_sides={self.clamp_sides!r}"
            )
        if self.dwh_clamp is not None:
            object.__setattr__(self, "dwh_clamp", _real(self.dwh_clamp, "dwh_clamp", minimum=0.0))
        if self.ctr_clamp is not None:
            object.__setattr__(self, "ctr_clamp", _real(self.ctr_clamp, "ctr_clamp", minimum=0.0))
        if self.kind == "corner" and (self.clamp_sides != "none" or self.ctr_clamp is not None or self.log_eps):
            raise AnchorVizInputError(
                f"kind: a 'corner' coder has no log sizes or centre, so dwh_clamp, ctr_clamp and log_eps "
                f"must be unset, got dwh_clamp={self.dwh_clamp!r}, ctr_clamp={self.ctr_clamp!r}, "
                f"log_eps={self.log_eps!r}"
            )
