"""Tests for anchorviz.core.coding (box encode/decode of six libraries, described by CoderSpec)."""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorviz.core.coding.presets import (CODERS, D2L, DETECTRON2, KERAS_RETINANET, MMDET, MMDET_ROI,
                                           MMDET_V1_LEGACY, MMDET_YOLOF, TORCHVISION_ROI, TORCHVISION_RPN)
from anchorviz.core.coding.spec import CoderSpec
from anchorviz.core.coding.codec import decode, encode
from anchorviz.core.errors import AnchorVizInputError

REFERENCE = Path(__file__).parents[1] / "data" / "reference"
ENC_RTOL = 1e-6  # encoded values: float32 exact doubles
DEC_RTOL = 1e-5  # decoded boxes
ATOL = 1e-6  # for values at or near zero


def load_cases(library: str) -> list[dict]:
    return json.loads((REFERENCE / f"{library}.json").read_text())["cases"]


def golden_cases(library: str, function: str) -> list:
    """Every case of ``library``.json whose ``function`` field is ``function``, as pytest params."""
    return [
        pytest.param(c, id=f"{library}[{i}]") for i, c in enumerate(load_cases(library)) if c["function"] == function
    ]


def as_array(values) -> np.ndarray:
    """Golden values to float64; the strings "nan", "inf", "-inf" parse as such."""
    return np.array(values, dtype=np.float64)


def assert_close(got, expected, rtol):
    np.testing.assert_allclose(got, as_array(expected), rtol=rtol, atol=ATOL)


# --- golden cases ---------------------------------------------------------------------------------
# Each case names its library function; the spec is the preset with the case's params filled in.

TV_CODER = golden_cases("torchvision", "BoxCoder.encode_single / decode_single / decode")
D2_CODER = golden_cases("detectron2", "Box2BoxTransform.get_deltas / apply_deltas")
MM_CODER = golden_cases("mmdet", "DeltaXYWHBBoxCoder.encode / decode")
MM_CTR_CLAMP = golden_cases("mmdet", "DeltaXYWHBBoxCoder.decode")
MM_LEGACY = golden_cases("mmdet", "LegacyDeltaXYWHBBoxCoder.encode / decode")
KERAS_ENC = golden_cases("keras_retinanet", "bbox_transform")
KERAS_DEC = golden_cases("keras_retinanet", "backend.bbox_transform_inv (NumPy re-implementation)")
D2L_ENC = golden_cases("d2l", "offset_boxes")
D2L_DEC = golden_cases("d2l", "offset_inverse")


def spec_for(case: dict) -> CoderSpec:
    """The CoderSpec for a golden case: a preset of that library with the case's params applied."""
    p = case.get("params", {})
    function = case["function"]
    if function.startswith("BoxCoder"):
        return dataclasses.replace(TORCHVISION_RPN, weights=tuple(p["weights"]), dwh_clamp=p["bbox_xform_clip"])
    if function.startswith("Box2BoxTransform"):
        return dataclasses.replace(DETECTRON2, weights=tuple(p["weights"]), dwh_clamp=p["scale_clamp"])
    if function == "DeltaXYWHBBoxCoder.encode / decode":
        return dataclasses.replace(
            MMDET,
            means=tuple(p["target_means"]),
            stds=tuple(p["target_stds"]),
            dwh_clamp=abs(math.log(p["wh_ratio_clip"])),
        )
    if function == "DeltaXYWHBBoxCoder.decode":
        assert p["add_ctr_clamp"] is True
        return dataclasses.replace(MMDET_YOLOF, ctr_clamp=p["ctr_clamp"])
    if function.startswith("LegacyDeltaXYWHBBoxCoder"):
        return dataclasses.replace(MMDET_V1_LEGACY, means=tuple(p["target_means"]), stds=tuple(p["target_stds"]))
    if function.startswith(("bbox_transform", "backend.bbox_transform_inv")):
        return dataclasses.replace(KERAS_RETINANET, means=tuple(p["mean"]), stds=tuple(p["std"]))
    if function in ("offset_boxes", "offset_inverse"):
        return D2L
    raise KeyError(function)


def test_golden_coder_cases_exist():
    groups = (TV_CODER, D2_CODER, MM_CODER, MM_CTR_CLAMP, MM_LEGACY, KERAS_ENC, KERAS_DEC, D2L_ENC, D2L_DEC)
    counts = [len(x) for x in groups]
    assert counts == [2, 2, 2, 1, 2, 2, 1, 1, 1]


@pytest.mark.parametrize("case", TV_CODER + D2_CODER + MM_CODER + MM_LEGACY)
def test_centre_log_coders_match_golden(case):
    spec = spec_for(case)
    inputs, outputs = case["inputs"], case["outputs"]
    # torchvision / mmdet name the outputs encoded / roundtrip_decoded, detectron2 deltas / roundtrip
    encoded_key = "encoded" if "encoded" in outputs else "deltas"
    roundtrip_key = "roundtrip_decoded" if "roundtrip_decoded" in outputs else "roundtrip"
    deltas = encode(inputs["enc_anchors"], inputs["enc_gts"], spec)
    assert_close(deltas, outputs[encoded_key], ENC_RTOL)
    assert_close(decode(inputs["enc_anchors"], deltas, spec), outputs[roundtrip_key], DEC_RTOL)
    decoded = decode(inputs["dec_anchors"], inputs["dec_deltas"], spec)
    assert_close(decoded, outputs["decoded"], DEC_RTOL)
    if "decode_list_api" in outputs:  # torchvision BoxCoder.decode returns (N, 1, 4)
        assert_close(decoded.reshape(-1, 1, 4), outputs["decode_list_api"], DEC_RTOL)
    if "max_shape_for_clip" in inputs:
        key = next(k for k in outputs if k.startswith("decoded_clipped_max_shape"))
        max_shape = tuple(inputs["max_shape_for_clip"])  # (H, W)
        clipped = decode(inputs["dec_anchors"], inputs["dec_deltas"], spec, max_shape=max_shape)
        assert_close(clipped, outputs[key], DEC_RTOL)


@pytest.mark.parametrize("case", MM_CTR_CLAMP)
def test_mmdet_ctr_clamp_decode_matches_golden(case):
    decoded = decode(case["inputs"]["dec_anchors"], case["inputs"]["dec_deltas"], spec_for(case))
    assert_close(decoded, case["outputs"]["decoded"], DEC_RTOL)


@pytest.mark.parametrize("case", KERAS_ENC)
def test_keras_bbox_transform_matches_golden(case):
    targets = encode(case["inputs"]["anchors"], case["inputs"]["gt_boxes"], spec_for(case))
    assert_close(targets, case["outputs"]["targets"], ENC_RTOL)


@pytest.mark.parametrize("case", KERAS_DEC)
def test_keras_bbox_transform_inv_matches_golden(case):
    spec = spec_for(case)
    decoded = decode(case["inputs"]["dec_anchors"], case["inputs"]["dec_deltas"], spec)
    assert_close(decoded, case["outputs"]["decoded"], DEC_RTOL)
    # roundtrip_decoded_of_ENC: decode(encode(ENC pairs)); the ENC pairs are the bbox_transform inputs
    enc = next(c for c in load_cases("keras_retinanet") if c["function"] == "bbox_transform" and spec_for(c) == spec)
    anchors = enc["inputs"]["anchors"]
    roundtrip = decode(anchors, encode(anchors, enc["inputs"]["gt_boxes"], spec), spec)
    assert_close(roundtrip, case["outputs"]["roundtrip_decoded_of_ENC"], DEC_RTOL)


@pytest.mark.parametrize("case", D2L_ENC)
def test_d2l_offset_boxes_matches_golden(case):
    offsets = encode(case["inputs"]["anchors"], case["inputs"]["assigned_bb"], spec_for(case))
    assert_close(offsets, case["outputs"]["offsets"], ENC_RTOL)


@pytest.mark.parametrize("case", D2L_DEC)
def test_d2l_offset_inverse_matches_golden(case):
    decoded = decode(case["inputs"]["dec_anchors"], case["inputs"]["dec_deltas"], D2L)
    assert_close(decoded, case["outputs"]["decoded"], DEC_RTOL)
    enc = next(c for c in load_cases("d2l") if c["function"] == "offset_boxes")["inputs"]
    roundtrip = decode(enc["anchors"], encode(enc["anchors"], enc["assigned_bb"], D2L), D2L)
    assert_close(roundtrip, case["outputs"]["roundtrip_decoded_of_ENC"], DEC_RTOL)


def test_every_preset_is_a_golden_configuration():
    # the golden params, applied to a library's base preset, reproduce every named preset
    def maths(spec: CoderSpec) -> CoderSpec:
        return dataclasses.replace(spec, name="", describe="")

    all_cases = [
        p.values[0] for p in TV_CODER + D2_CODER + MM_CODER + MM_CTR_CLAMP + MM_LEGACY + KERAS_ENC + D2L_ENC
    ]
    golden_maths = {maths(spec_for(c)) for c in all_cases}
    assert {name for name, spec in CODERS.items() if maths(spec) in golden_maths} == set(CODERS)


# --- hand-checked table ---------------------------------------------------------------------------

UNIT = [0, 0, 10, 10]  # a 10 x 10 anchor, centre (5, 5)

ENCODE_TABLE = [
    # (spec, anchor, gt, expected deltas)
    pytest.param(TORCHVISION_RPN, UNIT, [1, 2, 11, 12], [0.1, 0.2, 0, 0], id="tv rpn: shift 1, 2 px of 10"),
    pytest.param(TORCHVISION_ROI, UNIT, [1, 2, 11, 12], [1.0, 2.0, 0, 0], id="tv roi: weights 10 scale dx"),
    pytest.param(MMDET_ROI, UNIT, [1, 2, 11, 12], [1.0, 2.0, 0, 0], id="mmdet roi: / std 0.1"),
    pytest.param(MMDET, UNIT, [0, 0, 20, 10], [0.5, 0, math.log(2), 0], id="twice as wide: centre +5, dw log 2"),
    pytest.param(TORCHVISION_RPN, UNIT, [0, 0, 20, 10], [0.5, 0, math.log(2), 0], id="tv: same as mmdet here"),
    pytest.param(MMDET_V1_LEGACY, UNIT, [1, 2, 11, 12], [1 / 11, 2 / 11, 0, 0], id="legacy: widths 11 (+1)"),
    pytest.param(KERAS_RETINANET, UNIT, [1, 2, 11, 12], [0.5, 1.0, 0.5, 1.0], id="keras: corners .1/.2 of size, /0.2"),
    pytest.param(KERAS_RETINANET, UNIT, [0, 0, 20, 10], [0, 0, 5.0, 0], id="keras: x2 moves 10 px = 1.0 / 0.2"),
    # d2l: 5*log(1e-6 + 1); in float32, 1 + 1e-6 rounds to 1 + 2**-20, so a perfect match gives 4.768e-6
    pytest.param(D2L, UNIT, UNIT, [0, 0, 5 * math.log1p(2**-20), 5 * math.log1p(2**-20)], id="d2l: eps inside log"),
    pytest.param(D2L, UNIT, [1, 2, 11, 12], [1.0, 2.0, 5 * math.log1p(2**-20), 5 * math.log1p(2**-20)], id="d2l: x10"),
]


@pytest.mark.parametrize(("spec", "anchor", "gt", "expected"), ENCODE_TABLE)
def test_encode_table(spec, anchor, gt, expected):
    deltas = encode([anchor], [gt], spec)
    assert deltas.dtype == np.float64 and deltas.shape == (1, 4)
    np.testing.assert_allclose(deltas[0], expected, rtol=1e-6, atol=1e-7)


DECODE_TABLE = [
    # (spec, anchor, deltas, max_shape, expected box)
    pytest.param(TORCHVISION_RPN, UNIT, [0, 0, 0, -50], None, [0, 5, 10, 5], id="tv: no lower clamp, h -> 0"),
    pytest.param(MMDET, UNIT, [0, 0, 0, -50], None, [0, 4.92, 10, 5.08], id="mmdet: dh clamped, h = 10*0.016"),
    pytest.param(TORCHVISION_RPN, UNIT, [0, 0, 50, 0], None, [-307.5, 0, 317.5, 10], id="tv: dw capped, w = 10*62.5"),
    pytest.param(MMDET_YOLOF, UNIT, [10, 0, 0, 0], None, [32, 0, 42, 10], id="yolof: 100 px shift capped at 32"),
    pytest.param(MMDET_YOLOF, UNIT, [0, 0, -50, 0], None, [5, 0, 5, 10], id="yolof: dw not clamped from below"),
    pytest.param(D2L, UNIT, [10, 0, 0, 0], None, [10, 0, 20, 10], id="d2l: dx 10 -> shift 10*10/10 px"),
    pytest.param(D2L, UNIT, [0, 0, 5, 0], None, [5 - 5 * math.e, 0, 5 + 5 * math.e, 10], id="d2l: w = e*10"),
    pytest.param(KERAS_RETINANET, UNIT, [1, 0, -1, 0], None, [2, 0, 8, 10], id="keras: corners move 0.2*10"),
    pytest.param(KERAS_RETINANET, UNIT, [0, 0, -50, 0], None, [0, 0, -90, 10], id="keras: no clamp, box inverts"),
    pytest.param(MMDET_V1_LEGACY, UNIT, [0, 0, 0, 0], None, [-0.5, -0.5, 10.5, 10.5], id="legacy: +1 not taken back"),
    pytest.param(MMDET, UNIT, [0, 0, 0, 0], (8, 6), [0, 0, 6, 8], id="mmdet: clip x to W=6, y to H=8"),
    pytest.param(MMDET_V1_LEGACY, UNIT, [0, 0, 0, 0], (8, 6), [0, 0, 5, 7], id="legacy: clip to W-1, H-1"),
]


@pytest.mark.parametrize(("spec", "anchor", "deltas", "max_shape", "expected"), DECODE_TABLE)
def test_decode_table(spec, anchor, deltas, max_shape, expected):
    box = decode([anchor], [deltas], spec, max_shape=max_shape)
    assert box.dtype == np.float64 and box.shape == (1, 4)
    np.testing.assert_allclose(box[0], expected, rtol=1e-5, atol=1e-5)


# --- properties -----------------------------------------------------------------------------------

centre = st.floats(0, 800, allow_nan=False)
size = st.floats(1, 300, allow_nan=False)
log_ratio = st.floats(-3.5, 3.5, allow_nan=False)  # inside the |log(1000/16)| = 4.135 clamp
shift = st.floats(-30, 30, allow_nan=False)  # inside YOLOF's 32 px centre clamp


@st.composite
def anchor_gt_pairs(draw):
    n = draw(st.integers(1, 8))
    anchors, gts = [], []
    for _ in range(n):
        cx, cy, w, h = draw(centre), draw(centre), draw(size), draw(size)
        gx, gy = cx + draw(shift), cy + draw(shift)
        gw, gh = w * math.exp(draw(log_ratio)), h * math.exp(draw(log_ratio))
        anchors.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
        gts.append([gx - gw / 2, gy - gh / 2, gx + gw / 2, gy + gh / 2])
    return np.array(anchors), np.array(gts)


@settings(max_examples=60, deadline=None)
@given(anchor_gt_pairs(), st.sampled_from(sorted(CODERS)))
def test_decode_inverts_encode_inside_the_clamps(pairs, name):
    spec = CODERS[name]
    anchors, gts = pairs
    # float32 coders lose ~1e-7 relative; the legacy coder's round trip grows the box by 0.5 px per side
    expected = gts + (np.array([-0.5, -0.5, 0.5, 0.5]) if spec.plus_one else 0.0)
    # mmdet clamps on float32-rounded values, so keep the true ratio safely inside 0.016..62.5
    roundtrip = decode(anchors, encode(anchors, gts, spec), spec)
    np.testing.assert_allclose(roundtrip, expected, rtol=1e-5, atol=2e-3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(centre, centre, st.floats(0, 300), st.floats(0, 300)), min_size=1, max_size=6),
    st.data(),
    st.sampled_from(sorted(CODERS)),
)
def test_decode_of_large_deltas_is_finite_and_silent(boxes, data, name):
    anchors = np.array([[x, y, x + w, y + h] for x, y, w, h in boxes])  # zero-size anchors included
    deltas = np.array(
        data.draw(st.lists(st.tuples(*[st.floats(-50, 50)] * 4), min_size=len(boxes), max_size=len(boxes)))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = decode(anchors, deltas, CODERS[name])
    assert np.isfinite(out).all()


# --- spec behaviour -------------------------------------------------------------------------------


def test_presets_are_named_and_described():
    for name, spec in CODERS.items():
        assert spec.name == name and spec.describe
    assert DETECTRON2.weights == TORCHVISION_RPN.weights and DETECTRON2.dwh_clamp == TORCHVISION_RPN.dwh_clamp
    assert math.isclose(MMDET.dwh_clamp, math.log(1000 / 16))


def test_custom_spec_needs_no_library_name():
    spec = CoderSpec(name="halved", kind="centre_log", weights=(2, 2, 1, 1), dtype="float64")
    deltas = encode([UNIT], [[1, 2, 11, 12]], spec)
    np.testing.assert_allclose(deltas, [[0.2, 0.4, 0, 0]])
    np.testing.assert_allclose(decode([UNIT], deltas, spec), [[1, 2, 11, 12]])


def test_spec_is_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        MMDET.stds = (1, 1, 1, 1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        CoderSpec("x", "corner")  # type: ignore[misc]


def test_spec_fields_are_normalised_to_float_tuples():
    spec = CoderSpec(name="x", kind="corner", stds=np.array([1, 2, 3, 4]))
    assert spec.stds == (1.0, 2.0, 3.0, 4.0) and isinstance(spec.stds, tuple)
    assert hash(spec) == hash(CoderSpec(name="x", kind="corner", stds=(1, 2, 3, 4)))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(kind="ltrb"), "kind: expected one of centre_log, corner, got 'ltrb'"),
        (dict(weights=(1, 1, 1)), r"weights: expected four finite numbers, got \(1, 1, 1\)"),
        (dict(stds=(1, 0, 1, 1)), r"stds: expected four non-zero numbers, got \(1.0, 0.0, 1.0, 1.0\)"),
        (dict(means=(0, 0, 0, float("nan"))), "means: expected four finite numbers"),
        (dict(clamp_sides="upper"), "dwh_clamp: expected a value exactly when clamp_sides is not 'none'"),
        (dict(dwh_clamp=4.0), "dwh_clamp: expected a value exactly when clamp_sides is not 'none'"),
        (dict(dwh_clamp=-1.0, clamp_sides="both"), "dwh_clamp: expected a finite number >= 0.0, got -1.0"),
        (dict(ctr_clamp=-3), "ctr_clamp: expected a finite number >= 0.0, got -3"),
        (dict(log_eps=-1e-6), "log_eps: expected a finite number >= 0.0"),
        (dict(clip_mode="image"), "clip_mode: expected one of none, wh, wh_minus_1, got 'image'"),
        (dict(dtype="float16"), "dtype: expected one of float32, float64, got 'float16'"),
        (dict(centre="corner"), "centre: expected one of x1_plus_half_w, midpoint, got 'corner'"),
        (dict(plus_one="yes"), "plus_one: expected True or False, got 'yes'"),
        (dict(kind="corner", ctr_clamp=32), "kind: a 'corner' coder has no log sizes or centre"),
    ],
)
def test_spec_rejects_bad_fields(fields, message):
    args = dict(name="bad", kind="centre_log")
    args.update(fields)
    with pytest.raises(AnchorVizInputError, match=message):
        CoderSpec(**args)


# --- edges, immutability, errors ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CODERS))
def test_empty_input_gives_empty_output(name):
    spec = CODERS[name]
    assert encode([], [], spec).shape == (0, 4)
    assert encode(np.zeros((0, 4)), np.zeros((0, 4)), spec).dtype == np.float64
    out = decode(np.zeros((0, 4)), [], spec, max_shape=None if spec.clip_mode == "none" else (10, 10))
    assert out.shape == (0, 4) and out.dtype == np.float64


def test_degenerate_boxes_give_the_library_infinities_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        deltas = encode([UNIT, [5, 5, 5, 5]], [[0, 0, 0, 10], [4, 4, 6, 6]], TORCHVISION_RPN)
    assert deltas[0, 2] == -np.inf  # log(0 / 10), as torch.log gives
    # a zero-size anchor: the centre shift is 0/0 = NaN, the size ratio 2/0 = inf, as in torch
    np.testing.assert_array_equal(deltas[1], [np.nan, np.nan, np.inf, np.inf])
    assert np.isfinite(encode([UNIT], [[0, 0, 0, 10]], MMDET_V1_LEGACY)).all()  # +1 widths never vanish


def test_inputs_are_not_mutated():
    anchors = np.array([UNIT, [5, 5, 25, 45]], dtype=np.float32)
    gts = np.array([[1, 2, 11, 12], [0, 0, 20, 40]], dtype=np.float64)
    deltas = np.array([[0.1, 0.2, 50.0, -50.0], [1, 1, 1, 1]])
    copies = anchors.copy(), gts.copy(), deltas.copy()
    for spec in CODERS.values():
        encode(anchors, gts, spec)
        decode(anchors, deltas, spec, max_shape=None if spec.clip_mode == "none" else (20, 20))
    for arr, before in zip((anchors, gts, deltas), copies):
        np.testing.assert_array_equal(arr, before)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: encode([UNIT, UNIT], [UNIT], MMDET), r"gts: expected one GT per anchor \(2 boxes\), got 1 boxes"),
        (lambda: encode([[0, 0, float("nan"), 1]], [UNIT], MMDET), "anchors: box 0 has a NaN or infinite coordinate"),
        (lambda: encode([UNIT], [[10, 0, 0, 10]], MMDET), "gts: box 0 is inverted"),
        (lambda: encode([UNIT], [UNIT], "mmdet"), "spec: expected a CoderSpec .*got str"),
        (lambda: decode([UNIT], [[0, 0, 0]], MMDET),
         r"deltas: expected shape \(1, 4\), one row per anchor, got shape \(1, 3\)"),
        (lambda: decode([UNIT], [[0, 0, 0, np.inf]], MMDET),
         r"deltas: row 0 has a NaN or infinite value: \[0.0, 0.0, 0.0, inf\]"),
        (lambda: decode([UNIT], [["a", 0, 0, 0]], MMDET), "deltas: expected numbers in an"),
        (lambda: decode([UNIT], [[0, 0, 0, 0]], TORCHVISION_RPN, max_shape=(10, 10)),
         r"max_shape: the torchvision_rpn coder does not clip to the image, expected None, got \(10, 10\)"),
        (lambda: decode([UNIT], [[0, 0, 0, 0]], MMDET, max_shape=(0, 10)),
         r"max_shape: expected \(H, W\) with two positive numbers, got \(0, 10\)"),
        (lambda: decode([UNIT], [[0, 0, 0, 0]], MMDET, max_shape=(10, 10, 3)),
         r"max_shape: expected \(H, W\) with two positive numbers, got \(10, 10, 3\)"),
    ],
)
def test_bad_input_is_reported(call, message):
    with pytest.raises(AnchorVizInputError, match=message):
        call()


def test_every_convention_names_an_existing_coder():
    from anchorviz.core.conventions import CONVENTIONS

    for convention in CONVENTIONS.values():
        assert convention.coder in CODERS or convention.coder == "", (convention.name, convention.coder)
