"""The network input's pixels: a photo resized and padded by a ``ResizePlan`` (``anchorviz.core.resize``).

The plan (sizes, scale, padding) is pure arithmetic in the core; only the pixel work needs Pillow, so it lives
here at the I/O edge.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.resize import LETTERBOX_PAD_VALUE, ResizePlan, _check_plan

__all__ = ["resize_image"]


def resize_image(image: np.ndarray, plan: ResizePlan, *, pad_value: int | None = None) -> np.ndarray:
    """Resize and pad a photo into the network input. Returns a new uint8 (input_h, input_w, 3) array.

    Resampling is Pillow's BILINEAR. When shrinking, Pillow widens the filter (antialiasing), so the result
    is smoother than OpenCV's INTER_LINEAR in YOLOv5 or torch's bilinear ``interpolate`` in torchvision.
    The sizes match exactly. Only the pixel values differ, and only slightly.

    Args:
        image: uint8 (H, W, 3) RGB with (H, W) == plan.image_hw. It is not modified.
        plan: from :func:`plan_resize`.
        pad_value: fill for the padding, 0..255. None means 114 (YOLOv5 grey) for letterbox, else 0.

    Raises:
        AnchorVizInputError: wrong dtype, shape, size, or pad_value.
    """
    plan = _check_plan(plan)
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        got = f"{image.dtype} {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
        raise AnchorVizInputError(f"image: expected a uint8 (H, W, 3) RGB array, got {got}")
    if tuple(image.shape[:2]) != plan.image_hw:
        raise AnchorVizInputError(
            f"image: the plan was made for a {plan.image_hw[1]}×{plan.image_hw[0]} photo (w×h), "
            f"got {image.shape[1]}×{image.shape[0]}"
        )
    if pad_value is None:
        pad_value = LETTERBOX_PAD_VALUE if plan.mode == "letterbox" else 0
    if isinstance(pad_value, bool) or not isinstance(pad_value, (int, np.integer)) or not 0 <= pad_value <= 255:
        raise AnchorVizInputError(f"pad_value: expected an integer in 0..255, got {pad_value!r}")

    rh, rw = plan.resized_hw
    if (rh, rw) == tuple(image.shape[:2]):
        resized = image
    else:
        resized = np.asarray(Image.fromarray(image).resize((rw, rh), Image.Resampling.BILINEAR))
    ih, iw = plan.input_hw
    out = np.full((ih, iw, 3), int(pad_value), dtype=np.uint8)
    out[plan.pad_top : plan.pad_top + rh, plan.pad_left : plan.pad_left + rw] = resized
    return out
