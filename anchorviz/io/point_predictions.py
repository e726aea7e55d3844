"""Uploaded per-point predictions for the point assigners (JSON; nothing in it is executed).

Format ``anchorviz.point_predictions/1``, one JSON object::

    {
      "format": "anchorviz.point_predictions/1",   optional
      "scores": "logits",                           required: "logits" or "probabilities" (what "cls" holds)
      "cls": [[c_0, ..., c_{C-1}], ...],            required: one row of C class scores per point
      "obj": [o_0, ...],                            optional: one objectness score per point, same kind as "cls"
                                                    (YOLOX heads); absent means objectness 1 (a head without it)
      "boxes": [[x1, y1, x2, y2], ...],             required: one decoded box per point, network-input pixels
      "box_format": "xyxy"                          optional: "xyxy" (default), "cxcywh" or "xywh"
    }

Rows follow the points of the chosen setup in the libraries' order: level by level, finest first, and within a
level row by row (y outer, x fastest) -- e.g. 6400 + 1600 + 400 = 8400 rows for a 640 x 640 input with strides
8 / 16 / 32. Probabilities are turned into logits (clipped to [1e-7, 1 - 1e-7] first), because RTMDet's assigner
takes logits and TAL / SimOTA derive their probabilities from them.

Every problem is an ``AnchorVizInputError`` saying what was expected and what arrived (key, row, value).
"""

from __future__ import annotations

import json
from os import PathLike
from pathlib import Path

import numpy as np

from anchorviz.core.boxes import cxcywh_to_xyxy, xywh_to_xyxy
from anchorviz.core.assigners.head import PointPredictions
from anchorviz.core.errors import AnchorVizInputError
from anchorviz.io.json_object import decode_json_object

__all__ = ["FORMAT", "parse_point_predictions", "load_point_predictions_file", "point_predictions_json", "MAX_BYTES",
           "MAX_ABS_COORD"]

FORMAT = "anchorviz.point_predictions/1"
MAX_BYTES = 256 * 2**20  # 8400 points x 80 classes is ~7 MB of JSON; this leaves room for 4k inputs
MAX_ABS_COORD = 1e6  # pixels; a decoded box beyond a million pixels is a unit or format mix-up
_KEYS = {"format", "scores", "cls", "obj", "boxes", "box_format"}
_CLIP = 1e-7


def _array(obj: dict, key: str, shape_desc: str, name: str) -> np.ndarray:
    try:
        arr = np.asarray(obj[key], dtype=np.float64)
    except (TypeError, ValueError):
        raise AnchorVizInputError(f"{name}: '{key}' must be numbers ({shape_desc}); found a non-numeric or ragged "
                                  f"value") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[0].tolist()
        raise AnchorVizInputError(f"{name}: '{key}' has a NaN or infinite value at index {where}; expected finite "
                                  f"numbers")
    return arr


def _check_rows(arr: np.ndarray, key: str, num_points: int, setup: str, name: str) -> None:
    if arr.shape[0] != num_points:
        raise AnchorVizInputError(f"{name}: '{key}' has {arr.shape[0]} rows, expected {num_points} (one per point "
                                  f"of {setup})")


def parse_point_predictions(data: bytes | str | dict, *, num_points: int, num_classes: int | None = None,
                            setup: str = "this setup", name: str = "predictions.json") -> PointPredictions:
    """Validate uploaded predictions and return them as ``PointPredictions``.

    Args:
        data: the file's bytes or text, or an already decoded object.
        num_points: points of the current setup (``len(grid)``).
        num_classes: required number of classes, or None to accept any C >= 1.
        setup: how the setup is described in messages (e.g. "640x640, strides 8/16/32").
        name: the file name used in messages.

    Raises:
        AnchorVizInputError: not JSON, not an object, unknown or missing keys, wrong shapes or point count,
            NaN / inf, probabilities outside [0, 1], boxes with negative width or height or absurd coordinates.
    """
    obj = decode_json_object(data, name=name, expected="'scores', 'cls' and 'boxes'", max_bytes=MAX_BYTES)
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise AnchorVizInputError(f"{name}: unexpected key(s) {unknown}; the keys are {sorted(_KEYS)}")
    missing = [k for k in ("scores", "cls", "boxes") if k not in obj]
    if missing:
        raise AnchorVizInputError(f"{name}: missing key(s) {missing}; expected 'scores', 'cls' and 'boxes'")
    if "format" in obj and obj["format"] != FORMAT:
        raise AnchorVizInputError(f"{name}: 'format' is {obj['format']!r}; this reader knows {FORMAT!r}")
    kind = obj["scores"]
    if kind not in ("logits", "probabilities"):
        raise AnchorVizInputError(f"{name}: 'scores' must be \"logits\" or \"probabilities\", got {kind!r}")
    box_format = obj.get("box_format", "xyxy")
    if box_format not in ("xyxy", "cxcywh", "xywh"):
        raise AnchorVizInputError(f"{name}: 'box_format' must be \"xyxy\", \"cxcywh\" or \"xywh\", got {box_format!r}")
    if not isinstance(num_points, int) or num_points < 1:
        raise AnchorVizInputError(f"num_points: expected a positive integer, got {num_points!r}")
    cls = _array(obj, "cls", "one row of class scores per point", name)
    if cls.ndim != 2 or cls.shape[1] < 1:
        raise AnchorVizInputError(f"{name}: 'cls' must be a list of rows of class scores (shape [points, classes]), "
                                  f"got shape {list(cls.shape)}")
    _check_rows(cls, "cls", num_points, setup, name)
    if num_classes is not None and cls.shape[1] != num_classes:
        raise AnchorVizInputError(f"{name}: 'cls' rows have {cls.shape[1]} scores, expected {num_classes} (one per "
                                  f"class)")
    obj_scores = None
    if "obj" in obj:
        obj_scores = _array(obj, "obj", "one objectness score per point", name)
        if obj_scores.ndim == 2 and obj_scores.shape[1:] == (1,):
            obj_scores = obj_scores[:, 0]
        if obj_scores.ndim != 1:
            raise AnchorVizInputError(f"{name}: 'obj' must be one number per point, got shape {list(obj_scores.shape)}")
        _check_rows(obj_scores, "obj", num_points, setup, name)
    boxes = _array(obj, "boxes", "[[x1, y1, x2, y2], ...]", name)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise AnchorVizInputError(f"{name}: 'boxes' must be rows of 4 numbers ({box_format}), got shape "
                                  f"{list(boxes.shape)}")
    _check_rows(boxes, "boxes", num_points, setup, name)
    if np.abs(boxes).max(initial=0.0) > MAX_ABS_COORD:
        i = int(np.argmax(np.abs(boxes).max(axis=1)))
        raise AnchorVizInputError(f"{name}: box {i} has a coordinate beyond ±{MAX_ABS_COORD:g} px: "
                                  f"{boxes[i].tolist()}; expected network-input pixels")
    if box_format == "xyxy":
        neg = (boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])
        what = "x2 < x1 or y2 < y1"
        xyxy = boxes
    else:
        neg = (boxes[:, 2] < 0) | (boxes[:, 3] < 0)
        what = "a negative width or height"
        xyxy = cxcywh_to_xyxy(boxes) if box_format == "cxcywh" else xywh_to_xyxy(boxes)
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise AnchorVizInputError(f"{name}: box {i} has {what} ({box_format} {boxes[i].tolist()}); expected "
                                  f"non-negative sizes")
    if kind == "probabilities":
        for key, arr in (("cls", cls), ("obj", obj_scores)):
            if arr is not None and ((arr < 0) | (arr > 1)).any():
                bad = np.argwhere((arr < 0) | (arr > 1))[0].tolist()
                raise AnchorVizInputError(f"{name}: '{key}' holds probabilities, so values must lie in [0, 1]; "
                                          f"index {bad} is {arr[tuple(bad)]:g}")
        cls = _logit(cls)
        obj_scores = None if obj_scores is None else _logit(obj_scores)
    obj_logits = np.full(num_points, np.inf, np.float32) if obj_scores is None else obj_scores.astype(np.float32)
    return PointPredictions(cls_logits=cls.astype(np.float32), obj_logits=obj_logits, boxes=np.asarray(xyxy, float))


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, _CLIP, 1 - _CLIP)
    return np.log(q) - np.log1p(-q)


def load_point_predictions_file(path: str | PathLike, **kwargs) -> PointPredictions:
    """Read a predictions file from disk and parse it (``parse_point_predictions``'s keyword arguments)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise AnchorVizInputError(f"{p.name}: {size / 2**20:.0f} MB is too large; at most "
                                      f"{MAX_BYTES // 2**20} MB are accepted")
        data = p.read_bytes()
    except OSError as e:
        raise AnchorVizInputError(f"{p.name}: cannot read the file ({e.strerror})") from None
    kwargs.setdefault("name", p.name)
    return parse_point_predictions(data, **kwargs)



def point_predictions_json(pred: PointPredictions, *, decimals: int = 4) -> str:
    """Predictions as a file of this format (logits, xyxy boxes), e.g. an example for users to start from.

    Logits are rounded to ``decimals`` places and boxes to 2; objectness is written only when the head has one
    (finite logits). ``parse_point_predictions`` reads the text back.
    """
    out = {"format": FORMAT, "scores": "logits",
           "cls": np.round(pred.cls_logits.astype(np.float64), decimals).tolist()}
    if np.isfinite(pred.obj_logits).all():
        out["obj"] = np.round(pred.obj_logits.astype(np.float64), decimals).tolist()
    out["boxes"] = np.round(pred.boxes, 2).tolist()
    out["box_format"] = "xyxy"
    return json.dumps(out, separators=(",", ":"))
