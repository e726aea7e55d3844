"""Uploaded per-point predictions: the documented format, every refusal with what was expected and what arrived."""

from __future__ import annotations

import json

import numpy as np
import pytest

from anchorviz.core.assigners._overlaps import sigmoid32
from anchorviz.core.assigners.registry import run_point_rule
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.point_predictions import FORMAT, load_point_predictions_file, parse_point_predictions

N = 3


def _doc(**kw) -> dict:
    d = {"format": FORMAT, "scores": "logits", "cls": [[0.5, -1.0]] * N, "boxes": [[0, 0, 4, 4]] * N}
    d.update(kw)
    return {k: v for k, v in d.items() if v is not None}


def test_logits_round_trip_and_default_objectness():
    p = parse_point_predictions(json.dumps(_doc()), num_points=N, num_classes=2)
    assert p.cls_logits.dtype == np.float32 and p.cls_logits.shape == (N, 2)
    assert np.array_equal(p.tal_scores(), sigmoid32(p.cls_logits))
    assert np.allclose(p.simota_scores(), np.sqrt(sigmoid32(p.cls_logits)))  # no "obj": objectness 1
    assert p.boxes.tolist() == [[0, 0, 4, 4]] * N


def test_probabilities_are_kept_as_probabilities():
    d = _doc(scores="probabilities", cls=[[0.9, 0.1]] * N, obj=[0.5] * N)
    p = parse_point_predictions(d, num_points=N)
    assert np.allclose(p.tal_scores(), [[0.9, 0.1]] * N, atol=1e-6)
    assert np.allclose(p.simota_scores(), np.sqrt(np.array([[0.9, 0.1]]) * 0.5), atol=1e-6)


@pytest.mark.parametrize(("fmt", "boxes", "xyxy"), [
    ("cxcywh", [[10, 10, 4, 6]] * N, [10 - 2, 10 - 3, 10 + 2, 10 + 3]),
    ("xywh", [[10, 10, 4, 6]] * N, [10, 10, 14, 16]),
])
def test_other_box_formats_become_xyxy(fmt, boxes, xyxy):
    p = parse_point_predictions(_doc(box_format=fmt, boxes=boxes), num_points=N)
    assert p.boxes[0].tolist() == xyxy


@pytest.mark.parametrize(("data", "match"), [
    ("{not json", "not valid JSON"),
    ("[" * 100_000, "nested too deeply"),  # json.loads raises RecursionError: a message, no traceback
    ("[1, 2]", "expected a JSON object"),
    (_doc(cls=None), r"missing key\(s\) \['cls'\]"),
    (_doc(clss=[[1, 2]]), "unexpected key"),
    (_doc(format="other/2"), "this reader knows"),
    (_doc(scores="logit"), "'scores' must be"),
    (_doc(box_format="yolo"), "'box_format' must be"),
    (_doc(cls=[[0.5, -1.0]] * 2), r"'cls' has 2 rows, expected 3 \(one per point of 640x640"),
    (_doc(cls=[[0.5]] * N), "rows have 1 scores, expected 2"),
    (_doc(cls=[[0.5, "x"]] * N), "must be numbers"),
    (_doc(cls=[[0.5, -1.0], [1.0], [0.0, 0.0]]), "must be numbers"),  # ragged
    (_doc(cls=[0.5, 1.0, 2.0]), r"shape \[points, classes\]"),
    (_doc(cls=[[0.5, float("nan")]] * N), r"NaN or infinite value at index \[0, 1\]"),
    (_doc(boxes=[[0, 0, 4, float("inf")]] * N), "NaN or infinite"),
    (_doc(boxes=[[0, 0, 4]] * N), "rows of 4 numbers"),
    (_doc(boxes=[[0, 0, 4, 4]] * 2), "'boxes' has 2 rows, expected 3"),
    (_doc(boxes=[[0, 0, 4, 4], [5, 0, 4, 4], [0, 0, 4, 4]]), r"box 1 has x2 < x1"),
    (_doc(box_format="cxcywh", boxes=[[0, 0, -1, 4]] * N), "negative width or height"),
    (_doc(boxes=[[0, 0, 4e7, 4]] * N), "beyond"),
    (_doc(obj=[0.5] * 2), "'obj' has 2 rows"),
    (_doc(obj=[[0.5, 0.5]] * N), "one number per point"),
    (_doc(scores="probabilities", cls=[[1.2, 0.1]] * N), r"in \[0, 1\]; index \[0, 0\] is 1.2"),
    (_doc(scores="probabilities", cls=[[0.2, 0.1]] * N, obj=[-0.1] * N), "'obj' holds probabilities"),
])
def test_bad_files_say_what_was_expected_and_what_arrived(data, match):
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(AnchorVizInputError, match=match):
        parse_point_predictions(text, num_points=N, num_classes=2, setup="640x640, strides 8/16/32")


def test_nothing_is_executed_and_bytes_work(tmp_path):
    payload = _doc(cls=[["__import__('os').system('x')", 0]] * N)
    with pytest.raises(AnchorVizInputError, match="must be numbers"):
        parse_point_predictions(json.dumps(payload).encode(), num_points=N)
    f = tmp_path / "pred.json"
    f.write_text(json.dumps(_doc()))
    assert len(load_point_predictions_file(f, num_points=N)) == N
    with pytest.raises(AnchorVizInputError, match="cannot read"):
        load_point_predictions_file(tmp_path / "missing.json", num_points=N)


def test_an_upload_drives_a_rule_like_the_simulated_head():
    gts = np.array([[20.0, 20.0, 60.0, 70.0]])
    grid, sim, ref = run_point_rule("simota_yolox_head", (128, 128), (8, 16, 32), gts, [1], num_classes=2,
                                    progress=1.0, seed=3)
    doc = {"scores": "logits", "cls": sim.cls_logits.tolist(), "obj": sim.obj_logits.tolist(),
           "boxes": sim.boxes.tolist()}
    up = parse_point_predictions(json.dumps(doc), num_points=len(grid), num_classes=2)
    _, _, res = run_point_rule("simota_yolox_head", (128, 128), (8, 16, 32), gts, [1], num_classes=2, predictions=up)
    assert np.array_equal(res.matched_gt, ref.matched_gt)
