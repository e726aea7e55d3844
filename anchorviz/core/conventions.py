"""How each library computes: one small table per library, read by the generic code.

Everything that differs between torchvision, mmdetection (3.x and the v1 "Legacy" classes), detectron2,
keras-retinanet, d2l and YOLOv5 is a field here, so the algorithms in ``anchors.py``, ``iou.py`` and
``assign.py`` never branch on a library's name. The facts come from ../shared/reference/CONVENTIONS.md and are
pinned by the golden cases in ``tests/data/reference``.

Vocabulary used below:
    ratio: the aspect ratio of an anchor. It means h/w everywhere except d2l, where it means w/h.
    cell anchors: the anchors of one feature-map location, centred on the library's base centre.
    centre offset: where in its cell an anchor is centred (0 = top-left corner, 0.5 = middle of the cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from anchorviz.core.errors import AnchorVizInputError

__all__ = ["IoUStyle", "Convention", "CONVENTIONS", "get_convention", "ANCHORVIZ_IOU"]


@dataclass(frozen=True, kw_only=True)
class IoUStyle:
    """How one library turns two boxes into an IoU.

    Attributes:
        dtype: "float32" for the torch-based libraries (their tensors are float32), "float64" otherwise.
            IoU and the threshold comparisons are made in this dtype, as the library makes them.
        plus_one: mmdet v1 counts pixels: width = x2 - x1 + 1, overlap = min - max + 1.
        union_eps: mmdet 3.x clamps the union at >= 1e-6, so 0-area vs 0-area gives 0.
        zero_without_overlap: detectron2 / keras-retinanet return exactly 0 wherever the boxes do not
            overlap, so no pair can give 0/0.
        Without union_eps or zero_without_overlap, 0-area vs 0-area gives NaN (torchvision, d2l).
    """

    dtype: Literal["float32", "float64"] = "float64"
    plus_one: bool = False
    union_eps: float = 0.0
    zero_without_overlap: bool = True

    @property
    def can_be_nan(self) -> bool:
        return not self.zero_without_overlap and self.union_eps <= 0 and not self.plus_one


# anchorviz's own IoU: float64, no +1, 0 wherever boxes do not overlap (never NaN).
ANCHORVIZ_IOU = IoUStyle(dtype="float64", zero_without_overlap=True)


@dataclass(frozen=True, kw_only=True)
class Convention:
    """One library's anchor, IoU and assignment conventions.

    Attributes:
        name: key ("torchvision", "mmdet", ...).
        title: what the UI shows.
        cell_formula: which library arithmetic makes the cell anchors (see ``anchors._CELL_FORMULAS``).
        ratio_meaning: "h/w" or "w/h" (d2l).
        size_knob: how a level's anchor sizes are given, in the library's own words:
            "sizes" (absolute side lengths: torchvision, detectron2), "base_size*scales" (mmdet, keras),
            "fractions" (d2l: sizes relative to the image height), "wh" (YOLOv5 pixel (w, h) pairs).
        cell_order: order of the cell anchors at one location: "ratio_major" (ratio outer, size inner),
            "size_major" (detectron2; mmdet with scale_major=False), "d2l" (n + m - 1 anchors: every size
            with the first ratio, then the first size with the other ratios), "ssd" (mmdet SSD), "wh".
        cell_rounding: "none", "round_half_extent" (torchvision: round(+-w/2) half-to-even in float32) or
            "legacy_corners" (mmdet v1: centre 0.5*(base-1), corners ctr -+ 0.5*(w-1), rounded).
        centre_of: what the centre offset multiplies: "stride" (cell centre at (x + offset) * stride) or
            "base" (mmdet: the base anchor is centred at offset * base_size, the grid shift is x * stride).
        default_offset: the library's default centre offset.
        offset_knob: the library's name for the centre offset, or "" when it has none (fixed).
        stride_rule: "floor_from_image" (torchvision: stride = padded image // feature size) or "given".
        anchor_dtype: the dtype the library generates anchors in.
        normalised: d2l returns anchors in [0, 1] image units.
        iou: the IoU style.
        low_quality: the library's low-quality matching rule: "argmax" (torchvision, detectron2: every anchor
            tied for a GT's best IoU becomes positive with its own argmax GT), "gt_all" (mmdet: the GT itself,
            later GTs overwrite), "none" (keras-retinanet), "greedy" (d2l: one-to-one forced rounds).
        neg_inclusive: keras-retinanet calls max IoU <= neg negative (everyone else: < neg).
        outside_rule: anchors the library ignores for being outside the image: "none", "centre"
            (keras-retinanet: centre x >= W or centre y >= H) or "border" (mmdet v1 allowed_border=0).
        coder: key of the box coder preset in ``anchorviz.core.coding.presets.CODERS``.
        sampler: the sampling counting rule ("torchvision", "detectron2", "mmdet") or "" when the library
            trains without sampling (RetinaNet-style focal loss, YOLO, d2l).
        nms_rule: "torchvision" (IoU > thr suppressed; NaN kept) or "d2l" (only IoU <= thr kept).
    """

    name: str
    title: str
    cell_formula: Literal["torchvision", "mmdet", "mmdet_legacy", "detectron2", "keras", "d2l", "wh"]
    ratio_meaning: Literal["h/w", "w/h"] = "h/w"
    size_knob: Literal["sizes", "base_size*scales", "fractions", "wh"] = "sizes"
    cell_order: Literal["ratio_major", "size_major", "d2l", "ssd", "wh"] = "ratio_major"
    cell_rounding: Literal["none", "round_half_extent", "legacy_corners"] = "none"
    centre_of: Literal["stride", "base"] = "stride"
    default_offset: float = 0.0
    offset_knob: str = ""
    stride_rule: Literal["floor_from_image", "given"] = "given"
    anchor_dtype: Literal["float32", "float64"] = "float32"
    normalised: bool = False
    iou: IoUStyle = ANCHORVIZ_IOU
    low_quality: Literal["argmax", "gt_all", "none", "greedy"] = "argmax"
    neg_inclusive: bool = False
    outside_rule: Literal["none", "centre", "border"] = "none"
    coder: str = "torchvision_rpn"
    sampler: Literal["torchvision", "detectron2", "mmdet", ""] = ""
    nms_rule: Literal["torchvision", "d2l"] = "torchvision"


_TORCH_NAN_IOU = IoUStyle(dtype="float32", zero_without_overlap=False)

CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention(
            name="torchvision",
            cell_formula="torchvision",
            title="torchvision",
            size_knob="sizes",
            cell_order="ratio_major",
            cell_rounding="round_half_extent",
            centre_of="stride",
            default_offset=0.0,
            stride_rule="floor_from_image",
            iou=_TORCH_NAN_IOU,
            low_quality="argmax",
            coder="torchvision_rpn",
            sampler="torchvision",
        ),
        Convention(
            name="mmdet",
            cell_formula="mmdet",
            title="mmdetection 3.x",
            size_knob="base_size*scales",
            cell_order="ratio_major",
            centre_of="base",
            default_offset=0.0,
            offset_knob="center_offset",
            iou=IoUStyle(dtype="float32", union_eps=1e-6, zero_without_overlap=False),
            low_quality="gt_all",
            coder="mmdet",
            sampler="mmdet",
        ),
        Convention(
            name="mmdet_v1",
            cell_formula="mmdet_legacy",
            title="mmdetection v1 (legacy +1)",
            size_knob="base_size*scales",
            cell_order="ratio_major",
            cell_rounding="legacy_corners",
            centre_of="base",
            default_offset=0.5,
            offset_knob="center_offset",
            iou=IoUStyle(dtype="float32", plus_one=True, zero_without_overlap=False),
            low_quality="gt_all",
            outside_rule="border",
            coder="mmdet_v1",
            sampler="mmdet",
        ),
        Convention(
            name="mmdet_ssd",
            cell_formula="mmdet",
            title="mmdetection SSD",
            size_knob="base_size*scales",
            cell_order="ssd",
            centre_of="base",
            default_offset=0.0,
            iou=IoUStyle(dtype="float32", union_eps=1e-6, zero_without_overlap=False),
            low_quality="gt_all",
            coder="mmdet_roi",
            sampler="",
        ),
        Convention(
            name="detectron2",
            cell_formula="detectron2",
            title="detectron2",
            size_knob="sizes",
            cell_order="size_major",
            centre_of="stride",
            default_offset=0.0,
            offset_knob="OFFSET",
            iou=IoUStyle(dtype="float32", zero_without_overlap=True),
            low_quality="argmax",
            coder="detectron2",
            sampler="detectron2",
        ),
        Convention(
            name="keras_retinanet",
            cell_formula="keras",
            title="keras-retinanet",
            size_knob="base_size*scales",
            cell_order="ratio_major",
            centre_of="stride",
            default_offset=0.5,
            anchor_dtype="float64",
            iou=IoUStyle(dtype="float64", zero_without_overlap=True),
            low_quality="none",
            neg_inclusive=True,
            outside_rule="centre",
            coder="keras_retinanet",
            sampler="",
        ),
        Convention(
            name="d2l",
            cell_formula="d2l",
            title="d2l (Dive into Deep Learning)",
            ratio_meaning="w/h",
            size_knob="fractions",
            cell_order="d2l",
            centre_of="stride",
            default_offset=0.5,
            normalised=True,
            iou=_TORCH_NAN_IOU,
            low_quality="greedy",
            coder="d2l",
            sampler="",
            nms_rule="d2l",
        ),
        Convention(
            name="yolov5",
            cell_formula="wh",
            title="YOLOv5",
            size_knob="wh",
            cell_order="wh",
            centre_of="stride",
            default_offset=0.5,
            anchor_dtype="float64",
            iou=ANCHORVIZ_IOU,
            low_quality="none",
            coder="",
            sampler="",
        ),
    )
}


def get_convention(name: str) -> Convention:
    """Look a convention up by name; AnchorVizInputError lists the known names."""
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise AnchorVizInputError(
            f"unknown convention {name!r}; expected one of {', '.join(sorted(CONVENTIONS))}"
        ) from None
