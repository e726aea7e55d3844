"""anchorviz.core.resize (and io.network_image): photo -> network input (resize + pad) for the image and its boxes.

All sizes are (height, width), written HxW. Every expected value below can be checked by hand.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.resize import ResizePlan, ResizeSpec, plan_resize, resize_boxes, unresize_boxes
from anchorviz.io.network_image import resize_image

# --------------------------------------------------------------------------------------------------
# plan_resize: table of hand-checkable rows
# (id, image_hw, spec kwargs, resized_hw, (pad_left, pad_top), input_hw)
# --------------------------------------------------------------------------------------------------
PLAN_ROWS = [
    # s = min(800/480, 1333/640) = min(1.6667, 2.0828) = 1.6667; 480*s = 800, 640*s = 1066.67 -> int(+0.5) = 1067
    # (torchvision floors to 1066); pad 1067 up to 34*32 = 1088.
    ("shorter_side 480x640", (480, 640), dict(mode="shorter_side"), (800, 1067), (0, 0), (800, 1088)),
    # the same photo in portrait: the shorter side is the width.
    ("shorter_side 640x480", (640, 480), dict(mode="shorter_side"), (1067, 800), (0, 0), (1088, 800)),
    # very wide: the 1333 cap wins. s = min(800/500, 1333/2000) = 0.6665 -> 333.25 -> 333, 1333;
    # pad 333 -> 11*32 = 352, 1333 -> 42*32 = 1344.
    ("shorter_side 500x2000 capped", (500, 2000), dict(mode="shorter_side"), (333, 1333), (0, 0), (352, 1344)),
    # already 800 on the short side and a multiple of 32: unchanged.
    ("shorter_side 800x800", (800, 800), dict(mode="shorter_side"), (800, 800), (0, 0), (800, 800)),
    # scikit-image rocket size: s = 800/427 = 1.87354; 640*s = 1199.06 -> 1199; pad -> 38*32 = 1216.
    ("shorter_side 427x640", (427, 640), dict(mode="shorter_side"), (800, 1199), (0, 0), (800, 1216)),
    # size_divisor=1: no padding at all.
    ("shorter_side no pad", (480, 640), dict(mode="shorter_side", size_divisor=1), (800, 1067), (0, 0), (800, 1067)),
    # smaller targets: s = min(600/480, 1000/640) = 1.25 -> 600x800, already multiples of 8.
    (
        "shorter_side 600/1000",
        (480, 640),
        dict(mode="shorter_side", min_size=600, max_size=1000, size_divisor=8),
        (600, 800),
        (0, 0),
        (600, 800),
    ),
    # YOLOv5 letterbox: r = min(640/1000, 640/500) = 0.64 -> 640x320; dw = (640-320)/2 = 160 -> left 160.
    ("letterbox 1000x500", (1000, 500), dict(mode="letterbox"), (640, 320), (160, 0), (640, 640)),
    # r = min(640/480, 640/640) = 1 -> unchanged 480x640; dh = 80 -> top 80.
    ("letterbox 480x640", (480, 640), dict(mode="letterbox"), (480, 640), (0, 80), (640, 640)),
    # dh = (640-427)/2 = 106.5: top = round(106.4) = 106 (YOLOv5 bottom = round(106.6) = 107).
    ("letterbox 427x640 odd pad", (427, 640), dict(mode="letterbox"), (427, 640), (0, 106), (640, 640)),
    # scaleup=True: a small square photo is blown up to fill the whole canvas.
    ("letterbox 100x100 upscale", (100, 100), dict(mode="letterbox"), (640, 640), (0, 0), (640, 640)),
    # r = min(640/300, 640/400) = 1.6 -> 480x640, top (640-480)/2 = 80.
    ("letterbox 300x400", (300, 400), dict(mode="letterbox"), (480, 640), (0, 80), (640, 640)),
    # letterbox_size 320: r = min(320/1000, 320/500) = 0.32 -> 320x160, left 80; size_divisor is ignored.
    (
        "letterbox 320 canvas",
        (1000, 500),
        dict(mode="letterbox", letterbox_size=320, size_divisor=64),
        (320, 160),
        (80, 0),
        (320, 320),
    ),
    # none: no scaling; 37 -> 64, 50 -> 64 (next multiples of 32).
    ("none 37x50 /32", (37, 50), dict(mode="none"), (37, 50), (0, 0), (64, 64)),
    # none with divisor 1: input == photo.
    ("none 37x50 /1", (37, 50), dict(mode="none", size_divisor=1), (37, 50), (0, 0), (37, 50)),
    # none on the astronaut sample: 512 is already 16*32.
    ("none 512x512", (512, 512), dict(mode="none"), (512, 512), (0, 0), (512, 512)),
    # custom keep_ratio: fit 480x640 inside 640x640 -> s = min(640/480, 640/640) = 1 -> unchanged.
    ("custom fit 640x640", (480, 640), dict(mode="custom"), (480, 640), (0, 0), (480, 640)),
    # fit inside 300x300: s = min(300/480, 300/640) = 0.46875 -> 225x300; pad -> 256x320.
    ("custom fit 300x300", (480, 640), dict(mode="custom", custom_hw=(300, 300)), (225, 300), (0, 0), (256, 320)),
    # stretch (keep_ratio=False) to exactly 300x200; pad -> 320x224.
    (
        "custom stretch 300x200",
        (480, 640),
        dict(mode="custom", custom_hw=(300, 200), keep_ratio=False),
        (300, 200),
        (0, 0),
        (320, 224),
    ),
    # stretch to 512x512 with no padding.
    (
        "custom stretch 512 /1",
        (480, 640),
        dict(mode="custom", custom_hw=(512, 512), keep_ratio=False, size_divisor=1),
        (512, 512),
        (0, 0),
        (512, 512),
    ),
]


@pytest.mark.parametrize(
    "image_hw, spec_kwargs, resized_hw, pads, input_hw",
    [row[1:] for row in PLAN_ROWS],
    ids=[row[0] for row in PLAN_ROWS],
)
def test_plan_resize_table(image_hw, spec_kwargs, resized_hw, pads, input_hw):
    plan = plan_resize(image_hw, ResizeSpec(**spec_kwargs))
    assert plan.image_hw == image_hw
    assert plan.resized_hw == resized_hw
    assert (plan.pad_left, plan.pad_top) == pads
    assert plan.input_hw == input_hw
    # the real per-axis factors of the rounded size
    assert plan.scale_y == pytest.approx(resized_hw[0] / image_hw[0])
    assert plan.scale_x == pytest.approx(resized_hw[1] / image_hw[1])
    assert plan.pad_right >= 0 and plan.pad_bottom >= 0
    assert plan.content_xyxy == (pads[0], pads[1], pads[0] + resized_hw[1], pads[1] + resized_hw[0])
    assert isinstance(plan.describe(), str) and f"{input_hw[1]}×{input_hw[0]}" in plan.describe()  # w×h


def test_shorter_side_uses_mmdet_rounding_not_torchvision_floor():
    # 640 * (800/480) = 1066.67: mmdet int(x + 0.5) -> 1067, torchvision floor -> 1066. We follow mmdet.
    plan = plan_resize((480, 640), ResizeSpec(mode="shorter_side"))
    assert plan.resized_hw[1] == 1067 == int(640 * 800 / 480 + 0.5)
    assert math.floor(640 * 800 / 480) == 1066
    assert plan.scale_y == pytest.approx(800 / 480)  # 1.6667
    assert plan.scale_x == pytest.approx(1067 / 640)  # 1.6672


def test_letterbox_pads_sum_to_canvas():
    # 427x640: top 106 + 427 + bottom 107 = 640 (the odd pixel goes to the bottom, as in YOLOv5).
    plan = plan_resize((427, 640), ResizeSpec(mode="letterbox"))
    assert (plan.pad_top, plan.pad_bottom, plan.pad_left, plan.pad_right) == (106, 107, 0, 0)


def test_extreme_aspect_keeps_at_least_one_pixel():
    # 1x10000: letterbox r = 0.064 -> round(0.064) = 0 rows, clamped to 1.
    plan = plan_resize((1, 10000), ResizeSpec(mode="letterbox"))
    assert plan.resized_hw == (1, 640)
    plan = plan_resize((1, 10000), ResizeSpec(mode="shorter_side"))
    assert plan.resized_hw == (1, 1333)


def test_describe_examples():
    # sizes are written width×height, as everywhere in the app
    text = plan_resize((480, 640), ResizeSpec(mode="shorter_side")).describe()
    assert "640×480 photo" in text and "1067×800" in text and "1088×800 (w×h)" in text and "32" in text
    assert "HxW" not in text and not re.search(r"\d+x\d+", text)
    text = plan_resize((1000, 500), ResizeSpec(mode="letterbox")).describe()
    assert "320×640" in text and "left 160" in text
    text = plan_resize((800, 800), ResizeSpec(mode="none")).describe()
    assert "no padding" in text


# --------------------------------------------------------------------------------------------------
# boxes
# --------------------------------------------------------------------------------------------------
BOX_ROWS = [
    # letterbox 1000x500: x * 0.64 + 160, y * 0.64 + 0. The whole photo -> the content strip.
    ("letterbox full photo", (1000, 500), dict(mode="letterbox"), [0, 0, 500, 1000], [160, 0, 480, 640]),
    # 100*0.64+160 = 224, 200*0.64 = 128, 300*0.64+160 = 352, 400*0.64 = 256.
    ("letterbox inner box", (1000, 500), dict(mode="letterbox"), [100, 200, 300, 400], [224, 128, 352, 256]),
    # letterbox 480x640: scale 1, only shifted down by 80.
    ("letterbox shift", (480, 640), dict(mode="letterbox"), [10, 20, 30, 40], [10, 100, 30, 120]),
    # shorter_side 480x640: the whole photo -> 1067x800 (the padding is outside).
    ("shorter_side full photo", (480, 640), dict(mode="shorter_side"), [0, 0, 640, 480], [0, 0, 1067, 800]),
    # y: 240 * 800/480 = 400; x: 320 * 1067/640 = 533.5.
    ("shorter_side centre", (480, 640), dict(mode="shorter_side"), [320, 240, 320, 240], [533.5, 400, 533.5, 400]),
    # none: identity (the padding is bottom/right).
    ("none identity", (37, 50), dict(mode="none"), [1, 2, 3, 4], [1, 2, 3, 4]),
    # custom stretch 480x640 -> 300x200: x * 200/640 = x * 0.3125, y * 300/480 = y * 0.625.
    (
        "custom stretch",
        (480, 640),
        dict(mode="custom", custom_hw=(300, 200), keep_ratio=False),
        [64, 48, 640, 480],
        [20, 30, 200, 300],
    ),
]


@pytest.mark.parametrize(
    "image_hw, spec_kwargs, box, expected", [r[1:] for r in BOX_ROWS], ids=[r[0] for r in BOX_ROWS]
)
def test_resize_boxes_table(image_hw, spec_kwargs, box, expected):
    plan = plan_resize(image_hw, ResizeSpec(**spec_kwargs))
    out = resize_boxes([box], plan)
    assert out.dtype == np.float64 and out.shape == (1, 4)
    np.testing.assert_allclose(out[0], expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(unresize_boxes(out, plan)[0], box, rtol=0, atol=1e-9)


specs = st.one_of(
    st.builds(lambda d: ResizeSpec(mode="none", size_divisor=d), st.integers(1, 64)),
    st.builds(
        lambda a, b, d: ResizeSpec(mode="shorter_side", min_size=min(a, b), max_size=max(a, b), size_divisor=d),
        st.integers(1, 2000),
        st.integers(1, 2000),
        st.integers(1, 64),
    ),
    st.builds(lambda s: ResizeSpec(mode="letterbox", letterbox_size=s), st.integers(1, 2048)),
    st.builds(
        lambda h, w, k, d: ResizeSpec(mode="custom", custom_hw=(h, w), keep_ratio=k, size_divisor=d),
        st.integers(1, 2048),
        st.integers(1, 2048),
        st.booleans(),
        st.integers(1, 64),
    ),
)
coords = st.floats(min_value=-5000, max_value=5000, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    image_hw=st.tuples(st.integers(1, 4000), st.integers(1, 4000)),
    spec=specs,
    raw=st.lists(st.tuples(coords, coords, coords, coords), max_size=8),
)
def test_round_trip_is_identity(image_hw, spec, raw):
    boxes = np.array([[min(a, c), min(b, d), max(a, c), max(b, d)] for a, b, c, d in raw], dtype=np.float64)
    boxes = boxes.reshape(-1, 4)
    before = boxes.copy()
    plan = plan_resize(image_hw, spec)
    there = resize_boxes(boxes, plan)
    back = unresize_boxes(there, plan)
    np.testing.assert_allclose(back, boxes, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(boxes, before)  # never mutated
    # the plan is self-consistent
    assert plan.pad_left >= 0 and plan.pad_top >= 0 and plan.pad_right >= 0 and plan.pad_bottom >= 0
    assert plan.resized_hw[0] >= 1 and plan.resized_hw[1] >= 1
    if spec.mode != "letterbox":
        assert plan.input_hw[0] % spec.size_divisor == 0 and plan.input_hw[1] % spec.size_divisor == 0
        assert plan.input_hw[0] - plan.resized_hw[0] < spec.size_divisor
    else:
        assert plan.input_hw == (spec.letterbox_size, spec.letterbox_size)
        assert abs(plan.pad_left - plan.pad_right) <= 1 and abs(plan.pad_top - plan.pad_bottom) <= 1
    # the photo corners land on the content corners
    h, w = image_hw
    np.testing.assert_allclose(resize_boxes([[0, 0, w, h]], plan)[0], plan.content_xyxy, atol=1e-9)


@pytest.mark.parametrize("empty", [[], np.zeros((0, 4)), np.zeros((0,), dtype=np.int64)])
def test_empty_boxes(empty):
    plan = plan_resize((480, 640), ResizeSpec(mode="letterbox"))
    for fn in (resize_boxes, unresize_boxes):
        out = fn(empty, plan)
        assert out.shape == (0, 4) and out.dtype == np.float64


def test_boxes_not_mutated_and_int_input_accepted():
    plan = plan_resize((1000, 500), ResizeSpec(mode="letterbox"))
    boxes = np.array([[100, 200, 300, 400]], dtype=np.int64)
    out = resize_boxes(boxes, plan)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(boxes, [[100, 200, 300, 400]])
    assert not np.shares_memory(out, boxes)
    fboxes = np.array([[224.0, 128.0, 352.0, 256.0]])
    back = unresize_boxes(fboxes, plan)
    np.testing.assert_array_equal(fboxes, [[224, 128, 352, 256]])
    assert not np.shares_memory(back, fboxes)


@pytest.mark.parametrize(
    "boxes, match",
    [
        ([[1, 2, 3]], r"shape \(N, 4\)"),
        ([[5, 0, 1, 1]], "inverted"),
        ([[0, 0, float("nan"), 1]], "NaN"),
    ],
)
def test_bad_boxes(boxes, match):
    plan = plan_resize((100, 100), ResizeSpec(mode="none"))
    with pytest.raises(AnchorVizInputError, match=match):
        resize_boxes(boxes, plan)
    with pytest.raises(AnchorVizInputError, match=match):
        unresize_boxes(boxes, plan)


def test_plan_must_be_a_resize_plan():
    with pytest.raises(AnchorVizInputError, match="ResizePlan"):
        resize_boxes([[0, 0, 1, 1]], ResizeSpec(mode="none"))


# --------------------------------------------------------------------------------------------------
# resize_image
# --------------------------------------------------------------------------------------------------
IMAGE_ROWS = [
    ((480, 640), dict(mode="shorter_side")),  # -> 800x1088
    ((1000, 500), dict(mode="letterbox")),  # -> 640x640
    ((37, 50), dict(mode="none")),  # -> 64x64
    ((480, 640), dict(mode="custom", custom_hw=(300, 300))),  # -> 256x320
    ((480, 640), dict(mode="custom", custom_hw=(300, 200), keep_ratio=False)),  # -> 320x224
    ((427, 640), dict(mode="letterbox")),  # -> 640x640, no scaling, top 106
]


@pytest.mark.parametrize("image_hw, spec_kwargs", IMAGE_ROWS)
def test_resize_image_shape_and_padding(image_hw, spec_kwargs):
    rng = np.random.default_rng(0)
    image = rng.integers(1, 255, size=(*image_hw, 3), dtype=np.uint8)  # no 0 / 255: padding stands out
    before = image.copy()
    plan = plan_resize(image_hw, ResizeSpec(**spec_kwargs))
    out = resize_image(image, plan)
    assert out.shape == (*plan.input_hw, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(image, before)  # not mutated
    assert not np.shares_memory(out, image)
    fill = 114 if plan.mode == "letterbox" else 0
    x1, y1, x2, y2 = plan.content_xyxy
    mask = np.ones(plan.input_hw, dtype=bool)
    mask[y1:y2, x1:x2] = False
    assert (out[mask] == fill).all()
    if plan.resized_hw == image_hw:  # no scaling: the photo is copied unchanged
        np.testing.assert_array_equal(out[y1:y2, x1:x2], image)


def test_resize_image_content_follows_the_boxes():
    # a white square at rows 200..400, cols 100..300 of a 1000x500 photo -> letterbox box [224, 128, 352, 256]
    image = np.zeros((1000, 500, 3), dtype=np.uint8)
    image[200:400, 100:300] = 255
    plan = plan_resize((1000, 500), ResizeSpec(mode="letterbox"))
    out = resize_image(image, plan, pad_value=0)
    ys, xs = np.nonzero(out[..., 0] > 127)
    x1, y1, x2, y2 = resize_boxes([[100, 200, 300, 400]], plan)[0]
    assert abs(xs.min() - x1) <= 1 and abs(xs.max() + 1 - x2) <= 1
    assert abs(ys.min() - y1) <= 1 and abs(ys.max() + 1 - y2) <= 1


def test_resize_image_custom_pad_value():
    plan = plan_resize((37, 50), ResizeSpec(mode="none"))
    out = resize_image(np.zeros((37, 50, 3), dtype=np.uint8), plan, pad_value=7)
    assert out[40, 60].tolist() == [7, 7, 7] and out[0, 0].tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    "image, kwargs, match",
    [
        (np.zeros((37, 50, 3), dtype=np.float32), {}, "uint8"),
        (np.zeros((37, 50), dtype=np.uint8), {}, r"\(H, W, 3\)"),
        (np.zeros((37, 50, 4), dtype=np.uint8), {}, r"\(H, W, 3\)"),
        ([[0]], {}, "uint8"),
        (np.zeros((50, 37, 3), dtype=np.uint8), {}, "50×37 photo"),  # transposed: the plan is for a 50×37 (w×h) photo
        (np.zeros((37, 50, 3), dtype=np.uint8), {"pad_value": 300}, "pad_value"),
        (np.zeros((37, 50, 3), dtype=np.uint8), {"pad_value": -1}, "pad_value"),
    ],
)
def test_resize_image_bad_input(image, kwargs, match):
    plan = plan_resize((37, 50), ResizeSpec(mode="none"))
    with pytest.raises(AnchorVizInputError, match=match):
        resize_image(image, plan, **kwargs)


# --------------------------------------------------------------------------------------------------
# ResizeSpec / plan_resize validation
# --------------------------------------------------------------------------------------------------
BAD_SPECS = [
    (dict(mode="bogus"), "mode: expected one of none, shorter_side, letterbox, custom"),
    (dict(mode="shorter_side", min_size=0), "min_size: expected a positive integer, got 0"),
    (dict(mode="shorter_side", max_size=-5), "max_size: expected a positive integer, got -5"),
    (dict(mode="shorter_side", min_size=900, max_size=800), r"expected min_size <= max_size"),
    (dict(mode="shorter_side", min_size=800.5), "min_size: expected a positive integer"),
    (dict(mode="shorter_side", min_size=True), "min_size: expected a positive integer"),
    (dict(mode="letterbox", letterbox_size=0), "letterbox_size"),
    (dict(mode="custom", custom_hw=(0, 640)), "custom_hw height"),
    (dict(mode="custom", custom_hw=(640, -1)), "custom_hw width"),
    (dict(mode="custom", custom_hw=(640,)), r"custom_hw: expected \(height, width\)"),
    (dict(mode="custom", custom_hw=640), r"custom_hw: expected \(height, width\)"),
    (dict(mode="custom", keep_ratio="yes"), "keep_ratio"),
    (dict(mode="none", size_divisor=0), "size_divisor: expected a positive integer, got 0"),
]


@pytest.mark.parametrize("kwargs, match", BAD_SPECS)
def test_bad_specs(kwargs, match):
    with pytest.raises(AnchorVizInputError, match=match):
        ResizeSpec(**kwargs)


def test_spec_is_frozen_keyword_only_and_normalised():
    with pytest.raises(TypeError):
        ResizeSpec("none")  # keyword-only
    spec = ResizeSpec(mode="custom", custom_hw=[np.int64(300), 200], min_size=np.int32(600))
    assert spec.custom_hw == (300, 200) and type(spec.custom_hw[0]) is int
    assert spec.min_size == 600 and type(spec.min_size) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.mode = "none"  # type: ignore[misc]
    assert ResizeSpec(mode="shorter_side") == ResizeSpec(mode="shorter_side")  # hashable value object
    assert hash(ResizeSpec(mode="letterbox")) == hash(ResizeSpec(mode="letterbox"))


@pytest.mark.parametrize(
    "image_hw, match",
    [((0, 10), "image_hw height"), ((10, -1), "image_hw width"), ((10,), "image_hw"), ("ab", "image_hw")],
)
def test_bad_image_hw(image_hw, match):
    with pytest.raises(AnchorVizInputError, match=match):
        plan_resize(image_hw, ResizeSpec(mode="none"))


def test_bad_spec_type():
    with pytest.raises(AnchorVizInputError, match="ResizeSpec"):
        plan_resize((10, 10), {"mode": "none"})


def test_plan_is_frozen():
    plan = plan_resize((10, 10), ResizeSpec(mode="none"))
    assert isinstance(plan, ResizePlan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.scale_x = 2.0  # type: ignore[misc]
