"""The box coders of torchvision, detectron2, mmdetection (3.x, v1 legacy, YOLOF), keras-retinanet and d2l,
as ``CoderSpec`` values, by name in ``CODERS``."""

from __future__ import annotations

import math

from anchorviz.core.coding.spec import CoderSpec

__all__ = ["CODERS", "D2L", "DETECTRON2", "DETECTRON2_ROI", "KERAS_RETINANET", "MMDET", "MMDET_ROI", "MMDET_V1_LEGACY",
           "MMDET_V1_LEGACY_ROI", "MMDET_YOLOF", "TORCHVISION_ROI", "TORCHVISION_RPN"]


_LOG_1000_OVER_16 = math.log(1000.0 / 16)  # 4.135166556742356: torchvision bbox_xform_clip, d2 scale_clamp


_MMDET_MAX_RATIO = abs(math.log(16 / 1000))  # the same number, written as mmdet does


TORCHVISION_RPN = CoderSpec(
    name="torchvision_rpn",
    kind="centre_log",
    weights=(1.0, 1.0, 1.0, 1.0),
    centre="x1_plus_half_w",
    dwh_clamp=_LOG_1000_OVER_16,
    clamp_sides="upper",
    describe=(
        "torchvision BoxCoder (RPN, RetinaNet): dx = wx*(gcx - acx)/aw, dw = ww*log(gw/aw), centre = x1 + 0.5*w; "
        "decode clamps dw, dh from above only at log(1000/16)."
    ),
)


TORCHVISION_ROI = CoderSpec(
    name="torchvision_roi",
    kind="centre_log",
    weights=(10.0, 10.0, 5.0, 5.0),
    centre="x1_plus_half_w",
    dwh_clamp=_LOG_1000_OVER_16,
    clamp_sides="upper",
    describe="torchvision BoxCoder for RoI heads: as the RPN coder with weights (10, 10, 5, 5).",
)


DETECTRON2 = CoderSpec(
    name="detectron2",
    kind="centre_log",
    weights=(1.0, 1.0, 1.0, 1.0),
    centre="x1_plus_half_w",
    dwh_clamp=_LOG_1000_OVER_16,
    clamp_sides="upper",
    describe="detectron2 Box2BoxTransform (RPN, RetinaNet): the same maths as torchvision's BoxCoder.",
)


DETECTRON2_ROI = CoderSpec(
    name="detectron2_roi",
    kind="centre_log",
    weights=(10.0, 10.0, 5.0, 5.0),
    centre="x1_plus_half_w",
    dwh_clamp=_LOG_1000_OVER_16,
    clamp_sides="upper",
    describe="detectron2 Box2BoxTransform for ROI heads: weights (10, 10, 5, 5).",
)


MMDET = CoderSpec(
    name="mmdet",
    kind="centre_log",
    centre="midpoint",
    dwh_clamp=_MMDET_MAX_RATIO,
    clamp_sides="both",
    clip_mode="wh",
    describe=(
        "mmdet DeltaXYWHBBoxCoder (RPN, RetinaNet): ((gx - px)/pw, log(gw/pw)) then (d - mean)/std; "
        "decode clamps dw, dh to +-|log(0.016)| on both sides; max_shape clips to [0, W] x [0, H]."
    ),
)


MMDET_ROI = CoderSpec(
    name="mmdet_roi",
    kind="centre_log",
    stds=(0.1, 0.1, 0.2, 0.2),
    centre="midpoint",
    dwh_clamp=_MMDET_MAX_RATIO,
    clamp_sides="both",
    clip_mode="wh",
    describe="mmdet DeltaXYWHBBoxCoder for RoI heads: target_stds (0.1, 0.1, 0.2, 0.2).",
)


MMDET_YOLOF = CoderSpec(
    name="mmdet_yolof",
    kind="centre_log",
    centre="midpoint",
    dwh_clamp=_MMDET_MAX_RATIO,
    clamp_sides="upper",
    ctr_clamp=32.0,
    clip_mode="wh",
    describe=(
        "mmdet DeltaXYWHBBoxCoder(add_ctr_clamp=True, ctr_clamp=32) as in YOLOF: the centre shift dx*pw "
        "is clamped to +-32 px and dw, dh only from above."
    ),
)


MMDET_V1_LEGACY = CoderSpec(
    name="mmdet_v1",
    kind="centre_log",
    plus_one=True,
    centre="midpoint",
    dwh_clamp=_MMDET_MAX_RATIO,
    clamp_sides="both",
    clip_mode="wh_minus_1",
    describe=(
        "mmdet LegacyDeltaXYWHBBoxCoder (mmdetection v1): widths x2 - x1 + 1, centre (x1 + x2)*0.5; "
        "decode x1 = cx - 0.5*w, x2 = cx + 0.5*w (v1's -1 on the right is left out), clip to W-1, H-1."
    ),
)


MMDET_V1_LEGACY_ROI = CoderSpec(
    name="mmdet_v1_roi",
    kind="centre_log",
    stds=(0.1, 0.1, 0.2, 0.2),
    plus_one=True,
    centre="midpoint",
    dwh_clamp=_MMDET_MAX_RATIO,
    clamp_sides="both",
    clip_mode="wh_minus_1",
    describe="mmdet LegacyDeltaXYWHBBoxCoder for RoI heads: target_stds (0.1, 0.1, 0.2, 0.2).",
)


KERAS_RETINANET = CoderSpec(
    name="keras_retinanet",
    kind="corner",
    stds=(0.2, 0.2, 0.2, 0.2),
    dtype="float64",
    describe=(
        "keras-retinanet bbox_transform: corner offsets ((gx1 - ax1)/aw, (gy1 - ay1)/ah, (gx2 - ax2)/aw, "
        "(gy2 - ay2)/ah), then (t - 0)/0.2; the decoder is the exact inverse, with no clamp."
    ),
)


D2L = CoderSpec(
    name="d2l",
    kind="centre_log",
    weights=(10.0, 10.0, 5.0, 5.0),
    centre="midpoint",
    log_eps=1e-6,
    decode_xy_order="multiply_first",
    describe=(
        "d2l offset_boxes: (10*(gcx - acx)/aw, 5*log(1e-6 + gw/aw)); offset_inverse: cx = d*aw/10 + acx, "
        "w = exp(d/5)*aw, no clamp."
    ),
)


CODERS: dict[str, CoderSpec] = {
    spec.name: spec
    for spec in (
        TORCHVISION_RPN,
        TORCHVISION_ROI,
        DETECTRON2,
        DETECTRON2_ROI,
        MMDET,
        MMDET_ROI,
        MMDET_YOLOF,
        MMDET_V1_LEGACY,
        MMDET_V1_LEGACY_ROI,
        KERAS_RETINANET,
        D2L,
    )
}
