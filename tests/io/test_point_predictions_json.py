"""anchorviz.io.point_predictions.point_predictions_json: the example file the Assigners page offers is a file the
upload parser reads back (same points, classes, boxes within the written rounding)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from anchorviz.core.assigners.head import PointPredictions, simulate_point_head
from anchorviz.core.points import library_points
from anchorviz.io.point_predictions import FORMAT, parse_point_predictions, point_predictions_json

GRID = library_points("yolox", (64, 96), (8, 16, 32))
GTS = np.array([[5.0, 6.0, 40.0, 50.0], [60.0, 10.0, 70.0, 18.0]])


@pytest.mark.parametrize("progress", [0.0, 0.5, 1.0])
def test_the_example_file_reads_back(progress):
    pred = simulate_point_head(GRID, GTS, [0, 2], num_classes=3, progress=progress, seed=5)
    text = point_predictions_json(pred)
    doc = json.loads(text)
    assert doc["format"] == FORMAT and doc["scores"] == "logits" and doc["box_format"] == "xyxy"
    back = parse_point_predictions(text, num_points=len(GRID), num_classes=3)
    assert back.cls_logits.shape == (len(GRID), 3)
    assert np.abs(back.cls_logits - pred.cls_logits).max() <= 5e-5 + 1e-6  # 4 decimals, then float32
    assert np.abs(back.obj_logits - pred.obj_logits).max() <= 5e-5 + 1e-6
    assert np.abs(back.boxes - pred.boxes).max() <= 0.005 + 1e-9


def test_a_head_without_objectness_writes_none():
    n = len(GRID)
    pred = PointPredictions(cls_logits=np.zeros((n, 2)), obj_logits=np.full(n, np.inf),
                            boxes=np.tile([1.0, 2.0, 3.0, 4.0], (n, 1)))
    doc = json.loads(point_predictions_json(pred))
    assert "obj" not in doc
    back = parse_point_predictions(json.dumps(doc), num_points=n)
    assert np.all(np.isinf(back.obj_logits)) and back.boxes[0].tolist() == [1, 2, 3, 4]
