"""Tests for anchorviz.core.nms (torchvision and d2l greedy NMS)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.nms import batched_nms, nms

REFERENCE = Path(__file__).parents[1] / "data" / "reference"


def golden_cases(library: str, function: str) -> list:
    """Every case of ``library``.json whose ``function`` field is ``function``, as pytest params."""
    cases = json.loads((REFERENCE / f"{library}.json").read_text())["cases"]
    return [pytest.param(c, id=f"{library}[{i}]") for i, c in enumerate(cases) if c["function"] == function]


TV_NMS = golden_cases("torchvision", "torchvision.ops.nms / batched_nms")
D2L_NMS = golden_cases("d2l", "nms")


def pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Plain float64 IoU for the property checks, (N, 4) x (M, 4) -> (N, M); boxes have positive area."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / (area_a[:, None] + area_b[None, :] - inter)


# --- hand-checked table ---------------------------------------------------------------------------

SQUARE = [0, 0, 10, 10]  # area 100

NMS_TABLE = [
    # (boxes, scores, thr, rule, expected keep)
    pytest.param([SQUARE, SQUARE], [0.5, 0.9], 0.5, "torchvision", [1], id="duplicate: higher score wins"),
    pytest.param([SQUARE, [0, 0, 10, 5]], [0.9, 0.8], 0.5, "torchvision", [0, 1], id="IoU 50/100 == thr: kept"),
    pytest.param([SQUARE, [0, 0, 10, 6]], [0.9, 0.8], 0.5, "torchvision", [0], id="IoU 60/100 > thr: suppressed"),
    pytest.param([SQUARE, [20, 0, 30, 10], [40, 0, 50, 10]], [0.1, 0.3, 0.2], 0.5, "torchvision", [1, 2, 0],
                 id="disjoint: all kept, by score"),
    pytest.param([SQUARE, [20, 0, 30, 10], [40, 0, 50, 10]], [0.5, 0.5, 0.5], 0.5, "torchvision", [0, 1, 2],
                 id="tied scores: lower index first"),
    # A=[0,10] B=[4,14] C=[8,18] on x: IoU(A,B)=60/140=.43 > .4, IoU(B,C)=.43, IoU(A,C)=20/180=.11
    pytest.param([[0, 0, 10, 10], [4, 0, 14, 10], [8, 0, 18, 10]], [0.9, 0.8, 0.7], 0.4, "torchvision", [0, 2],
                 id="chain: suppressed B cannot suppress C"),
    pytest.param([SQUARE, [10, 0, 20, 10]], [0.9, 0.8], 0.0, "torchvision", [0, 1],
                 id="thr 0: touching boxes (IoU 0) survive"),
    pytest.param([SQUARE, [9, 0, 19, 10]], [0.9, 0.8], 0.0, "torchvision", [0], id="thr 0: any overlap suppresses"),
    pytest.param([SQUARE, SQUARE], [0.9, 0.8], 1.0, "torchvision", [0, 1], id="thr 1: IoU 1 is not > 1"),
    pytest.param([[5, 5, 5, 5], [5, 5, 5, 5]], [0.9, 0.8], 0.5, "torchvision", [0, 1],
                 id="two points: IoU 0/0 = NaN is not > thr, kept"),
    pytest.param([[5, 5, 5, 5], [5, 5, 5, 5]], [0.9, 0.8], 0.5, "d2l", [0],
                 id="d2l: NaN is not <= thr, suppressed"),
    pytest.param([[5, 5, 5, 5], SQUARE], [0.9, 0.8], 0.5, "d2l", [0, 1],
                 id="d2l: point vs box has IoU 0, kept"),
    pytest.param([SQUARE, [0, 0, 10, 5]], [0.9, 0.8], 0.5, "d2l", [0, 1], id="d2l: IoU == thr kept too"),
]


@pytest.mark.parametrize(("boxes", "scores", "thr", "rule", "expected"), NMS_TABLE)
def test_nms_table(boxes, scores, thr, rule, expected):
    keep = nms(boxes, scores, thr, rule=rule)
    assert keep.dtype == np.int64
    assert keep.tolist() == expected


def test_float32_iou_is_compared_as_torchvision_and_d2l_do():
    # IoU = 30/100. In float32 that is 0.300000012 (float32(0.3)), just above the double 0.3.
    boxes64 = np.array([SQUARE, [0, 0, 10, 3]], dtype=np.float64)
    boxes32 = boxes64.astype(np.float32)
    scores = [0.9, 0.8]
    assert nms(boxes64, scores, 0.3).tolist() == [0, 1]  # float64: 0.3 > 0.3 is False
    assert nms(boxes32, scores, 0.3).tolist() == [0]  # C++: float IoU promoted to double, 0.300000012 > 0.3
    assert nms(boxes32, scores, 0.3, rule="d2l").tolist() == [0, 1]  # torch compares in float32: equal, kept


BATCHED_TABLE = [
    # (boxes, scores, classes, thr, expected keep)
    pytest.param([SQUARE, SQUARE], [0.9, 0.8], [0, 1], 0.5, [0, 1], id="same box, different class: both kept"),
    pytest.param([SQUARE, SQUARE], [0.9, 0.8], [2, 2], 0.5, [0], id="same box, same class: suppressed"),
    pytest.param([SQUARE, [50, 50, 60, 60], [0, 0, 10, 9]], [0.7, 0.9, 0.8], [0, 1, 1], 0.5, [1, 2, 0],
                 id="merged in decreasing score order across classes"),
    pytest.param([SQUARE, [1, 0, 11, 10], [2, 0, 12, 10]], [0.9, 0.8, 0.7], [0, 1, 0], 0.5, [0, 1],
                 id="class-0 box 2 is suppressed by box 0, not by class-1 box 1"),
]


@pytest.mark.parametrize(("boxes", "scores", "classes", "thr", "expected"), BATCHED_TABLE)
def test_batched_nms_table(boxes, scores, classes, thr, expected):
    keep = batched_nms(boxes, scores, classes, thr)
    assert keep.dtype == np.int64
    assert keep.tolist() == expected


# --- golden cases ---------------------------------------------------------------------------------


def test_golden_nms_cases_exist():
    assert len(TV_NMS) >= 1 and len(D2L_NMS) >= 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", TV_NMS)
def test_torchvision_nms_matches_golden(case, dtype):
    inputs = case["inputs"]
    boxes = np.array(inputs["boxes"], dtype=dtype)
    checked = 0
    for key, expected in case["outputs"].items():
        name, thr_text = key.split("_thr")  # e.g. "batched_nms_keep_thr0.5" -> threshold 0.5
        thr = float(thr_text)
        if name == "nms_keep":
            keep = nms(boxes, inputs["scores"], thr)
        elif name == "batched_nms_keep":
            keep = batched_nms(boxes, inputs["scores"], inputs["idxs"], thr)
        else:
            continue
        assert keep.tolist() == expected, key
        checked += 1
    assert checked == len(case["outputs"])


@pytest.mark.parametrize("case", D2L_NMS)
def test_d2l_nms_matches_golden(case):
    inputs = case["inputs"]
    boxes = np.array(inputs["boxes"], dtype=np.float32)
    keep = nms(boxes, inputs["scores"], case["params"]["iou_threshold"], rule="d2l")
    assert keep.tolist() == case["outputs"]["keep"]


# --- properties -----------------------------------------------------------------------------------

coords = st.integers(0, 60)


@st.composite
def boxes_and_scores(draw, max_size=40):
    """Valid positive-area integer boxes, scores with ties, and class ids."""
    n = draw(st.integers(0, max_size))
    xy = draw(st.lists(st.tuples(coords, coords, st.integers(1, 30), st.integers(1, 30)), min_size=n, max_size=n))
    boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in xy], dtype=np.float64).reshape(-1, 4)
    scores = np.array(draw(st.lists(st.integers(0, 10), min_size=n, max_size=n)), dtype=np.float64) / 10
    classes = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=np.int64)
    return boxes, scores, classes


@settings(max_examples=150, deadline=None)
@given(boxes_and_scores(), st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0]), st.sampled_from(["torchvision", "d2l"]))
def test_nms_properties(data, thr, rule):
    boxes, scores, _ = data
    keep = nms(boxes, scores, thr, rule=rule)
    n = boxes.shape[0]
    assert keep.dtype == np.int64 and len(set(keep.tolist())) == keep.size
    assert np.all((keep >= 0) & (keep < n))
    # decreasing score; ties in index order
    ranks = np.lexsort((np.arange(n), -scores))
    position = np.empty(n, dtype=np.int64)
    position[ranks] = np.arange(n)
    assert np.all(np.diff(position[keep]) > 0)
    iou = pairwise_iou(boxes, boxes)
    kept_iou = iou[np.ix_(keep, keep)]
    np.fill_diagonal(kept_iou, 0.0)
    assert np.all(kept_iou <= thr)
    # maximal: every dropped box overlaps a better-ranked kept box above the threshold
    dropped = np.setdiff1d(np.arange(n), keep)
    for j in dropped:
        better = keep[position[keep] < position[j]]
        assert np.any(iou[better, j] > thr)


@settings(max_examples=100, deadline=None)
@given(boxes_and_scores(), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_batched_nms_is_per_class_nms_merged_by_score(data, thr):
    boxes, scores, classes = data
    keep = batched_nms(boxes, scores, classes, thr)
    expected = []
    for c in np.unique(classes):
        members = np.flatnonzero(classes == c)
        expected.extend(members[nms(boxes[members], scores[members], thr)].tolist())
    expected = sorted(expected, key=lambda i: (-scores[i], i))
    assert keep.tolist() == expected
    for c in np.unique(classes):
        same = keep[classes[keep] == c]
        iou = pairwise_iou(boxes[same], boxes[same])
        np.fill_diagonal(iou, 0.0)
        assert np.all(iou <= thr)


# --- edges, immutability, errors ------------------------------------------------------------------


def test_empty_input_gives_empty_keep():
    for keep in (
        nms([], [], 0.5),
        nms(np.zeros((0, 4)), np.zeros(0), 0.5, rule="d2l"),
        batched_nms(np.zeros((0, 4), dtype=np.float32), [], [], 0.5),
    ):
        assert keep.shape == (0,) and keep.dtype == np.int64


def test_single_box_is_kept():
    assert nms([[0, 0, 1, 1]], [0.1], 0.5).tolist() == [0]


def test_inputs_are_not_mutated():
    boxes = np.array([SQUARE, [1, 0, 11, 10], [50, 50, 60, 60]], dtype=np.float32)
    scores = np.array([0.2, 0.9, 0.5])
    classes = np.array([0, 0, 1])
    copies = boxes.copy(), scores.copy(), classes.copy()
    nms(boxes, scores, 0.5)
    nms(boxes, scores, 0.5, rule="d2l")
    batched_nms(boxes, scores, classes, 0.5)
    for arr, before in zip((boxes, scores, classes), copies):
        np.testing.assert_array_equal(arr, before)


@pytest.mark.parametrize(
    ("boxes", "scores", "thr", "rule", "message"),
    [
        ([SQUARE], [0.1, 0.2], 0.5, "torchvision",
         r"scores: expected one score per box, shape \(1,\), got shape \(2,\)"),
        ([SQUARE], [float("nan")], 0.5, "torchvision", "scores: expected finite numbers, got nan for box 0"),
        ([SQUARE], [0.1], 1.5, "torchvision", r"iou_threshold: expected a number in \[0, 1\], got 1.5"),
        ([SQUARE], [0.1], -0.1, "torchvision", r"iou_threshold: expected a number in \[0, 1\], got -0.1"),
        ([SQUARE], [0.1], float("nan"), "torchvision", r"iou_threshold: expected a number in \[0, 1\], got nan"),
        ([SQUARE], [0.1], "0.5", "torchvision", r"iou_threshold: expected a number in \[0, 1\], got '0.5'"),
        ([SQUARE], [0.1], 0.5, "mmcv", "rule: expected one of torchvision, d2l, got 'mmcv'"),
        ([[10, 0, 0, 10]], [0.1], 0.5, "torchvision", "boxes: box 0 is inverted"),
        ([[0, 0, 10]], [0.1], 0.5, "torchvision", r"boxes: expected shape \(N, 4\)"),
    ],
)
def test_nms_rejects_bad_input(boxes, scores, thr, rule, message):
    with pytest.raises(AnchorVizInputError, match=message):
        nms(boxes, scores, thr, rule=rule)


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ([0], r"class_ids: expected one class per box, shape \(2,\), got shape \(1,\)"),
        ([0.5, 1.0], "class_ids: expected integers, got dtype float64"),
        ([[0, 1]], r"class_ids: expected one class per box, shape \(2,\), got shape \(1, 2\)"),
    ],
)
def test_batched_nms_rejects_bad_classes(classes, message):
    with pytest.raises(AnchorVizInputError, match=message):
        batched_nms([SQUARE, SQUARE], [0.5, 0.4], classes, 0.5)
