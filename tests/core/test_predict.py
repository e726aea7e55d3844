"""Worked formulas, the simulated head, uploaded predictions and the decode -> threshold -> NMS pipeline."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from anchorviz.core.anchors.grid import generate_anchors
from anchorviz.core.assign.max_iou import assign_anchors, max_iou_rule
from anchorviz.core.coding.presets import CODERS, D2L, KERAS_RETINANET, MMDET, TORCHVISION_ROI, TORCHVISION_RPN
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.core.explain import explain_decode, explain_encode
from anchorviz.core.iou.pairwise import pairwise_iou
from anchorviz.core.predict import HeadOutput, match_to_gt, postprocess, simulate_head
from anchorviz.io.predictions import parse_predictions
from anchorviz.core.presets import preset_config


def test_encode_explanation_by_hand():
    # anchor 10x10 centred (5, 5), GT 10x10 centred (6, 7); RoI weights (10, 10, 5, 5): tx = 10*(1/10) = 1
    e = explain_encode([0, 0, 10, 10], [1, 2, 11, 12], TORCHVISION_ROI)
    np.testing.assert_allclose(e.values, [1.0, 2.0, 0.0, 0.0], atol=1e-6)
    assert r"t_x = 10 \cdot \frac{g_{cx} - a_{cx}}{a_w}" in e.latex[2]
    assert e.latex[2].endswith("= 1")


def test_decode_explanation_shows_the_clamp_where_libraries_differ():
    # dw = +50, dh = -50: torchvision clamps only from above, mmdet on both sides, d2l not at all
    tv = explain_decode([0, 0, 10, 10], [0.5, 0.25, 50, -50], TORCHVISION_RPN)
    mm = explain_decode([0, 0, 10, 10], [0.5, 0.25, 50, -50], MMDET)
    d2 = explain_decode([0, 0, 10, 10], [0.5, 0.25, 50, -50], D2L)
    assert set(tv.clamped) == {"dw"} and set(mm.clamped) == {"dw", "dh"} and d2.clamped == {}
    assert tv.values[3] - tv.values[1] == pytest.approx(0.0, abs=1e-6)  # torchvision: the box collapses
    assert mm.values[3] - mm.values[1] == pytest.approx(10 * np.exp(-4.135166556742356), rel=1e-5)
    assert "clamped from" in tv.latex[2] and "clamped from" not in tv.latex[3]


def test_keras_corner_explanation():
    e = explain_decode([0, 0, 10, 10], [1, -1, 1, -1], KERAS_RETINANET)
    np.testing.assert_allclose(e.values, [2, -2, 12, 8])  # x1 = 0 + 1*0.2*10
    assert e.latex[0].endswith("= 2")


@pytest.mark.parametrize("name", sorted(CODERS))
def test_extreme_deltas_decode_without_warnings_or_nan(name):
    anchors = np.array([[0, 0, 10, 10], [100, 100, 300, 200]], float)
    deltas = np.array([[50, -50, 50, -50], [-50, 50, -50, 50]], float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        head = HeadOutput(scores=np.array([0.9, 0.8]), classes=np.zeros(2, np.int64), deltas=deltas)
        det = postprocess(anchors, head, CODERS[name], score_threshold=0.0)
        explain_decode(anchors[0], deltas[0], CODERS[name])
    assert np.isfinite(det.decoded).all()


def _scene():
    cfg = preset_config("RetinaNet", "torchvision", levels=(3, 4, 5))
    aset = generate_anchors(cfg, (256, 256))
    gts = np.array([[30, 40, 110, 120], [140, 60, 230, 200], [10, 180, 60, 240]], float)
    res = assign_anchors(aset, gts, max_iou_rule("torchvision", pos_iou=0.5, neg_iou=0.4))
    return aset, gts, res


def test_simulated_head_is_seeded_and_collapses_under_nms():
    aset, gts, res = _scene()
    a = simulate_head(aset.boxes, gts, res, TORCHVISION_RPN, sigma=0.05, seed=3)
    b = simulate_head(aset.boxes, gts, res, TORCHVISION_RPN, sigma=0.05, seed=3)
    np.testing.assert_array_equal(a.deltas, b.deltas)
    det = postprocess(aset.boxes, a, TORCHVISION_RPN, score_threshold=0.5, nms_threshold=0.5)
    n_pos = int(res.counts()["positive"])
    assert det.counts["before threshold"] == len(aset)
    assert det.counts["after threshold"] == n_pos  # only positives score high
    assert det.counts["after NMS"] < n_pos  # duplicates collapse
    assert det.counts["after NMS"] >= len(gts)
    _, ious = match_to_gt(det.boxes, gts)
    assert (ious[:3] > 0.8).all()  # with little noise the best detections sit on their GT


def test_simulated_scores_are_spread_below_one_and_follow_the_iou():
    """A trained head is not certain: no score saturates at 1 (a table would read "1" for every top box), they
    spread enough to rank, and a better-placed anchor scores higher on average."""
    aset, gts, res = _scene()
    head = simulate_head(aset.boxes, gts, res, TORCHVISION_RPN, sigma=0.05, seed=3)
    pos = res.positive
    sc = head.scores[pos]
    assert (sc > 0.5).all() and (sc < 1.0).all() and (np.round(sc, 3) < 1.0).all()
    assert len(np.unique(np.round(np.sort(sc)[-10:], 3))) >= 5
    iou = pairwise_iou(aset.boxes[pos], gts)[np.arange(len(pos)), res.matched_gt[pos]]
    assert np.corrcoef(iou, sc)[0, 1] > 0.3
    other = np.delete(head.scores, pos)
    assert other.max() < 0.05


def test_zero_noise_head_decodes_onto_the_gts():
    aset, gts, res = _scene()
    head = simulate_head(aset.boxes, gts, res, TORCHVISION_RPN, sigma=0.0, seed=0)
    det = postprocess(aset.boxes, head, TORCHVISION_RPN, score_threshold=0.5, nms_threshold=0.5, class_aware=False)
    for g in gts:
        assert np.abs(det.boxes - g).max(axis=1).min() < 1e-3


@pytest.mark.parametrize(
    ("payload", "match"),
    [
        (b"{not json", "not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),  # json.loads raises RecursionError: a message, no traceback
        (json.dumps([1, 2]), "expected a JSON object"),
        (json.dumps({"scores": [0.5]}), "expected keys 'scores' and 'deltas'"),
        (json.dumps({"scores": [0.5, 0.2], "deltas": [[0, 0, 0, 0]] * 3}), r"must be 2 rows of 4 numbers"),
        (json.dumps({"scores": [0.5, "x"], "deltas": [[0, 0, 0, 0]] * 2}), "'scores' must hold numbers"),
        (json.dumps({"scores": [0.5, -0.1], "deltas": [[0, 0, 0, 0]] * 2}), r"scores must lie in \[0, 1\] \(probabilities\), got -0.1"),
        ('{"scores": [0.5, NaN], "deltas": [[0, 0, 0, 0], [0, 0, 0, 0]]}', "NaN or infinite"),
        (json.dumps({"scores": [0.5, 0.5], "deltas": [[0, 0, 0, 0]] * 2}), "2 predictions for 5 anchors"),
        (json.dumps({"scores": [0.5], "deltas": [[0, 0, 5000, 0]], "anchor_index": [1]}), "deltas beyond"),
        (json.dumps({"scores": [0.5], "deltas": [[0, 0, 0, 0]], "anchor_index": [9]}), r"integers in \[0, 5\)"),
        (json.dumps({"scores": [0.5], "boxes": [[10, 0, 0, 10]]}), "inverted"),
    ],
)
def test_bad_uploaded_predictions(payload, match):
    with pytest.raises(AnchorVizInputError, match=match):
        parse_predictions(payload, num_anchors=5)


def test_uploaded_predictions_layouts():
    full = parse_predictions(json.dumps({"scores": [0.1] * 3, "deltas": [[0, 0, 0, 0]] * 3, "classes": [0, 1, 1]}), num_anchors=3)
    assert full.classes.tolist() == [0, 1, 1]
    sparse = parse_predictions(json.dumps({"scores": [0.7], "deltas": [[1, 0, 0, 0]], "anchor_index": [2]}), num_anchors=4)
    assert sparse.scores.tolist() == [0, 0, 0.7, 0] and sparse.deltas[2, 0] == 1
    boxes = parse_predictions({"scores": [0.9], "boxes": [[0, 0, 5, 5]]}, num_anchors=10)
    det = postprocess(np.zeros((10, 4)), boxes, None, score_threshold=0.5)
    assert det.counts == {"before threshold": 1, "after threshold": 1, "after NMS": 1}
