"""How a photo becomes the network input: the train-time resize + pad, for the image and its boxes.

Anchors are generated for the padded *network input* (``ResizePlan.input_hw``), never for the
original photo. So the image and its GT boxes must first go through the same transform the
detector uses in training. An 800x800 input gives P3..P7 feature maps of 100, 50, 25, 13 and 7
cells. A 480x640 photo resized for Faster R-CNN becomes an 800x1088 input, not 480x640. If
anchors are drawn over the raw photo, every stride, size and IoU is wrong by the resize factor.

The plan is pure arithmetic (NumPy); the pixel work on the image is ``anchorviz.io.network_image.resize_image``. Sizes are always ``(height, width)``, written HxW in text.
Boxes are float64 (N, 4) xyxy pixels (see :mod:`anchorviz.core.boxes`).

Modes (``ResizeSpec.mode``):

* ``"none"``: photo as is (scale 1), padded bottom/right to a multiple of ``size_divisor``.
* ``"shorter_side"``: torchvision ``GeneralizedRCNNTransform(min_size=800, max_size=1333)`` and
  mmdet ``Resize(scale=(1333, 800), keep_ratio=True)`` + ``Pad(size_divisor=32)``.
* ``"letterbox"``: YOLOv5 ``letterbox(new_shape=640, auto=False, scaleup=True)``. The result is
  centred in a square canvas filled with grey 114.
* ``"custom"``: fit inside ``custom_hw`` (``keep_ratio=True``) or stretch to it, then pad
  bottom/right to a multiple of ``size_divisor``.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from anchorviz.core.boxes import as_boxes
from anchorviz.core.errors import AnchorVizInputError

__all__ = ["ResizeSpec", "ResizePlan", "plan_resize", "resize_boxes", "unresize_boxes", "RESIZE_MODES",
           "LETTERBOX_PAD_VALUE"]


ResizeMode = Literal["none", "shorter_side", "letterbox", "custom"]


RESIZE_MODES: tuple[str, ...] = get_args(ResizeMode)


LETTERBOX_PAD_VALUE = 114  # YOLOv5's grey border colour


def _positive_int(value, name: str) -> int:
    """``value`` as a Python int > 0, else AnchorVizInputError naming ``name``."""
    if isinstance(value, bool):
        raise AnchorVizInputError(f"{name}: expected a positive integer, got {value!r}")
    try:
        out = operator.index(value)
    except TypeError:
        raise AnchorVizInputError(f"{name}: expected a positive integer, got {value!r}") from None
    if out <= 0:
        raise AnchorVizInputError(f"{name}: expected a positive integer, got {out}")
    return out


def _positive_hw(value, name: str) -> tuple[int, int]:
    """``value`` as an (int, int) pair of positive ints, else AnchorVizInputError."""
    try:
        h, w = value
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"{name}: expected (height, width), got {value!r}") from None
    return _positive_int(h, f"{name} height"), _positive_int(w, f"{name} width")


def _pad_to(n: int, divisor: int) -> int:
    """Smallest multiple of ``divisor`` that is >= n."""
    return -(-n // divisor) * divisor


@dataclass(frozen=True, kw_only=True)
class ResizeSpec:
    """The train-time resize the user picked. All sizes are in pixels and sizes are (height, width).

    Args:
        mode: ``"none"``, ``"shorter_side"``, ``"letterbox"`` or ``"custom"``. The module docstring describes each.
        min_size: shorter_side: target for the shorter image side (torchvision ``min_size``).
        max_size: shorter_side: cap for the longer image side (torchvision ``max_size``). Must be >= min_size.
        letterbox_size: letterbox: side of the square network input (YOLOv5 ``img_size``).
        custom_hw: custom: target (height, width).
        keep_ratio: custom: True fits inside custom_hw without distortion, False stretches to it.
        size_divisor: none / shorter_side / custom: pad bottom/right up to a multiple of this
            (32 = the largest FPN stride in torchvision and mmdet; 1 = no padding). Letterbox ignores it:
            its output is always letterbox_size x letterbox_size.

    Every field is checked, whatever the mode, so a bad value is caught where it is typed.

    Raises:
        AnchorVizInputError: unknown mode, a size that is not a positive integer, or min_size > max_size.
    """

    mode: ResizeMode
    min_size: int = 800
    max_size: int = 1333
    letterbox_size: int = 640
    custom_hw: tuple[int, int] = (640, 640)
    keep_ratio: bool = True
    size_divisor: int = 32

    def __post_init__(self) -> None:
        if self.mode not in RESIZE_MODES:
            raise AnchorVizInputError(f"mode: expected one of {', '.join(RESIZE_MODES)}, got {self.mode!r}")
        set_ = object.__setattr__  # frozen: normalise numpy ints / lists to plain Python values
        set_(self, "min_size", _positive_int(self.min_size, "min_size"))
        set_(self, "max_size", _positive_int(self.max_size, "max_size"))
        if self.min_size > self.max_size:
            raise AnchorVizInputError(
                f"min_size ({self.min_size}) is the target for the shorter side and max_size ({self.max_size}) "
                "the cap for the longer side: expected min_size <= max_size"
            )
        set_(self, "letterbox_size", _positive_int(self.letterbox_size, "letterbox_size"))
        set_(self, "custom_hw", _positive_hw(self.custom_hw, "custom_hw"))
        if not isinstance(self.keep_ratio, (bool, np.bool_)):
            raise AnchorVizInputError(f"keep_ratio: expected True or False, got {self.keep_ratio!r}")
        set_(self, "keep_ratio", bool(self.keep_ratio))
        set_(self, "size_divisor", _positive_int(self.size_divisor, "size_divisor"))


@dataclass(frozen=True, kw_only=True)
class ResizePlan:
    """The computed geometry of one photo -> network input mapping.

    Image pixel (x, y) lands at ``(x * scale_x + pad_left, y * scale_y + pad_top)`` in the network input.

    Attributes:
        mode: the ResizeSpec mode this plan came from.
        image_hw: the original photo (height, width).
        scale_x, scale_y: the real per-axis factors ``resized_w / image_w`` and ``resized_h / image_h``.
            They can differ by a hair even when the ratio is kept, because the resized size is rounded
            to whole pixels. This is the same as mmdet's ``scale_factor`` and torchvision's ``resize_boxes``.
        resized_hw: the photo after scaling, before padding.
        pad_left, pad_top: the offset of the resized photo inside the input. It is 0 except for letterbox.
        input_hw: the padded network input. Anchors are generated for this size.
    """

    mode: str
    image_hw: tuple[int, int]
    scale_x: float
    scale_y: float
    resized_hw: tuple[int, int]
    pad_left: int
    pad_top: int
    input_hw: tuple[int, int]
    size_divisor: int = 1

    @property
    def pad_right(self) -> int:
        return self.input_hw[1] - self.resized_hw[1] - self.pad_left

    @property
    def pad_bottom(self) -> int:
        return self.input_hw[0] - self.resized_hw[0] - self.pad_top

    @property
    def content_xyxy(self) -> tuple[int, int, int, int]:
        """Where the photo lies in the network input, as (x1, y1, x2, y2). The rest is padding."""
        return (self.pad_left, self.pad_top, self.pad_left + self.resized_hw[1], self.pad_top + self.resized_hw[0])

    def describe(self) -> str:
        """One line for the UI, sizes written width×height, e.g. ``'shorter side: 640×480 photo ×1.667 → 1067×800,
        padded bottom/right to 1088×800 (multiple of 32); network input 1088×800 (w×h)'``."""
        (h, w), (rh, rw), (ih, iw) = self.image_hw, self.resized_hw, self.input_hw
        if math.isclose(self.scale_x, self.scale_y, rel_tol=1e-2):
            scale = f"×{self.scale_x:.4g}"
        else:
            scale = f"×{self.scale_x:.4g} wide, ×{self.scale_y:.4g} high"
        label = {"none": "no resize", "shorter_side": "shorter side", "letterbox": "letterbox", "custom": "custom"}
        head = f"{label.get(self.mode, self.mode)}: {w}×{h} photo"
        if (rh, rw) != (h, w):
            head += f" {scale} → {rw}×{rh}"
        if (ih, iw) == (rh, rw):
            return f"{head}; network input {iw}×{ih} (w×h), no padding"
        if self.mode == "letterbox":
            pads = (
                f"grey borders left {self.pad_left}, right {self.pad_right}, "
                f"top {self.pad_top}, bottom {self.pad_bottom}"
            )
            return f"{head}, centred in {iw}×{ih} with {pads}; network input {iw}×{ih} (w×h)"
        return (
            f"{head}, padded bottom/right to {iw}×{ih} (multiple of {self.size_divisor}); "
            f"network input {iw}×{ih} (w×h)"
        )


def _round_half_up(x: float) -> int:
    """mmcv's ``int(x + 0.5)`` rounding (x >= 0), at least 1 pixel."""
    return max(1, int(x + 0.5))


def plan_resize(image_hw: tuple[int, int], spec: ResizeSpec) -> ResizePlan:
    """Work out how a photo of ``image_hw`` = (height, width) maps to the network input under ``spec``.

    Size rules (h, w = photo height, width):

    * none: resized = (h, w); input = each side rounded up to a multiple of size_divisor.
      37x50 with divisor 32 -> input 64x64.
    * shorter_side: ``s = min(min_size / min(h, w), max_size / max(h, w))``. The new size uses mmdet/mmcv
      rounding ``int(h * s + 0.5), int(w * s + 0.5)``. torchvision resizes with
      ``interpolate(scale_factor=s, recompute_scale_factor=True)``, which floors (``floor(w * s)``), so its
      size can be 1 px smaller. For 480x640: mmdet gives 800x1067 and torchvision gives 800x1066. Both pad
      bottom/right to a multiple of 32: 800x1088.
    * letterbox (YOLOv5, auto=False, scaleup=True): ``r = min(S / h, S / w)``. The new size is
      ``(round(h * r), round(w * r))``, with Python's round-half-to-even as in YOLOv5. ``dh, dw = (S - new) / 2``,
      ``pad_top = round(dh - 0.1)``, ``pad_left = round(dw - 0.1)``, and the input is S x S.
      1000x500 -> 640x320 content, pad_left 160.
      YOLOv5 maps labels with ``r`` and the unrounded ``dw, dh``. Here they are mapped with the per-axis scale
      of the rounded size and the whole-pixel pads, so boxes sit exactly on the resized pixels. The two differ
      by less than 0.5 px plus the size rounding.
    * custom, keep_ratio=True: ``s = min(H / h, W / w)`` for custom_hw = (H, W). This fits the photo inside
      (H, W) in that orientation, using mmcv rounding. custom, keep_ratio=False: stretch to exactly (H, W).
      Then, in both cases, pad bottom/right to a multiple of size_divisor. mmdet's ``Resize(scale=(w, h),
      keep_ratio=True)`` with a non-square scale ignores orientation. That is shorter_side with
      min_size=min(h, w) and max_size=max(h, w).

    Every resized side is at least 1 px, even for extreme aspect ratios.

    Raises:
        AnchorVizInputError: image_hw is not two positive integers, or spec is not a ResizeSpec.
    """
    h, w = _positive_hw(image_hw, "image_hw")
    if not isinstance(spec, ResizeSpec):
        raise AnchorVizInputError(f"spec: expected a ResizeSpec, got {type(spec).__name__}")

    pad_left = pad_top = 0
    divisor = spec.size_divisor
    if spec.mode == "none":
        rh, rw = h, w
    elif spec.mode == "shorter_side":
        s = min(spec.min_size / min(h, w), spec.max_size / max(h, w))
        rh, rw = _round_half_up(h * s), _round_half_up(w * s)
    elif spec.mode == "letterbox":
        size = spec.letterbox_size
        r = min(size / h, size / w)
        rh, rw = max(1, round(h * r)), max(1, round(w * r))
        dh, dw = (size - rh) / 2, (size - rw) / 2
        pad_top, pad_left = round(dh - 0.1), round(dw - 0.1)
        divisor = 1
        return ResizePlan(
            mode=spec.mode, image_hw=(h, w), scale_x=rw / w, scale_y=rh / h, resized_hw=(rh, rw),
            pad_left=pad_left, pad_top=pad_top, input_hw=(size, size), size_divisor=divisor,
        )  # fmt: skip
    else:  # custom
        th, tw = spec.custom_hw
        if spec.keep_ratio:
            s = min(th / h, tw / w)
            rh, rw = min(th, _round_half_up(h * s)), min(tw, _round_half_up(w * s))
        else:
            rh, rw = th, tw
    return ResizePlan(
        mode=spec.mode, image_hw=(h, w), scale_x=rw / w, scale_y=rh / h, resized_hw=(rh, rw),
        pad_left=0, pad_top=0, input_hw=(_pad_to(rh, divisor), _pad_to(rw, divisor)), size_divisor=divisor,
    )  # fmt: skip


def _check_plan(plan) -> ResizePlan:
    if not isinstance(plan, ResizePlan):
        raise AnchorVizInputError(f"plan: expected a ResizePlan from plan_resize, got {type(plan).__name__}")
    return plan


def resize_boxes(boxes, plan: ResizePlan) -> np.ndarray:
    """Photo-space xyxy boxes -> network-input-space xyxy boxes. Returns a new float64 (N, 4) array.

    Boxes are not clipped. A box that reaches past the photo is mapped as it is.

    Raises:
        AnchorVizInputError: boxes are not a valid (N, 4) xyxy array (see ``as_boxes``), or plan is wrong.
    """
    plan = _check_plan(plan)
    out = as_boxes(boxes)
    out[:, 0::2] = out[:, 0::2] * plan.scale_x + plan.pad_left
    out[:, 1::2] = out[:, 1::2] * plan.scale_y + plan.pad_top
    return out


def unresize_boxes(boxes, plan: ResizePlan) -> np.ndarray:
    """The inverse of :func:`resize_boxes`: network-input-space boxes -> photo-space boxes (new array)."""
    plan = _check_plan(plan)
    out = as_boxes(boxes)
    out[:, 0::2] = (out[:, 0::2] - plan.pad_left) / plan.scale_x
    out[:, 1::2] = (out[:, 1::2] - plan.pad_top) / plan.scale_y
    return out
