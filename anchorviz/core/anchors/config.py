"""An anchor setup in each library's own knobs: one ``LevelSpec`` per pyramid level, and the ``AnchorConfig``.

Both are frozen and validated on construction, so a setup is a cache key and bad values never reach the
generators (``anchorviz.core.anchors.grid``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from anchorviz.core.conventions import Convention, get_convention
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["LevelSpec", "AnchorConfig", "DEFAULT_MAX_ANCHORS"]


DEFAULT_MAX_ANCHORS = 2_000_000


def _positive_tuple(values, what: str, *, allow_empty: bool = False) -> tuple[float, ...]:
    try:
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"{what}: expected a list of positive numbers, got {values!r}") from None
    if not out and not allow_empty:
        raise AnchorVizInputError(f"{what}: expected at least one value, got an empty list")
    for v in out:
        if not math.isfinite(v) or v <= 0:
            raise AnchorVizInputError(f"{what}: every value must be a finite number > 0, got {v!r}")
    return out


@dataclass(frozen=True, kw_only=True)
class LevelSpec:
    """One pyramid level, in the knobs its library uses.

    Attributes:
        stride: pixels between neighbouring cells; a number, or (stride_w, stride_h) as mmdet allows.
        sizes: absolute anchor sides (torchvision, detectron2), or fractions of the image height (d2l).
        base_size: the side that scales multiply (mmdet, keras-retinanet). mmdet defaults it to the stride.
        scales: multipliers of base_size.
        ratios: aspect ratios. h/w for every library except d2l, where they are w/h.
        wh: explicit (w, h) pixel anchors (YOLOv5).
        center: an explicit base-anchor centre (mmdet ``centers``, used by SSD).
        feature_hw: a fixed feature-map size; by default it is derived from the image size.
        name: a label such as "P3".
    """

    stride: float | tuple[float, float]
    sizes: tuple[float, ...] = ()
    base_size: float | None = None
    scales: tuple[float, ...] = (1.0,)
    ratios: tuple[float, ...] = (0.5, 1.0, 2.0)
    wh: tuple[tuple[float, float], ...] = ()
    center: tuple[float, float] | None = None
    feature_hw: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        label = self.name or "level"
        if isinstance(self.stride, (tuple, list)):
            sw, sh = _positive_tuple(self.stride, f"{label} stride")
            object.__setattr__(self, "stride", (sw, sh))
        else:
            (s,) = _positive_tuple((self.stride,), f"{label} stride")
            object.__setattr__(self, "stride", s)
        object.__setattr__(self, "sizes", _positive_tuple(self.sizes, f"{label} sizes", allow_empty=True))
        object.__setattr__(self, "scales", _positive_tuple(self.scales, f"{label} scales"))
        object.__setattr__(self, "ratios", _positive_tuple(self.ratios, f"{label} ratios"))
        if self.base_size is not None:
            (b,) = _positive_tuple((self.base_size,), f"{label} base_size")
            object.__setattr__(self, "base_size", b)
        pairs = []
        for pair in self.wh:
            w, h = _positive_tuple(pair, f"{label} anchor (w, h)")
            pairs.append((w, h))
        object.__setattr__(self, "wh", tuple(pairs))
        if self.center is not None:
            object.__setattr__(self, "center", tuple(float(c) for c in self.center))
        if self.feature_hw is not None:
            fh, fw = (int(v) for v in self.feature_hw)
            if fh <= 0 or fw <= 0:
                raise AnchorVizInputError(f"{label} feature_hw: expected two positive integers, got {self.feature_hw}")
            object.__setattr__(self, "feature_hw", (fh, fw))

    @property
    def stride_wh(self) -> tuple[float, float]:
        return self.stride if isinstance(self.stride, tuple) else (self.stride, self.stride)


@dataclass(frozen=True, kw_only=True)
class AnchorConfig:
    """A whole anchor setup: a convention and its levels. Frozen and hashable, so it is a cache key.

    Attributes:
        convention: a key of ``anchorviz.core.conventions.CONVENTIONS``.
        levels: the pyramid levels, finest first.
        center_offset: where in its cell an anchor is centred; None means the library's default.
        scale_major: mmdet's ordering switch (True: ratio outer, scale inner, despite the name).
        max_anchors: generating more anchors than this raises AnchorVizInputError.
    """

    convention: str
    levels: tuple[LevelSpec, ...]
    center_offset: float | None = None
    scale_major: bool = True
    max_anchors: int = DEFAULT_MAX_ANCHORS

    def __post_init__(self) -> None:
        conv = get_convention(self.convention)
        levels = tuple(self.levels)
        if not levels:
            raise AnchorVizInputError("levels: expected at least one pyramid level, got none")
        object.__setattr__(self, "levels", levels)
        if self.center_offset is not None:
            off = float(self.center_offset)
            if not (math.isfinite(off) and 0.0 <= off <= 1.0):
                raise AnchorVizInputError(f"center_offset: expected a number in [0, 1], got {self.center_offset!r}")
            object.__setattr__(self, "center_offset", off)
        need = {"sizes": "sizes", "fractions": "sizes", "wh": "wh"}.get(conv.size_knob)
        for i, lv in enumerate(levels):
            if need and not getattr(lv, need):
                raise AnchorVizInputError(
                    f"level {lv.name or i}: the {conv.title} convention needs {need!r} "
                    f"(it sizes anchors by {conv.size_knob}), got none"
                )

    @property
    def conv(self) -> Convention:
        return get_convention(self.convention)

    @property
    def offset(self) -> float:
        return self.conv.default_offset if self.center_offset is None else self.center_offset
